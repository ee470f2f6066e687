// One Pyodide with this project's engine package, answering the page's messages {id, op, args} with {id, result}
// or {id, error}. It holds the grader too (engine/grader/web.py), which never loads a learner's code: that runs in
// sandbox-worker.js, a fresh one for each grading.
import { loadPyodide } from "./vendor/pyodide/pyodide.mjs";  // a module worker: Pyodide 314 needs one

async function start() {
  const pyodide = await loadPyodide({ indexURL: "vendor/pyodide/" });
  const files = await (await fetch("vendor/python/manifest.json")).json();
  for (const path of files) {
    const text = await (await fetch(`vendor/python/${path}`)).text();
    pyodide.FS.mkdirTree(`/home/pyodide/${path}`.split("/").slice(0, -1).join("/"));
    pyodide.FS.writeFile(`/home/pyodide/${path}`, text);
  }
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide')");
  return pyodide;
}

const ready = start();
let liveModule = null;
const live = (py) => (liveModule ||= py.pyimport("engine.playground.training"));
const OPS = {
  ready: () => true,  // answered once Python is loaded: a time limit starts only then
  explain: (py, [text]) => py.runPython("from engine.teach.stepper import explained; explained")(text),
  predicted: (py, [expected, typed]) => py.runPython("from engine.teach.stepper import predicted; predicted")(expected, typed),
  lesson_done: (py, [done, state]) => py.runPython("from engine.playground.lessons import lesson_done; lesson_done")(done, state),
  // a worker of the learner's engine: their engine.py replaces engine/engine.py before anything imports it, so the
  // training views' code runs on their Value, rules and backward(); the page's own worker never loads it
  use_engine: (py, [source]) => {
    py.FS.writeFile("/home/pyodide/engine/engine.py", source);
    return py.runPython("import engine.playground.training; True");
  },
  // the training views (engine/playground/training.py): one run of each per worker, a step per call
  mlp_start: (py, [settings]) => live(py).mlp_start(settings),
  mlp_step: (py, [count]) => live(py).mlp_step(count),
  mlp_frame: (py) => live(py).mlp_frame(),
  mlp_figures: (py) => live(py).mlp_figures(),  // a reference twin's figures, without the pictures
  mlp_add: (py, [x, y, label]) => live(py).mlp_add(x, y, label),
  mlp_remove: (py, [count]) => live(py).mlp_remove(count),
  parting: (py, [yours, reference]) => live(py).parting(yours, reference),
  mlp_point: (py, [index, toggled]) => live(py).mlp_point(index, toggled),
  gpt_start: (py, [settings, names]) => live(py).gpt_start(settings, names),
  gpt_step: (py) => live(py).gpt_step(),
  gpt_samples: (py, [temperature, count]) => live(py).gpt_samples(temperature, count),
  // the grader's side (engine/grader/web.py): the grading conversation; the learner's code runs in sandbox-worker.js
  training_check: (py, [card]) => py.runPython("from engine.grader import web; web.training_check")(card),
  grader_settings: (py) => py.runPython("from engine.grader import web; web.settings()"),
  workspace: (py) => py.runPython("from engine.grader import web; web.workspace()"),
  grading_start: (py) => py.runPython("from engine.grader import web; web.grading_start()"),
  grading_next: (py, [key, report, stopped]) =>
    py.runPython("from engine.grader import web; web.grading_next")(key, report, stopped),
};

self.onmessage = async ({ data: { id, op, args } }) => {
  try {
    const py = await ready;
    self.postMessage({ id, result: OPS[op](py, args || []) });
  } catch (e) {
    self.postMessage({ id, error: String(e.message || e).split("\n").filter(Boolean).slice(-1)[0] });
  }
};
