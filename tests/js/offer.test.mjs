// What the kiosk may offer (pwa/static/js/offer.js): the server's units while it answers, else leases only.
import assert from "node:assert/strict";
import { test } from "node:test";

import { offeredDays, usableLeases } from "../../pwa/static/js/offer.js";

const now = new Date("2026-12-01T12:00:00+09:00");
const slot = (time, free) => ({ start: `2026-12-03T${time}:00+09:00`, free });
const thursday = { date: "2026-12-03", open: true, reason: null, cutoff: "2026-12-02T23:59:59+09:00",
                   slots: [slot("10:00", 1), slot("10:30", 2), slot("12:30", 2)] };
const friday = { date: "2026-12-04", open: true, reason: null, cutoff: "2026-12-03T23:59:59+09:00", slots: [slot("10:00", 2)].map((s) => ({ ...s, start: s.start.replace("12-03", "12-04") })) };
const saturday = { date: "2026-12-05", open: false, reason: "weekend", slots: [] };
const today = { date: "2026-12-01", open: true, reason: null, cutoff: "2026-11-30T23:59:59+09:00", slots: [{ start: "2026-12-01T15:00:00+09:00", free: 2 }] };
const lease = { lease_unit_id: "lu_1", start: "2026-12-03T10:00:00+09:00", expires_at: "2026-12-02T23:59:59+09:00" };

test("while the server answers, its free units and the kiosk's leases are offered", () => {
  const [day] = offeredDays([thursday], [lease], true, now);
  assert.deepEqual(day.slots.map((s) => s.free), [2, 2, 2]);
  assert.equal(day.slots[0].lease, lease);
  assert.equal(day.reason, null);
});

test("while the server does not answer, only leased units are offered", () => {
  const [day] = offeredDays([thursday], [lease], false, now);
  assert.deepEqual(day.slots.map((s) => s.free), [1, 0, 0]);
});

test("an open day without a lease is 'not here', not 'full', while the server does not answer", () => {
  const [, day] = offeredDays([thursday, friday], [lease], false, now);
  assert.equal(day.reason, "not_here");
});

test("a day with nothing free while the server answers is full", () => {
  const full = { ...friday, slots: friday.slots.map((s) => ({ ...s, free: 0 })) };
  assert.equal(offeredDays([full], [], true, now)[0].reason, "full");
});

test("closed days and days past their cut-off say why", () => {
  const [closed, past] = offeredDays([saturday, today], [], true, now);
  assert.equal(closed.reason, "weekend");
  assert.equal(past.reason, "cutoff");
  assert.deepEqual(past.slots.map((s) => s.free), [0]);
});

test("a lease used by an op in the outbox or past its expiry is not usable", () => {
  const other = { ...lease, lease_unit_id: "lu_2" };
  const expired = { ...lease, lease_unit_id: "lu_3", expires_at: "2026-12-01T11:00:00+09:00" };
  const outbox = [{ payload: { lease_unit_id: "lu_1" } }, { payload: { booking_id: "b" } }];
  assert.deepEqual(usableLeases([lease, other, expired], outbox, now).map((l) => l.lease_unit_id), ["lu_2"]);
});
