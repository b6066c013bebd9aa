// The time screen (days and slots, or events) and the "nothing was booked" screen. While the server
// does not answer (reach.js), only the kiosk's leases are offered, exactly as offline; the screen
// follows a change at once.
import { getAll, getState } from "./db.js";
import { formatDate, formatDay, formatTime, language, t } from "./i18n.js";
import { offeredDays, usableLeases } from "./offer.js";
import { requestPush, serverNow } from "./outbox.js";
import { reach } from "./reach.js";
import { $, isPhone, refreshState, session, show } from "./session.js";
import { openDetails } from "./details.js";
import { openConfirm } from "./booking.js";

const WEEK = 7;
const STATE_WAIT_MS = 1_500;   // the screen shows what it knows after this; fresher state re-renders it
const REASONS = { weekend: "closed_weekend", holiday: "closed_holiday", year_end: "closed_year_end", closure: "closed_closure",
                  cutoff: "closed_cutoff", full: "closed_full", not_here: "closed_not_here" };

/** May the screen offer what the server has? A kiosk: if its syncs say the server answers. A phone
 *  books through the API and says plainly when it could not: if it has a network. */
export const serverAnswers = () => (isPhone() ? navigator.onLine : reach.reachable());

/** An event's title in the visitor's language, when the server sends `titles` (else English, else `title`).
 *  やさしい日本語 is Japanese: without its own title, the Japanese one (staff enter ja and en). */
const TITLE_FALLBACK = { "ja-easy": "ja" };
export const eventTitle = (event) => (event.titles && (event.titles[language()] || event.titles[TITLE_FALLBACK[language()]]
                                                      || event.titles.en)) || event.title;

export async function openTimeScreen() {
  $("#time-error").textContent = "";
  if (!isPhone()) requestPush();                       // a fresh judgement of the server, and fresh leases
  const fresh = refreshState();
  await Promise.race([fresh, new Promise((resolve) => setTimeout(resolve, STATE_WAIT_MS))]);
  session.visit.week = 0;
  await renderTime();
  $("#time-title").textContent = t(session.visit.service === "event" ? "event_title" : "time_title");
  show("time");
  fresh.then(() => { if (document.body.dataset.current === "time") renderTime(); });
}

async function renderTime() {
  const now = serverNow();
  const answers = serverAnswers();
  $("#offline-note").hidden = answers;
  $("#week-nav").hidden = session.visit.service === "event";
  if (session.visit.service === "event") { renderEvents(now, answers); return; }
  const leases = usableLeases(await getState("leases", []), await getAll("outbox"), now);
  session.visit.days = offeredDays(session.kioskState.calendar, leases, answers, now);
  renderDays();
}

/** Re-render the time screen whenever reachability or the network changes. */
export function followReachability() {
  const again = () => { if (document.body.dataset.current === "time") renderTime(); };
  reach.onChange(again);
  addEventListener("online", again);
  addEventListener("offline", again);
}

function slotButton(slot, choose) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "slot";
  button.textContent = formatTime(slot.start);
  button.setAttribute("aria-label", `${formatDate(slot.start)} ${formatTime(slot.start)}`);
  button.addEventListener("click", () => choose(slot));
  return button;
}

function daySection(day, choose) {
  const section = document.createElement("section");
  section.className = "day";
  const h = document.createElement("h2");
  h.textContent = formatDay(day.date);
  section.append(h);
  const free = day.slots.filter((s) => s.free > 0);
  if (!free.length) {
    const p = document.createElement("p");
    p.className = "closed";
    p.textContent = t(REASONS[day.reason] || "closed_full");
    section.append(p);
    section.classList.add("is-closed");
    return section;
  }
  const grid = document.createElement("div");
  grid.className = "slots";
  grid.append(...free.map((slot) => slotButton(slot, choose)));
  section.append(grid);
  return section;
}

export function renderDays() {
  $("#events").replaceChildren();
  const days = session.visit.days.slice(session.visit.week * WEEK, (session.visit.week + 1) * WEEK);
  $("#week-prev").disabled = session.visit.week === 0;
  $("#week-next").disabled = (session.visit.week + 1) * WEEK >= session.visit.days.length;
  $("#days").replaceChildren(...days.map((day) => daySection(day, chooseSlot)));
}

function renderEvents(now, answers) {
  $("#days").replaceChildren();
  const events = (session.kioskState.events || []).filter((e) => e.bookable && new Date(e.start) > now);
  const box = $("#events");
  if (!events.length || !answers) {
    const p = document.createElement("p");
    p.id = "events-note";
    p.textContent = t(answers ? "no_events" : "events_offline");
    box.replaceChildren(p);
    return;
  }
  box.replaceChildren(...events.map((event) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "choice";
    const title = document.createElement("span");
    title.className = "choice-title";
    title.textContent = eventTitle(event);
    const note = document.createElement("span");
    note.className = "choice-note";
    note.textContent = `${formatDate(event.start)} ${formatTime(event.start)}–${formatTime(event.end)} · ${t("seats_free", { n: event.free })}`;
    button.append(title, note);
    button.addEventListener("click", () => chooseEvent(event));
    return button;
  }));
}

function chooseSlot(slot) {
  session.visit.slot = slot;
  session.visit.event = null;
  openDetails();
}

function chooseEvent(event) {
  session.visit.event = event;
  session.visit.slot = { start: event.start, end: event.end, lease: null };
  openDetails();
}

/** confirm_by passed without an answer: say so, and offer the times this kiosk can book at once. */
export async function showNotBooked() {
  const now = serverNow();
  const leases = usableLeases(await getState("leases", []), await getAll("outbox"), now);
  const days = session.visit.service === "event" ? []
    : offeredDays(session.kioskState.calendar, leases, false, now).filter((day) => day.slots.some((s) => s.free > 0));
  $("#not-booked-text").textContent = t(days.length ? "not_booked_text" : "not_booked_none");
  $("#not-booked-days").replaceChildren(...days.map((day) => daySection(day, chooseLeased)));
  show("not-booked", { remember: false });
}

function chooseLeased(slot) {
  session.visit.slot = slot;
  session.visit.event = null;
  session.visit.details.meeting_app = slot.lease.meeting_app;
  openConfirm();
}
