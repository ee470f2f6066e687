"""Proof: the PyTorch comparison (compare.py), the expressions it runs (gallery.py) and the report (report.py)."""
