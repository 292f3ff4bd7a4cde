// Stamp's service worker, served at /sw.js by decks.views.app, which writes self.STAMP in
// front of this file: the static URLs to keep, the offline page and a version that changes
// with every deploy. Online, every request goes to the network as before; the worker only
// answers from what it kept when the network fails. Nothing a student studies is cached
// here except the pictures and sounds of a study pack (see offline.js), which logging out
// deletes.
/* global self, caches, clients */
"use strict";

const SHELL = "stamp-shell-" + self.STAMP.version;
const PAGES = "stamp-pages";
const MEDIA = "stamp-media";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (cache) {
      // One by one: a file that fails on a bad connection is fetched again next time, and
      // does not keep the worker from installing.
      return Promise.all(self.STAMP.shell.concat([self.STAMP.offlinePage]).map(function (url) {
        return cache.add(url).catch(function () { return null; });
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("stamp-shell-") === 0 && name !== SHELL;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function fromCache(request, cacheName) {
  return caches.open(cacheName).then(function (cache) { return cache.match(request, { ignoreVary: true }); });
}

function offlinePage() {
  // The copy the study page last refreshed (in the language the student uses now), else
  // the one kept at install.
  return fromCache(self.STAMP.offlinePage, PAGES).then(function (page) {
    return page || caches.match(self.STAMP.offlinePage, { ignoreVary: true });
  }).then(function (page) {
    return page || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
  });
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (/^\/media\/[0-9a-f]{64}\.[a-z0-9]{2,4}$/.test(url.pathname)) {
    // A picture or sound is named by its content: a kept copy is always right.
    event.respondWith(fromCache(request, MEDIA).then(function (kept) {
      return kept || fetch(request);
    }));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(offlinePage));
    return;
  }
  if (url.pathname.indexOf(self.STAMP.staticPrefix) === 0 || url.pathname === self.STAMP.offlinePage) {
    event.respondWith(fetch(request).catch(function (error) {
      return caches.match(request, { ignoreVary: true, ignoreSearch: true }).then(function (kept) {
        if (kept) return kept;
        throw error;
      });
    }));
  }
});

// A daily reminder (decks.services.reminders): its text and the deck to open.
self.addEventListener("push", function (event) {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "Stamp", {
    body: data.body || "",
    icon: self.STAMP.shell.find(function (url) { return url.indexOf("icon-192") !== -1; }),
    tag: "stamp-reminder",
    data: { url: data.url || "/" },
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  const url = new URL(event.notification.data.url, self.location.origin).href;
  event.waitUntil(self.clients.matchAll({ type: "window" }).then(function (windows) {
    for (const client of windows) {
      if (client.url === url && "focus" in client) return client.focus();
    }
    return self.clients.openWindow(url);
  }));
});
