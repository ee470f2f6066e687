"""What comes back from the learner's side is data, and checked: the strict schema of a runner's report.

A report is JSON of bounded size and depth whose numbers are all floats (inf and nan included), never integers
of any size, and whose strings are each cut to one line of bounded length. Anything else is Malformed, and the
exercise gets the one line MALFORMED. The shape each probe's data must have is the judges' to check
(engine/grader/checks.py); a wrong shape there is Malformed too."""

import json
import re
from itertools import accumulate

MAX_BYTES = 8 << 20  # the largest honest report (the order of a 100,000-node chain) is under 1 MB
MAX_DEPTH = 8
MAX_ITEMS = 1_000_000
MAX_CHARS = 300
MALFORMED = "the check's report was malformed"
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


class Malformed(Exception):
    """The report breaks the schema."""


def _no_integers(text):
    raise Malformed(f"an integer ({text[:20]})")


def parse_report(data):
    """The report in data (bytes or str) as Python objects, checked; Malformed otherwise."""
    if len(data) > MAX_BYTES:
        raise Malformed("too large")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise Malformed("not UTF-8") from None
    if _depth(data) > MAX_DEPTH + 1:  # before json.loads: Pyodide's parser does not survive deep nesting
        raise Malformed("too deep")
    try:
        doc = json.loads(data, parse_int=_no_integers)
    except (ValueError, RecursionError, UnicodeDecodeError) as e:
        raise Malformed(type(e).__name__) from None
    if not isinstance(doc, dict):
        raise Malformed("not an object")
    return checked(doc)


def _depth(text):
    """The deepest nesting of brackets in JSON text, strings left out."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    return max(accumulate(1 if c in "[{" else -1 for c in brackets), default=0)


def one_line(text):
    """text cut at its first line break or control character, and to MAX_CHARS."""
    for k, ch in enumerate(text):
        if ch in _LINE_BREAKS or ord(ch) < 32 or ord(ch) == 127:
            text = text[:k]
            break
    return text[:MAX_CHARS]


def checked(doc):
    """doc with every string cut to one line; Malformed past the depth or item bounds. Iterative, so no depth
    of nesting can overflow the stack."""
    items = 0
    root = [doc]
    stack = [(root, 0, 0)]  # (container, key, depth): root[0] is the document
    while stack:
        container, key, depth = stack.pop()
        x = container[key]
        items += 1
        if items > MAX_ITEMS or depth > MAX_DEPTH:
            raise Malformed("too many items" if items > MAX_ITEMS else "too deep")
        if isinstance(x, str):
            container[key] = one_line(x)
        elif isinstance(x, dict):
            for k in list(x):
                if len(k) > MAX_CHARS:
                    raise Malformed("a key too long")
                stack.append((x, k, depth + 1))
        elif isinstance(x, list):
            stack.extend((x, k, depth + 1) for k in range(len(x)))
        elif not (x is None or isinstance(x, (bool, float))):
            raise Malformed(type(x).__name__)
    return root[0]
