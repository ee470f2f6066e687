"""The neural-network library, the two-moons training and its PyTorch twin."""

import pytest

from engine import Value
from engine.models.moons import loss_and_accuracy, make_moons, sgd_rate, summary_line, train_moons
from engine.nn import MLP, Layer, Neuron, sgd_step
from tests.support import run_cli


def test_mlp_shapes_parameters_and_seeded_reproducibility():
    m = MLP(2, [16, 16, 1], seed=3)
    assert len(m.parameters()) == (2 * 16 + 16) + (16 * 16 + 16) + (16 + 1)
    assert [p.data for p in m.parameters()] == [p.data for p in MLP(2, [16, 16, 1], seed=3).parameters()]
    assert [p.data for p in m.parameters()] != [p.data for p in MLP(2, [16, 16, 1], seed=4).parameters()]
    assert isinstance(m([0.5, -1.0]), Value)
    assert len(MLP(3, [4, 2], seed=0)([1.0, 2.0, 3.0])) == 2
    assert [n.nonlin for layer in m.layers for n in layer.neurons] == ["relu"] * 32 + ["linear"]
    assert "ReLUNeuron(2)" in repr(m) and "LinearNeuron(16)" in repr(m)


def test_neuron_nonlinearities_and_bad_input():
    for nonlin, f in (("relu", lambda s: max(s, 0.0)), ("tanh", None), ("linear", lambda s: s)):
        n = Neuron(2, nonlin)
        n.w[0].data, n.w[1].data, n.b.data = 0.5, -2.0, 0.25
        s = 0.25 + 0.5 * 1.0 - 2.0 * 3.0
        out = n([1.0, 3.0]).data
        if f:
            assert out == f(s)
        else:
            assert out == Value(s).tanh().data
    assert (Neuron(2, True).nonlin, Neuron(2, nonlin=False).nonlin, Neuron(2).nonlin) == ("relu", "linear", "relu")
    with pytest.raises(ValueError, match="nonlin must be True, False or one of"):
        Neuron(2, "sigmoidish")
    with pytest.raises(ValueError):
        Neuron(2)([1.0])  # wrong number of inputs
    assert len(Layer(2, 3).parameters()) == 9


def test_zero_grad_and_sgd_step():
    m = MLP(2, [3, 1], seed=0)
    out = m([1.0, -1.0])
    out.backward()
    before = [p.data for p in m.parameters()]
    grads = [p.grad for p in m.parameters()]
    assert any(grads)
    sgd_step(m.parameters(), 0.1)
    assert [p.data for p in m.parameters()] == [b - 0.1 * g for b, g in zip(before, grads, strict=True)]
    m.zero_grad()
    assert all(p.grad == 0.0 for p in m.parameters())


def test_make_moons_is_seeded_and_balanced():
    X, y = make_moons(100, seed=1)
    assert len(X) == 100 and all(len(p) == 2 for p in X)
    assert y.count(-1.0) == 50 and y.count(1.0) == 50
    assert make_moons(100, seed=1) == (X, y) and make_moons(100, seed=2) != (X, y)


@pytest.mark.slow
def test_training_reaches_full_accuracy():
    _, _, history = train_moons(steps=100, log=None)
    loss, acc = history[-1]
    assert acc == 1.0 and loss < 0.05
    assert history[0][0] > 5 * loss
    assert summary_line(history).endswith("accuracy 100%")
    assert summary_line(history[:2]).startswith("trained 1 step: ")


def test_training_matches_torch_nn_over_several_steps():
    torch = pytest.importorskip("torch")
    steps = 6
    X, y = make_moons(100, seed=1)
    ours = MLP(2, [16, 16, 1], seed=0)
    net = torch.nn.Sequential(
        torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1)
    ).double()
    with torch.no_grad():
        for layer, linear in zip(ours.layers, [net[0], net[2], net[4]], strict=True):
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
    tX, ty = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    opt = torch.optim.SGD(net.parameters(), lr=1.0)
    for k in range(steps):
        loss, _ = loss_and_accuracy(ours, X, y)
        ours.zero_grad()
        loss.backward()
        sgd_step(ours.parameters(), sgd_rate(k, 100))

        scores = net(tX).squeeze(1)
        tloss = torch.relu(1 - ty * scores).mean() + 1e-4 * sum((p * p).sum() for p in net.parameters())
        opt.zero_grad()
        tloss.backward()
        for group in opt.param_groups:
            group["lr"] = sgd_rate(k, 100)
        opt.step()
        assert loss.data == pytest.approx(tloss.item(), rel=0, abs=1e-9), f"step {k}"


@pytest.mark.slow  # a whole command run: the slow tier
def test_train_command_writes_both_plots(tmp_path):
    code, out, err = run_cli("train", "--steps", "2", "--out", tmp_path)
    assert code == 0, err
    assert "step   0" in out and out.strip().splitlines()[-1].startswith("trained 2 steps: final loss")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "moons_decision_boundary.png",
        "moons_decision_boundary.svg",
        "moons_loss.png",
        "moons_loss.svg",
    ]
    assert (tmp_path / "moons_loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("args", [["train", "--steps", "0"], ["train", "--steps", "x"], ["train", "--seed", "1.5"]])
def test_train_rejects_bad_arguments(args):
    code, _, err = run_cli(*args)
    assert code == 2 and "usage:" in err
