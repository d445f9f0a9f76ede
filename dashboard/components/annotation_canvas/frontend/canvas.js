// segroi annotation canvas: draws shapes over an image and measures activity in the browser.
// What is recorded and reported, and how the server checks it: engine/annotation/activity.py.
// Streamlit's component protocol (v1) is spoken directly through postMessage: no build step.
"use strict";

const CLOSE_PX = 10;        // a click this close to the first vertex closes the polygon
const MIN_BOX_PX = 3;       // a smaller drag is not a box

const canvas = document.getElementById("canvas");
const ctx = canvas.getContext("2d");
const bar = document.getElementById("bar");
const undoButton = document.getElementById("undo");
const clearButton = document.getElementById("clear");

let args = null;            // the page's settings (see annotation_canvas/__init__.py)
let item = null;            // the item token: a new one starts a new record
let t0 = 0;                 // ms since the epoch (browser clock) when this item's canvas started
let events = [];            // [ms after t0, kind]
let lastRecorded = -Infinity;
let lastSent = -Infinity;
let unsent = false;
let shapes = {polygons: [], boxes: [], points: []};
let history = [];           // "polygon" | "box" | "point", in drawing order, for undo
let open = [];              // vertices of the polygon being traced
let drag = null;            // the box being dragged
let hover = null;
let picture = null;
let pictureSrc = null;

function send(type, data) {
  if (!window.parent || window.parent === window) return;
  window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, data), "*");
}

function clockMs() {        // monotonic within the page, on the epoch scale
  return performance.timeOrigin + performance.now();
}

function sinceStart() {
  return Math.max(0, Math.round(clockMs() - t0));
}

function record(kind) {
  if (!item) return;
  const t = sinceStart();
  const pointerMove = kind === "move" || kind === "drag";
  if (pointerMove && t - lastRecorded < args.move_interval_ms) return;
  if (events.length >= args.max_events) {
    // full: keep the latest pointer time current instead of growing the list
    const last = events[events.length - 1];
    if (last && last[1] !== "hidden" && last[1] !== "visible" && kind !== "hidden" && kind !== "visible") {
      last[0] = t;
    }
    return;
  }
  events.push([t, kind]);
  lastRecorded = t;
  unsent = true;
}

function report() {
  const sent = sinceStart();
  lastSent = sent;
  unsent = false;
  send("streamlit:setComponentValue", {
    dataType: "json",
    value: {v: 1, item: item, t0: t0, sent: sent, events: events.slice(),
            shapes: {polygons: shapes.polygons, boxes: shapes.boxes, points: shapes.points},
            open: open.length},
  });
}

// -- activity: every pointer event on the component, and page visibility -------------------
function visibility() {
  return document.visibilityState === "hidden" ? "hidden" : "visible";
}

document.addEventListener("pointerdown", () => record("down"), true);
// a press anywhere else on the page (Accept, a prompt mode): reported at once, so the server has
// it before it handles the button the press is on
function pressed() {
  record("press");
  if (item) report();
}
let page = null;
try {
  page = window.parent.document;
  page.addEventListener("pointerdown", pressed, true);
} catch (err) {
  page = null;   // the page is on another origin: the server's own time of the press is used
}
window.addEventListener("pagehide", () => {   // this canvas is gone (the next item has its own)
  if (page) page.removeEventListener("pointerdown", pressed, true);
  page = null;
});
document.addEventListener("pointerup", () => record("up"), true);
document.addEventListener("pointermove", (e) => record(e.buttons ? "drag" : "move"), true);
document.addEventListener("visibilitychange", () => {
  if (!item) return;
  record(visibility());
  report();
});
canvas.addEventListener("pointerleave", () => {
  if (unsent) report();     // on the way to a button outside: let the server have it first
});
setInterval(() => {         // the heartbeat: only while there is something new
  if (item && unsent && sinceStart() - lastSent >= args.heartbeat_ms) report();
}, 500);

// -- drawing -------------------------------------------------------------------------------
function at(e) {
  const x = Math.min(Math.max(e.offsetX, 0), canvas.width);
  const y = Math.min(Math.max(e.offsetY, 0), canvas.height);
  return [x, y];
}

function changed() {
  draw();
  report();
}

canvas.addEventListener("pointerdown", (e) => {
  if (!args || args.mode === "view" || e.button !== 0) return;
  const p = at(e);
  if (args.mode === "polygon") {
    if (open.length >= 3 && Math.hypot(p[0] - open[0][0], p[1] - open[0][1]) <= CLOSE_PX) {
      shapes.polygons.push(open);
      history.push("polygon");
      open = [];
      changed();
    } else {
      open.push(p);
      draw();
    }
  } else if (args.mode === "box") {
    canvas.setPointerCapture(e.pointerId);
    drag = [p[0], p[1], p[0], p[1]];
    draw();
  } else if (args.mode === "point") {
    shapes.points.push([p[0], p[1], args.point_label]);
    history.push("point");
    changed();
  }
});

canvas.addEventListener("pointermove", (e) => {
  if (!args) return;
  hover = at(e);
  if (drag) {
    drag[2] = hover[0];
    drag[3] = hover[1];
  }
  if (drag || open.length) draw();
});

canvas.addEventListener("pointerup", (e) => {
  if (!drag) return;
  const p = at(e);
  const box = [Math.min(drag[0], p[0]), Math.min(drag[1], p[1]), Math.max(drag[0], p[0]), Math.max(drag[1], p[1])];
  drag = null;
  if (box[2] - box[0] >= MIN_BOX_PX && box[3] - box[1] >= MIN_BOX_PX) {
    shapes.boxes.push(box);
    history.push("box");
    changed();
  } else {
    draw();
  }
});

undoButton.addEventListener("click", () => {
  if (open.length) {
    open.pop();
    draw();
    return;
  }
  const last = history.pop();
  if (!last) return;
  shapes[last === "polygon" ? "polygons" : last === "box" ? "boxes" : "points"].pop();
  changed();
});

clearButton.addEventListener("click", () => {
  const had = history.length > 0;
  shapes = {polygons: [], boxes: [], points: []};
  history = [];
  open = [];
  if (had) changed(); else draw();
});

function path(points, close) {
  ctx.beginPath();
  points.forEach((p, i) => (i ? ctx.lineTo(p[0], p[1]) : ctx.moveTo(p[0], p[1])));
  if (close) ctx.closePath();
}

function dot(p, r, fill) {
  ctx.beginPath();
  ctx.arc(p[0], p[1], r, 0, 2 * Math.PI);
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.lineWidth = 1;
  ctx.strokeStyle = "#ffffff";
  ctx.stroke();
}

function draw() {
  if (!args) return;
  const c = args.colors;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (picture && picture.complete) ctx.drawImage(picture, 0, 0, canvas.width, canvas.height);
  ctx.lineWidth = 2;
  for (const poly of shapes.polygons) {
    path(poly, true);
    ctx.fillStyle = "rgba(0, 176, 255, 0.15)";
    ctx.fill();
    ctx.strokeStyle = c.trace;
    ctx.stroke();
  }
  if (open.length) {
    ctx.strokeStyle = c.trace;
    ctx.lineWidth = 2;
    path(hover ? open.concat([hover]) : open, false);
    ctx.stroke();
    open.forEach((p) => dot(p, 3, c.trace));
    if (open.length >= 3) {
      ctx.beginPath();
      ctx.arc(open[0][0], open[0][1], CLOSE_PX, 0, 2 * Math.PI);
      ctx.strokeStyle = c.trace;
      ctx.lineWidth = 1;
      ctx.stroke();
    }
  }
  ctx.lineWidth = 2;
  ctx.strokeStyle = c.box;
  for (const b of shapes.boxes) ctx.strokeRect(b[0], b[1], b[2] - b[0], b[3] - b[1]);
  if (drag) {
    ctx.setLineDash([6, 4]);
    ctx.strokeRect(Math.min(drag[0], drag[2]), Math.min(drag[1], drag[3]),
                   Math.abs(drag[2] - drag[0]), Math.abs(drag[3] - drag[1]));
    ctx.setLineDash([]);
  }
  for (const p of shapes.points) dot(p, 4, p[2] ? c.positive : c.negative);
}

// -- Streamlit -------------------------------------------------------------------------------
function start(token) {      // a new item: a new record
  item = token;
  t0 = Math.round(clockMs());
  events = [];
  lastRecorded = -Infinity;
  shapes = {polygons: [], boxes: [], points: []};
  history = [];
  open = [];
  drag = null;
  record(visibility());
  report();
}

window.addEventListener("message", (e) => {
  const data = e.data;
  if (!data || data.type !== "streamlit:render") return;
  args = data.args;
  if (canvas.width !== args.width || canvas.height !== args.height) {
    canvas.width = args.width;
    canvas.height = args.height;
  }
  canvas.className = args.mode === "view" ? "view" : "";
  bar.className = args.mode === "view" ? "bar hidden" : "bar";
  undoButton.textContent = args.texts.undo;
  clearButton.textContent = args.texts.clear;
  if (args.image !== pictureSrc) {
    pictureSrc = args.image;
    picture = new Image();
    picture.onload = draw;
    picture.src = args.image;
  }
  if (args.item !== item) start(args.item);
  draw();
  send("streamlit:setFrameHeight", {height: document.body.scrollHeight});
});

send("streamlit:componentReady", {apiVersion: 1});
