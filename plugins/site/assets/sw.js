/* Offline reading: the agenda, every talk page and this site's assets are cached on the first
   visit; pages come from the network when it answers within a few seconds, from the cache when
   it does not (venue Wi-Fi). Only this site's own requests are handled. */
var VERSION = __CG_VERSION__;
var PRECACHE = __CG_PRECACHE__;
var CACHE = "confgen-" + VERSION;
var NETWORK_WAIT_MS = 3500;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // One failing page must not keep the others out of the cache.
    return Promise.all(PRECACHE.map(function (path) {
      return cache.add(new Request(new URL(path, self.registration.scope), { cache: "reload" })).catch(function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key.indexOf("confgen-") === 0 && key !== CACHE; })
      .map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

function fromNetwork(request, cache) {
  return fetch(request).then(function (response) {
    if (response.ok && response.type === "basic") cache.put(request, response.clone());
    return response;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(caches.open(CACHE).then(function (cache) {
    if (request.mode === "navigate") {
      var network = fromNetwork(request, cache);
      var timeout = new Promise(function (resolve) { setTimeout(resolve, NETWORK_WAIT_MS); });
      return Promise.race([network.catch(function () {}), timeout]).then(function (response) {
        return response || cache.match(request, { ignoreSearch: true }).then(function (cached) {
          return cached || network;
        });
      });
    }
    // Pagefind asks for its entry file with a new ?ts= each time, to get past HTTP caches: offline,
    // the copy precached (or last fetched) is the one to give.
    var entry = /\/pagefind\/pagefind-entry\.json$/.test(new URL(request.url).pathname);
    return cache.match(request, { ignoreSearch: entry }).then(function (cached) {
      var network = fromNetwork(request, cache);
      if (cached) { network.catch(function () {}); return cached; }
      return network;
    });
  }));
});
