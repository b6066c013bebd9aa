// Staff mode at the kiosk (D7): a 3-second press on the office's name asks for a security key on
// the kiosk itself. Then: sync now, what waits and what was refused, reset (sync first, then
// wipe the visitor and reload the shell; the outbox is kept), a test slip, an app update,
// enrollment again. It ends itself after 60 s without a touch, and signs the staff member out.
import { count, getState, setState } from "./db.js";
import { push } from "./outbox.js";
import { $, reloadShell } from "./session.js";
import { failureMessage } from "./signinerrors.js";
import { signIn, signOut } from "./webauthn.js";

const messages = () => JSON.parse($("#staff-mode-strings")?.textContent || "{}");

const PRESS_MS = 3000;
const IDLE_MS = 60_000;
let idle = null;

function keepAlive() {
  clearTimeout(idle);
  idle = setTimeout(close, IDLE_MS);
}

/** Staff mode ends: the dialog closes and the staff member is signed out. */
async function close() {
  clearTimeout(idle);
  const dialog = $("#staff-dialog");
  if (dialog.open) dialog.close();
  await signOut().catch(() => {});
}

async function renderPanel() {
  $("#staff-waiting").textContent = String(await count("outbox"));
  $("#staff-dead").textContent = String(await count("dead_letter"));
  const last = await getState("last_sync");
  $("#staff-last-sync").textContent = last ? new Date(last).toLocaleString("ja-JP", { timeZone: "Asia/Tokyo" }) : "—";
}

function open() {
  const dialog = $("#staff-dialog");
  $("#staff-signin").hidden = false;
  $("#staff-panel").hidden = true;
  $("#staff-mode-error").textContent = "";
  dialog.showModal();
  keepAlive();
}

/** Sign in on the kiosk, then the panel. */
async function signInHere(event) {
  event.preventDefault();
  $("#staff-mode-error").textContent = "";
  if (!$("#staff-mode-name").value.trim()) {
    $("#staff-mode-error").textContent = messages().name_needed;
    $("#staff-mode-name").focus();
    keepAlive();
    return;
  }
  try {
    await signIn($("#staff-mode-name").value);
    $("#staff-signin").hidden = true;
    $("#staff-panel").hidden = false;
    await renderPanel();
  } catch (err) {
    $("#staff-mode-error").textContent = failureMessage(err, messages());
  }
  keepAlive();
}

/** Reset: sync first (best effort), then a fresh shell; the outbox stays in IndexedDB. */
async function reset() {
  await push().catch(() => {});
  await close();
  await reloadShell();
}

async function update() {
  await close();
  await reloadShell();
}

async function reenroll() {
  await setState("device", null);      // the outbox is kept; it is sent after the new enrollment
  await close();
  await reloadShell();
}

export function wireStaffMode(printTestSlip) {
  const logo = $("#office");
  let timer = null;
  logo.addEventListener("pointerdown", () => { timer = setTimeout(open, PRESS_MS); });
  for (const type of ["pointerup", "pointerleave", "pointercancel"]) logo.addEventListener(type, () => clearTimeout(timer));
  logo.addEventListener("contextmenu", (event) => event.preventDefault());
  const dialog = $("#staff-dialog");
  for (const type of ["pointerdown", "keydown", "input"]) dialog.addEventListener(type, keepAlive);
  $("#staff-mode-form").addEventListener("submit", signInHere);
  $("#staff-sync").addEventListener("click", async () => { await push().catch(() => {}); await renderPanel(); });
  $("#staff-reset").addEventListener("click", reset);
  $("#staff-print").addEventListener("click", printTestSlip);
  $("#staff-update").addEventListener("click", update);
  $("#staff-reenroll").addEventListener("click", reenroll);
  $("#staff-close").addEventListener("click", close);
}
