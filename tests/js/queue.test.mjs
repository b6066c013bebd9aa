// The shared sender (pwa/static/js/queue.js): backoff, and how it reacts to each outcome.
import assert from "node:assert/strict";
import { test } from "node:test";

import { BLOCKED, CAP_MS, DONE, FAILED, MORE, STALLED, backoffDelay, createSender } from "../../pwa/static/js/queue.js";

/** Timers that never fire by themselves: the test looks at what was scheduled. */
function fakeTimers() {
  const scheduled = [];
  return {
    scheduled,
    setTimeout(fn, ms) { scheduled.push({ fn, ms, cleared: false }); return scheduled.length; },
    clearTimeout(id) { if (id) scheduled[id - 1].cleared = true; },
    pending() { return scheduled.filter((t) => !t.cleared); },
  };
}

/** A lock manager like navigator.locks: one holder at a time, in order. */
function fakeLocks() {
  let tail = Promise.resolve();
  return { request(name, fn) { const run = tail.then(() => fn()); tail = run.catch(() => {}); return run; } };
}

function sender(outcomes, extra = {}) {
  const timers = fakeTimers();
  const calls = [];
  const s = createSender({
    lock: "test", locks: fakeLocks(), timers, random: () => 0,
    attempt: async () => { calls.push(1); const next = outcomes.shift(); if (next instanceof Error) throw next; return next; },
    ...extra,
  });
  return { s, timers, calls };
}

test("the backoff doubles from one second and stops at sixty", () => {
  const delays = [1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => backoffDelay(n, { random: () => 0 }));
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
});

test("the jitter only ever shortens a delay, by at most thirty percent", () => {
  for (const failures of [1, 3, 9]) {
    const full = backoffDelay(failures, { random: () => 0 });
    const least = backoffDelay(failures, { random: () => 0.999999 });
    assert.ok(least < full && least >= Math.floor(full * 0.7) && full <= CAP_MS);
  }
});

test("a network failure schedules a retry instead of being swallowed", async () => {
  const { s, timers } = sender([{ kind: FAILED, error: "network" }]);
  const outcome = await s.run();
  assert.equal(outcome.kind, FAILED);
  assert.equal(timers.pending().length, 1);
  assert.equal(timers.pending()[0].ms, 1000);
  assert.deepEqual(s.status(), { failures: 1, lastError: "network", retryInMs: 1000 });
});

test("an attempt that throws counts as a failure and is retried", async () => {
  const { s, timers } = sender([new SyntaxError("Unexpected token '<'")]);
  const outcome = await s.run();
  assert.equal(outcome.kind, FAILED);
  assert.match(s.status().lastError, /Unexpected token/);
  assert.equal(timers.pending().length, 1);
});

test("failures in a row wait longer each time", async () => {
  const { s, timers } = sender([{ kind: FAILED }, { kind: FAILED }, { kind: FAILED }]);
  await s.run(); await s.run(); await s.run();
  assert.deepEqual(timers.scheduled.map((t) => t.ms), [1000, 2000, 4000]);
  assert.equal(timers.pending().length, 1, "one timer at a time");
});

test("a batch that settles nothing stops the loop and backs off instead of posting again at once", async () => {
  const { s, timers, calls } = sender([{ kind: STALLED, error: "no op settled" }, { kind: DONE }]);
  const outcome = await s.run();
  assert.equal(outcome.kind, STALLED);
  assert.equal(calls.length, 1);
  assert.equal(timers.pending().length, 1);
});

test("while ops settle, the sender goes on with the next batch at once", async () => {
  const { s, timers, calls } = sender([{ kind: MORE }, { kind: MORE }, { kind: DONE }]);
  assert.equal((await s.run()).kind, DONE);
  assert.equal(calls.length, 3);
  assert.equal(timers.pending().length, 0);
});

test("success after failures resets the backoff", async () => {
  const { s, timers } = sender([{ kind: FAILED }, { kind: FAILED }, { kind: DONE }, { kind: FAILED }]);
  await s.run(); await s.run(); await s.run();
  assert.equal(s.status().failures, 0);
  await s.run();
  assert.equal(timers.scheduled.at(-1).ms, 1000);
});

test("a refused sender (401) waits for a new trigger, without a timer", async () => {
  const { s, timers } = sender([{ kind: BLOCKED }]);
  assert.equal((await s.run()).kind, BLOCKED);
  assert.equal(timers.pending().length, 0);
});

test("the retry timer runs the sender again", async () => {
  const { s, timers, calls } = sender([{ kind: FAILED }, { kind: DONE }]);
  await s.run();
  await timers.pending()[0].fn();
  assert.equal(calls.length, 2);
  assert.equal(s.status().failures, 0);
});

test("two triggers at once never send at the same time", async () => {
  let inside = 0;
  let most = 0;
  const timers = fakeTimers();
  const s = createSender({
    lock: "test", locks: fakeLocks(), timers,
    attempt: async () => { inside += 1; most = Math.max(most, inside); await new Promise((r) => setImmediate(r)); inside -= 1; return { kind: DONE }; },
  });
  await Promise.all([s.run(), s.run(), s.run()]);
  assert.equal(most, 1);
});

test("every change of status is told", async () => {
  const heard = [];
  const { s } = sender([{ kind: FAILED, error: "timeout" }, { kind: DONE }], { onChange: (status) => heard.push(status) });
  await s.run(); await s.run();
  assert.deepEqual(heard.map((h) => h.failures), [1, 0]);
});

test("a sender without its own retries (the service worker's) leaves the next try to Background Sync", async () => {
  const { s, timers } = sender([{ kind: FAILED, error: "network" }], { retry: false });
  assert.equal((await s.run()).kind, FAILED);
  assert.equal(timers.pending().length, 0);
  assert.equal(s.status().failures, 1);
});
