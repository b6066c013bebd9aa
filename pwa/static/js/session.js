// The current visitor and the kiosk's state, and moving between screens. Everything about a
// visitor lives in `session.visit` until the kiosk resets.
import { at } from "./base.js";
import { getState, setState } from "./db.js";
import { timedFetch } from "./queue.js";

const STATE_TIMEOUT_MS = 8_000;   // a state request that takes longer has failed: keep what we have

export const $ = (selector) => document.querySelector(selector);
export const session = { visit: null, kioskState: null, trail: [], mode: document.documentElement.dataset.mode || "kiosk" };
export const isPhone = () => session.mode === "phone";

export function newVisit(lang = "ja") {
  return { lang, service: null, consent: null, eligibility: {}, question: 0, slot: null, event: null, details: null };
}

// -- screens ---------------------------------------------------------------------------

/** Show one screen. Its heading takes the focus (a screen reader starts reading there), except for
 *  the first screen after a load: nobody moved yet, so nothing is focused or outlined. */
export function show(name, { remember = true } = {}) {
  const current = document.querySelector(".screen:not([hidden])");
  if (remember && current && current.dataset.screen !== name) session.trail.push(current.dataset.screen);
  document.querySelectorAll(".screen").forEach((s) => { s.hidden = s.dataset.screen !== name; });
  const first = !document.body.dataset.current || document.body.dataset.current === "loading";
  document.body.dataset.current = name;
  const heading = document.querySelector(`[data-screen="${name}"] h1`);
  if (heading && !first) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
  window.scrollTo(0, 0);
}

export function back() {
  const previous = session.trail.pop();
  if (previous) show(previous, { remember: false });
}

/** A fresh kiosk shell: the new service worker if there is one, then a reload (the outbox is
 *  in IndexedDB, untouched). Resets and app updates end here. */
export async function reloadShell() {
  const registration = await navigator.serviceWorker?.getRegistration();
  await registration?.update().catch(() => {});
  location.replace(at("/kiosk"));
}

/** A page that loaded while the service worker was installing may be left uncontrolled (its
 *  claim came too early); once the worker is active, it is asked to claim this page too. */
export async function claimWhenReady() {
  const registration = await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) registration.active?.postMessage("claim");
}

/** Wipe the visitor: a fresh page from the service worker's cache. The outbox is untouched. */
export function restart() {
  location.replace(isPhone() ? at(`/book?lang=${encodeURIComponent(session.visit.lang)}`) : at("/kiosk"));
}


// -- state from the server -------------------------------------------------------------

export async function device() { return getState("device"); }

/** On a phone: the same state from the public API (no device token, no leases). */
async function refreshPublicState() {
  const get = (url) => timedFetch(url, { cache: "no-store" }, STATE_TIMEOUT_MS).then((r) => { if (!r.ok) throw new Error(url); return r.json(); });
  try {
    const info = await get(at("/api/v1/office"));
    const [terms, calendar, events] = await Promise.all([
      get(at("/api/v1/terms?summary_text=0")), get(at(`/api/v1/calendar?days=${info.settings.booking_horizon_days + 1}`)), get(at("/api/v1/events"))]);
    session.kioskState = { ...info, terms: terms.terms, calendar: calendar.days, events: events.events };
  } catch (err) { /* offline, unreachable, or not the state's JSON: keep what we have */ }
  return session.kioskState;
}

export async function refreshState() {
  if (isPhone()) return refreshPublicState();
  const dev = await device();
  if (!dev) return null;
  try {
    const response = await timedFetch(at("/api/v1/kiosk/state?slips=0&terms=0"),
                                      { headers: { Authorization: `Bearer ${dev.token}` }, cache: "no-store" }, STATE_TIMEOUT_MS);
    if (response.status === 401) { await setState("needs_enrollment", true); return session.kioskState; }
    if (!response.ok) return session.kioskState;
    const body = await response.json();
    if (!Array.isArray(body.calendar) || !Array.isArray(body.leases)) return session.kioskState;
    const { leases, ...rest } = body;
    // The terms (every language) only when they changed.
    const known = session.kioskState || await getState("kiosk_state");
    if (known && known.terms && known.terms_digest === rest.terms_digest) {
      rest.terms = known.terms;
    } else {
      const terms = await timedFetch(at("/api/v1/terms?summary_text=0"), { cache: "no-store" }, STATE_TIMEOUT_MS);
      if (!terms.ok) return session.kioskState;
      rest.terms = (await terms.json()).terms;
    }
    await setState("kiosk_state", rest);
    if (leases.length) {
      const known = new Map((await getState("leases", [])).map((l) => [l.lease_unit_id, l]));
      await setState("leases", leases.map((l) => ({ ...known.get(l.lease_unit_id), ...l })));
    }
    session.kioskState = rest;
  } catch (err) { /* offline, unreachable, or not the state's JSON: keep what we have */ }
  return session.kioskState;
}

