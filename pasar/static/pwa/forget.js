/* Deletes what the service worker kept for offline reading (sw.js): on the sign-in page, where
   signing out, or a session that ran out, always lands, so that the next person on this phone
   reads none of it. Also called by register.js when a vendor signs out. */
"use strict";

window.pasarForgetOfflineCopies = async function () {
  if (!("caches" in window)) return;
  const names = await caches.keys();
  await Promise.all(
    names.filter((name) => name.startsWith("pasar-")).map((name) => caches.delete(name))
  );
};

// The sign-in page loads this script with data-forget-now.
if (document.currentScript && "forgetNow" in document.currentScript.dataset) {
  window.pasarForgetOfflineCopies();
}
