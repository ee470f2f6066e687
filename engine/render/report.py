"""The gradient comparison report: Markdown, JSON and one self-contained HTML page."""

import html
import json
import math
import platform

from ..draw.graph import inline_svg
from ..proof.compare import ATOL, RTOL


def _num(x):
    return f"{x:.6g}" if math.isfinite(x) else str(x)


def summary(comparisons):
    """The one-line verdict that ends every report."""
    grads = sum(len(c.rows) - 1 for c in comparisons)
    worst = max((r.abs_diff for c in comparisons for r in c.rows), default=0.0)
    verdict = "all pass" if all(c.ok for c in comparisons) else "FAIL"
    return f"{len(comparisons)} expressions, {grads} gradients, max abs diff {worst:.3g}: {verdict}"


def table(comparison):
    """A Markdown table: one row per input plus the forward value."""
    lines = [
        "| value | ours | torch | abs diff | rel diff | ok |",
        "|---|---:|---:|---:|---:|:-:|",
    ]
    for r in comparison.rows:
        ok = "pass" if r.ok else "**FAIL**"
        lines.append(f"| {r.name} | {_num(r.ours)} | {_num(r.torch)} | {r.abs_diff:.2g} | {r.rel_diff:.2g} | {ok} |")
    return "\n".join(lines)


def markdown(comparisons, torch_version):
    parts = [
        "# Gradient check: this engine against PyTorch",
        "",
        f"PyTorch {torch_version}, float64; Python {platform.python_version()}. A number passes when "
        f"|ours - torch| <= {ATOL:g} + {RTOL:g} * |torch| (nan meets nan, inf the same inf).",
        "",
    ]
    for c in comparisons:
        parts += [f"## {c.name}: `{c.title}`", "", table(c), ""]
    parts.append(f"**Summary:** {summary(comparisons)}")
    return "\n".join(parts) + "\n"


def as_json(comparisons, torch_version):
    doc = {
        "torch": torch_version,
        "python": platform.python_version(),
        "rtol": RTOL,
        "atol": ATOL,
        "expressions": [c.as_dict() for c in comparisons],
        "summary": summary(comparisons),
        "ok": all(c.ok for c in comparisons),
    }
    # nan and inf are not JSON: write them as strings
    return json.dumps(_jsonable(doc), indent=2) + "\n"


def _jsonable(x):
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_jsonable(v) for v in x]
    return x


_CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}
td:first-child,th:first-child{text-align:left}.fail{color:#b00;font-weight:bold}
.pics{display:flex;flex-wrap:wrap;gap:1em}.pic{flex:1 1 480px;border:1px solid #ddd;padding:.5em;overflow:auto}
.pic svg{max-width:100%;height:auto}.summary{font-size:1.2em;padding:.5em;background:#eef6ee}"""


def page(comparisons, pictures, torch_version):
    """One HTML file with everything inline: each expression's before/after SVGs and its table.
    pictures: {name: (before_svg, after_svg)}; a missing name shows why there is no picture."""
    out = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        "<title>Gradient check: mini-autograd-engine against PyTorch</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Gradient check: this engine against PyTorch</h1>",
        f"<p class=summary id=summary>{html.escape(summary(comparisons))}</p>",
        f"<p>PyTorch {html.escape(torch_version)}, float64. Pass: |ours - torch| &le; {ATOL:g} + "
        f"{RTOL:g}&middot;|torch|.</p>",
    ]
    for c in comparisons:
        out.append(f"<section id={c.name}><h2>{c.name}: <code>{html.escape(c.title)}</code></h2>")
        pics = pictures.get(c.name, "no picture")
        if isinstance(pics, tuple):
            before, after = pics
            out.append("<div class=pics>")
            for title, svg in (("before backpropagation", before), ("after backpropagation", after)):
                body = inline_svg(svg)
                out.append(f"<div class=pic><h3>{title}</h3>{body}</div>")
            out.append("</div>")
        else:
            out.append(f"<p><em>{html.escape(pics)}</em></p>")
        out.append("<table><tr><th>value<th>ours<th>torch<th>abs diff<th>rel diff<th>ok</tr>")
        for r in c.rows:
            ok = "pass" if r.ok else "<span class=fail>FAIL</span>"
            out.append(
                f"<tr><td>{html.escape(r.name)}<td>{_num(r.ours)}<td>{_num(r.torch)}"
                f"<td>{r.abs_diff:.2g}<td>{r.rel_diff:.2g}<td>{ok}</tr>"
            )
        out.append("</table></section>")
    out.append("</body></html>\n")
    return "\n".join(out)


__all__ = ["as_json", "markdown", "page", "summary", "table"]
