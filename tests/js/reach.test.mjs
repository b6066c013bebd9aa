// Whether the server answers, judged by the kiosk's own syncs (pwa/static/js/reach.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { createReach } from "../../pwa/static/js/reach.js";

function judge({ network = true } = {}) {
  let now = 1_000_000;
  const net = { up: network };
  const reach = createReach({ freshMs: 90_000, clock: () => now, networkUp: () => net.up });
  return { reach, net, later: (ms) => { now += ms; } };
}

test("before any sync the server is not known to answer", () => {
  assert.equal(judge().reach.reachable(), false);
});

test("a sync that was answered makes the server reachable", () => {
  const { reach } = judge();
  reach.ok();
  assert.equal(reach.reachable(), true);
});

test("a failed sync after a good one makes it unreachable, though the network is up", () => {
  const { reach } = judge();
  reach.ok();
  reach.failed();
  assert.equal(reach.reachable(), false);
});

test("a good sync that is too old proves nothing", () => {
  const { reach, later } = judge();
  reach.ok();
  later(90_001);
  assert.equal(reach.reachable(), false);
});

test("without a network nothing is reachable, whatever the last sync said", () => {
  const { reach, net } = judge();
  reach.ok();
  net.up = false;
  assert.equal(reach.reachable(), false);
});

test("listeners hear each change once", () => {
  const { reach } = judge();
  const heard = [];
  reach.onChange((is) => heard.push(is));
  reach.ok(); reach.ok(); reach.failed(); reach.failed(); reach.ok();
  assert.deepEqual(heard, [true, false, true]);
});
