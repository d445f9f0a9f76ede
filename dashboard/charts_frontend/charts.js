// Draws rows of Plotly figures sent by dashboard/charts.py, speaking Streamlit's component protocol:
// announce readiness, receive "streamlit:render" with the figures, report the frame's height.
(function () {
  "use strict";
  var CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
  var shown = null;

  function send(type, extra) {
    var message = { isStreamlitMessage: true, type: type };
    for (var k in extra) { message[k] = extra[k]; }
    window.parent.postMessage(message, "*");
  }

  function reportHeight() {
    send("streamlit:setFrameHeight", { height: document.documentElement.scrollHeight });
  }

  function cell(item, pending) {
    var box = document.createElement("div");
    if (item.badge) {
      var badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = item.badge.text;           // text, never markup
      badge.title = item.badge.help;
      badge.style.background = item.badge.background;
      badge.style.color = item.badge.color;
      box.appendChild(badge);
    }
    var plot = document.createElement("div");
    plot.className = "plot";
    plot.style.height = item.height + "px";
    box.appendChild(plot);
    pending.push(function () {
      return window.Plotly.newPlot(plot, item.figure.data, item.figure.layout, CONFIG);
    });
    return box;
  }

  function draw(rows) {
    var root = document.getElementById("root");
    root.textContent = "";
    var pending = [];
    rows.forEach(function (row) {
      var line = document.createElement("div");
      line.className = "row cols-" + row.length;
      row.forEach(function (item) { line.appendChild(cell(item, pending)); });
      root.appendChild(line);
    });
    reportHeight();
    Promise.all(pending.map(function (plot) { return plot(); })).then(function () {
      document.body.setAttribute("data-drawn", String(pending.length));
      reportHeight();
      return printCopy(rows);
    });
  }

  // A printer slices a frame like this one across pages wherever they end, through a chart. So, once drawn,
  // each chart is also left as a picture (SVG) beside the frame in the page itself, where the page's print
  // style shows them instead of the frame, a row at a time, each row kept on one page (dashboard/style.css).
  function printCopy(rows) {
    var host = null;
    try { host = window.frameElement; } catch (e) { host = null; }   // another origin: no print copy
    if (!host || !host.parentNode) { return null; }
    var plots = Array.prototype.slice.call(document.querySelectorAll(".plot"));
    return Promise.all(plots.map(function (plot) {
      return window.Plotly.toImage(plot, { format: "svg", width: plot.clientWidth || 800,
                                           height: plot.clientHeight || 360 });
    })).then(function (images) {
      var doc = host.ownerDocument;
      var box = doc.getElementById("segroi-print-charts");
      if (!box) {
        box = doc.createElement("div");
        box.id = "segroi-print-charts";
        host.parentNode.insertBefore(box, host.nextSibling);
      }
      box.textContent = "";
      var at = 0;
      rows.forEach(function (row) {
        var line = doc.createElement("div");
        line.className = "segroi-print-row";
        row.forEach(function (item) {
          var cellBox = doc.createElement("div");
          cellBox.className = "segroi-print-cell";
          if (item.badge) {
            var badge = doc.createElement("div");
            badge.className = "segroi-print-badge";
            badge.textContent = item.badge.text;
            cellBox.appendChild(badge);
          }
          var img = doc.createElement("img");
          img.src = images[at++];
          img.alt = ((item.figure.layout || {}).title || {}).text || "";
          cellBox.appendChild(img);
          line.appendChild(cellBox);
        });
        box.appendChild(line);
      });
      document.body.setAttribute("data-print-copy", String(images.length));
    });
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "streamlit:render" || !data.args) { return; }
    var key = JSON.stringify(data.args.rows);
    if (key === shown) { return; }
    shown = key;
    draw(data.args.rows);
  });
  window.addEventListener("resize", reportHeight);
  send("streamlit:componentReady", { apiVersion: 1 });
})();
