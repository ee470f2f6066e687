// node benchmarks/pyodide.mjs VENV [breakdown] [ARGS...]: the benchmark's training steps (or, with `breakdown`,
// python -m benchmarks.breakdown) in the playground's pinned Pyodide (CPython compiled to WebAssembly, the
// Python a learner's browser runs), under Node.
//
// The repository is mounted into Pyodide's file system as it is, so the engine, the benchmark and its
// results folder are the very files on disk; micrograd and names, pure Python, come from VENV's
// site-packages. ARGS go to `python -m benchmarks` after --training-only --no-torch --per-python, or to the breakdown.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [venv = ".venv", ...rest] = process.argv.slice(2);
const breakdown = rest[0] === "breakdown";
const args = breakdown ? rest.slice(1) : ["--training-only", "--no-torch", "--per-python", ...rest];
const lib = path.resolve(root, venv, "lib");
const site = fs.existsSync(lib) && fs.readdirSync(lib).map((d) => path.join(lib, d, "site-packages")).find(fs.existsSync);
if (!site) {
  console.error(`error: no site-packages under ${lib}: run make venv first`);
  process.exit(2);
}
// The MLP's two moons are drawn by NumPy, which this Pyodide has no copy of offline: draw them on the host.
const moons = execFileSync(path.resolve(root, venv, "bin/python"), ["-c",
  "import json; from benchmarks.workloads import moons; print(json.dumps(moons()))"], { cwd: root, encoding: "utf8" });
const { loadPyodide } = await import(path.join(root, "playground/node_modules/pyodide/pyodide.mjs"));
const py = await loadPyodide({ stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
for (const [host, mount] of [[root, "/repo"], [site, "/site"]]) {
  py.FS.mkdirTree(mount);
  py.FS.mount(py.FS.filesystems.NODEFS, { root: host }, mount);
}
py.globals.set("moons_json", moons);
py.globals.set("bench_args", py.toPy(args));
py.globals.set("module", breakdown ? "benchmarks.breakdown" : "benchmarks.run");
const code = await py.runPythonAsync(`
import os, sys
sys.path[:0] = ["/repo", "/site"]
os.chdir("/repo")
import json
from benchmarks import workloads
workloads.moons = lambda data=json.loads(moons_json): data
import importlib
importlib.import_module(module).main(list(bench_args))
`);
process.exit(code ?? 0);
