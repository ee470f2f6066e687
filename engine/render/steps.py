"""Backpropagation step by step: one picture per gradient that flows along one edge.

The steps replay backward() on the demo expression with the engine's own derivative rules:
step 0 sets d(out)/d(out) = 1. Each later step takes one node and one of its inputs, adds
the chain-rule term to that input's gradient, outlines the input and draws the edge bold."""

import html

from ..draw.graph import draw, fmt, inline_svg
from ..output import write_atomic
from ..proof.gallery import DEMO, on_values
from ..teach.stepper import node_name, terms


def replay(out):
    """Yield (caption, highlighted Value, bold edges) after each step; grads are filled as it goes."""
    top, steps = node_name(out), terms(out)
    yield f"d{top}/d{top} = 1: every backward pass starts here", out, ()
    for v, x, _, local, gx in steps:
        caption = (
            f"d{top}/d{node_name(x)} += d{top}/d{node_name(v)} \u00d7 d{node_name(v)}/d{node_name(x)}"
            f" = {fmt(v.grad)} \u00d7 {fmt(local)} = {fmt(gx)}   (through {v._op})"
        )
        yield caption, x, ((x, v),)


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Backpropagation, step by step</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:1150px;margin:1.5em auto;padding:0 1em;color:#222}}
.step{{display:none}}.step.current{{display:block}}.step svg{{max-width:100%;height:auto}}
nav{{display:flex;gap:1em;align-items:center;margin:1em 0}}button{{font-size:1em;padding:.3em 1em}}
.caption{{font-family:monospace;font-size:1.05em;background:#f4f4f4;padding:.5em}}
</style></head><body>
<h1>Backpropagation, step by step: <code>{title}</code></h1>
<p>Each step adds one chain-rule term to one gradient. The outlined node is the one whose
gradient was just filled; the bold edge is the one the gradient flowed along.
Use the buttons or the arrow keys.</p>
<nav><button id="prev">&larr; previous</button><span id="counter"></span>
<button id="next">next &rarr;</button></nav>
{steps}
<script>
const steps = [...document.querySelectorAll('.step')];
let i = 0;
function show(k) {{
  i = Math.max(0, Math.min(steps.length - 1, k));
  steps.forEach((s, j) => s.classList.toggle('current', j === i));
  document.getElementById('counter').textContent = `step ${{i}} of ${{steps.length - 1}}`;
  document.getElementById('prev').disabled = i === 0;
  document.getElementById('next').disabled = i === steps.length - 1;
}}
document.getElementById('prev').onclick = () => show(i - 1);
document.getElementById('next').onclick = () => show(i + 1);
document.addEventListener('keydown', e => {{
  if (e.key === 'ArrowRight') show(i + 1);
  if (e.key === 'ArrowLeft') show(i - 1);
}});
show(0);
</script>
</body></html>
"""


def step_pictures(out_dir, expr=DEMO):
    """[(digraph, stem)] for every step of expr's replayed backward(), and the captions."""
    out, _ = on_values(expr)
    pictures, captions = [], []
    for k, (text, node, edges) in enumerate(replay(out)):
        caption = f"step {k}: {text}"
        dot = draw(out, highlight=node, bold_edges=edges)
        dot.attr(label=caption, labelloc="t", fontname="Helvetica", fontsize="13")
        pictures.append((dot, out_dir / f"step_{k:02d}"))
        captions.append(caption)
    return pictures, captions


def write_page(out_dir, captions, expr=DEMO):
    """steps/index.html: every step's picture (read back from its .svg) on one self-contained page."""
    sections = []
    for k, caption in enumerate(captions):
        body = inline_svg((out_dir / f"step_{k:02d}.svg").read_text())
        sections.append(
            f'<section class="step" id="step{k}"><p class="caption">{html.escape(caption)}</p>{body}</section>'
        )
    page = _PAGE.format(title=html.escape(expr.title), steps="\n".join(sections))
    return write_atomic(out_dir / "index.html", page)
