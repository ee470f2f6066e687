// The Exercises view: the workspace's engine.py in an editor, graded in the page by the same grading as
// `python -m engine grade` (engine/grader/grade.py). The learner's code runs in a sandbox worker of its own, fresh
// for each grading; the verdict is computed in the page's Python worker; only data crosses between them. window.playground.grade(source) is the same
// for course tools: a Promise of the scorecard of `grade DIR --json`, which loads this view first (engines.js).
import { $, graphSvg, python, STORED_ENGINE } from "./page.js";
import { toLink } from "./views.js";
import { PythonWorker } from "./worker-client.js";

const grader = python;  // the page's Python worker: it holds the grading and never loads a learner's code
let editor = null, fresh = "", lastPictures = null, timeLimit = null;

function loadScript(src) {  // CodeMirror 5 is no ES module: its files load as scripts, in order
  return new Promise((resolve, reject) => {
    const tag = document.createElement("script");
    tag.src = src;
    tag.onload = resolve;
    tag.onerror = () => reject(new Error(`${src} did not load`));
    document.head.append(tag);
  });
}

async function loadEditor() {
  document.head.append(Object.assign(document.createElement("link"), { rel: "stylesheet", href: "vendor/codemirror/codemirror.css" }));
  await loadScript("vendor/codemirror/codemirror.js");
  await loadScript("vendor/codemirror/python.js");  // its Python mode, after CodeMirror itself
}

async function runJob(sandbox, source, job) {
  // what the sandbox gave for one job: its report's text, or why it was stopped (Python words it)
  let timer;
  const limit = new Promise((resolve) => { timer = setTimeout(() => resolve(null), timeLimit * 1000); });
  try {
    const report = await Promise.race([sandbox.call("run", job, source), limit]);
    return report === null ? { report: "", stopped: { timeout: true } } : { report, stopped: null };
  } catch (e) {
    return { report: "", stopped: { crashed: e.message } };
  } finally {
    clearTimeout(timer);
  }
}

async function gradeSource(source, progress = () => {}) {
  // engine/grader/grade.py's grading, relayed: each job to a sandbox worker, fresh for this grading and stopped
  // after (and replaced when one is stopped at the time limit); each report back to the grader
  timeLimit ??= JSON.parse(await grader.call("grader_settings")).time_limit;
  let sandbox = new PythonWorker("sandbox-worker.js");
  try {
    await sandbox.call("ready");  // loading Python is no part of the time limit
    let step = JSON.parse(await grader.call("grading_start"));
    while (!step.done) {
      progress(step.status);
      const { report, stopped } = await runJob(sandbox, source, step.job);
      if (stopped) {
        sandbox.stop();
        sandbox = new PythonWorker("sandbox-worker.js");
        await sandbox.call("ready");
      }
      step = JSON.parse(await grader.call("grading_next", step.id, report, JSON.stringify(stopped)));
    }
    lastPictures = step.pictures;
    window.playground.scorecard = step.scorecard;  // the last verdict: the course's checks read it
    return step.scorecard;
  } finally {
    sandbox.stop();
  }
}

function showScorecard(card) {
  const body = $("scorecard").querySelector("tbody");
  body.replaceChildren();
  $("score").textContent = card.summary;
  for (const r of card.exercises) {
    const tr = document.createElement("tr");
    tr.dataset.status = r.status;
    for (const text of [`${r.number}. ${r.title}`, r.status, `${r.points}/${r.max_points}`, r.message]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    body.append(tr);
  }
}

function showPictures(pictures) {
  // the counterexample of the first wrong rule: your gradients beside the reference's, the first node that differs outlined
  $("counterexample").hidden = !pictures;
  if (!pictures) return;
  $("counterexample-title").textContent = pictures.title;
  $("yours").replaceChildren(graphSvg(pictures.yours));
  $("reference").replaceChildren(graphSvg(pictures.reference));
}

async function onGrade() {
  $("grade").disabled = true;
  try {
    const card = await gradeSource(editor.getValue(), (text) => { $("grade-status").textContent = text; });
    showScorecard(card);
    showPictures(lastPictures);
    $("grade-status").textContent = "graded";
  } catch (e) {
    $("grade-status").textContent = `grading failed: ${e.message}`;
  } finally {
    $("grade").disabled = false;
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
  await loadEditor();
  const w = JSON.parse(await grader.call("workspace"));
  fresh = w.source;
  editor = CodeMirror($("editor"), {
    value: localStorage.getItem(STORED_ENGINE) || fresh, mode: "python", lineNumbers: true, indentUnit: 4,
    viewportMargin: 20, inputStyle: "contenteditable",
    extraKeys: { Esc: (cm) => cm.getInputField().blur() },  // Tab indents; Esc, then Tab, leaves (no keyboard trap)
  });
  editor.getInputField().setAttribute("aria-label", "engine.py, your workspace");
  editor.on("change", () => localStorage.setItem(STORED_ENGINE, editor.getValue()));
  $("grade").onclick = onGrade;
  $("reset").onclick = () => { if (confirm("Start again from a fresh workspace?")) editor.setValue(fresh); };
  $("download").onclick = download;
  $("grade").disabled = false;
  $("grade-status").textContent = "ready";
  window.playground.exercisesReady = true;
}

window.playground.editor = () => editor;
export const view = {
  start: () => startExercises().catch((e) => { $("grade-status").textContent = `failed: ${e.message}`; }),
  show: () => { toLink(); if (editor) editor.refresh(); },
  hide: () => {},
  open: () => {},  // a lesson's link sets nothing up here: the editor keeps the learner's text
  grade: gradeSource,
  showScorecard,
};
