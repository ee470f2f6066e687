"""unlink(): a graph cut into single nodes before it is freed, for the playground's long graphs.

Freeing a long chain is a recursion in C, one level per node, which CPython survives natively but Pyodide's
interpreter does not (a chain of 5,000 Values overflows WebAssembly's stack and kills it). The grader's runner
has its own, for any Value class, since it may import nothing of this package."""

from ..engine import topological_order


def unlink(root):
    for v in topological_order(root):
        v._a = v._b = None
