// Kiosk hygiene (X3): left alone, the kiosk warns, then starts over and forgets the visitor. The
// warning gives at least 20 seconds (WCAG 2.2.1, whatever the setting says) and its countdown is
// announced to screen readers every few seconds.
import { t } from "./i18n.js";
import { $, isPhone, restart, session } from "./session.js";

export const MIN_WARNING_SECONDS = 20;
const ANNOUNCE_EVERY = 5;

const setting = (name, fallback) => Number(session.kioskState && session.kioskState.settings && session.kioskState.settings[name]) || fallback;
export const warningSeconds = () => Math.max(setting("idle_warning_seconds", MIN_WARNING_SECONDS), MIN_WARNING_SECONDS);
const idleSeconds = () => setting("idle_seconds", 90);

let idleTimer = null;
let warningTimer = null;
let tick = null;

function stop() {
  clearTimeout(idleTimer);
  clearTimeout(warningTimer);
  clearInterval(tick);
}

/** The visitor did something: the wait starts again (not on the start and setup screens). */
export function resetIdle() {
  stop();
  const dialog = $("#idle-dialog");
  if (dialog.open) dialog.close();
  const screen = document.body.dataset.current;
  if (isPhone() || screen === "start" || screen === "setup" || screen === "loading") return;
  idleTimer = setTimeout(warn, 1000 * Math.max(idleSeconds() - warningSeconds(), 0));
}

function warn() {
  const dialog = $("#idle-dialog");
  let left = warningSeconds();
  const say = () => {
    $("#idle-text").textContent = t("idle_text", { seconds: left });
    if (left % ANNOUNCE_EVERY === 0) $("#idle-live").textContent = t("idle_text", { seconds: left });
  };
  say();
  dialog.showModal();
  tick = setInterval(() => {
    left -= 1;
    if (!dialog.open) { clearInterval(tick); return; }
    say();
  }, 1000);
  warningTimer = setTimeout(() => { stop(); restart(); }, 1000 * warningSeconds());
}

/** Every touch, key or scroll counts; while the warning shows, only its button does (a tap elsewhere
 *  must not close it under the visitor's finger). */
export function watchIdle() {
  const activity = () => { if (!$("#idle-dialog").open) resetIdle(); };
  for (const type of ["pointerdown", "keydown", "input", "scroll"]) addEventListener(type, activity, { passive: true, capture: true });
  new MutationObserver(resetIdle).observe(document.body, { attributes: true, attributeFilter: ["data-current"] });
  $("#idle-continue").addEventListener("click", resetIdle);
}
