"""mini-autograd-engine: a scalar reverse-mode autograd engine, checked against PyTorch."""

from .engine import Value, grad

__all__ = ["Value", "grad"]
