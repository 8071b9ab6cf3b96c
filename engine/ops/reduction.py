"""Reductions: sum, mean, norm ... each beside its gradient; and ``sum_to``, the one helper
that undoes broadcasting."""
from __future__ import annotations

import math

import numpy as np

from .. import dtypes
from ..autograd.graph import record
from ..tensor import Tensor, wrap
from ._util import method, normalize_dims, write_out, xp_of

__all__ = ["sum", "mean", "norm", "sum_to"]

_builtin_sum = sum


def _kept_shape(shape, dims):
    """The shape a reduction over ``dims`` has with keepdim=True."""
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def expand_back(g, input_shape, dims, keepdim):
    """A reduction's gradient spread back over the reduced dims (differentiably)."""
    if not keepdim and dims:
        g = g.reshape(_kept_shape(input_shape, dims))
    return g.expand(input_shape)


def sum_to(g, shape):
    """Sum ``g`` down to ``shape``: the inverse of broadcasting ``shape`` up to ``g.shape``."""
    shape = tuple(shape)
    lead = g.dim() - len(shape)
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and g.shape[lead + i] != 1)
    if dims:
        g = sum(g, dims, keepdim=True)
    return g.reshape(shape) if g.shape != shape else g


@method()
def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum of all elements, or over ``dim`` (an int or a tuple of ints)."""
    x = input._data
    if dtype is not None:
        dtype = dtypes.to_dtype(dtype)
        x = x.astype(dtype.np)
    elif input.dtype.category != dtypes.FLOATING:
        x = x.astype(np.int64)   # integer and bool sums are int64, as in PyTorch
    shape = x.shape
    if dim is None and not keepdim:
        result = wrap(x.sum())
        record(result, "SumBackward0", (input,), lambda g: (g.expand(shape),))
    else:
        dims = normalize_dims(dim, x.ndim) if dim is not None else tuple(range(x.ndim))
        result = wrap(x.sum(axis=dims, keepdims=keepdim))
        record(result, "SumBackward1", (input,), lambda g: (expand_back(g, shape, dims, keepdim),))
    return result if out is None else write_out(out, result)


@method()
def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Arithmetic mean of all elements, or over ``dim``."""
    if dtype is not None:
        input = input.to(dtypes.to_dtype(dtype))
    if not input.dtype.is_floating_point:
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {_type_name(input.dtype)}")
    x = input._data
    shape = x.shape
    if dim is None and not keepdim:
        n = x.size
        result = wrap(x.mean(dtype=x.dtype) if n else x.dtype.type(np.nan))
        record(result, "MeanBackward0", (input,), lambda g: ((g / n).expand(shape),))
    else:
        dims = normalize_dims(dim, x.ndim) if dim is not None else tuple(range(x.ndim))
        n = math.prod(shape[d] for d in dims)
        result = wrap(x.mean(axis=dims, keepdims=keepdim, dtype=x.dtype))
        record(result, "MeanBackward1", (input,), lambda g: (expand_back(g / n, shape, dims, keepdim),))
    return result if out is None else write_out(out, result)


def _type_name(dt):
    from ._util import _type_name
    return _type_name(dt)


@method()
def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """Vector p-norm over all elements or ``dim`` (2 by default; 'fro' is 2; inf, -inf, 0 and any p)."""
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                           f"Got {_type_name(input.dtype)}")
    if dtype is not None:
        input = input.to(dtypes.to_dtype(dtype))
    if p in ("fro", None):
        p = 2
    if isinstance(p, str):
        raise RuntimeError(f"norm(): unsupported norm type '{p}'")
    return vector_norm(input, p, dim, keepdim)


def vector_norm(input, ord=2, dim=None, keepdim=False):
    """torch.linalg.vector_norm, recorded as LinalgVectorNormBackward0."""
    x = input._data
    xp = xp_of(input)
    dims = normalize_dims(dim, x.ndim) if dim is not None else None
    axis = dims
    a = xp.abs(x)
    if ord == 2:
        data = xp.sqrt((x * x).sum(axis=axis, keepdims=keepdim))
    elif ord == math.inf:
        data = a.max(axis=axis, keepdims=keepdim)
    elif ord == -math.inf:
        data = a.min(axis=axis, keepdims=keepdim)
    elif ord == 0:
        data = (x != 0).sum(axis=axis, keepdims=keepdim).astype(x.dtype)
    elif ord == 1:
        data = a.sum(axis=axis, keepdims=keepdim)
    else:
        data = (a ** ord).sum(axis=axis, keepdims=keepdim) ** (1.0 / ord)
    result = wrap(xp.asarray(data, dtype=x.dtype))
    shape = x.shape
    all_dims = dims if dims is not None else tuple(range(x.ndim))

    def vjp(g):
        kept = _kept_shape(shape, all_dims)
        y, g = result.reshape(kept), g.reshape(kept)
        if ord == 2:
            return (g * input / (y + (y == 0)),)   # zero norm: zero gradient, as PyTorch
        if ord == 1:
            return (g * input.sign(),)
        if ord in (math.inf, -math.inf):
            mask = input.abs() == y
            return (g * input.sign() * mask / sum(mask, all_dims, keepdim=True),)
        if ord == 0:
            return (input * 0,)
        return (g * input.sign() * input.abs() ** (ord - 1) / y ** (ord - 1),)

    return record(result, "LinalgVectorNormBackward0", (input,), vjp, saved=(input, result))
