// The page's side of python-worker.js (or sandbox-worker.js): call(op, ...args) is a Promise of the worker's
// answer. Every Python of the page runs in such workers, so no Python ever blocks the page.
export class PythonWorker {  // a module worker answering {id, op, args} with {id, result | error}
  constructor(script = "python-worker.js") {
    this.worker = new Worker(script, { type: "module" });
    this.pending = new Map();
    this.next = 0;
    this.worker.onmessage = ({ data }) => {
      const p = this.pending.get(data.id);
      this.pending.delete(data.id);
      if (data.error !== undefined) p.reject(new Error(data.error)); else p.resolve(data.result);
    };
    this.worker.onerror = (e) => { for (const p of this.pending.values()) p.reject(new Error(e.message || "crashed")); };
  }
  call(op, ...args) {
    return new Promise((resolve, reject) => {
      const id = this.next++;
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, args });
    });
  }
  stop() { this.worker.terminate(); for (const p of this.pending.values()) p.reject(new Error("stopped")); }
}

