// The GPT view: microgpt's model (engine/models/gpt.py) trains in the page's Python worker, one word per step
// (engine/teach/live.py). The page asks for one step at a time, so Pause takes effect after the step in flight.
// The shipped first names are fetched only when this view is first shown.
const g$ = (id) => document.getElementById(id);
const gpt = { settings: null, running: false, generation: 0, losses: [], ms: [], names: null, lastDraw: 0 };
const MAX_LINK_LIST = 4000;  // a pasted list longer than this stays out of the link

async function names() { return (gpt.names ||= await (await fetch("vendor/names.txt")).text()); }

function gptLink() {
  const link = linkStrings(gpt.settings);
  if (link.words === "mine" && g$("gpt-list").value.length <= MAX_LINK_LIST) link.list = g$("gpt-list").value;
  return link;
}

const formGpt = () => readForm(g$("gpt-settings"), gpt.form);

async function startGpt(raw, fallback = false) {
  pauseGpt();
  const generation = ++gpt.generation;
  const r = JSON.parse(await python.call("gpt_start", JSON.stringify(raw), await names()));
  if (fallback && r.error) {  // a link's setting or list refused: its line stays up while the defaults start
    await startGpt({});
    g$("gpt-error").textContent = r.error;
    return;
  }
  g$("gpt-error").textContent = r.error || "";
  if (r.error) { markInvalid(g$("gpt-settings"), r.key); return; }
  if (generation !== gpt.generation) return;
  Object.assign(gpt, { settings: r.settings, losses: [], ms: [] });
  fillForm(g$("gpt-settings"), gpt.form, r.settings);
  g$("gpt-samples").replaceChildren();
  g$("gpt-status").textContent = `${r.words.toLocaleString("en")} words, ${r.vocabulary} tokens`;
  report("gpt", { step: 0, loss: null });
  if (window.playground.view === "gpt") toLink(gptLink());
  drawGpt();
}

function drawGpt() {
  gpt.lastDraw = performance.now();
  const n = gpt.losses.length, window50 = [];
  let sum = 0;
  gpt.losses.forEach((loss, i) => {
    sum += loss - (i >= 50 ? gpt.losses[i - 50] : 0);
    window50.push(sum / Math.min(i + 1, 50));
  });
  lineChart(g$("gpt-chart"), gpt.losses.map((_, i) => i + 1), [
    { label: "loss of the step's word", values: gpt.losses, color: "#a8cbe8", width: 0.8 },
    { label: "mean of the last 50", values: window50, color: "#1f78b4" },
  ], { title: "cross-entropy, nats per character" });
  const ms = median(gpt.ms.slice(-20));
  report("gpt", { msPerStep: ms });
  g$("gpt-figures").textContent = n ? `step ${n} of ${gpt.settings.steps}   loss ${fmt4(gpt.losses[n - 1])}   mean of the last 50 ${fmt4(window50[n - 1])}   ${ms.toFixed(1)} ms per step` : "step 0";
}

async function sampleGpt() {
  const t = g$("gpt-temperature").value;
  const r = JSON.parse(await python.call("gpt_samples", t, 5));
  const li = document.createElement("li");
  li.textContent = `step ${r.step}, temperature ${r.temperature}: ${r.samples.join(", ")}`;
  g$("gpt-samples").prepend(li);
  report("gpt", { samples: r.samples });
}

function recordGpt(r) {  // a step's answer: {step, loss, ms}
  gpt.losses.push(r.loss);
  gpt.ms.push(r.ms);
  report("gpt", { step: r.step, loss: r.loss });
}

async function loopGpt() {
  const generation = gpt.generation, every = () => Math.max(1, Number(g$("gpt-every").value) || 100);
  while (gpt.running && generation === gpt.generation) {
    const r = JSON.parse(await python.call("gpt_step"));
    if (generation !== gpt.generation) return;
    recordGpt(r);
    if (r.step % every() === 0) await sampleGpt();
    if (r.step >= gpt.settings.steps) pauseGpt();
    if (performance.now() - gpt.lastDraw > 250) drawGpt();
  }
  drawGpt();
}

const playGpt = () => playLoop(gpt, "gpt", loopGpt);
const pauseGpt = () => pauseLoop(gpt, "gpt");

async function stepGpt() {
  pauseGpt();
  recordGpt(JSON.parse(await python.call("gpt_step")));
  drawGpt();
}

window.views.gpt = {
  start: async (link) => {
    gpt.form = (await forms()).gpt;
    buildForm(g$("gpt-fields"), gpt.form);
    g$("gpt-play").onclick = () => (gpt.running ? pauseGpt() : playGpt());
    g$("gpt-step").onclick = stepGpt;
    g$("gpt-reset").onclick = () => startGpt(formGpt());
    g$("gpt-sample").onclick = sampleGpt;
    g$("gpt-settings").onchange = (e) => {  // how often to sample is no setting of the training: it restarts nothing
      if (e.target !== g$("gpt-every")) startGpt(formGpt());
    };
    g$("gpt-temperature").oninput = () => { g$("gpt-temperature-value").textContent = g$("gpt-temperature").value; };
    const settings = link.view === "gpt" ? link.settings : {};
    if (settings.list !== undefined) g$("gpt-list").value = settings.list;
    await startGpt(settings, true);
    if (link.view === "gpt" && link.play) playGpt();
  },
  show: () => {
    if (gpt.settings) toLink(gptLink());
    report("gpt", { step: gpt.losses.length, loss: gpt.losses.length ? gpt.losses[gpt.losses.length - 1] : null });
  },
  hide: () => pauseGpt(),
  play: playGpt, pause: pauseGpt, stepOnce: stepGpt, reset: () => startGpt(formGpt()), sample: sampleGpt,
  state: () => gpt,
};
window.playground.gpt = window.views.gpt;
