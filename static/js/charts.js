/* Charts of Kuoquan: fill each container that {% chart %} rendered (core/templatetags/charts.py).
 *
 * <div class="kq-chart" data-chart-url="/…/chart/" data-chart-height="300" data-chart-error="…">
 *
 * The JSON endpoint answers {option, empty, empty_text, rows}; the option is built on the
 * server (core/charts.py), so nothing here knows what a chart shows. No inline script or style
 * is needed (CSP-friendly): the height comes from a data attribute. The container's
 * data-chart-state says how far it got (loading, ready, empty, error), for tests and styling.
 */
(function () {
  "use strict";

  function say(el, text, css) {
    var p = document.createElement("p");
    p.className = "kq-chart-status small " + (css || "text-muted");
    p.textContent = text;
    el.replaceChildren(p);
  }

  function draw(el) {
    var height = parseInt(el.dataset.chartHeight, 10) || 300;
    el.style.height = height + "px";
    el.dataset.chartState = "loading";
    fetch(el.dataset.chartUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (payload) {
        if (payload.empty) {
          el.style.height = "";
          say(el, payload.empty_text);
          el.dataset.chartState = "empty";
          return;
        }
        el.replaceChildren();
        // SVG: crisp at any zoom and in print, and the text stays text.
        var chart = window.echarts.init(el, null, {renderer: "svg", locale: document.documentElement.lang === "en" ? "EN" : "ZH"});
        chart.setOption(payload.option);
        window.addEventListener("resize", function () { chart.resize(); });
        el.dataset.chartState = "ready";
      })
      .catch(function () {
        el.style.height = "";
        say(el, el.dataset.chartError, "text-danger");
        el.dataset.chartState = "error";
      });
  }

  function start() {
    document.querySelectorAll(".kq-chart[data-chart-url]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
