// Small behaviours on top of server-rendered pages. Everything works without this file;
// it adds the phone menu, focus on form errors, the chosen-file list, progress on slow
// submits (a percentage for uploads), copy buttons and confirmations. Loaded in <head> (not deferred): the first
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

  function setupFileLists(root) {
    (root || document).querySelectorAll("[data-file-upload]").forEach(function (box) {
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

  // --- Uploads: a form with data-upload is sent by htmx (hx-post), so the upload's own
  // progress can be shown as a percentage; without scripts it posts as usual. The bar is
  // a native <progress> (a progressbar to screen readers) with the percentage written
  // next to it; every quarter is also announced.
  function uploadForm(event) {
    // The element that sent the request (beforeSwap fires on the target, not the form).
    var detail = event.detail || {};
    var form = (detail.requestConfig && detail.requestConfig.elt) || detail.elt;
    return form && form.matches && form.matches("form[data-upload]") ? form : null;
  }

  function progressBox(form) {
    var box = form.querySelector("[data-upload-progress]");
    if (box) return box;
    box = document.createElement("div");
    box.className = "app-progress";
    box.setAttribute("data-upload-progress", "");
    var label = document.createElement("p");
    label.className = "app-progress__label";
    label.id = (form.id || "upload") + "-progress-label";
    var bar = document.createElement("progress");
    bar.className = "app-progress__bar";
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-labelledby", label.id);
    box.appendChild(label);
    box.appendChild(bar);
    var actions = form.querySelector(".app-form-actions");
    form.insertBefore(box, actions || null);
    return box;
  }

  function showProgress(form, loaded, total) {
    var box = progressBox(form);
    var percent = total ? Math.min(100, Math.floor((loaded / total) * 100)) : 0;
    box.querySelector("progress").value = percent;
    box.querySelector("progress").setAttribute("aria-valuetext", percent + "%");
    var label = box.querySelector(".app-progress__label");
    if (total && loaded >= total) {
      label.textContent = text(
        "업로드 100% 완료. 파일을 검사하고 있습니다. 잠시 기다려 주세요.",
        "Upload 100% complete. Checking the files, please wait."
      );
    } else {
      label.textContent = text(
        "업로드 중 " + percent + "% (" + formatSize(total) + " 중 " + formatSize(loaded) + ")",
        "Uploading " + percent + "% (" + formatSize(loaded) + " of " + formatSize(total) + ")"
      );
    }
    var quarter = Math.floor(percent / 25);
    if (quarter > Number(box.dataset.announced || 0)) {
      box.dataset.announced = String(quarter);
      announce(label.textContent);
    }
  }

  function endUpload(form, failed) {
    form.removeAttribute("aria-busy");
    form.querySelectorAll("button").forEach(function (button) {
      button.disabled = false;
    });
    var box = form.querySelector("[data-upload-progress]");
    if (!box) return;
    if (failed) {
      box.classList.add("is-error");
      box.querySelector(".app-progress__label").textContent = text(
        "업로드하지 못했습니다. 연결을 확인하고 다시 보내 주십시오. 저장된 것은 없습니다.",
        "The upload failed. Check the connection and send the form again. Nothing was saved."
      );
      announce(box.querySelector(".app-progress__label").textContent);
    } else {
      box.remove();
    }
  }

  function setupUploads() {
    document.addEventListener("htmx:beforeSend", function (event) {
      var form = uploadForm(event);
      if (!form) return;
      form.setAttribute("aria-busy", "true");
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) {
        button.disabled = true;
      });
      var box = progressBox(form);
      box.classList.remove("is-error");
      box.dataset.announced = "0";
      announce(form.dataset.busyMessage || text("업로드를 시작합니다.", "Upload started."));
      var xhr = event.detail.xhr;
      var size = Array.prototype.reduce.call(
        form.querySelectorAll("input[type=file]"),
        function (sum, input) {
          return sum + Array.prototype.reduce.call(input.files, function (s, f) { return s + f.size; }, 0);
        },
        0
      );
      showProgress(form, 0, size);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) showProgress(form, e.loaded, e.total);
      });
    });
    // The answer is a whole page (the form with its errors, a report, an error page):
    // show its main content whatever the status, as a plain POST would.
    document.addEventListener("htmx:beforeSwap", function (event) {
      var form = uploadForm(event);
      if (!form) return;
      if (event.detail.xhr.responseText.indexOf('id="main-content"') >= 0) {
        event.detail.shouldSwap = true;
        event.detail.isError = false;
      }
    });
    document.addEventListener("htmx:afterRequest", function (event) {
      var form = uploadForm(event);
      if (form && document.body.contains(form)) endUpload(form, !event.detail.successful);
    });
    document.addEventListener("htmx:sendError", function (event) {
      var form = uploadForm(event);
      if (form) endUpload(form, true);
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
    setupFileLists(event.detail.target);
    // A whole page's content arrived (an upload's answer): start reading from its top.
    if (event.detail.target.id === "main-content" && !event.detail.target.querySelector("[data-error-summary]")) {
      event.detail.target.focus();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    setupMenu();
    focusErrorSummary(document);
    setupFileLists(document);
    setupBusyForms();
    setupUploads();
    setupCopy();
    setupScrollRegions(document);
  });
})();
