"""The command line: python -m engine COMMAND; each command is a function below, its arguments declared above it.

Exit codes: 0 done; 1 a gradient check failed or an output could not be written;
2 bad arguments; 3 Graphviz `dot` is missing (the .dot files are still written);
4 PyTorch is missing (for report); 5 a graph is too large to draw; 6 a package of an extra is missing
(`pip install .` installs the engine alone: the line names the extra that brings the package); 7 grade has no
sandbox for the learners' code (the line names what to install; --trusted grades without one)."""

import argparse
import os
import random
import sys
from pathlib import Path

from .draw import graph as drawing
from .output import OutputError, ensure_dir, write_atomic
from .proof.compare import TorchMissing, load_torch
from .proof.gallery import DEMO, GALLERY, on_values
from .render import pictures, steps

GPT_STEPS = 2000  # about two minutes here
# Exit codes, as the module's docstring lists them; 2 is argparse's
EXIT_FAIL, EXIT_NO_DOT, EXIT_NO_TORCH, EXIT_TOO_LARGE, EXIT_NO_EXTRA, EXIT_NO_SANDBOX = 1, 3, 4, 5, 6, 7
# The packages of pyproject.toml's extras, by the name they import as
EXTRAS = {"graphviz": "pictures", "numpy": "plots", "matplotlib": "plots", "names": "gpt", "tqdm": "gpt"}


# Each command is a function that declares its arguments beside it with @command(...); parser() only collects them
COMMANDS = {}


def command(name, *arguments):
    """Register `python -m engine NAME`, run by the decorated function; `arguments` are arg(...) declarations."""

    def register(fn):
        COMMANDS[name] = (fn, arguments)
        return fn

    return register


def arg(*flags, **options):
    """One argparse argument, as add_argument takes it."""
    return flags, options


def _folder(text):
    if not text.strip():
        raise argparse.ArgumentTypeError("must name a folder, got an empty string")
    return Path(text)


def _positive(text):
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {text}")
    return n


def writes(default, what="output folder"):
    """The --out argument: where a command writes."""
    return arg("--out", type=_folder, default=Path(default), help=f"{what} (default: {default})")


def _print_table(comparison):
    print(f"{'value':<10}{'ours':>22}{'torch':>22}{'abs diff':>11}{'rel diff':>11}  ok")
    for r in comparison.rows:
        ok = "pass" if r.ok else "FAIL"
        print(f"{r.name:<10}{r.ours:>22.15g}{r.torch:>22.15g}{r.abs_diff:>11.2g}{r.rel_diff:>11.2g}  {ok}")


@command("demo", writes("visualizations"))
def cmd_demo(args):
    """Draw the demo expression before and after backprop; print our gradients beside PyTorch's."""
    out_dir = ensure_dir(args.out)
    print(f"demo: {DEMO.title}")
    status = 0
    try:
        comparison = DEMO.compare()
        _print_table(comparison)
        status = 0 if comparison.ok else EXIT_FAIL
    except TorchMissing as e:
        out, leaves = on_values(DEMO)
        out.backward()
        print(f"{'value':<10}{'ours':>22}")
        print(f"{'forward':<10}{out.data:>22.15g}")
        for k, leaf in leaves.items():
            print(f"{k:<10}{leaf.grad:>22.15g}")
        print(f"note: {e}")
    return _write_pictures(pictures.demo_pictures(out_dir)) or status


def _write_pictures(drawn, what="pictures"):
    """Write the pictures, print each path; 0, or EXIT_NO_DOT with one line when `dot` is missing."""
    try:
        for path in pictures.write(drawn):
            print(f"wrote {path}")
    except drawing.DotNotFound as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_NO_DOT
    return 0


@command("render", writes("visualizations"))
def cmd_render(args):
    """Write before/after .dot and .svg pictures of the demo, every gallery expression and the steps."""
    out_dir = ensure_dir(args.out)
    steps_dir = out_dir / "steps"
    step_pictures, captions = steps.step_pictures(steps_dir)
    status = _write_pictures(pictures.gallery_pictures(out_dir) + step_pictures)
    if status == 0:
        print(f"wrote {steps.write_page(steps_dir, captions)}")
    return status


@command("steps", writes("visualizations/steps"))
def cmd_steps(args):
    """Write one picture per backward step of the demo and a page to walk through them."""
    out_dir = ensure_dir(args.out)
    step_pictures, captions = steps.step_pictures(out_dir)
    status = _write_pictures(step_pictures)
    if status == 0:
        page = steps.write_page(out_dir, captions)
        print(f"wrote {len(captions)} steps as .dot and .svg pictures, and {page}")
    return status


@command(
    "train",
    writes("visualizations"),
    arg("--steps", type=_positive, default=100, help="SGD steps (default: 100)"),
    arg("--seed", type=int, default=0, help="seed of the initial weights (default: 0)"),
)
def cmd_train(args):
    """Train MLP(2, [16, 16, 1]) on two moons with SGD; plot the decision boundary and the loss."""
    from .models.moons import plots, summary_line, train_moons

    out_dir = ensure_dir(args.out)
    model, data, history = train_moons(steps=args.steps, seed=args.seed)
    for path in plots(model, data, history, out_dir):
        print(f"wrote {path}")
    print(summary_line(history))
    return 0


@command("report", writes("reports"))
def cmd_report(args):
    """Compare every gallery expression with PyTorch: report.md, report.json and index.html."""
    from .render import report

    out_dir = ensure_dir(args.out)
    torch = load_torch()
    comparisons = [e.compare() for e in GALLERY]
    drawn, status = {}, 0
    for e in GALLERY:
        if not e.picture:
            n = len(drawing.walk(on_values(e)[0]))
            drawn[e.name] = f"{n} values: too many to draw (the limit is {drawing.MAX_NODES})"
            continue
        try:
            before, after = pictures.before_after(e)
            drawn[e.name] = (drawing.svg(before.source).decode(), drawing.svg(after.source).decode())
        except drawing.DotNotFound as err:
            drawn[e.name] = str(err)
            status = EXIT_NO_DOT
    version = torch.__version__
    for path, text in (
        (out_dir / "report.md", report.markdown(comparisons, version)),
        (out_dir / "report.json", report.as_json(comparisons, version)),
        (out_dir / "index.html", report.page(comparisons, drawn, version)),
    ):
        write_atomic(path, text)
        print(f"wrote {path}")
    line = report.summary(comparisons)
    print(f"report: {line}")
    if status == EXIT_NO_DOT:
        print(
            f"error: the report has no pictures: Graphviz 'dot' is not on PATH: {pictures.INSTALL_HINT}",
            file=sys.stderr,
        )
        return status
    return 0 if all(c.ok for c in comparisons) else EXIT_FAIL


@command(
    "gpt",
    writes("visualizations"),
    arg("--steps", type=_positive, default=GPT_STEPS, help=f"Adam steps (default: {GPT_STEPS})"),
    arg("--seed", type=int, default=42, help="seed of the weights, the order and the samples"),
)
def cmd_gpt(args):
    """Train microgpt's GPT on first names with this engine; print 20 sampled names, plot the loss."""
    from .models import gpt

    out_dir = ensure_dir(args.out)
    docs = gpt.load_names()
    from tqdm import tqdm

    print(f"gpt: {len(docs):,} first names, {args.steps:,} steps of one name each, seed {args.seed}")
    with tqdm(total=args.steps, unit="step", disable=None, dynamic_ncols=True) as bar:  # quiet off a terminal

        def progress(step, loss):
            bar.set_postfix_str(f"loss {loss:.4f}", refresh=False)
            bar.update()

        model, tok, losses, seconds = gpt.train_gpt(args.steps, seed=args.seed, progress=progress)
    tail = losses[-min(50, len(losses)) :]
    print(
        f"trained {args.steps:,} {'step' if args.steps == 1 else 'steps'}: {seconds * 1e3:.1f} ms a step, "
        f"loss {losses[0]:.4f} at the first step, {sum(tail) / len(tail):.4f} over the last {len(tail)}"
    )
    rng = random.Random(args.seed)
    for i in range(20):
        print(f"sample {i + 1:2d}: {model.sample(tok, rng, temperature=0.5)}")
    for path in gpt.plot(losses, out_dir):
        print(f"wrote {path}")
    return 0


@command(
    "draw",
    arg("expression", help='assignments, such as "a = 2; b = -3; c = 10; L = (a*b + c).tanh() * b"'),
    writes("visualizations/expression"),
)
def cmd_draw(args):
    """Draw an expression such as "a = 2; b = -3; L = (a*b).tanh()" before and after backprop; print its gradients."""
    from .teach import expr

    try:
        inputs, out = expr.build(args.expression)
    except expr.ExprError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    before, after = pictures.drawn_backward(out)
    try:
        torch = load_torch()
        t_inputs, t_out = expr.build(
            args.expression, lambda x: torch.tensor(x, dtype=torch.float64, requires_grad=True)
        )
        t_out.backward()
        theirs = {k: (t.grad.item() if t.grad is not None else 0.0) for k, t in t_inputs.items()}
    except TorchMissing:
        theirs = None
    print(f"draw: {args.expression}")
    print(f"{'value':<10}{'ours':>22}{'torch' if theirs else '':>22}{'finite diff':>22}")
    torch_out = f"{t_out.item():>22.15g}" if theirs else f"{'':>22}"
    print(f"{out.label or 'output':<10}{out.data:>22.15g}{torch_out}")
    for k, v in inputs.items():
        torch_cell = f"{theirs[k]:>22.15g}" if theirs else f"{'':>22}"
        print(f"{k:<10}{v.grad:>22.15g}{torch_cell}{expr.finite_difference(args.expression, k):>22.6g}")
    out_dir = ensure_dir(args.out)
    return _write_pictures([(before, out_dir / "expression_before"), (after, out_dir / "expression_after")])


@command(
    "exercises",
    writes("exercises", "the workspace to write"),
    arg("--bugs", action="store_true", help="engines with one classic bug each, to find and fix"),
)
def cmd_exercises(args):
    """Write a learner's workspace: the core with the pieces to write as stubs (--bugs: engines with a planted bug)."""
    from .teach import exercises

    paths = exercises.write_bugs(args.out) if args.bugs else exercises.write_workspace(args.out)
    for path in paths:
        print(f"wrote {path}")
    print(f"next: python -m engine grade {args.out / paths[0].parent.name if args.bugs else args.out}")
    return 0


@command(
    "grade",
    arg(
        "folders",
        metavar="DIR",
        nargs="*",
        type=_folder,
        default=[Path("exercises")],
        help="the workspace(s) to grade, e.g. submissions/* (default: exercises)",
    ),
    arg("--json", action="store_true", help="per-exercise points as JSON, for an autograder"),
    arg("--csv", type=_folder, help="write the class's table to this CSV file: a row per workspace"),
    arg("--scorecards", type=_folder, help="write each workspace's scorecard to this folder"),
    arg(
        "--trusted",
        action="store_true",
        help="run the learners' code without a sandbox, with your rights (only for work you trust)",
    ),
)
def cmd_grade(args):
    """Grade a learner's engine.py, exercise by exercise, each check in a sandbox of its own; print a scorecard.
    --json: the points as JSON, for an autograder. Several workspaces (submissions/*), or --csv: the whole class,
    one row each, graded in parallel."""
    from .grader import classroom, grade, sandbox

    folders = args.folders
    try:
        box = sandbox.choose(trusted=args.trusted)
    except sandbox.Refused as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_NO_SANDBOX
    if len(folders) == 1 and not (args.csv or args.scorecards):
        return _grade_one(grade, folders[0], args.json, box)
    rows = classroom.grade_class(folders, box)
    if args.csv:
        write_atomic(args.csv, classroom.csv_text(rows, box))
    if args.scorecards:
        out_dir = ensure_dir(args.scorecards)
        for name, text in classroom.scorecards(rows, box).items():
            write_atomic(out_dir / name, text)
    print(classroom.class_json(rows, box) if args.json else classroom.class_table(rows, box))
    if args.csv and not args.json:
        print(f"wrote {args.csv}" + (f" and {len(rows)} scorecards in {args.scorecards}" if args.scorecards else ""))
    return 0


def _grade_one(grade, folder, as_json, box):
    if not folder.is_dir():
        print(
            f"error: {folder} is not a folder (make one with: python -m engine exercises --out {folder})",
            file=sys.stderr,
        )
        return 2
    try:
        results = grade.grade(folder, box)
    except grade.LoadError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_FAIL
    print(grade.scorecard_json(folder, results, box) if as_json else grade.scorecard(folder, results, box))
    return 0 if all(r.status == "pass" for r in results) else EXIT_FAIL


@command("autograder", writes("autograder.zip", "the zip to write"))
def cmd_autograder(args):
    """Write a Gradescope autograder (setup.sh, run_autograder, the grader): results.json to Gradescope's spec."""
    from .grader import autograder

    write_atomic(args.out, autograder.build_zip())
    print(f"wrote {args.out}: upload it as the autograder of a Gradescope programming assignment")
    return 0


@command(
    "gradebook",
    arg("grades", type=_folder, help="the class's CSV, as grade --csv writes it"),
    arg("--roster", type=_folder, required=True, help="a CSV: a workspace column and the LMS's"),
    arg("--lms", choices=("canvas", "moodle"), required=True, help="the gradebook to import into"),
    arg("--assignment", default="Autograd exercises", help="the gradebook column's name"),
    writes("gradebook.csv", "the import file to write"),
)
def cmd_gradebook(args):
    """Turn the class's CSV (grade --csv) into a gradebook import for Canvas or Moodle, by a roster of workspaces."""
    from .grader import gradebook

    try:
        text, unmatched = gradebook.convert(args.grades, args.roster, args.lms, args.assignment)
    except gradebook.GradebookError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    write_atomic(args.out, text)
    print(f"wrote {args.out}: import it in {gradebook.WHERE[args.lms]}")
    if unmatched:
        print(f"note: {len(unmatched)} graded workspaces are in no row of the roster: {', '.join(unmatched)}")
    return 0


def parser():
    p = argparse.ArgumentParser(
        prog="python -m engine",
        description="mini-autograd-engine: a scalar autograd engine, drawn with Graphviz and checked against PyTorch.",
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name, (fn, arguments) in COMMANDS.items():
        s = sub.add_parser(name, help=fn.__doc__.splitlines()[0], description=fn.__doc__)
        for flags, options in arguments:
            s.add_argument(*flags, **options)
        s.set_defaults(func=fn)
    return p


def main(argv=None):
    p = parser()
    args = p.parse_args(argv)
    if args.command is None:
        args = p.parse_args(["demo", *(argv if argv is not None else sys.argv[1:])])
    try:
        return args.func(args)
    except OutputError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_FAIL
    except TorchMissing as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_NO_TORCH
    except drawing.GraphTooLarge as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_TOO_LARGE
    except ModuleNotFoundError as e:
        if e.name not in EXTRAS:
            raise
        extra = EXTRAS[e.name]
        print(
            f"error: {args.command} needs the package '{e.name}' of the [{extra}] extra: "
            f"pip install 'mini-autograd-engine[{extra}]' (in a clone: pip install '.[{extra}]')",
            file=sys.stderr,
        )
        return EXIT_NO_EXTRA
    except BrokenPipeError:  # `python -m engine demo | head`: the reader left, which is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
