// The playground: a Pyodide worker runs engine/teach/stepper.py on the typed text; viz.js draws the DOT it returns.
const $ = (id) => document.getElementById(id);
const python = new PythonWorker();
let viz = null, steps = [], current = 0;

function fmt(x) { return Number.isFinite(x) ? Number(x.toPrecision(6)).toString() : String(x); }

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
  window.playground.step = current;
  if (current === steps.length - 1) pause();
}

function play() {
  if (current === steps.length - 1) show(0);  // from the end, play starts again
  playing = setInterval(() => show(current + 1), 900);
  $("play").textContent = "\u23F8 pause";
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

function draw(result) {
  $("error").textContent = result.error || "";
  if (result.error) return;
  $("methods").textContent = result.methods.map((m) => `.${m}()`).join(" ");  // engine/ops.py's
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
  show(0);
}

// The link: #view=expression&text=... reproduces what is on the page (the text goes to the expression
// language, which runs nothing but its own arithmetic; a rejected text shows its one line, as typed text does).
function fromLink() {
  const link = new URLSearchParams(location.hash.slice(1));
  return { view: link.get("view"), text: link.get("text") };
}

function toLink() {
  const link = new URLSearchParams({ view: window.playground.view });
  if (window.playground.view === "expression") link.set("text", $("text").value);
  history.replaceState(null, "", `#${link}`);
}

async function main() {
  const started = performance.now();
  [viz] = await Promise.all([Viz.instance(), python.call("ready")]);
  $("run").disabled = false;
  const link = fromLink();
  $("text").value = link.text !== null ? link.text.slice(0, 20000) : $("examples").value;
  if (link.view === "exercises") showView("exercises");
  await render();
  window.loadMilliseconds = Math.round(performance.now() - started);  // loaded: the demo is drawn
  $("status").textContent = `ready (Python and Graphviz loaded in ${window.loadMilliseconds} ms)`;
}

$("examples").onchange = () => { $("text").value = $("examples").value; render(); };
$("run").onclick = render;
$("prev").onclick = () => { pause(); show(current - 1); };
$("next").onclick = () => { pause(); show(current + 1); };
$("play").onclick = () => (playing ? pause() : play());
document.addEventListener("keydown", (e) => {
  if (e.target === $("text") || window.playground.view !== "expression") return;
  if (e.key === "ArrowRight") { pause(); show(current + 1); }
  if (e.key === "ArrowLeft") { pause(); show(current - 1); }
  if (e.key === " " && e.target.tagName !== "BUTTON") {  // on a focused button, space is its own click
    e.preventDefault();
    if (playing) pause(); else play();
  }
});
function showView(name) {  // the tabs: one view at a time
  for (const view of ["expression", "exercises"]) {
    $(`view-${view}`).hidden = view !== name;
    $(`tab-${view}`).setAttribute("aria-selected", String(view === name));
  }
  window.playground.view = name;
  if (window.loadMilliseconds !== undefined) toLink();
  if (name === "exercises" && window.playground.editor()) window.playground.editor().refresh();
}
window.playground = Object.assign(window.playground || {}, { view: "expression", showView, rendered: 0 });
$("tab-expression").onclick = () => showView("expression");
$("tab-exercises").onclick = () => showView("exercises");
main().catch((e) => { $("status").textContent = `failed: ${e}`; });
