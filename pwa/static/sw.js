// Madoguchi's service worker: declarative. What to precache comes from the server (the shell
// list and its version); a strategy per route; no business logic beyond handing Background
// Sync to the same outbox pusher the page uses.
import { push } from "/static/js/outbox.js";

const VERSION = new URL(location).searchParams.get("v") || "dev";
const SHELL = `madoguchi-shell-${VERSION}`;

async function shellList() {
  const response = await fetch("/pwa/shell.json", { cache: "no-store" });
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

// The shell: cache first (it is versioned). The API and everything else: the network only,
// so no booking or personal data is ever kept in a cache.
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
  event.respondWith((async () => {
    const cache = await caches.open(SHELL);
    const hit = await cache.match(event.request, { ignoreSearch: event.request.mode === "navigate" });
    return hit || fetch(event.request);
  })());
});

self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(push());
});

self.addEventListener("message", (event) => {
  if (event.data === "push") event.waitUntil(push());
});
