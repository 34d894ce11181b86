// Bar charts of the calibration pre-read and outcome. Each canvas names the
// json_script holding its data ({labels, series: [{label, data}], y_title})
// in data-insight-chart. Every chart has a table of the same numbers on the
// page, so the chart is decoration for sighted readers, not the only source.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var colours = ["#0d6efd", "#6c757d"];
  var patterns = [[], [6, 3]];
  document.querySelectorAll("canvas[data-insight-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-insight-chart"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, index) {
          return {
            label: series.label,
            data: series.data,
            backgroundColor: index === 0 ? colours[0] : "rgba(108, 117, 125, 0.25)",
            borderColor: colours[index % colours.length],
            borderDash: patterns[index % patterns.length],
            borderWidth: 2
          };
        })
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: data.y_title } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  });
})();
