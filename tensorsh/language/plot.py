"""`plot losses`: a line chart of one or more series of numbers, drawn in the terminal.

A series is a list or tuple of numbers, or a 1-D tensor or array (a loss curve
collected in a training loop); each is drawn against its index, 0, 1, 2 ...
With several series, a legend names each by the variable it came from (or by
``legend=``).  The drawing is uniplot's, in Unicode block characters: plain
text in a script (so a `.tsh` training loop shows its loss falling), coloured
at the prompt and as wide as the terminal (tensorsh.terminal.render).

uniplot is imported on the first plot, never at start-up.
"""
from .display import Shown
from .errors import UserError

__all__ = ["Plot", "plot_series"]

PLAIN_WIDTH = 60        # columns of the plotting area in a script (the axis labels come on top)
PLAIN_HEIGHT = 15       # its lines
USAGE = 'plot takes lists or 1-D tensors of numbers: plot losses   (or plot train test title="loss")'


class Plot(Shown):
    """The chart `plot` shows; ``str()`` is its plain-text drawing."""

    __slots__ = ("series", "labels", "title")

    def __init__(self, series, labels, title):
        self.series = series        # [[float, ...], ...], each non-empty and finite
        self.labels = labels        # a legend label per series, or None for one series
        self.title = title

    def drawing(self, width=PLAIN_WIDTH, height=PLAIN_HEIGHT, color=False, line_length=None):
        """The chart as text (with ANSI colours when color), its plotting area width x height;
        line_length caps its lines, axis labels included (narrowing the plotting area)."""
        import uniplot
        options = dict(lines=True, width=width, height=height, color=color, x_gridlines=[],
                       line_length_hard_cap=line_length,
                       # without colour, several series are told apart by their characters
                       character_set="ascii" if not color and len(self.series) > 1 else "block")
        if self.labels is not None:
            options["legend_labels"] = self.labels
        if self.title is not None:
            options["title"] = self.title
        xs = [list(range(len(s))) for s in self.series]
        return uniplot.plot_to_string(self.series, xs=xs, **options).rstrip("\n") + "\n"

    def __str__(self):
        return self.drawing()


def plot_series(values, names, title=None, legend=None):
    """The Plot of `plot *values title=... legend=...`; names are the argument's variable
    names (None where an argument is not a bare name), the legend when none is given."""
    if not values:
        raise UserError(USAGE)
    if title is not None and not isinstance(title, str):
        raise UserError(f"plot's title= takes a string, not {type(title).__name__}")
    series = [_numbers(value, name) for value, name in zip(values, names)]
    labels = None
    if legend is not None:
        if not (isinstance(legend, (list, tuple)) and len(legend) == len(series)
                and all(isinstance(label, str) for label in legend)):
            raise UserError(f"plot's legend= takes one string per series ({len(series)} here)")
        labels = list(legend)
    elif len(series) > 1:
        labels = [name or f"series {i + 1}" for i, name in enumerate(names)]
    return Plot(series, labels, title)


def _numbers(value, name):
    """A series as floats, or the UserError that says why it is not one."""
    import numpy as np
    what = name or "the series"
    if hasattr(value, "detach") and hasattr(value, "shape"):
        if len(value.shape) != 1:
            shape = ", ".join(map(str, value.shape))
            raise UserError(f"plot draws 1-D tensors; {what} has shape [{shape}] (flatten it, or plot one row)")
        array = np.asarray(value.detach().cpu().numpy())
    elif isinstance(value, np.ndarray):
        if value.ndim != 1:
            raise UserError(f"plot draws 1-D arrays; {what} has shape {value.shape}")
        array = value
    elif isinstance(value, (list, tuple)):
        array = _list_numbers(value, what)
    else:
        raise UserError(f"{USAGE}; {what} is a {type(value).__name__}")
    if array.size == 0:
        raise UserError(f"plot: {what} is empty")
    if array.dtype.kind not in "biuf":
        raise UserError(f"plot draws real numbers; {what} holds {array.dtype}")
    floats = array.astype(np.float64)
    bad = int(np.count_nonzero(~np.isfinite(floats)))
    if bad:
        raise UserError(f"plot: {what} holds {bad} value{'s' if bad != 1 else ''} that "
                        f"{'are' if bad != 1 else 'is'} nan or infinite (did the training diverge?)")
    return floats.tolist()


def _list_numbers(items, what):
    """A list of numbers (or of one-element tensors, as `losses.append(loss)` collects) as an array."""
    import numpy as np
    numbers = []
    for item in items:
        if hasattr(item, "item") and tuple(getattr(item, "shape", ())) in ((), (1,)):
            item = item.item()
        if isinstance(item, bool) or not isinstance(item, (int, float)):
            raise UserError(f"plot draws real numbers; {what} holds a {type(item).__name__}")
        try:
            numbers.append(float(item))
        except OverflowError:
            raise UserError(f"plot: {what} holds an integer too large for a float") from None
    return np.asarray(numbers, dtype=np.float64)
