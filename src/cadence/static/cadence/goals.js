// Goals: disclosure buttons in the goal tree, and small line charts of a key
// result's check-ins (data from the page's json_script).
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-goal-toggle]");
    if (!button) {
      return;
    }
    var open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", open ? "false" : "true");
    document.getElementById(button.getAttribute("aria-controls")).hidden = open;
  });

  function drawCharts() {
    var source = document.getElementById("goal-chart-data");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-goal-chart]").forEach(function (canvas) {
      var points = data[canvas.dataset.goalChart] || [];
      new window.Chart(canvas, {
        type: "line",
        data: {
          labels: points.map(function (p) { return p.t; }),
          datasets: [{ label: "Value", data: points.map(function (p) { return p.v; }), tension: 0.2 }]
        },
        options: { maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawCharts);
  } else {
    drawCharts();
  }
})();
