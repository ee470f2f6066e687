"""Proof: the PyTorch comparison (compare.py) and the expressions it runs (gallery.py). The report that shows it is
engine/render/report.py."""
