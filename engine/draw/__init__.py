"""Pictures: Graphviz drawings of a graph (graph.py), the before/after pipeline that writes them (pictures.py),
and backward() drawn one chain-rule term at a time (steps.py). Needs the `graphviz` package (the [pictures] extra).

`from engine.draw import draw_dot` is the micrograd lecture's name for a drawing."""

from .graph import MAX_NODES, DotNotFound, GraphTooLarge, draw, draw_dot, fmt, inline_svg, svg, walk

__all__ = ["MAX_NODES", "DotNotFound", "GraphTooLarge", "draw", "draw_dot", "fmt", "inline_svg", "svg", "walk"]
