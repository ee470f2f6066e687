"""Training demo: an MLP learns the two-moons data with max-margin loss and plain SGD."""

import math

from ..nn import MLP, sgd_step
from ..output import save_figure


def make_moons(n=100, noise=0.1, seed=1):
    """Two interleaving half circles (as scikit-learn's make_moons draws them), labels -1 and +1.
    Returns plain lists: points [[x, y], ...] and labels [-1.0 or 1.0, ...]."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n_out, n_in = n // 2, n - n // 2
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    X = np.vstack([np.c_[np.cos(t_out), np.sin(t_out)], np.c_[1 - np.cos(t_in), 0.5 - np.sin(t_in)]])
    X = X + rng.normal(scale=noise, size=X.shape)
    y = np.r_[-np.ones(n_out), np.ones(n_in)]
    return X.tolist(), y.tolist()


def loss_and_accuracy(model, X, y, alpha=1e-4):
    """Mean hinge loss max(0, 1 - y*score) plus alpha * sum of squared weights; and accuracy."""
    scores = [model(x) for x in X]
    data_loss = sum((1 - yi * s).relu() for yi, s in zip(y, scores, strict=True)) * (1.0 / len(X))
    reg = alpha * sum(p * p for p in model.parameters())
    accuracy = sum((yi > 0) == (s.data > 0) for yi, s in zip(y, scores, strict=True)) / len(X)
    return data_loss + reg, accuracy


def sgd_rate(step, steps):
    return 1.0 - 0.9 * step / steps


def train_moons(steps=100, seed=0, data_seed=1, n=100, log=print):
    """Train MLP(2, [16, 16, 1]) with relu; returns (model, data, history of (loss, accuracy))."""
    X, y = make_moons(n, seed=data_seed)
    model = MLP(2, [16, 16, 1], nonlin="relu", seed=seed)
    history = []
    for k in range(steps):
        loss, acc = loss_and_accuracy(model, X, y)
        model.zero_grad()
        loss.backward()
        sgd_step(model.parameters(), sgd_rate(k, steps))
        history.append((loss.data, acc))
        if log:
            log(f"step {k:3d}  loss {loss.data:.6f}  accuracy {acc:.0%}")
    loss, acc = loss_and_accuracy(model, X, y)
    history.append((loss.data, acc))
    if log:
        log(f"final     loss {loss.data:.6f}  accuracy {acc:.0%}")
    return model, (X, y), history


def plots(model, data, history, out_dir):
    """The decision boundary over the data, and the loss and accuracy curves."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    plt.rcParams["svg.hashsalt"] = "mini-autograd-engine"
    X, y = np.array(data[0]), np.array(data[1])
    h = 0.05
    xs = np.arange(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, h)
    ys = np.arange(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5, h)
    xx, yy = np.meshgrid(xs, ys)
    zz = np.array([model([a, b]).data for a, b in zip(xx.ravel().tolist(), yy.ravel().tolist(), strict=True)])
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.contourf(xx, yy, (zz > 0).reshape(xx.shape), levels=[-0.5, 0.5, 1.5], colors=["#f7c6a3", "#a8cbe8"])
    ax.contour(xx, yy, zz.reshape(xx.shape), levels=[0.0], colors="k", linewidths=1)
    ax.scatter(X[:, 0], X[:, 1], c=["#d95f02" if v < 0 else "#1f78b4" for v in y], s=25, edgecolors="k")
    ax.set_title(f"MLP(2, [16, 16, 1]) on two moons: accuracy {history[-1][1]:.0%}")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    fig.tight_layout()
    paths = save_figure(fig, out_dir / "moons_decision_boundary")
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 4))
    steps = range(len(history))
    ax.plot(steps, [loss for loss, _ in history], color="#1f78b4", label="loss")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (hinge + L2)")
    ax.set_yscale("log")
    ax2 = ax.twinx()
    ax2.plot(steps, [acc for _, acc in history], color="#d95f02", label="accuracy")
    ax2.set_ylabel("training accuracy")
    ax2.set_ylim(0, 1.05)
    ax.set_title("Training on two moons with SGD")
    fig.legend(loc="center right", bbox_to_anchor=(0.85, 0.5))
    fig.tight_layout()
    paths += save_figure(fig, out_dir / "moons_loss")
    plt.close(fig)
    return paths


def summary_line(history):
    loss, acc = history[-1]
    steps = len(history) - 1
    return f"trained {steps} {'step' if steps == 1 else 'steps'}: final loss {loss:.6f}, accuracy {acc:.0%}" + (
        "" if math.isfinite(loss) else " (diverged)"
    )
