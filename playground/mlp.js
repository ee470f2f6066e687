// The Neural net view: engine.nn.MLP trains on 2-D points in the page's Python worker (engine/teach/live.py).
// The page asks for one step at a time, so Pause takes effect after the step in flight; between steps it asks
// for a frame (losses, the heatmap, the first parameters) at most four times a second, and redraws one point's
// graph every two seconds while training runs (at once when paused).
const m$ = (id) => document.getElementById(id);
const FIELDS = ["dataset", "n", "noise", "test", "hidden", "activation", "optimizer", "lr", "batch", "l2", "seed", "added"];
const mlp = {
  settings: null, train: [], test: [], running: false, generation: 0, history: [], frame: null,
  toggled: new Set(), lastFrame: 0, lastGraph: 0, stepTimes: [], cursor: [0, 0],
};

function formSettings() {
  const form = m$("mlp-settings"), out = {};
  for (const key of FIELDS) out[key] = form.elements[key].value.trim();
  return out;
}

function linkSettings(s) {  // the settings as the link writes them
  return { ...s, hidden: s.hidden.join(","), added: s.added.map((p) => p.join(",")).join(";") };
}

function fillForm(s) {
  const form = m$("mlp-settings");
  for (const [key, value] of Object.entries(linkSettings(s))) form.elements[key].value = String(value);
}

async function startRun(raw, fallback = false) {
  // a new run from the settings' strings; a rejected setting shows its line and the run on the page stays
  // (from a link, the defaults start instead, so the page still works)
  pauseMlp();
  const generation = ++mlp.generation;
  const r = JSON.parse(await python.call("mlp_start", JSON.stringify(raw)));
  if (fallback && r.error) {  // a link's setting refused: its line stays up while the defaults start
    await startRun({});
    m$("mlp-error").textContent = r.error;
    return;
  }
  m$("mlp-error").textContent = r.error || "";
  if (r.error) {
    if (mlp.settings) fillForm(mlp.settings);
    return;
  }
  if (generation !== mlp.generation) return;
  Object.assign(mlp, { settings: r.settings, train: r.train, test: r.test, history: [], stepTimes: [] });
  mlp.toggled.clear();
  fillForm(r.settings);
  if (window.playground.view === "mlp") toLink(linkSettings(r.settings));
  await showFrame(r.frame, true);
}

function record(f) {
  mlp.frame = f;
  if (!mlp.history.length || mlp.history[mlp.history.length - 1].step !== f.step) mlp.history.push(f);
  report("mlp", { step: f.step, loss: f.train_loss, frame: f });
}

async function showFrame(f, withGraph) {
  record(f);
  mlp.lastFrame = performance.now();
  drawHeatmap(f.grid);
  const h = mlp.history, steps = h.map((r) => r.step);
  lineChart(m$("mlp-chart"), steps, [
    { label: "train loss", values: h.map((r) => r.train_loss), color: "#1f78b4" },
    { label: "test loss", values: h.map((r) => r.test_loss ?? NaN), color: "#d95f02" },
    { label: "train acc", values: h.map((r) => r.train_accuracy), color: "#1f78b4", axis: "right", range: [0, 1], width: 0.8 },
    { label: "test acc", values: h.map((r) => r.test_accuracy ?? NaN), color: "#d95f02", axis: "right", range: [0, 1], width: 0.8 },
  ], { title: "loss (left, log) and accuracy (right)", logLeft: true });
  const times = mlp.stepTimes.filter((t) => t > performance.now() - 3000);
  const rate = times.length > 1 ? (times.length - 1) / ((times[times.length - 1] - times[0]) / 1000) : null;
  report("mlp", { stepsPerSecond: rate });
  m$("mlp-figures").textContent = `step ${f.step}   train loss ${fmt4(f.train_loss)}, accuracy ${pct(f.train_accuracy)}`
    + (f.test_loss === null ? "" : `   test loss ${fmt4(f.test_loss)}, accuracy ${pct(f.test_accuracy)}`)
    + (rate ? `   ${rate.toFixed(1)} steps/s` : "") + (f.ms_per_step ? `   ${f.ms_per_step.toFixed(1)} ms in Python per step` : "");
  paramTable(f.params);
  if (withGraph || !mlp.running || performance.now() - mlp.lastGraph > 2000) await drawGraph();
}

function pct(x) { return x === null ? "" : `${Math.round(100 * x)}%`; }

function paramTable(params) {
  m$("mlp-params").querySelector("tbody").replaceChildren(...params.map((p) => {
    const tr = document.createElement("tr");
    tr.dataset.name = p.name;
    for (const key of ["name", "value", "grad", "update", "m", "v"]) {
      const td = document.createElement("td");
      td.textContent = key === "name" ? p.name : fmt4(p[key]);
      if (key !== "name" && p[key] !== null) td.dataset.exact = String(p[key]);  // every bit, for tests and tools
      tr.append(td);
    }
    return tr;
  }));
}

const EXTENT = 2;  // engine/models/datasets.py's square
function drawHeatmap(grid) {
  const canvas = m$("mlp-heatmap"), ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height;
  const cells = grid.length, image = ctx.createImageData(cells, cells);
  grid.forEach((row, j) => row.forEach((score, i) => {
    const t = Math.tanh(score), k = 4 * ((cells - 1 - j) * cells + i), a = 0.15 + 0.45 * Math.abs(t);
    const [r, g, b] = t > 0 ? [31, 120, 180] : [217, 95, 2];
    image.data.set([255 + (r - 255) * a, 255 + (g - 255) * a, 255 + (b - 255) * a, 255], k);
  }));
  const cellCanvas = new OffscreenCanvas(cells, cells);
  cellCanvas.getContext("2d").putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(cellCanvas, 0, 0, W, H);
  const at = (p) => [((p[0] + EXTENT) / (2 * EXTENT)) * W, ((EXTENT - p[1]) / (2 * EXTENT)) * H];
  for (const [points, test] of [[mlp.train, false], [mlp.test, true]]) {
    points.forEach(([p, label], index) => {
      const [x, y] = at(p);
      ctx.beginPath();
      ctx.arc(x, y, !test && index === Number(m$("mlp-point").value) ? 6 : 3.5, 0, 2 * Math.PI);
      ctx.fillStyle = label > 0 ? "#1f78b4" : "#d95f02";
      ctx.strokeStyle = test ? "#fff" : "#000";
      ctx.fill();
      ctx.stroke();
    });
  }
  if (document.activeElement === canvas) {  // the keyboard's cross: Enter adds a point there
    const [x, y] = at(mlp.cursor);
    ctx.strokeStyle = "#000";
    ctx.beginPath();
    ctx.moveTo(x - 8, y); ctx.lineTo(x + 8, y); ctx.moveTo(x, y - 8); ctx.lineTo(x, y + 8);
    ctx.stroke();
  }
}

async function drawGraph() {
  mlp.lastGraph = performance.now();
  const index = Math.max(0, Math.min(mlp.train.length - 1, Number(m$("mlp-point").value) || 0));
  const dot = await python.call("mlp_point", index, JSON.stringify([...mlp.toggled]));  // the neurons clicked open or shut
  const svg = viz.renderSVGElement(dot);
  for (const g of svg.querySelectorAll("[id^=group-]")) {
    g.addEventListener("click", () => {
      const name = g.id.slice("group-".length);
      if (mlp.toggled.has(name)) mlp.toggled.delete(name); else mlp.toggled.add(name);
      drawGraph();
    });
  }
  m$("mlp-graph").replaceChildren(svg);
}

async function loopMlp() {
  const generation = mlp.generation;
  while (mlp.running && generation === mlp.generation) {
    const r = JSON.parse(await python.call("mlp_step", 1));
    if (generation !== mlp.generation) return;
    mlp.stepTimes.push(performance.now());
    if (mlp.stepTimes.length > 500) mlp.stepTimes.splice(0, 250);
    report("mlp", { step: r.step });
    if (performance.now() - mlp.lastFrame > 250) await showFrame(JSON.parse(await python.call("mlp_frame")), false);
  }
  if (generation === mlp.generation) await showFrame(JSON.parse(await python.call("mlp_frame")), true);
}

const playMlp = () => playLoop(mlp, "mlp", loopMlp);
const pauseMlp = () => pauseLoop(mlp, "mlp");

async function stepMlp() {
  pauseMlp();
  await python.call("mlp_step", 1);
  await showFrame(JSON.parse(await python.call("mlp_frame")), true);
}

function clicked(event) {  // a click adds a blue point (label 1), a shift-click an orange one (-1)
  const box = m$("mlp-heatmap").getBoundingClientRect();
  const x = ((event.clientX - box.left) / box.width) * 2 * EXTENT - EXTENT;
  const y = EXTENT - ((event.clientY - box.top) / box.height) * 2 * EXTENT;
  return addPoint(x, y, event.shiftKey ? -1 : 1);
}

function keyed(event) {  // the same from the keyboard: arrows move a cross, Enter adds (shift: the other class)
  const moves = { ArrowLeft: [-0.1, 0], ArrowRight: [0.1, 0], ArrowUp: [0, 0.1], ArrowDown: [0, -0.1] };
  if (moves[event.key]) {
    event.preventDefault();
    const [dx, dy] = moves[event.key], clamp = (v) => Math.max(-EXTENT, Math.min(EXTENT, Math.round(v * 10) / 10));
    mlp.cursor = [clamp(mlp.cursor[0] + dx), clamp(mlp.cursor[1] + dy)];
    drawHeatmap(mlp.frame.grid);
  } else if (event.key === "Enter") {
    event.preventDefault();
    addPoint(mlp.cursor[0], mlp.cursor[1], event.shiftKey ? -1 : 1);
  }
}

async function addPoint(x, y, label) {
  const r = JSON.parse(await python.call("mlp_add", x, y, label));
  m$("mlp-error").textContent = r.error || "";
  if (r.error) return;
  mlp.settings.added.push(r.added);
  mlp.train.push([[r.added[0], r.added[1]], r.added[2]]);
  fillForm(mlp.settings);
  toLink(linkSettings(mlp.settings));
  if (!mlp.running) await showFrame(JSON.parse(await python.call("mlp_frame")), true);
}

window.views.mlp = {
  start: async (link) => {
    m$("mlp-play").onclick = () => (mlp.running ? pauseMlp() : playMlp());
    m$("mlp-step").onclick = stepMlp;
    m$("mlp-reset").onclick = () => startRun(formSettings());
    m$("mlp-settings").onchange = () => startRun(formSettings());
    m$("mlp-heatmap").onclick = clicked;
    m$("mlp-heatmap").onkeydown = keyed;
    m$("mlp-heatmap").onfocus = m$("mlp-heatmap").onblur = () => drawHeatmap(mlp.frame.grid);
    m$("mlp-point").onchange = () => { mlp.toggled.clear(); drawGraph(); drawHeatmap(mlp.frame.grid); };
    await startRun(link.view === "mlp" ? link.settings : {}, true);
    m$("mlp-status").textContent = "ready";
    if (link.view === "mlp" && link.play) playMlp();
  },
  show: () => {
    if (mlp.settings) toLink(linkSettings(mlp.settings));
    if (mlp.frame) report("mlp", { step: mlp.frame.step, loss: mlp.frame.train_loss, frame: mlp.frame });
  },
  hide: () => pauseMlp(),
  play: playMlp, pause: pauseMlp, stepOnce: stepMlp, reset: () => startRun(formSettings()),
  state: () => mlp,
};
window.playground.mlp = window.views.mlp;
