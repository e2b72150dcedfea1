/* On a vendor's pages (templates/pasar/offline_app*.html): registers the service worker
   (sw.js), says when a page is shown from the copy kept offline, and deletes those copies when
   the vendor signs out. The words come from the page (#offline-app's data-*), in its language. */
(function () {
  "use strict";
  const app = document.getElementById("offline-app");
  if (!app) return;
  const said = app.dataset;

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, (whole, name) => (name in values ? values[name] : whole));
  }

  function formatTime(iso) {
    const time = new Date(iso);
    if (Number.isNaN(time.getTime())) return iso;
    return new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      dateStyle: "medium",
      timeStyle: "short",
    }).format(time);
  }
  window.pasarOffline = { fill: fill, formatTime: formatTime };

  // Offline, the page may be the copy kept when it was last read: say as of when.
  const banner = document.getElementById("offline-banner");
  const renderedAt = document.querySelector('meta[name="rendered-at"]');
  function showBanner() {
    banner.hidden = navigator.onLine;
    if (!navigator.onLine && renderedAt) {
      banner.textContent = fill(said.asOf, { time: formatTime(renderedAt.content) });
    }
  }
  window.addEventListener("online", showBanner);
  window.addEventListener("offline", showBanner);
  showBanner();

  // Signing out: nothing of this vendor stays readable on the phone.
  const signOut = document.getElementById("sign-out");
  if (signOut) {
    signOut.addEventListener("submit", (event) => {
      event.preventDefault();
      Promise.allSettled([
        window.pasarForgetOfflineCopies && window.pasarForgetOfflineCopies(),
        window.pasarOfflineQueue && window.pasarOfflineQueue.forgetFinished(),
      ]).then(() => signOut.submit());
    });
  }

  if (!("serviceWorker" in navigator)) return;
  const cameFromNetwork = !navigator.serviceWorker.controller;

  // The worker keeps what passes through it; a page read before it controlled the page asks
  // it to keep that page, and the files it uses, now.
  function keep(worker) {
    const urls = [window.location.href];
    document.querySelectorAll('link[rel="stylesheet"], link[rel="icon"], script[src]').forEach(
      (element) => urls.push(element.href || element.src)
    );
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      worker.postMessage({ type: "keep", urls: urls }, [channel.port2]);
      setTimeout(resolve, 15000); // a slow network: the page is kept on its next visit anyway
    });
  }

  navigator.serviceWorker
    .register(said.serviceWorker, { scope: "/" })
    .then(() => navigator.serviceWorker.ready)
    .then(async (registration) => {
      if (cameFromNetwork && navigator.onLine && registration.active) {
        await keep(registration.active);
      }
      // Read by the browser tests: this page is now readable offline.
      document.documentElement.dataset.offlineReady = "yes";
    })
    .catch(() => {
      // No worker (a private window, an old phone): the pages work online as before.
    });
})();
