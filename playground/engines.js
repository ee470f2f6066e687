// Your engine: the Neural net and GPT views train on the learner's engine.py, in a Pyodide worker of its own
// (python-worker.js with their engine.py in place of engine/engine.py), never in the page's Python worker, which
// holds the reference engine and the grader. The engine is graded first (the Exercises' grading, in its sandbox);
// the grader's verdict on exercises 1-6 says whether it is ready, and a warning names the ones that fail. While the
// learner's engine trains, the reference trains beside it on the same seed, so a wrong rule shows as a curve that
// parts from the reference's.
const engines = { chosen: "reference", yours: null, warning: "", card: null, check: null };
const STORED_ENGINE = "mini-autograd-engine/exercises/engine.py";  // the Exercises editor's text (exercises.js)

const trainer = () => (engines.chosen === "yours" ? engines.yours : python);
const comparing = () => engines.chosen === "yours";

async function both(op, ...args) {  // a training view's call on its run; with your engine, also on the reference's twin
  const [mine, twin] = await Promise.all([trainer().call(op, ...args), comparing() ? python.call(op, ...args) : null]);
  return [JSON.parse(mine), twin === null ? null : JSON.parse(twin)];
}

async function useEngine(source) {
  if (typeof source !== "string") throw new Error("useEngine(source): source is the text of an engine.py");
  engineLine("grading your engine.py first ...", "");
  const card = await window.playground.grade(source);
  if (card.error) { engineLine("", card.summary); throw new Error(card.summary); }
  const check = JSON.parse(await python.call("training_check", JSON.stringify(card)));
  const worker = new PythonWorker("python-worker.js");
  try {
    await worker.call("use_engine", source);
  } catch (e) {
    worker.stop();
    engineLine("", `engine.py does not load: ${e.message}`);
    throw new Error(`engine.py does not load: ${e.message}`);
  }
  if (engines.yours) engines.yours.stop();
  Object.assign(engines, { chosen: "yours", yours: worker, warning: check.warning, card, check });
  engineLine("", check.warning);
  await restartTraining();
  window.playground.engine = "yours";  // said once the views have started again on it
  return check;
}

async function useReference() {
  engines.chosen = "reference";
  engineLine("", "");
  await restartTraining();
  window.playground.engine = "reference";
}

async function restartTraining() {  // the training views that have started start again, on the chosen engine
  $("engine-choice").value = engines.chosen;
  for (const name of ["mlp", "gpt"]) {
    const view = window.views[name];
    if (view && view.state().settings) await view.reset();
  }
}

function engineLine(status, warning) {
  $("engine-badge").textContent = status || (comparing() ? "training on your engine" : "training on the reference engine");
  $("engine-badge").dataset.engine = engines.chosen;
  $("engine-warning").textContent = warning;
  $("engine-verdict").hidden = !warning || !engines.card;
  $("engine-editor").hidden = engines.chosen !== "yours";
}

function engineSpeed(yoursMs, referenceMs) {  // the badge: each engine's Python time per step
  if (!comparing() || !yoursMs) return;
  $("engine-badge").textContent = `training on your engine: ${yoursMs.toFixed(1)} ms per step`
    + (referenceMs ? ` (the reference: ${referenceMs.toFixed(1)} ms)` : "");
}

async function chooseEngine(value, source) {
  try {
    if (value === "reference") await useReference();
    else await useEngine(source ?? localStorage.getItem(STORED_ENGINE) ?? JSON.parse(await python.call("workspace")).source);
  } catch {
    $("engine-choice").value = engines.chosen;  // its line stays up; the engine on the page stays
  }
}

async function showVerdict() {  // the grader's verdict on the engine that trains, in the Exercises view
  await window.playground.showView("exercises");
  showScorecard(engines.card);
}

$("engine-choice").onchange = () => chooseEngine($("engine-choice").value);
$("engine-editor").onclick = () => chooseEngine("yours");
$("engine-file").onchange = async () => {
  const file = $("engine-file").files[0];
  if (file) await chooseEngine("yours", await file.text());
  $("engine-file").value = "";
};
$("engine-verdict").onclick = showVerdict;
engineLine("", "");
