"""A large graph drawn with its nodes grouped: each group (a neuron, say) one box showing its output's data and
grad, unless it is expanded, when its nodes are drawn one by one inside a frame. The playground draws one point's
loss through an MLP so, and expands a neuron on click."""

from .graph import _escape, add_value, fmt, walk

GROUP_COLOR = "#e3f1d9"


def draw_grouped(root, groups, outputs, expanded=()):
    """A graphviz.Digraph of root's graph. groups: {Value: group name} for the nodes in a group; outputs:
    {group name: the group's output Value}; expanded: the names of the groups to draw node by node.
    A group's box and frame have the SVG id "group-NAME", which the page listens to for clicks."""
    import graphviz

    nodes = walk(root)
    name = {v: f"v{i}" for i, v in enumerate(nodes)}

    def shown(v):  # the picture's node that stands for v: its own, or its group's box
        g = groups.get(v)
        return f"group_{g}" if g is not None and g not in expanded else name[v]

    dot = graphviz.Digraph("grouped", graph_attr={"rankdir": "LR", "bgcolor": "white"})
    dot.attr("node", fontname="Helvetica", fontsize="11")
    frames = {g: graphviz.Digraph(f"cluster_{g}") for g in sorted(expanded) if g in outputs}
    for g, frame in frames.items():
        frame.attr(label=f"neuron {g} (click to fold)", id=f"group-{g}", style="rounded", color="#6a9f4b")
    for g in sorted(set(groups.values()) - set(expanded)):
        out = outputs[g]
        label = f"{{ neuron {g} | {_escape(out.label)} = data {fmt(out.data)} | grad {fmt(out.grad)} }}"
        dot.node(f"group_{g}", label, shape="record", style="filled,bold", fillcolor=GROUP_COLOR, id=f"group-{g}",
                 tooltip=f"neuron {g}: click to see its nodes")  # fmt: skip
    edges = {}  # (from, to): attributes, each drawn once after the nodes
    for v in reversed(nodes):
        if shown(v) != name[v]:  # inside a folded group: only its edges that cross the group's border count
            for x in v._prev:
                if shown(x) != shown(v):
                    edges[shown(x), shown(v)] = {}
            continue

        def input_edge(x, op, role):
            edges[shown(x), op] = role

        add_value(frames.get(groups.get(v), dot), v, name[v], root, input_edge)
    for frame in frames.values():
        dot.subgraph(frame)
    for a, b in sorted(edges):
        dot.edge(a, b, **edges[a, b])
    return dot
