"""The engines measured, each as a leaf constructor and a way to read a leaf's gradient."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from micrograd.engine import Value as MicroValue

from engine import Value

from .microgpt_value import Value as MicrogptValue


@dataclass(frozen=True)
class Engine:
    name: str
    leaf: Callable[[float], Any]
    grad: Callable[[Any], float]
    has_exp_log: bool = True  # micrograd 0.1.0 has neither exp nor log, so it cannot run the GPT


torch = None  # imported by import_torch(), after the pure-Python engines are timed


def import_torch():
    global torch
    import torch as _torch

    torch = _torch
    torch.set_num_threads(1)
    return torch


def _torch_leaf(x):
    return torch.tensor(float(x), dtype=torch.float64, requires_grad=True)


OURS = Engine("ours", Value, lambda v: v.grad)
MICRO = Engine("micrograd", MicroValue, lambda v: v.grad, has_exp_log=False)
MICROGPT = Engine("microgpt", MicrogptValue, lambda v: v.grad)
TORCH = Engine("torch", _torch_leaf, lambda t: t.grad.item())


def version(name):
    import importlib.metadata

    return importlib.metadata.version(name)
