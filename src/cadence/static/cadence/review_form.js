// The review form: autosave through htmx a few seconds after a change and
// when a field loses focus, a draft in localStorage so a closed tab loses
// nothing, word counts for limited answers; and on the nomination page,
// moving a ticked search result into the chosen list.
(function () {
  "use strict";

  var IDLE_MS = 3000;

  function formValues(form) {
    var values = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && name !== "version" && name !== "action") {
        values[name] = value;
      }
    });
    return values;
  }

  function restoreValues(form, values) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || !(field.name in values) || field.type === "hidden") {
        return;
      }
      if (field.type === "radio" || field.type === "checkbox") {
        field.checked = values[field.name] === field.value;
      } else {
        field.value = values[field.name];
      }
    });
    // Radio groups absent from the draft were cleared.
    Array.prototype.forEach.call(form.querySelectorAll("input[type=radio]"), function (radio) {
      if (!(radio.name in values)) {
        radio.checked = false;
      }
    });
  }

  function updateWordCount(field) {
    var limit = parseInt(field.dataset.wordLimit || "0", 10);
    var counter = document.getElementById("count-" + field.name);
    if (!limit || !counter) {
      return;
    }
    var words = field.value.trim() ? field.value.trim().split(/\s+/).length : 0;
    counter.textContent = words + " of " + limit + " words";
    counter.classList.toggle("text-danger", words > limit);
  }

  function setUpReviewForm(form) {
    var key = form.dataset.draftKey;
    var status = document.getElementById("save-status");
    var timer = null;
    var dirty = false;
    var stopped = false;
    var initial = JSON.stringify(formValues(form));

    function storeDraft() {
      try {
        window.localStorage.setItem(key, JSON.stringify({ at: new Date().toISOString(), values: formValues(form) }));
      } catch (e) { /* storage full or disabled: the autosave still runs */ }
    }

    function dropDraft() {
      try { window.localStorage.removeItem(key); } catch (e) { /* ignore */ }
    }

    function save() {
      window.clearTimeout(timer);
      if (!dirty || stopped) {
        return;
      }
      dirty = false;
      if (status) {
        status.textContent = "Saving…";
      }
      window.htmx.trigger(form, "review:save");
    }

    function changed(event) {
      if (!event.target.name || stopped) {
        return;
      }
      dirty = true;
      storeDraft();
      updateWordCount(event.target);
      window.clearTimeout(timer);
      timer = window.setTimeout(save, IDLE_MS);
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("focusout", function () { if (dirty) { save(); } });
    form.addEventListener("submit", function () { window.clearTimeout(timer); stopped = true; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty && !stopped) {
        storeDraft();
        event.preventDefault();
      }
    });

    document.body.addEventListener("htmx:beforeSwap", function (event) {
      var code = event.detail.xhr && event.detail.xhr.status;
      if (code === 409 || code === 422 || code === 403 || code === 404) {
        // These carry the message to show, not an error page.
        event.detail.shouldSwap = true;
        event.detail.isError = false;
      }
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (!status || event.detail.target !== status) {
        return;
      }
      if (status.querySelector("[data-review-saved]")) {
        if (!dirty) {
          dropDraft();
        }
      } else if (status.querySelector("[data-review-conflict]")) {
        // Another tab saved first: stop saving over it; what is typed here
        // stays in the page and in the draft for after the reload.
        stopped = true;
        storeDraft();
      }
    });
    document.body.addEventListener("htmx:sendError", function () {
      if (status) {
        status.textContent = "Not saved: the connection failed. Your answers are kept in this browser and will be saved at the next change.";
      }
      dirty = true;
    });

    Array.prototype.forEach.call(form.querySelectorAll("[data-word-limit]"), updateWordCount);

    // A draft left by a closed tab: offer it back rather than overwrite.
    var raw = null;
    try { raw = window.localStorage.getItem(key); } catch (e) { raw = null; }
    var notice = document.getElementById("draft-notice");
    if (raw && notice) {
      var draft = JSON.parse(raw);
      if (JSON.stringify(draft.values) !== initial) {
        notice.hidden = false;
        var when = document.getElementById("draft-time");
        if (when) {
          when.textContent = new Date(draft.at).toLocaleString();
        }
        document.getElementById("draft-restore").addEventListener("click", function () {
          restoreValues(form, draft.values);
          notice.hidden = true;
          dirty = true;
          Array.prototype.forEach.call(form.querySelectorAll("[data-word-limit]"), updateWordCount);
          save();
        });
        document.getElementById("draft-discard").addEventListener("click", function () {
          dropDraft();
          notice.hidden = true;
        });
      } else {
        dropDraft();
      }
    }
  }

  function setUpNomination(list) {
    var results = document.getElementById("peer-results");
    if (!results) {
      return;
    }
    results.addEventListener("change", function (event) {
      var box = event.target;
      if (box.name !== "peer" || !box.checked) {
        return;
      }
      var row = box.closest("li");
      var empty = document.getElementById("chosen-empty");
      if (empty) {
        empty.remove();
      }
      if (!list.querySelector("input[value='" + box.value + "']")) {
        list.appendChild(row);
      }
    });
  }

  function start() {
    var form = document.querySelector("form[data-review-form]");
    if (form && window.htmx) {
      setUpReviewForm(form);
    }
    var chosen = document.getElementById("chosen-peers");
    if (chosen) {
      setUpNomination(chosen);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
