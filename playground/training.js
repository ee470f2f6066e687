// What the two training views (mlp.js, gpt.js) share: play and pause, line charts on a canvas, and the settings' forms.
//
// lineChart(canvas, x, series, options). x: the steps; series:
// [{label, values, color, axis: "left" | "right", range: [lo, hi] (else fitted)}]. Long runs are thinned to the
// canvas's width, so a frame costs the same at step 100 and at step 100,000.
import { $, built } from "./page.js";

export function lineChart(canvas, x, series, { title = "", logLeft = false } = {}) {
  const ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height, pad = { l: 46, r: 40, t: 36, b: 24 };
  ctx.clearRect(0, 0, W, H);
  ctx.font = "11px sans-serif";
  ctx.fillStyle = "#222";
  ctx.fillText(title, pad.l, 14);
  if (!x.length) return;
  const every = Math.max(1, Math.floor(x.length / (W - pad.l - pad.r)));
  const keep = (values) => values.filter((_, i) => i % every === 0 || i === values.length - 1);
  const xs = keep(x), x0 = xs[0], x1 = Math.max(xs[xs.length - 1], x0 + 1);
  const px = (v) => pad.l + ((v - x0) / (x1 - x0)) * (W - pad.l - pad.r);
  const scales = {};
  for (const axis of ["left", "right"]) {
    const own = series.filter((s) => (s.axis || "left") === axis);
    if (!own.length) continue;
    const log = axis === "left" && logLeft;
    const f = (v) => (log ? Math.log10(Math.max(v, 1e-6)) : v);
    const finite = own.flatMap((s) => s.values.filter(Number.isFinite)).map(f);
    let [lo, hi] = own[0].range ? own[0].range.map(f) : [Math.min(...finite), Math.max(...finite)];
    if (!(hi > lo)) [lo, hi] = [lo - 1, hi + 1];
    scales[axis] = (v) => pad.t + (1 - (f(v) - lo) / (hi - lo)) * (H - pad.t - pad.b);
    const at = axis === "left" ? 4 : W - pad.r + 4;
    ctx.fillStyle = "#555";
    for (const k of [0, 0.5, 1]) {
      const v = lo + k * (hi - lo);
      ctx.fillText(Number((log ? 10 ** v : v).toPrecision(2)).toString(), at, pad.t + (1 - k) * (H - pad.t - pad.b) + 4);
    }
  }
  ctx.strokeStyle = "#ccc";
  ctx.strokeRect(pad.l, pad.t, W - pad.l - pad.r, H - pad.t - pad.b);
  ctx.fillStyle = "#555";
  ctx.fillText(`step ${x0}`, pad.l, H - 6);
  ctx.fillText(`${xs[xs.length - 1]}`, W - pad.r - 30, H - 6);
  let legend = pad.l;
  for (const s of series) {
    const y = scales[s.axis || "left"], values = keep(s.values);
    ctx.strokeStyle = s.color;
    ctx.lineWidth = s.width || 1.5;
    ctx.beginPath();
    values.forEach((v, i) => (i ? ctx.lineTo(px(xs[i]), y(v)) : ctx.moveTo(px(xs[i]), y(v))));
    ctx.stroke();
    ctx.fillStyle = s.color;
    ctx.fillText(s.label, legend, 28);  // the legend, on the line under the title
    legend += ctx.measureText(s.label).width + 14;
  }
  ctx.lineWidth = 1;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : null;
}

// Play and pause: a view's loop asks the worker for one step per message while state.running holds, so Pause
// takes effect once the step in flight is done.
export function playLoop(state, view, loop) {
  if (state.running || !state.settings) return;
  state.running = true;
  window.playground.training = true;
  $(`${view}-play`).textContent = "\u25AE\u25AE pause";
  loop().catch((e) => { $(`${view}-error`).textContent = e.message; pauseLoop(state, view); });
}

export function pauseLoop(state, view) {
  state.running = false;
  window.playground.training = false;
  $(`${view}-play`).textContent = "\u25B6 play";
}

// The settings' forms, built from what Python says of each setting (engine/playground/settings.py, through training.forms()
// into vendor/start.json at build time): its label, default, limits and choices live there only. A form is read
// back as the link's strings.
export const forms = async () => (await built).forms;

export function buildForm(container, settings) {
  for (const s of settings) {
    const id = `${container.getAttribute("data-view")}-${s.key}`;  // not .dataset: a form has a field named "dataset"
    let field;
    if (s.kind === "points") {
      field = Object.assign(document.createElement("input"), { type: "hidden", name: s.key });
      container.append(field);
      continue;
    }
    if (s.kind === "flags") {
      field = document.createElement("fieldset");
      field.dataset.key = s.key;
      field.append(Object.assign(document.createElement("legend"), { textContent: s.label }));
      for (const [value, words] of s.choices) {
        const label = document.createElement("label");
        label.append(Object.assign(document.createElement("input"), { type: "checkbox", name: s.key, value }), ` ${words}`);
        field.append(label);
      }
      container.append(field);
      continue;
    }
    const label = document.createElement("label");
    label.append(`${s.label} `);
    if (s.kind === "choice") {
      field = document.createElement("select");
      for (const [value, words] of s.choices) field.append(new Option(words, value));
    } else if (s.kind === "text") {
      field = Object.assign(document.createElement("textarea"), { spellcheck: false });
    } else if (s.kind === "sizes") {
      field = Object.assign(document.createElement("input"), { type: "text" });
    } else {
      field = Object.assign(document.createElement("input"), { type: s.slider ? "range" : "number", min: s.low, max: s.high, step: s.step });
    }
    field.name = s.key;
    field.id = id;
    label.append(field);
    if (s.slider) {
      const out = Object.assign(document.createElement("output"), { htmlFor: field.id });
      field.addEventListener("input", () => { out.textContent = field.value; });
      label.append(out);
    }
    container.append(label);
    if (s.hint) {
      const hint = Object.assign(document.createElement("span"), { className: "hint", id: `${id}-hint`, textContent: s.hint });
      field.setAttribute("aria-describedby", hint.id);
      container.append(hint);
    }
  }
}

export function readForm(form, settings) {  // the form as the link's strings
  const out = {};
  for (const s of settings) {
    if (s.kind === "flags") out[s.key] = [...form.querySelectorAll(`input[name="${s.key}"]:checked`)].map((b) => b.value).join(",");
    else out[s.key] = form.elements[s.key].value.trim();
  }
  return out;
}

export function linkStrings(values) {  // checked values (lists included) as the link writes them
  const text = (v) => (Array.isArray(v) ? v.map((x) => (Array.isArray(x) ? x.join(",") : String(x))).join(Array.isArray(v[0]) ? ";" : ",") : String(v));
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, text(v)]));
}

export function fillForm(form, settings, values) {
  const strings = linkStrings(values);
  for (const s of settings) {
    if (!(s.key in strings)) continue;
    if (s.kind === "flags") {
      const on = strings[s.key].split(",");
      for (const box of form.querySelectorAll(`input[name="${s.key}"]`)) box.checked = on.includes(box.value);
    } else {
      form.elements[s.key].value = strings[s.key];
      form.elements[s.key].dispatchEvent(new Event("input"));  // a slider's number follows
    }
  }
  markInvalid(form, null);
}

export function markInvalid(form, key) {  // the refused setting is outlined, its typed value kept
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  if (!key) return;
  const field = form.elements[key] instanceof Element ? form.elements[key] : form.querySelector(`[data-key="${key}"]`);
  if (field) field.setAttribute("aria-invalid", "true");
}
