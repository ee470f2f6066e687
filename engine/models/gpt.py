"""A GPT trained on the engine: the model of Karpathy's microgpt, one character at a time.

One transformer layer: token and position embeddings 16 wide, RMSNorm, causal self-attention with
4 heads over a context of 16, a ReLU MLP 64 wide, residual connections, and a linear head over the
characters. Trained with Adam on first names (one name per step), then sampled. Every number in it
is a Value, so backward() runs the whole transformer one scalar op at a time."""

import math
import random
import time

from ..engine import Value
from ..nn import Adam, Module, dot, linear, rmsnorm, softmax
from ..output import save_figure

N_EMBD, N_HEAD, N_LAYER, BLOCK_SIZE = 16, 4, 1, 16
HEAD_DIM = N_EMBD // N_HEAD


def load_names():
    """About 5,000 first names from the `names` package's census lists: lower case, letters only, no repeats."""
    from importlib.resources import files

    folder = files("names")  # the [gpt] extra: ModuleNotFoundError without it, which the command line explains
    seen = {}
    for list_name in ("dist.female.first", "dist.male.first"):
        for line in folder.joinpath(list_name).read_text().splitlines():
            word = "".join(c for c in line.split(maxsplit=1)[0].lower() if c.isalpha()) if line.strip() else ""
            if word:
                seen.setdefault(word, None)
    return list(seen)


class Tokenizer:
    """Characters to ids and back; the extra id BOS marks both the start and the end of a name."""

    def __init__(self, docs):
        self.chars = sorted(set("".join(docs)))
        self.bos = len(self.chars)
        self.vocab_size = len(self.chars) + 1
        self._ids = {c: i for i, c in enumerate(self.chars)}

    def encode(self, doc):
        return [self.bos, *(self._ids[c] for c in doc), self.bos]

    def decode(self, ids):
        return "".join(self.chars[i] for i in ids)


class GPT(Module):
    """microgpt's model. leaf makes each parameter from a float (Value by default; the benchmark passes others)."""

    def __init__(self, vocab_size, rng, leaf=Value, std=0.08):
        def matrix(nout, nin):
            return [[leaf(rng.gauss(0, std)) for _ in range(nin)] for _ in range(nout)]

        self.vocab_size = vocab_size
        self.weights = {"wte": matrix(vocab_size, N_EMBD), "wpe": matrix(BLOCK_SIZE, N_EMBD)}
        self.weights["lm_head"] = matrix(vocab_size, N_EMBD)
        for i in range(N_LAYER):
            for name in ("wq", "wk", "wv", "wo"):
                self.weights[f"layer{i}.attn_{name}"] = matrix(N_EMBD, N_EMBD)
            self.weights[f"layer{i}.mlp_fc1"] = matrix(4 * N_EMBD, N_EMBD)
            self.weights[f"layer{i}.mlp_fc2"] = matrix(N_EMBD, 4 * N_EMBD)

    def parameters(self):
        return [p for mat in self.weights.values() for row in mat for p in row]

    def __call__(self, token_id, pos_id, keys, values):
        """The logits of the next character, given this one at pos_id. keys and values hold, per layer,
        what the earlier positions wrote (a KV cache), so each position attends to itself and the past."""
        w = self.weights
        x = rmsnorm([t + p for t, p in zip(w["wte"][token_id], w["wpe"][pos_id], strict=True)])
        for li in range(N_LAYER):
            residual = x
            x = rmsnorm(x)
            q, k, v = (linear(x, w[f"layer{li}.attn_{name}"]) for name in ("wq", "wk", "wv"))
            keys[li].append(k)
            values[li].append(v)
            heads = []
            for h in range(N_HEAD):
                s = slice(h * HEAD_DIM, (h + 1) * HEAD_DIM)
                scores = [dot(q[s], k_t[s]) / HEAD_DIM**0.5 for k_t in keys[li]]
                weights = softmax(scores)
                heads += [dot(weights, [v_t[s][j] for v_t in values[li]]) for j in range(HEAD_DIM)]
            x = [a + b for a, b in zip(linear(heads, w[f"layer{li}.attn_wo"]), residual, strict=True)]
            residual = x
            hidden = [h.relu() for h in linear(rmsnorm(x), w[f"layer{li}.mlp_fc1"])]
            x = [a + b for a, b in zip(linear(hidden, w[f"layer{li}.mlp_fc2"]), residual, strict=True)]
        return linear(x, w["lm_head"])

    def loss(self, tokens):
        """Mean over the positions of -log p(next character): the cross-entropy of one document."""
        n = min(BLOCK_SIZE, len(tokens) - 1)
        keys, values = [[] for _ in range(N_LAYER)], [[] for _ in range(N_LAYER)]
        losses = [-softmax(self(tokens[i], i, keys, values))[tokens[i + 1]].log() for i in range(n)]
        return sum(losses[1:], losses[0]) * (1 / n)

    def sample(self, tok, rng, temperature=0.5):
        """One name, drawn a character at a time from softmax(logits / temperature) until BOS."""
        keys, values = [[] for _ in range(N_LAYER)], [[] for _ in range(N_LAYER)]
        token_id, out = tok.bos, []
        for pos_id in range(BLOCK_SIZE):
            probs = softmax([logit / temperature for logit in self(token_id, pos_id, keys, values)])
            token_id = rng.choices(range(self.vocab_size), weights=[p.data for p in probs])[0]
            if token_id == tok.bos:
                break
            out.append(token_id)
        return tok.decode(out)


def adam_rate(step, steps, lr=0.01):
    """Linear decay from lr to 0 over the run, as microgpt does."""
    return lr * (1 - step / steps)


def setup(seed=42, leaf=Value, docs=None):
    """(documents in training order, tokenizer, GPT with fresh weights), all drawn from random.Random(seed).
    docs: the words to learn (load_names() unless given)."""
    rng = random.Random(seed)
    docs = load_names() if docs is None else list(docs)
    rng.shuffle(docs)
    tok = Tokenizer(docs)
    return docs, tok, GPT(tok.vocab_size, rng, leaf=leaf)


def train_step(model, opt, tokens, lr):
    """One step of training on one document: its loss, backward(), then Adam at rate lr. Returns the loss
    (a Value: its graph is alive until the caller drops it)."""
    loss = model.loss(tokens)
    model.zero_grad()
    loss.backward()
    opt.step(lr)
    return loss


def train_gpt(steps, seed=42, progress=None):
    """Train the GPT for `steps` steps, one shuffled name per step. Returns (model, tokenizer, losses,
    seconds per step). progress, if given, is called as progress(step, loss) after each step."""
    docs, tok, model = setup(seed)
    opt = Adam(model.parameters())
    losses = []
    t0 = time.perf_counter()
    for step in range(steps):
        losses.append(train_step(model, opt, tok.encode(docs[step % len(docs)]), adam_rate(step, steps)).data)
        if progress:
            progress(step, losses[-1])
    return model, tok, losses, (time.perf_counter() - t0) / steps


def plot(losses, out_dir):
    """The loss curve, raw and smoothed over 50 steps, as PNG and SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "mini-autograd-engine"
    fig, ax = plt.subplots(figsize=(6, 4))
    steps = range(1, len(losses) + 1)
    ax.plot(steps, losses, color="#a8cbe8", linewidth=0.8, label="loss of the step's name")
    window = min(50, len(losses))
    smooth = [
        sum(losses[max(0, i - window + 1) : i + 1]) / (i + 1 - max(0, i - window + 1)) for i in range(len(losses))
    ]
    ax.plot(steps, smooth, color="#1f78b4", label=f"mean of the last {window}")
    ax.axhline(math.log(27), color="#d95f02", linestyle="--", linewidth=1, label="uniform guess, ln 27")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy (nats per character)")
    ax.set_title("A GPT trained on first names with this engine")
    ax.legend()
    fig.tight_layout()
    paths = save_figure(fig, out_dir / "gpt_loss")
    plt.close(fig)
    return paths
