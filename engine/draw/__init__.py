"""Pictures: Graphviz drawings of a graph (graph.py) and of a network's graph grouped by neuron (grouped.py). What
writes them to files is engine/render/. Needs the `graphviz` package (the [pictures] extra).

`from engine.draw import draw_dot` is the micrograd lecture's name for a drawing."""

from .graph import MAX_NODES, DotNotFound, GraphTooLarge, draw, draw_dot, fmt, inline_svg, svg, walk

__all__ = ["MAX_NODES", "DotNotFound", "GraphTooLarge", "draw", "draw_dot", "fmt", "inline_svg", "svg", "walk"]
