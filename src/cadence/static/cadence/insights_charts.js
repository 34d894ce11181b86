// Charts of the insights pages. Each canvas names the json_script holding its
// data ({kind, labels, series: [{label, data}], y_title, x_title}) in
// data-insights-chart; kind is bar, stacked, line or histogram. Every chart
// has a table of the same numbers under it, so the chart is for those who
// would rather look than read, never the only source.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var colours = ["#0d6efd", "#fd7e14", "#198754", "#6f42c1", "#dc3545", "#20c997", "#6c757d", "#ffc107", "#0dcaf0", "#d63384"];
  function axis(title, stacked) {
    return { stacked: stacked, beginAtZero: true, title: { display: Boolean(title), text: title } };
  }
  document.querySelectorAll("canvas[data-insights-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-insights-chart"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var stacked = data.kind === "stacked";
    var line = data.kind === "line";
    new window.Chart(canvas, {
      type: line ? "line" : "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, index) {
          var colour = colours[index % colours.length];
          return {
            label: series.label,
            data: series.data,
            backgroundColor: line ? colour : colour + "cc",
            borderColor: colour,
            borderWidth: line ? 2 : 1,
            spanGaps: true,
            barPercentage: data.kind === "histogram" ? 1.0 : 0.9,
            categoryPercentage: data.kind === "histogram" ? 1.0 : 0.8
          };
        })
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        scales: { x: axis(data.x_title, stacked), y: axis(data.y_title, stacked) },
        plugins: { legend: { position: "bottom", display: data.series.length > 1 } }
      }
    });
  });
})();
