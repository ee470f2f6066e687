"""microgpt's model and training step, written again here for the benchmark only, to run on any Value class.

Credit: the model, its training step and their code's shape are Andrej Karpathy's, from microgpt.py (2026).
Kept as microgpt has them, because these are what a Value class is timed on: `sum()` from 0, `linear` as a
sum per output row, rmsnorm with `** -0.5`, softmax less the max, the loss as `(1 / n) * sum(losses)`, and
Adam on the floats in `p.grad`, then `p.grad = 0`. Nothing here adapts to one engine: `engine.gpt`'s own
model code (benchmarks.workloads.Gpt) is the row that does."""

# ruff: noqa: B905 (zip without strict=, as microgpt writes it)
from __future__ import annotations

import random
import time

N_LAYER, N_EMBD, BLOCK_SIZE, N_HEAD = 1, 16, 16, 4
HEAD_DIM = N_EMBD // N_HEAD
LEARNING_RATE, BETA1, BETA2, EPS = 0.01, 0.85, 0.99, 1e-8
STEPS = 1000  # the learning rate decays to 0 over this many steps


class MicrogptCode:
    """Consecutive training steps of microgpt's model with `Value`, on the shuffled names: step() ->
    (forward s, backward s, loss), where backward counts backward() and the update, as in workloads.Trainer."""

    def __init__(self, Value, docs, seed=42):
        rng = random.Random(seed)
        self.docs = list(docs)
        rng.shuffle(self.docs)
        self.uchars = sorted(set("".join(self.docs)))
        self.bos = len(self.uchars)
        vocab_size = len(self.uchars) + 1

        def matrix(nout, nin, std=0.08):
            return [[Value(rng.gauss(0, std)) for _ in range(nin)] for _ in range(nout)]

        sd = {"wte": matrix(vocab_size, N_EMBD), "wpe": matrix(BLOCK_SIZE, N_EMBD)}
        sd["lm_head"] = matrix(vocab_size, N_EMBD)
        for i in range(N_LAYER):
            for name in ("attn_wq", "attn_wk", "attn_wv", "attn_wo"):
                sd[f"layer{i}.{name}"] = matrix(N_EMBD, N_EMBD)
            sd[f"layer{i}.mlp_fc1"] = matrix(4 * N_EMBD, N_EMBD)
            sd[f"layer{i}.mlp_fc2"] = matrix(N_EMBD, 4 * N_EMBD)
        self.sd = sd
        self.params = [p for mat in sd.values() for row in mat for p in row]
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)
        self.k = 0
        self.graph = None

    def gpt(self, token_id, pos_id, keys, values):
        sd = self.sd
        x = [t + p for t, p in zip(sd["wte"][token_id], sd["wpe"][pos_id])]
        x = rmsnorm(x)
        for li in range(N_LAYER):
            x_residual = x
            x = rmsnorm(x)
            q = linear(x, sd[f"layer{li}.attn_wq"])
            k = linear(x, sd[f"layer{li}.attn_wk"])
            v = linear(x, sd[f"layer{li}.attn_wv"])
            keys[li].append(k)
            values[li].append(v)
            x_attn = []
            for h in range(N_HEAD):
                hs = h * HEAD_DIM
                q_h = q[hs : hs + HEAD_DIM]
                k_h = [ki[hs : hs + HEAD_DIM] for ki in keys[li]]
                v_h = [vi[hs : hs + HEAD_DIM] for vi in values[li]]
                attn_logits = [
                    sum(q_h[j] * k_h[t][j] for j in range(HEAD_DIM)) / HEAD_DIM**0.5 for t in range(len(k_h))
                ]
                attn_weights = softmax(attn_logits)
                x_attn.extend(sum(attn_weights[t] * v_h[t][j] for t in range(len(v_h))) for j in range(HEAD_DIM))
            x = linear(x_attn, sd[f"layer{li}.attn_wo"])
            x = [a + b for a, b in zip(x, x_residual)]
            x_residual = x
            x = rmsnorm(x)
            x = linear(x, sd[f"layer{li}.mlp_fc1"])
            x = [xi.relu() for xi in x]
            x = linear(x, sd[f"layer{li}.mlp_fc2"])
            x = [a + b for a, b in zip(x, x_residual)]
        return linear(x, sd["lm_head"])

    def loss(self):
        doc = self.docs[self.k % len(self.docs)]
        tokens = [self.bos] + [self.uchars.index(ch) for ch in doc] + [self.bos]
        n = min(BLOCK_SIZE, len(tokens) - 1)
        keys, values = [[] for _ in range(N_LAYER)], [[] for _ in range(N_LAYER)]
        losses = []
        for pos_id in range(n):
            probs = softmax(self.gpt(tokens[pos_id], pos_id, keys, values))
            losses.append(-probs[tokens[pos_id + 1]].log())
        return (1 / n) * sum(losses)

    def update(self):
        s = self.k % STEPS
        lr_t = LEARNING_RATE * (1 - s / STEPS)
        for i, p in enumerate(self.params):
            self.m[i] = BETA1 * self.m[i] + (1 - BETA1) * p.grad
            self.v[i] = BETA2 * self.v[i] + (1 - BETA2) * p.grad**2
            m_hat = self.m[i] / (1 - BETA1 ** (s + 1))
            v_hat = self.v[i] / (1 - BETA2 ** (s + 1))
            p.data -= lr_t * m_hat / (v_hat**0.5 + EPS)
            p.grad = 0
        self.k += 1

    def step(self):
        t0 = time.perf_counter()
        self.graph = None  # the previous step's graph is freed here, as `loss = ...` frees it in microgpt
        loss = self.graph = self.loss()
        t1 = time.perf_counter()
        loss.backward()
        self.update()
        return t1 - t0, time.perf_counter() - t1, loss.data

    def release(self):
        """Free the last graph, so that it does not weigh on the collector while another engine is timed."""
        self.graph = None


def linear(x, w):
    return [sum(wi * xi for wi, xi in zip(wo, x)) for wo in w]


def softmax(logits):
    max_val = max(val.data for val in logits)
    exps = [(val - max_val).exp() for val in logits]
    total = sum(exps)
    return [e / total for e in exps]


def rmsnorm(x):
    ms = sum(xi * xi for xi in x) / len(x)
    scale = (ms + 1e-5) ** -0.5
    return [xi * scale for xi in x]
