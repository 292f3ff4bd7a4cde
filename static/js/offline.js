// Stamp as an app: the service worker that keeps the pages needed offline.
(function () {
  "use strict";

  const worker = document.body.dataset.serviceWorker;
  if (worker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(worker, { scope: "/" }).catch(function () {});
  }
})();
