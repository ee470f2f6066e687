// What every part of the page shares, each defined once: the id helper, the number format, the page's Python
// worker, the content built with the site, Graphviz, and window.playground, the fields course tools and tests read.
import { PythonWorker } from "./worker-client.js";

export const $ = (id) => document.getElementById(id);

export function fmt(x, digits = 6) {  // a number as the page shows it; inf, -inf and nan as Python writes them; null as nothing
  return x === null || x === undefined ? "" : Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : String(x);
}

// The page's Python worker: the reference engine, the views' runs and the grader. A learner's code never runs in
// it (it runs in sandbox-worker.js, and "your engine" in a worker of its own: engines.js).
export const python = new PythonWorker();
export const built = fetch("vendor/start.json").then((r) => r.json());  // made by playground/build.py with the same Python
export const STORED_ENGINE = "mini-autograd-engine/exercises/engine.py";  // the Exercises editor's text, in this browser

window.playground = {
  // every field exists from the start (null until its view says otherwise), so course tools can wait on any
  ready: false, view: "expression", tab: "expression", rendered: 0, step: 0, loss: null,
  editor: null, mlp: null, gpt: null, training: false, frame: null, stepsPerSecond: null, msPerStep: null,
  samples: null, point: null, preview: false, previewAt: null, scorecard: null,
  lesson: null, progress: [], engine: "reference", predictions: { right: 0, asked: 0 },
};

export function report(view, fields) {  // window.playground speaks for the visible view only
  if (window.playground.view === view) Object.assign(window.playground, fields);
}

let viz = null, vizLoading = null;
export function graphviz() {  // viz.js (Graphviz in WebAssembly), loaded by the first view that draws
  vizLoading ||= import("./vendor/viz/viz.js").then((module) => module.instance()).then((instance) => { viz = instance; });
  return vizLoading;
}
export const graphSvg = (dot) => viz.renderSVGElement(dot);  // a DOT text as an SVG element, once graphviz() has resolved

export function ownsKeys(target) {  // a control that uses the keys itself: typing, choosing, ticking, opening, editing
  return ["INPUT", "TEXTAREA", "SELECT", "SUMMARY"].includes(target.tagName) || target.isContentEditable
    || target.getAttribute?.("role") === "button";
}
