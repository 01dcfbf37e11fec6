// The app on a phone with a poor signal. Every page works without this file.
//  - Registers the service worker (templates/service_worker.js), which keeps Today and the
//    partner pages last opened readable offline.
//  - Shows a banner (role=status) when the browser is offline, or the page is the kept copy.
//  - Keeps "I prayed" taps made offline in IndexedDB and sends them when the signal returns
//    (on `online` and on the next page load). Each carries its form's one-time key, so a tap
//    sent twice is still one prayer.
//  - Forgets the kept pages and the waiting taps on sign-out, or when someone else signs in.
(function () {
  "use strict";

  var script = document.currentScript;
  var OWNER_KEY = "epaphras-offline-owner";
  var DB_NAME = "epaphras-offline";
  var STORE = "prayers";
  var sending = false;

  // Whose pages this is: an opaque mark of the signed-in person, "" when nobody is.
  function owner() {
    return document.body.getAttribute("data-offline-owner") || "";
  }

  function banner() {
    return document.getElementById("offline-banner");
  }

  // --- IndexedDB: the taps waiting for a signal, by form key ------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "key" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  // Runs `action(store)` in one transaction; resolves with the request's result.
  function withStore(mode, action) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var request = action(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(request && request.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function waiting() { return withStore("readonly", function (s) { return s.getAll(); }); }
  function keep(item) { return withStore("readwrite", function (s) { return s.put(item); }); }
  function drop(key) { return withStore("readwrite", function (s) { return s.delete(key); }); }
  function dropAll() { return withStore("readwrite", function (s) { return s.clear(); }); }

  // --- Forgetting: on sign-out, and when the phone changes hands ---------------------------
  function forgetEverything() {
    var pages = window.caches ? caches.delete("epaphras-pages") : Promise.resolve();
    localStorage.removeItem(OWNER_KEY);
    return Promise.all([pages, dropAll()]).catch(function () {});
  }

  function checkOwner() {
    var now = owner();
    var before = localStorage.getItem(OWNER_KEY);
    if (now && before && before !== now) {
      // Someone else was signed in here: their copy and their taps go, unseen and unsent.
      return forgetEverything().then(function () { localStorage.setItem(OWNER_KEY, now); });
    }
    if (!now && window.caches) {
      // Signed out (or the session ended): the kept pages go. Waiting taps stay, marked as
      // this person's, for when they sign in again.
      return caches.delete("epaphras-pages");
    }
    localStorage.setItem(OWNER_KEY, now);
    return Promise.resolve();
  }

  function forgetOnSignOut(event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-offline-forget]")) return;
    event.preventDefault();
    forgetEverything().then(function () { form.submit(); });
  }

  // --- The banner ------------------------------------------------------------------------
  function showBanner() {
    var box = banner();
    if (!box) return;
    var copiedAt = document.documentElement.getAttribute("data-offline-copy");
    var text = "";
    if (copiedAt) {
      // The site's own clock style (“07:12”), in the page's language.
      var time = new Date(copiedAt).toLocaleTimeString(document.documentElement.lang || [], {
        hour: "2-digit", minute: "2-digit", hourCycle: "h23",
      });
      text = box.getAttribute(navigator.onLine ? "data-copy-online" : "data-copy").replace("%(time)s", time);
    } else if (!navigator.onLine) {
      text = box.getAttribute("data-offline");
    }
    box.textContent = text;
    box.hidden = !text;
  }

  function showStatus(text) {
    var box = banner();
    box.textContent = text;
    box.hidden = false;
  }

  // --- "I prayed" without a signal ---------------------------------------------------------
  function markWaiting(form, key) {
    var note = document.createElement("p");
    note.className = "prayed-mark is-waiting";
    note.setAttribute("data-waiting-key", key);
    note.textContent = banner().getAttribute("data-waiting");
    form.replaceWith(note);
  }

  function queue(form) {
    var data = new URLSearchParams(new FormData(form));
    data.delete("csrfmiddlewaretoken"); // the page sending it adds its own, current one
    var item = { key: data.get("key"), action: form.action, body: data.toString(), owner: owner(), at: Date.now() };
    return keep(item).then(function () { markWaiting(form, item.key); });
  }

  // Offline, the tap is kept rather than sent (before htmx or the browser try to send it).
  function queueWhenOffline(event) {
    var form = event.target;
    if (navigator.onLine || !form.matches || !form.matches("form[data-offline-queue]")) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    queue(form);
  }

  // The browser thought it was online, but the request never arrived.
  function queueWhenUnsent(event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("form[data-offline-queue]");
    if (form && form.isConnected) queue(form);
  }

  // After a reload of the kept copy, the taps already waiting show as waiting again.
  function showWaiting(items) {
    items.forEach(function (item) {
      var field = document.querySelector('form[data-offline-queue] input[name="key"][value="' + item.key + '"]');
      if (field) markWaiting(field.form, item.key);
    });
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("data-hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  // Sends one waiting tap. The server's answer, yes or no, settles it; without an answer (no
  // signal, a server error, a refused token) it waits for the next try.
  function send(item) {
    return fetch(item.action, {
      method: "POST",
      body: item.body,
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": csrfToken(),
        "HX-Request": "true",
      },
    }).then(function (response) {
      var settled = response.ok || (response.status >= 400 && response.status < 500 && response.status !== 403);
      if (!settled) return;
      // A refusal (the request was answered meanwhile, too many taps) comes back as a short
      // message for htmx to add under the card: shown in place of "Saved".
      var refused = !response.ok || response.headers.get("HX-Reswap");
      return Promise.all([refused ? response.text() : "", drop(item.key)]).then(function (done) {
        var note = document.querySelector('[data-waiting-key="' + item.key + '"]');
        if (!note) {
          // Sent from a page drawn before it arrived (the next page load): its counts are
          // older than the prayer, so say it is recorded.
          if (!refused) showStatus(banner().getAttribute("data-sent-elsewhere"));
          return;
        }
        var reason = new DOMParser().parseFromString(done[0], "text/html").body.textContent.trim();
        note.classList.remove("is-waiting");
        note.classList.toggle("is-refused", !!refused);
        note.textContent = refused ? reason || banner().getAttribute("data-refused") : banner().getAttribute("data-sent");
      });
    }, function () {});
  }

  function sendWaiting() {
    if (sending || !navigator.onLine || !owner()) return Promise.resolve();
    sending = true;
    return waiting()
      .then(function (items) {
        // Only this person's taps are sent; anyone else's were forgotten by checkOwner.
        var mine = items.filter(function (item) { return item.owner === owner(); });
        return mine.reduce(function (chain, item) {
          return chain.then(function () { return send(item); });
        }, Promise.resolve());
      })
      .catch(function () {})
      .then(function () { sending = false; });
  }

  function start() {
    if ("serviceWorker" in navigator && script) {
      navigator.serviceWorker.register(script.getAttribute("data-service-worker"), { scope: "/" });
    }
    showBanner();
    if (!window.indexedDB) return;
    document.addEventListener("submit", queueWhenOffline, true);
    document.addEventListener("submit", forgetOnSignOut, true);
    document.body.addEventListener("htmx:sendError", queueWhenUnsent);
    window.addEventListener("online", function () { showBanner(); sendWaiting(); });
    window.addEventListener("offline", showBanner);
    checkOwner()
      .then(waiting)
      .then(showWaiting)
      .then(sendWaiting)
      .catch(function () {});
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
