/* audioguide podcast site: copy the feed address, play an episode's highlight, seek from
   chapters and the transcript, and follow playback. No dependencies and no network: works from any web server and from file://. */
(function () {
  "use strict";

  /* ---- Subscribe: copy the feed address ---------------------------------------------- */

  function announce(region, text) {
    if (!region) { return; }
    // Clear first so that screen readers announce a repeated message again.
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 30);
  }

  function selectField(field) {
    field.focus();
    field.select();
    try { field.setSelectionRange(0, field.value.length); } catch (e) { /* not a text field */ }
  }

  function legacyCopy(field) {
    selectField(field);
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }

  function setUpCopy(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-status"));
    if (!field) { return; }
    field.addEventListener("focus", function () { field.select(); });
    button.addEventListener("click", function () {
      function finish(copied) {
        if (copied) {
          announce(status, "Copied");
        } else {
          selectField(field);
          announce(status, "Selected: press Ctrl+C (or \u2318C) to copy");
        }
      }
      if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(
          function () { finish(true); },
          function () { finish(legacyCopy(field)); }
        );
      } else {
        finish(legacyCopy(field));
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), setUpCopy);

  /* ---- One player at a time on the show page ----------------------------------------- */

  document.addEventListener("play", function (event) {
    Array.prototype.forEach.call(document.querySelectorAll("audio"), function (audio) {
      if (audio !== event.target && !audio.paused) { audio.pause(); }
    });
  }, true);

  /* ---- Play highlight: the soundbite, on the player the button controls --------------- */

  /* The highlight playing, {audio, button, start, end, timer}, or null. Playback pauses at its
     end unless the listener seeks outside it (or to a chapter or sentence) first. While it
     plays, its button carries data-playing (for styles, and for tests to wait on). */
  var highlight = null;

  function startPlaying(audio) {
    var promise = audio.play();
    if (promise && typeof promise.catch === "function") { promise.catch(function () {}); }
  }

  function endHighlight() {
    if (!highlight) { return; }
    window.clearTimeout(highlight.timer);
    highlight.button.removeAttribute("data-playing");
    highlight = null;
  }

  /* Pause at the end: checked on each timeupdate (a few times a second) and, in between, by a
     timer set for the time left, so that playback stops close to the end. */
  function watchHighlight() {
    var h = highlight;
    if (!h) { return; }
    window.clearTimeout(h.timer);
    var left = h.end - h.audio.currentTime;
    if (left <= 0.02) {
      endHighlight();
      h.audio.pause();
      return;
    }
    if (!h.audio.paused) {
      h.timer = window.setTimeout(watchHighlight, 1000 * left / (h.audio.playbackRate || 1));
    }
  }

  function playHighlight(button) {
    var audio = document.getElementById(button.getAttribute("aria-controls"));
    var start = parseFloat(button.getAttribute("data-highlight-start"));
    var duration = parseFloat(button.getAttribute("data-highlight-duration"));
    if (!audio || !(start >= 0) || !(duration > 0)) { return; }
    endHighlight();
    highlight = { audio: audio, button: button, start: start, end: start + duration, timer: 0 };
    button.setAttribute("data-playing", "");
    // Before its metadata an audio element keeps this as where to start (the show page's
    // players load nothing until asked); play() in the click itself, for strict browsers.
    audio.currentTime = start;
    if (audio.readyState < 1) {
      // a browser that forgets the start position on loading starts from 0: put it back (a
      // listener who has moved on from the highlight since is left where they went)
      audio.addEventListener("loadedmetadata", function () {
        if (highlight && highlight.audio === audio && audio.currentTime < 0.5 && start >= 0.5) {
          audio.currentTime = start;
        }
      }, { once: true });
    }
    startPlaying(audio);
  }

  Array.prototype.forEach.call(document.querySelectorAll("button[data-highlight-start]"), function (button) {
    button.addEventListener("click", function () { playHighlight(button); });
  });

  /* Media events do not bubble: listen in the capture phase, for every player at once. */
  ["timeupdate", "seeked", "playing", "pause", "ratechange"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (highlight && event.target === highlight.audio) { watchHighlight(); }
    }, true);
  });
  document.addEventListener("seeking", function (event) {
    var h = highlight;
    if (!h || event.target !== h.audio) { return; }
    var t = h.audio.currentTime;
    if (t < h.start - 0.25 || t >= h.end) { endHighlight(); }  // the listener went elsewhere
  }, true);
  document.addEventListener("ended", function (event) {
    if (highlight && event.target === highlight.audio) { endHighlight(); }
  }, true);

  /* ---- Episode page: chapters and transcript ----------------------------------------- */

  var player = document.getElementById("player");
  if (!player) { return; }

  function startsOf(items) {
    return items.map(function (el) { return parseFloat(el.getAttribute("data-start")) || 0; });
  }

  var chapters = Array.prototype.slice.call(document.querySelectorAll("button.chapter[data-start]"));
  var cues = Array.prototype.slice.call(document.querySelectorAll(".cue[data-start]"));
  var chapterStarts = startsOf(chapters);
  var cueStarts = startsOf(cues);
  var currentChapter = -1;
  var currentCue = -1;

  function seek(seconds) {
    endHighlight();  // a chapter or sentence chosen: play on from there
    function go() {
      player.currentTime = seconds;
      startPlaying(player);
    }
    if (player.readyState >= 1) {
      go();
      return;
    }
    player.addEventListener("loadedmetadata", go, { once: true });
    if (player.networkState === player.NETWORK_EMPTY) { player.load(); }
  }

  /* The index of the last item that has started at time t, or -1. */
  function indexAt(starts, t) {
    var found = -1;
    for (var i = 0; i < starts.length; i += 1) {
      if (starts[i] <= t + 0.05) { found = i; } else { break; }
    }
    return found;
  }

  function mark(items, previous, next) {
    if (previous === next) { return next; }
    if (previous >= 0) { items[previous].removeAttribute("aria-current"); }
    if (next >= 0) { items[next].setAttribute("aria-current", "true"); }
    return next;
  }

  function follow() {
    var t = player.currentTime;
    var chapter = indexAt(chapterStarts, t);
    var cue = indexAt(cueStarts, t);
    // Between a chapter's start and its first sentence, no sentence of the last chapter is current.
    if (cue >= 0 && chapter >= 0 && cueStarts[cue] < chapterStarts[chapter] - 0.01) { cue = -1; }
    currentChapter = mark(chapters, currentChapter, chapter);
    currentCue = mark(cues, currentCue, cue);
  }

  document.addEventListener("click", function (event) {
    var target = event.target && event.target.closest ? event.target.closest("[data-start]") : null;
    if (!target) { return; }
    // A click that ends a text selection in the transcript is for copying, not seeking.
    if (target.tagName !== "BUTTON" && String(window.getSelection ? window.getSelection() : "")) {
      return;
    }
    seek(parseFloat(target.getAttribute("data-start")) || 0);
  });

  ["timeupdate", "seeked", "loadedmetadata"].forEach(function (name) {
    player.addEventListener(name, follow);
  });
})();
