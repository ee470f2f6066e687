// The page's views, one at a time, and the link that says which one shows and how. Each view is a module loaded
// when the view is first shown (with Graphviz, if it draws), whose `view` object the page drives: start(link) once,
// then show(), hide(), and open(link) for a lesson's link; the training views also play, pause and step.
//
// The link: #view=expression&text=... reproduces what is on the page (the text goes to the expression language,
// which runs nothing but its own arithmetic; a rejected text shows its one line, as typed text does). A view's
// settings are in the link too (the MLP's dataset, points, sizes, rate and seed; the GPT's); #mlp&play starts
// training on load, and hide=settings,graph,... hides those panels for a focused lesson. The views' own keys go to
// Python, which checks each one (engine/playground/training.py): a link is text and runs nothing.
import { $, built, graphviz } from "./page.js";

export const VIEWS = {
  expression: { module: "./expression.js", graphviz: true, trains: false },
  mlp: { module: "./mlp.js", graphviz: true, trains: true },
  gpt: { module: "./gpt.js", graphviz: false, trains: true },
  exercises: { module: "./exercises.js", graphviz: true, trains: false },
};
export const views = {};  // the `view` objects of the views' modules, once loaded
const started = {};  // a view's start(link), once
// the link's keys that are the page's own: the rest are the view's settings, which Python checks
const PAGE_KEYS = ["view", "play", "hide", "lesson", "predict", "answers", "example", ...Object.keys(VIEWS)];

async function imported(name) {
  views[name] ||= (await import(VIEWS[name].module)).view;
  return views[name];
}

export function loadView(name) {  // the view's module, then its start(link) once
  started[name] ||= (async () => {
    if (VIEWS[name].graphviz) await graphviz();
    await (await imported(name)).start(fromLink());
  })();
  return started[name];
}

export async function showView(name) {  // the tabs: one view at a time; a view that trains pauses when hidden
  if (!Object.hasOwn(VIEWS, name)) throw new Error(`no view '${String(name).slice(0, 40)}': the views are ${Object.keys(VIEWS).join(", ")}`);
  for (const other of Object.keys(VIEWS)) {
    $(`view-${other}`).hidden = other !== name;
    $(`tab-${other}`).setAttribute("aria-selected", String(other === name));
    if (other !== name && views[other]) views[other].hide();
  }
  $("engine-bar").hidden = !VIEWS[name].trains;  // the training views train on either engine
  window.playground.view = window.playground.tab = name;
  await loadView(name);
  if (window.playground.view === name) views[name].show();
}

export async function openLink(link) {  // what loading the page with this link would show, without loading it again
  const fresh = !started[link.view];  // a view started now has started from this very link
  await showView(link.view);
  if (!fresh) await views[link.view].open(link);
}

export async function preview(link) {  // while Pyodide loads: the view's starting content, as built with the site
  const view = await imported(link.view);
  if (!view.preview || !(await view.preview(link, await built))) return;
  window.playground.preview = true;
  window.playground.previewAt = performance.now();
}

export function fromLink() {
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

export function toLink(settings = {}) {
  const link = new URLSearchParams({ view: window.playground.view });
  if (window.playground.view === "expression") link.set("text", $("text").value);
  for (const [key, value] of Object.entries(settings)) link.set(key, value);
  const now = fromLink();
  if (now.hide.length) link.set("hide", now.hide.join(","));
  if (now.lesson) link.set("lesson", now.lesson);  // a lesson's page keeps its lesson, its mode and its answers
  if (now.predict) link.set("predict", "");
  if (now.answers) link.set("answers", now.answers);
  history.replaceState(null, "", `#${link}`);
  document.dispatchEvent(new Event("linkchange"));  // the teacher's link (share.js) follows the page
}
