// Check, book, and the slip. Every kiosk booking is an op in the outbox. On a lease the slip prints
// at once, online or not; otherwise the visitor waits for the server until the op's confirm_by, and
// then hears plainly that nothing was booked: the op leaves the outbox and can never apply later.
import { formatDate, formatTime, t } from "./i18n.js";
import { CONFIRM_SECONDS, abandon, enqueue, uuid, waitForResult } from "./outbox.js";
import { reach } from "./reach.js";
import { $, isPhone, session, show } from "./session.js";
import { bookFromPhone } from "./phone.js";
import { openMine } from "./mine.js";
import { renderSlip } from "./slip.js";
import { eventTitle, openTimeScreen, showNotBooked } from "./times.js";

const TIME_TAKEN = ["slot_full", "room_unavailable", "event_full", "event_closed", "past_cutoff", "closed_day"];

/** Seconds an unleased booking waits for the server: the page's data-confirm-seconds (tests shorten it). */
const confirmSeconds = () => Number(document.documentElement.dataset.confirmSeconds) || CONFIRM_SECONDS;

export function openConfirm({ remember = true } = {}) {
  const d = session.visit.details;
  const event = session.visit.event;
  const rows = [
    ["confirm_service", t(event ? "service_event" : "service_counseling") + (event ? ` — ${eventTitle(event)}` : "")],
    ["confirm_when", `${formatDate(session.visit.slot.start)} ${formatTime(session.visit.slot.start)}`],
    ["name", d.name], ["jobseeker_no", d.jobseeker_no],
  ];
  if (d.meeting_app) rows.push(["meeting_app", d.meeting_app === "zoom" ? "Zoom" : "Tele Office"]);
  if (d.needs_interpreter) rows.push(["needs_interpreter", d.interpreter_language]);
  if (d.needs_assistant) rows.push(["needs_assistant", t("yes")]);
  $("#confirm-list").replaceChildren(...rows.flatMap(([key, value]) => {
    const dt = document.createElement("dt");
    dt.textContent = t(key);
    const dd = document.createElement("dd");
    dd.textContent = value;
    return [dt, dd];
  }));
  $("#confirm-error").textContent = "";
  $("#existing-actions").hidden = true;
  $("#book").disabled = false;
  show("confirm", { remember });
}

function payload() {
  const d = session.visit.details;
  const body = {
    booking_id: uuid(), service: session.visit.service, start: session.visit.slot.start, name: d.name, jobseeker_no: d.jobseeker_no,
    language: session.visit.lang, needs_interpreter: d.needs_interpreter, needs_assistant: d.needs_assistant,
    consent: session.visit.consent, eligibility: session.visit.service === "counseling" ? session.visit.eligibility : {},
  };
  if (d.meeting_app) body.meeting_app = d.meeting_app;
  if (d.interpreter_language) body.interpreter_language = d.interpreter_language;
  if (session.visit.event) { body.event_id = session.visit.event.event_id; delete body.start; }
  if (session.visit.slot.lease) body.lease_unit_id = session.visit.slot.lease.lease_unit_id;
  return body;
}

export async function book() {
  $("#book").disabled = true;
  if (isPhone()) { await bookFromPhone(payload(), refused); return; }
  const lease = session.visit.slot.lease;
  const op = await enqueue(session.visit.event ? "event.book" : "booking.create", payload(),
                           { wantSlip: !lease, confirmSeconds: confirmSeconds() });
  // The op is on disk. A lease guarantees the unit: the slip can print at once, online or not.
  if (lease) { showSlip(lease, { offline: !reach.reachable() }); return; }
  show("waiting");
  let answer = await waitForResult(op.op_id, Date.parse(op.confirm_by) - Date.now());
  if (!answer) {
    answer = await abandon(op.op_id);     // out of the outbox for good, unless the answer came first
    if (!answer) { await showNotBooked(); return; }
  }
  if (answer.status === "applied" || answer.status === "duplicate") { showSlip(answer.result); return; }
  await refused(answer.error);
}

/** A refusal: back to the times when the time was the problem, else the message on the check screen. */
export async function refused(error) {
  if (TIME_TAKEN.includes(error.code)) {
    // Someone else was quicker: back to the times, with the reason, details kept for a new pick.
    await openTimeScreen();
    $("#time-error").textContent = error.message;
    return;
  }
  openConfirm({ remember: false });
  $("#confirm-error").textContent = error.message;
  // The booking the visitor already holds, when the server names it (too_many_bookings, and the
  // name matched): when it is, and "my booking" for it right here, with the digits just typed.
  const existing = error.existing;
  if (existing && existing.start) {
    const when = `${formatDate(existing.start)} ${formatTime(existing.start)}${existing.reference ? ` (${existing.reference})` : ""}`;
    $("#confirm-error").append(document.createElement("br"), t("existing_booking", { when }));
  }
  $("#existing-actions").hidden = !(existing && existing.reference);
  if (existing && existing.reference) {
    const last4 = session.visit.details.jobseeker_no.replace(/\D/g, "").slice(-4);
    $("#existing-open").onclick = () => openMine({ reference: existing.reference, last4 });
  }
}

function showSlip(unit, { offline = false } = {}) {
  renderSlip($("#slip"), unit, session.kioskState.office, session.visit.service,
             { offline, title: session.visit.event ? eventTitle(session.visit.event) : null });
  $("#slip-back").hidden = true;               // a new booking is done: no way back to its check screen
  show("slip");
  printSlip();
}

export function printSlip() {
  // Chromium runs with --kiosk-printing: this prints at once; we never wait for afterprint.
  setTimeout(() => window.print(), 50);
}
