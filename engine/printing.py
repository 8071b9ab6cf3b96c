"""Tensor repr, character for character as PyTorch 2.13 prints it (``torch/_tensor_str.py``).

``repr(t) = "tensor(" + BODY + SUFFIXES + ")"``.  The BODY is laid out from the
*shown* elements only: above ``threshold`` elements every axis longer than
``2 * edgeitems`` is cut to its first and last ``edgeitems`` entries before
anything is formatted, and one formatter (shared width, int/sci mode), built
from statistics over the shown elements, formats them all.
"""
from __future__ import annotations

import contextlib
import math

import numpy as np

from . import dtypes as _dtypes
from .device import module_of, to_numpy

__all__ = ["tensor_repr", "format_array", "set_printoptions", "get_printoptions", "printoptions"]

_PREFIX = "tensor("
_DEFAULTS = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80}
_PROFILES = {
    "default": _DEFAULTS,
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}
# Key order matches torch's dataclass, so get_printoptions() prints the same dict.
_opts = dict(_DEFAULTS, sci_mode=None)


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """torch.set_printoptions: a profile first, then any explicit option on top.

    As in torch, ``sci_mode`` is always assigned, so any call without it resets it to None.
    Unknown profiles are ignored, as torch does.
    """
    if profile in _PROFILES:
        _opts.update(_PROFILES[profile])
    for key, value in (("precision", precision), ("threshold", threshold),
                       ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            _opts[key] = value
    _opts["sci_mode"] = sci_mode


def get_printoptions() -> dict:
    """The current options, as a dict that can be passed back to set_printoptions(**d)."""
    return dict(_opts)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options (same arguments as set_printoptions)."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# ---------------------------------------------------------------------------
# element formatter


class _Formatter:
    """One per tensor: decides int_mode / sci_mode and the common width from the shown elements."""

    def __init__(self, shown: np.ndarray, floating: bool, precision: int, sci_opt):
        self.floating = floating
        self.precision = precision
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if shown.size == 0:
            return
        if not floating:
            # str() length grows with |value|; the extremes are the widest (bool: False=5 > True=4).
            lo, hi = shown.min().item(), shown.max().item()
            self.width = max(len(str(lo)), len(str(hi)))
            return
        # Statistics over nonzero finite values, in float64 of the stored value.
        vals = shown.astype(np.float64, copy=False).ravel()
        vals = vals[np.isfinite(vals) & (vals != 0)]
        if vals.size == 0:
            return  # all zero/nan/inf: int mode, never sci (even with sci_mode=True), width 1
        mags = np.abs(vals)
        vmin, vmax = float(mags.min()), float(mags.max())
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        if sci_opt is None:
            self.sci_mode = bool(vmax / vmin > 1000.0 or vmax > 1.0e8 or vmin < 1.0e-4)
        else:
            self.sci_mode = bool(sci_opt)
        # The widest text comes from an extreme of each sign: fixed-point length grows with |v|,
        # while the exponent ("e-100", "e+100") makes both the largest and smallest |v| widest.
        pos, neg = vals[vals > 0], vals[vals < 0]
        extremes = [x for part in (pos, neg) if part.size for x in (part.min(), part.max())]
        extra = 1 if self.int_mode and not self.sci_mode else 0   # the trailing '.'
        self.width = max(len(self._text(float(x))) for x in extremes) + extra

    def _text(self, value: float) -> str:
        if self.sci_mode:
            return f"{value:.{self.precision}e}"
        if self.int_mode:
            return f"{value:.0f}"
        return f"{value:.{self.precision}f}"

    def format(self, value) -> str:
        if not self.floating:
            text = str(value)
        else:
            text = self._text(value)
            if self.int_mode and not self.sci_mode and math.isfinite(value):
                text += "."   # marks a float tensor; nan/inf get no dot
        return text.rjust(self.width)


# ---------------------------------------------------------------------------
# layout


def _shown_elements(arr, edge: int):
    """Only the elements the repr will show: each axis longer than 2*edge cut to its edges.

    Returns the (host) array and, per axis, whether it was cut. Gathering happens on the
    array's own device so that a cuda tensor copies only what is shown.
    """
    cut = tuple(n > 2 * edge for n in arr.shape)
    if any(cut):
        xp = module_of(arr)
        index = [list(range(edge)) + list(range(n - edge, n)) if c else list(range(n))
                 for n, c in zip(arr.shape, cut)]
        arr = arr[xp.ix_(*index)]
    return to_numpy(arr), cut


def _layout(strs: np.ndarray, indent: int, cut: tuple, edge: int, elem_width: int,
            linewidth: int) -> str:
    """Nested brackets for a ≥1-d object array of element strings; cut axes get '...'."""
    if strs.ndim == 1:
        items = strs.tolist()
        if cut[0]:
            items = items[:edge] + [" ..."] + items[edge:]   # the gap counts as an element
        per_line = max(1, math.floor((linewidth - indent) / (elem_width + 2)))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    subs = [_layout(s, indent + 1, cut[1:], edge, elem_width, linewidth) for s in strs]
    if cut[0]:
        subs = subs[:edge] + ["..."] + subs[edge:]
    # k-d blocks are separated by k-1 newlines (a blank line between 2-d blocks, and so on)
    return "[" + ("," + "\n" * (strs.ndim - 1) + " " * (indent + 1)).join(subs) + "]"


def _body(arr, dtype, indent: int) -> str:
    """The bracketed text of a non-empty array, as `_tensor_str` builds it."""
    opts = _opts
    edge = opts["edgeitems"]
    summarize = arr.size > opts["threshold"]
    if summarize and edge == 0 and arr.ndim > 0:
        return "[...]"   # torch shows nothing but the gap
    if summarize:
        shown, cut = _shown_elements(arr, edge)
    else:
        shown, cut = to_numpy(arr), (False,) * arr.ndim
    if dtype.is_complex:
        texts, width = _complex_texts(shown, opts)
    else:
        fmt = _Formatter(shown, dtype.is_floating_point, opts["precision"], opts["sci_mode"])
        texts, width = [fmt.format(v) for v in shown.ravel().tolist()], fmt.width
    if shown.ndim == 0:
        return texts[0]
    strs = np.empty(shown.size, dtype=object)
    strs[:] = texts
    return _layout(strs.reshape(shown.shape), indent, cut, edge, width, opts["linewidth"])


def _complex_texts(shown, opts):
    """Complex elements as ``1.+2.j``: the real and the imaginary parts each get a formatter of
    their own, as torch builds one from ``t.real`` and one from ``t.imag``; the imaginary text
    is stripped of its padding and joined with its sign ('+' added where it has none: +0., nan).
    Returns the texts and the width the layout counts per element (both widths and the 'j')."""
    real_fmt = _Formatter(shown.real, True, opts["precision"], opts["sci_mode"])
    imag_fmt = _Formatter(shown.imag, True, opts["precision"], opts["sci_mode"])
    texts = []
    for value in shown.ravel().tolist():
        real_text = real_fmt.format(value.real)
        imag_text = (imag_fmt.format(value.imag) + "j").lstrip()
        texts.append(real_text + (imag_text if imag_text[0] in "+-" else "+" + imag_text))
    return texts, real_fmt.width + imag_fmt.width + 1


def format_array(array, dtype=None, indent: int = len(_PREFIX)) -> str:
    """The body of a repr (``[1., 2.]``, ``[]`` when empty), without prefix or suffixes.

    ``dtype`` is an engine dtype (inferred from the array when None); ``indent`` is the column
    the body starts at, which sets where wrapped lines continue (7 inside ``tensor(``).
    """
    if dtype is None:
        dtype = _dtypes.from_numpy_dtype(array.dtype)
    if array.size == 0:
        return "[]"
    return _body(array, dtype, indent)


# ---------------------------------------------------------------------------
# suffixes


def _add_suffixes(text: str, suffixes: list, indent: int, linewidth: int) -> str:
    """Append ', suffix' pieces, moving one onto a new line when it would pass linewidth.

    The starting length is the last line's length plus two (torch's off-by-two), so a
    suffix wraps even when the one-line form would be exactly ``linewidth`` wide.
    """
    parts = [text]
    line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if line_len + len(suffix) + 2 > linewidth:
            parts.append(",\n" + " " * indent + suffix)
            line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def _grad_fn_name(grad_fn) -> str:
    # the class name, not name(): CopySlices prints as <CopySlices> though its name() is namespaced
    return type(grad_fn).__name__


def tensor_repr(t) -> str:
    """``repr(t)`` exactly as PyTorch prints it."""
    data = t._data
    dtype = t.dtype
    device = getattr(t, "device", None)
    default = _dtypes.get_default_dtype()
    indent = len(_PREFIX)
    suffixes = []
    # Only a device other than the default (cpu) is shown.
    if device is not None and device.type != "cpu":
        suffixes.append(f"device='{device}'")
    if data.size == 0:
        body = "[]"
        if data.ndim != 1:   # like NumPy, a shape that isn't (0,) is spelled out
            suffixes.append("size=" + str(tuple(data.shape)))
        # nothing to infer the dtype from, so every non-default dtype is shown (int64, bool too)
        if dtype.name != default.name:
            suffixes.append(f"dtype={dtype!r}")
    else:
        body = _body(data, dtype, indent)
        if not _opts["edgeitems"]:
            suffixes.append("size=" + str(tuple(data.shape)))
        # int64, bool and the default complex type are what tensor([1]) / tensor([True]) /
        # tensor([1j]) infer, so they go unsaid
        if dtype.name not in (default.name, "int64", "bool", _dtypes.default_complex_dtype().name):
            suffixes.append(f"dtype={dtype!r}")
    grad_fn = getattr(t, "grad_fn", None)
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{_grad_fn_name(grad_fn)}>")
    elif getattr(t, "requires_grad", False):
        suffixes.append("requires_grad=True")
    tangent = tangent_of(t) if tangent_of is not None else None
    if tangent is not None:
        suffixes.append(f"tangent={tensor_repr(tangent)}")
    return _add_suffixes(_PREFIX + body, suffixes, indent, _opts["linewidth"])


# While a forward_ad dual level is open, its lookup of a tensor's tangent (a dual tensor prints it)
tangent_of = None
