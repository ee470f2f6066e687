// The course: lessons in order (playground/lessons/*.md, read by engine/playground/lessons.py at build time into
// vendor/lessons.json), each a short text and a view set up by its link; Python says when a lesson is done. And
// predict mode, the Expression view's stepper asking for each local derivative and term before it shows the step;
// Python checks each answer (engine/teach/stepper.py). Progress is kept in this browser.
const PROGRESS = "mini-autograd-engine/course/done";
const course = { lessons: null, current: null, right: 0, asked: 0, renderedAt: 0, checking: false };
const predict = { on: false, hideAnswers: false, revealed: new Set(), tries: 0, asking: null };

const lessonsLoaded = () => (course.lessons ||= fetch("vendor/lessons.json").then((r) => r.json()));

function progress() {
  try { return JSON.parse(localStorage.getItem(PROGRESS)) || []; } catch { return []; }
}

async function openLesson(number) {  // 1-based; sets the page up through the lesson's link
  const lessons = await lessonsLoaded();
  if (!Number.isInteger(number) || number < 1 || number > lessons.length) {
    throw new Error(`no lesson ${String(number).slice(0, 20)}: the lessons are 1 to ${lessons.length}`);
  }
  const lesson = lessons[number - 1];
  await load("vendor/marked/marked.umd.js");
  Object.assign(course, { current: number, right: 0, asked: 0, renderedAt: window.playground.rendered });
  $("course").hidden = false;
  $("lesson-choice").replaceChildren(...lessons.map((l, i) => new Option(`${i + 1}. ${l.title}`, String(i + 1))));
  $("lesson-choice").value = String(number);
  $("lesson-prev").disabled = number === 1;
  $("lesson-next").disabled = number === lessons.length;
  $("lesson-text").innerHTML = marked.parse(lesson.text);  // the repository's own Markdown, not a learner's
  $("lesson-state").textContent = "";
  const link = new URLSearchParams(lesson.link);
  const kept = new URLSearchParams(location.hash.slice(1)).get("hide");
  if (kept) link.set("hide", kept);  // a teacher's link keeps its panels hidden from lesson to lesson
  link.set("lesson", String(number));
  history.replaceState(null, "", `#${link}`);
  await openLink(fromLink());
  window.playground.lesson = number;  // said once its view is set up
  showProgress();
  await checkLesson();
}

function showProgress() {
  const done = progress();
  window.playground.progress = done;
  for (const option of $("lesson-choice").options) {
    option.textContent = option.textContent.replace(/ \u2713$/, "") + (done.includes(Number(option.value)) ? " \u2713" : "");
  }
}

async function checkLesson() {  // asks Python whether the page's state meets the lesson's check
  if (!course.current || course.checking) return;
  course.checking = true;
  try {
    const lesson = (await lessonsLoaded())[course.current - 1];
    const card = window.playground.scorecard;
    const mlpRun = window.views.mlp?.state(), gptRun = window.views.gpt?.state();
    const state = {
      rendered: window.playground.rendered - course.renderedAt, right: course.right,
      passed: card ? card.exercises.filter((r) => r.status === "pass").map((r) => r.number) : [],
      mlp: mlpRun?.frame ? { engine: engines?.chosen ?? "reference", loss: mlpRun.frame.train_loss } : null,
      gpt: gptRun?.losses.length >= 50 ? { engine: engines?.chosen ?? "reference", loss: gptRun.mean } : null,
    };
    const r = JSON.parse(await python.call("lesson_done", lesson.done, JSON.stringify(state)));
    if (r.done && !progress().includes(course.current)) {
      localStorage.setItem(PROGRESS, JSON.stringify([...progress(), course.current].sort((a, b) => a - b)));
    }
    $("lesson-state").textContent = progress().includes(course.current) ? "done \u2713" : `to do: ${r.todo}`;
    showProgress();
  } finally {
    course.checking = false;
  }
}

$("lesson-prev").onclick = () => openLesson(course.current - 1);
$("lesson-next").onclick = () => openLesson(course.current + 1);
$("lesson-choice").onchange = () => openLesson(Number($("lesson-choice").value));
$("course-start").onclick = async () => {
  const done = progress(), lessons = await lessonsLoaded();
  const next = lessons.findIndex((_, i) => !done.includes(i + 1));
  await openLesson(next < 0 ? 1 : next + 1);
};
setInterval(() => {  // a lesson not yet done asks Python each second; one done stays done and asks nothing
  if (course.current && window.playground.ready && !progress().includes(course.current)) checkLesson();
}, 1000);

// --- predict mode ---------------------------------------------------------------------------------------------

function setPredict(on, hideAnswers = predict.hideAnswers) {
  Object.assign(predict, { on, hideAnswers, revealed: new Set([0]), tries: 0, asking: null });
  $("predict-mode").checked = on;
  $("predict").hidden = true;
  $("play").disabled = on;  // in predict mode the learner moves the steps, one answer at a time
  concealAnswers(on && steps.length > 1);
  showScore();
}

function concealAnswers(on) {  // the graph after backward() and the gradients give the answers away until the last step
  $("view-expression").classList.toggle("predicting", on);
}

function showScore() {
  window.playground.predictions = { right: course.right, asked: course.asked };
  $("predict-score").textContent = predict.on ? `score: ${course.right} right of ${course.asked} asked` : "";
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
    course.right += 1;
    course.asked += 1;
    $("predict-result").textContent = "right";
    return reveal(k);
  }
  predict.tries += 1;
  if (predict.tries === 1 || predict.hideAnswers) {
    $("predict-result").textContent = `not yet (${[local.right ? "" : "the local derivative", term.right ? "" : "the term"].filter(Boolean).join(" and ")}). Hint: ${s.hint}`;
    return;
  }
  course.asked += 1;
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
  checkLesson();
}

function predicting(k) {  // called by the stepper before it shows step k: true when it asks instead
  if (!predict.on || predict.revealed.has(k) || k <= 0 || k >= steps.length) return false;
  ask(k);
  return true;
}

$("predict-mode").onchange = () => setPredict($("predict-mode").checked);
$("predict-check").onclick = answer;
$("predict").addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); answer(); } });
