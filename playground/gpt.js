// The GPT view: microgpt's model (engine/models/gpt.py) trains in the page's Python worker, one word per step
// (engine/playground/training.py). The page asks for one step at a time, so Pause takes effect after the step in flight.
// The shipped first names are fetched only when this view is first shown.
import { both, comparing, engineSpeed, parting, trainer } from "./engines.js";
import { $, fmt, report } from "./page.js";
import { buildForm, fillForm, forms, lineChart, linkStrings, markInvalid, median, pauseLoop, playLoop, readForm } from "./training.js";
import { toLink } from "./views.js";

const gpt = { settings: null, running: false, generation: 0, losses: [], ms: [], names: null, lastDraw: 0 };
const MAX_LINK_LIST = 4000;  // a pasted list longer than this stays out of the link

async function names() { return (gpt.names ||= await (await fetch("vendor/names.txt")).text()); }

function gptLink() {
  const link = linkStrings(gpt.settings);
  if (link.words === "mine" && $("gpt-list").value.length <= MAX_LINK_LIST) link.list = $("gpt-list").value;
  return link;
}

const formGpt = () => readForm($("gpt-settings"), gpt.form);

function means(losses) {  // the mean of the last 50 losses at each step, for the chart
  const out = [];
  let sum = 0;
  losses.forEach((loss, i) => {
    sum += Number(loss) - (i >= 50 ? Number(losses[i - 50]) : 0);
    out.push(sum / Math.min(i + 1, 50));
  });
  return out;
}

async function startGpt(raw, fallback = false) {
  pauseGpt();
  const generation = ++gpt.generation;
  const [r] = await both("gpt_start", JSON.stringify(raw), await names());
  if (fallback && r.error) {  // a link's setting or list refused: its line stays up while the defaults start
    await startGpt({});
    $("gpt-error").textContent = r.error;
    return;
  }
  $("gpt-error").textContent = r.error || "";
  if (r.error) { markInvalid($("gpt-settings"), r.key); return; }
  if (generation !== gpt.generation) return;
  Object.assign(gpt, { settings: r.settings, losses: [], ms: [], reference: [], referenceMs: [], mean: null, parts: null });
  fillForm($("gpt-settings"), gpt.form, r.settings);
  $("gpt-samples").replaceChildren();
  $("gpt-status").textContent = `${r.words.toLocaleString("en")} words, ${r.vocabulary} tokens`;
  report("gpt", { step: 0, loss: null });
  if (window.playground.view === "gpt") toLink(gptLink());
  drawGpt();
}

async function drawGpt() {
  gpt.lastDraw = performance.now();
  const n = gpt.losses.length, window50 = means(gpt.losses);
  gpt.mean = n ? window50[n - 1] : null;
  lineChart($("gpt-chart"), gpt.losses.map((_, i) => i + 1), [
    { label: "loss of the step's word", values: gpt.losses, color: "#a8cbe8", width: 0.8 },
    { label: "mean of the last 50", values: window50, color: "#1f78b4" },
    ...(gpt.reference.length ? [{ label: "reference's mean", values: means(gpt.reference), color: "#555", width: 2.5 }] : []),
  ], { title: "cross-entropy, nats per character" });
  const ms = median(gpt.ms.slice(-20)), referenceMs = median(gpt.referenceMs.slice(-20));
  report("gpt", { msPerStep: ms, referenceMsPerStep: referenceMs });
  engineSpeed(ms, referenceMs);
  if (comparing() && n) {
    const { step, words } = await parting(gpt.losses, gpt.reference);
    gpt.parts = step;
    $("gpt-compare").textContent = words;
  } else {
    $("gpt-compare").textContent = "";
  }
  $("gpt-figures").textContent = n ? `step ${n} of ${gpt.settings.steps}   loss ${fmt(gpt.losses[n - 1], 4)}   mean of the last 50 ${fmt(window50[n - 1], 4)}   ${ms.toFixed(1)} ms per step` : "step 0";
}

async function sampleGpt() {
  const t = $("gpt-temperature").value;
  const r = JSON.parse(await trainer().call("gpt_samples", t, 5));
  const li = document.createElement("li");
  li.textContent = `step ${r.step}, temperature ${r.temperature}: ${r.samples.join(", ")}`;
  $("gpt-samples").prepend(li);
  report("gpt", { samples: r.samples });
}

function recordGpt([r, twin]) {  // a step's answers: {step, loss, ms}, the reference twin's too
  gpt.losses.push(r.loss);
  gpt.ms.push(r.ms);
  if (twin) { gpt.reference.push(twin.loss); gpt.referenceMs.push(twin.ms); }
  report("gpt", { step: r.step, loss: r.loss });
}

async function loopGpt() {
  const generation = gpt.generation, every = () => Math.max(1, Number($("gpt-every").value) || 100);
  while (gpt.running && generation === gpt.generation) {
    const answers = await both("gpt_step"), r = answers[0];
    if (generation !== gpt.generation) return;
    recordGpt(answers);
    if (r.step % every() === 0) await sampleGpt();
    if (r.step >= gpt.settings.steps) pauseGpt();
    if (performance.now() - gpt.lastDraw > 250) await drawGpt();
  }
  await drawGpt();
}

const playGpt = () => playLoop(gpt, "gpt", loopGpt);
const pauseGpt = () => pauseLoop(gpt, "gpt");

async function stepGpt() {
  pauseGpt();
  recordGpt(await both("gpt_step"));
  await drawGpt();
}

export const view = {
  start: async (link) => {
    gpt.form = (await forms()).gpt;
    buildForm($("gpt-fields"), gpt.form);
    $("gpt-play").onclick = () => (gpt.running ? pauseGpt() : playGpt());
    $("gpt-step").onclick = stepGpt;
    $("gpt-reset").onclick = () => startGpt(formGpt());
    $("gpt-sample").onclick = sampleGpt;
    $("gpt-settings").onchange = (e) => {  // how often to sample is no setting of the training: it restarts nothing
      if (e.target !== $("gpt-every")) startGpt(formGpt());
    };
    $("gpt-temperature").oninput = () => { $("gpt-temperature-value").textContent = $("gpt-temperature").value; };
    const settings = link.view === "gpt" ? link.settings : {};
    if (settings.list !== undefined) $("gpt-list").value = settings.list;
    await startGpt(settings, true);
    if (link.view === "gpt" && link.play) playGpt();
  },
  show: () => {
    if (gpt.settings) toLink(gptLink());
    report("gpt", { step: gpt.losses.length, loss: gpt.losses.length ? gpt.losses[gpt.losses.length - 1] : null });
  },
  hide: () => pauseGpt(),
  open: async (link) => { await startGpt(link.settings, true); if (link.play) playGpt(); },  // a lesson's link
  play: playGpt, pause: pauseGpt, stepOnce: stepGpt, reset: () => startGpt(formGpt()), sample: sampleGpt,
  state: () => gpt,
};
window.playground.gpt = view;
