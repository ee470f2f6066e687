// The playground's entry: it loads the view the link names (drawing what was built with the site while Pyodide
// starts), opens the link's lesson, wires the tabs and the training views' keys, and gives course tools their
// calls on window.playground. Each view is a module of its own, loaded when first shown (views.js); every Python
// of the page runs in workers, so no Python ever blocks the page.
import { openLesson } from "./course.js";
import { gradeEngine, useEngine } from "./engines.js";
import { $, ownsKeys, python } from "./page.js";
import { hidePanels } from "./share.js";
import { VIEWS, fromLink, preview, showView, views } from "./views.js";

let chosenView = null;  // a tab the learner clicked while Python loaded wins over the link

async function main() {
  const started = performance.now();
  const link = fromLink();
  hidePanels(link.hide);
  preview(link).catch(() => {});  // the view drawn while Python loads; Python's own run replaces it
  await python.call("ready");
  await showView(chosenView || link.view);
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

document.addEventListener("keydown", (e) => {  // the training views: space plays or pauses, -> takes one step
  const view = views[window.playground.view];
  if (!view || !view.stepOnce || ownsKeys(e.target) || ["BUTTON", "CANVAS"].includes(e.target.tagName)) return;
  if (e.key === " ") { e.preventDefault(); if (view.state().running) view.pause(); else view.play(); }
  if (e.key === "ArrowRight") view.stepOnce();
});
for (const name of Object.keys(VIEWS)) $(`tab-${name}`).onclick = () => { chosenView = name; return showView(name); };
Object.assign(window.playground, {
  showView,
  useEngine: (source) => useEngine(source),  // for course tools: a Promise; rejects with the grader's line
  openLesson: (number) => openLesson(number),
  grade: (source) => gradeEngine(source),  // for course tools: a Promise of the scorecard of `grade DIR --json`
});
main().catch((e) => { $("status").textContent = `failed: ${e}`; });
