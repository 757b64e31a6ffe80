/* audioguide audio guide page: next stop, stops one after another, direct links to stops,
   transcripts that follow playback, placards to print, a keypad for the numbers on placards,
   the stop the listener is near (only when asked, and the position never leaves the page),
   resuming where they left off, speed, large text and theme (remembered on this device), and
   offline use through sw.js.
   No dependencies and no network beyond the guide's own files; works from file:// too. */
(function () {
  "use strict";

  var STORAGE_KEY = "audioguide:play-stops-in-order";
  var SPEED_KEY = "audioguide:speed";
  var THEME_KEY = "audioguide:theme";
  var LARGE_KEY = "audioguide:large-text";
  var stops = Array.prototype.slice.call(document.querySelectorAll("article.stop"));
  var list = document.querySelector(".stop-list");
  var toggle = document.getElementById("play-in-order");
  var nowPlaying = document.getElementById("now-playing");
  var offlineStatus = document.getElementById("offline-status");
  var printButton = document.getElementById("print-placards");
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var focusOnHashChange = true;

  /* ---- Language: the listener's choice, remembered for every language of this guide -------- */

  var languages = document.getElementById("languages");
  if (languages) {
    var LANGUAGE_KEY = "audioguide:language:" + languages.getAttribute("data-guide");
    var chosen = read(LANGUAGE_KEY);
    var own = document.documentElement.getAttribute("lang");
    var choice = chosen && chosen !== own ? languages.querySelector('a[data-lang="' + chosen.replace(/[^\w-]/g, "") + '"]') : null;
    /* Whether the language of ``link`` has the stop this page was opened at (or none was asked):
       the languages of a guide may have different stops. */
    var hasStop = function (link) {
      var anchor = window.location.hash.slice(1);
      return !anchor || (" " + (link.getAttribute("data-anchors") || "") + " ").indexOf(" " + anchor + " ") >= 0;
    };
    if (choice && hasStop(choice)) {  // opened in another language (a QR code, a link): go to the chosen one, same stop
      window.location.replace(choice.href.split("#")[0] + window.location.hash);
      return;
    }
    languages.addEventListener("click", function (event) {
      var link = event.target && event.target.closest ? event.target.closest("a[data-lang]") : null;
      if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
      write(LANGUAGE_KEY, link.getAttribute("data-lang"));
      event.preventDefault();
      window.location.assign(link.href.split("#")[0] + (hasStop(link) ? window.location.hash : ""));
    });
  }

  /* What this script says, in the page's language (the page's JSON "guide-words"), with the
     braces filled in: say("near", { stop: "stop 3: The Gate" }). */
  var WORDS = {};
  try { WORDS = JSON.parse((document.getElementById("guide-words") || {}).textContent || "{}"); } catch (e) { /* English */ }
  function words(key, values) {
    var text = typeof WORDS[key] === "string" ? WORDS[key] : key;
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return values && values[name] !== undefined ? String(values[name]) : all;
    });
  }
  /* A stop as the messages name it: "stop 3: The Gate" (data-said), or "stop 3" (data-short). */
  function saidOf(stop) { return stop.getAttribute("data-said") || titleOf(stop); }
  function shortOf(stop) { return stop.getAttribute("data-short") || titleOf(stop); }

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

  function read(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function write(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* storage blocked */ }
  }
  function readSetting() { return read(STORAGE_KEY); }
  function writeSetting(value) { write(STORAGE_KEY, value); }
  if (toggle) {
    var saved = readSetting();
    if (saved === "off") { toggle.checked = false; }
    if (saved === "on") { toggle.checked = true; }
    toggle.addEventListener("change", function () { writeSetting(toggle.checked ? "on" : "off"); });
  }
  function playInOrder() { return !toggle || toggle.checked; }

  /* ---- Current stop: highlight, scroll, play --------------------------------------------- */

  function highlight(index) {
    var current = stops[index] ? stops[index].id : "";
    Array.prototype.forEach.call(document.querySelectorAll(".route-marker"), function (marker) {
      marker.classList.toggle("is-current", marker.getAttribute("data-stop") === current);
    });
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
      announce(words("nowPlaying", { stop: saidOf(stop) }));
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

  /* ---- Comfort: speed, theme and large text, remembered on this device --------------------- */

  var comfort = document.getElementById("comfort");
  var speedSelect = document.getElementById("speed");
  var themeSelect = document.getElementById("theme");
  var largeText = document.getElementById("large-text");
  var root = document.documentElement;

  function speed() {
    var value = speedSelect ? parseFloat(speedSelect.value) : 1;
    return value > 0 ? value : 1;
  }
  function applySpeed() {
    var rate = speed();
    stops.forEach(function (stop) {
      var audio = audioOf(stop);
      if (audio) { audio.defaultPlaybackRate = rate; audio.playbackRate = rate; }
    });
  }
  function applyTheme(value) {
    if (value === "light" || value === "dark") { root.setAttribute("data-theme", value); }
    else { root.removeAttribute("data-theme"); }
  }
  function pick(select, value) {
    if (!select || value === null) { return; }
    for (var i = 0; i < select.options.length; i += 1) {
      if (select.options[i].value === value) { select.value = value; return; }
    }
  }
  if (comfort) { comfort.hidden = false; }
  pick(speedSelect, read(SPEED_KEY));
  pick(themeSelect, read(THEME_KEY));
  applySpeed();
  applyTheme(themeSelect ? themeSelect.value : "auto");
  if (largeText) {
    largeText.checked = read(LARGE_KEY) === "on";
    root.classList.toggle("large-text", largeText.checked);
    largeText.addEventListener("change", function () {
      root.classList.toggle("large-text", largeText.checked);
      write(LARGE_KEY, largeText.checked ? "on" : "off");
    });
  }
  if (speedSelect) {
    speedSelect.addEventListener("change", function () { applySpeed(); write(SPEED_KEY, speedSelect.value); });
  }
  if (themeSelect) {
    themeSelect.addEventListener("change", function () { applyTheme(themeSelect.value); write(THEME_KEY, themeSelect.value); });
  }
  // A player that loads a new source goes back to its default rate: keep the chosen one.
  document.addEventListener("loadedmetadata", function (event) {
    if (event.target && event.target.tagName === "AUDIO") { event.target.playbackRate = speed(); }
  }, true);

  /* ---- Resume: the last stop played and where in it ---------------------------------------- */

  var guideSlug = list ? list.getAttribute("data-guide") : "";
  var RESUME_KEY = "audioguide:resume:" + guideSlug;
  var resumeBox = document.getElementById("resume");
  var resumeButton = document.getElementById("resume-button");
  var lastSaved = 0;

  function clockText(seconds) {
    var s = Math.floor(seconds);
    var m = Math.floor(s / 60);
    return m + ":" + (s % 60 < 10 ? "0" : "") + (s % 60);
  }
  function savePosition(audio, force) {
    var index = indexOfAudio(audio);
    if (index < 0) { return; }
    var now = Date.now();
    if (!force && now - lastSaved < 1000) { return; }
    lastSaved = now;
    var ended = audio.ended || (audio.duration && audio.currentTime >= audio.duration - 0.5);
    write(RESUME_KEY, JSON.stringify({ stop: stops[index].id, time: ended ? 0 : audio.currentTime, ended: !!ended }));
  }
  ["timeupdate", "pause", "ended"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (event.target && event.target.tagName === "AUDIO") { savePosition(event.target, name !== "timeupdate"); }
    }, true);
  });
  function savedPosition() {
    try {
      var data = JSON.parse(read(RESUME_KEY) || "null");
      if (!data || typeof data.stop !== "string") { return null; }
      var index = indexOfHash("#" + data.stop);
      if (index < 0) { return null; }
      if (data.ended) {  // finished: offer the next stop from its start
        if (index + 1 >= stops.length) { return null; }
        return { index: index + 1, time: 0 };
      }
      return { index: index, time: Math.max(0, Number(data.time) || 0) };
    } catch (e) { return null; }
  }
  /* Play stop ``index`` from ``seconds`` in (its player may not have loaded yet). */
  function playFrom(index, seconds) {
    var audio = audioOf(stops[index]);
    if (!audio) { return; }
    function seek() { if (seconds > 0) { audio.currentTime = seconds; } }
    if (audio.readyState >= 1) { seek(); } else { audio.addEventListener("loadedmetadata", seek, { once: true }); }
    goTo(index, { focus: true, play: true, push: true });
  }
  var resumeAt = savedPosition();
  if (resumeAt && resumeBox && resumeButton) {
    resumeButton.textContent = resumeAt.time >= 1
      ? words("continueAt", { stop: saidOf(stops[resumeAt.index]), time: clockText(resumeAt.time) })
      : words("continue", { stop: saidOf(stops[resumeAt.index]) });
    resumeBox.hidden = false;
    resumeButton.addEventListener("click", function () {
      var at = savedPosition() || resumeAt;
      resumeBox.hidden = true;
      playFrom(at.index, at.time);
    });
  }

  /* ---- Keypad: type the number on a placard ------------------------------------------------ */

  var keypad = document.getElementById("keypad");
  var keypadForm = document.getElementById("keypad-form");
  var keypadInput = document.getElementById("keypad-input");
  var keypadStatus = document.getElementById("keypad-status");
  var numbered = stops.filter(function (stop) { return stop.getAttribute("data-number"); });

  function say(text) {
    if (!keypadStatus) { return; }
    keypadStatus.textContent = "";
    window.setTimeout(function () { keypadStatus.textContent = text; }, 30);
  }
  function indexOfNumber(number) {
    for (var i = 0; i < stops.length; i += 1) {
      if (stops[i].getAttribute("data-number") === String(number)) { return i; }
    }
    return -1;
  }
  function playTyped() {
    var typed = (keypadInput.value || "").replace(/\s+/g, "");
    if (!typed) { say(words("typeFirst")); return; }
    var first = numbered.length ? numbered[0].getAttribute("data-number") : "";
    var last = numbered.length ? numbered[numbered.length - 1].getAttribute("data-number") : "";
    var range = numbered.length > 1 ? words("range", { first: first, last: last })
      : numbered.length === 1 ? words("only", { first: first }) : "";
    if (!/^\d+$/.test(typed)) { say(words("notNumber", { typed: typed }) + " " + range); return; }
    var index = indexOfNumber(parseInt(typed, 10));
    if (index < 0) { say(words("noStop", { number: parseInt(typed, 10) }) + " " + range); return; }
    keypadInput.value = "";
    say(words("playing", { stop: saidOf(stops[index]) }));
    goTo(index, { focus: false, play: true, push: true });
  }
  if (keypad && keypadForm && keypadInput && numbered.length) {
    keypad.hidden = false;
    keypadForm.addEventListener("submit", function (event) { event.preventDefault(); playTyped(); });
    keypadInput.addEventListener("input", function () {
      var digits = keypadInput.value.replace(/\D+/g, "");
      if (digits !== keypadInput.value) { keypadInput.value = digits; }
    });
    keypadForm.addEventListener("click", function (event) {
      var key = event.target && event.target.closest ? event.target.closest("[data-key]") : null;
      if (!key) { return; }
      var value = key.getAttribute("data-key");
      if (value === "play") { playTyped(); return; }
      if (value === "back") { keypadInput.value = keypadInput.value.slice(0, -1); }
      else if (keypadInput.value.length < 3) { keypadInput.value += value; }
      say(keypadInput.value ? words("typed", { digits: keypadInput.value.split("").join(" ") }) : words("cleared"));
    });
  }

  /* ---- Near a stop: only when asked, and the position stays on this device ---------------- */

  var nearby = document.getElementById("nearby");
  var nearToggle = document.getElementById("near-toggle");
  var nearStatus = document.getElementById("near-status");
  var nearOffer = document.getElementById("near-offer");
  var nearText = document.getElementById("near-text");
  var nearPlay = document.getElementById("near-play");
  var nearDismiss = document.getElementById("near-dismiss");
  var located = stops.filter(function (stop) { return stop.hasAttribute("data-lat"); });
  var watchId = null;
  var offered = -1;
  var dismissed = -1;
  var positions = 0;
  /* Readings jitter by a few metres, and the first one may come from a cell tower: the offer
     must not flap between two stops, nor come back at every step at a radius' edge, nor come
     from a position known to within kilometres. So a reading less precise than ROUGH times a
     stop's radius says nothing about that stop; the stop offered is kept until another is
     nearer by SWITCH of its radius; an offer put away ("Not now", or played) stays away, and the
     stop offered stays offered, until the listener is LEAVE times its radius from it. */
  var ROUGH = 2;
  var SWITCH = 0.25;
  var LEAVE = 1.5;

  /* The status line is a live region: the same words written again are read out again. */
  function setNear(text) { if (nearStatus && nearStatus.textContent !== text) { nearStatus.textContent = text; } }
  /* Metres between two points on the WGS 84 sphere (haversine). */
  function metres(lat1, lon1, lat2, lon2) {
    var rad = Math.PI / 180;
    var a = Math.sin((lat2 - lat1) * rad / 2);
    var b = Math.sin((lon2 - lon1) * rad / 2);
    var h = a * a + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * b * b;
    return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
  }
  /* Each located stop's index, distance from the reading, radius, and whether the reading is
     precise enough to tell if the listener is there. */
  function distances(coords) {
    var accuracy = typeof coords.accuracy === "number" && isFinite(coords.accuracy) ? coords.accuracy : 0;
    return located.map(function (stop) {
      var radius = parseFloat(stop.getAttribute("data-radius")) || 0;
      return { index: stops.indexOf(stop), radius: radius, precise: accuracy <= ROUGH * radius,
               d: metres(coords.latitude, coords.longitude,
                         parseFloat(stop.getAttribute("data-lat")), parseFloat(stop.getAttribute("data-lon"))) };
    });
  }
  function entryOf(found, index) {
    for (var i = 0; i < found.length; i++) { if (found[i].index === index) { return found[i]; } }
    return null;
  }
  /* The stop to offer: the nearest whose radius the listener is in, unless the one offered (or
     put away) is still near and the other is not clearly nearer. */
  function nearest(found) {
    var best = null;
    found.forEach(function (e) {
      if (e.precise && e.d <= e.radius && (best === null || e.d < best.d)) { best = e; }
    });
    var kept = entryOf(found, offered >= 0 ? offered : dismissed);
    if (kept && kept.d <= LEAVE * kept.radius && (best === null || best.d > kept.d - SWITCH * kept.radius)) {
      return kept.index;
    }
    return best === null ? -1 : best.index;
  }
  function hideOffer() {
    if (nearOffer) { nearOffer.hidden = true; }
    offered = -1;
  }
  function playing(index) {
    var audio = audioOf(stops[index]);
    return audio && !audio.paused;
  }
  function onPosition(position) {
    positions += 1;
    if (nearby) { nearby.setAttribute("data-positions", String(positions)); }  // fixes received
    var found = distances(position.coords);
    if (!found.some(function (e) { return e.precise; })) { return; }  // too rough to say anything
    var away = entryOf(found, dismissed);
    if (away && away.precise && away.d > LEAVE * away.radius) { dismissed = -1; }  // well away: forgotten
    var index = nearest(found);
    if (index < 0) {
      hideOffer();
      setNear(dismissed < 0 ? words("watching") : "");  // still by the stop put away: nothing new
      return;
    }
    setNear("");  // a fix: no "no signal"
    if (index === dismissed || playing(index)) { hideOffer(); return; }
    if (index === offered) { return; }
    offered = index;
    if (nearText) { nearText.textContent = words("near", { stop: saidOf(stops[index]) }); }
    if (nearPlay) { nearPlay.textContent = words("playShort", { stop: shortOf(stops[index]) }); }
    if (nearOffer) { nearOffer.hidden = false; }
  }
  function onPositionError(error) {
    if (error && error.code === 1) {  // PERMISSION_DENIED: stop asking, quietly
      stopWatching();
      setNear(words("notShared"));
    } else {
      setNear(words("noSignal"));
    }
  }
  function stopWatching() {
    if (watchId !== null) { navigator.geolocation.clearWatch(watchId); }
    watchId = null;
    hideOffer();
    if (nearToggle) {
      nearToggle.setAttribute("aria-pressed", "false");
      nearToggle.textContent = words("offer");
    }
  }
  if (nearby && nearToggle && located.length && navigator.geolocation) {
    nearby.hidden = false;
    nearToggle.addEventListener("click", function () {
      if (watchId !== null) { stopWatching(); setNear(""); return; }
      nearToggle.setAttribute("aria-pressed", "true");
      nearToggle.textContent = words("stopOffering");
      setNear(words("looking"));
      try {
        watchId = navigator.geolocation.watchPosition(onPosition, onPositionError,
          { enableHighAccuracy: true, maximumAge: 10000, timeout: 30000 });
      } catch (e) { onPositionError(null); }
    });
    if (nearPlay) {
      nearPlay.addEventListener("click", function () {
        var index = offered;
        if (index < 0) { return; }
        dismissed = index;
        hideOffer();
        goTo(index, { focus: true, play: true, push: true });
      });
    }
    if (nearDismiss) {
      nearDismiss.addEventListener("click", function () { dismissed = offered; hideOffer(); });
    }
  }

  /* ---- Placards ---------------------------------------------------------------------------- */

  if (printButton && typeof window.print === "function") {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }

  /* ---- Offline: the service worker keeps every stop on this device ---------------------- */

  var SAVED = words("saved");
  /* This page came from the version saved before; the new one is now saved. Reloading is the
     listener's choice: it would stop a stop being played. */
  var UPDATED = words("updated");

  function setOffline(text) { if (offlineStatus) { offlineStatus.textContent = text; } }

  if ("serviceWorker" in navigator && /^https?:$/.test(window.location.protocol)) {
    var older = !!navigator.serviceWorker.controller;  // a version saved on an earlier visit serves this page
    navigator.serviceWorker.register("sw.js").then(function (registration) {
      var followed = null;
      var follow = function (worker) {
        if (!worker || worker === followed) { return; }
        followed = worker;
        setOffline(older ? words("savingNew") : words("saving"));
        worker.addEventListener("statechange", function () {
          if (worker.state === "activated") {
            setOffline(older ? UPDATED : SAVED);
          } else if (worker.state === "redundant" && !registration.active) {
            setOffline(words("notSaved"));
          }
        });
      };
      registration.addEventListener("updatefound", function () { follow(registration.installing); });
      var worker = registration.installing || registration.waiting;
      if (worker) {
        follow(worker);
      } else if (registration.active) {
        setOffline(SAVED);
      }
    }).catch(function () {
      // No connection to check for a newer version: the saved one still works.
      setOffline(navigator.serviceWorker.controller
        ? SAVED : "");
    });
  }
})();
