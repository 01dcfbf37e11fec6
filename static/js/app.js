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

  document.addEventListener("DOMContentLoaded", detectTimeZone);
  document.addEventListener("keydown", closeMenusOnEscape);
  document.addEventListener("click", closeMenus);
})();
