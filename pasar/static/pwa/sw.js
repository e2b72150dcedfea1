/* The vendor's service worker, served at /sw.js (pasar.pwa) so that it controls the whole site.

   Every same-origin GET goes to the network first, as without a worker; the copy kept for
   offline is used only when the network cannot be reached. What is kept is what the server
   marked (X-Offline-Copy: keep: a vendor's inbox, order pages and their PDFs) and the public
   static files those pages need. Nothing else is stored, and no request that changes anything
   (POST…) passes through here: actions made offline wait in the page's queue (queue.js).
   Signing out, and the sign-in page, delete these caches (forget.js). */
"use strict";

const VERSION = "1";
const PAGES = "pasar-pages-" + VERSION;
const STATIC = "pasar-static-" + VERSION;
const KEEP_HEADER = "X-Offline-Copy";

self.addEventListener("install", () => {
  // Nothing is fetched ahead: the pages are the signed-in vendor's, kept as they are read.
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith("pasar-") && name !== PAGES && name !== STATIC)
          .map((name) => caches.delete(name))
      );
      // The page that registered the worker is controlled at once, not from its next load.
      await self.clients.claim();
    })()
  );
});

function isStatic(url) {
  return url.pathname.startsWith("/static/");
}

/* Which cache an answer goes to, or null when it must not be kept. */
function cacheFor(url, response) {
  if (!response.ok || response.type !== "basic") return null;
  if (isStatic(url)) return STATIC;
  return response.headers.get(KEEP_HEADER) === "keep" ? PAGES : null;
}

async function fetchAndKeep(request) {
  const response = await fetch(request);
  const name = cacheFor(new URL(request.url), response);
  if (name) {
    // Stored before the page gets it: a page shown once online is there offline.
    const cache = await caches.open(name);
    await cache.put(request, response.clone());
  }
  return response;
}

async function networkFirst(request) {
  try {
    return await fetchAndKeep(request);
  } catch (failure) {
    // One person's copies (signing out deletes them): the Vary of a page does not matter.
    const copy = await caches.match(request, { ignoreVary: true });
    if (copy) return copy;
    throw failure;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The API's answers and the worker's own script are never kept.
  if (url.pathname.startsWith("/api/") || url.pathname === "/sw.js") return;
  event.respondWith(networkFirst(request));
});

/* A page that came from the network before this worker controlled it asks for it, and the
   files it uses, to be kept now (register.js): {type: "keep", urls: [...]}; answered on the
   message's port once done. */
self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type !== "keep" || !Array.isArray(message.urls)) return;
  const port = event.ports[0];
  event.waitUntil(
    (async () => {
      for (const address of message.urls) {
        const url = new URL(address, self.location.origin);
        if (url.origin !== self.location.origin) continue;
        try {
          await fetchAndKeep(new Request(url.href, { credentials: "same-origin" }));
        } catch (failure) {
          // Offline already: nothing to keep now.
        }
      }
      if (port) port.postMessage({ kept: true });
    })()
  );
});
