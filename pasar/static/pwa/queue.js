/* Actions a vendor takes offline (accept, decline, ship: the order page's forms that carry
   data-queue-url) wait in IndexedDB and are sent to the API when the connection returns.

   Each item gets its Idempotency-Key when it is queued, and is sent with it every time, so that
   the server (orders.idempotency) carries it out once whatever happens here. Here, an item is
   marked "sending" in a read-write transaction before it is sent: IndexedDB runs those one at a
   time across tabs, so only one tab sends it. A tab closed while sending leaves it "sending";
   after SENDING_LAPSES it is sent again, with the same key (the server replays its answer).

   States: waiting -> sending -> done (2xx) | refused (4xx, with the API's message) | waiting
   (no network, the server failing, or signed out: tried again). */
(function () {
  "use strict";
  const app = document.getElementById("offline-app");
  if (!app || !("indexedDB" in window) || !window.pasarOffline) return;
  const said = app.dataset;
  const user = said.user;
  const { fill, formatTime } = window.pasarOffline;
  const STORE = "actions";
  const SENDING_LAPSES = 2 * 60 * 1000;
  const FINISHED_KEPT = 7 * 24 * 60 * 60 * 1000; // done and refused items shown for a week
  const tabs = "BroadcastChannel" in window ? new BroadcastChannel("pasar-offline-queue") : null;

  // --- The store ---------------------------------------------------------------------------

  function asPromise(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  let opened = null;
  function database() {
    if (!opened) {
      const request = indexedDB.open("pasar-offline", 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
      opened = asPromise(request);
    }
    return opened;
  }

  /* Runs `work(store)` in one transaction; its result once the transaction has committed. */
  async function inStore(mode, work) {
    const transaction = (await database()).transaction(STORE, mode);
    const committed = new Promise((resolve, reject) => {
      transaction.oncomplete = resolve;
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
    const result = await work(transaction.objectStore(STORE));
    await committed;
    return result;
  }

  async function mine() {
    const items = await inStore("readonly", (store) => asPromise(store.getAll()));
    return items
      .filter((item) => item.user === user)
      .sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
  }

  function changed() {
    if (tabs) tabs.postMessage("changed");
    render();
  }

  /* Marks a waiting item "sending"; null when it is not this tab's to send. */
  function claim(key) {
    return inStore("readwrite", async (store) => {
      const item = await asPromise(store.get(key));
      const now = Date.now();
      const free =
        item &&
        item.user === user &&
        (item.state === "waiting" ||
          (item.state === "sending" && now - item.claimedAt > SENDING_LAPSES));
      if (!free) return null;
      Object.assign(item, { state: "sending", claimedAt: now });
      await asPromise(store.put(item));
      return item;
    });
  }

  function settle(key, outcome) {
    return inStore("readwrite", async (store) => {
      const item = await asPromise(store.get(key));
      if (!item) return;
      Object.assign(item, outcome);
      await asPromise(store.put(item));
    });
  }

  // --- Sending -------------------------------------------------------------------------------

  function csrfToken() {
    // Every page has forms with Django's token (the language and sign-out forms at least).
    const field = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return field ? field.value : "";
  }

  function messagesIn(value) {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(messagesIn);
    if (value && typeof value === "object") return Object.values(value).flatMap(messagesIn);
    return [];
  }

  async function refusal(answer) {
    try {
      const error = (await answer.json()).error || {};
      return [error.message, ...messagesIn(error.fields || {})].filter(Boolean).join(" ");
    } catch (unreadable) {
      return answer.status + " " + answer.statusText;
    }
  }

  async function send(item) {
    let answer;
    try {
      answer = await fetch(item.url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "Idempotency-Key": item.key,
          "X-CSRFToken": csrfToken(),
        },
        body: JSON.stringify(item.body),
      });
    } catch (noNetwork) {
      return settle(item.key, { state: "waiting" });
    }
    if (answer.ok) return settle(item.key, { state: "done", finishedAt: Date.now() });
    if (answer.status >= 400 && answer.status < 500 && answer.status !== 401 && answer.status !== 429) {
      const reason = await refusal(answer);
      return settle(item.key, { state: "refused", reason: reason, finishedAt: Date.now() });
    }
    return settle(item.key, { state: "waiting" });
  }

  let flushing = false;
  /* Sends what waits, oldest first (an acceptance before the shipment queued after it). */
  async function flush() {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    try {
      for (const item of await mine()) {
        const claimed = await claim(item.key);
        if (!claimed) continue;
        changed();
        await send(claimed);
        changed();
      }
    } finally {
      flushing = false;
      render(); // what another tab sent meanwhile, where BroadcastChannel is missing
    }
  }

  // --- Queueing from the order page's forms ---------------------------------------------------

  /* The API's JSON body from a page form: its fields without the form's prefix, and the
     quantities per line ("quantities-<line>") as one object, as the API's input takes them. */
  function bodyOf(form) {
    const prefix = form.dataset.queuePrefix + "-";
    const body = {};
    if (form.querySelector(`[name^="${prefix}quantities-"]`)) body.quantities = {};
    for (const [name, value] of new FormData(form)) {
      if (!name.startsWith(prefix)) continue; // the CSRF token, the confirmation…
      const field = name.slice(prefix.length);
      const line = field.match(/^quantities-(.+)$/);
      if (!line) body[field] = value;
      else if (String(value).trim()) body.quantities[line[1]] = String(value).trim();
    }
    return body;
  }

  async function queue(form) {
    const item = {
      key: crypto.randomUUID(),
      user: user,
      url: form.dataset.queueUrl,
      body: bodyOf(form),
      number: form.dataset.orderNumber,
      page: form.dataset.orderPage,
      label: form.dataset.queueLabel,
      queuedAt: new Date().toISOString(),
      state: "waiting",
    };
    await inStore("readwrite", (store) => asPromise(store.add(item)));
    return item;
  }

  document.querySelectorAll("form[data-queue-url]").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      if (navigator.onLine) return; // online: the page's own form, answered by the server
      event.preventDefault();
      const item = await queue(form);
      form.querySelectorAll("button").forEach((button) => (button.disabled = true));
      const details = form.closest("details");
      if (details) details.open = false;
      const note = document.createElement("p");
      note.className = "message queued-note";
      note.setAttribute("role", "status");
      note.textContent = fill(said.queued, { action: item.label, number: item.number });
      (details || form).after(note);
      changed();
    });
  });

  // --- The panel -----------------------------------------------------------------------------

  function stateText(item) {
    if (item.state === "refused") return fill(said.stateRefused, { reason: item.reason || "" });
    return said["state" + item.state[0].toUpperCase() + item.state.slice(1)] || item.state;
  }

  async function render() {
    const panel = document.getElementById("offline-queue");
    if (!panel) return;
    const items = await mine();
    const list = panel.querySelector("ul");
    list.replaceChildren(
      ...items.map((item) => {
        const row = document.createElement("li");
        row.dataset.state = item.state;
        row.dataset.key = item.key;
        const what = document.createElement("strong");
        what.textContent = item.label;
        const order = document.createElement("a");
        order.href = item.page;
        order.textContent = item.number;
        const when = document.createElement("span");
        when.className = "muted";
        when.textContent = fill(said.queuedAt, { time: formatTime(item.queuedAt) });
        const state = document.createElement("span");
        state.className = "queue-state";
        state.textContent = stateText(item);
        row.append(what, " · ", order, " · ", when, document.createElement("br"), state);
        return row;
      })
    );
    panel.hidden = items.length === 0;
  }

  /* Signing out (register.js): what is finished is forgotten; what waits stays, this vendor's,
     sent when they sign in again. */
  async function forgetFinished(olderThan) {
    const limit = Date.now() - (olderThan || 0);
    await inStore("readwrite", async (store) => {
      for (const item of await asPromise(store.getAll())) {
        if ((item.state === "done" || item.state === "refused") && item.finishedAt <= limit) {
          await asPromise(store.delete(item.key));
        }
      }
    });
  }
  window.pasarOfflineQueue = { forgetFinished: forgetFinished };

  if (tabs) tabs.onmessage = () => render();
  window.addEventListener("online", flush);
  forgetFinished(FINISHED_KEPT)
    .then(render)
    .then(flush)
    .catch(() => {});
})();
