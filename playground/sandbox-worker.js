// The sandbox of one grading: a Pyodide of its own holding the grader's runner (engine/grader/runner.py) and
// nothing else of this project. It runs the learner's engine.py on each job the page relays and answers with the
// report's text, which the grader worker checks against the schema before it judges. The page starts a fresh
// one for every grading and stops it after, so nothing a learner's code does here can reach the next grading.
import { loadPyodide } from "./vendor/pyodide/pyodide.mjs";  // a module worker: Pyodide 314 needs one

const ready = (async () => {
  const pyodide = await loadPyodide({ indexURL: "vendor/pyodide/" });
  pyodide.FS.writeFile("/home/pyodide/runner.py", await (await fetch("vendor/python/engine/grader/runner.py")).text());
  return pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide'); import runner; runner.run_text");
})();

self.onmessage = async ({ data: { id, op, args } }) => {
  try {
    const runText = await ready;
    self.postMessage({ id, result: op === "ready" ? true : runText(args[0], args[1]) });
  } catch (e) {
    self.postMessage({ id, error: String(e.message || e).split("\n").filter(Boolean).slice(-1)[0] });
  }
};
