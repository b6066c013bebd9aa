// The visitor's steps after the start screen: terms, questions, time, details, confirm, slip.
import { getAll, getState } from "./db.js";
import { formatDate, formatDay, formatTime, plain, t } from "./i18n.js";
import { offeredDays, usableLeases } from "./offer.js";
import { enqueue, serverNow, uuid, waitForResult } from "./outbox.js";
import { $, isPhone, refreshState, session, show } from "./session.js";
import { bookFromPhone } from "./phone.js";
import { renderSlip } from "./slip.js";

const ANSWER_WAIT_MS = 10_000;

// -- terms (S1-S9, C1, C14) -----------------------------------------------------------------

const REQUIRED_DOCS = { counseling: ["online-services", "online-counseling"], event: ["online-services"] };

export function renderTerms() {
  const docs = REQUIRED_DOCS[session.visit.service];
  const summary = ["summary_free", "summary_costs", "summary_no_recording", "summary_private", "summary_records", "summary_governs"];
  if (session.visit.service === "counseling") summary.splice(3, 0, "summary_cancel");
  $("#terms-summary").replaceChildren(...summary.map((key) => {
    const li = document.createElement("li");
    li.textContent = t(key);
    return li;
  }));
  const shown = [];
  const box = $("#terms-text");
  box.replaceChildren();
  for (const doc of docs) {
    const versions = session.kioskState.terms.filter((x) => x.doc === doc);
    const japanese = versions.find((x) => x.lang === "ja");
    const entry = versions.find((x) => x.lang === session.visit.lang) || japanese;
    shown.push({ doc, version: entry.version, sha256: entry.sha256 });
    box.append(entry.kind === "summary" ? summaryArticle(entry, japanese) : fullText(entry.title, entry.text, entry.lang));
  }
  $("#terms-governs").hidden = session.visit.lang === "ja";
  session.visit.shownTerms = shown;
  $("#terms-read").checked = false;
  $("#terms-accept").disabled = true;
  box.scrollTop = 0;
}

function node(tag, text, attrs = {}) {
  const el = document.createElement(tag);
  Object.assign(el, attrs);
  if (text) el.textContent = text;
  return el;
}

/** A document's full text; it opens with its title, already shown as the heading. */
function fullText(title, text, lang, headingTag = "h2") {
  const article = node("article", "", { lang });
  const lines = text.split("\n");
  const body = node("div", (lines[0].trim() === title.trim() ? lines.slice(1) : lines).join("\n").trim(), { className: "terms-body" });
  article.append(node(headingTag, title), body);
  return article;
}

/** A summary language: each article in short, then the full Japanese text that governs. */
function summaryArticle(entry, japanese) {
  const article = node("article");
  article.append(node("h2", entry.title), node("p", entry.summary.governs, { className: "notice" }),
                 node("h3", t("terms_articles")));
  const list = node("ol", "", { className: "articles" });
  for (const a of entry.summary.articles) {
    const li = node("li");
    li.append(node("strong", a.heading), node("p", a.summary));
    list.append(li);
  }
  const full = node("section", "", { className: "terms-japanese" });
  full.append(node("h3", t("terms_full_ja")), fullText(japanese.title, japanese.text, "ja", "h4"));
  article.append(list, full);
  return article;
}

export function acceptTerms() {
  session.visit.consent = { accepted_at: serverNow().toISOString(), language: session.visit.lang, terms: session.visit.shownTerms };
  session.visit.question = 0;
  session.visit.eligibility = {};
  renderQuestion();
  show("eligibility");
}

// -- eligibility (C3) and environment (S3, C13) ---------------------------------------------

function questions() {
  const environment = { key: "environment", text: "q_environment", list: ["env_secure", "env_wifi", "env_os", "env_firewall", "env_sharing", "env_antivirus"], no: "no_environment" };
  if (session.visit.service === "event") return [environment];
  return [
    { key: "registered", text: "q_registered", no: "no_registered" },
    { key: "has_camera_device", text: "q_camera", no: "no_camera" },
    { key: "wants_continuous_counseling", text: "q_continuous", no: "no_continuous" },
    environment,
  ];
}

function renderQuestion() {
  const all = questions();
  const q = all[session.visit.question];
  $("#question-progress").textContent = t("question_of", { n: session.visit.question + 1, total: all.length });
  $("#question-text").textContent = t(q.text);
  $("#question-list").replaceChildren(...(q.list || []).map((key) => {
    const li = document.createElement("li");
    li.textContent = t(key);
    return li;
  }));
}

export function answer(yes) {
  const all = questions();
  const q = all[session.visit.question];
  if (!yes) {
    $("#ineligible-text").textContent = t(q.no);
    show("ineligible");
    return;
  }
  if (q.key !== "environment") session.visit.eligibility[q.key] = true;
  session.visit.question += 1;
  if (session.visit.question < all.length) { renderQuestion(); return; }
  openTimeScreen();
}

// -- time -----------------------------------------------------------------------------------

export async function openTimeScreen() {
  $("#time-error").textContent = "";
  if (navigator.onLine) await refreshState();
  const now = serverNow();
  const leases = usableLeases(await getState("leases", []), await getAll("outbox"), now);
  const online = navigator.onLine && Boolean(await getState("last_sync"));
  $("#offline-note").hidden = navigator.onLine;
  $("#week-nav").hidden = session.visit.service === "event";
  if (session.visit.service === "event") renderEvents(now);
  else {
    session.visit.days = offeredDays(session.kioskState.calendar, leases, navigator.onLine, now);
    session.visit.week = 0;
    renderDays();
  }
  $("#time-title").textContent = t(session.visit.service === "event" ? "event_title" : "time_title");
  show("time");
  return online;
}

const REASONS = { weekend: "closed_weekend", holiday: "closed_holiday", year_end: "closed_year_end", closure: "closed_closure", cutoff: "closed_cutoff" };

const WEEK = 7;

export function renderDays() {
  const box = $("#days");
  $("#events").replaceChildren();
  const days = session.visit.days.slice(session.visit.week * WEEK, (session.visit.week + 1) * WEEK);
  $("#week-prev").disabled = session.visit.week === 0;
  $("#week-next").disabled = (session.visit.week + 1) * WEEK >= session.visit.days.length;
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
  const events = (session.kioskState.events || []).filter((e) => e.bookable && new Date(e.start) > now);
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
  session.visit.slot = slot;
  session.visit.event = null;
  openDetails();
}

function chooseEvent(event) {
  session.visit.event = event;
  session.visit.slot = { start: event.start, end: event.end, lease: null };
  openDetails();
}

// -- details ----------------------------------------------------------------------------------

function openDetails() {
  const apps = session.kioskState.services.counseling.meeting_apps || [];
  $("#app-choice").hidden = session.visit.service !== "counseling" || apps.length < 2 || Boolean(session.visit.slot.lease);
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

export function renderKeypad() {
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "-", "0", "⌫"];
  $("#keypad").replaceChildren(...keys.map((key) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "key";
    button.textContent = key;
    if (key === "⌫") button.setAttribute("aria-label", plain(t("key_delete")));
    button.addEventListener("click", () => {
      const input = $("#jobseeker");
      input.value = key === "⌫" ? input.value.slice(0, -1) : input.value + key;
      input.dispatchEvent(new Event("input"));
    });
    return button;
  }));
}

export function submitDetails(event) {
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
  session.visit.details = {
    name, jobseeker_no: number.value,
    meeting_app: session.visit.slot.lease ? session.visit.slot.lease.meeting_app : (!$("#app-choice").hidden && app ? app.value : undefined),
    needs_interpreter: interpreter, interpreter_language: interpreter ? interpreterLanguage : undefined,
    needs_assistant: $("#needs-assistant").checked,
  };
  renderConfirm();
  show("confirm");
}

// -- confirm and book ---------------------------------------------------------------------------

function renderConfirm() {
  const d = session.visit.details;
  const rows = [
    ["confirm_service", t(session.visit.service === "event" ? "service_event" : "service_counseling") + (session.visit.event ? ` — ${session.visit.event.title}` : "")],
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
  $("#book").disabled = false;
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

const TIME_TAKEN = ["slot_full", "room_unavailable", "event_full", "event_closed", "past_cutoff", "closed_day"];

export async function book() {
  $("#book").disabled = true;
  if (isPhone()) { await bookFromPhone(payload(), refused); return; }
  const lease = session.visit.slot.lease;
  const op = await enqueue(session.visit.event ? "event.book" : "booking.create", payload(), { wantSlip: !lease });
  // The op is on disk. A lease guarantees the unit: the slip can print at once, online or not.
  if (lease) { showSlip(lease); return; }
  show("waiting");
  const answer = await waitForResult(op.op_id, ANSWER_WAIT_MS) || await waitForResult(op.op_id, 3 * ANSWER_WAIT_MS);
  if (answer && (answer.status === "applied" || answer.status === "duplicate")) { showSlip(answer.result); return; }
  if (answer && answer.status === "rejected") { await refused(answer.error); return; }
  $("#waiting-text").textContent = t("waiting_staff");
  $("#waiting-actions").hidden = false;
}

/** A refusal: back to the times when the time was the problem, else the message on the check screen. */
export async function refused(error) {
  if (TIME_TAKEN.includes(error.code)) {
    // Someone else was quicker: back to the times, with the reason, details kept for a new pick.
    await openTimeScreen();
    $("#time-error").textContent = error.message;
    return;
  }
  show("confirm", { remember: false });
  $("#confirm-error").textContent = error.message;
}

function showSlip(unit) {
  renderSlip($("#slip"), unit, session.kioskState.office, session.visit.service);
  show("slip");
  printSlip();
}

export function printSlip() {
  // Chromium runs with --kiosk-printing: this prints at once; we never wait for afterprint.
  setTimeout(() => window.print(), 50);
}

