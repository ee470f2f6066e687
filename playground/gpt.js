// The GPT view: microgpt's model (engine/models/gpt.py) trains in the page's Python worker, one word per step
// (engine/teach/live.py). The page asks for one step at a time, so Pause takes effect after the step in flight.
// The shipped first names are fetched only when this view is first shown.
const g$ = (id) => document.getElementById(id);
const gpt = { settings: null, running: false, generation: 0, losses: [], ms: [], names: null, lastDraw: 0 };
const GPT_FIELDS = ["seed", "steps", "lr"];
const MAX_LINK_LIST = 4000;  // a pasted list longer than this stays out of the link

async function words() {
  if (g$("gpt-source").value === "mine") return g$("gpt-words").value;
  gpt.names ||= await (await fetch("vendor/names.txt")).text();
  return gpt.names;
}

function gptLink() {
  const link = Object.fromEntries(Object.entries(gpt.settings).map(([k, v]) => [k, String(v)]));
  link.words = g$("gpt-source").value;
  if (link.words === "mine" && g$("gpt-words").value.length <= MAX_LINK_LIST) link.list = g$("gpt-words").value;
  return link;
}

async function startGpt(raw, fallback = false) {
  pauseGpt();
  const generation = ++gpt.generation;
  const settings = Object.fromEntries(GPT_FIELDS.filter((k) => raw[k] !== undefined).map((k) => [k, raw[k]]));
  const unknown = Object.keys(raw).filter((k) => !GPT_FIELDS.includes(k));
  const r = unknown.length ? { error: `unknown setting '${unknown[0].slice(0, 40)}'; the settings are ${GPT_FIELDS.join(", ")}, words, list` }
    : JSON.parse(await python.call("gpt_start", JSON.stringify(settings), await words()));
  if (fallback && r.error) {  // a link's setting or list refused: its line stays up while the defaults start
    g$("gpt-source").value = "names";
    await startGpt({});
    g$("gpt-error").textContent = r.error;
    return;
  }
  g$("gpt-error").textContent = r.error || "";
  if (r.error) return;
  if (generation !== gpt.generation) return;
  Object.assign(gpt, { settings: r.settings, losses: [], ms: [] });
  const form = g$("gpt-settings");
  for (const key of GPT_FIELDS) form.elements[key].value = String(r.settings[key]);
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

function formGpt() {
  const form = g$("gpt-settings");
  return Object.fromEntries(GPT_FIELDS.map((k) => [k, form.elements[k].value.trim()]));
}

window.views.gpt = {
  start: async (link) => {
    g$("gpt-play").onclick = () => (gpt.running ? pauseGpt() : playGpt());
    g$("gpt-step").onclick = stepGpt;
    g$("gpt-reset").onclick = () => startGpt(formGpt());
    g$("gpt-sample").onclick = sampleGpt;
    g$("gpt-settings").onchange = (e) => {  // how often to sample is no setting of the training: it restarts nothing
      if (e.target !== g$("gpt-every")) startGpt(formGpt());
    };
    g$("gpt-temperature").oninput = () => { g$("gpt-temperature-value").textContent = g$("gpt-temperature").value; };
    const { words: source, list, ...settings } = link.view === "gpt" ? link.settings : {};
    if (source === "mine") { g$("gpt-source").value = "mine"; g$("gpt-words").value = list || ""; }
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
