"""Plain-text display shared by scripts and the prompt, and the commands'
display objects with their plain formatter.

Values print as Python prints them (a tensor's repr is the engine's, an
array's is NumPy's).  Errors print as

    error: <message>
     --> file.tsh:4:5
      |
    4 | z = x + y
      |     ^^^^^

with the caret under the whole span, measured in terminal cells (wide
characters count two).  Colour is ANSI and only when asked for.
"""
import re
import unicodedata

from .errors import REPORT_NOTE

_RED, _YELLOW, _BLUE, _BOLD, _RESET = "\x1b[31m", "\x1b[33m", "\x1b[34m", "\x1b[1m", "\x1b[0m"


def format_value(value):
    """The text shown for a bare expression's value, or None to show nothing."""
    if value is None:
        return None
    return repr(value)


def _cells(text):
    n = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n


def format_error(err, color=False, kind=None):
    """A TshError (or warning) as the text block users see."""
    kind = kind or getattr(err, "kind", "error")
    head_color = _YELLOW if kind == "warning" else _RED

    def c(code, text):
        return f"{code}{text}{_RESET}" if color else text

    lines = [c(_BOLD + head_color, f"{kind}:") + " " + (c(_BOLD, err.message) if color else err.message)]
    if err.line is not None and err.filename is not None:
        num = str(err.line)
        pad = " " * len(num)
        col = (err.col or 0)
        src = err.source_line if err.source_line is not None else ""
        lines.append(f"{pad}{c(_BLUE, '-->')} {err.filename}:{err.line}:{col + 1}")
        if src.strip():
            src = src.rstrip("\n").expandtabs(1)
            end = err.end_col if err.end_col is not None and err.end_col > col else col + 1
            end = min(end, max(len(src), col + 1))
            src, col, end = _window(src, col, end)
            lead = _cells(src[:col])
            width = max(1, _cells(src[col:end]))
            lines.append(f"{pad} {c(_BLUE, '|')}")
            lines.append(f"{c(_BLUE, num + ' |')} {src}")
            lines.append(f"{pad} {c(_BLUE, '|')} {' ' * lead}{c(head_color + _BOLD, '^' * width)}")
    calls = getattr(err, "calls", None)
    if calls and len(calls) > 1:
        lines.append("  = calls (most recent last):")
        lines.extend(call_chain_lines(calls))
    if getattr(err, "hint", None):
        lines.append(f"  = help: {err.hint}")
    if getattr(err, "internal", False):
        lines.append(f"  = note: {REPORT_NOTE}")
    return "\n".join(lines) + "\n"


REPEATS_SHOWN = 3      # as Python's traceback: a recursion shows three frames, then a count


def call_chain_lines(calls):
    """The chain of user calls (errors.CallFrame, outermost first) as traceback
    lines: each place, then its line of code; a frame repeated more than
    REPEATS_SHOWN times in a row (a recursion) is counted, not listed."""
    lines = []
    previous, repeated = None, 0
    for frame in calls:
        key = (frame.filename, frame.line, frame.function)
        repeated = repeated + 1 if key == previous else 0
        previous = key
        if repeated >= REPEATS_SHOWN:
            continue
        lines.extend(_frame_lines(frame))
        if repeated == REPEATS_SHOWN - 1:
            extra = sum(1 for _ in _same_run(calls, frame)) - REPEATS_SHOWN
            if extra > 0:
                lines.append(f"    [the frame above repeated {extra} more time{'s' if extra != 1 else ''}]")
    return lines


def _same_run(calls, frame):
    """The frames in the run of consecutive copies of frame that holds frame itself."""
    key = (frame.filename, frame.line, frame.function)
    start = calls.index(frame)
    while start > 0 and (calls[start - 1].filename, calls[start - 1].line, calls[start - 1].function) == key:
        start -= 1
    for other in calls[start:]:
        if (other.filename, other.line, other.function) != key:
            return
        yield other


def _frame_lines(frame):
    code = (frame.source_line or "").strip()
    return [f"    {frame.place()}"] + ([f"      {code}"] if code else [])


def _window(src, col, end, width=100, context=40):
    """Elide a long source line around the span (col, end)."""
    if len(src) <= width:
        return src, col, end
    end = min(end, col + width - 2 * context)
    start = max(0, col - context)
    stop = min(len(src), end + context)
    prefix = "..." if start > 0 else ""
    suffix = "..." if stop < len(src) else ""
    return prefix + src[start:stop] + suffix, col - start + len(prefix), end - start + len(prefix)


# ------------------------------------------------------------------ vars

def describe(value):
    """(type, shape, dtype, device, requires_grad, grad_fn) strings for vars."""
    import numpy as np
    tname = type(value).__name__
    if hasattr(value, "grad_fn") and hasattr(value, "shape") and hasattr(value, "dtype"):
        gf = value.grad_fn
        return ("Tensor", "[" + ", ".join(map(str, value.shape)) + "]", str(value.dtype),
                str(getattr(value, "device", "")), "True" if value.requires_grad else "",
                type(gf).__name__ if gf is not None else "")
    if isinstance(value, np.ndarray):
        return ("ndarray", "(" + ", ".join(map(str, value.shape)) + ("," if value.ndim == 1 else "") + ")",
                str(value.dtype), "cpu", "", "")
    if isinstance(value, (bool, int, float, complex, str)):
        text = repr(value)
        if len(text) > 30:
            text = text[:27] + "..."
        return (tname, text, "", "", "", "")
    if isinstance(value, (list, tuple, dict, set)):
        return (tname, f"len {len(value)}", "", "", "", "")
    from . import models
    from .builtins.command_types import Command, SpecialForm
    from .safe_numpy import Namespace
    if models.is_module(value) or models.is_optimizer(value):
        return (tname, models.count_text(models.parameter_count(value)), "", "", "", "")
    if isinstance(value, (Command, SpecialForm)):
        return ("command", "", "", "", "", "")
    if isinstance(value, Namespace):
        return ("module", value.name, "", "", "", "")
    if tname == "UserFunction":
        return ("function", value.signature(), "", "", "", "")
    return (tname, "", "", "", "", "")


def variable_rows(namespace):
    rows = []
    for name, value in namespace.items():
        if name.startswith("_"):
            continue
        rows.append((name,) + describe(value))
    return rows


HEADERS = ("name", "type", "shape/value", "dtype", "device", "requires_grad", "grad_fn")


def format_table(rows, headers=HEADERS):
    cols = list(zip(headers, *rows))
    keep = [i for i, col in enumerate(cols) if i == 0 or any(cell for cell in col[1:])]
    widths = [max(_cells(str(cell)) for cell in cols[i]) for i in keep]
    out = []
    for row in [headers] + list(rows):
        cells = [str(row[i]) for i in keep]
        line = "  ".join(cell + " " * (w - _cells(cell)) for cell, w in zip(cells, widths))
        out.append(line.rstrip())
    return "\n".join(out) + "\n"


# ------------------------------------------------------------ display objects
#
# A shell command returns what it shows as one of these, and the session shows
# it with the formatter of its front end, as IPython's display formatter does:
# PlainFormatter here (scripts, pipes, -c), RichFormatter at the prompt
# (tensorsh.terminal.render), which draws the kinds it knows with rich and
# writes the plain text of the rest.  Every object's plain text is its str().

class Shown:
    """Something a command shows.  ``value`` is what the command evaluates to."""

    __slots__ = ()
    value = None

    def __str__(self):
        raise NotImplementedError(f"{type(self).__name__} has no plain text")


class Message(Shown):
    """A line a command reports (`time: 3 ms`, `saved x to f.npz`), the same
    text everywhere; value is what the command evaluates to."""

    def __init__(self, text, value=None):
        self.text = text
        self.value = value

    def __str__(self):
        return self.text


def format_duration(seconds):
    if seconds < 1e-6:
        return f"{seconds * 1e9:.0f} ns"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.3g} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def time_taken(seconds, value=None):
    """What `time` reports after running a statement (whose value is value)."""
    return Message(f"time: {format_duration(seconds)}\n", value)


class VariableTable(Shown):
    """`vars`: the session's variables (name -> value)."""

    def __init__(self, variables):
        self.variables = variables

    def __str__(self):
        rows = variable_rows(self.variables)
        return format_table(rows) if rows else "(no variables)\n"


class DotWritten(Shown):
    """`graph t dot="f.dot"`: where the DOT file went and how to draw it."""

    def __init__(self, path, node_count):
        self.path = path
        self.node_count = node_count

    def line(self):
        return (f"wrote {self.path} ({self.node_count} nodes); "
                f"draw it with: dot -Tsvg {self.path} -o graph.svg")

    def __str__(self):
        return self.line() + "\n"


_RST_LITERAL = re.compile(r"``([^`\n]+)``")
_RST_ROLE = re.compile(r":(?:func|meth|class|attr|mod|math|ref|obj|data):`~?([^`\n]+)`")


class HelpPage(Shown):
    """A help page, as helptext writes it, as text to read: the docstrings'
    reStructuredText markup (``code``, :func:`name`) as plain `code`."""

    def __init__(self, text):
        self.text = _RST_ROLE.sub(r"`\1`", _RST_LITERAL.sub(r"`\1`", text))

    def __str__(self):
        return self.text


class TutorialTour(Shown):
    """`tutorial [language]`: every lesson as text in a script; the prompt walks
    through them one at a time instead."""

    def __init__(self, language):
        self.language = language

    def __str__(self):
        from .lessons import Lessons
        return Lessons(self.language).as_text()


class PlainFormatter:
    """The formatter of scripts and pipes: a display object's plain text."""

    def format(self, shown):
        return str(shown)
