// The staff console: sign-in with security keys (WebAuthn), and each page's actions. The server
// decides what a booking allows (its `actions`) and checks every request again; this script only
// shows, asks for confirmation, and posts.
import { failureMessage } from "./signinerrors.js";
import { ceremony as run, post as postTo, supported } from "./webauthn.js";

const $ = (selector) => document.querySelector(selector);
const BASE = document.documentElement.dataset.officeBase || "";   // "/o/<slug>" for another office
const strings = () => JSON.parse($("#staff-strings")?.textContent || "{}");
const fill = (text, values) => text.replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));

const post = (path, body) => postTo(BASE + path, body);

async function getJSON(path) {
  const response = await fetch(BASE + path, { credentials: "same-origin", headers: { "X-Madoguchi": "1" } });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error ? answer.error.message : String(response.status));
  return answer;
}

function topError(message) {
  $("#staff-error").textContent = message;
}

/** An error beside the element's row (a line right under it), else at the top of the page. */
function errorBeside(element, message) {
  const row = element?.closest("tr");
  if (!row) { topError(message); return; }
  row.nextElementSibling?.classList.contains("row-error") && row.nextElementSibling.remove();
  const line = document.createElement("tr");
  line.className = "row-error";
  const cell = document.createElement("td");
  cell.colSpan = row.children.length;
  cell.setAttribute("role", "alert");
  cell.textContent = message;
  line.append(cell);
  row.after(line);
}

/** A real <dialog> asks; resolves true only for "yes" (Escape or "no" change nothing). */
function confirmFirst(text) {
  const dialog = $("#confirm-dialog");
  $("#confirm-text").textContent = text;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true }));
}

/** Open a form dialog; resolves with its returnValue when it closes. */
function ask(dialog) {
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue), { once: true }));
}

// -- sign-in ---------------------------------------------------------------------------------------

async function ceremony(optionsPath, verifyPath, body, extra = {}) {
  topError("");
  $("#staff-working").hidden = false;
  try {
    await run(BASE + optionsPath, BASE + verifyPath, body, extra);
    location.assign(`${BASE}/staff`);
  } catch (err) {
    topError(failureMessage(err, strings()));
  } finally {
    $("#staff-working").hidden = true;
  }
}

function wireSignIn() {
  if (!supported()) topError($("#staff-messages").dataset.webauthnMissing);
  $("#sign-in-form")?.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!$("#staff-name").value.trim()) { topError(strings().name_needed); $("#staff-name").focus(); return; }
    ceremony("/api/v1/staff/signin/options", "/api/v1/staff/signin/verify", { name: $("#staff-name").value });
  });
  $("#setup-form")?.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!$("#staff-name").value.trim()) { topError(strings().name_needed); $("#staff-name").focus(); return; }
    ceremony("/api/v1/staff/register/options", "/api/v1/staff/register/verify",
      { link: event.currentTarget.dataset.link, name: $("#staff-name").value }, { key_name: $("#key-name").value });
  });
  $("#add-key")?.addEventListener("click", () => ceremony("/api/v1/staff/register/options", "/api/v1/staff/register/verify", {}));
  for (const [id, everywhere] of [["#sign-out", false], ["#sign-out-everywhere", true]]) {
    $(id)?.addEventListener("click", async () => {
      await post("/api/v1/staff/signout", { everywhere });
      location.assign(`${BASE}/staff`);
    });
  }
}

// -- a button that posts, confirming first when it carries data-confirm ------------------------------

function onClick(selector, pathOf, bodyOf = () => ({})) {
  document.querySelectorAll(selector).forEach((button) => button.addEventListener("click", async () => {
    if (button.dataset.confirm && !(await confirmFirst(button.dataset.confirm))) return;
    try {
      await post(pathOf(button), bodyOf(button));
      location.reload();
    } catch (err) {
      errorBeside(button, err.message);
    }
  }));
}

// -- Today -----------------------------------------------------------------------------------------

const POLL_MS = 10000;

function cell(text, className) {
  const td = document.createElement("td");
  if (className) td.className = className;
  td.textContent = text;
  return td;
}

function smallButton(text, action, className = "secondary small") {
  const button = document.createElement("button");
  button.type = "button";
  button.className = className;
  button.dataset.action = action;
  button.textContent = text;
  return button;
}

function bookingRow(b, s) {
  const tr = document.createElement("tr");
  tr.dataset.booking = b.booking_id;
  tr.dataset.status = b.status;
  tr.dataset.start = b.start;
  if (b.ready) tr.classList.add("ready");
  tr.append(cell(b.time, "time"), cell(b.room_id || "—", "nowrap"));
  const who = cell(b.name || "—", "who-cell");
  if (b.note) {
    const note = document.createElement("small");
    note.className = "row-note";
    note.textContent = ` · ${b.note}`;
    who.append(note);
  }
  const needs = [b.language_name];
  if (b.interpreter) needs.push(`${s.interpreter} (${b.interpreter})`);
  if (b.assistant) needs.push(s.assistant);
  tr.append(who, cell(s[`svc_${b.service}`] || b.service), cell(needs.join(" · ")));
  const state = cell("", "state");
  const badge = document.createElement("span");
  badge.className = `badge st-${b.ready ? "ready" : b.status}`;
  badge.textContent = b.ready ? s.checked_in : s[`st_${b.status}`];
  state.append(badge);
  tr.append(state);
  const actions = document.createElement("td");
  actions.className = "row-actions no-print";
  if (b.actions.includes("attended")) actions.append(smallButton(s.mark_attended, "attended", "primary small"));
  if (b.actions.includes("unattended")) actions.append(smallButton(s.undo_attended, "unattended"));
  const more = b.actions.filter((a) => ["cancel", "reschedule", "room", "note"].includes(a));
  if (more.length) {
    const menu = document.createElement("details");
    menu.className = "row-menu";
    const summary = document.createElement("summary");
    summary.textContent = s.more_actions;
    summary.setAttribute("aria-label", `${s.more_actions}: ${b.time} ${b.name || ""}`);
    const list = document.createElement("div");
    list.className = "menu-items";
    const labels = { cancel: s.cancel_booking, reschedule: s.reschedule, room: s.change_room, note: s.note };
    for (const action of more) list.append(smallButton(labels[action], action));
    menu.append(summary, list);
    actions.append(menu);
  }
  tr.append(actions);
  tr.booking = b;
  return tr;
}

function wireToday() {
  const data = $("#today-data");
  if (!data) return;
  const s = strings();
  let shown = "";
  const errors = new Map();     // booking_id -> message, kept across refreshes

  const render = (day) => {
    const text = JSON.stringify(day.bookings);
    if (text === shown) return;
    shown = text;
    const body = $("#today-rows");
    body.replaceChildren(...day.bookings.map((b) => bookingRow(b, s)));
    $("#no-bookings").hidden = day.bookings.length > 0;
    $("#today-list").hidden = day.bookings.length === 0;
    for (const [id, message] of errors) {
      const row = body.querySelector(`tr[data-booking="${CSS.escape(id)}"]`);
      if (row) errorBeside(row.firstElementChild, message);
    }
  };
  const busy = () => document.querySelector("dialog[open], details.row-menu[open]");
  const refresh = async (force = false) => {
    if (!force && busy()) return;
    try {
      render(await getJSON(`/api/v1/staff/today?date=${$("#today-list").dataset.date}`));
      document.body.dataset.refreshed = String(Date.now());
    } catch (err) { /* offline for a moment: the next poll tries again */ }
  };
  const act = async (row, action, body = {}) => {
    errors.delete(row.dataset.booking);
    try {
      await post(`/api/v1/staff/bookings/${row.dataset.booking}/${action}`, body);
      shown = "";
      await refresh(true);
    } catch (err) {
      errors.set(row.dataset.booking, err.message);
      shown = "";
      await refresh(true);
    }
  };

  onClick("[data-resolve]", (b) => `/api/v1/staff/dead-letters/${encodeURIComponent(b.closest("tr").dataset.op)}/resolve`);
  render(JSON.parse(data.textContent));
  setInterval(refresh, POLL_MS);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });

  $("#today-rows").addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const row = button.closest("tr");
    const b = row.booking;
    button.closest("details")?.removeAttribute("open");
    const action = button.dataset.action;
    if (action === "cancel") {
      if (await confirmFirst(`${b.time} ${b.name || ""} — ${s.confirm_cancel}`)) act(row, "cancel");
    } else if (action === "reschedule") {
      const start = await pickTime(b, s);
      if (start) act(row, "reschedule", { start });
    } else if (action === "room") {
      $("#room-select").value = b.room || "";
      if (await ask($("#room-dialog")) === "save") act(row, "room", { room: $("#room-select").value });
    } else if (action === "note") {
      $("#note-text").value = b.note || "";
      if (await ask($("#note-dialog")) === "save") act(row, "note", { note: $("#note-text").value });
    } else {
      act(row, action);
    }
  });
}

/** The picker of free times: a week at a time, a button per free start; resolves with the ISO start or null. */
function pickTime(booking, s) {
  const dialog = $("#move-dialog");
  let chosen = null;
  let week = null;
  $("#move-for").textContent = booking ? fill(s.move_for, { name: booking.name || "—", time: booking.time }) : "";
  const show = async (from) => {
    $("#move-days").replaceChildren();
    try {
      week = await getJSON(`/api/v1/staff/free-times${from ? `?from=${from}` : ""}`);
    } catch (err) {
      $("#move-days").textContent = err.message;
      return;
    }
    const days = week.days.map((day) => {
      const section = document.createElement("section");
      section.className = "move-day";
      const title = document.createElement("h3");
      title.textContent = `${day.date.slice(5).replace("-", "/")} (${s[`wd_${day.weekday}`]})`;
      section.append(title);
      if (!day.starts.length) {
        const none = document.createElement("p");
        none.className = "note";
        none.textContent = day.reason ? s.day_closed : "—";
        section.append(none);
      }
      for (const start of day.starts) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "secondary small";
        button.dataset.start = start.start;
        button.textContent = start.time;
        button.addEventListener("click", () => { chosen = start.start; dialog.close("chosen"); });
        button.setAttribute("aria-label", `${title.textContent} ${start.time}`);
        section.append(button);
      }
      return section;
    });
    if (!week.days.some((day) => day.starts.length)) {
      const none = document.createElement("p");
      none.textContent = s.no_free_times;
      days.push(none);
    }
    $("#move-days").replaceChildren(...days);
  };
  $("#move-previous").onclick = () => show(week?.previous);
  $("#move-next").onclick = () => show(week?.next);
  show(null);
  return ask(dialog).then(() => chosen);
}

// -- the other pages ----------------------------------------------------------------------------------

function wireTeam() {
  onClick("[data-revoke]", (b) => `/api/v1/staff/keys/${encodeURIComponent(b.dataset.revoke)}/revoke`);
  onClick("[data-member-action]", (b) => `/api/v1/staff/members/${b.closest("tr").dataset.staff}/${b.dataset.memberAction}`);
  $("#invite-form")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      const { url } = await post("/api/v1/staff/invite", { name: form.get("name"), role: form.get("role") });
      $("#invite-link").textContent = url;
      $("#invite-link").hidden = false;
    } catch (err) { topError(err.message); }
  });
}

function wireKiosks() {
  onClick("[data-kiosk-action]", (b) => `/api/v1/staff/kiosks/${b.closest("tr").dataset.kiosk}/${b.dataset.kioskAction}`);
  $("#enroll-form")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const made = await post("/api/v1/staff/kiosks/enroll", { name: new FormData(event.currentTarget).get("name") });
      const expires = made.expires_at.slice(11, 16);   // the office's time (Tokyo), whatever the PC's zone
      $("#enroll-code-text").textContent = made.code;
      $("#enroll-expiry").textContent = fill($("#enroll-code").dataset.expires, { time: expires });
      $("#enroll-qr").src = `data:image/svg+xml;base64,${btoa(made.qr_svg)}`;
      $("#enroll-qr").alt = made.code;
      $("#enroll-code").hidden = false;
    } catch (err) { topError(err.message); }
  });
}

// Settings: each form posts its fields as JSON to its data-post address.
function wireSettings() {
  document.querySelectorAll("form[data-post]").forEach((form) => form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await post(form.dataset.post, Object.fromEntries(new FormData(form)));
      location.reload();
    } catch (err) { errorBeside(form, err.message); }
  }));
  onClick("[data-room-action]", (b) => `/api/v1/staff/rooms/${b.closest("tr").dataset.room}/${b.dataset.roomAction}`);
  onClick("[data-closure-remove]", (b) => `/api/v1/staff/closures/${b.closest("li").dataset.closure}/remove`);
  onClick("[data-event-cancel]", (b) => `/api/v1/staff/events/${b.closest("tr").dataset.event}/cancel`,
    (b) => ({ reason: b.closest("tr").querySelector("[data-field=reason]").value }));
}

// Visitors: the 求職番号 travels in POST bodies only, never in a URL.
function wireVisitors() {
  const s = strings();
  let number = "";
  const item = (text) => { const li = document.createElement("li"); li.textContent = text; return li; };
  const show = (standing) => {
    number = standing.jobseeker_no;
    $("#visitor-no").textContent = standing.jobseeker_no;
    $("#visitor-strikes").textContent = String(standing.strikes);
    const restrictions = standing.restrictions.map((r) => item(`${r.reason} → ${r.until}${r.lifted_at ? ` (${s.lifted})` : ""}`));
    $("#visitor-restrictions").replaceChildren(...(restrictions.length ? restrictions : [item(s.no_restriction)]));
    const bookings = (standing.bookings || []).map((b) => item(
      `${b.start.slice(0, 16).replace("T", " ")} · ${s[`svc_${b.service}`] || b.service} · ${s[`st_${b.status}`] || b.status}${b.reference ? ` · ${b.reference}` : ""}`));
    $("#visitor-bookings").replaceChildren(...(bookings.length ? bookings : [item(s.no_bookings_visitor)]));
    $("#lift").hidden = !standing.restrictions.some((r) => !r.lifted_at);
    $("#visitor-result").hidden = false;
  };
  const lookUp = async (no) => {
    try { show(await post("/api/v1/staff/visitors/lookup", { jobseeker_no: no })); } catch (err) { topError(err.message); }
  };
  // One visitor found: their standing; several (a name on a day): a choice; none: said so.
  const found = (visitors) => {
    $("#find-none").hidden = visitors.length > 0;
    $("#find-matches").hidden = visitors.length < 2;
    $("#visitor-result").hidden = true;
    if (visitors.length === 1) show(visitors[0]);
    $("#find-matches").replaceChildren(...(visitors.length > 1 ? visitors.map((v) => {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary small";
      button.textContent = `${v.jobseeker_no} · ${v.bookings.find((b) => b.name)?.name || ""}`;
      button.addEventListener("click", () => show(v));
      li.append(button);
      return li;
    }) : []));
  };
  document.querySelectorAll("form[data-find]").forEach((form) => form.addEventListener("submit", async (event) => {
    event.preventDefault();
    topError("");
    const body = Object.fromEntries(new FormData(form));
    try { found((await post("/api/v1/staff/visitors/find", body)).visitors); } catch (err) { topError(err.message); }
  }));
  $("#restrict-form")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      await post("/api/v1/staff/visitors/restrict", { jobseeker_no: number, reason: form.get("reason"), until: form.get("until") });
      lookUp(number);
    } catch (err) { topError(err.message); }
  });
  $("#lift")?.addEventListener("click", async () => {
    try { await post("/api/v1/staff/visitors/lift", { jobseeker_no: number }); lookUp(number); } catch (err) { topError(err.message); }
  });
}

// Book for a caller: the same free times as a move, then the kiosk's questions; the server decides.
function wireCall() {
  const form = $("#call-form");
  if (!form) return;
  const s = strings();
  let start = null;
  const bookingId = () => (form.dataset.bookingId ||= crypto.randomUUID());   // a retry is the same booking
  $("#call-pick").addEventListener("click", async () => {
    const chosen = await pickTime(null, s);
    if (!chosen) return;
    start = chosen;
    $("#call-time").textContent = chosen.slice(0, 16).replace("T", " ");
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    $("#call-error").textContent = "";
    if (!start) { $("#call-error").textContent = s.choose_time_first; $("#call-pick").focus(); return; }
    const f = new FormData(form);
    const on = (name) => f.get(name) === "on";
    try {
      const { booking } = await post("/api/v1/staff/bookings", {
        booking_id: bookingId(), service: "counseling", start, name: f.get("name"), jobseeker_no: f.get("jobseeker_no"),
        language: f.get("language"), meeting_app: f.get("meeting_app"), needs_interpreter: on("needs_interpreter"),
        interpreter_language: f.get("interpreter_language"), needs_assistant: on("needs_assistant"),
        eligibility: { registered: on("registered"), has_camera_device: on("has_camera_device"),
          wants_continuous_counseling: on("wants_continuous_counseling") },
        terms_read_out: on("terms_read_out"),
      });
      $("#call-done-time").textContent = booking.start.slice(0, 16).replace("T", " ");
      $("#call-done-reference").textContent = booking.reference;
      $("#call-done-room").textContent = booking.room_id || "—";
      $("#call-slip").href = booking.slip_url;
      form.hidden = true;
      $("#call-done").hidden = false;
      $("#call-done").focus();
    } catch (err) {
      $("#call-error").textContent = err.message;
    }
  });
}

wireSignIn();
wireToday();
wireCall();
wireTeam();
wireKiosks();
wireSettings();
wireVisitors();
$("#print-now")?.addEventListener("click", () => window.print());
document.body.dataset.ready = "true";   // the buttons take clicks from now on (staff.css)
