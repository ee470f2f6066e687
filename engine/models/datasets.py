"""Datasets in the plane, as TensorFlow Playground has them: four of two classes (moons, circles, xor, spiral)
and two for regression (plane, gaussians).

Standard library only, so that the browser's playground draws them in Pyodide without numpy. Each returns
(points, labels): points [[x, y], ...] inside the square [-2, 2] x [-2, 2]; a class's label is -1.0 or 1.0, half
of each, and a regression's target is a number from -1 to 1. They are drawn from random.Random(seed), so the
same arguments give the same points on every machine (to the last bit where the platforms' cos, sin, exp and log
agree: docs/playground.md).

moons.make_moons stays as it is: it draws scikit-learn's moons with numpy, as micrograd's demo and the benchmarks
against micrograd use them; these moons are centred for the playground's square and need no numpy."""

import math
import random

CLASSES = ("moons", "circles", "xor", "spiral")
REGRESSIONS = ("plane", "gaussians")
DATASETS = CLASSES + REGRESSIONS
EXTENT = 2.0  # the square [-EXTENT, EXTENT]^2 that the points, the clicks and the heatmap share


def _moons(rng, k, noise):  # two interleaving half circles, centred on the origin
    t = rng.uniform(0, math.pi)
    x, y = (math.cos(t), math.sin(t)) if k < 0 else (1 - math.cos(t), 0.5 - math.sin(t))
    return x - 0.5, y - 0.25


def _circles(rng, k, noise):  # a disc inside a ring
    r = rng.uniform(0, 0.5) if k > 0 else rng.uniform(0.8, 1.2)
    t = rng.uniform(0, 2 * math.pi)
    return 1.2 * r * math.cos(t), 1.2 * r * math.sin(t)


def _xor(rng, k, noise):  # the four quadrants, kept a little apart from the axes
    while True:
        x, y = rng.uniform(-1.5, 1.5), rng.uniform(-1.5, 1.5)
        if abs(x) > 0.1 and abs(y) > 0.1 and (x * y > 0) == (k > 0):
            return x, y


def _spiral(rng, k, noise):  # two arms, each turning 1.75 times around the origin
    s = rng.uniform(0, 1)
    t = 1.75 * s * 2 * math.pi + (0 if k > 0 else math.pi)
    return 1.5 * s * math.cos(t), 1.5 * s * math.sin(t)


_MAKE = {"moons": _moons, "circles": _circles, "xor": _xor, "spiral": _spiral}

# the gaussians' bumps: (centre x, centre y, sign)
_BUMPS = ((-1.0, 1.0, 1.0), (1.0, 1.0, -1.0), (1.0, -1.0, 1.0), (-1.0, -1.0, -1.0), (0.0, 0.0, 1.0))


def target(name, x, y):
    """A regression dataset's target at (x, y), from -1 to 1: a tilted plane, or bumps up and down."""
    if name == "plane":
        return (x + y) / (2 * EXTENT)
    t = sum(s * math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 0.32) for cx, cy, s in _BUMPS)
    return min(1.0, max(-1.0, t))


def make(name, n=100, noise=0.1, seed=0):
    """n points of dataset `name`. A class's points have labels alternating -1, +1, each point moved by Gaussian
    noise of standard deviation noise; a regression's points are uniform in the square, with their targets moved
    by that noise. Points are clipped to the square."""
    if name not in DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(DATASETS)}, got {name!r}")
    rng = random.Random(seed)
    points, labels = [], []
    for i in range(n):
        if name in REGRESSIONS:
            x, y = rng.uniform(-EXTENT, EXTENT), rng.uniform(-EXTENT, EXTENT)
            points.append([x, y])
            labels.append(min(1.0, max(-1.0, target(name, x, y) + rng.gauss(0, noise))))
            continue
        k = -1.0 if i % 2 == 0 else 1.0
        x, y = _MAKE[name](rng, k, noise)
        x, y = x + rng.gauss(0, noise), y + rng.gauss(0, noise)
        points.append([min(EXTENT, max(-EXTENT, x)), min(EXTENT, max(-EXTENT, y))])
        labels.append(k)
    return points, labels
