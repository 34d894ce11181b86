// The KPI's measurements (oldest first) as a line, with the target and the
// amber and red thresholds as flat lines. Each line has its own dash pattern
// so they can be told apart without colour. Data: the page's #kpi-chart-data json_script.
(function () {
  "use strict";
  var source = document.getElementById("kpi-chart-data");
  var canvas = document.getElementById("kpi-chart");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var labels = data.points.map(function (p) { return p.date; });
  // With a single measurement a flat line has one point: draw it as a dot.
  var flatRadius = labels.length === 1 ? 4 : 0;
  function flat(label, value, colour, dash) {
    return {
      label: label, data: labels.map(function () { return value; }),
      borderColor: colour, backgroundColor: colour, borderDash: dash,
      borderWidth: 2, pointRadius: flatRadius, pointHoverRadius: flatRadius, fill: false
    };
  }
  var unit = data.unit ? " (" + data.unit + ")" : "";
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: labels,
      datasets: [
        {
          label: "Value" + unit, data: data.points.map(function (p) { return p.value; }),
          borderColor: "#0d6efd", backgroundColor: "#0d6efd", borderWidth: 2, pointRadius: 3, tension: 0.2
        },
        flat("Target", data.target, "#198754", [8, 4]),
        flat("Amber threshold", data.amber, "#e0a800", [3, 3]),
        flat("Red threshold", data.red, "#dc3545", [12, 3, 3, 3])
      ]
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: { y: { title: { display: Boolean(data.unit), text: data.unit } } },
      plugins: { legend: { position: "bottom" } }
    }
  });
})();
