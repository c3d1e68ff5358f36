// Small behaviours on top of server-rendered pages. Everything works without this file;
// it adds the phone menu, focus on form errors, the chosen-file list, progress on slow
// submits, copy buttons and confirmations. Loaded in <head> (not deferred): the first
// line marks the page as scripted before the header is drawn.
document.documentElement.classList.add("js");

(function () {
  "use strict";

  var lang = function () {
    return (document.documentElement.lang || "ko").slice(0, 2);
  };
  var text = function (ko, en) {
    return lang() === "en" ? en : ko;
  };

  function announce(message) {
    var region = document.getElementById("app-announcer");
    if (!region) return;
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = message;
    }, 50);
  }

  // --- Phone menu: one button opens and closes the menu, language switch and account.
  function setupMenu() {
    var header = document.querySelector("[data-menu]");
    var button = header && header.querySelector("[data-menu-button]");
    if (!button) return;
    var close = function (focusButton) {
      header.classList.remove("is-open");
      button.setAttribute("aria-expanded", "false");
      if (focusButton) button.focus();
    };
    button.addEventListener("click", function () {
      var open = !header.classList.contains("is-open");
      header.classList.toggle("is-open", open);
      button.setAttribute("aria-expanded", String(open));
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("is-open")) close(true);
    });
  }

  // --- Error summary: focused after a failed submit; its links focus the field.
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      event.preventDefault();
      var group = target.closest("fieldset, .form-group") || target;
      group.scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    });
  }

  // --- File inputs: list the chosen files with their sizes.
  function formatSize(bytes) {
    if (bytes < 1024) return bytes.toLocaleString() + " B";
    var units = ["KB", "MB", "GB"];
    var size = bytes;
    var unit = "B";
    for (var i = 0; i < units.length; i++) {
      size /= 1024;
      unit = units[i];
      if (size < 1024) break;
    }
    var shown = size < 10 ? Math.round(size * 10) / 10 : Math.round(size);
    return shown.toLocaleString() + " " + unit;
  }

  function setupFileLists() {
    document.querySelectorAll("[data-file-upload]").forEach(function (box) {
      var input = box.querySelector("input[type=file]");
      var wrap = box.querySelector(".file-list");
      var list = box.querySelector("[data-file-list]");
      var count = box.querySelector("[data-file-count]");
      if (!input || !list) return;
      input.addEventListener("change", function () {
        list.textContent = "";
        Array.prototype.forEach.call(input.files, function (file) {
          var item = document.createElement("li");
          var info = document.createElement("div");
          info.className = "file-info";
          var name = document.createElement("span");
          name.className = "file-name";
          name.textContent = file.name + " [" + formatSize(file.size) + "]";
          info.appendChild(name);
          item.appendChild(info);
          list.appendChild(item);
        });
        count.textContent = String(input.files.length);
        wrap.hidden = input.files.length === 0;
        announce(text(input.files.length + "개 파일을 골랐습니다.", input.files.length + " file(s) chosen."));
      });
    });
  }

  // --- Progress: a POST form shows that it is working and cannot be sent twice.
  function setupBusyForms() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (event.defaultPrevented || form.method.toLowerCase() !== "post" || form.hasAttribute("hx-post")) return;
      var submitter = event.submitter;
      var message = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
      if (message && !window.confirm(message)) {
        event.preventDefault();
        return;
      }
      if (form.dataset.busy === "no") return;
      form.setAttribute("aria-busy", "true");
      // After this tick, so the clicked button's name and value are still sent.
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) {
          button.disabled = true;
        });
        var target = submitter || form.querySelector("button[type=submit]");
        if (target && !target.querySelector(".app-busy")) {
          var spinner = document.createElement("span");
          spinner.className = "app-busy krds-spinner";
          spinner.setAttribute("aria-hidden", "true");
          target.prepend(spinner);
        }
        announce(form.dataset.busyMessage || text("처리하고 있습니다. 잠시 기다려 주세요.", "Working on it, please wait."));
      }, 0);
    });
    // Back/forward cache: a page restored after a download must be usable again.
    window.addEventListener("pageshow", function () {
      document.querySelectorAll("form[aria-busy=true]").forEach(function (form) {
        form.removeAttribute("aria-busy");
        form.querySelectorAll("button").forEach(function (button) {
          button.disabled = false;
        });
        form.querySelectorAll(".app-busy").forEach(function (el) {
          el.remove();
        });
      });
    });
  }

  // --- Copy buttons: <button data-copy="id-of-input">.
  function setupCopy() {
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-copy]");
      if (!button) return;
      var source = document.getElementById(button.dataset.copy);
      if (!source) return;
      var done = function () {
        announce(text("주소를 복사했습니다.", "Address copied."));
        button.dataset.copied = "true";
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(done, function () {
          source.select();
        });
      } else {
        source.select();
        try {
          document.execCommand("copy");
          done();
        } catch (e) {
          /* the text stays selected for Ctrl+C */
        }
      }
    });
  }

  // --- A table frame that scrolls sideways can be scrolled with the keyboard.
  function setupScrollRegions(root) {
    (root || document).querySelectorAll(".krds-table-wrap, .app-table-scroll").forEach(function (frame) {
      if (frame.scrollWidth <= frame.clientWidth + 1 || frame.hasAttribute("tabindex")) return;
      frame.setAttribute("tabindex", "0");
      if (!frame.hasAttribute("role")) frame.setAttribute("role", "region");
      if (!frame.hasAttribute("aria-label") && !frame.hasAttribute("aria-labelledby")) {
        var caption = frame.querySelector("caption");
        var table = frame.querySelector("table");
        var label = (caption && caption.textContent.trim()) || (table && table.getAttribute("aria-label"));
        var by = table && table.getAttribute("aria-labelledby");
        if (by) frame.setAttribute("aria-labelledby", by);
        else frame.setAttribute("aria-label", label || text("표", "Table"));
      }
    });
  }

  // Keep the language switch pointing at the current address after htmx changed it
  // (filters push their URL), so switching language keeps the filters.
  document.addEventListener("htmx:pushedIntoHistory", function () {
    var next = document.getElementById("language-next");
    if (next) next.value = window.location.pathname + window.location.search;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    focusErrorSummary(event.detail.target);
    setupScrollRegions(event.detail.target);
  });

  document.addEventListener("DOMContentLoaded", function () {
    setupMenu();
    focusErrorSummary(document);
    setupFileLists();
    setupBusyForms();
    setupCopy();
    setupScrollRegions(document);
  });
})();
