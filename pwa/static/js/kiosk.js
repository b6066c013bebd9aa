// The kiosk at the office entrance: one calm flow from "Welcome" to a slip in hand.
// Every booking goes through the outbox; online and offline are the same code.
import { getAll, getState, setState } from "./db.js";
import { applyStrings, formatDate, formatDay, formatTime, language, LANGUAGES, loadStrings, t } from "./i18n.js";
import { offeredDays, usableLeases } from "./offer.js";
import { enqueue, loadClock, onStatus, push, requestPush, serverNow, uuid, waitForResult } from "./outbox.js";
import { renderSlip } from "./slip.js";

const ANSWER_WAIT_MS = 10_000;
const STATE_REFRESH_MS = 5 * 60_000;
const $ = (selector) => document.querySelector(selector);

// Everything about the current visitor lives here, and only here, until the kiosk resets.
let visit = null;
let kioskState = null;
let history = [];

function newVisit(lang = "ja") {
  return { lang, service: null, consent: null, eligibility: {}, question: 0, slot: null, event: null, details: null };
}

// -- screens ---------------------------------------------------------------------------

function show(name, { remember = true } = {}) {
  const current = document.querySelector(".screen:not([hidden])");
  if (remember && current && current.dataset.screen !== name) history.push(current.dataset.screen);
  document.querySelectorAll(".screen").forEach((s) => { s.hidden = s.dataset.screen !== name; });
  document.body.dataset.current = name;
  const heading = document.querySelector(`[data-screen="${name}"] h1`);
  if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
  window.scrollTo(0, 0);
}

function back() {
  const previous = history.pop();
  if (previous) show(previous, { remember: false });
}

/** Wipe the visitor: a fresh page from the service worker's cache. The outbox is untouched. */
function restart() {
  location.replace("/kiosk");
}

// -- state from the server -------------------------------------------------------------

async function device() { return getState("device"); }

async function refreshState() {
  const dev = await device();
  if (!dev) return null;
  try {
    const response = await fetch("/api/v1/kiosk/state", { headers: { Authorization: `Bearer ${dev.token}` }, cache: "no-store" });
    if (response.status === 401) { await setState("needs_enrollment", true); return kioskState; }
    if (!response.ok) return kioskState;
    const body = await response.json();
    const { leases, ...rest } = body;
    await setState("kiosk_state", rest);
    if (leases.length) {
      const known = new Map((await getState("leases", [])).map((l) => [l.lease_unit_id, l]));
      await setState("leases", leases.map((l) => ({ ...known.get(l.lease_unit_id), ...l })));
    }
    kioskState = rest;
  } catch (err) { /* offline: keep what we have */ }
  return kioskState;
}

// -- start -------------------------------------------------------------------------------

function renderLanguages() {
  const box = $("#languages");
  box.replaceChildren(...LANGUAGES.map(([code, label]) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "language";
    button.lang = code === "ja-easy" ? "ja" : code;
    button.textContent = label;
    button.setAttribute("aria-pressed", String(code === visit.lang));
    button.addEventListener("click", () => chooseLanguage(code));
    return button;
  }));
}

async function chooseLanguage(code) {
  visit.lang = code;
  await loadStrings(code);
  applyStrings();
  renderLanguages();
  renderStatus(lastStatus);
}

function chooseService(service) {
  visit.service = service;
  renderTerms();
  show("terms");
}

// -- terms (S1-S9, C1, C14) -----------------------------------------------------------------

const REQUIRED_DOCS = { counseling: ["online-services", "online-counseling"], event: ["online-services"] };

function renderTerms() {
  const docs = REQUIRED_DOCS[visit.service];
  const summary = ["summary_free", "summary_costs", "summary_no_recording", "summary_private", "summary_records", "summary_governs"];
  if (visit.service === "counseling") summary.splice(3, 0, "summary_cancel");
  $("#terms-summary").replaceChildren(...summary.map((key) => {
    const li = document.createElement("li");
    li.textContent = t(key);
    return li;
  }));
  const shown = [];
  const box = $("#terms-text");
  box.replaceChildren();
  for (const doc of docs) {
    const versions = kioskState.terms.filter((x) => x.doc === doc);
    const text = versions.find((x) => x.lang === visit.lang) || versions.find((x) => x.lang === "ja");
    shown.push({ doc, version: text.version, sha256: text.sha256 });
    const article = document.createElement("article");
    article.lang = text.lang;
    const h = document.createElement("h2");
    h.textContent = text.title;
    const body = document.createElement("div");
    body.className = "terms-body";
    const lines = text.text.split("\n");
    // The documents open with their title, already shown as the heading.
    body.textContent = (lines[0].trim() === text.title.trim() ? lines.slice(1) : lines).join("\n").trim();
    article.append(h, body);
    box.append(article);
  }
  visit.shownTerms = shown;
  $("#terms-read").checked = false;
  $("#terms-accept").disabled = true;
  box.scrollTop = 0;
}

function acceptTerms() {
  visit.consent = { accepted_at: serverNow().toISOString(), language: visit.lang, terms: visit.shownTerms };
  visit.question = 0;
  visit.eligibility = {};
  renderQuestion();
  show("eligibility");
}

// -- eligibility (C3) and environment (S3, C13) ---------------------------------------------

function questions() {
  const environment = { key: "environment", text: "q_environment", list: ["env_secure", "env_wifi", "env_os", "env_firewall", "env_sharing", "env_antivirus"], no: "no_environment" };
  if (visit.service === "event") return [environment];
  return [
    { key: "registered", text: "q_registered", no: "no_registered" },
    { key: "has_camera_device", text: "q_camera", no: "no_camera" },
    { key: "wants_continuous_counseling", text: "q_continuous", no: "no_continuous" },
    environment,
  ];
}

function renderQuestion() {
  const all = questions();
  const q = all[visit.question];
  $("#question-progress").textContent = t("question_of", { n: visit.question + 1, total: all.length });
  $("#question-text").textContent = t(q.text);
  $("#question-list").replaceChildren(...(q.list || []).map((key) => {
    const li = document.createElement("li");
    li.textContent = t(key);
    return li;
  }));
}

function answer(yes) {
  const all = questions();
  const q = all[visit.question];
  if (!yes) {
    $("#ineligible-text").textContent = t(q.no);
    show("ineligible");
    return;
  }
  if (q.key !== "environment") visit.eligibility[q.key] = true;
  visit.question += 1;
  if (visit.question < all.length) { renderQuestion(); return; }
  openTimeScreen();
}

// -- time -----------------------------------------------------------------------------------

async function openTimeScreen() {
  $("#time-error").textContent = "";
  if (navigator.onLine) await refreshState();
  const now = serverNow();
  const leases = usableLeases(await getState("leases", []), await getAll("outbox"), now);
  const online = navigator.onLine && Boolean(await getState("last_sync"));
  $("#offline-note").hidden = navigator.onLine;
  $("#week-nav").hidden = visit.service === "event";
  if (visit.service === "event") renderEvents(now);
  else {
    visit.days = offeredDays(kioskState.calendar, leases, navigator.onLine, now);
    visit.week = 0;
    renderDays();
  }
  $("#time-title").textContent = t(visit.service === "event" ? "event_title" : "time_title");
  show("time");
  return online;
}

const REASONS = { weekend: "closed_weekend", holiday: "closed_holiday", year_end: "closed_year_end", closure: "closed_closure", cutoff: "closed_cutoff" };

const WEEK = 7;

function renderDays() {
  const box = $("#days");
  $("#events").replaceChildren();
  const days = visit.days.slice(visit.week * WEEK, (visit.week + 1) * WEEK);
  $("#week-prev").disabled = visit.week === 0;
  $("#week-next").disabled = (visit.week + 1) * WEEK >= visit.days.length;
  box.replaceChildren(...days.map((day) => {
    const section = document.createElement("section");
    section.className = "day";
    const h = document.createElement("h2");
    h.textContent = formatDay(day.date);
    section.append(h);
    const free = day.slots.filter((s) => s.free > 0);
    if (!day.open || !free.length) {
      const p = document.createElement("p");
      p.className = "closed";
      p.textContent = t(day.reason ? REASONS[day.reason] || "closed_full" : "closed_full");
      section.append(p);
      section.classList.add("is-closed");
      return section;
    }
    const grid = document.createElement("div");
    grid.className = "slots";
    for (const slot of free) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "slot";
      button.textContent = formatTime(slot.start);
      button.setAttribute("aria-label", `${formatDate(slot.start)} ${formatTime(slot.start)}`);
      button.addEventListener("click", () => chooseSlot(slot));
      grid.append(button);
    }
    section.append(grid);
    return section;
  }));
}

function renderEvents(now) {
  $("#days").replaceChildren();
  const events = (kioskState.events || []).filter((e) => e.bookable && new Date(e.start) > now);
  const box = $("#events");
  if (!events.length || !navigator.onLine) {
    const p = document.createElement("p");
    p.textContent = t(navigator.onLine ? "no_events" : "events_offline");
    box.replaceChildren(p);
    return;
  }
  box.replaceChildren(...events.map((event) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "choice";
    const title = document.createElement("span");
    title.className = "choice-title";
    title.textContent = event.title;
    const note = document.createElement("span");
    note.className = "choice-note";
    note.textContent = `${formatDate(event.start)} ${formatTime(event.start)}–${formatTime(event.end)} · ${t("seats_free", { n: event.free })}`;
    button.append(title, note);
    button.addEventListener("click", () => chooseEvent(event));
    return button;
  }));
}

function chooseSlot(slot) {
  visit.slot = slot;
  visit.event = null;
  openDetails();
}

function chooseEvent(event) {
  visit.event = event;
  visit.slot = { start: event.start, end: event.end, lease: null };
  openDetails();
}

// -- details ----------------------------------------------------------------------------------

function openDetails() {
  const apps = kioskState.services.counseling.meeting_apps || [];
  $("#app-choice").hidden = visit.service !== "counseling" || apps.length < 2 || Boolean(visit.slot.lease);
  ["#name-error", "#jobseeker-error", "#interpreter-error"].forEach((s) => { $(s).textContent = ""; });
  show("details");
}

/** Mirrors the server's rule (kiosk/domain/jobseeker.py); the server checks again. */
export function normalizeJobseekerNo(raw) {
  let text = raw.normalize("NFKC").replace(/[‐‑‒–—―−ー－ｰ]/g, "-").replace(/\s+/g, "");
  if (!/^[0-9-]+$/.test(text)) return { error: "err_jobseeker_chars" };
  if (!text.includes("-") && text.length >= 9 && text.length <= 13) text = `${text.slice(0, 5)}-${text.slice(5)}`;
  const parts = text.split("-");
  if (parts.length !== 2) return { error: "err_jobseeker_hyphen" };
  if (parts[0].length !== 5) return { error: "err_jobseeker_head" };
  if (parts[1].length < 4 || parts[1].length > 8) return { error: "err_jobseeker_tail" };
  return { value: text };
}

function renderKeypad() {
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "-", "0", "⌫"];
  $("#keypad").replaceChildren(...keys.map((key) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "key";
    button.textContent = key;
    if (key === "⌫") button.setAttribute("aria-label", t("key_delete"));
    button.addEventListener("click", () => {
      const input = $("#jobseeker");
      input.value = key === "⌫" ? input.value.slice(0, -1) : input.value + key;
      input.dispatchEvent(new Event("input"));
    });
    return button;
  }));
}

function submitDetails(event) {
  event.preventDefault();
  const name = $("#name").value.trim().replace(/\s+/g, " ");
  const number = normalizeJobseekerNo($("#jobseeker").value);
  const interpreter = $("#needs-interpreter").checked;
  const interpreterLanguage = $("#interpreter-language").value.trim();
  $("#name-error").textContent = name ? "" : t("err_name");
  $("#jobseeker-error").textContent = number.error ? t(number.error) : "";
  $("#interpreter-error").textContent = interpreter && !interpreterLanguage ? t("err_interpreter") : "";
  $("#name").setAttribute("aria-invalid", String(!name));
  $("#jobseeker").setAttribute("aria-invalid", String(Boolean(number.error)));
  if (!name || number.error || (interpreter && !interpreterLanguage)) {
    (!name ? $("#name") : number.error ? $("#jobseeker") : $("#interpreter-language")).focus();
    return;
  }
  const app = document.querySelector('input[name="meeting_app"]:checked');
  visit.details = {
    name, jobseeker_no: number.value,
    meeting_app: visit.slot.lease ? visit.slot.lease.meeting_app : (!$("#app-choice").hidden && app ? app.value : undefined),
    needs_interpreter: interpreter, interpreter_language: interpreter ? interpreterLanguage : undefined,
    needs_assistant: $("#needs-assistant").checked,
  };
  renderConfirm();
  show("confirm");
}

// -- confirm and book ---------------------------------------------------------------------------

function renderConfirm() {
  const d = visit.details;
  const rows = [
    ["confirm_service", t(visit.service === "event" ? "service_event" : "service_counseling") + (visit.event ? ` — ${visit.event.title}` : "")],
    ["confirm_when", `${formatDate(visit.slot.start)} ${formatTime(visit.slot.start)}`],
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
  $("#book").disabled = false;
}

function payload() {
  const d = visit.details;
  const body = {
    booking_id: uuid(), service: visit.service, start: visit.slot.start, name: d.name, jobseeker_no: d.jobseeker_no,
    language: visit.lang, needs_interpreter: d.needs_interpreter, needs_assistant: d.needs_assistant,
    consent: visit.consent, eligibility: visit.service === "counseling" ? visit.eligibility : {},
  };
  if (d.meeting_app) body.meeting_app = d.meeting_app;
  if (d.interpreter_language) body.interpreter_language = d.interpreter_language;
  if (visit.event) { body.event_id = visit.event.event_id; delete body.start; }
  if (visit.slot.lease) body.lease_unit_id = visit.slot.lease.lease_unit_id;
  return body;
}

const TIME_TAKEN = ["slot_full", "room_unavailable", "event_full", "event_closed", "past_cutoff", "closed_day"];

async function book() {
  $("#book").disabled = true;
  const lease = visit.slot.lease;
  const op = await enqueue(visit.event ? "event.book" : "booking.create", payload(), { wantSlip: !lease });
  // The op is on disk. A lease guarantees the unit: the slip can print at once, online or not.
  if (lease) { showSlip(lease); return; }
  show("waiting");
  const answer = await waitForResult(op.op_id, ANSWER_WAIT_MS) || await waitForResult(op.op_id, 3 * ANSWER_WAIT_MS);
  if (answer && (answer.status === "applied" || answer.status === "duplicate")) { showSlip(answer.result); return; }
  if (answer && answer.status === "rejected") {
    if (TIME_TAKEN.includes(answer.error.code)) {
      // Someone else was quicker: back to the times, with the reason, details kept for a new pick.
      await openTimeScreen();
      $("#time-error").textContent = answer.error.message;
      return;
    }
    show("confirm", { remember: false });
    $("#confirm-error").textContent = answer.error.message;
    return;
  }
  $("#waiting-text").textContent = t("waiting_staff");
  $("#waiting-actions").hidden = false;
}

function showSlip(unit) {
  renderSlip($("#slip"), unit, kioskState.office, visit.service);
  show("slip");
  printSlip();
}

function printSlip() {
  // Chromium runs with --kiosk-printing: this prints at once; we never wait for afterprint.
  setTimeout(() => window.print(), 50);
}

// -- idle (X3) ------------------------------------------------------------------------------

let idleTimer = null;
let warningTimer = null;

const idleMs = () => 1000 * ((kioskState && kioskState.settings.idle_seconds) || 90);
const warningMs = () => 1000 * ((kioskState && kioskState.settings.idle_warning_seconds) || 15);

function resetIdle() {
  clearTimeout(idleTimer);
  clearTimeout(warningTimer);
  const dialog = $("#idle-dialog");
  if (dialog.open) dialog.close();
  const screen = document.body.dataset.current;
  if (screen === "start" || screen === "setup" || screen === "loading") return;
  idleTimer = setTimeout(warnIdle, idleMs() - warningMs());
}

function warnIdle() {
  const dialog = $("#idle-dialog");
  let left = warningMs() / 1000;
  $("#idle-text").textContent = t("idle_text", { seconds: left });
  dialog.showModal();
  const tick = setInterval(() => {
    left -= 1;
    $("#idle-text").textContent = t("idle_text", { seconds: left });
    if (!dialog.open) clearInterval(tick);
  }, 1000);
  warningTimer = setTimeout(() => { clearInterval(tick); restart(); }, warningMs());
}

// -- status corner -----------------------------------------------------------------------------

let lastStatus = null;

async function renderStatus(status) {
  if (!status) return;
  lastStatus = status;
  const dev = await device();
  const parts = [dev ? dev.name : "", status.online ? t("status_online") : t("status_offline")];
  if (status.waiting) parts.push(t("status_waiting", { n: status.waiting }));
  if (status.needsEnrollment) parts.push(t("status_reenroll"));
  $("#status").textContent = parts.filter(Boolean).join(" · ");
  $("#status").dataset.online = String(status.online);
  $("#status").dataset.reenroll = String(Boolean(status.needsEnrollment));
}

// -- setup -------------------------------------------------------------------------------------

async function enroll(event) {
  event.preventDefault();
  const code = $("#setup-code").value.trim();
  $("#setup-error").textContent = "";
  try {
    const response = await fetch("/api/v1/kiosk/enroll", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ code }),
    });
    const body = await response.json();
    if (!response.ok) { $("#setup-error").textContent = body.error.message; return; }
    await setState("device", { kiosk_id: body.kiosk_id, name: body.name, token: body.token });
    const persisted = navigator.storage && navigator.storage.persist ? await navigator.storage.persist() : false;
    await setState("persisted", persisted);
    await setState("needs_enrollment", false);
    await push();
    await refreshState();
    restart();
  } catch (err) {
    $("#setup-error").textContent = t("err_network");
  }
}

// -- wiring ------------------------------------------------------------------------------------

function wire() {
  document.querySelectorAll("[data-service]").forEach((b) => b.addEventListener("click", () => chooseService(b.dataset.service)));
  document.querySelectorAll('[data-action="back"]').forEach((b) => b.addEventListener("click", back));
  document.querySelectorAll('[data-action="restart"]').forEach((b) => b.addEventListener("click", restart));
  $("#restart").addEventListener("click", restart);
  $("#terms-read").addEventListener("change", (e) => { $("#terms-accept").disabled = !e.target.checked; });
  $("#terms-accept").addEventListener("click", acceptTerms);
  $("#terms-decline").addEventListener("click", restart);
  $("#answer-yes").addEventListener("click", () => answer(true));
  $("#answer-no").addEventListener("click", () => answer(false));
  $("#details-form").addEventListener("submit", submitDetails);
  $("#needs-interpreter").addEventListener("change", (e) => { $("#interpreter-language").disabled = !e.target.checked; });
  $("#book").addEventListener("click", book);
  $("#print-again").addEventListener("click", printSlip);
  $("#week-prev").addEventListener("click", () => { visit.week -= 1; renderDays(); });
  $("#week-next").addEventListener("click", () => { visit.week += 1; renderDays(); });
  $("#setup-form").addEventListener("submit", enroll);
  $("#idle-continue").addEventListener("click", resetIdle);
  $("#text-size").addEventListener("click", () => {
    const root = document.documentElement;
    root.dataset.size = String((Number(root.dataset.size) % 3) + 1);
  });
  $("#contrast").addEventListener("click", (e) => {
    const on = document.documentElement.classList.toggle("contrast");
    e.currentTarget.setAttribute("aria-pressed", String(on));
  });
  // While the warning shows, only its button counts as "still here" (a tap elsewhere must not
  // close it under the visitor's finger).
  const activity = () => { if (!$("#idle-dialog").open) resetIdle(); };
  for (const type of ["pointerdown", "keydown", "input", "scroll"]) addEventListener(type, activity, { passive: true, capture: true });
  new MutationObserver(resetIdle).observe(document.body, { attributes: true, attributeFilter: ["data-current"] });
  onStatus(renderStatus);
}

async function main() {
  if ("serviceWorker" in navigator) {
    const version = document.querySelector('meta[name="shell-version"]')?.content || "dev";
    navigator.serviceWorker.register(`/sw.js?v=${version}`, { type: "module", scope: "/" }).catch(() => {});
  }
  visit = newVisit("ja");
  await loadClock();
  await loadStrings("ja");
  applyStrings();
  wire();
  renderKeypad();
  const dev = await device();
  if (!dev) { show("setup", { remember: false }); return; }
  kioskState = await getState("kiosk_state");
  if (navigator.onLine || !kioskState) await refreshState();
  if (!kioskState) { show("setup", { remember: false }); return; }
  renderLanguages();
  show("start", { remember: false });
  history = [];
  requestPush();
  setInterval(() => { requestPush(); refreshState(); }, STATE_REFRESH_MS);
  renderStatus({ online: navigator.onLine, waiting: (await getAll("outbox")).length, deadLetters: 0 });
}

main();
