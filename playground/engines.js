// Your engine: the Neural net and GPT views train on the learner's engine.py, in a Pyodide worker of its own
// (python-worker.js with their engine.py in place of engine/engine.py), never in the page's Python worker, which
// holds the reference engine and the grader. The engine is graded first (the Exercises' grading, in its sandbox);
// the grader's verdict on exercises 1-6 says whether it is ready, and a warning names the ones that fail. While the
// learner's engine trains, the reference trains beside it on the same seed, so a wrong rule shows as a curve that
// parts from the reference's.
import { $, python, STORED_ENGINE } from "./page.js";
import { VIEWS, loadView, showView, views } from "./views.js";
import { PythonWorker } from "./worker-client.js";

export const engines = { chosen: "reference", yours: null, warning: "", card: null, check: null };

export const trainer = () => (engines.chosen === "yours" ? engines.yours : python);
export const comparing = () => engines.chosen === "yours";

export async function both(op, ...args) {  // a training view's call on its run; with your engine, also on the reference's twin
  const [mine, twin] = await Promise.all([trainer().call(op, ...args), comparing() ? python.call(op, ...args) : null]);
  return [JSON.parse(mine), twin === null ? null : JSON.parse(twin)];
}

export async function parting(yours, reference) {  // where your engine's losses part from its reference twin's
  const { step } = JSON.parse(await python.call("parting", JSON.stringify(yours), JSON.stringify(reference)));
  const grader = engines.check?.failing.length ? ` (the grader: ${engines.warning.replace(/: its training.*$/, "")})` : "";
  const words = !yours.length ? ""
    : step === null ? `your engine's losses are the reference's, step for step (${yours.length} steps)`
      : `your engine's loss parts from the reference's at step ${step}${grader}`;
  return { step, words };
}

export async function gradeEngine(source) {  // the scorecard of `grade DIR --json`, graded by the Exercises view
  if (typeof source !== "string") throw new Error("grade(source): source is the text of an engine.py");
  await loadView("exercises");
  return views.exercises.grade(source);
}

export async function useEngine(source) {
  if (typeof source !== "string") throw new Error("useEngine(source): source is the text of an engine.py");
  engineLine("grading your engine.py first ...", "");
  const card = await gradeEngine(source);
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
  for (const name of Object.keys(VIEWS).filter((name) => VIEWS[name].trains)) {
    if (views[name]?.state().settings) await views[name].reset();
  }
}

function engineLine(status, warning) {
  $("engine-badge").textContent = status || (comparing() ? "training on your engine" : "training on the reference engine");
  $("engine-badge").dataset.engine = engines.chosen;
  $("engine-warning").textContent = warning;
  $("engine-verdict").hidden = !warning || !engines.card;
  $("engine-editor").hidden = engines.chosen !== "yours";
}

export function engineSpeed(yoursMs, referenceMs) {  // the badge: each engine's Python time per step
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
  await showView("exercises");
  views.exercises.showScorecard(engines.card);
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
