// Whether the office's server answers, judged by this kiosk's own recent syncs. navigator.onLine
// only says that a network exists: a Wi-Fi with a dead uplink, a captive portal or a stopped server
// all look "online". While the server is not known to answer, the kiosk offers only its leases.

export const FRESH_MS = 90_000;   // a sync older than this proves nothing (the kiosk syncs every 30 s)

/** A judge fed with the outcome of every sync. `networkUp()` is navigator.onLine in the browser. */
export function createReach({ freshMs = FRESH_MS, clock = Date.now, networkUp = () => true } = {}) {
  let okAt = null;          // when a sync last succeeded
  let lastWasOk = false;    // and whether the latest outcome was a success
  let was = false;
  const listeners = new Set();

  function reachable(now = clock()) {
    return networkUp() && lastWasOk && now - okAt <= freshMs;
  }

  function changed() {
    const is = reachable();
    if (is === was) return;
    was = is;
    listeners.forEach((listener) => listener(is));
  }

  return {
    reachable,
    /** A sync was answered as a sync answers. */
    ok(at = clock()) { okAt = at; lastWasOk = true; changed(); },
    /** A sync failed, timed out, or got an answer that is not a sync answer; or the network went away. */
    failed() { lastWasOk = false; changed(); },
    /** Re-judge now (the network changed, or time passed). */
    recheck: changed,
    onChange(listener) { listeners.add(listener); return () => listeners.delete(listener); },
  };
}

const inBrowser = typeof navigator !== "undefined" && "onLine" in navigator;
export const reach = createReach({ networkUp: () => (inBrowser ? navigator.onLine : true) });

if (typeof window !== "undefined") {
  addEventListener("offline", () => reach.failed());
  addEventListener("online", () => reach.recheck());
}
