"""Graphviz pictures of a Value's computation graph, before and after backpropagation.

Node names come from the order of a walk from the output, never from id(), so the same
expression gives the same .dot and .svg bytes in every process."""

import shutil
import subprocess

from ..engine import Value
from ..ops import BY_OP

MAX_NODES = 150  # Values in one picture; past this a graph is too large to read
COLORS = {"input": "#cfe8ff", "intermediate": "#f4f4f4", "output": "#ffd59e", "constant": "#e6e6e6"}


class GraphTooLarge(ValueError):
    """The graph has more Values than a readable picture holds."""


class DotNotFound(RuntimeError):
    """The Graphviz `dot` program is not on PATH."""


def walk(root):
    """Every Value in root's graph once, output first, inputs in operand order (iterative)."""
    order, seen, stack = [], {root}, [root]
    while stack:
        v = stack.pop()
        order.append(v)
        for x in reversed(v._prev):
            if x not in seen:
                seen.add(x)
                stack.append(x)
    return order


def fmt(x):
    """4 significant digits, as every picture and table shows numbers; inf and nan as Python writes them, and no -0
    (a gradient of -0.0 is a zero)."""
    return f"{x + 0.0:.4g}"


def _escape(text):
    return "".join("\\" + c if c in '{}|<>"\\' else c for c in text)


def add_value(dot, v, node, root, input_edge, outline=False):
    """v into the Digraph dot as the record `node` (label, data, grad) in the colour of its kind; when an op made
    v, also the op's node and its edge to v, and each plain-number input as a box. Each input Value's edge is the
    caller's: input_edge(x, op_node, role), role being the edge's label where operand order matters."""
    kind = "output" if v is root else "intermediate" if v._op else "input"
    label = f"{{ {_escape(str(v.label)) or ' '} | data {fmt(v.data)} | grad {fmt(v.grad)} }}"
    red = {"penwidth": "3", "color": "#d62728"} if outline else {}
    dot.node(node, label, shape="record", style="filled", fillcolor=COLORS[kind], **red)
    if not v._op:
        return
    op = node + "op"
    dot.node(op, _escape(v._op), shape="circle" if len(v._op) < 3 else "ellipse", fontsize="10")
    dot.edge(op, node, **red)
    roles = BY_OP[v._op].roles  # edge labels where operand order matters
    for i, x in enumerate((v._a, v._b)):
        role = {"label": roles[i], "fontsize": "9"} if roles else {}
        if isinstance(x, Value):
            input_edge(x, op, role)
        elif x is not None:  # a plain number folded into the node
            const = f"{op}c{i}"
            dot.node(const, fmt(x), shape="box", style="filled,rounded", fillcolor=COLORS["constant"])
            dot.edge(const, op, **role)


def draw(root, max_nodes=MAX_NODES, highlight=None, bold_edges=(), rankdir="LR"):
    """A graphviz.Digraph of root's graph (Jupyter shows it inline): a record per Value (label,
    data, grad), a small node per op, inputs/intermediates/output in their own colours.
    highlight: a Value to outline; bold_edges: (input, output) Value pairs drawn bold;
    rankdir: "LR" (left to right) or "TB" (top to bottom)."""
    import graphviz  # the [pictures] extra; imported here so that the rest of the package needs none

    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB', got {rankdir!r}")
    nodes = walk(root)
    if max_nodes is not None and len(nodes) > max_nodes:
        raise GraphTooLarge(
            f"the graph has {len(nodes)} values, more than the {max_nodes} a readable picture holds "
            "(pass max_nodes=None to draw it anyway)"
        )
    name = {v: f"v{i}" for i, v in enumerate(nodes)}
    bold = {(name[a], name[b]) for a, b in bold_edges if a in name and b in name}
    dot = graphviz.Digraph("autograd", graph_attr={"rankdir": rankdir, "bgcolor": "white"})
    dot.attr("node", fontname="Helvetica", fontsize="11")
    dot.attr("edge", fontname="Helvetica")
    red = {"penwidth": "3", "color": "#d62728"}
    for v in reversed(nodes):  # inputs first: the file reads in computation order

        def input_edge(x, op, role, v=v):  # bold where the caller asked
            dot.edge(name[x], op, **role, **(red if (name[x], name[v]) in bold else {}))

        add_value(dot, v, name[v], root, input_edge, outline=v is highlight)
    return dot


def draw_dot(root, format="svg", rankdir="LR", **kwargs):
    """draw() under the name and signature of the micrograd lecture: draw_dot(root, format="svg", rankdir="LR")."""
    dot = draw(root, rankdir=rankdir, **kwargs)
    dot.format = format
    return dot


def svg(dot_source):
    """Render DOT text to SVG bytes with the `dot` program."""
    exe = shutil.which("dot")
    if exe is None:
        raise DotNotFound(
            "Graphviz 'dot' is not on PATH: install Graphviz: apt-get install graphviz (Debian/Ubuntu), "
            "brew install graphviz (macOS)"
        )
    run = subprocess.run([exe, "-Tsvg"], input=dot_source.encode(), capture_output=True, check=False)
    if run.returncode:
        raise RuntimeError(f"dot failed: {run.stderr.decode(errors='replace').strip()}")
    return run.stdout


def inline_svg(svg_text):
    """SVG text without its XML prolog and doctype, to put inside an HTML page."""
    return svg_text[svg_text.find("<svg") :]
