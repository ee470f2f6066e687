"""The playground's training views in CPython: the datasets, the MLP and GPT runs a step at a time, the numbers
they show, and the settings and word lists they refuse (engine/playground/training.py, engine/models/datasets.py)."""

import json
import math
import random
from pathlib import Path

import pytest

from engine import grad
from engine.draw.graph import walk
from engine.models import datasets, gpt
from engine.nn import MLP
from engine.playground import training


@pytest.mark.parametrize("name", datasets.CLASSES)
def test_each_dataset_is_the_same_for_a_seed_half_of_each_class_inside_the_square(name):
    points, labels = datasets.make(name, n=60, noise=0.2, seed=3)
    assert (points, labels) == datasets.make(name, n=60, noise=0.2, seed=3)
    assert points != datasets.make(name, n=60, noise=0.2, seed=4)[0]
    assert labels.count(1.0) == labels.count(-1.0) == 30
    assert all(-datasets.EXTENT <= c <= datasets.EXTENT for p in points for c in p)


def test_an_unknown_dataset_is_refused_by_name():
    with pytest.raises(ValueError, match="dataset must be one of moons, circles, xor, spiral, plane, gaussians, got"):
        datasets.make("blobs")


@pytest.mark.parametrize("name", datasets.REGRESSIONS)
def test_each_regression_dataset_is_the_same_for_a_seed_with_targets_from_minus_one_to_one(name):
    points, targets = datasets.make(name, n=80, noise=0.05, seed=3)
    assert (points, targets) == datasets.make(name, n=80, noise=0.05, seed=3)
    assert all(-1 <= t <= 1 for t in targets) and len(set(targets)) == 80
    assert all(-datasets.EXTENT <= c <= datasets.EXTENT for p in points for c in p)
    clean, exact = datasets.make(name, n=20, noise=0.0, seed=1)
    assert exact == [datasets.target(name, *p) for p in clean]


@pytest.mark.parametrize("nonlin", ["relu", "tanh", "sigmoid", "linear"])
def test_the_heatmaps_float_scores_and_each_neurons_output_are_the_values_own_to_the_last_bit(nonlin):
    rng = random.Random(5)
    model = MLP(3, [6, 5, 1], nonlin=nonlin, seed=2)
    for _ in range(200):
        x = [rng.uniform(-2, 2), rng.uniform(-2, 2), rng.uniform(-900, 900)]  # sigmoid's overflow guard, too
        hidden = [neuron(x).data for neuron in model.layers[0].neurons]
        layers = training.activations(model, x)
        assert layers[0] == hidden and training.scores(model, x) == model(x).data


@pytest.mark.parametrize(
    "raw",
    [
        {"strength": "0.01", "activation": "tanh"},
        {"penalty": "l1", "strength": "0.02", "features": "x1,x2,x1sq,x1x2,sinx2"},
        {"penalty": "none", "dataset": "gaussians", "activation": "sigmoid"},
        {"penalty": "l1", "dataset": "plane", "hidden": ""},
    ],
    ids=["hinge and L2", "L1 on five features", "squared error, no penalty", "a linear model, L1"],
)
def test_the_charts_float_loss_is_the_training_losss_value_to_the_last_bit(raw):
    run = training.MlpRun(training.mlp_settings(raw))
    for _ in range(5):
        run.step()
    for pairs in (run.train, run.test):
        X, y = run.inputs(pairs)
        value, accuracy = training.training_loss(run.model, X, y, run.settings)
        assert training.float_loss_and_accuracy(run.model, X, y, run.settings) == (value.data, accuracy)


def test_the_l1_penalty_pulls_each_weight_by_its_sign_and_leaves_a_zero_weight_alone():
    run = training.MlpRun(training.mlp_settings({"penalty": "l1", "strength": "0.1", "hidden": "2"}))
    run.model.layers[0].neurons[0].w[0].data = 0.0
    batch = run.inputs(run.train[:1])
    penalised = training.training_loss(run.model, *batch, run.settings)[0]
    plain = training.training_loss(run.model, *batch, {**run.settings, "penalty": "none"})[0]
    wanted, without = [g.data for g in grad(penalised, run.params)], [g.data for g in grad(plain, run.params)]
    for p, g, h in zip(run.params, wanted, without, strict=True):
        sign = 0.0 if p.data == 0 else (1.0 if p.data > 0 else -1.0)
        assert g - h == pytest.approx(0.1 * sign, abs=1e-12)


def test_each_feature_is_the_networks_input_and_its_picture_is_that_feature_over_the_plane():
    run = training.MlpRun(training.mlp_settings({"features": "sinx2,x1,x1x2", "hidden": "3"}))
    assert run.settings["features"] == ["x1", "x1x2", "sinx2"]  # in the form's order
    assert len(run.model.layers[0].neurons[0].w) == 3
    (point, _), *_ = run.train
    assert run.inputs(run.train[:1])[0][0] == [point[0], point[0] * point[1], math.sin(point[1])]
    pictures = run.feature_pictures()
    side = training.GRID // training.THUMB
    assert [p["name"] for p in pictures] == ["x1", "x1x2", "sinx2"] and len(pictures[0]["picture"]) == side * side
    at = run.cells[:: training.THUMB]
    assert pictures[0]["picture"][:side] == [round(x, 4) for x in at]  # the first row: x1 across the plane


def test_the_network_picture_shows_each_neurons_output_weights_and_gradients():
    run = training.MlpRun(training.mlp_settings({"hidden": "3,2", "activation": "tanh"}))
    run.step()
    network = run.frame()["network"]
    assert [len(layer) for layer in network] == [3, 2, 1]
    neuron, shown = run.model.layers[1].neurons[0], network[1][0]
    assert shown["name"] == "L2.n1" and shown["w"] == [w.data for w in neuron.w] and shown["b"] == neuron.b.data
    assert shown["wgrad"] == [w.grad for w in neuron.w] and shown["bgrad"] == neuron.b.grad != 0
    x, y = run.cells[0], run.cells[0]
    first = training.activations(run.model, training.features(run.settings["features"], (x, y)))[1][0]
    assert shown["picture"][0] == round(first, 4) and len(shown["picture"]) == (training.GRID // training.THUMB) ** 2


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_the_mlp_learns_and_the_same_settings_give_the_same_run(optimizer):
    raw = {"optimizer": optimizer, "lr": "0.1" if optimizer == "sgd" else "0.02"}
    first, again = training.MlpRun(training.mlp_settings(raw)), training.MlpRun(training.mlp_settings(raw))
    start = first.frame()["train_loss"]
    losses = [first.step() for _ in range(150)]
    assert losses == [again.step() for _ in range(150)]
    assert first.frame()["train_loss"] < start / 3
    assert [p.data for p in first.params] == [p.data for p in again.params]
    other = training.MlpRun(training.mlp_settings({"optimizer": optimizer, "seed": "1"}))
    assert other.step() != losses[0]


def test_the_parameter_table_shows_the_steps_gradients_updates_and_adams_moments():
    run = training.MlpRun(training.mlp_settings({"optimizer": "adam", "lr": "0.01"}))
    before = [p.data for p in run.params]
    run.step()
    rows = run.frame()["params"]
    assert len(rows) == training.TABLE_ROWS and rows[0]["name"] == "L1.n1.w1" and rows[2]["name"] == "L1.n1.b"
    for i, row in enumerate(rows):
        p = run.params[i]
        assert (row["value"], row["grad"], row["update"]) == (p.data, p.grad, p.data - before[i])
        assert (row["m"], row["v"]) == (run.adam.m[i], run.adam.v[i]) and row["m"] != 0.0


def test_one_points_graph_is_grouped_by_neuron_and_its_grads_are_that_points_own():
    run = training.MlpRun(training.mlp_settings({"hidden": "3,2", "seed": "4"}))
    run.step()
    trained = [p.grad for p in run.params]
    loss, groups, outputs = run.point_graph(7)
    assert [p.grad for p in run.params] == trained  # the picture's backward() touches copies only
    assert sorted(outputs) == ["L1.n1", "L1.n2", "L1.n3", "L2.n1", "L2.n2", "L3.n1"]
    assert all(groups[out] == name for name, out in outputs.items())
    leaves = {v.label: v for v in walk(loss) if not v._op}
    x, label = run.train[7]
    model = run.model
    again = (1 - label * model(x)).relu()  # the features x1, x2 are the point itself
    expected = grad(again, model.parameters())
    assert [leaves[name].grad for name in run.names] == [g.data for g in expected]
    small = run.point_dot(7)  # 75 Values: a picture holds them, so every neuron is open, in its frame
    assert small.count("subgraph") == 6 and '"group_L2.n1" [' not in small
    assert '"group_L2.n1" [' in run.point_dot(7, {"L2.n1"})  # a click folds it


def test_a_large_networks_point_graph_shows_each_neuron_as_a_box_that_opens():
    run = training.MlpRun(training.mlp_settings({"hidden": "8,8"}))
    folded = run.point_dot(0)
    assert folded.count('[label="{ neuron') == 17 and 'id="group-L2.n1"' in folded and "cluster_" not in folded
    opened = run.point_dot(0, {"L2.n1"})
    assert 'subgraph "cluster_L2.n1"' in opened and '"group_L2.n1" [' not in opened and '"group_L2.n2" [' in opened


def test_a_clicked_point_joins_the_training_data_and_the_link_and_undo_takes_it_back():
    training.mlp_start(json.dumps({"n": "20"}))
    assert json.loads(training.mlp_add(0.123456, -1.5, -1)) == {"added": [0.12, -1.5, -1]}
    run = training._RUNS["mlp"]
    assert run.train[-1] == ([0.12, -1.5], -1.0) and run.settings["added"] == [[0.12, -1.5, -1]]
    assert json.loads(training.mlp_add(3.0, 0, 1)) == {
        "error": "added points must be from -2 to 2, got 3",
        "key": "added",
    }
    again = training.MlpRun(training.mlp_settings({"n": "20", "added": "0.12,-1.5,-1"}))
    assert again.train == run.train
    dataset = list(run.train[:-1])
    json.loads(training.mlp_add(1, 1, 1))
    assert json.loads(training.mlp_remove(1)) == {"added": [[0.12, -1.5, -1]]}  # undo: the last one goes
    assert json.loads(training.mlp_remove(-1)) == {"added": []} and run.train == dataset  # clear: all of them
    assert json.loads(training.mlp_remove(1)) == {"added": []} and run.train == dataset  # nothing left to undo


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"hidden": "__import__('os').system('touch /tmp/live-pwned')"},
            "hidden layers must be whole numbers from 1 to 16",
        ),
        ({"dataset": "moons'); import os"}, "dataset must be one of moons, circles, xor, spiral, plane, gaussians"),
        ({"lr": "nan"}, "learning rate must be from 1e-05 to 10, got nan"),
        ({"n": "1e9"}, "points must be a whole number from 10 to 400, got '1e9'"),
        ({"hidden": "8,8,8,8,8"}, "hidden layers at most 4 layers, got 5"),
        ({"features": "x1,x3"}, "input features must be one or more of x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2"),
        ({"features": ""}, "input features must be one or more of"),
        ({"penalty": "l3"}, "regularization must be one of none, l1, l2, got 'l3'"),
        ({"added": "0,0,2"}, "added points need the label -1 or 1, got '2'"),
        ({"added": "0,0"}, "added points must be at most 200 points written x,y,label;x,y,label;..."),
        ({"__class__": "x"}, "unknown setting '__class__'; the settings are dataset, n, noise"),
    ],
)
def test_a_bad_or_hostile_setting_gives_one_line_naming_its_label_and_runs_nothing(raw, message):
    answer = json.loads(training.mlp_start(json.dumps(raw)))
    assert sorted(answer) == ["error", "key"] and answer["error"].startswith(message) and "\n" not in answer["error"]
    assert answer["key"] in (*raw, None)
    assert not Path("/tmp/live-pwned").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("anna\n__import__('os').system('touch /tmp/live-pwned')", "line 2: \"__import__('os').syst"),
        ("anna\n\nbob\nx y", "line 4: 'x y' has a character other than the letters a-z"),
        ("anna\n" + "a" * 16, "line 2: 'aaaaaaaaaaaaaaaa' is longer than 15 letters"),
        ("ab\n" * 20_001, "the list has 20,001 words; at most 20,000"),
        ("a" * 250_001, "the list has 250,001 characters; at most 250,000"),
        ("anna", "the list needs at least 2 words, one per line"),
    ],
)
def test_a_bad_or_hostile_word_list_gives_one_line(text, message):
    answer = json.loads(training.gpt_start(json.dumps({"words": "mine", "list": text}), "anna\nbob"))
    assert answer["key"] == "list" and answer["error"].startswith(message) and "\n" not in answer["error"]
    assert not Path("/tmp/live-pwned").exists()


def test_a_pasted_word_list_is_lowered_and_its_blank_lines_skipped():
    assert training.word_list("Anna\n\n  bob \nCLARA\n") == ["anna", "bob", "clara"]


def test_the_gpt_view_trains_exactly_as_the_command_lines_gpt():
    _, _, losses, _ = gpt.train_gpt(4, seed=7)
    run = training.GptRun(training.gpt_settings({"seed": "7", "steps": "4"}), gpt.load_names())
    assert [run.step() for _ in range(4)] == losses
    assert all(isinstance(s, str) and len(s) <= gpt.BLOCK_SIZE for s in run.samples(0.5, count=3))


@pytest.mark.slow  # a whole grading or training: the slow tier
def test_the_gpt_view_learns_a_pasted_list():
    raw = {"seed": "1", "steps": "150", "lr": "0.02", "words": "mine", "list": "abab\nabba\nbaba\n"}
    answer = json.loads(training.gpt_start(json.dumps(raw), "the shipped names are not used"))
    assert answer == {"settings": {"words": "mine", "steps": 150, "lr": 0.02, "seed": 1}, "words": 3, "vocabulary": 3}
    losses = [json.loads(training.gpt_step())["loss"] for _ in range(150)]
    assert sum(losses[-20:]) < 0.7 * sum(losses[:20])
    assert set("".join(json.loads(training.gpt_samples(0.3))["samples"])) <= {"a", "b"}


def test_the_workers_calls_answer_json_for_the_page():
    started = json.loads(training.mlp_start(json.dumps({"hidden": "4", "n": "40"})))
    assert sorted(started) == ["features", "frame", "settings", "test", "train"] and started["frame"]["step"] == 0
    assert len(started["train"]) == 32 and len(started["frame"]["grid"]) == training.GRID
    stepped = json.loads(training.mlp_step(3))
    assert stepped["step"] == 3 and len(stepped["losses"]) == 3
    frame = json.loads(training.mlp_frame())
    assert frame["step"] == 3 and frame["ms_per_step"] > 0
    figures = json.loads(training.mlp_figures())  # what a reference twin is asked for: the frame's figures alone
    assert figures == {k: frame[k] for k in figures} and "grid" not in figures and "train_loss" in figures
    assert json.loads(training.mlp_point(31, "[]"))["dot"].startswith("digraph grouped {")
    past = json.loads(training.mlp_point(32, "[]"))
    assert past == {"error": "training point must be from 0 to 31, got 32", "key": "point"}
    word = json.loads(training.mlp_point("x", "[]"))["error"]
    assert word == "training point must be a whole number from 0 to 31, got 'x'"
    forms = json.loads(training.forms())
    assert [s["key"] for s in forms["mlp"]] == [s.key for s in training.MLP_SETTINGS] and forms[
        "extent"
    ] == datasets.EXTENT
    lr = next(s for s in forms["mlp"] if s["key"] == "lr")
    assert (lr["label"], lr["low"], lr["high"], lr["default"]) == ("learning rate", 1e-5, 10, "0.1")
    json.loads(training.gpt_start('{"steps": "2", "words": "mine", "list": "abab\\nbaba"}', ""))
    assert json.loads(training.gpt_step())["step"] == 1
