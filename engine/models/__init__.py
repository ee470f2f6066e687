"""Models trained on the engine: an MLP on two moons (moons.py) and microgpt's GPT on first names (gpt.py)."""
