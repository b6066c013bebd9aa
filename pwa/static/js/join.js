// The join page on a phone: countdown, copy, ticks kept on this phone, live status, offline.
// The page itself is rendered by the server; the service worker keeps the last copy, so offline
// it opens with the last known state and says when that was.
import { renderRuby } from "./i18n.js";
import { claimWhenReady } from "./session.js";

const data = JSON.parse(document.getElementById("join-data").textContent);
const $ = (selector) => document.querySelector(selector);
const REFRESH_MS = 60_000;
let offsetMs = 0;           // server clock minus this phone's clock, once the server answered
let lastUpdated = new Date($("#join-updated").dataset.updated);

const t = (key, params = {}) => data.strings[key].replace(/\{(\w+)\}/g, (_, name) => params[name] ?? `{${name}}`);
const clock = (date) => new Intl.DateTimeFormat(document.documentElement.lang, {
  timeZone: "Asia/Tokyo", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false,   // "12/2" reads two ways
}).format(date);

function showUpdated(online) {
  const text = t("join_updated", { time: clock(lastUpdated) });
  $("#join-updated").textContent = online ? text : `${t("join_offline")} ${text}`;
  document.body.classList.toggle("offline", !online);
}

// -- countdown -------------------------------------------------------------------------
const pad = (n) => String(n).padStart(2, "0");

function tick() {
  const box = $("#countdown");
  if (!box) return;
  const now = Date.now() + offsetMs;
  const start = Date.parse(box.dataset.start);
  const end = box.dataset.end ? Date.parse(box.dataset.end) : start + 30 * 60_000;
  box.hidden = now >= end;
  if (now >= start) {
    $("#countdown-label").textContent = t("join_started");
    $("#countdown-value").textContent = "";
    return;
  }
  const seconds = Math.floor((start - now) / 1000);
  const lang = document.documentElement.lang;
  // Days in words where the browser knows the language; else hours past 24 (no words needed).
  const days = Intl.NumberFormat.supportedLocalesOf([lang]).length ? Math.floor(seconds / 86400) : 0;
  const hours = Math.floor((seconds - days * 86400) / 3600);
  const rest = `${hours}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
  const dayText = new Intl.NumberFormat(lang, { style: "unit", unit: "day", unitDisplay: "long" });
  $("#countdown-value").textContent = days > 0 ? `${dayText.format(days)} ${rest}` : rest;
}

// -- the checklist: ticks stay on this phone only ----------------------------------------
function checklist() {
  const key = `madoguchi:checklist:${data.token.slice(-24)}`;
  const ticked = new Set(JSON.parse(localStorage.getItem(key) || "[]"));
  document.querySelectorAll("[data-check]").forEach((box) => {
    box.checked = ticked.has(box.dataset.check);
    box.addEventListener("change", () => {
      if (box.checked) ticked.add(box.dataset.check); else ticked.delete(box.dataset.check);
      localStorage.setItem(key, JSON.stringify([...ticked]));
    });
  });
}

// -- copy the room ID ----------------------------------------------------------------------
function copyButton() {
  const button = $("#copy-room");
  if (!button || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(button.dataset.copy.replace(/\s/g, ""));
      $("#copy-done").textContent = t("join_copied");
    } catch { /* the visitor can still read the ID */ }
  });
}

// -- live status ---------------------------------------------------------------------------
async function refresh() {
  try {
    const response = await fetch(`/api/v1/join/${encodeURIComponent(data.token)}`, { cache: "no-store" });
    if (!response.ok) throw new Error(String(response.status));
    const body = await response.json();
    offsetMs = Date.parse(body.server_time) - Date.now();
    const shown = $("#join-status").dataset;
    if (body.booking.status !== shown.status || Date.parse(body.booking.start) !== Date.parse(shown.start)) {
      location.reload();  // the server renders the change (a reschedule shows old and new)
      return;
    }
    lastUpdated = new Date(body.server_time);
    showUpdated(true);
  } catch {
    showUpdated(false);
  }
}

// Check-in and cancel need the server: offline, say so instead of a browser error page.
function onlineOnlyForms() {
  document.querySelectorAll("form[data-online-only]").forEach((form) => form.addEventListener("submit", (event) => {
    if (navigator.onLine) return;
    event.preventDefault();
    showUpdated(false);
    $("#join-updated").textContent = t("join_offline_action");
  }));
}

// -- keep it: install the app, the service worker for offline -------------------------------
function installOffer() {
  addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    const button = $("#install");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", () => { event.prompt(); button.hidden = true; }, { once: true });
  });
}

/** The service worker keeps each join page it serves (sw.js); the first visit, before it ran, is kept here. */
async function keepForOffline() {
  if (!("serviceWorker" in navigator)) return;
  const version = document.querySelector('meta[name="shell-version"]')?.content || "dev";
  await navigator.serviceWorker.register(`/sw.js?v=${version}`, { type: "module", scope: "/" });
  await claimWhenReady();
  const cache = await caches.open("madoguchi-join-pages");
  if (navigator.onLine && !(await cache.match(location.pathname))) await cache.add(location.pathname);
  document.body.dataset.offlineReady = "true";
}

renderRuby();   // やさしい日本語: the strings set below carry furigana
keepForOffline().catch(() => {});
checklist();
copyButton();
onlineOnlyForms();
installOffer();
showUpdated(navigator.onLine);
tick();
setInterval(tick, 1000);
refresh();
setInterval(refresh, REFRESH_MS);
addEventListener("online", refresh);
addEventListener("offline", () => showUpdated(false));
