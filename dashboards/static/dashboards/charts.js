// Draw every Plotly figure on the page from its JSON <script> element (figures are built server-side).
// A trace whose meta has "links" (one same-site path per point, e.g. each practice's trend page on a funnel plot)
// opens the point's page when it is clicked; the table under each chart has the same links for keyboards.
// On a phone (a chart narrower than NARROW px) the figure is fitted to it before it is drawn: no toolbar over
// the title, the title and the notes above the plot wrapped between words, at most MAX_NARROW_TICKS period ticks
// (so they stay level), and the legend at the foot of the figure instead of over the axis labels. Wider, a title
// that would run under the toolbar wraps before it.
(function () {
  "use strict";
  var NARROW = 600;
  var MAX_NARROW_TICKS = 4;
  var TOOLBAR = 260;  // px of plotly's toolbar at the top right of a chart, and a gap
  function follow(event) {
    var point = event && event.points && event.points[0];
    var links = point && point.data && point.data.meta && point.data.meta.links;
    var url = links && links[point.pointIndex];
    if (typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/") { window.location.assign(url); }
  }
  function wrap(text, chars) {
    // Lines of at most `chars` characters, broken at spaces only (a word longer than a line keeps its own line).
    return String(text).split(/<br\s*\/?>/i).map(function (line) {
      var lines = [], current = "";
      line.split(" ").forEach(function (word) {
        if (current && (current + " " + word).length > chars) { lines.push(current); current = word; }
        else { current = current ? current + " " + word : word; }
      });
      lines.push(current);
      return lines.join("<br>");
    }).join("<br>");
  }
  function lineCount(text) { return String(text).split(/<br\s*\/?>/i).length; }
  function thin(axis) {
    if (!axis || !Array.isArray(axis.tickvals) || axis.tickvals.length <= MAX_NARROW_TICKS) { return; }
    var step = Math.ceil(axis.tickvals.length / MAX_NARROW_TICKS), keep = [];
    for (var i = axis.tickvals.length - 1; i >= 0; i -= step) { keep.unshift(i); }  // the latest stays labelled
    axis.tickvals = keep.map(function (i) { return axis.tickvals[i]; });
    if (Array.isArray(axis.ticktext)) { axis.ticktext = keep.map(function (i) { return axis.ticktext[i]; }); }
  }
  function legendRows(data) {
    return (data || []).filter(function (trace) { return trace.showlegend !== false && trace.name; }).length;
  }
  function topRoom(layout, width, titleWidth, wrapNotes) {
    // The title wrapped between words to `titleWidth` px and placed at the top of the figure, then the notes
    // above the plot (wrapped to the width on a phone): the top margin they need.
    var needed = 12;
    var title = layout.title && layout.title.text;
    if (title) {
      var size = (layout.title.font && layout.title.font.size) || 16;
      layout.title.text = wrap(String(title).replace(/<br\s*\/?>/gi, " "), Math.max(16, Math.floor(titleWidth / (size * 0.55))));
      layout.title.yref = "container";
      layout.title.y = 1;
      layout.title.yanchor = "top";
      var lines = lineCount(layout.title.text);
      layout.title.pad = { t: 10 + (lines - 1) * size };  // plotly lifts a title by its lines after the first
      needed += lines * Math.round(size * 1.3) + (lines - 1) * size;
    }
    (layout.annotations || []).forEach(function (note) {  // the notes between the title and the plot
      if (note.yref !== "paper" || !(note.y >= 1) || !note.text) { return; }
      var size = (note.font && note.font.size) || 12;
      if (wrapNotes) { note.text = wrap(note.text, Math.max(16, Math.floor((width - 20) / (size * 0.55)))); }
      needed += 10 + lineCount(note.text) * Math.round(size * 1.35);
    });
    return needed + 12;
  }
  function fitBesideToolbar(layout, width) {
    // Wider than a phone the toolbar shows on hover at the top right: a title that would run under it wraps.
    var title = layout.title && layout.title.text;
    if (!title) { return; }
    var size = (layout.title.font && layout.title.font.size) || 16;
    var longest = Math.max.apply(null, String(title).split(/<br\s*\/?>/i).map(function (l) { return l.length; }));
    if (longest * size * 0.55 <= width - TOOLBAR) { return; }
    var margin = layout.margin = layout.margin || {};
    var top = margin.t === undefined ? 80 : margin.t;
    margin.t = Math.max(top, topRoom(layout, width, width - TOOLBAR, false));
    if (layout.height) { layout.height += margin.t - top; }
  }
  function fitNarrow(layout, data, width) {
    var margin = layout.margin = layout.margin || {};
    var top = margin.t === undefined ? 80 : margin.t;
    var needed = topRoom(layout, width, width - 10, true);
    margin.t = Math.max(top, needed);
    var extra = margin.t - top;
    Object.keys(layout).forEach(function (key) {
      if (!/^xaxis\d*$/.test(key)) { return; }
      var axis = layout[key];
      thin(axis);
      if (Array.isArray(axis.ticktext)) { axis.ticktext = axis.ticktext.map(function (t) { return wrap(t, 10); }); }
      if (axis.title && axis.title.text) {  // automargin makes room for the extra lines
        axis.title.text = wrap(axis.title.text, Math.max(16, Math.floor(width / 14)));  // centred on the plot
      }
    });
    if (layout.legend && layout.legend.orientation === "h" && layout.showlegend !== false) {
      layout.legend.yref = "container";
      layout.legend.y = 0;
      layout.legend.yanchor = "bottom";
      extra += 20 * legendRows(data);  // the plot keeps its height above the legend
    }
    if (layout.height) { layout.height += extra; }
  }
  function draw(root) {
    root.querySelectorAll("[data-figure]").forEach(function (el) {
      var source = document.getElementById(el.dataset.figure);
      if (!source || el.dataset.drawn) { return; }
      var figure = JSON.parse(source.textContent);
      var layout = figure.layout || {};
      var config = { displaylogo: false, responsive: true };
      if (el.clientWidth && el.clientWidth < NARROW) {
        fitNarrow(layout, figure.data, el.clientWidth);
        config.displayModeBar = false;
      } else if (el.clientWidth) {
        fitBesideToolbar(layout, el.clientWidth);
      }
      window.Plotly.newPlot(el, figure.data, layout, config);
      if (el.on) { el.on("plotly_click", follow); }
      el.dataset.drawn = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
})();
