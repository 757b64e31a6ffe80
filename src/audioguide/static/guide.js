/* audioguide audio guide page: next stop, stops one after another, direct links to stops,
   transcripts that follow playback, placards to print, and offline use through sw.js.
   No dependencies and no network beyond the guide's own files; works from file:// too. */
(function () {
  "use strict";

  var STORAGE_KEY = "audioguide:play-stops-in-order";
  var stops = Array.prototype.slice.call(document.querySelectorAll("article.stop"));
  var list = document.querySelector(".stop-list");
  var toggle = document.getElementById("play-in-order");
  var nowPlaying = document.getElementById("now-playing");
  var offlineStatus = document.getElementById("offline-status");
  var printButton = document.getElementById("print-placards");
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var focusOnHashChange = true;

  // The current stop is marked by this script from here on, not by :target alone.
  document.documentElement.classList.add("guide-js");

  function audioOf(stop) { return stop ? stop.querySelector("audio") : null; }
  function titleOf(stop) {
    var heading = stop.querySelector("h2");
    return heading ? heading.textContent.replace(/\s+/g, " ").trim() : stop.id;
  }
  function indexOfHash(hash) {
    if (!/^#stop-\d+$/.test(hash || "")) { return -1; }
    for (var i = 0; i < stops.length; i += 1) {
      if ("#" + stops[i].id === hash) { return i; }
    }
    return -1;
  }
  function indexOfAudio(audio) {
    for (var i = 0; i < stops.length; i += 1) {
      if (audioOf(stops[i]) === audio) { return i; }
    }
    return -1;
  }
  function announce(text) {
    if (!nowPlaying) { return; }
    nowPlaying.textContent = "";
    window.setTimeout(function () { nowPlaying.textContent = text; }, 30);
  }

  /* ---- The remembered "play stops one after another" toggle ----------------------------- */

  function readSetting() {
    try { return window.localStorage.getItem(STORAGE_KEY); } catch (e) { return null; }
  }
  function writeSetting(value) {
    try { window.localStorage.setItem(STORAGE_KEY, value); } catch (e) { /* storage blocked */ }
  }
  if (toggle) {
    var saved = readSetting();
    if (saved === "off") { toggle.checked = false; }
    if (saved === "on") { toggle.checked = true; }
    toggle.addEventListener("change", function () { writeSetting(toggle.checked ? "on" : "off"); });
  }
  function playInOrder() { return !toggle || toggle.checked; }

  /* ---- Current stop: highlight, scroll, play --------------------------------------------- */

  function highlight(index) {
    stops.forEach(function (stop, i) {
      if (i === index) {
        stop.classList.add("is-current");
        stop.setAttribute("aria-current", "step");
      } else {
        stop.classList.remove("is-current");
        stop.removeAttribute("aria-current");
      }
    });
  }

  function play(audio) {
    var promise = audio.play();
    if (promise && typeof promise.catch === "function") { promise.catch(function () {}); }
  }

  /* Make stop ``index`` the current one: its address, highlight, scroll position and
     (optionally) focus and playback. Playback starts right away so that a click still counts as
     the gesture that allows it. ``options.push`` adds a history entry (Back returns to the
     stop before); otherwise the address is replaced. */
  function goTo(index, options) {
    var stop = stops[index];
    if (!stop) { return; }
    var hash = "#" + stop.id;
    highlight(index);
    if (window.location.hash !== hash) {
      try {
        window.history[options.push ? "pushState" : "replaceState"](null, "", hash);
      } catch (e) {
        focusOnHashChange = false; // handled here
        window.location.hash = hash;
      }
    }
    stop.scrollIntoView({ block: "start", behavior: reducedMotion ? "auto" : "smooth" });
    if (options.focus) { stop.focus({ preventScroll: true }); }
    if (options.play) {
      var audio = audioOf(stop);
      if (audio) {
        if (audio.readyState >= 1 && audio.duration && audio.currentTime >= audio.duration - 0.25) {
          audio.currentTime = 0;
        }
        play(audio);
      }
      announce("Now playing " + titleOf(stop).replace(/^Stop /, "stop "));
    }
  }

  function fromHash(focus) {
    var index = indexOfHash(window.location.hash);
    if (index < 0) { return; }
    highlight(index);
    if (focus) { stops[index].focus({ preventScroll: true }); }
  }

  // Links to a stop ("Link to this stop", Back and Forward): mark it and move focus there.
  window.addEventListener("hashchange", function () {
    fromHash(focusOnHashChange);
    focusOnHashChange = true;
  });
  // Opened at a stop (a QR code, a shared link): the browser has scrolled there already.
  fromHash(true);

  /* "Next stop": go there and play. Without this script it is still a link to the stop. */
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest("a.next-stop") : null;
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    var index = indexOfHash("#" + link.getAttribute("data-next"));
    if (index < 0) { return; }
    event.preventDefault();
    goTo(index, { focus: true, play: true, push: true });
  });

  /* ---- One stop at a time, then the next one -------------------------------------------- */

  document.addEventListener("play", function (event) {
    var started = event.target;
    Array.prototype.forEach.call(document.querySelectorAll("audio"), function (audio) {
      if (audio !== started && !audio.paused) { audio.pause(); }
    });
    var index = indexOfAudio(started);
    if (index >= 0) {
      if (!stops[index].classList.contains("is-current")) {
        highlight(index);
        // Remember the stop in the address (for reloads and sharing) without scrolling to it.
        try { window.history.replaceState(window.history.state, "", "#" + stops[index].id); } catch (e) { /* file:// in some browsers */ }
      }
      updateMediaSession(index);
    }
  }, true);

  document.addEventListener("ended", function (event) {
    var index = indexOfAudio(event.target);
    if (index < 0 || !playInOrder() || index + 1 >= stops.length) { return; }
    goTo(index + 1, { focus: false, play: true });
  }, true);

  /* ---- Lock screen and headset controls --------------------------------------------------- */

  function updateMediaSession(index) {
    if (!("mediaSession" in navigator) || typeof window.MediaMetadata !== "function") { return; }
    try {
      var cover = list ? list.getAttribute("data-cover") : "";
      navigator.mediaSession.metadata = new window.MediaMetadata({
        title: titleOf(stops[index]),
        album: list ? list.getAttribute("data-guide-title") : "",
        artwork: cover ? [{ src: new URL(cover, document.baseURI).href }] : []
      });
      navigator.mediaSession.setActionHandler("nexttrack", index + 1 < stops.length ? function () {
        goTo(index + 1, { focus: false, play: true });
      } : null);
      navigator.mediaSession.setActionHandler("previoustrack", index > 0 ? function () {
        goTo(index - 1, { focus: false, play: true });
      } : null);
    } catch (e) { /* an older browser without these actions */ }
  }

  /* ---- Transcripts: seek by sentence, follow playback ------------------------------------ */

  function cuesOf(stop) {
    var cues = Array.prototype.slice.call(stop.querySelectorAll(".cue[data-start]"));
    return { items: cues, starts: cues.map(function (c) { return parseFloat(c.getAttribute("data-start")) || 0; }), current: -1 };
  }

  stops.forEach(function (stop) {
    var audio = audioOf(stop);
    var cues = cuesOf(stop);
    if (!audio || !cues.items.length) { return; }
    function follow() {
      var t = audio.currentTime;
      var found = -1;
      for (var i = 0; i < cues.starts.length; i += 1) {
        if (cues.starts[i] <= t + 0.05) { found = i; } else { break; }
      }
      if (found === cues.current) { return; }
      if (cues.current >= 0) { cues.items[cues.current].removeAttribute("aria-current"); }
      if (found >= 0) { cues.items[found].setAttribute("aria-current", "true"); }
      cues.current = found;
    }
    ["timeupdate", "seeked", "loadedmetadata"].forEach(function (name) { audio.addEventListener(name, follow); });
    stop.addEventListener("click", function (event) {
      var target = event.target && event.target.closest ? event.target.closest("[data-start]") : null;
      if (!target || !stop.contains(target)) { return; }
      if (target.tagName !== "BUTTON" && String(window.getSelection ? window.getSelection() : "")) { return; }
      var seconds = parseFloat(target.getAttribute("data-start")) || 0;
      function go() { audio.currentTime = seconds; play(audio); }
      if (audio.readyState >= 1) { go(); return; }
      audio.addEventListener("loadedmetadata", go, { once: true });
      audio.preload = "metadata";
      audio.load();
    });
  });

  /* ---- Placards ---------------------------------------------------------------------------- */

  if (printButton && typeof window.print === "function") {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }

  /* ---- Offline: the service worker keeps every stop on this device ---------------------- */

  var SAVED = "Saved on this device: the guide also works without a connection.";

  function setOffline(text) { if (offlineStatus) { offlineStatus.textContent = text; } }

  if ("serviceWorker" in navigator && /^https?:$/.test(window.location.protocol)) {
    navigator.serviceWorker.register("sw.js").then(function (registration) {
      var worker = registration.installing || registration.waiting;
      if (!worker) {
        if (registration.active) { setOffline(SAVED); }
        return;
      }
      setOffline("Saving the guide on this device for offline use\u2026");
      worker.addEventListener("statechange", function () {
        if (worker.state === "activated") {
          setOffline(SAVED);
        } else if (worker.state === "redundant" && !registration.active) {
          setOffline("Could not save the guide for offline use.");
        }
      });
    }).catch(function () {
      // No connection to check for a newer version: the saved one still works.
      setOffline(navigator.serviceWorker.controller
        ? SAVED : "");
    });
  }
})();
