/* Kindred's only script. Every page works without it; it only adds:
 *  - a preview of a post while it is typed (forms with a "Preview" button),
 *  - a question before leaving a page with a half-written post,
 *  - keyboard shortcuts: "/" goes to search, "r" to the reply box (not while typing),
 *  - members suggested in a message's "To" field while a name is typed (a listbox),
 *  - the time zone of this device, suggested in settings to a member who never chose one,
 *  - the header's "More" menu closing on Escape (the focus back on its button) or on a click
 *    elsewhere, as a drop-down menu does (it opens and closes by its button without script).
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

  /* Suggestions in the "To" field of a new message (the ARIA combobox pattern): from two
   * letters of the name being typed (the part after the last comma), the server answers with up
   * to eight members this person may write to, listed under the field. Up and down arrows move
   * through them, Enter or a click picks one (its @username replaces what was typed, after the
   * names already there), Escape closes the list. A status line tells screen readers how many
   * there are (in the member's language, from the server). Without this the field is plain. */
  var SUGGEST_DELAY_MS = 200;
  var SUGGEST_MIN_CHARS = 2;

  function setUpRecipientSuggestions(form) {
    var input = form.querySelector('input[name="recipients"]');
    var url = form.getAttribute("data-recipient-suggestions");
    if (!input || !url || !window.fetch) {
      return;
    }
    var box = document.createElement("div");
    box.className = "suggestions";
    var list = document.createElement("ul");
    list.id = input.id + "-suggestions";
    list.className = "suggestion-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", form.querySelector('label[for="' + input.id + '"]').textContent);
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.parentNode.insertBefore(box, input);
    box.appendChild(input);
    box.appendChild(list);
    box.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    var timer = null;
    var last = null;
    var active = -1;
    var shown = { before: "", members: [] };

    function parts() {
      var value = input.value;
      var cut = Math.max(value.lastIndexOf(","), value.lastIndexOf(";"));
      var before = cut < 0 ? "" : value.slice(0, cut + 1).replace(/\s*$/, " ");
      return { before: before, term: value.slice(cut + 1).trim() };
    }
    function options() {
      return list.querySelectorAll('[role="option"]');
    }
    function highlight(index) {
      active = index;
      options().forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
      } else {
        input.setAttribute("aria-activedescendant", list.id + "-" + index);
      }
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      highlight(-1);
    }
    function pick(index) {
      var member = shown.members[index];
      if (!member) {
        return;
      }
      input.value = shown.before + "@" + member.username;
      last = parts().term;
      close();
      input.focus();
    }
    function show(before, result) {
      shown = { before: before, members: (result && result.results) || [] };
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      shown.members.forEach(function (member, index) {
        var option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = member.label;
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); /* keep the focus in the field */
          pick(index);
        });
        list.appendChild(option);
      });
      status.textContent = (result && result.status) || "";
      active = -1;
      if (shown.members.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }
    function refresh() {
      var typed = parts();
      if (typed.term === last) {
        return;
      }
      last = typed.term;
      if (typed.term.replace(/^@/, "").length < SUGGEST_MIN_CHARS) {
        show(typed.before, null);
        return;
      }
      fetch(url + "?q=" + encodeURIComponent(typed.term), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (result) {
          if (result && parts().term === typed.term) {
            show(typed.before, result);
          }
        })
        .catch(function () {
          /* The field still takes names as typed. */
        });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, SUGGEST_DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      var count = options().length;
      if (list.hidden || !count) {
        return;
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % count);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active <= 0 ? count - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault(); /* pick, do not send the form */
        pick(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  document.querySelectorAll("form[data-recipient-suggestions]").forEach(setUpRecipientSuggestions);

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

  function setUpMoreMenu() {
    var menu = document.querySelector(".more-menu");
    if (!menu) {
      return;
    }
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) {
        menu.open = false;
      }
    });
  }

  document.querySelectorAll('select[data-browser-zone="suggest"]').forEach(suggestTimeZone);

  document.querySelectorAll("form").forEach(function (form) {
    if (form.querySelector('textarea[name="body"]')) {
      setUpPreview(form);
      setUpLeaveWarning(form);
    }
  });
  setUpShortcuts();
  setUpMoreMenu();

  // An error summary takes the focus, so that screen readers announce it (GOV.UK pattern).
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();
