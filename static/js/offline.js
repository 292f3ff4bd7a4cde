// Stamp as an app: the service worker that keeps the pages needed offline.
(function () {
  "use strict";

  const worker = document.body.dataset.serviceWorker;
  if (worker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(worker, { scope: "/" }).catch(function () {});
  }
})();

// Reminders as notifications: the account page's button asks the browser for a push
// subscription and hands it to the server, which sends through it once a day.
(function () {
  "use strict";

  const box = document.querySelector("[data-push]");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window)) return;
  box.hidden = false;
  const state = box.querySelector("[data-push-state]");
  const on = box.querySelector("[data-push-on]");
  const off = box.querySelector("[data-push-off]");
  const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];

  function text(name) { return box.querySelector("[data-push-text-" + name + "]").innerHTML; }
  function show(subscribed) {
    state.textContent = Notification.permission === "denied" ? text("denied") : text(subscribed ? "on" : "off");
    on.hidden = subscribed;
    off.hidden = !subscribed;
  }
  function key(base64) {
    const padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), function (c) { return c.charCodeAt(0); });
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    });
  }

  navigator.serviceWorker.ready.then(function (registration) {
    registration.pushManager.getSubscription().then(function (s) { show(Boolean(s)); });
    on.addEventListener("click", function () {
      registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: key(box.dataset.vapidKey),
      }).then(function (subscription) {
        return post(box.dataset.subscribeUrl, subscription.toJSON()).then(function () { show(true); });
      }).catch(function () { show(false); });
    });
    off.addEventListener("click", function () {
      registration.pushManager.getSubscription().then(function (subscription) {
        if (!subscription) return show(false);
        return post(box.dataset.unsubscribeUrl, { endpoint: subscription.endpoint })
          .then(function () { return subscription.unsubscribe(); })
          .then(function () { show(false); });
      });
    });
  });
})();
