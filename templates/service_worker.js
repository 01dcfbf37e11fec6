{% load i18n %}// Epaphras's service worker, served at /sw.js (config.views.service_worker) so that it looks
// after the whole site. It keeps two things on the phone, in Cache Storage:
//  - the static files, so pages still have their style and scripts without a signal;
//  - Today and the partner pages (and photos) the person last opened, fetched from the network
//    first and kept as a copy for when there is no signal (docs/decisions.md says why this is
//    right despite the pages' `Cache-Control: no-store`, and how a shared phone is protected).
// Nothing else is stored: no POST, no other page. static/js/offline.js registers it, deletes
// the copy on sign-out and queues "I prayed" taps made offline.
"use strict";

const CONFIG = {{ config|safe }};
const STATIC_CACHE = "epaphras-static-" + CONFIG.version;
const PAGES_CACHE = "epaphras-pages";
// The pages kept for offline reading, by path. Anything else goes to the network as usual.
const KEPT_PAGES = [
  /^\/c\/[^/]+\/today\/$/,
  /^\/c\/[^/]+\/partners\/\d+\/$/,
  /^\/c\/[^/]+\/partners\/\d+\/photo\/$/,
];
const MAX_KEPT = 40; // the most recently opened pages and photos; older ones are let go
const NOT_KEPT = "{% filter escapejs %}{% translate "You are offline, and this page is not kept on this phone. Today and the partner pages you opened last are." %}{% endfilter %}";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(STATIC_CACHE).then((cache) => cache.addAll(CONFIG.staticFiles)).then(() => self.skipWaiting())
  );
});

// A new version lets go of the old static files and looks after open pages at once.
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("epaphras-static-") && name !== STATIC_CACHE)
          .map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // POSTs (prayers, forms, sign-out) are never stored
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(CONFIG.staticPrefix)) {
    event.respondWith(staticFile(event));
  } else if (KEPT_PAGES.some((pattern) => pattern.test(url.pathname))) {
    event.respondWith(networkFirst(event, url));
  }
});

// Static files: the kept copy at once, refreshed from the network for next time.
async function staticFile(event) {
  const cache = await caches.open(STATIC_CACHE);
  const kept = await cache.match(event.request);
  const fresh = fetch(event.request).then((response) => {
    if (response.ok) cache.put(event.request, response.clone());
    return response;
  });
  if (!kept) return fresh;
  event.waitUntil(fresh.catch(() => null));
  return kept;
}

// Kept pages: the network first; its answer is kept. Without a signal, the kept copy.
async function networkFirst(event, url) {
  // One copy per page, whatever its query (?all=1, ?prayed=…): "Today as last opened".
  const key = url.origin + url.pathname;
  let response;
  try {
    response = await fetch(event.request);
  } catch (offline) {
    const cache = await caches.open(PAGES_CACHE);
    const kept = await cache.match(key);
    return kept || new Response(NOT_KEPT, {
      status: 503,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  // Only a page the person was shown is kept. Any other answer (sent to sign in, no longer
  // theirs to see, an error) means the copy must go too.
  const keep = response.status === 200 && response.type === "basic" && !response.redirected;
  event.waitUntil(keep ? remember(key, response.clone()) : forget(key));
  return response;
}

// The copy of a page carries the time it was fetched on its <html> element, which
// offline.js shows in the banner ("You are offline: this is Today as of 07:12").
async function remember(key, response) {
  const type = response.headers.get("Content-Type") || "";
  let body = await response.blob();
  if (type.startsWith("text/html")) {
    const html = await body.text();
    body = html.replace("<html ", '<html data-offline-copy="' + new Date().toISOString() + '" ');
  }
  const headers = new Headers(response.headers);
  headers.delete("Content-Length"); // the body has grown by the time stamp
  const copy = new Response(body, { status: 200, headers: headers });
  const cache = await caches.open(PAGES_CACHE);
  await cache.delete(key); // kept in the order last opened: the oldest are let go first
  await cache.put(key, copy);
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_KEPT)).map((old) => cache.delete(old)));
}

async function forget(key) {
  const cache = await caches.open(PAGES_CACHE);
  await cache.delete(key);
}
