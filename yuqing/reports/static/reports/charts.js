/* Draws every <canvas data-chart="…"> with Chart.js, from the chart's description
 * (yuqing/reports/charts.py: ChartSpec). Runs on page load and after every HTMX swap (the
 * dashboard replaces itself as it refreshes); charts in content about to be swapped out are
 * destroyed first so a dashboard left open all day does not pile them up. No inline code: the
 * page's Content-Security-Policy allows none. */
(function () {
  "use strict";

  function dataset(spec, series) {
    var set = {label: series.name, data: series.values, borderColor: series.color,
               backgroundColor: series.color};
    if (spec.kind === "line") {
      set.backgroundColor = series.color + "33";
      set.pointRadius = spec.labels.length > 31 ? 0 : 2;
      set.cubicInterpolationMode = "monotone";
      set.borderWidth = 2;
    }
    return set;
  }

  function config(spec) {
    var legend = {display: spec.series.length > 1 || spec.kind === "doughnut",
                  position: spec.kind === "doughnut" ? "right" : "top"};
    if (spec.kind === "doughnut") {
      return {type: "doughnut", data: {
        labels: spec.series.map(function (s) { return s.name; }),
        datasets: [{data: spec.series.map(function (s) { return s.values[0] || 0; }),
                    backgroundColor: spec.series.map(function (s) { return s.color; })}]},
        options: {responsive: true, maintainAspectRatio: false, animation: false,
                  cutout: "58%", plugins: {legend: legend}}};
    }
    var stacked = spec.kind === "stacked" || spec.kind === "hbar";
    var valueAxis = {beginAtZero: true, stacked: stacked, ticks: {precision: 0},
                     title: {display: !!spec.unit, text: spec.unit}};
    var labelAxis = {stacked: stacked, ticks: {autoSkip: true, maxRotation: 30}};
    return {
      type: spec.kind === "line" ? "line" : "bar",
      data: {labels: spec.labels, datasets: spec.series.map(function (s) {
        return dataset(spec, s); })},
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        indexAxis: spec.kind === "hbar" ? "y" : "x",
        interaction: {mode: "index", intersect: false},
        scales: spec.kind === "hbar" ? {x: valueAxis, y: labelAxis}
                                      : {x: labelAxis, y: valueAxis},
        plugins: {legend: legend}
      }
    };
  }

  function draw(root) {
    if (typeof window.Chart === "undefined") { return; }
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (window.Chart.getChart(canvas)) { return; }
      var spec = JSON.parse(canvas.getAttribute("data-chart"));
      new window.Chart(canvas, config(spec));
    });
  }

  function destroy(root) {
    if (typeof window.Chart === "undefined") { return; }
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var chart = window.Chart.getChart(canvas);
      if (chart) { chart.destroy(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:beforeSwap", function (event) { destroy(event.detail.target); });
  document.addEventListener("htmx:afterSettle", function () { draw(document); });
})();
