"""quantile and nanquantile, computed as ATen's ``quantile_compute`` does (Sorting.cpp): sort, pick
the ranks each interpolation asks for, gather and lerp. Being made of differentiable ops, its
gradient is theirs, and its last node is PyTorch's (SqueezeBackward4)."""
from __future__ import annotations

import numbers

from .. import dtypes
from ..tensor import Tensor, _dim
from ._util import write_out
from .registry import defop

INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")
_SIGNATURES = (
    " * (Tensor input, Tensor q, int dim = None, bool keepdim = False, *, str interpolation = \"linear\", "
    "Tensor out = None)\n"
    " * (Tensor input, float q, int dim = None, bool keepdim = False, *, str interpolation = \"linear\", "
    "Tensor out = None)\n")


def _q_tensor(name, input, q):
    """q as a tensor of input's dtype; a number is checked against [0, 1] here, a tensor later."""
    if isinstance(q, Tensor):
        return q
    if not isinstance(q, numbers.Real) or isinstance(q, bool):
        raise TypeError(f"{name}() received an invalid combination of arguments - got (Tensor, "
                        f"{type(q).__name__}), but expected one of:\n{_SIGNATURES}")
    if not 0 <= q <= 1:
        raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q:g}")
    return input.new_tensor(float(q))


def _checks(name, input, q, interpolation):
    if interpolation not in INTERPOLATIONS:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    if input.numel() == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if q.ndim > 1:
        raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
    if input.dtype not in (dtypes.float32, dtypes.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if q.dtype is not input.dtype:
        raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
    if not bool(((q >= 0) & (q <= 1)).all()):
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]")


def _output_shape(input, q, dim, keepdim):
    """The result's shape without q's dim: input's, less the reduced dim (kept as 1 by keepdim)."""
    if dim is not None and input.ndim:
        d = _dim(dim, input.ndim)
        shape = list(input.shape)
        return shape[:d] + [1] + shape[d + 1:] if keepdim else shape[:d] + shape[d + 1:]
    return [1] * input.ndim if keepdim else []


def _ranks(sorted_values, q, ignore_nan):
    """The fractional rank of each q in each sorted row: NaN rows rank last (quantile), or only the
    non-NaN values count (nanquantile; an all-NaN row ranks 0 and so gives NaN)."""
    is_nan = sorted_values.isnan()
    if ignore_nan:
        ranks = q * (is_nan.logical_not().sum(-1, keepdim=True) - 1)
        return ranks.masked_fill(ranks < 0, 0)
    last = sorted_values.shape[-1] - 1
    return (q * last).masked_fill(is_nan.any(-1, keepdim=True), last)


def _compute(name, input, q, dim, keepdim, interpolation, ignore_nan):
    """ATen's quantile_compute: sort the reduced dim last, then gather and interpolate per q."""
    q = _q_tensor(name, input, q)
    _checks(name, input, q, interpolation)
    shape = _output_shape(input, q, dim, keepdim)
    if dim is None:
        sorted_values = input.flatten().sort().values
    else:
        d = _dim(dim, input.ndim)
        sorted_values = input.unsqueeze(-1).transpose(d, -1).sort().values
    sorted_values = sorted_values.view(shape + [sorted_values.shape[-1]])
    ranks = _ranks(sorted_values, q.reshape(-1), ignore_nan)
    ranks = {"lower": ranks.floor, "higher": ranks.ceil, "nearest": ranks.round}.get(interpolation, lambda: ranks)()
    below = ranks.long()
    values = sorted_values.gather(-1, below)
    if interpolation in ("linear", "midpoint"):
        weights = ranks.new_full(ranks.shape, 0.5) if interpolation == "midpoint" else ranks - below
        values = values.lerp(sorted_values.gather(-1, ranks.ceil().long()), weights)
    if q.ndim == 0:
        return values.squeeze_(-1)
    return values.unsqueeze_(0).transpose_(0, -1).squeeze_(-1)


@defop()
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """The q-th quantiles of input (flattened, or along dim), interpolating between the two nearest
    values as ``interpolation`` says: linear, lower, higher, midpoint or nearest. NaN anywhere in a
    row makes its quantiles NaN."""
    result = _compute("quantile", input, q, dim, keepdim, interpolation, False)
    return result if out is None else write_out(out, result)


@defop()
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """quantile over the values that are not NaN (NaN where a row has none)."""
    result = _compute("nanquantile", input, q, dim, keepdim, interpolation, True)
    return result if out is None else write_out(out, result)
