"""Benchmarks: this engine against micrograd 0.1.0, microgpt's Value design and PyTorch (0-d float64
tensors), in ONE process. `python -m benchmarks` (make bench) runs the quick profile; --full the whole
sweep. Modules: engines (who is measured), workloads and microgpt_model (what: microgpt's own model code
is one of them), timing and memory (how), report (the tables, the plot, the README), run (the plan and the
command line), versus (this engine against an earlier version of itself), breakdown (where a GPT step's
time goes). pyodide.mjs runs the training steps, or the breakdown, in the playground's Pyodide under Node."""
