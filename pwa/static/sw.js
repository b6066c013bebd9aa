// Madoguchi's service worker: declarative. What to precache comes from the server (the shell
// list and its version); a strategy per route; no business logic beyond handing Background
// Sync to the same outbox pusher the page uses.
import { pushFromWorker } from "/static/js/outbox.js";

const VERSION = new URL(location).searchParams.get("v") || "dev";
const OFFICE = new URL(location).searchParams.get("office");   // a kiosk of another office than the default
const SHELL = `madoguchi-shell-${VERSION}`;

async function shellList() {
  const response = await fetch(`/pwa/shell.json${OFFICE ? `?office=${encodeURIComponent(OFFICE)}` : ""}`, { cache: "no-store" });
  return (await response.json()).precache;
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    await cache.addAll(await shellList());
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("madoguchi-shell-") && name !== SHELL) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// The shell: cache first (it is versioned). A booking's join page: the network first, the last
// copy when offline (it holds the time and room ID, nothing personal; the page says how old it
// is). The API and everything else: the network only, so no booking data sits in a cache.
const PAGES = "madoguchi-join-pages";
const KEEP_PAGES = 20;

async function networkFirst(request) {
  const cache = await caches.open(PAGES);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(new URL(request.url).pathname, response.clone());
      const keys = await cache.keys();
      for (const old of keys.slice(0, Math.max(0, keys.length - KEEP_PAGES))) await cache.delete(old);
    }
    return response;
  } catch (err) {
    const kept = await cache.match(new URL(request.url).pathname);
    if (kept) return kept;
    throw err;
  }
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
  if (event.request.mode === "navigate" && /^\/j\/[^/]+$/.test(url.pathname)) {
    event.respondWith(networkFirst(event.request));
    return;
  }
  event.respondWith((async () => {
    const cache = await caches.open(SHELL);
    const hit = await cache.match(event.request, { ignoreSearch: event.request.mode === "navigate" });
    return hit || fetch(event.request);
  })());
});

self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(pushFromWorker());
});

// A page that loaded while this worker was still installing (the kiosk reloads itself right after
// enrollment) can miss the claim in "activate"; it asks again, so it works offline at once.
self.addEventListener("message", (event) => {
  if (event.data === "push") event.waitUntil(pushFromWorker().catch(() => {}));
  if (event.data === "claim") event.waitUntil(self.clients.claim());
});
