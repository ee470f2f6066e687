// Offline once loaded: this service worker keeps every file of the site (vendor/offline.json, which build.py
// writes) in a cache, filled after the page has loaded the view it opened with, and answers from that cache when
// the network is gone. Online, the network answers first, so a new version of the site is seen at once.
const CACHE = "mini-autograd-engine-playground";

async function fillCache() {
  const cache = await caches.open(CACHE);
  const files = await (await fetch("vendor/offline.json", { cache: "no-store" })).json();
  await cache.addAll(files);
}

self.addEventListener("install", (event) => { self.skipWaiting(); event.waitUntil(fillCache()); });
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    try {
      return await fetch(request);
    } catch (offline) {
      const cached = await caches.match(request, { ignoreSearch: true });
      if (cached) return cached;
      throw offline;
    }
  })());
});
