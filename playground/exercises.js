// The Exercises view: the workspace's engine.py in an editor, graded in the page by the same grader as
// `python -m engine grade`. The learner's code runs in one worker (the sandbox), the verdict is computed in
// another (the grader), and only data crosses between them. window.playground.grade(source) is the same
// for course tools: a Promise of the scorecard of `grade DIR --json`, which loads this view first (app.js).
const STORE = "mini-autograd-engine/exercises/engine.py";
const ex$ = (id) => document.getElementById(id);

const grader = python;  // the page's Python worker (app.js): it never loads a learner's code
let sandbox = new PythonWorker();
let editor = null, listed = [], fresh = "", lastPictures = null;

function timeLimitMs() { return window.playground.timeLimitMs; }

async function inSandbox(source, probes) {
  // the probes' report; or, when the worker runs past the time limit or dies, the reason, and a new worker
  await sandbox.call("ready");  // a new worker loads Python first, which is no part of the time limit
  let timer;
  const limit = new Promise((resolve) => { timer = setTimeout(() => resolve(null), timeLimitMs()); });
  let stopped;
  try {
    const report = await Promise.race([sandbox.call("probe", source, probes), limit]);
    if (report !== null) return report;
    stopped = { timeout: timeLimitMs() / 1000 };
  } catch (e) {
    stopped = { crashed: e.message };
  } finally {
    clearTimeout(timer);
  }
  sandbox.stop();
  sandbox = new PythonWorker();
  return JSON.stringify(stopped);
}

async function gradeSource(source, progress = () => {}) {
  const loaded = JSON.parse(await inSandbox(source, "[]"));
  if (loaded.load_error || loaded.timeout || loaded.crashed) {
    const why = loaded.load_error || (loaded.timeout ? `importing it did not finish in ${loaded.timeout} s` : loaded.crashed);
    return JSON.parse(await grader.call("scorecard", "[]", why.replace("/learner/", "")));
  }
  const results = [];
  let finished = [];
  lastPictures = null;
  for (const e of listed) {
    progress(`grading exercise ${e.number} of ${listed.length}: ${e.title}`);
    const probes = await grader.call("plan", e.number, JSON.stringify(finished));
    const report = await inSandbox(source, probes);
    const { result, ops, pictures } = JSON.parse(await grader.call("verdict", e.number, probes, report));
    finished = finished.concat(ops);
    if (pictures && !lastPictures) lastPictures = { number: e.number, ...pictures };  // the first wrong rule's
    results.push(result);
  }
  return JSON.parse(await grader.call("scorecard", JSON.stringify(results), ""));
}

function showScorecard(card) {
  const body = ex$("scorecard").querySelector("tbody");
  body.replaceChildren();
  ex$("score").textContent = card.error ? `engine.py does not load: ${card.error}`
    : `score: ${card.points}/${card.max_points} points, ${card.exercises.filter((r) => r.status === "pass").length} of ${card.exercises.length} exercises pass`;
  for (const r of card.exercises) {
    const tr = document.createElement("tr");
    tr.dataset.status = r.status;
    for (const text of [`${r.number}. ${r.title}`, r.status === "fail" ? "FAIL" : r.status, `${r.points}/${r.max_points}`, r.message]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    body.append(tr);
  }
}

function showPictures(pictures) {
  // the counterexample of the first wrong rule: your gradients beside the reference's, the first node that differs outlined
  ex$("counterexample").hidden = !pictures;
  if (!pictures) return;
  ex$("counterexample-title").textContent = `Exercise ${pictures.number}: the counterexample, drawn`;
  ex$("yours").replaceChildren(viz.renderSVGElement(pictures.yours));
  ex$("reference").replaceChildren(viz.renderSVGElement(pictures.reference));
}

async function onGrade() {
  ex$("grade").disabled = true;
  try {
    const card = await gradeSource(editor.getValue(), (text) => { ex$("grade-status").textContent = text; });
    showScorecard(card);
    showPictures(lastPictures);
    ex$("grade-status").textContent = "graded";
  } catch (e) {
    ex$("grade-status").textContent = `grading failed: ${e.message}`;
  } finally {
    ex$("grade").disabled = false;
  }
}

function download() {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([editor.getValue()], { type: "text/x-python" }));
  a.download = "engine.py";
  a.click();
  URL.revokeObjectURL(a.href);
}

async function startExercises() {
  const w = JSON.parse(await grader.call("workspace"));
  listed = w.exercises;
  fresh = w.source;
  editor = CodeMirror(ex$("editor"), {
    value: localStorage.getItem(STORE) || fresh, mode: "python", lineNumbers: true, indentUnit: 4,
    viewportMargin: 20, inputStyle: "contenteditable",
  });
  editor.getInputField().setAttribute("aria-label", "engine.py, your workspace");
  editor.on("change", () => localStorage.setItem(STORE, editor.getValue()));
  ex$("grade").onclick = onGrade;
  ex$("reset").onclick = () => { if (confirm("Start again from a fresh workspace?")) editor.setValue(fresh); };
  ex$("download").onclick = download;
  ex$("grade").disabled = false;
  ex$("grade-status").textContent = "ready";
  window.playground.exercisesReady = true;
}

window.playground.editor = () => editor;
window.views.exercises = {
  start: () => startExercises().catch((e) => { ex$("grade-status").textContent = `failed: ${e.message}`; }),
  show: () => { toLink(); if (editor) editor.refresh(); },
  hide: () => {},
  grade: gradeSource,
};
