// Draw every Plotly figure on the page from its JSON <script> element (figures are built server-side).
// A trace whose meta has "links" (one same-site path per point, e.g. each practice's trend page on a funnel plot)
// opens the point's page when it is clicked; the table under each chart has the same links for keyboards.
(function () {
  "use strict";
  function follow(event) {
    var point = event && event.points && event.points[0];
    var links = point && point.data && point.data.meta && point.data.meta.links;
    var url = links && links[point.pointIndex];
    if (typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/") { window.location.assign(url); }
  }
  function draw(root) {
    root.querySelectorAll("[data-figure]").forEach(function (el) {
      var source = document.getElementById(el.dataset.figure);
      if (!source || el.dataset.drawn) { return; }
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(el, figure.data, figure.layout, { displaylogo: false, responsive: true });
      if (el.on) { el.on("plotly_click", follow); }
      el.dataset.drawn = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
})();
