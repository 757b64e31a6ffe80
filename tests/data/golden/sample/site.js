/* audioguide podcast site: copy the feed address, seek from chapters and the transcript, and
   follow playback. No dependencies and no network: works from any web server and from file://. */
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

  function play() {
    var promise = player.play();
    if (promise && typeof promise.catch === "function") { promise.catch(function () {}); }
  }

  function seek(seconds) {
    function go() {
      player.currentTime = seconds;
      play();
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
