"""The GPT on the engine: its loss and every gradient equal PyTorch's, it learns, it is reproducible,
and its command fails cleanly."""

import os
import random

import pytest

from engine.models import gpt
from engine.nn import Adam
from engine.proof.compare import close
from tests.support import run_cli

torch = pytest.importorskip("torch")
F = torch.nn.functional


def torch_loss(model, tokens):
    """The same GPT written with torch.nn.functional on whole tensors, from the same numbers:
    (loss, {name: weight tensor with .grad})."""
    W = {
        name: torch.tensor([[p.data for p in row] for row in mat], dtype=torch.float64, requires_grad=True)
        for name, mat in model.weights.items()
    }
    n = min(gpt.BLOCK_SIZE, len(tokens) - 1)
    inputs, targets = torch.tensor(tokens[:n]), torch.tensor(tokens[1 : n + 1])

    def norm(x):
        return F.rms_norm(x, (gpt.N_EMBD,), eps=1e-5)

    x = norm(W["wte"][inputs] + W["wpe"][:n])
    for li in range(gpt.N_LAYER):
        residual = x
        h = norm(x)
        q, k, v = (
            F.linear(h, W[f"layer{li}.attn_{name}"]).view(n, gpt.N_HEAD, gpt.HEAD_DIM).transpose(0, 1)
            for name in ("wq", "wk", "wv")
        )
        heads = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(0, 1).reshape(n, gpt.N_EMBD)
        x = F.linear(heads, W[f"layer{li}.attn_wo"]) + residual
        residual = x
        x = F.linear(F.relu(F.linear(norm(x), W[f"layer{li}.mlp_fc1"])), W[f"layer{li}.mlp_fc2"]) + residual
    loss = F.cross_entropy(F.linear(x, W["lm_head"]), targets)
    loss.backward()
    return loss, W


@pytest.fixture(scope="module")
def names():
    return gpt.load_names()


def test_the_names_are_lower_case_letters_without_repeats(names):
    assert 5000 < len(names) < 6000 and len(set(names)) == len(names)
    assert all(name.isalpha() and name.islower() for name in names)
    assert {"mary", "james", "linda"} <= set(names)


@pytest.mark.parametrize("doc", ["mary", "christopher", "alexandrinaelisabeth"])  # the last is cut at 16
def test_loss_and_every_gradient_equal_pytorch_float64(names, doc):
    tok = gpt.Tokenizer(names)
    model = gpt.GPT(tok.vocab_size, random.Random(7))
    tokens = tok.encode(doc)
    ours = model.loss(tokens)
    ours.backward()
    ref, W = torch_loss(model, tokens)
    assert close(ours.data, ref.item(), rtol=1e-9, atol=0.0)
    checked = 0
    for name, mat in model.weights.items():
        grads = W[name].grad.tolist()
        for row, ref_row in zip(mat, grads, strict=True):
            for p, g in zip(row, ref_row, strict=True):
                assert close(p.grad, g, rtol=1e-9, atol=1e-15), (name, p.grad, g)
                checked += 1
    assert checked == len(model.parameters()) == 4192


@pytest.mark.slow
def test_thirty_steps_lower_the_loss():
    _, _, losses, _ = gpt.train_gpt(30, seed=1)
    assert sum(losses[-10:]) / 10 < sum(losses[:10]) / 10


@pytest.mark.slow
def test_the_same_seed_gives_the_same_names():
    runs = []
    for _ in range(2):
        model, tok, losses, _ = gpt.train_gpt(5, seed=3)
        rng = random.Random(3)
        runs.append((losses, [model.sample(tok, rng) for _ in range(5)]))
    assert runs[0] == runs[1]
    other, tok, _, _ = gpt.train_gpt(5, seed=4)
    assert [other.sample(tok, random.Random(3)) for _ in range(5)] != runs[0][1]


def test_adam_matches_torch_adam_on_one_parameter():
    from engine import Value

    p, t = Value(0.5), torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    opt, topt = Adam([p]), torch.optim.Adam([t], lr=0.01, betas=(0.85, 0.99), eps=1e-8)
    for k in range(5):
        p.grad = 0.0
        (p * p * (k + 1)).backward()
        opt.step(0.01)
        topt.zero_grad()
        (t * t * (k + 1)).backward()
        topt.step()
        assert close(p.data, t.item(), rtol=1e-12, atol=1e-15)


@pytest.mark.slow  # a whole command run: the slow tier
def test_the_command_trains_samples_and_plots(tmp_path):
    code, out, err = run_cli("gpt", "--steps", "3", "--out", tmp_path)
    assert code == 0, err
    assert "trained 3 steps" in out and out.count("sample ") == 20
    assert (tmp_path / "gpt_loss.png").stat().st_size > 0 and (tmp_path / "gpt_loss.svg").exists()


@pytest.mark.parametrize("bad", [["--steps", "0"], ["--steps", "abc"], ["--seed", "x"], ["--nope"]])
def test_bad_arguments_exit_2_with_one_clear_line(bad, tmp_path):
    code, out, err = run_cli("gpt", *bad, "--out", tmp_path)
    assert code == 2 and out == "" and "error:" in err.splitlines()[-1]
    assert "invalid _positive" not in err


def test_without_the_names_package_one_line_says_what_to_install(tmp_path):
    # a sitecustomize that hides `names`, as if it were not installed
    (tmp_path / "sitecustomize.py").write_text(
        "import sys\nclass Hide:\n    def find_spec(self, name, *a):\n"
        "        if name == 'names':\n            raise ModuleNotFoundError(\"No module named 'names'\", name=name)\n"
        "sys.meta_path.insert(0, Hide())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    code, _, err = run_cli("gpt", "--steps", "1", "--out", tmp_path / "o", env=env)
    assert code == 6 and err.strip() == (
        "error: gpt needs the package 'names' of the [gpt] extra: "
        "pip install 'mini-autograd-engine[gpt]' (in a clone: pip install '.[gpt]')"
    )
