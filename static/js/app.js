// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Pre-fill time-zone fields with the browser's own zone when they are still empty or UTC.
  function detectTimeZone() {
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (e) {
      return;
    }
    if (!zone) return;
    document.querySelectorAll("[data-detect-time-zone]").forEach(function (field) {
      if (field.value && field.value !== "UTC") return;
      if (field.tagName === "SELECT" && !field.querySelector('option[value="' + zone + '"]')) return;
      field.value = zone;
    });
  }

  // Close the menu when clicking elsewhere.
  function closeMenus(event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  }

  function closeMenusOnEscape(event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  }

  // A quiet ten-minute timer for pray-through. It keeps running across the partners of one
  // session (the session's start is in the URL) and pauses on request. It never makes a sound.
  function prayerTimer() {
    var root = document.querySelector("[data-timer-minutes]");
    if (!root) return;
    var box = root.querySelector(".timer");
    var display = root.querySelector("[data-timer-display]");
    var toggle = root.querySelector("[data-timer-toggle]");
    var session = new URLSearchParams(location.search).get("since") || "now";
    var key = "epaphras-timer-" + session;
    var total = parseInt(root.getAttribute("data-timer-minutes"), 10) * 60;
    var state = JSON.parse(sessionStorage.getItem(key) || "null") || { left: total, running: true };
    var last = Date.now();
    box.hidden = false;

    function render() {
      var left = Math.max(0, Math.round(state.left));
      var m = Math.floor(left / 60), s = left % 60;
      display.textContent = left === 0 ? box.getAttribute("data-done") || "Amen" : m + ":" + (s < 10 ? "0" : "") + s;
      box.classList.toggle("is-done", left === 0);
      toggle.textContent = state.running ? toggle.getAttribute("data-pause") : toggle.getAttribute("data-resume");
      toggle.hidden = left === 0;
      sessionStorage.setItem(key, JSON.stringify(state));
    }
    toggle.addEventListener("click", function () { state.running = !state.running; render(); });
    setInterval(function () {
      var now = Date.now();
      if (state.running) state.left -= (now - last) / 1000;
      last = now;
      render();
    }, 1000);
    render();
  }

  // On a phone the tab strip scrolls sideways: bring the current tab into view.
  function showCurrentTab() {
    var current = document.querySelector('.tabs [aria-current="page"]');
    if (current) current.scrollIntoView({ block: "nearest", inline: "center" });
  }

  document.addEventListener("DOMContentLoaded", detectTimeZone);
  document.addEventListener("DOMContentLoaded", showCurrentTab);
  document.addEventListener("DOMContentLoaded", prayerTimer);
  document.addEventListener("keydown", closeMenusOnEscape);
  document.addEventListener("click", closeMenus);
})();
