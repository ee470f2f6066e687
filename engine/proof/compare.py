"""The PyTorch check: run one expression through this engine and through PyTorch (float64)
and compare the forward value and every input's gradient.

A number passes when |ours - torch| <= ATOL + RTOL * |torch|; nan must meet nan and an
infinity the same infinity. torch is imported here only, and only when a check runs."""

import math
from dataclasses import asdict, dataclass

RTOL = 1e-9
ATOL = 1e-12


class TorchMissing(RuntimeError):
    """PyTorch is not installed, so there is nothing to compare with."""


def load_torch():
    try:
        import torch
    except ImportError:
        raise TorchMissing(
            "PyTorch is not installed, so gradients cannot be compared: "
            "pip install torch --index-url https://download.pytorch.org/whl/cpu (the CPU build). "
            "The engine, the pictures and the demo work without it."
        ) from None
    return torch


def close(ours, ref, rtol=RTOL, atol=ATOL):
    """The comparison every check uses."""
    if math.isnan(ref) or math.isnan(ours):
        return math.isnan(ref) and math.isnan(ours)
    if math.isinf(ref) or math.isinf(ours):
        return ours == ref
    return abs(ours - ref) <= atol + rtol * abs(ref)


@dataclass
class Row:
    name: str  # "forward" for the output, else the input's name
    ours: float
    torch: float
    abs_diff: float
    rel_diff: float
    ok: bool

    @classmethod
    def of(cls, name, ours, ref):
        diff = (
            abs(ours - ref) if math.isfinite(ours) and math.isfinite(ref) else (0.0 if close(ours, ref) else math.inf)
        )
        rel = diff / abs(ref) if ref and math.isfinite(ref) else (0.0 if diff == 0 else math.inf)
        return cls(name, ours, ref, diff, rel, close(ours, ref))


@dataclass
class Comparison:
    name: str
    title: str
    rows: list

    @property
    def ok(self):
        return all(r.ok for r in self.rows)

    def as_dict(self):
        return {"name": self.name, "title": self.title, "ok": self.ok, "rows": [asdict(r) for r in self.rows]}


def torch_run(fn, inputs):
    """fn on float64 tensors that require grad: (output value, {name: gradient})."""
    torch = load_torch()
    leaves = {k: torch.tensor(float(v), dtype=torch.float64, requires_grad=True) for k, v in inputs.items()}
    out = fn(**leaves)
    out.backward()
    return out.item(), {k: (t.grad.item() if t.grad is not None else 0.0) for k, t in leaves.items()}


def compare(name, title, fn, inputs, out, leaves):
    """fn(**inputs) run on tensors beside out, its result in this engine after backward(), with
    leaves {input name: Value}: a Comparison with the forward row, then one row per input."""
    ref_out, ref_grads = torch_run(fn, inputs)
    rows = [Row.of("forward", out.data, ref_out)]
    rows += [Row.of(k, leaves[k].grad, ref_grads[k]) for k in inputs]
    return Comparison(name, title, rows)
