// The kiosk at the office entrance: one calm flow from "Welcome" to a slip in hand.
// Every booking goes through the outbox; online and offline are the same code.
import { at, officeBase } from "./base.js";
import { getAll, getState, setState } from "./db.js";
import { applyStrings, loadStrings, renderRuby, t } from "./i18n.js";
import { watchIdle } from "./idle.js";
import { announce, loadClock, onStatus, push, requestPush } from "./outbox.js";
import { dropPending, sendPending } from "./phone.js";
import { answer, changeAnswer, openQuestions, questionBack } from "./questions.js";
import { reach } from "./reach.js";
import { languages } from "./rules.js";
import { renderSlip } from "./slip.js";
import { wireStaffMode } from "./staffmode.js";
import { $, back, claimWhenReady, device, isPhone, newVisit, refreshState, reloadShell, restart, session, show } from "./session.js";
import { acceptTerms, openTerms } from "./terms.js";
import { followReachability, openTimeScreen, renderDays } from "./times.js";
import { book, printSlip } from "./booking.js";
import { renderKeypad, submitDetails, watchFields } from "./details.js";
import { wireMine } from "./mine.js";

const STATE_REFRESH_MS = 5 * 60_000;
const HEARTBEAT_MS = 30_000;          // a sync this often keeps the judgement of the server fresh (reach.js)

// -- start -------------------------------------------------------------------------------

/** The kiosk: a button per language. A phone (its language already detected): one compact select. */
function renderLanguages() {
  const list = languages(session.kioskState);
  $("#languages").replaceChildren(...list.map(([code, label]) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "language";
    button.lang = code === "ja-easy" ? "ja" : code;
    button.textContent = label;
    button.setAttribute("aria-pressed", String(code === session.visit.lang));
    button.addEventListener("click", () => chooseLanguage(code));
    return button;
  }));
  $("#language-select").replaceChildren(...list.map(([code, label]) => {
    const option = new Option(label, code, false, code === session.visit.lang);
    option.lang = code === "ja-easy" ? "ja" : code;
    return option;
  }));
}

async function chooseLanguage(code) {
  session.visit.lang = code;
  await loadStrings(code);
  applyStrings();
  renderLanguages();
  renderPhoneQr();
  renderStatus(lastStatus);
}

function chooseService(service) {
  session.visit.service = service;
  if (!isPhone()) requestPush();       // a fresh judgement of the server before the times are shown
  openTerms();
}

// -- status corner -----------------------------------------------------------------------------

let lastStatus = null;

/** What the kiosk knows of its link to the office: offline, online but not answered, or online;
 *  what waits to be sent, and whether sending keeps failing. */
async function renderStatus(status) {
  if (!status || isPhone()) return;
  lastStatus = status;
  const dev = await device();
  const parts = [!status.network ? t("status_offline") : status.online ? t("status_online") : t("status_unreachable")];
  if (status.waiting) parts.push(t("status_waiting", { n: status.waiting }));
  if (status.failing && status.waiting) parts.push(t("status_failing"));
  if (status.needsEnrollment) parts.push(t("status_reenroll"));
  // The kiosk's name is the office's (usually Japanese): its own span, marked as such.
  const name = document.createElement("span");
  name.lang = "ja";
  name.textContent = dev ? `${dev.name} · ` : "";
  $("#status").replaceChildren(name, parts.join(" · "));
  Object.assign($("#status").dataset, { online: String(status.online), network: String(status.network),
                                         failing: String(Boolean(status.failing)), reenroll: String(Boolean(status.needsEnrollment)) });
}

// -- setup -------------------------------------------------------------------------------------

async function enroll(event) {
  event.preventDefault();
  const code = $("#setup-code").value.trim();
  $("#setup-error").textContent = "";
  try {
    const response = await fetch(at("/api/v1/kiosk/enroll"), {
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

/** "Start over" in the header asks first, unless there is nothing to lose. */
function askRestart() {
  if (document.body.dataset.current === "start") { restart(); return; }
  $("#restart-dialog").showModal();
}

function setTextSize(size) {
  document.documentElement.dataset.size = size;
  document.querySelectorAll("[data-text-size]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.textSize === size)));
}

function wire() {
  document.querySelectorAll("[data-service]").forEach((b) => b.addEventListener("click", () => chooseService(b.dataset.service)));
  document.querySelectorAll('[data-action="back"]').forEach((b) => b.addEventListener("click", back));
  document.querySelectorAll('[data-action="restart"]').forEach((b) => b.addEventListener("click", restart));
  $("#language-select").addEventListener("change", (e) => chooseLanguage(e.target.value));
  $("#restart").addEventListener("click", askRestart);
  $("#restart-confirm").addEventListener("click", restart);
  $("#restart-keep").addEventListener("click", () => $("#restart-dialog").close());
  $("#pending-drop").addEventListener("click", dropPending);
  $("#terms-read").addEventListener("change", (e) => { $("#terms-accept").disabled = !e.target.checked; });
  $("#terms-accept").addEventListener("click", () => acceptTerms(() => openQuestions(openTimeScreen)));
  $("#terms-decline").addEventListener("click", restart);
  $("#terms-back").addEventListener("click", () => show("start", { remember: false }));
  $("#answer-yes").addEventListener("click", () => answer(true));
  $("#answer-no").addEventListener("click", () => answer(false));
  $("#question-back").addEventListener("click", questionBack);
  $("#change-answer").addEventListener("click", changeAnswer);
  $("#details-form").addEventListener("submit", submitDetails);
  watchFields();
  $("#book").addEventListener("click", book);
  $("#print-again").addEventListener("click", printSlip);
  $("#week-prev").addEventListener("click", () => { session.visit.week -= 1; renderDays(); });
  $("#week-next").addEventListener("click", () => { session.visit.week += 1; renderDays(); });
  $("#setup-form").addEventListener("submit", enroll);
  wireMine();
  document.querySelectorAll("[data-text-size]").forEach((b) => b.addEventListener("click", () => setTextSize(b.dataset.textSize)));
  $("#contrast").addEventListener("click", (e) => {
    const on = document.documentElement.classList.toggle("contrast");
    e.currentTarget.setAttribute("aria-pressed", String(on));
  });
  watchIdle();
  followReachability();
  onStatus((status) => { renderStatus(status); maybeReset(); });
  reach.onChange(() => { announce(); renderPhoneQr(); });
  addEventListener("online", renderPhoneQr);
  addEventListener("offline", renderPhoneQr);
}

/** Staff mode's printer check: a slip with no booking behind it, printed like a real one. */
function printTestSlip() {
  const start = new Date(Date.now() + 86_400_000);
  start.setMinutes(0, 0, 0);
  // Marked TEST on paper and screen (staff mode's Japanese): no reference, no room, never a booking.
  renderSlip($("#slip"), { start: start.toISOString(), end: new Date(start.getTime() + 1_800_000).toISOString(),
                           room_id: "TEST", meeting_app: "zoom" }, session.kioskState.office, "counseling",
             { testMark: $("#staff-print").dataset.mark || "TEST" });
  $("#slip-back").hidden = true;
  show("slip", { remember: false });
  printSlip();
}

/** A reset (staff mode, or remote from the console): push the outbox first; then wipe the visitor
 *  and reload the shell (a new service worker if there is one). The outbox itself is kept. */
export async function resetKiosk(commandIds = []) {
  await push();
  if ((await getAll("outbox")).length) return false;      // still offline: the reset waits, nothing is lost
  if (commandIds.length) await setState("done_commands", [...new Set([...(await getState("done_commands", [])), ...commandIds])]);
  await reloadShell();
  return true;
}

let resetting = false;
async function maybeReset() {
  const done = await getState("done_commands", []);
  const resets = (await getState("commands", [])).filter((c) => c.kind === "reset" && !done.includes(c.id));
  if (!resets.length || resetting) return;
  resetting = true;
  if (!(await resetKiosk(resets.map((c) => c.id)))) resetting = false;
}

/** The kiosk's "continue on your phone" code, in the chosen language; only while the server answers. */
function renderPhoneQr() {
  const box = $("#phone-qr");
  box.hidden = isPhone() || !reach.reachable();
  if (!box.hidden) $("#phone-qr-img").src = at(`/pwa/phone-qr.svg?lang=${encodeURIComponent(session.visit.lang)}`);
}

/** A phone: the visitor's language from the link, else the browser's, else Japanese. */
function phoneLanguage() {
  const asked = new URLSearchParams(location.search).get("lang");
  const codes = languages(session.kioskState).map(([code]) => code);
  if (codes.includes(asked)) return asked;
  const browser = (navigator.languages || []).map((l) => l.toLowerCase());
  return codes.find((c) => browser.some((b) => b === c.toLowerCase() || b.split("-")[0] === c)) || "ja";
}

/** After a reload the visit is gone: a refusal of the waiting request is shown where it waited. */
function refusedAfterReload(error) {
  $("#waiting-text").textContent = error.message;
  $("#waiting-actions").hidden = false;
}

async function startPhone() {
  const pending = await getState("phone_pending");
  session.visit = newVisit(pending ? pending.language : phoneLanguage());
  await loadStrings(session.visit.lang);
  applyStrings();
  wire();
  if (pending) { await sendPending(refusedAfterReload); return; }
  await refreshState();
  renderLanguages();
  show("start", { remember: false });
}

function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  const version = document.querySelector('meta[name="shell-version"]')?.content || "dev";
  navigator.serviceWorker.register(`/sw.js?v=${version}${officeBase() ? `&office=${officeBase().slice(3)}` : ""}`, { type: "module", scope: "/" }).catch(() => {});
  claimWhenReady();
}

async function main() {
  registerServiceWorker();
  renderRuby();
  if (isPhone()) { await startPhone(); return; }
  session.visit = newVisit("ja");
  await loadClock();
  await loadStrings("ja");
  applyStrings();
  wire();
  renderKeypad();
  const dev = await device();
  if (!dev) {
    // The console's enrollment QR opens /kiosk?enroll=CODE on the tablet: the code is filled in.
    const code = new URLSearchParams(location.search).get("enroll");
    if (code) $("#setup-code").value = code;
    show("setup", { remember: false });
    return;
  }
  session.kioskState = await getState("kiosk_state");
  if (navigator.onLine || !session.kioskState) await refreshState();
  if (!session.kioskState) { show("setup", { remember: false }); return; }
  renderLanguages();
  renderPhoneQr();
  wireStaffMode(printTestSlip);
  show("start", { remember: false });
  session.trail = [];
  requestPush();
  setInterval(requestPush, HEARTBEAT_MS);
  setInterval(refreshState, STATE_REFRESH_MS);
  renderStatus(await announce());
}

main();
