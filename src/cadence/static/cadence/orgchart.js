// Org chart: the expand buttons are disclosure buttons. The first click on a
// closed level fetches it with htmx (hx-trigger="click once"); after that the
// button only shows and hides the level it already has.
(function () {
  "use strict";

  function region(button) {
    return document.getElementById(button.getAttribute("aria-controls"));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-org-toggle]");
    if (!button || button.dataset.loaded !== "true") {
      return;
    }
    var open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", open ? "false" : "true");
    region(button).hidden = open;
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var button = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!button || !button.matches || !button.matches("[data-org-toggle]")) {
      return;
    }
    // Mark loaded after this click has been handled, so it is not toggled twice.
    button.dataset.loaded = "true";
    button.setAttribute("aria-expanded", "true");
    region(button).hidden = false;
  });
})();
