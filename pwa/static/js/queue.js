// One idea in two places: something kept durably waits to be sent (the kiosk's outbox, a phone's
// booking request), and a sender drains it. One run at a time (navigator.locks); after a failure it
// tries again with backoff and jitter (1 s doubling to 60 s); the `online` event starts it at once.
// No error is swallowed: whatever goes wrong in an attempt is a failure that is retried and counted.

export const FIRST_MS = 1_000;
export const CAP_MS = 60_000;

/** What one attempt came to. */
export const DONE = "done";          // nothing (more) to send
export const MORE = "more";          // some settled, more wait: go on at once
export const FAILED = "failed";      // network, timeout, 5xx, 429, an answer that is not ours: back off
export const STALLED = "stalled";    // answered, but nothing settled: stop the loop, back off
export const BLOCKED = "blocked";    // the server will not take it from us (401): wait for a new trigger

/** The delay before the next try after `failures` failures in a row: doubling from `first` to `cap`,
 *  less up to `jitter` of it at random (so that many kiosks do not retry in step). */
export function backoffDelay(failures, { first = FIRST_MS, cap = CAP_MS, jitter = 0.3, random = Math.random } = {}) {
  const base = Math.min(first * 2 ** Math.max(0, failures - 1), cap);
  return Math.round(base - random() * base * jitter);
}

/** A sender: `attempt()` sends once and resolves with {kind, error?}; `run()` drains until DONE, a
 *  failure (then a timer retries, unless `retry` is false: a service worker leaves that to Background
 *  Sync) or BLOCKED. `onChange(status)` hears {failures, lastError, retryInMs}. */
export function createSender({ lock, attempt, onChange = () => {}, locks = globalThis.navigator?.locks,
                               timers = globalThis, random = Math.random, maxRounds = 1000, retry = true }) {
  let failures = 0;
  let lastError = null;
  let retryInMs = null;
  let timer = null;
  const status = () => ({ failures, lastError, retryInMs });

  function schedule() {
    timers.clearTimeout(timer);
    if (!retry) return;
    retryInMs = backoffDelay(failures, { random });
    timer = timers.setTimeout(run, retryInMs);
  }

  async function drain() {
    for (let round = 0; round < maxRounds; round += 1) {
      let outcome;
      try {
        outcome = await attempt();
      } catch (err) {
        outcome = { kind: FAILED, error: String(err && err.message ? err.message : err) };
      }
      if (outcome.kind === MORE) { failures = 0; lastError = null; continue; }
      if (outcome.kind === DONE || outcome.kind === BLOCKED) {
        if (outcome.kind === DONE) { failures = 0; lastError = null; }
        retryInMs = null;
      } else {
        failures += 1;
        lastError = outcome.error || outcome.kind;
        schedule();
      }
      onChange(status());
      return outcome;
    }
    schedule();                      // a server that settles one op a round, forever: take a breath
    onChange(status());
    return { kind: MORE };
  }

  /** Send now (the write itself, `online`, Background Sync, the timer). Never rejects. */
  function run() {
    timers.clearTimeout(timer);
    timer = null;
    const locked = locks ? locks.request(lock, drain) : drain();
    return locked.catch((err) => {
      failures += 1;
      lastError = String(err);
      schedule();
      onChange(status());
      return { kind: FAILED, error: lastError };
    });
  }

  /** The network came back: whatever waited is tried at once, with a fresh backoff. */
  function kick() {
    failures = 0;
    return run();
  }

  return { run, kick, status };
}

/** fetch() that gives up after `ms`: a server that stops answering counts as unreachable. */
export function timedFetch(url, options = {}, ms = 15_000) {
  return fetch(url, { ...options, signal: AbortSignal.timeout(ms) });
}
