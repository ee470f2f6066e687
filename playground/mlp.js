// The Neural net view: engine.nn.MLP trains on points in the plane in the page's Python worker
// (engine/playground/training.py), which also owns the settings, their limits and the square the points live in. The page
// asks for one step at a time, so Pause takes effect after the step in flight; between steps it asks for a frame
// (losses, the heatmap, the network, the first parameters) at most four times a second, and redraws one point's
// graph every two seconds while training runs (at once when paused).
import { both, comparing, engineSpeed, parting, trainer } from "./engines.js";
import { $, fmt, graphSvg, python, report } from "./page.js";
import { buildForm, fillForm, forms, lineChart, linkStrings, markInvalid, pauseLoop, playLoop, readForm } from "./training.js";
import { toLink } from "./views.js";

const mlp = {
  settings: null, train: [], test: [], features: [], running: false, generation: 0, history: [], frame: null,
  toggled: new Set(), lastFrame: 0, lastGraph: 0, stepTimes: [], cursor: [0, 0], form: null, extent: 2,
};

const formSettings = () => readForm($("mlp-settings"), mlp.form);

async function startRun(raw, fallback = false) {
  // a new run from the settings' strings; a refused setting shows its line, keeps what was typed, and the run on
  // the page stays (from a link, the defaults start instead, so the page still works)
  pauseMlp();
  const generation = ++mlp.generation;
  const [r] = await both("mlp_start", JSON.stringify(raw));
  if (fallback && r.error) {  // a link's setting refused: its line stays up while the defaults start
    await startRun({});
    $("mlp-error").textContent = r.error;
    return;
  }
  $("mlp-error").textContent = r.error || "";
  if (r.error) { markInvalid($("mlp-settings"), r.key); return; }
  if (generation !== mlp.generation) return;
  Object.assign(mlp, {
    settings: r.settings, train: r.train, test: r.test, features: r.features, history: [], stepTimes: [],
    losses: { yours: [], reference: [] }, parts: null,
  });
  mlp.toggled.clear();
  $("mlp-point").max = r.train.length - 1;
  if (Number($("mlp-point").value) > r.train.length - 1) $("mlp-point").value = 0;
  fillForm($("mlp-settings"), mlp.form, r.settings);
  if (window.playground.view === "mlp") toLink(linkStrings(r.settings));
  await showFrame(r.frame, true);
}

function record(f) {
  mlp.frame = f;
  if (!mlp.history.length || mlp.history[mlp.history.length - 1].step !== f.step) mlp.history.push(f);
  report("mlp", { step: f.step, loss: f.train_loss, frame: f });
}

async function frames() {  // the run's frame; with your engine, the reference twin's loss and speed beside it
  const [f, twin] = await Promise.all([trainer().call("mlp_frame"), comparing() ? python.call("mlp_figures") : null]);
  const frame = JSON.parse(f), figures = twin === null ? null : JSON.parse(twin);
  if (figures) Object.assign(frame, { reference_loss: figures.train_loss, reference_ms: figures.ms_per_step });
  return frame;
}

async function compare() {  // where your engine's minibatch losses part from the reference's, said under the chart
  if (!comparing()) { $("mlp-compare").textContent = ""; return; }
  const { step, words } = await parting(mlp.losses.yours, mlp.losses.reference);
  mlp.parts = step;
  report("mlp", { parts: step });
  $("mlp-compare").textContent = words;
}

async function showFrame(f, withGraph) {
  record(f);
  engineSpeed(f.ms_per_step, f.reference_ms);
  await compare();
  mlp.lastFrame = performance.now();
  drawHeatmap();
  drawNetwork();
  const h = mlp.history, steps = h.map((r) => r.step);
  lineChart($("mlp-chart"), steps, [
    { label: "train loss", values: h.map((r) => r.train_loss), color: "#1f78b4" },
    { label: "test loss", values: h.map((r) => r.test_loss ?? NaN), color: "#d95f02" },
    ...(comparing() ? [{ label: "reference's train", values: h.map((r) => r.reference_loss ?? NaN), color: "#555", width: 2.5 }] : []),
    ...(f.regression ? [] : [
      { label: "train acc", values: h.map((r) => r.train_accuracy), color: "#1f78b4", axis: "right", range: [0, 1], width: 0.8 },
      { label: "test acc", values: h.map((r) => r.test_accuracy ?? NaN), color: "#d95f02", axis: "right", range: [0, 1], width: 0.8 },
    ]),
  ], { title: f.regression ? "loss (log)" : "loss (left, log) and accuracy (right)", logLeft: true });
  const times = mlp.stepTimes.filter((t) => t > performance.now() - 3000);
  const rate = times.length > 1 ? (times.length - 1) / ((times[times.length - 1] - times[0]) / 1000) : null;
  report("mlp", { stepsPerSecond: rate });
  const accuracy = (x) => (x === null ? "" : `, accuracy ${Math.round(100 * x)}%`);
  $("mlp-figures").textContent = `step ${f.step}   train loss ${fmt(f.train_loss, 4)}${accuracy(f.train_accuracy)}`
    + (f.test_loss === null ? "" : `   test loss ${fmt(f.test_loss, 4)}${accuracy(f.test_accuracy)}`)
    + (rate ? `   ${rate.toFixed(1)} steps/s` : "") + (f.ms_per_step ? `   ${f.ms_per_step.toFixed(1)} ms in Python per step` : "");
  paramTable(f.params);
  if (withGraph || !mlp.running || performance.now() - mlp.lastGraph > 2000) await drawGraph();
}

function paramTable(params) {
  $("mlp-params").querySelector("tbody").replaceChildren(...params.map((p) => {
    const tr = document.createElement("tr");
    tr.dataset.name = p.name;
    for (const key of ["name", "value", "grad", "update", "m", "v"]) {
      const td = document.createElement("td");
      td.textContent = key === "name" ? p.name : fmt(p[key], 4);
      if (key !== "name" && p[key] !== null) td.dataset.exact = String(p[key]);  // every bit, for tests and tools
      tr.append(td);
    }
    return tr;
  }));
}

function colour(v, discrete) {  // blue for positive, orange for negative, paler near 0: [r, g, b]
  const t = discrete ? Math.sign(v) : Math.tanh(v), a = 0.15 + 0.45 * Math.abs(t);
  const [r, g, b] = t > 0 ? [31, 120, 180] : [217, 95, 2];
  return [255 + (r - 255) * a, 255 + (g - 255) * a, 255 + (b - 255) * a];
}

function picture(values, side, discrete = false) {  // a canvas of side x side cells, the first row at the bottom
  const canvas = new OffscreenCanvas(side, side), image = new ImageData(side, side);
  values.forEach((v, k) => image.data.set([...colour(v, discrete), 255], 4 * ((side - 1 - Math.floor(k / side)) * side + (k % side))));
  canvas.getContext("2d").putImageData(image, 0, 0);
  return canvas;
}

const at = (p, W, H) => [((p[0] + mlp.extent) / (2 * mlp.extent)) * W, ((mlp.extent - p[1]) / (2 * mlp.extent)) * H];

function drawHeatmap() {
  const canvas = $("mlp-heatmap"), ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height;
  const grid = mlp.frame.grid;
  ctx.imageSmoothingEnabled = !$("mlp-discrete").checked;
  ctx.drawImage(picture(grid.flat(), grid.length, $("mlp-discrete").checked), 0, 0, W, H);
  const chosen = Number($("mlp-point").value);
  const sets = $("mlp-show-test").checked ? [[mlp.train, false], [mlp.test, true]] : [[mlp.train, false]];
  for (const [points, test] of sets) {
    points.forEach(([p, label], index) => {
      const [x, y] = at(p, W, H);
      ctx.beginPath();
      ctx.arc(x, y, !test && index === chosen ? 6 : 3.5, 0, 2 * Math.PI);
      ctx.fillStyle = mlp.frame.regression ? `rgb(${colour(2 * label).join(",")})` : label > 0 ? "#1f78b4" : "#d95f02";
      ctx.strokeStyle = test ? "#fff" : "#000";
      ctx.lineWidth = !test && index === chosen ? 2.5 : 1;
      ctx.fill();
      ctx.stroke();
    });
  }
  ctx.lineWidth = 1;
  if (document.activeElement === canvas) {  // the keyboard's cross: Enter adds a point there
    const [x, y] = at(mlp.cursor, W, H);
    ctx.strokeStyle = "#000";
    ctx.beginPath();
    ctx.moveTo(x - 8, y); ctx.lineTo(x + 8, y); ctx.moveTo(x, y - 8); ctx.lineTo(x, y + 8);
    ctx.stroke();
  }
}

// The network, as TensorFlow Playground draws it: a column per layer, each node its output over the plane, each
// line a weight (or, with "show gradients", that weight's gradient from the last step).
const NODE = 40, GAP_X = 120, GAP_Y = 52, SVG = "http://www.w3.org/2000/svg";

function svgElement(name, attributes) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, v);
  return el;
}

function drawNetwork() {
  const side = Math.round(Math.sqrt(mlp.features[0].picture.length)), grads = $("mlp-show-grads").checked;
  const columns = [mlp.features.map((f) => ({ name: f.words, picture: f.picture })), ...mlp.frame.network];
  const tallest = Math.max(...columns.map((c) => c.length));
  const y = (c, i) => 24 + (tallest - columns[c].length) * GAP_Y / 2 + i * GAP_Y;
  const svg = svgElement("svg", { width: (columns.length - 1) * GAP_X + NODE + 80, height: tallest * GAP_Y + 30, role: "group", "aria-label": "the network: inputs, hidden layers and output" });
  const size = (v, top) => 0.5 + 5 * Math.min(1, Math.abs(v) / top);
  const top = grads ? Math.max(1e-12, ...mlp.frame.network.flat().flatMap((n) => n.wgrad.map(Math.abs))) : 1;
  columns.slice(1).forEach((column, c) => column.forEach((neuron, j) => neuron.w.forEach((w, i) => {
    const v = grads ? neuron.wgrad[i] : w;
    const line = svgElement("line", {
      x1: c * GAP_X + NODE, y1: y(c, i) + NODE / 2, x2: (c + 1) * GAP_X, y2: y(c + 1, j) + NODE / 2, tabindex: 0,
      stroke: v > 0 ? "#1f78b4" : "#d95f02", "stroke-width": size(v, top), "stroke-opacity": 0.8,
    });
    const words = `${neuron.name}.w${i + 1} = ${fmt(w, 4)}, gradient ${fmt(neuron.wgrad[i], 4)}`;
    line.setAttribute("aria-label", words);
    line.append(svgElement("title", {}));
    line.firstChild.textContent = words;
    const read = () => { $("mlp-edge").textContent = words; };
    line.addEventListener("mouseenter", read);
    line.addEventListener("focus", read);
    svg.append(line);
  })));
  columns.forEach((column, c) => column.forEach((node, i) => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = side;
    canvas.getContext("2d").drawImage(picture(node.picture, side), 0, 0);
    svg.append(svgElement("image", { x: c * GAP_X, y: y(c, i), width: NODE, height: NODE, href: canvas.toDataURL(), "image-rendering": "pixelated" }));
    const box = svgElement("rect", { x: c * GAP_X, y: y(c, i), width: NODE, height: NODE, fill: "none", stroke: "#555" });
    box.append(svgElement("title", {}));
    box.firstChild.textContent = c === 0 ? `input ${node.name}` : `${node.name}: bias ${fmt(node.b, 4)}, gradient ${fmt(node.bgrad, 4)}`;
    svg.append(box);
    const text = svgElement("text", { x: c * GAP_X + NODE / 2, y: y(c, i) - 4, "text-anchor": "middle", "font-size": 10 });
    text.textContent = c === 0 ? node.name : c === columns.length - 1 ? "output" : node.name;
    svg.append(text);
  }));
  mlp.frame.network.slice(0, -1).forEach((layer, c) => {  // each hidden layer's - and + buttons, above it
    for (const [sign, dx] of [[-1, 0], [1, 22]]) {
      const button = svgElement("g", { role: "button", tabindex: 0, "aria-label": `${sign > 0 ? "add a neuron to" : "remove a neuron from"} hidden layer ${c + 1}`, class: "neurons" });
      button.append(svgElement("rect", { x: (c + 1) * GAP_X + dx - 2, y: 0, width: 18, height: 14, fill: "#eee", stroke: "#999", rx: 3 }));
      const label = svgElement("text", { x: (c + 1) * GAP_X + dx + 7, y: 11, "text-anchor": "middle", "font-size": 12 });
      label.textContent = sign > 0 ? "+" : "\u2212";
      button.append(label);
      const act = () => resize(c, sign);
      button.addEventListener("click", act);
      button.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); act(); } });
      svg.append(button);
    }
  });
  $("mlp-network").replaceChildren(svg);
}

function resize(layer, by) {  // the network's +/- buttons: a neuron more or less in a layer, or a layer more or less
  const sizes = [...mlp.settings.hidden];
  if (layer === null) { if (by > 0) sizes.push(sizes[sizes.length - 1] || 2); else sizes.pop(); } else sizes[layer] += by;
  const raw = formSettings();
  raw.hidden = sizes.filter((n) => n > 0).join(",");
  return startRun(raw);
}

async function drawGraph() {
  mlp.lastGraph = performance.now();
  const r = JSON.parse(await trainer().call("mlp_point", $("mlp-point").value, JSON.stringify([...mlp.toggled])));  // the neurons clicked open or shut
  $("mlp-point-error").textContent = r.error || "";
  $("mlp-point").toggleAttribute("aria-invalid", Boolean(r.error));
  if (r.error) { $("mlp-graph").replaceChildren(); return; }
  const svg = graphSvg(r.dot);
  for (const g of svg.querySelectorAll("[id^=group-]")) {
    g.addEventListener("click", () => {
      const name = g.id.slice("group-".length);
      if (mlp.toggled.has(name)) mlp.toggled.delete(name); else mlp.toggled.add(name);
      drawGraph();
    });
  }
  $("mlp-graph").replaceChildren(svg);
  report("mlp", { point: r.index });
}

async function loopMlp() {
  const generation = mlp.generation;
  while (mlp.running && generation === mlp.generation) {
    const [r, twin] = await both("mlp_step", 1);
    if (generation !== mlp.generation) return;
    stepped(r, twin);
    mlp.stepTimes.push(performance.now());
    if (mlp.stepTimes.length > 500) mlp.stepTimes.splice(0, 250);
    report("mlp", { step: r.step });
    if (performance.now() - mlp.lastFrame > 250) await showFrame(await frames(), false);
  }
  if (generation === mlp.generation) await showFrame(await frames(), true);
}

function stepped(r, twin) {  // a step's minibatch losses, kept to compare the two engines
  if (!twin) return;
  mlp.losses.yours.push(...r.losses);
  mlp.losses.reference.push(...twin.losses);
}

const playMlp = () => playLoop(mlp, "mlp", loopMlp);
const pauseMlp = () => pauseLoop(mlp, "mlp");

async function stepMlp() {
  pauseMlp();
  stepped(...(await both("mlp_step", 1)));
  await showFrame(await frames(), true);
}

function plane(event) {  // where an event on the picture is: [x, y] in the plane and [px, py] on the canvas
  const canvas = $("mlp-heatmap"), box = canvas.getBoundingClientRect();
  const fx = (event.clientX - box.left) / box.width, fy = (event.clientY - box.top) / box.height;
  return [[fx * 2 * mlp.extent - mlp.extent, mlp.extent - fy * 2 * mlp.extent], [fx * canvas.width, fy * canvas.height]];
}

const chosenClass = (other) => Number(document.querySelector("input[name=mlp-class]:checked").value) * (other ? -1 : 1);

function clicked(event) {  // a click on a training point chooses it for the graph below; elsewhere it adds a point
  const [[x, y], [px, py]] = plane(event), canvas = $("mlp-heatmap");
  let nearest = -1, best = 8;
  mlp.train.forEach(([p], i) => {
    const [qx, qy] = at(p, canvas.width, canvas.height), d = Math.hypot(qx - px, qy - py);
    if (d < best) [nearest, best] = [i, d];
  });
  if (nearest >= 0) return choosePoint(nearest);
  return addPoint(x, y, chosenClass(event.shiftKey));
}

async function choosePoint(index) {
  $("mlp-point").value = index;
  mlp.toggled.clear();
  drawHeatmap();
  await drawGraph();
}

function keyed(event) {  // the same from the keyboard: arrows move a cross, Enter adds (shift: the other class)
  const moves = { ArrowLeft: [-0.1, 0], ArrowRight: [0.1, 0], ArrowUp: [0, 0.1], ArrowDown: [0, -0.1] };
  if (moves[event.key]) {
    event.preventDefault();
    const [dx, dy] = moves[event.key], clamp = (v) => Math.max(-mlp.extent, Math.min(mlp.extent, Math.round(v * 10) / 10));
    mlp.cursor = [clamp(mlp.cursor[0] + dx), clamp(mlp.cursor[1] + dy)];
    drawHeatmap();
  } else if (event.key === "Enter") {
    event.preventDefault();
    addPoint(mlp.cursor[0], mlp.cursor[1], chosenClass(event.shiftKey));
  }
}

async function addPoint(x, y, label) {
  const [r] = await both("mlp_add", x, y, label);
  $("mlp-error").textContent = r.error || "";
  if (r.error) return;
  mlp.settings.added.push(r.added);
  mlp.train.push([[r.added[0], r.added[1]], r.added[2]]);
  await pointsChanged();
}

async function removePoints(count) {  // undo (1) or clear (-1)
  const [r] = await both("mlp_remove", count);
  mlp.train.splice(mlp.train.length - (mlp.settings.added.length - r.added.length));
  mlp.settings.added = r.added;
  if (Number($("mlp-point").value) > mlp.train.length - 1) $("mlp-point").value = 0;
  await pointsChanged();
}

async function pointsChanged() {
  $("mlp-point").max = mlp.train.length - 1;
  fillForm($("mlp-settings"), mlp.form, { added: mlp.settings.added });
  toLink(linkStrings(mlp.settings));
  if (!mlp.running) await showFrame(await frames(), true);
}

function regenerate() {  // the next data seed: new points, the same network
  const raw = formSettings();
  raw.dataseed = String(mlp.settings.dataseed + 1);
  return startRun(raw);
}

async function setUp() {  // the form, once, from Python's description of the settings
  if (mlp.form) return;
  const described = await forms();
  mlp.form = described.mlp;
  mlp.extent = described.extent;
  buildForm($("mlp-settings"), mlp.form);
}

async function preview(link, content) {  // before Python is ready: the default run at step 0, made at build time
  if (Object.keys(link.settings).length) return false;
  const built = content.mlp;
  await setUp();
  if (window.playground.ready) return false;
  Object.assign(mlp, { train: built.train, test: built.test, features: built.features, frame: built.frame });
  fillForm($("mlp-settings"), mlp.form, built.settings);
  drawHeatmap();
  drawNetwork();
  paramTable(built.frame.params);
  $("mlp-status").textContent = "loading Python... (this picture was made when the site was built)";
  return true;
}

export const view = {
  preview,
  start: async (link) => {
    await setUp();
    $("mlp-play").onclick = () => (mlp.running ? pauseMlp() : playMlp());
    $("mlp-step").onclick = stepMlp;
    $("mlp-reset").onclick = () => startRun(formSettings());
    $("mlp-regenerate").onclick = regenerate;
    $("mlp-settings").onchange = () => startRun(formSettings());
    $("mlp-heatmap").onclick = clicked;
    $("mlp-heatmap").onkeydown = keyed;
    $("mlp-heatmap").onfocus = $("mlp-heatmap").onblur = () => drawHeatmap();
    $("mlp-point").onchange = () => { mlp.toggled.clear(); drawGraph(); drawHeatmap(); };
    $("mlp-undo").onclick = () => removePoints(1);
    $("mlp-clear").onclick = () => removePoints(-1);
    $("mlp-show-test").onchange = $("mlp-discrete").onchange = () => drawHeatmap();
    $("mlp-show-grads").onchange = () => drawNetwork();
    $("mlp-add-layer").onclick = () => resize(null, 1);
    $("mlp-remove-layer").onclick = () => resize(null, -1);
    await startRun(link.view === "mlp" ? link.settings : {}, true);
    $("mlp-status").textContent = "ready";
    if (link.view === "mlp" && link.play) playMlp();
  },
  show: () => {
    if (mlp.settings) toLink(linkStrings(mlp.settings));
    if (mlp.frame) report("mlp", { step: mlp.frame.step, loss: mlp.frame.train_loss, frame: mlp.frame });
  },
  hide: () => pauseMlp(),
  play: playMlp, pause: pauseMlp, stepOnce: stepMlp, reset: () => startRun(formSettings()),
  open: async (link) => { await startRun(link.settings, true); if (link.play) playMlp(); },  // a lesson's link
  choose: choosePoint, undo: () => removePoints(1), clear: () => removePoints(-1), regenerate,
  state: () => mlp,
};
window.playground.mlp = view;
