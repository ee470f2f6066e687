// The course: lessons in order (playground/lessons/*.md, read by engine/playground/lessons.py at build time into
// vendor/lessons.json), each a short text and a view set up by its link; Python says when a lesson is done.
// Progress is kept in this browser.
import { engines } from "./engines.js";
import { resetScore } from "./expression.js";
import { $, python } from "./page.js";
import { fromLink, openLink, views } from "./views.js";

const PROGRESS = "mini-autograd-engine/course/done";
const course = { lessons: null, current: null, renderedAt: 0, checking: false, marked: null };

const lessonsLoaded = () => (course.lessons ||= fetch("vendor/lessons.json").then((r) => r.json()));
const markdown = async () => (course.marked ||= (await import("./vendor/marked/marked.esm.js")).marked);

function progress() {
  try { return JSON.parse(localStorage.getItem(PROGRESS)) || []; } catch { return []; }
}

export async function openLesson(number) {  // 1-based; sets the page up through the lesson's link
  const lessons = await lessonsLoaded();
  if (!Number.isInteger(number) || number < 1 || number > lessons.length) {
    throw new Error(`no lesson ${String(number).slice(0, 20)}: the lessons are 1 to ${lessons.length}`);
  }
  const lesson = lessons[number - 1];
  const marked = await markdown();
  Object.assign(course, { current: number, renderedAt: window.playground.rendered });
  resetScore();
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
    const mlpRun = views.mlp?.state(), gptRun = views.gpt?.state();
    const state = {
      rendered: window.playground.rendered - course.renderedAt, right: window.playground.predictions.right,
      passed: card ? card.exercises.filter((r) => r.status === "pass").map((r) => r.number) : [],
      mlp: mlpRun?.frame ? { engine: engines.chosen, loss: mlpRun.frame.train_loss } : null,
      gpt: gptRun?.losses.length >= 50 ? { engine: engines.chosen, loss: gptRun.mean } : null,
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
document.addEventListener("answered", () => checkLesson());  // a prediction answered: checked at once
setInterval(() => {  // a lesson not yet done asks Python each second; one done stays done and asks nothing
  if (course.current && window.playground.ready && !progress().includes(course.current)) checkLesson();
}, 1000);
