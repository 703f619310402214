// 统计分析: draws each chart of the dashboard with Apache ECharts (served by the site) from the data the
// page hands over in <script type="application/json" id="…">; the same numbers are in the table beside it,
// which stays open when this script or ECharts is missing. No inline script, no eval.
(function () {
  "use strict";

  var PALETTE = ["#1f5fa8", "#3a9a5b", "#d9822b", "#8e5ea2", "#c23b3b", "#3b9ab2"];

  function percentLabel(value) {
    return value === null || value === undefined ? "—" : value + "%";
  }

  function trendOption(data) {
    var hasPercent = data.series.some(function (s) { return s.percent; });
    return {
      color: PALETTE,
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v; } },
      legend: { top: 0 },
      grid: { left: 8, right: hasPercent ? 8 : 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.labels, axisLabel: { hideOverlap: true } },
      yAxis: [
        { type: "value", name: "件", minInterval: 1 },
        { type: "value", name: "%", min: 0, max: 100, show: hasPercent, splitLine: { show: false } }
      ],
      series: data.series.map(function (s) {
        return {
          name: s.name,
          type: s.type,
          data: s.data,
          yAxisIndex: s.percent ? 1 : 0,
          connectNulls: false,
          tooltip: s.percent ? { valueFormatter: percentLabel } : undefined
        };
      })
    };
  }

  function barsOption(data) {
    var several = data.series.length > 1;
    return {
      color: PALETTE,
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: several ? { top: 0 } : undefined,
      grid: { left: 8, right: 24, top: several ? 32 : 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.labels, axisLabel: { width: 110, overflow: "truncate" } },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data, label: { show: true, position: "right" } };
      })
    };
  }

  var BUILDERS = { trend: trendOption, bars: barsOption };

  function draw(box) {
    var source = document.getElementById(box.getAttribute("data-chart"));
    if (!source) { return null; }
    var data = JSON.parse(source.textContent);
    var build = BUILDERS[data.kind];
    if (!build) { return null; }
    box.hidden = false;
    if (data.kind === "bars") {
      // As tall as its bars need: a township may rank a dozen villages, a category chart a dozen kinds.
      var perLabel = 10 + 14 * data.series.length;
      box.style.height = Math.max(200, 60 + perLabel * data.labels.length) + "px";
    }
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    chart.setOption(build(data));
    var table = document.querySelector('[data-chart-table="' + box.getAttribute("data-chart") + '"]');
    if (table) { table.open = false; }
    box.setAttribute("data-drawn", "1");
    return chart;
  }

  function start() {
    if (!window.echarts) { return; }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (box) {
      var chart = draw(box);
      if (chart) { charts.push(chart); }
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
