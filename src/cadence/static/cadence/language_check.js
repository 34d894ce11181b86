// The as-you-type review-language check. For every textarea marked
// data-language-check (or inside an element so marked), a pause in typing
// sends its text to POST /api/v1/insights/language and lists the
// suggestions under it: personality-focused criticism, vague feedback and
// gender-coded words, each with why and what to write instead. They are
// suggestions, never required: nothing here touches the form's submission.
// Everything is written with textContent (no HTML from the text or the API).
(function () {
  "use strict";

  var DELAY_MS = 600;
  var MAX_LENGTH = 20000; // the API refuses longer texts
  var SHOWN = 6; // suggestions listed at once; the rest are counted
  var LABELS = { personality: "Personality", vague: "Vague", gender_coded: "Gender-coded" };
  var script = document.currentScript;
  var url = (script && script.getAttribute("data-url")) || "/api/v1/insights/language";
  var panels = 0;

  function csrfToken(field) {
    var form = field.form;
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    if (input && input.value) {
      return input.value;
    }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function panelFor(field) {
    var panel = document.createElement("div");
    panel.id = "language-check-" + (++panels);
    panel.className = "language-check form-text";
    // Always in the page (empty when there is nothing to say): a live
    // region that appears only with its content is often not announced.
    panel.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", panel);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + panel.id);
    return panel;
  }

  function clear(panel) {
    while (panel.firstChild) {
      panel.removeChild(panel.firstChild);
    }
  }

  function show(panel, flags) {
    clear(panel);
    if (!flags.length) {
      return;
    }
    var heading = document.createElement("p");
    heading.className = "mb-1 fw-semibold";
    heading.textContent = "Suggestions (never required):";
    panel.appendChild(heading);
    var list = document.createElement("ul");
    list.className = "mb-0 ps-3 language-check-list";
    flags.slice(0, SHOWN).forEach(function (flag) {
      var item = document.createElement("li");
      var label = document.createElement("span");
      label.className = "badge text-bg-light border me-1";
      label.textContent = LABELS[flag.category] || flag.category;
      var span = document.createElement("q");
      span.className = "fw-semibold";
      span.textContent = flag.text.length > 80 ? flag.text.slice(0, 77) + "…" : flag.text;
      item.appendChild(label);
      item.appendChild(span);
      item.appendChild(document.createTextNode(": " + flag.reason + " " + flag.suggestion));
      list.appendChild(item);
    });
    panel.appendChild(list);
    if (flags.length > SHOWN) {
      var more = document.createElement("p");
      more.className = "mb-0";
      more.textContent = "…and " + (flags.length - SHOWN) + " more.";
      panel.appendChild(more);
    }
  }

  function attach(field) {
    if (field.getAttribute("data-language-check-ready")) {
      return;
    }
    field.setAttribute("data-language-check-ready", "1");
    var panel = panelFor(field);
    var timer = null;
    var sent = 0;
    var lastText = null;

    function check() {
      var text = field.value;
      if (text === lastText) {
        return;
      }
      lastText = text;
      var mine = ++sent;
      if (!text.trim() || text.length > MAX_LENGTH) {
        show(panel, []);
        return;
      }
      window.fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "Accept": "application/json",
          "X-CSRFToken": csrfToken(field)
        },
        body: JSON.stringify({ text: text })
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (data) {
        if (mine === sent && data && Array.isArray(data.flags)) {
          show(panel, data.flags);
        }
      }).catch(function () {
        // Offline or signed out: the check is a help, so it stays quiet.
      });
    }

    field.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, DELAY_MS);
    });
    field.addEventListener("blur", function () {
      window.clearTimeout(timer);
      check();
    });
    if (field.value.trim()) {
      check();
    }
  }

  function attachAll(root) {
    root.querySelectorAll("textarea[data-language-check], [data-language-check] textarea").forEach(attach);
  }

  attachAll(document);
  // Parts of a page that htmx swaps in get the check too.
  document.addEventListener("htmx:load", function (event) {
    if (event.target && event.target.querySelectorAll) {
      attachAll(event.target);
    }
  });
})();
