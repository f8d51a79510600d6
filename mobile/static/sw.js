// The service worker of the mobile app (scope /m/): keeps the app shell and the technician's
// tickets for use without signal, and shows push notifications.
//
// Pages: network first, and the saved copy when the network fails or is too slow, so a technician
// in a basement gets the last known state. Scripts and styles: the saved copy, refreshed in the
// background. Photos: saved on first view, since their content never changes.

const VERSION = "2";
const SHELL_CACHE = `domovoy-m-shell-${VERSION}`;
const PAGES_CACHE = "domovoy-m-pages";
const NETWORK_TIMEOUT_MS = 4000; // after this a saved page is shown while the network keeps trying
const SHELL = [
  "/m/offline",
  "/m/static/app.css",
  "/m/static/app.js",
  "/m/static/outbox.js",
  "/m/static/sender.js",
  "/m/static/photos.js",
  "/m/static/push.js",
  "/m/static/queue-page.js",
  "/m/static/ticket-page.js",
  "/m/static/manifest.webmanifest",
  "/m/static/icon.svg",
  "/static/live.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("domovoy-m-shell-") && name !== SHELL_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function isSavable(response) {
  return response && response.ok && !response.redirected && response.type === "basic";
}

async function save(request, response) {
  if (!isSavable(response)) return;
  const cache = await caches.open(PAGES_CACHE);
  await cache.put(request, response);
}

function withTimeout(promise, milliseconds) {
  return Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve(null), milliseconds))]);
}

async function networkFirst(request, fallbackUrl) {
  const network = fetch(request).then(async (response) => {
    await save(request, response.clone());
    return response;
  });
  network.catch(() => {}); // a failed request falls back to the cache below
  const response = await withTimeout(network.catch(() => null), NETWORK_TIMEOUT_MS);
  if (response) return response;
  const saved = await caches.match(request, { ignoreVary: true });
  if (saved) return saved;
  const late = await network.catch(() => null);
  if (late) return late;
  return (fallbackUrl && (await caches.match(fallbackUrl))) || Response.error();
}

async function savedFirst(request, cacheName) {
  const saved = await caches.match(request);
  const refresh = fetch(request).then(async (response) => {
    if (isSavable(response)) await (await caches.open(cacheName)).put(request, response.clone());
    return response;
  });
  if (saved) {
    refresh.catch(() => {});
    return saved;
  }
  return refresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/v1/attachments/")) {
    event.respondWith(savedFirst(request, PAGES_CACHE));
  } else if (request.mode === "navigate" && url.pathname.startsWith("/m/")) {
    event.respondWith(networkFirst(request, "/m/offline"));
  } else if (url.pathname === "/m/queue") {
    event.respondWith(networkFirst(request, null));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(savedFirst(request, SHELL_CACHE));
  }
});

async function savePages(urls) {
  const cache = await caches.open(PAGES_CACHE);
  let saved = 0;
  for (const url of urls) {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (isSavable(response)) {
        await cache.put(url, response);
        saved += 1;
      }
    } catch {
      // Offline: the copy saved earlier stays.
    }
  }
  return saved;
}

self.addEventListener("message", (event) => {
  const message = event.data || {};
  const reply = (data) => event.ports[0] && event.ports[0].postMessage(data);
  if (message.type === "cache-pages") {
    event.waitUntil(savePages(message.urls || []).then((saved) => reply({ saved })));
  } else if (message.type === "forget") {
    event.waitUntil(caches.delete(PAGES_CACHE).then(() => reply({ forgotten: true })));
  }
});

self.addEventListener("push", (event) => {
  const message = event.data ? event.data.json() : {};
  event.waitUntil(self.registration.showNotification(message.title || "", {
    body: message.body || "",
    tag: message.tag,
    renotify: Boolean(message.tag),
    data: { url: message.url || "/m/" },
    icon: "/m/static/icon-192.png",
    badge: "/m/static/icon-192.png",
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data.url, self.location.origin).href;
  event.waitUntil((async () => {
    for (const client of await self.clients.matchAll({ type: "window", includeUncontrolled: true })) {
      if (client.url === target && "focus" in client) return client.focus();
    }
    return self.clients.openWindow(target);
  })());
});
