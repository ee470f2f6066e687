"""Benchmarks: this engine against micrograd 0.1.0, microgpt's Value design and PyTorch (0-d float64
tensors), in ONE process. `python -m benchmarks` (make bench) runs the quick profile; --full the whole
sweep. Modules: engines (who is measured), workloads (what), timing and memory (how), report (the
table, the plot, the README), run (the plan and the command line), versus (this engine against an
earlier version of itself)."""
