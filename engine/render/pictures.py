"""The picture pipeline: expressions drawn before and after backward(), written as .dot then .svg.

One rule for every command when Graphviz's `dot` program is missing: all the .dot files are written
first, then DotNotFound says how many were written and how to install Graphviz (exit code 3)."""

import shutil

from ..draw import graph as drawing
from ..draw.graph import DotNotFound, svg
from ..output import write_atomic
from ..proof.gallery import DEMO, GALLERY, on_values

INSTALL_HINT = "install Graphviz: apt-get install graphviz (Debian/Ubuntu), brew install graphviz (macOS)"


def before_after(expr):
    """Digraphs of expr's graph before and after backward()."""
    return drawn_backward(on_values(expr)[0])


def drawn_backward(out):
    """Digraphs of out's graph before and after out.backward(), which it runs."""
    before = drawing.draw(out, drawing.MAX_NODES)  # the limit as it is now (a test lowers it)
    out.backward()
    return before, drawing.draw(out, drawing.MAX_NODES)


def pairs(expressions, folder, stems=None):
    """[(digraph, stem)] of each expression before and after backward(): folder/NAME_before, NAME_after
    (or the stems given for an expression by name)."""
    stems = stems or {}
    drawn = []
    for expr in expressions:
        before, after = before_after(expr)
        stem_before, stem_after = stems.get(expr.name, (f"{expr.name}_before", f"{expr.name}_after"))
        drawn += [(before, folder / stem_before), (after, folder / stem_after)]
    return drawn


def demo_pictures(folder):
    return pairs([DEMO], folder, {DEMO.name: ("graph_before_backprop", "graph_after_backprop")})


def gallery_pictures(folder):
    """The demo's pair in folder, and every other drawable gallery expression's in folder/gallery."""
    others = [e for e in GALLERY if e.picture and e is not DEMO]
    return demo_pictures(folder) + pairs(others, folder / "gallery")


def write(pictures):
    """Write every stem.dot, then every stem.svg; returns the paths written. Without `dot`, the .dot
    files are written and DotNotFound is raised."""
    paths = [write_atomic(f"{stem}.dot", dot.source) for dot, stem in pictures]
    if shutil.which("dot") is None:
        raise DotNotFound(f"Graphviz 'dot' is not on PATH, so {len(paths)} .dot files have no .svg: {INSTALL_HINT}")
    return paths + [write_atomic(f"{stem}.svg", svg(dot.source)) for dot, stem in pictures]
