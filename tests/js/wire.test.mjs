// The sync protocol as the kiosk relies on it (pwa/static/js/wire.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { confirmBy, isSyncAnswer, needsConfirmBy, pastConfirmBy, sendable } from "../../pwa/static/js/wire.js";

const answer = { server_time: "2026-12-01T09:12:03.301+09:00", results: [{ op_id: "a", status: "applied" }], leases: [] };

test("a sync answer has a server time, results and leases", () => {
  assert.equal(isSyncAnswer(answer), true);
  assert.equal(isSyncAnswer({ ...answer, results: [] }), true);
});

test("a captive portal's page or an empty object is not a sync answer", () => {
  for (const body of [null, "<html>Please log in</html>", {}, [], { ...answer, server_time: "soon" },
                      { ...answer, leases: undefined }, { ...answer, results: [{ status: "applied" }] }]) {
    assert.equal(isSyncAnswer(body), false, JSON.stringify(body));
  }
});

test("only a booking that is not on a lease needs confirm_by", () => {
  assert.equal(needsConfirmBy("booking.create", { start: "x" }), true);
  assert.equal(needsConfirmBy("event.book", { event_id: "e" }), true);
  assert.equal(needsConfirmBy("booking.create", { lease_unit_id: "lu_1" }), false);
  assert.equal(needsConfirmBy("booking.cancel", { booking_id: "b" }), false);
  assert.equal(needsConfirmBy("lease.release", { lease_unit_ids: [] }), false);
});

test("confirm_by is created_at plus the seconds given", () => {
  assert.equal(confirmBy(new Date("2026-12-01T00:00:00Z"), 60).toISOString(), "2026-12-01T00:01:00.000Z");
});

const unleased = { op_id: "u", type: "booking.create", payload: {}, confirm_by: "2026-12-01T00:01:00.000Z" };
const leased = { op_id: "l", type: "booking.create", payload: { lease_unit_id: "lu_1" }, confirm_by: "2026-12-01T00:01:00.000Z" };
const cancel = { op_id: "c", type: "booking.cancel", payload: { booking_id: "b" } };

test("an op past its confirm_by is not sent again; a lease op and a cancel always are", () => {
  const after = new Date("2026-12-01T00:01:00.000Z");
  assert.equal(pastConfirmBy(unleased, after), true);
  assert.deepEqual(sendable([unleased, leased, cancel], after).map((op) => op.op_id), ["l", "c"]);
});

test("an op is not sent in the last moments before its confirm_by, when no answer could come back in time", () => {
  const before = new Date("2026-12-01T00:00:59.000Z");
  assert.equal(pastConfirmBy(unleased, before), false);
  assert.deepEqual(sendable([unleased], before, 2000), []);
  assert.deepEqual(sendable([unleased], new Date("2026-12-01T00:00:30.000Z"), 2000).map((op) => op.op_id), ["u"]);
});
