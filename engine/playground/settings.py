"""The training views' settings, each defined once: its key in the link, its label on the form, its default and
its limits. Python checks every setting with them, and the page builds its form from describe()'s JSON, so a
limit or a label lives here only. A refused setting is one line that names the form's label, never run."""

from dataclasses import dataclass, field


class SettingsError(ValueError):
    """A setting the page cannot use; its message is the one line shown, and key names the form's field."""

    def __init__(self, message, key=None):
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Setting:
    key: str  # in the link and in the run's settings
    label: str  # on the form, and in every message about this setting
    default: str  # as the link writes it
    kind: str  # "choice", "int", "float", "text", "sizes" (a comma list of whole numbers), "flags" (a subset of the
    # choices) or "points" (x,y,label;x,y,label;... with x and y from low to high and label -1 or 1)
    low: float = 0
    high: float = 0
    step: str = "any"  # the form's step for a number
    choices: tuple = ()  # for "choice" and "flags": the values, as the link writes them
    names: dict = field(default_factory=dict)  # a choice's words on the form, where they differ from its value
    slider: bool = False  # a range control on the form rather than a box to type in
    most: int = 0  # for "sizes" and "points": at most this many
    hint: str = ""

    def check(self, raw):
        """The setting's value from the link's string, or a SettingsError naming its label."""
        raw = str(raw)
        if self.kind == "text":  # its reader checks it (training.word_list)
            return raw
        if self.kind == "choice":
            if raw not in self.choices:
                self.refuse(f"must be one of {', '.join(self.choices)}, got {raw[:40]!r}")
            return raw
        if self.kind == "flags":
            flags = [f.strip() for f in raw.split(",") if f.strip()]
            wrong = [f for f in flags if f not in self.choices]
            if wrong or not flags or len(set(flags)) != len(flags):
                self.refuse(f"must be one or more of {', '.join(self.choices)}, each once, got {raw[:40]!r}")
            return [f for f in self.choices if f in flags]  # in the form's order, whatever the link's
        if self.kind == "sizes":
            parts = raw.split(",") if raw.strip() else []
            if len(parts) > self.most:
                self.refuse(f"at most {self.most} layers, got {len(parts)}")
            return [self.number(p, int) for p in parts]
        if self.kind == "points":
            points = [p.split(",") for p in raw.split(";")] if raw.strip() else []
            if len(points) > self.most or any(len(p) != 3 for p in points):
                self.refuse(f"must be at most {self.most} points written x,y,label;x,y,label;...")
            return [self.point(*p) for p in points]
        return self.number(raw, int if self.kind == "int" else float)

    def point(self, x, y, label):
        """One added point [x, y, label], x and y rounded to 0.01 as the link keeps them."""
        if str(label).strip() not in ("-1", "1"):
            self.refuse(f"need the label -1 or 1, got {str(label)[:40]!r}")
        return [round(self.number(x, float), 2), round(self.number(y, float), 2), int(label)]

    def number(self, raw, kind):
        try:
            x = kind(raw)
        except (TypeError, ValueError):
            whole = "whole numbers" if self.kind == "sizes" else "a whole number" if kind is int else "a number"
            self.refuse(f"must be {whole} from {_text(self.low)} to {_text(self.high)}, got {str(raw)[:40]!r}")
        if not (self.low <= x <= self.high):  # also refuses nan
            self.refuse(f"must be from {_text(self.low)} to {_text(self.high)}, got {_text(x)}")
        return x

    def refuse(self, what):
        raise SettingsError(f"{self.label} {what}", self.key)

    def describe(self):
        """What the page's form needs to show this setting: JSON-ready."""
        return {
            "key": self.key, "label": self.label, "default": self.default, "kind": self.kind, "low": self.low,
            "high": self.high, "step": self.step, "slider": self.slider, "hint": self.hint,
            "choices": [[c, self.names.get(c, c)] for c in self.choices],
        }  # fmt: skip


def _text(x):
    """A limit as a person writes it: 10 rather than 10.0."""
    return str(int(x)) if isinstance(x, float) and x.is_integer() and abs(x) < 1e15 else str(x)


def read_settings(settings, raw):
    """The settings' checked values from the link's strings (a missing one takes its default)."""
    keys = [s.key for s in settings]
    unknown = sorted(set(raw) - set(keys))
    if unknown:
        raise SettingsError(f"unknown setting {unknown[0][:40]!r}; the settings are {', '.join(keys)}")
    return {s.key: s.check(raw.get(s.key, s.default)) for s in settings}
