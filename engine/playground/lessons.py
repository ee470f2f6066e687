"""The course in the playground: lessons in order, each a Markdown file of playground/lessons/ that a teacher can
edit without touching code, and the check that marks a lesson done.

A lesson file starts with three lines between --- lines:

    ---
    title: The chain rule by hand, predicted
    link: view=expression&example=the demo: L = (a*b + c) * f&predict
    done: predictions 4
    ---

`link` sets up the page through the link machinery (docs/playground.md): a lesson names an expression view's
example by its words in the menu and an exercise by its number, and copies neither. `done` is one of:

    rendered                  the expression view has drawn the lesson's expression
    predictions N             N answers right in predict mode, in this lesson
    exercises A-B             the last grading passes exercises A to B
    loss mlp|gpt yours X      the view, training on the learner's engine, has a loss at most X (the GPT's: the
                              mean of its last 50 steps)"""

import json
import re

from ..teach.exercises import EXERCISES

_CHECK = re.compile(
    r"rendered|predictions (?P<n>\d+)|exercises (?P<a>\d)-(?P<b>\d)|loss (?P<view>mlp|gpt) yours (?P<loss>\d+(\.\d+)?)"
)


class LessonError(ValueError):
    """A lesson file the course cannot use; its message names the file and the line."""


def read_lesson(name, text):
    """A lesson from its file's text: {"name", "title", "link" (its [key, value] pairs), "done", "text"}; a
    LessonError otherwise."""
    lines = text.splitlines()
    if len(lines) < 5 or lines[0] != "---" or "---" not in lines[1:]:
        raise LessonError(f"{name}: a lesson starts with ---, then title:, link: and done: lines, then ---")
    end = lines.index("---", 1)
    fields = {}
    for line in lines[1:end]:
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    if sorted(fields) != ["done", "link", "title"]:
        raise LessonError(f"{name}: the header needs exactly title:, link: and done:, got {', '.join(fields)}")
    check = _CHECK.fullmatch(fields["done"])
    if not check:
        raise LessonError(f"{name}: done: {fields['done']!r} is none of the checks (engine/playground/lessons.py)")
    if check["a"] and not (1 <= int(check["a"]) <= int(check["b"]) <= len(EXERCISES)):
        raise LessonError(f"{name}: done: {fields['done']!r} names no range of exercises 1-{len(EXERCISES)}")
    link = [pair.partition("=")[::2] for pair in fields["link"].split("&")]  # values as written: + stays +
    return {"name": name, **fields, "link": link, "text": "\n".join(lines[end + 1 :]).strip() + "\n"}


def lesson_done(done, state_json):
    """Whether the page's state meets a lesson's done check: JSON text of {"done", "todo"}, todo saying what is
    left in words. The state: {"rendered", "right", "passed": [numbers], "mlp" and "gpt": {"engine", "loss"}}."""
    state, check = json.loads(state_json), _CHECK.fullmatch(done)
    if done == "rendered":
        ok, todo = state.get("rendered", 0) > 0, "run the expression"
    elif check["n"]:
        want = int(check["n"])
        ok, todo = state.get("right", 0) >= want, f"predict {want} steps right ({state.get('right', 0)} so far)"
    elif check["a"]:
        wanted = range(int(check["a"]), int(check["b"]) + 1)
        missing = [n for n in wanted if n not in state.get("passed", [])]
        ok, todo = not missing, f"pass exercise{'s' if len(missing) > 1 else ''} {', '.join(map(str, missing))}"
    else:
        run, limit = state.get(check["view"]) or {}, float(check["loss"])
        loss = run.get("loss")
        ok = run.get("engine") == "yours" and isinstance(loss, (int, float)) and loss <= limit
        view = "MLP" if check["view"] == "mlp" else "GPT"
        todo = f"train the {view} on your engine to a loss of {limit} or less"
    return json.dumps({"done": ok, "todo": "" if ok else todo})
