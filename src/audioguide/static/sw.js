/* audioguide audio guide service worker: keeps one guide on the device for offline listening.

   The preamble written above this comment by audioguide sets self.AUDIOGUIDE_GUIDE:
     cacheName   this version's cache ("audioguide-guide:<slug>:<hash of the files>")
     cachePrefix the prefix shared by every version of this guide's cache
     precache    URLs relative to this script: the page, its CSS/JS, the manifest, the cover
                 and every stop's MP3.

   install   fetch every file into the new cache (bypassing the HTTP cache), then take over.
   activate  delete this guide's older caches (never other guides' caches), claim the pages.
   fetch     cache first for those files (the query string is ignored, and the folder URL is
             the page), the network otherwise. Audio elements ask for byte ranges: those are
             cut from the cached file and answered with 206 Partial Content, which media
             players need to start and seek without a connection. */

var GUIDE = self.AUDIOGUIDE_GUIDE || { cacheName: "audioguide-guide", cachePrefix: "audioguide-guide", precache: [] };
var SCOPE_URL = new URL("./", self.location.href).href;
var PAGE_URL = new URL("index.html", SCOPE_URL).href;
var PRECACHED = {};
GUIDE.precache.forEach(function (relative) { PRECACHED[new URL(relative, self.location.href).href] = true; });

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(GUIDE.cacheName).then(function (cache) {
      return cache.addAll(GUIDE.precache.map(function (relative) {
        return new Request(new URL(relative, self.location.href).href, { cache: "reload" });
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(GUIDE.cachePrefix) === 0 && name !== GUIDE.cacheName;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

/* The cache key of a request URL: without query or fragment; the folder itself is the page. */
function cacheKey(href) {
  var url = new URL(href);
  url.search = "";
  url.hash = "";
  var key = url.href;
  return key === SCOPE_URL ? PAGE_URL : key;
}

/* Parse a single "bytes=a-b", "bytes=a-" or "bytes=-n" range against a body of ``size`` bytes.
   Returns {start, end} (inclusive), "unsatisfiable", or null for a header we do not handle
   (several ranges, other units): then the whole body is sent. */
function parseRange(header, size) {
  var match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match || (match[1] === "" && match[2] === "")) { return null; }
  var start;
  var end;
  if (match[1] === "") {
    var suffix = parseInt(match[2], 10);
    if (suffix === 0) { return "unsatisfiable"; }
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = parseInt(match[1], 10);
    end = match[2] === "" ? size - 1 : Math.min(parseInt(match[2], 10), size - 1);
  }
  if (start >= size || start > end) { return "unsatisfiable"; }
  return { start: start, end: end };
}

function partial(cached, rangeHeader) {
  return cached.blob().then(function (body) {
    var size = body.size;
    var type = cached.headers.get("Content-Type") || "application/octet-stream";
    var range = parseRange(rangeHeader, size);
    if (range === null) {
      return new Response(body, { status: 200, statusText: "OK", headers: {
        "Content-Type": type, "Content-Length": String(size), "Accept-Ranges": "bytes" } });
    }
    if (range === "unsatisfiable") {
      return new Response(null, { status: 416, statusText: "Range Not Satisfiable", headers: {
        "Content-Range": "bytes */" + size, "Accept-Ranges": "bytes" } });
    }
    var slice = body.slice(range.start, range.end + 1, type);
    return new Response(slice, { status: 206, statusText: "Partial Content", headers: {
      "Content-Type": type,
      "Content-Length": String(slice.size),
      "Content-Range": "bytes " + range.start + "-" + range.end + "/" + size,
      "Accept-Ranges": "bytes"
    } });
  });
}

function respond(request, key) {
  return caches.open(GUIDE.cacheName).then(function (cache) {
    return cache.match(key, { ignoreVary: true });
  }).then(function (cached) {
    if (!cached) { return fetch(request); }
    var range = request.headers.get("Range");
    return range ? partial(cached, range) : cached;
  }).catch(function () {
    return fetch(request);
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var key;
  try { key = cacheKey(request.url); } catch (e) { return; }
  if (!PRECACHED[key]) { return; }
  event.respondWith(respond(request, key));
});
