// "My booking" (issue 14 §3): a visitor finds their booking by the reference on the slip and the
// last 4 digits of the 求職番号, sees it, prints its slip again (the kiosk) or opens its page (a
// phone), or cancels it (announced: not a strike). The server answers the same refusal whatever
// was wrong, so the screen can only say "no booking matches": it reveals nothing either.
// Looking up needs the server: while it does not answer, the screen says so and asks nothing of it.
import { at } from "./base.js";
import { applyStrings, formatDate, formatTime, language, t } from "./i18n.js";
import { timedFetch } from "./queue.js";
import { reach } from "./reach.js";
import { REFERENCE_KEYS, cleanDigits, cleanReference } from "./reference.js";
import { renderSlip } from "./slip.js";
import { $, back, isPhone, restart, session, show } from "./session.js";
import { printSlip } from "./booking.js";
import { eventTitle, serverAnswers } from "./times.js";
import { requestPush } from "./outbox.js";

const LOOKUP_TIMEOUT_MS = 10_000;
const APPS = { zoom: "Zoom", teleoffice: "Tele Office" };
const DIGIT_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", "⌫"];
// A cancel the server refuses: these reasons in the PWA's own words (the join page's strings, with
// furigana in やさしい日本語); any other (a rate limit, with its minutes) in the server's.
const CANCEL_REFUSALS = { invalid_transition: "join_cannot_change", wrong_digits: "join_wrong_digits" };

let found = null;           // the booking on screen: the server's answer, and the digits that found it
let fromRefusal = false;    // opened from "already booked" on the check screen

// -- the form ---------------------------------------------------------------------------------

function keyButton(label, onPress, labelKey) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "key";
  button.textContent = label;
  if (labelKey) button.dataset.tLabel = labelKey;      // named in the visitor's language
  button.addEventListener("click", onPress);
  return button;
}

/** Keys that type into `input` (at most its maxlength), ⌫ deletes; each press is an input event. */
function keysFor(container, input, keys) {
  container.replaceChildren(...keys.map((key) => {
    if (!key) { const gap = document.createElement("span"); gap.setAttribute("aria-hidden", "true"); return gap; }
    return keyButton(key, () => {
      const field = $(input);
      if (key === "⌫") field.value = field.value.slice(0, -1);
      else if (!field.maxLength || field.maxLength < 0 || field.value.length < field.maxLength) field.value += key;
      field.dispatchEvent(new Event("input"));
    }, key === "⌫" ? "key_delete" : null);
  }));
  applyStrings(container);
}

export function renderMineKeys() {
  keysFor($("#mine-letters"), "#mine-reference", [...REFERENCE_KEYS, "⌫"]);
  keysFor($("#mine-digits"), "#mine-last4", DIGIT_KEYS);
}

function fieldError(field, key) {
  const input = $(`#mine-${field}`);
  $(`#mine-${field}-error`).textContent = key ? t(key) : "";
  input.setAttribute("aria-invalid", String(Boolean(key)));
}

function clearMessages() {
  fieldError("reference", null);
  fieldError("last4", null);
  $("#mine-error").textContent = "";
  $("#mine-searching").textContent = "";
}

/** The note that looking up needs the office, shown while the server is not known to answer. */
function renderReach() {
  const answers = serverAnswers();
  $("#mine-offline").hidden = answers;
  $("#mine-find").disabled = !answers;
  return answers;
}

/** Open the form (from the start screen), or look up at once with what the visitor just typed
 *  (`prefill`: {reference, last4}, from "already booked"). */
export async function openMine(prefill = null) {
  fromRefusal = Boolean(prefill);
  clearMessages();
  $("#mine-reference").value = prefill ? prefill.reference : "";
  $("#mine-last4").value = prefill ? prefill.last4 : "";
  if (!isPhone()) requestPush();        // a fresh judgement of the server (reach.js)
  renderReach();
  if (prefill && serverAnswers()) {
    if (await lookUp()) return;
  }
  show("mine");
}

async function submitMine(event) {
  event.preventDefault();
  clearMessages();
  const reference = cleanReference($("#mine-reference").value);
  const last4 = cleanDigits($("#mine-last4").value);
  if (!reference) fieldError("reference", "mine_err_reference");
  if (!last4) fieldError("last4", "mine_err_last4");
  if (!reference) { $("#mine-reference").focus(); return; }
  if (!last4) { $("#mine-last4").focus(); return; }
  if (!renderReach()) return;
  await lookUp();
}

/** Ask the server. True when the booking is on screen; else the form says why. */
async function lookUp() {
  const lang = language();
  const body = { reference: $("#mine-reference").value, last4: $("#mine-last4").value, language: lang };
  $("#mine-find").disabled = true;
  $("#mine-searching").textContent = t("mine_searching");
  let response;
  let answer = null;
  try {
    response = await timedFetch(at("/api/v1/bookings/lookup"), {
      method: "POST", body: JSON.stringify(body), cache: "no-store",
      headers: { "Content-Type": "application/json", "Accept-Language": lang },
    }, LOOKUP_TIMEOUT_MS);
    answer = await response.json();
  } catch { /* no answer, or not JSON (a captive portal's page) */ }
  $("#mine-find").disabled = false;
  $("#mine-searching").textContent = "";
  if (response && response.ok && answer && answer.booking && answer.booking.join_url) {
    found = { booking: answer.booking, last4: body.last4 };
    showBooking();
    return true;
  }
  if (response && response.status < 500 && answer && answer.error && answer.error.message) {
    // The same words whatever was wrong (the server's, in the visitor's language).
    $("#mine-error").textContent = answer.error.message;
  } else {
    $("#mine-offline").hidden = false;
  }
  return false;
}

// -- the booking -------------------------------------------------------------------------------

function serviceText(booking) {
  const event = booking.event_id && (session.kioskState?.events || []).find((e) => e.event_id === booking.event_id);
  return booking.service === "event" ? `${t("service_event")}${event ? ` — ${eventTitle(event)}` : ""}` : t("service_counseling");
}

/** The join page of the booking, on this origin, in the visitor's language. */
function pagePath(booking) {
  return `${new URL(booking.join_url, location.href).pathname}?lang=${encodeURIComponent(language())}`;
}

function showBooking({ remember = true } = {}) {
  const b = found.booking;
  const active = b.status === "confirmed";
  const rows = [
    ["confirm_service", serviceText(b)],
    ["confirm_when", `${formatDate(b.start)} ${formatTime(b.start)}–${formatTime(b.end)}`],
    ["slip_reference", b.reference],
  ];
  $("#mine-list").replaceChildren(...rows.flatMap(([key, value]) => {
    const dt = document.createElement("dt");
    dt.textContent = t(key);
    const dd = document.createElement("dd");
    dd.textContent = value;
    if (key === "slip_reference") { dd.className = "mine-reference"; dd.id = "mine-reference-shown"; }
    return [dt, dd];
  }));
  $("#mine-status").textContent = t(`status_${b.status}`);
  $("#mine-status").dataset.status = b.status;
  // The room is the visitor's only while the booking stands: a cancelled one shows none.
  $("#mine-room").textContent = active ? b.room_id || "—" : "";
  $("#mine-app").textContent = active && b.meeting_app ? t("meeting_app_is", { app: APPS[b.meeting_app] || b.meeting_app }) : "";
  $("#mine-room-label").hidden = !active;
  $("#mine-room").hidden = !active;
  $("#mine-reprint").hidden = isPhone() || !active || !b.slip_svg;
  $("#mine-page").hidden = !isPhone();
  $("#mine-page").href = pagePath(b);
  $("#mine-cancel").hidden = !active;
  $("#mine-cancel-error").textContent = "";
  show("mine-booking", { remember });
}

/** The same slip as after a booking, through the kiosk's print path. */
function reprint() {
  const b = found.booking;
  const event = b.event_id && (session.kioskState?.events || []).find((e) => e.event_id === b.event_id);
  renderSlip($("#slip"), b, session.kioskState.office, b.service, { title: event ? eventTitle(event) : null });
  $("#slip-back").hidden = false;
  show("slip");
  printSlip();
}

async function cancelBooking() {
  $("#mine-cancel-dialog").close();
  const b = found.booking;
  const token = new URL(b.join_url, location.href).pathname.split("/").pop();
  $("#mine-cancel-error").textContent = "";
  $("#mine-cancel").disabled = true;
  let response;
  let answer = null;
  try {
    response = await timedFetch(at(`/api/v1/join/${encodeURIComponent(token)}/cancel`), {
      method: "POST", body: JSON.stringify({ last4: found.last4 }), cache: "no-store",
      headers: { "Content-Type": "application/json", "Accept-Language": language() },
    }, LOOKUP_TIMEOUT_MS);
    answer = await response.json();
  } catch { /* no answer */ }
  $("#mine-cancel").disabled = false;
  if (response && response.ok && answer && answer.booking) {
    found.booking = { ...b, status: answer.booking.status };
    showBooking({ remember: false });
    $("#mine-status").textContent = t("join_cancelled");
    // "Already booked": the check screen behind no longer holds a refusal; Back books the new time.
    if (fromRefusal) { $("#confirm-error").textContent = ""; $("#existing-actions").hidden = true; }
    return;
  }
  const code = answer && answer.error && answer.error.code;
  $("#mine-cancel-error").textContent = !response || response.status >= 500 || !code ? t("mine_offline")
    : CANCEL_REFUSALS[code] ? t(CANCEL_REFUSALS[code]) : answer.error.message;
}

export function wireMine() {
  if (isPhone()) { $("#mine-start-note").dataset.t = "mine_note_phone"; applyStrings($("#mine-start")); }
  renderMineKeys();
  $("#mine-start").addEventListener("click", () => openMine());
  $("#mine-form").addEventListener("submit", submitMine);
  $("#mine-back").addEventListener("click", back);
  $("#mine-booking-back").addEventListener("click", back);
  $("#mine-done").addEventListener("click", restart);       // the visitor is wiped, as the idle reset does
  $("#mine-reprint").addEventListener("click", reprint);
  $("#mine-cancel").addEventListener("click", () => $("#mine-cancel-dialog").showModal());
  $("#mine-cancel-keep").addEventListener("click", () => $("#mine-cancel-dialog").close());
  $("#mine-cancel-confirm").addEventListener("click", cancelBooking);
  for (const field of ["reference", "last4"]) {
    $(`#mine-${field}`).addEventListener("input", () => {
      if ($(`#mine-${field}-error`).textContent) fieldError(field, null);
      $("#mine-error").textContent = "";
    });
  }
  const again = () => { if (document.body.dataset.current === "mine") renderReach(); };
  reach.onChange(again);
  addEventListener("online", again);
  addEventListener("offline", again);
}
