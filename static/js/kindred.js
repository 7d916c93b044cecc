/* Kindred's only script. Every page works without it; it only adds:
 *  - a preview of a post while it is typed (forms with a "Preview" button),
 *  - a question before leaving a page with a half-written post,
 *  - keyboard shortcuts: "/" goes to search, "r" to the reply box (not while typing),
 *  - the time zone of this device, suggested in settings to a member who never chose one.
 * No inline scripts: the site's Content-Security-Policy allows only files from this site. */
(function () {
  "use strict";

  var PREVIEW_DELAY_MS = 600;

  function csrfToken(form) {
    var field = form.querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  }

  /* Preview while typing: after a pause, the server renders the text with the same Markdown
   * and sanitiser used when a post is saved, and the result is shown under the form. */
  function setUpPreview(form) {
    var body = form.querySelector('textarea[name="body"]');
    var button = form.querySelector('[name="preview"]');
    if (!body || !button) {
      return;
    }
    var region = document.createElement("section");
    region.className = "preview live-preview";
    region.setAttribute("aria-label", "Preview of your post");
    region.hidden = true;
    var heading = document.createElement("h2");
    heading.textContent = "Preview";
    var article = document.createElement("div");
    article.className = "post post-body";
    region.appendChild(heading);
    region.appendChild(article);
    form.parentNode.insertBefore(region, form.nextSibling);

    var timer = null;
    var last = null;
    function refresh() {
      var text = body.value;
      if (text === last) {
        return;
      }
      last = text;
      if (!text.trim()) {
        region.hidden = true;
        return;
      }
      var data = new FormData();
      data.append("csrf_token", csrfToken(form));
      data.append("body", text);
      fetch("/preview", { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (result) {
          if (result && body.value === text) {
            /* Sanitised by the server (bleach, the same allow-list as saved posts). */
            article.innerHTML = result.html;
            region.hidden = false;
          }
        })
        .catch(function () {
          /* The "Preview" button still works. */
        });
    }
    body.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, PREVIEW_DELAY_MS);
    });
  }

  /* Ask before leaving a page where a post was started and not sent. */
  function setUpLeaveWarning(form) {
    var fields = form.querySelectorAll('textarea[name="body"], input[name="title"]');
    if (!fields.length) {
      return;
    }
    var original = [];
    fields.forEach(function (field) {
      original.push(field.value);
    });
    var submitting = false;
    form.addEventListener("submit", function () {
      submitting = true;
    });
    window.addEventListener("beforeunload", function (event) {
      if (submitting) {
        return undefined;
      }
      var changed = false;
      fields.forEach(function (field, index) {
        if (field.value.trim() && field.value !== original[index]) {
          changed = true;
        }
      });
      if (changed) {
        event.preventDefault();
        event.returnValue = "";
      }
      return undefined;
    });
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function setUpShortcuts() {
    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) {
        return;
      }
      if (event.key === "/") {
        var search = document.querySelector('#board-search-q, input[name="q"]');
        if (search) {
          event.preventDefault();
          search.focus();
        } else {
          window.location.href = "/search";
        }
      } else if (event.key === "r") {
        var reply = document.querySelector('form textarea[name="body"]');
        if (reply) {
          event.preventDefault();
          reply.focus();
        }
      }
    });
  }

  /* Settings: a member who never chose a time zone (the server marks the select) gets this
   * device's zone selected, when the list has it, and a note saying so. Nothing is saved
   * until they press "Save". */
  function suggestTimeZone(select) {
    var zone = "";
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return;
    }
    if (!zone || zone === select.value) {
      return;
    }
    var found = Array.prototype.some.call(select.options, function (option) {
      return option.value === zone;
    });
    if (!found) {
      return;
    }
    select.value = zone;
    var note = select.getAttribute("data-browser-note");
    var help = document.getElementById(select.id + "-help");
    if (note && help) {
      help.appendChild(document.createTextNode(" " + note));
    }
  }

  document.querySelectorAll('select[data-browser-zone="suggest"]').forEach(suggestTimeZone);

  document.querySelectorAll("form").forEach(function (form) {
    if (form.querySelector('textarea[name="body"]')) {
      setUpPreview(form);
      setUpLeaveWarning(form);
    }
  });
  setUpShortcuts();
})();
