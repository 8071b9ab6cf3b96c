"""Rich renderables for the prompt: values, graphs, the vars table, errors, help,
and RichFormatter, the prompt's formatter of the commands' display objects.

Only the interactive path imports this module (rich is not loaded by
scripts).  Every renderable is built from the same plain text or data the
script path prints, so stripping the colour gives back exactly what a script
shows: a tensor is PyTorch's characters, an error is display.format_error's
block, a graph is graph_view's tree.

User and engine text always reaches rich as ``Text``, never as markup:
``[1, 2]`` is data, not a style tag.
"""
import re

from rich.console import Console, Group
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from rich.theme import Theme
from rich.tree import Tree

from ..language import display, graph_view, plot

__all__ = ["THEME", "RichFormatter", "make_console", "color_repr", "value_renderable", "tensor_footer",
           "graph_renderable", "explanation_renderable", "vars_table", "error_renderable",
           "help_renderable"]

# The 16 named ANSI colours only, so light and dark terminals both read well.
THEME = Theme({
    "tsh.number": "cyan",
    "tsh.bool": "cyan",
    "tsh.ellipsis": "dim",
    "tsh.prefix": "default",
    "tsh.suffix": "dim",
    "tsh.dtype": "yellow",
    "tsh.device": "green",
    "tsh.grad_fn": "magenta",
    "tsh.requires_grad": "magenta",
    "tsh.string": "green",
    "tsh.footer": "dim italic",
    "tsh.node": "bold",
    "tsh.leaf": "bold blue",
    "tsh.shape": "cyan",
    "tsh.name": "bold yellow",
    "tsh.ref": "dim",
    "tsh.step": "bold",
    "tsh.error": "bold red",
    "tsh.warning": "bold yellow",
    "tsh.location": "blue",
    "tsh.caret": "bold red",
    "tsh.help.signature": "bold",
    "tsh.help.heading": "bold underline",
    "tsh.help.code": "cyan",
})


def make_console(file=None, color=True, width=None, height=None):
    """A Console for the prompt's output: our theme, no markup, no auto-highlighting."""
    return Console(file=file, theme=THEME, markup=False, highlight=False, emoji=False,
                   color_system="standard" if color else None, no_color=not color,
                   force_terminal=color if file is not None else None, width=width,
                   height=height, soft_wrap=False)


# ------------------------------------------------------------------ values

_REPR_TOKEN = re.compile(
    r"(?P<key>(?:dtype|device|requires_grad|grad_fn|size)=)"
    r"(?P<value><[\w:]+>|torch\.\w+|'[^']*'|True|\([^)]*\))"
    r"|(?P<prefix>\b(?:tensor|parameter|array|torch\.Size)\()"
    r"|(?P<number>(?<![\w.])-?(?:(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|inf|nan)(?![\w]))"
    r"|(?P<bool>\b(?:True|False)\b)"
    r"|(?P<ellipsis>\.\.\.)"
    r"|(?P<string>'[^'\n]*')")
_SUFFIX_STYLE = {"dtype=": "tsh.dtype", "device=": "tsh.device", "grad_fn=": "tsh.grad_fn",
                 "requires_grad=": "tsh.requires_grad", "size=": "tsh.shape"}


def color_repr(text):
    """PyTorch's (or NumPy's) text with its numbers and suffixes coloured; same characters."""
    out = Text(text)
    for m in _REPR_TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "value":
            out.stylize("tsh.suffix", m.start("key"), m.end("key"))
            out.stylize(_SUFFIX_STYLE[m.group("key")], m.start("value"), m.end("value"))
        else:
            out.stylize(f"tsh.{kind}", m.start(), m.end())
    return out


def _is_tensor(value):
    return hasattr(value, "_data") and hasattr(value, "grad_fn") and hasattr(value, "dtype")


def tensor_footer(value):
    """The one line that repeats a tall tensor's shape, dtype and device under it."""
    shape = "[" + ", ".join(map(str, value.shape)) + "]"
    return Text(f"tensor of shape {shape}, dtype {value.dtype}, device {value.device}",
                style="tsh.footer")


def value_renderable(value, text=None, screen_height=None):
    """A displayed value: coloured repr, plus the footer when a tensor is taller than the screen.

    ``text`` is the plain text the script path shows (display.format_value);
    ``screen_height`` is given only at the prompt, so ``print`` and pipes never
    see the footer.
    """
    if text is None:
        text = display.format_value(value)
        if text is None:
            return None
    body = color_repr(text)
    if screen_height and _is_tensor(value) and text.count("\n") + 1 >= screen_height - 1:
        return Group(body, tensor_footer(value))
    return body


# ------------------------------------------------------------------ graphs

def _node_text(item):
    if isinstance(item, graph_view.Reference):
        return Text(item.describe(), style="tsh.ref")
    if isinstance(item, graph_view.Elided):
        return Text(item.describe(), style="tsh.ref")
    text = Text(item.name, style="tsh.leaf" if item.is_leaf else "tsh.node")
    if item.label:
        text.append(" " + item.label, style="tsh.ref")
    names = ", ".join(item.names)
    if item.is_leaf:
        text.append("  " + (names or "(unnamed leaf)"), style="tsh.name")
    if item.shape is not None:
        arrow = "" if item.is_leaf else "-> "
        text.append("  " + arrow)
        text.append("[" + ", ".join(map(str, item.shape)) + "]", style="tsh.shape")
        if item.dtype is not None:
            text.append(" " + str(item.dtype).replace("torch.", ""), style="tsh.dtype")
    if names and not item.is_leaf:
        text.append("  " + names, style="tsh.name")
    return text


def graph_renderable(graph):
    """graph_view.Graph as a rich Tree (same lines as its plain text, with colour)."""
    head = [Text(graph.title, style="bold")] if graph.title else []
    if graph.root is None:
        return Group(*head, Text(graph.message or "(no graph)", style="tsh.ref"))
    tree = Tree(_node_text(graph.root), guide_style="dim")
    stack = [(tree, graph.root)]
    while stack:
        branch, node = stack.pop()
        for child in node.children:
            sub = branch.add(_node_text(child))
            if isinstance(child, graph_view.GraphNode) and child.children:
                stack.append((sub, child))
    return Group(*head, tree)


def explanation_renderable(explanation, language="en"):
    """explain backward: one block per step, then each leaf's gradient, in ``language``."""
    words = graph_view.EXPLAIN_PHRASES[language]
    parts = [Text(explanation.title(words), style="bold"), Text("")]
    steps, hidden = explanation.shown_steps()
    for step in steps:
        if hidden and step is steps[-10]:
            parts += [Text(words["more"].format(count=hidden), style="tsh.ref"), Text("")]
        heading = Text(words["step"].format(number=step.number), style="tsh.step")
        heading.append(graph_view.step_heading(step, words), style="tsh.leaf" if step.node.is_leaf else "tsh.node")
        parts.append(heading)
        parts.append(_labelled("    " + words["receives"], step.incoming))
        for target, grad in step.outgoing:
            parts.append(_labelled("    " + words["sends"].format(target=graph_view.target_text(target, words)), grad))
        parts.append(Text(""))
    for names, grad, after in explanation.leaves:
        parts.append(_labelled(words["after"].format(leaves=graph_view.leaf_text(names, words)), after,
                               hanging=True))
    return Group(*parts)


def _labelled(label, value, hanging=False):
    body = repr(value)
    if hanging:
        body = body.replace("\n", "\n" + " " * len(label))
    else:
        body = body.replace("\n", "\n    ")
    text = Text(label, style="bold" if hanging else "")
    text.append_text(color_repr(body))
    return text


# ------------------------------------------------------------------ vars

VARS_COLUMNS = ("name", "type", "shape", "dtype", "device", "requires_grad", "grad_fn", "memory")


def _memory(nbytes):
    from ..language.errors import format_size
    return format_size(nbytes)


def describe_variable(name, value):
    """One row of the vars table; metadata only (no value is computed or printed)."""
    if _is_tensor(value):
        gf = value.grad_fn
        return (name, "Tensor", "[" + ", ".join(map(str, value._data.shape)) + "]",
                str(value.dtype).replace("torch.", ""), str(value.device),
                "True" if value.requires_grad else "", type(gf).__name__ if gf is not None else "",
                _memory(value._data.size * value._data.itemsize))
    shape = getattr(value, "shape", None)
    if type(value).__module__ == "numpy" and shape is not None:
        return (name, "ndarray", "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")",
                str(value.dtype), "cpu", "", "", _memory(value.nbytes))
    if isinstance(value, (bool, int, float, complex)):
        return (name, type(value).__name__, repr(value), "", "", "", "", "")
    if isinstance(value, str):
        text = repr(value)
        return (name, "str", text if len(text) <= 30 else text[:27] + "...", "", "", "", "", "")
    if isinstance(value, (list, tuple, dict, set)):
        return (name, type(value).__name__, f"len {len(value)}", "", "", "", "", "")
    kind, what = display.describe(value)[:2]      # models, functions, commands: as the script's vars
    return (name, kind, what, "", "", "", "", _model_memory(value))


def _model_memory(value):
    """The memory a model's parameters and buffers hold ("" for anything else)."""
    from ..language import models
    if not models.is_module(value):
        return ""
    return _memory(sum(t._data.size * t._data.itemsize for _, t, _ in models.named_tensors(value)))


def vars_table(variables):
    """The session's variables (name -> value) as a table that fits the width
    it is drawn at (VariablesTable)."""
    rows = [describe_variable(n, v) for n, v in variables.items() if not n.startswith("_")]
    if not rows:
        return Text("(no variables)", style="tsh.ref")
    return VariablesTable(rows)


# The columns a narrow terminal gives up first, in order: a name is never cut.
_DROPPED_FIRST = ("memory", "device", "type", "requires_grad", "grad_fn", "dtype")
_GAP = 2


class VariablesTable:
    """`vars` drawn at the width it gets: columns that would not fit are left
    off (a line says which), the least telling first, so names stay whole."""

    def __init__(self, rows):
        self.rows = rows

    def columns(self, width):
        """(the columns shown, the columns left off) at ``width``."""
        shown = [i for i in range(len(VARS_COLUMNS)) if i == 0 or any(r[i] for r in self.rows)]

        def natural(i):
            return max(cell_len(VARS_COLUMNS[i]), *(cell_len(r[i]) for r in self.rows)) + _GAP

        left_off = []
        for name in _DROPPED_FIRST:
            if sum(natural(i) for i in shown) - _GAP <= width:
                break
            index = VARS_COLUMNS.index(name)
            if index in shown:
                shown.remove(index)
                left_off.append(name)
        return shown, left_off

    def __rich_console__(self, console, options):
        shown, left_off = self.columns(options.max_width)
        table = Table(box=None, header_style="bold", pad_edge=False, padding=(0, _GAP, 0, 0))
        for i in shown:
            table.add_column(VARS_COLUMNS[i], style=_COLUMN_STYLE.get(VARS_COLUMNS[i]),
                             justify="right" if VARS_COLUMNS[i] == "memory" else "left", no_wrap=True,
                             min_width=max(cell_len(r[0]) for r in self.rows) if i == 0 else None)
        for row in self.rows:
            table.add_row(*(Text(row[i]) for i in shown))
        yield table
        if left_off:
            yield Text(f"({', '.join(left_off)} left off at this width)", style="tsh.ref")


_COLUMN_STYLE = {"name": "tsh.name", "shape": "tsh.shape", "dtype": "tsh.dtype",
                 "device": "tsh.device", "grad_fn": "tsh.grad_fn", "requires_grad": "tsh.requires_grad"}


# ------------------------------------------------------------------ plot

class PlotDrawing:
    """`plot` at the prompt: coloured, as wide as the terminal (the plain drawing is 60 columns)."""

    def __init__(self, chart):
        self.chart = chart

    def __rich_console__(self, console, options):
        width = options.max_width
        height = min(plot.PLAIN_HEIGHT, max(5, (options.height or console.height) - 8))
        text = self.chart.drawing(width=max(10, width - 2), height=height, color=console.color_system is not None,
                                  line_length=width)
        yield Text.from_ansi(text.rstrip("\n"))


# ------------------------------------------------------------------ errors

def error_renderable(error, kind=None):
    """display.format_error's block (the script path's exact text), coloured line by line."""
    plain = display.format_error(error, color=False, kind=kind)
    text = Text(plain.rstrip("\n"), end="\n")
    offset = 0
    for number, line in enumerate(plain.rstrip("\n").split("\n")):
        end = offset + len(line)
        if number == 0:
            head = line.find(":") + 1
            text.stylize("tsh.warning" if line.startswith("warning") else "tsh.error", offset, offset + head)
            text.stylize("bold", offset + head, end)
        elif line.lstrip().startswith("-->"):
            text.stylize("tsh.location", offset, offset + line.index("-->") + 3)
        elif "|" in line:
            gutter, rest = line.split("|", 1)
            bar = offset + len(gutter) + 1
            text.stylize("tsh.location", offset, bar)        # "4 |" or "  |"
            if not gutter.strip() and rest.strip() and set(rest.strip()) == {"^"}:
                text.stylize("tsh.caret", bar, end)
        elif line.lstrip().startswith("= "):
            label_end = line.find(":")                        # "  = help:"
            text.stylize("bold", offset, offset + label_end + 1)
        offset = end + 1
    return text


# ------------------------------------------------------------------ help

_CODE_SPAN = re.compile(r"`[^`\n]+`")


def help_renderable(text):
    """A help page (plain text as helptext writes it): the signature line bold,
    `code` spans and indented example lines in the code colour."""
    lines = text.rstrip("\n").split("\n")
    out = Text(end="\n")
    for i, line in enumerate(lines):
        piece = Text(line)
        if i == 0 and line and not line.startswith(" "):
            piece.stylize("tsh.help.signature")
        elif line.endswith(":") and not line.startswith(" "):
            piece.stylize("tsh.help.heading")
        elif line.startswith(("    >>> ", "  >>> ")):
            piece.stylize("tsh.help.code")
        for m in _CODE_SPAN.finditer(line):
            piece.stylize("tsh.help.code", m.start(), m.end())
        out.append_text(piece)
        if i < len(lines) - 1:
            out.append("\n")
    return out


# ------------------------------------------------------------------ the formatter

class RichFormatter(display.PlainFormatter):
    """The prompt's formatter of what commands return (display.Shown): a rich
    renderable for the kinds drawn here, the plain text (a str, written as
    is) for the rest, so a `time` or `save` line reads as in a script.
    ``language`` is the running tutorial's, which `explain` speaks too."""

    language = "en"

    def format(self, shown):
        for kind in type(shown).__mro__:
            draw = _RICH_RENDERERS.get(kind)
            if draw is not None:
                return draw(shown, self.language)
        return super().format(shown)


# kind of display object -> its drawing, given the object and the language to draw it in
_RICH_RENDERERS = {
    display.VariableTable: lambda shown, language: vars_table(shown.variables),
    display.DotWritten: lambda shown, language: Text(shown.line()),
    display.HelpPage: lambda shown, language: help_renderable(shown.text),
    graph_view.Graph: lambda shown, language: graph_renderable(shown),
    graph_view.Explanation: explanation_renderable,
    plot.Plot: lambda shown, language: PlotDrawing(shown),
}
