// The Expression view: the text in the expression language, its graph before and after backward(), and the
// stepper that walks backward() one local derivative at a time (engine/teach/stepper.py, in the page's Python
// worker; viz.js draws the DOT it returns). And predict mode: the stepper asks for each local derivative and term
// before it shows the step, and Python checks each answer.
import { $, fmt, graphSvg, graphviz, ownsKeys, python, report } from "./page.js";
import { toLink } from "./views.js";

let steps = [], current = 0, playing = null;  // playing: the timer of "play", or null
const predict = { on: false, hideAnswers: false, revealed: new Set(), tries: 0, asking: null, right: 0, asked: 0 };

function show(k) {
  if (!steps.length) return;
  current = Math.max(0, Math.min(steps.length - 1, k));
  $("step").textContent = steps[current].text;
  $("sum").textContent = steps[current].sum;
  $("counter").textContent = `step ${current} of ${steps.length - 1}`;
  $("prev").disabled = current === 0;
  $("next").disabled = current === steps.length - 1;
  // the graph as this step leaves it (absent for a graph too large to draw): its grads fill in term by term
  $("stepgraph").replaceChildren(...(steps[current].dot ? [graphSvg(steps[current].dot)] : []));
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

const forward = () => { if (!predicting(current + 1)) show(current + 1); };  // predict mode asks first

async function render() {
  toLink();
  try {
    draw(JSON.parse(await python.call("explain", $("text").value)));
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
  $("before").replaceChildren(graphSvg(result.before));
  $("after").replaceChildren(graphSvg(result.after));
  $("grads").querySelector("tbody").replaceChildren(...result.inputs.map((r) => {
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
  setPredict(predict.on);  // a new expression: its steps are asked anew
  show(0);
}

function expressionText(link) {  // the link's text, else the example it names by its words in the menu
  const example = [...$("examples").options].find((o) => o.textContent === link.example);
  if (example) $("examples").value = example.value;
  return link.text !== null ? link.text.slice(0, 20000) : $("examples").value;
}

async function open(link) {
  $("text").value = expressionText(link);
  setPredict(link.view === "expression" && link.predict, link.answers === "hide");
  await render();
}

async function preview(link, content) {  // before Python is ready: the demo, drawn when the site was built
  if (link.text !== null && link.text !== content.text) return false;
  await graphviz();
  if (window.playground.ready || window.playground.rendered) return false;
  $("text").value = content.text;
  draw(content.expression);
  $("status").textContent = "loading Python... (the pictures below were made when the site was built)";
  return true;
}

// --- predict mode ---------------------------------------------------------------------------------------------

function setPredict(on, hideAnswers = predict.hideAnswers) {
  Object.assign(predict, { on, hideAnswers, revealed: new Set([0]), tries: 0, asking: null });
  $("predict-mode").checked = on;
  $("predict").hidden = true;
  $("play").disabled = on;  // in predict mode the learner moves the steps, one answer at a time
  concealAnswers(on && steps.length > 1);
  showScore();
}

export function resetScore() {  // a lesson counts its own answers
  Object.assign(predict, { right: 0, asked: 0 });
  showScore();
}

function concealAnswers(on) {  // the graph after backward() and the gradients give the answers away until the last step
  $("view-expression").classList.toggle("predicting", on);
}

function showScore() {
  window.playground.predictions = { right: predict.right, asked: predict.asked };
  $("predict-score").textContent = predict.on ? `score: ${predict.right} right of ${predict.asked} asked` : "";
}

function ask(k) {  // the question for step k, before the step is shown
  predict.asking = k;
  predict.tries = 0;
  const s = steps[k];
  $("predict").hidden = false;
  $("predict-local-label").textContent = s.ask_local;
  $("predict-term-label").textContent = s.ask_term;
  $("predict-local").value = $("predict-term").value = "";
  $("predict-result").textContent = "";
  $("predict-local").focus();
}

async function answer() {
  const k = predict.asking, s = steps[k];
  if (k === null) return;
  const [local, term] = await Promise.all([
    python.call("predicted", s.local, $("predict-local").value), python.call("predicted", s.term, $("predict-term").value),
  ]).then((answers) => answers.map(JSON.parse));
  if (local.right && term.right) {
    predict.right += 1;
    predict.asked += 1;
    $("predict-result").textContent = "right";
    return reveal(k);
  }
  predict.tries += 1;
  if (predict.tries === 1 || predict.hideAnswers) {
    $("predict-result").textContent = `not yet (${[local.right ? "" : "the local derivative", term.right ? "" : "the term"].filter(Boolean).join(" and ")}). Hint: ${s.hint}`;
    return;
  }
  predict.asked += 1;
  $("predict-result").textContent = `the answer: ${s.ask_local} = ${s.local}, and the term is ${s.term}`;
  return reveal(k);
}

function reveal(k) {
  predict.revealed.add(k);
  predict.asking = null;
  $("predict").hidden = true;
  showScore();
  show(k);
  if (k === steps.length - 1) concealAnswers(false);
  document.dispatchEvent(new Event("answered"));  // the course checks its lesson at once
}

function predicting(k) {  // called by the stepper before it shows step k: true when it asks instead
  if (!predict.on || predict.revealed.has(k) || k <= 0 || k >= steps.length) return false;
  ask(k);
  return true;
}

$("examples").onchange = () => { $("text").value = $("examples").value; render(); };
$("run").onclick = render;
$("prev").onclick = () => { pause(); show(current - 1); };
$("next").onclick = () => { pause(); forward(); };
$("play").onclick = () => (playing ? pause() : play());
$("predict-mode").onchange = () => setPredict($("predict-mode").checked);
$("predict-check").onclick = answer;
$("predict").addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); answer(); } });
document.addEventListener("keydown", (e) => {
  if (ownsKeys(e.target) || window.playground.view !== "expression") return;
  if (e.key === "ArrowRight") { pause(); forward(); }
  if (e.key === "ArrowLeft") { pause(); show(current - 1); }
  if (e.key === " " && e.target.tagName !== "BUTTON") {  // on a focused button, space is its own click
    e.preventDefault();
    if (playing) pause(); else if (!predict.on) play();
  }
});

export const view = {
  start: async (link) => {
    $("run").disabled = false;
    await open(link);
    $("status").textContent = "ready";
  },
  show: () => { toLink(); report("expression", { step: current, loss: null }); },
  hide: () => pause(),
  open,
  preview,
};
