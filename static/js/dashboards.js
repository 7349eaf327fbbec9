/* Draw the dashboard charts: each [data-figure] element names the <script type="application/json">
   holding its plotly figure (built in reports/dashboards/figures.py). No network access. */
(function () {
  "use strict";
  var config = {
    displaylogo: false,
    responsive: true,
    modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"],
    toImageButtonOptions: { format: "png", scale: 2 }
  };
  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-figure"));
    if (!source || typeof Plotly === "undefined") { return; }
    var figure = JSON.parse(source.textContent);
    Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
      element.setAttribute("data-rendered", "true");
    });
  }
  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-figure]"), draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
