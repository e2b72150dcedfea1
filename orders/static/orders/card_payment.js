/* The card payment page: Stripe's card Element, confirmed with stripe.confirmCardPayment; then
   the order is watched until Stripe's webhook has marked it paid. */
(function () {
  "use strict";
  const form = document.getElementById("card-payment");
  if (!form) return;
  const said = form.dataset;
  const message = document.getElementById("card-message");
  const status = document.getElementById("card-status");
  const button = document.getElementById("card-submit");

  function show(element, text) {
    element.textContent = text;
    element.hidden = !text;
  }

  if (typeof window.Stripe !== "function") {
    show(message, said.noStripe);
    button.disabled = true;
    return;
  }
  const stripe = window.Stripe(said.publishableKey);
  const card = stripe.elements().create("card");
  card.mount("#card-element");

  async function paidYet() {
    const answer = await fetch(said.orderApi, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    return answer.ok && (await answer.json()).status !== "invoiced";
  }

  async function watch() {
    for (let tries = 0; tries < 60; tries += 1) {
      if (await paidYet()) {
        show(status, said.paid);
        window.location.assign(said.orderPage);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    show(status, said.slow);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    show(message, "");
    const result = await stripe.confirmCardPayment(said.clientSecret, {
      payment_method: { card: card },
    });
    if (result.error) {
      show(message, said.failed + " " + (result.error.message || ""));
      button.disabled = false;
      return;
    }
    show(status, said.waiting);
    watch();
  });
})();
