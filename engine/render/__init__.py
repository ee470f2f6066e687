"""What `make render` and `make report` write: the gallery's before/after pictures, the step pictures, and the
PyTorch comparison report; each puts drawing (engine/draw) and the PyTorch check (engine/proof) together."""
