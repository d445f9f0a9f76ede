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
