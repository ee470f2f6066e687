// The playground: its views, its link, and the Expression view. A Pyodide worker runs all the page's Python
// (engine/teach/stepper.py for this view); viz.js draws the DOT it returns. Each view loads what it needs when it
// is first shown: Graphviz for the views that draw graphs, CodeMirror for the exercises, the names for the GPT.
const $ = (id) => document.getElementById(id);
const python = new PythonWorker();
const start = fetch("vendor/start.json").then((r) => r.json());  // made by playground/build.py with the same Python
let viz = null, steps = [], current = 0;

const VIEWS = {  // what each view loads when first shown, beside Pyodide and the engine
  expression: { scripts: [], graphviz: true },
  mlp: { scripts: ["training.js", "mlp.js"], graphviz: true },
  gpt: { scripts: ["training.js", "gpt.js"], graphviz: false },
  exercises: { scripts: ["vendor/codemirror/codemirror.js", "vendor/codemirror/python.js", "exercises.js"],
    css: "vendor/codemirror/codemirror.css", graphviz: true },
};
// the link's keys that are the page's own: the rest are the view's settings, which Python checks
const PAGE_KEYS = ["view", "play", "hide", "lesson", "predict", "answers", "example", ...Object.keys(VIEWS)];
const loading = {};

function load(src) {  // a script, once
  loading[src] ||= new Promise((resolve, reject) => {
    const tag = document.createElement("script");
    tag.src = src;
    tag.onload = resolve;
    tag.onerror = () => reject(new Error(`${src} did not load`));
    document.head.append(tag);
  });
  return loading[src];
}

function report(view, fields) {  // window.playground speaks for the visible view only
  if (window.playground.view === view) Object.assign(window.playground, fields);
}

async function graphviz() {  // viz.js, loaded by the first view that draws
  await load("vendor/viz/viz-global.js");
  viz ||= await Viz.instance();
  return viz;
}

async function loadView(name) {  // the view's scripts, then its start(link) once
  const view = VIEWS[name];
  view.started ||= (async () => {
    if (view.css) document.head.append(Object.assign(document.createElement("link"), { rel: "stylesheet", href: view.css }));
    if (view.graphviz) await graphviz();
    for (const src of view.scripts) await load(src);  // in order: CodeMirror before its Python mode
    await window.views[name].start(fromLink());
  })();
  return view.started;
}

function fmt(x, digits = 6) {  // a number as the page shows it; inf, -inf and nan as Python writes them; null as nothing
  return x === null || x === undefined ? "" : Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : String(x);
}

let playing = null;  // the timer of "play", or null

function show(k) {
  if (!steps.length) return;
  current = Math.max(0, Math.min(steps.length - 1, k));
  $("step").textContent = steps[current].text;
  $("sum").textContent = steps[current].sum;
  $("counter").textContent = `step ${current} of ${steps.length - 1}`;
  $("prev").disabled = current === 0;
  $("next").disabled = current === steps.length - 1;
  // the graph as this step leaves it (absent for a graph too large to draw): its grads fill in term by term
  $("stepgraph").replaceChildren(...(steps[current].dot ? [viz.renderSVGElement(steps[current].dot)] : []));
  report("expression", { step: current });
  if (current === steps.length - 1) pause();
}

function play() {
  if (current === steps.length - 1) show(0);  // from the end, play starts again
  playing = setInterval(() => show(current + 1), 900);
  $("play").textContent = "\u25AE\u25AE pause";
}

function pause() {
  clearInterval(playing);
  playing = null;
  $("play").textContent = "\u25B6 play";
}

async function render() {
  toLink();
  try {
    await draw(JSON.parse(await python.call("explain", $("text").value)));
  } finally {
    window.playground.rendered += 1;  // for tests and course tools: a render has finished, drawn or refused
  }
}

function clearExpression() {  // a rejected text leaves no earlier result on the page
  pause();
  steps = [];
  for (const id of ["before", "after", "stepgraph"]) $(id).replaceChildren();
  $("grads").querySelector("tbody").replaceChildren();
  for (const id of ["step", "sum", "counter"]) $(id).textContent = "";
  $("prev").disabled = $("next").disabled = true;
}

function draw(result) {
  $("error").textContent = result.error || "";
  if (result.error) { clearExpression(); report("expression", { step: 0 }); return; }
  $("methods").textContent = result.methods.map((m) => `.${m}()`).join(" ");  // engine/ops.py's
  $("predict-tolerance").textContent = `an answer within ${100 * result.tolerance}% counts (within ${result.tolerance} for a number under 1)`;
  $("before").replaceChildren(viz.renderSVGElement(result.before));
  $("after").replaceChildren(viz.renderSVGElement(result.after));
  const body = $("grads").querySelector("tbody");
  body.replaceChildren(...result.inputs.map((r) => {
    const tr = document.createElement("tr");
    tr.dataset.name = r.name;
    for (const cell of [r.name, fmt(r.value), fmt(r.grad), fmt(r.fd)]) {
      const td = document.createElement("td");
      td.textContent = cell;
      tr.append(td);
    }
    tr.children[2].dataset.grad = String(r.grad);
    return tr;
  }));
  steps = result.steps;
  pause();
  if (typeof setPredict === "function") setPredict(predict.on);  // a new expression: its steps are asked anew
  show(0);
}

// The link: #view=expression&text=... reproduces what is on the page (the text goes to the expression
// language, which runs nothing but its own arithmetic; a rejected text shows its one line, as typed text does).
// A view's settings are in the link too (the MLP's dataset, points, sizes, rate and seed; the GPT's); #mlp&play
// starts training on load, and hide=settings,graph,... hides those panels for a focused lesson. The views' own
// keys go to Python, which checks each one (engine/playground/training.py): a link is text and runs nothing.
function fromLink() {
  const link = new URLSearchParams(location.hash.slice(1));
  const view = link.get("view") || Object.keys(VIEWS).find((name) => link.has(name)) || "expression";
  const settings = {};
  for (const [key, value] of link) if (!PAGE_KEYS.includes(key) && key !== "text") settings[key] = value.slice(0, 20000);
  return {
    view: Object.hasOwn(VIEWS, view) ? view : "expression", text: link.get("text"), play: link.has("play"),
    hide: (link.get("hide") || "").split(",").filter(Boolean), settings, lesson: link.get("lesson"),
    predict: link.has("predict"), answers: link.get("answers"), example: link.get("example"),
  };
}

function toLink(settings = {}) {
  const link = new URLSearchParams({ view: window.playground.view });
  if (window.playground.view === "expression") link.set("text", $("text").value);
  for (const [key, value] of Object.entries(settings)) link.set(key, value);
  const now = fromLink();
  if (now.hide.length) link.set("hide", now.hide.join(","));
  if (now.lesson) link.set("lesson", now.lesson);  // a lesson's page keeps its lesson, its mode and its answers
  if (now.predict) link.set("predict", "");
  if (now.answers) link.set("answers", now.answers);
  history.replaceState(null, "", `#${link}`);
  showLessonLink();  // the lesson link follows the page, whichever view it shows
}

function hidePanels(names) {  // a teacher's link shows only what the lesson needs, and not the sharing itself
  for (const name of names) for (const panel of document.querySelectorAll(`[data-panel="${CSS.escape(name)}"]`)) panel.hidden = true;
  if (names.includes("tabs")) document.querySelector("nav").hidden = true;
  if (names.length) $("lesson").hidden = true;
}

function lessonLink() {  // this page's link, with the panels ticked hidden and, if ticked, training on load
  const link = new URLSearchParams(location.hash.slice(1));
  const hide = [...document.querySelectorAll("#lesson-hide input[value]:checked")].map((box) => box.value);
  link.delete("hide");
  link.delete("play");
  if (hide.length) link.set("hide", hide.join(","));
  if ($("lesson-play").checked) link.set("play", "");
  return `${location.origin}${location.pathname}#${link}`;
}

function showLessonLink() { $("lesson-link").value = lessonLink(); $("lesson-status").textContent = ""; }
$("lesson").addEventListener("toggle", showLessonLink);
$("lesson").addEventListener("change", showLessonLink);
$("lesson-link").addEventListener("focus", showLessonLink);
$("lesson-copy").onclick = async () => {
  showLessonLink();
  try {
    await navigator.clipboard.writeText($("lesson-link").value);
    $("lesson-status").textContent = "copied";
  } catch {
    $("lesson-link").select();  // no clipboard here: the link is selected for Ctrl-C
    $("lesson-status").textContent = "selected: press Ctrl-C";
  }
};

function expressionText(link) {  // the link's text, else the example it names by its words in the menu
  const example = [...$("examples").options].find((o) => o.textContent === link.example);
  if (example) $("examples").value = example.value;
  return link.text !== null ? link.text.slice(0, 20000) : $("examples").value;
}

async function startExpression() {
  await graphviz();
  $("run").disabled = false;
  const link = fromLink();
  $("text").value = expressionText(link);
  setPredict(link.view === "expression" && link.predict, link.answers === "hide");
  await render();
  $("status").textContent = "ready";
}

async function openLink(link) {  // what loading the page with this link would show, without loading it again
  const fresh = !VIEWS[link.view].started;  // a view started now has started from this very link
  await showView(link.view);
  if (link.view === "expression") {
    $("text").value = expressionText(link);
    setPredict(link.predict, link.answers === "hide");
    await render();
  } else if (!fresh && window.views[link.view].open) {
    await window.views[link.view].open(link);
  }
}

async function preview(link) {  // while Pyodide loads: the view's starting content, as built with the site
  const built = await start;
  if (link.view === "mlp" && !Object.keys(link.settings).length) {
    for (const src of VIEWS.mlp.scripts) await load(src);
    if (window.playground.ready) return;
    await window.views.mlp.preview(built.mlp);
  } else if (link.view === "expression" && (link.text === null || link.text === built.text)) {
    await graphviz();
    if (window.playground.ready || window.playground.rendered) return;
    $("text").value = built.text;
    draw(built.expression);
    $("status").textContent = "loading Python... (the pictures below were made when the site was built)";
  } else {
    return;
  }
  window.playground.preview = true;
  window.playground.previewAt = performance.now();
}

async function main() {
  const started = performance.now();
  const link = fromLink();
  hidePanels(link.hide);
  preview(link).catch(() => {});  // the demo drawn while Python loads; Python's own render replaces it
  await python.call("ready");
  await showView(chosenView || link.view);  // a tab the learner clicked while Python loaded wins over the link
  if (link.lesson !== null && !chosenView) await openLesson(Number(link.lesson)).catch((e) => { $("status").textContent = e.message; });
  window.loadMilliseconds = Math.round(performance.now() - started);  // loaded: the first view works
  window.playground.ready = true;
  window.playground.readyAt = performance.now();  // for course tools and tests: what happens after loading
  $("status").textContent = `ready (loaded in ${window.loadMilliseconds} ms)`;
  if ("serviceWorker" in navigator) {  // sw.js keeps the site for offline use, fetched once this view works
    navigator.serviceWorker.register("sw.js")
      .then(() => navigator.serviceWorker.ready)
      .then(() => { window.playground.offlineReady = true; })
      .catch(() => {});  // a host without service workers: the page works online as before
  }
}

$("examples").onchange = () => { $("text").value = $("examples").value; render(); };
$("run").onclick = render;
const forward = () => { if (!predicting(current + 1)) show(current + 1); };  // predict mode asks first
$("prev").onclick = () => { pause(); show(current - 1); };
$("next").onclick = () => { pause(); forward(); };
$("play").onclick = () => (playing ? pause() : play());
function ownsKeys(target) {  // a control that uses the keys itself: typing, choosing, ticking, opening, editing
  return ["INPUT", "TEXTAREA", "SELECT", "SUMMARY"].includes(target.tagName) || target.isContentEditable
    || target.getAttribute?.("role") === "button";
}
document.addEventListener("keydown", (e) => {  // the training views: space plays or pauses, -> takes one step
  const view = window.views[window.playground.view];
  if (!view || !view.stepOnce || ownsKeys(e.target) || ["BUTTON", "CANVAS"].includes(e.target.tagName)) return;
  if (e.key === " ") { e.preventDefault(); if (view.state().running) view.pause(); else view.play(); }
  if (e.key === "ArrowRight") view.stepOnce();
});
document.addEventListener("keydown", (e) => {
  if (ownsKeys(e.target) || window.playground.view !== "expression") return;
  if (e.key === "ArrowRight") { pause(); forward(); }
  if (e.key === "ArrowLeft") { pause(); show(current - 1); }
  if (e.key === " " && e.target.tagName !== "BUTTON") {  // on a focused button, space is its own click
    e.preventDefault();
    if (playing) pause(); else if (!predict.on) play();
  }
});
async function showView(name) {  // the tabs: one view at a time; a view that trains pauses when hidden
  if (!Object.hasOwn(VIEWS, name)) throw new Error(`no view '${String(name).slice(0, 40)}': the views are ${Object.keys(VIEWS).join(", ")}`);
  for (const view of Object.keys(VIEWS)) {
    $(`view-${view}`).hidden = view !== name;
    $(`tab-${view}`).setAttribute("aria-selected", String(view === name));
    if (view !== name && window.views && window.views[view]) window.views[view].hide();
  }
  $("engine-bar").hidden = !["mlp", "gpt"].includes(name);  // the training views train on either engine
  window.playground.view = window.playground.tab = name;
  await loadView(name);
  if (window.playground.view === name) window.views[name].show();
}
window.views = window.views || {};
window.views.expression = {
  start: startExpression,
  show: () => { toLink(); report("expression", { step: current, loss: null }); },
  hide: () => pause(),
};
window.playground = Object.assign(window.playground || {}, {
  // every field exists from the start (null until its view says otherwise), so course tools can wait on any
  ready: false, view: "expression", tab: "expression", showView, rendered: 0, step: 0, loss: null,
  editor: null, mlp: null, gpt: null, training: false, frame: null, stepsPerSecond: null, msPerStep: null,
  samples: null, point: null, preview: false, previewAt: null, scorecard: null,
  lesson: null, progress: [], engine: "reference", predictions: { right: 0, asked: 0 },
  useEngine: (source) => useEngine(source),  // for course tools: a Promise; rejects with the grader's line
  openLesson: (number) => openLesson(number),
  grade: async (source) => {  // for course tools: a Promise of the scorecard of `grade DIR --json`
    if (typeof source !== "string") throw new Error("grade(source): source is the text of an engine.py");
    await loadView("exercises");
    return window.views.exercises.grade(source);
  },
});
let chosenView = null;
for (const name of Object.keys(VIEWS)) $(`tab-${name}`).onclick = () => { chosenView = name; return showView(name); };
main().catch((e) => { $("status").textContent = `failed: ${e}`; });
