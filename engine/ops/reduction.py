"""Reductions: sum, mean, prod, max/min, std/var, norm, logsumexp, all/any, cumulative ops and
and softmax, each beside its gradient.

A reduction's gradient is the output gradient spread back over the reduced dims
(``expand_back``), written with engine ops so that ``create_graph=True`` works.
"""
from __future__ import annotations

import builtins
import math
import types
import warnings

import numpy as np

from .. import dtypes
from ..autograd.grad_mode import state
from ..autograd.graph import record, record_outputs
from ..device import module_of
from ..tensor import Tensor, _dim, wrap
from ..unsupported import refuse_unsupported
from . import pointwise
from ._util import (_type_name, check_structured_inplace, exact_dtype, exponential, inplace, normalize_dims,
                    opmath, refuse_complex, summed_keeping, write_out, xp_of)
from .indexing import scatter
from .registry import defop, export
from .settings import get_num_threads   # PyTorch splits some kernels among its threads
from .shape import cat as _cat

ndarray = np.ndarray
_REQUIRED = object()   # marks a ``dim`` PyTorch requires, so the error can name it as PyTorch does


def _missing(fn, arg="dim"):
    return TypeError(f'{fn}() missing 1 required positional arguments: "{arg}"')


def _kept_shape(shape, dims):
    """The shape a reduction over ``dims`` has with keepdim=True."""
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _reduced_dims(dim, ndim):
    """The axes a reduction covers: all of them for None or an empty tuple, else the given ones
    (checked with PyTorch's errors; a 0-d tensor accepts dim 0 or -1 and has no axis to reduce)."""
    if dim is None or (isinstance(dim, (tuple, list)) and not dim):
        return tuple(range(ndim))
    dims = normalize_dims(dim, ndim)
    return dims if ndim else ()


def _one_dim(dim, ndim):
    """A single dim for ops that take one (max(dim), cumsum, softmax): the axis, or None for 0-d."""
    d = _dim(dim, ndim)
    return d if ndim else None


def _finish(result, out, check=None):
    return result if out is None else write_out(out, result, check)


def expand_back(g, input_shape, dims, keepdim):
    """A reduction's gradient spread back over the reduced dims: differentiably on a Tensor, a
    broadcast view of a raw array (a backward on arrays). Recorded (create_graph), the reduced dims
    come back one unsqueeze each, in order, as PyTorch's unsqueeze_multiple puts them: a double
    backward then shows its SqueezeBackward1 nodes."""
    if not keepdim and dims:
        if state.enabled and isinstance(g, Tensor):
            for d in sorted(dims):
                g = g.unsqueeze(d)
        else:
            g = g.reshape(_kept_shape(input_shape, dims))
    if isinstance(g, Tensor):
        return g.expand(input_shape)
    return module_of(g).broadcast_to(g, input_shape)


def spread(g, shape):
    """The gradient of a full reduction: the 0-d ``g`` over ``shape``.

    Recorded (create_graph) it is PyTorch's ExpandBackward0 view; otherwise a small result is
    filled in directly, which costs a fraction of building a broadcast view; a raw array ``g``
    (a backward on arrays) gives an array."""
    is_tensor = isinstance(g, Tensor)
    data = g._data if is_tensor else g
    if is_tensor and (state.enabled or math.prod(shape) > _FILL_MAX):
        return g.expand(shape)
    xp = module_of(data)
    if math.prod(shape) > _FILL_MAX:
        return xp.broadcast_to(data, shape)
    if xp is np:   # np.full's Python-level generality costs more than the filling
        filled = np.empty(shape, data.dtype)
        filled.fill(data)
    else:
        filled = xp.full(shape, data, dtype=data.dtype)
    return wrap(filled) if is_tensor else filled


_FILL_MAX = 4096


# -- the fast sum ----------------------------------------------------------------------------------
# Measured with timeit on this machine (NumPy 2, one thread, float32): a 1000x1000 full sum takes
# 154 us with ndarray.sum and np.add.reduce alike, 62 us with einsum; a row sum (axis=1) 167 us
# against 58 us; reducing the strided axis is ~100 us either way. einsum accumulates naively, so
# a full sum over 1e7 float32 values errs 15x more than NumPy's pairwise sum (3.3 vs 0.21 absolute);
# summing 1024-element blocks with einsum, then the block sums pairwise, keeps the pairwise error
# (0.18) at 1.3 ms against ndarray.sum's 2.1 ms. Small arrays: np.add.reduce skips ndarray.sum's
# Python wrapper (0.87 us against 1.04 us for 5x3).

_EINSUM_MIN = 4096   # below this, einsum's setup costs more than it saves
_BLOCK = 1024


def _sum_data(x, dims, keepdim):
    """Sum of array ``x`` over ``dims`` by the fastest accurate path for its layout."""
    if type(x) is not ndarray:
        return x.sum(axis=dims, dtype=x.dtype, keepdims=keepdim)
    if 0 in x.strides:
        x, repeats = _collapse_broadcast(x, dims)
        if repeats != 1:
            total = _sum_data(x, dims, keepdim)
            return np.multiply(total, repeats, dtype=total.dtype)
    if x.dtype == np.float16:   # PyTorch accumulates half in float32
        return np.add.reduce(x, axis=dims, dtype=np.float32, keepdims=keepdim).astype(np.float16)
    nd = x.ndim
    if x.size >= _EINSUM_MIN and x.dtype.kind == "f" and x.flags.c_contiguous and dims \
            and dims == tuple(range(nd - len(dims), nd)):
        inner = math.prod(x.shape[nd - len(dims):])
        rows = x.reshape(-1, inner)
        if rows.shape[0] == 1:
            data = _blocked_sum(rows[0])
        elif inner <= _EINSUM_MIN:
            data = np.einsum("ij->i", rows)
        else:
            data = None
        if data is not None:
            out_shape = _kept_shape(x.shape, dims) if keepdim else x.shape[:nd - len(dims)]
            return np.asarray(data).reshape(out_shape)
    return np.add.reduce(x, axis=dims, dtype=x.dtype, keepdims=keepdim)   # NumPy would widen int32


def _collapse_broadcast(x, dims):
    """(x cut to length 1 along each reduced dim that is a broadcast, the product of
    those lengths): summing a broadcast (stride-0) dimension adds the same values
    again and again, so it is the sum of one copy times the count.  Instant where
    the loop over an expanded view (`ones(1).expand(2**30, 2**30)`) would run for
    hours without Ctrl-C reaching it."""
    repeats = 1
    for d in dims:
        if x.strides[d] == 0 and x.shape[d] > 1:
            repeats *= x.shape[d]
            x = x[(slice(None),) * d + (slice(0, 1),)]
    return x, repeats


def _blocked_sum(flat):
    """Sum of a contiguous 1-d array: einsum per 1024-element block, the block sums pairwise."""
    head = flat.size - flat.size % _BLOCK
    total = np.add.reduce(np.einsum("ij->i", flat[:head].reshape(-1, _BLOCK)))
    return total + np.add.reduce(flat[head:]) if head < flat.size else total


# -- sum, mean, prod -------------------------------------------------------------------------------

def _accumulation_dtype(input, dtype, out=None, kernel=None):
    """PyTorch's result dtype of sum/prod/cumsum: ``dtype``, else int64 for integers and bool.
    With ``out=`` they compute in out's dtype (which ``dtype`` must then be; the cumulative
    ops, ``kernel``, have no bool loop)."""
    if isinstance(out, Tensor):
        if dtype is not None and dtypes.to_dtype(dtype) is not out.dtype:
            exact_dtype(dtypes.to_dtype(dtype), out.dtype)
        if kernel and out.dtype is dtypes.bool:
            raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')
        return out.dtype
    if dtype is not None:
        return dtypes.to_dtype(dtype)
    dt = input.dtype
    return dt if dtypes.floating_or_complex(dt) else dtypes.int64


def _small_full_reduction(x, dim, keepdim, dtype, out, axis):
    """A plain sum or mean of a small float32/float64 NumPy array: one ``add.reduce`` does it,
    and the general path's checks would cost more than the work."""
    return (dim is None and axis is None and dtype is None and out is None and not keepdim
            and x.__class__ is ndarray and x.size < _EINSUM_MIN and x.dtype.char in "fd")


_add_reduce = np.add.reduce


@defop()
def sum(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None, keepdims=None):
    """Sum of all elements, or over ``dim`` (an int or a tuple of ints). NumPy's names ``axis`` and
    ``keepdims`` are taken too, as PyTorch takes them."""
    x = input._data
    if _small_full_reduction(x, dim, keepdim or keepdims, dtype, out, axis):
        shape = x.shape
        return record(wrap(_add_reduce(x, None)), "SumBackward0", (input,), lambda g: (spread(g, shape),),
                      on_arrays=True)
    dim = axis if dim is None else dim
    keepdim = keepdim if keepdims is None else keepdims
    rt = _accumulation_dtype(input, dtype, out)
    x = input._data if input._data.dtype == rt.np else input._data.astype(rt.np)
    shape = x.shape
    if dim is None and not keepdim:
        result = wrap(_sum_data(x, tuple(range(x.ndim)), False))
        record(result, "SumBackward0", (input,), lambda g: (spread(g, shape),), on_arrays=True)
    else:
        dims = _reduced_dims(dim, x.ndim)
        result = wrap(_sum_data(x, dims, keepdim))
        record(result, "SumBackward1", (input,), lambda g: (expand_back(g, shape, dims, keepdim),), on_arrays=True)
    return _finish(result, out)


@defop()
def mean(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None, keepdims=None):
    """Arithmetic mean of all elements, or over ``dim`` (or NumPy's ``axis``, ``keepdims``)."""
    x = input._data
    if _small_full_reduction(x, dim, keepdim or keepdims, dtype, out, axis) and x.size:
        # divided as Python floats: a float32 quotient rounded from the double one is the float32
        # division's (53 >= 2 * 24 + 2 bits), and NumPy's scalar division costs a third of the op
        shape, n = x.shape, x.size
        return record(wrap(np.array(float(_add_reduce(x, None)) / n, x.dtype)), "MeanBackward0", (input,),
                      lambda g: (spread(g / n, shape),), on_arrays=True)
    dim = axis if dim is None else dim
    keepdim = keepdim if keepdims is None else keepdims
    if dtype is not None:
        input = input.to(dtypes.to_dtype(dtype))
    if not dtypes.floating_or_complex(input.dtype):
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {_type_name(input.dtype)}")
    x = input._data
    shape = x.shape
    dims = _reduced_dims(dim, x.ndim)
    n = math.prod(shape[d] for d in dims)
    wide = opmath(x)
    data = _sum_data(wide, dims, keepdim) / wide.dtype.type(n)   # the mean of nothing is nan, as in PyTorch
    result = wrap(xp_of(input).asarray(data, dtype=x.dtype))
    if dim is None and not keepdim:
        record(result, "MeanBackward0", (input,), lambda g: (spread(g / n, shape),), on_arrays=True)
    else:
        record(result, "MeanBackward1", (input,), lambda g: (_mean_back(g, n, shape, dims, keepdim),),
               on_arrays=True)
    return _finish(result, out)


def _mean_back(g, n, shape, dims, keepdim):
    """mean's gradient. Recorded (create_graph) it divides after spreading, as PyTorch's
    mean_backward does, so that a double backward ends where PyTorch's does; otherwise it divides
    the smaller, reduced gradient (the same values)."""
    if state.enabled:
        return expand_back(g, shape, dims, keepdim) / n
    return expand_back(g / n, shape, dims, keepdim)


@defop()
def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Product of all elements (ProdBackward0), or along one ``dim`` (ProdBackward1)."""
    if dim is not None and not isinstance(dim, (int, np.integer)):
        raise TypeError(f"prod(): argument 'dim' must be int, not {type(dim).__name__}")
    rt = _accumulation_dtype(input, dtype, out)
    x = input._data if input._data.dtype == rt.np else input._data.astype(rt.np)
    shape = x.shape
    dims = _reduced_dims(dim, x.ndim)
    keep = keepdim and dim is not None
    if rt is dtypes.float16 and type(x) is ndarray and x.ndim and (dim is None or _along_memory(x, dims)):
        result = wrap(_half_inner_product(x.ravel(order="K") if dim is None else x, keep))
    else:
        result = wrap(xp_of(input).asarray(x.prod(axis=dims, keepdims=keep, dtype=rt.np)))
    if dim is None:
        return _finish(record(result, "ProdBackward0", (input,),
                              lambda g, input, result: (_prod_grad(input, result, g, None),),
                              saved=(input, result)), out)

    def vjp(g, input, result):
        kept = _kept_shape(shape, dims)
        return (_prod_grad(input, result.reshape(kept), g.reshape(kept), dims[0] if dims else None),)
    return _finish(record(result, "ProdBackward1", (input,), vjp, saved=(input, result)), out)


_HALF_LANES = 16   # float16 lanes of an AVX2 vector


def _along_memory(x, dims):
    """Whether ``dims`` is the last axis and runs contiguously in memory: ATen's inner reduction."""
    return dims == (x.ndim - 1,) and x.strides[-1] == x.itemsize


def _half_inner_product(x, keepdim):
    """The product of float16 ``x`` along its last (contiguous) axis in the order of ATen's
    vectorised inner reduction, every multiplication rounded to half: four vectors of 16 lanes
    accumulate blocks of 64 elements, combine as (a0*a1)*(a2*a3), then lane by lane, then the
    elements past the last whole block one by one."""
    rows = x.reshape(-1, x.shape[-1])
    blocks = rows.shape[1] // (4 * _HALF_LANES)
    product = np.ones(rows.shape[0], np.float16)   # the identity the reduction starts from
    if blocks:
        acc = np.multiply.reduce(rows[:, :blocks * 4 * _HALF_LANES].reshape(len(rows), blocks, 4, _HALF_LANES),
                                 axis=1)   # along the blocks, in order: each lane its own product
        lanes = (acc[:, 0] * acc[:, 1]) * (acc[:, 2] * acc[:, 3])
        for j in range(_HALF_LANES):
            product = product * lanes[:, j]
    for k in range(blocks * 4 * _HALF_LANES, rows.shape[1]):
        product = product * rows[:, k]
    return product.reshape(x.shape[:-1] + ((1,) if keepdim else ()))


def _prod_grad(x, result, g, dim):
    """d prod / d x_i = the product of the other elements: result / x_i without zeros, else the
    product of the exclusive cumulative products from both sides (exact with zeros)."""
    if not (x._data == 0).any():
        return g * result / x
    if dim is None:
        return _prod_grad(x.reshape(-1), result.reshape(1), g.reshape(1), 0).reshape(x.shape)
    n = x.shape[dim]
    ones = x.narrow(dim, 0, 1) * 0 + 1
    before = cat([ones, x.narrow(dim, 0, n - 1).cumprod(dim)], dim) if n > 1 else ones
    rev = x.flip(dim)
    after = cat([ones, rev.narrow(dim, 0, n - 1).cumprod(dim)], dim).flip(dim) if n > 1 else ones
    return g * before * after


def cat(tensors, dim):
    return _cat(tensors, dim)


# -- max, min and friends ---------------------------------------------------------------------------

def _return_type(name, fields=("values", "indices")):
    """A named pair printed like PyTorch's ``torch.return_types.max(values=..., indices=...)``."""
    def __new__(cls, seq):
        return tuple.__new__(cls, seq)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    attrs = {"__slots__": (), "__new__": __new__, "__repr__": __repr__, "__module__": "torch.return_types",
             "n_fields": len(fields), "n_sequence_fields": len(fields), "n_unnamed_fields": 0}
    for i, f in enumerate(fields):
        attrs[f] = property(lambda self, i=i: self[i])
    return type(name, (tuple,), attrs)


return_types = types.ModuleType("return_types", "PyTorch's named result tuples (values, indices).")
for _name in ("max", "min", "sort", "topk", "kthvalue", "median", "nanmedian", "mode", "aminmax", "cummax",
              "cummin"):
    setattr(return_types, _name, _return_type(_name))
return_types.aminmax = _return_type("aminmax", ("min", "max"))
export(return_types)


def _no_empty_full_reduction(input, fn, error=RuntimeError, hint=True):
    if input._data.size == 0:
        raise error(f"{fn}(): Expected reduction dim to be specified for input.numel() == 0."
                    + (" Specify the reduction dim with the 'dim' argument." if hint else ""))


def _extreme(fn, node_all, node_dim, pick, arg_pick):
    """max or min: of everything (node_all), along a dim with indices (node_dim), or elementwise
    against another tensor (maximum/minimum)."""
    def op(input, dim=None, keepdim=False, *, out=None, axis=None, keepdims=None):
        dim = axis if dim is None else dim
        keepdim = keepdim if keepdims is None else keepdims
        if isinstance(dim, Tensor):
            return getattr(pointwise, "maximum" if fn == "max" else "minimum")(input, dim, out=out)
        x = input._data
        if dim is None:
            refuse_complex(input, kernel=fn + "_all")
            _no_empty_full_reduction(input, fn)
            result = wrap(xp_of(input).asarray(pick(x, None, False)))
            return _finish(record(result, node_all, (input,),
                                  lambda g, input, result: (_spread_to_ties(input, result, g, None),),
                                  saved=(input, result)), out, exact_dtype)
        if not isinstance(dim, (int, np.integer)):
            raise TypeError(f"{fn}() received an invalid combination of arguments - got "
                            f"({type(dim).__name__}), but expected one of:\n * ()\n * (Tensor other)\n"
                            f" * (int dim, bool keepdim = False)")
        refuse_complex(input, f"{fn}(): does not support complex input")
        d = _one_dim(dim, x.ndim)
        if d is None:
            values, indices = wrap(x.copy()), wrap(xp_of(input).zeros((), np.int64))
        else:
            if x.shape[d] == 0:
                raise IndexError(f"{fn}(): Expected reduction dim {d} to have non-zero size.")
            xp = xp_of(input)
            idx = xp.expand_dims(arg_pick(x, axis=d), d)
            values = wrap(xp.take_along_axis(x, idx, axis=d))
            indices = wrap(idx)
            if not keepdim:
                values._data, indices._data = values._data.squeeze(d), idx.squeeze(d)
        shape = x.shape

        def vjp(g, indices):
            if d is None:
                return (g,)
            kept = _kept_shape(shape, (d,))
            return (scatter(g.new_zeros(shape), d, indices.reshape(kept), g.reshape(kept)),)
        record(values, node_dim, (input,), vjp, saved=(indices,))
        pair = getattr(return_types, fn)((values, indices))
        if out is not None:
            write_out(out[0], values, exact_dtype)
            write_out(out[1], indices, exact_dtype)
            return getattr(return_types, fn)(out)
        return pair
    op.__name__ = op.__qualname__ = fn
    op.__doc__ = (f"{fn}(): the {fn}imum of all elements; {fn}(dim, keepdim) a named tuple (values, "
                  f"indices) along dim; {fn}(other) the elementwise {fn}imum.")
    return defop()(op)


def _same_as_input(result_dtype, out_dtype):
    """amax / amin's rule for out=."""
    raise RuntimeError(f"Expected the dtype for input and out to match, but got {_type_name(result_dtype)} for "
                       f"input's dtype and {_type_name(out_dtype)} for out's dtype.")


def _floating_out(result_dtype, out_dtype):
    """logsumexp's rule for out=: any floating dtype."""
    if not out_dtype.is_floating_point:
        raise RuntimeError(f"logsumexp(): Expected floating point type for result tensor, but got: "
                           f"{_type_name(out_dtype)}")


def _spread_to_ties(input, result, g, dims, keepdim=False):
    """Gradient of a max/min over ``dims`` (None: all): shared evenly among the elements that tie."""
    shape = input.shape
    dims = tuple(range(len(shape))) if dims is None else dims
    if not keepdim:
        kept = _kept_shape(shape, dims)
        result, g = result.reshape(kept), g.reshape(kept)
    ties = (input == result)
    return g * ties / sum(ties, dims, keepdim=True)


max = _extreme("max", "MaxBackward1", "MaxBackward0", lambda x, a, k: x.max(axis=a, keepdims=k),
               lambda x, axis: x.argmax(axis=axis))
min = _extreme("min", "MinBackward1", "MinBackward0", lambda x, a, k: x.min(axis=a, keepdims=k),
               lambda x, axis: x.argmin(axis=axis))


def _extreme_over_dims(fn, node, pick):
    """amax / amin: the extreme over any dims, gradient shared evenly among ties."""
    def op(input, dim=(), keepdim=False, *, out=None):
        refuse_complex(input, kernel=fn[1:] + "_values_cpu")
        x = input._data
        dims = _reduced_dims(dim, x.ndim)
        if x.size == 0 and builtins.any(x.shape[d] == 0 for d in dims) or (x.size == 0 and not dims):
            _no_empty_full_reduction(input, fn)
        result = wrap(xp_of(input).asarray(pick(x, dims, keepdim)))
        return _finish(record(result, node, (input,),
                              lambda g, input, result: (_spread_to_ties(input, result, g, dims, keepdim),),
                              saved=(input, result)), out, _same_as_input)
    op.__name__ = op.__qualname__ = fn
    op.__doc__ = f"The {fn[1:]}imum over ``dim`` (an int or tuple; all dims by default)."
    return defop()(op)


amax = _extreme_over_dims("amax", "AmaxBackward0", lambda x, a, k: x.max(axis=a, keepdims=k))
amin = _extreme_over_dims("amin", "AminBackward0", lambda x, a, k: x.min(axis=a, keepdims=k))


def _arg_extreme(fn, pick):
    """argmax / argmin: int64 indices (into the flattened tensor when dim is None)."""
    def op(input, dim=None, keepdim=False, *, out=None):
        x = input._data
        if input.dtype is dtypes.bool:
            raise RuntimeError(f"{fn}(): does not support bool input")
        refuse_complex(input, f"{fn}(): does not support complex input")
        if dim is None:
            _no_empty_full_reduction(input, fn, IndexError, hint=False)
            data = pick(x.reshape(-1), 0)
            data = data.reshape((1,) * x.ndim) if keepdim else data
        else:
            d = _one_dim(dim, x.ndim)
            if d is None:
                data = xp_of(input).zeros((), np.int64)
            else:
                if x.shape[d] == 0:
                    raise IndexError(f"{fn}(): Expected reduction dim {d} to have non-zero size.")
                data = pick(x, d)
                if keepdim:
                    data = xp_of(input).expand_dims(data, d)
        return _finish(wrap(xp_of(input).asarray(data, dtype=np.int64)), out, exact_dtype)
    op.__name__ = op.__qualname__ = fn
    op.__doc__ = f"Index of the {fn[3:]}imum (of the flattened tensor when ``dim`` is None)."
    return defop(differentiable=False)(op)


argmax = _arg_extreme("argmax", lambda x, axis: x.argmax(axis=axis))
argmin = _arg_extreme("argmin", lambda x, axis: x.argmin(axis=axis))


# -- var and std -----------------------------------------------------------------------------------

def _moments(input, dim, unbiased, keepdim, correction, fn):
    """Shared by var and std: the dims, the divisor N - correction, and the variance array (in
    float32 for half: the caller rounds once, after std's square root)."""
    if isinstance(dim, bool):   # the old overload var(unbiased)
        dim, unbiased = None, dim
    if correction is not None and unbiased is not None:
        raise TypeError(f"{fn}() received an invalid combination of arguments - got both 'unbiased' and "
                        "'correction'")
    if correction is None:
        correction = 0 if unbiased is False else 1
    if not dtypes.floating_or_complex(input.dtype):
        raise RuntimeError("std and var only support floating point and complex dtypes")
    x = input._data
    dims = _reduced_dims(dim, x.ndim)
    n = math.prod(x.shape[d] for d in dims)
    divisor = builtins.max(0, n - correction)
    if divisor == 0:
        warnings.warn(f"{fn}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
                      "factor (input numel divided by output numel). (Triggered internally at "
                      "/__w/pytorch/pytorch/aten/src/ATen/native/ReduceOps.cpp:1861.)", UserWarning, stacklevel=3)
    x = opmath(x)
    centered = x - x.mean(axis=dims, keepdims=True) if n else x
    if centered.dtype.kind == "c":   # the squared distance |z - mean|^2 is real
        centered_squares = centered.real * centered.real + centered.imag * centered.imag
    else:
        centered_squares = centered * centered
    with np.errstate(invalid="ignore", divide="ignore"):
        data = _sum_data(centered_squares, dims, keepdim) / centered_squares.dtype.type(divisor)
    return dims, divisor, xp_of(input).asarray(data, dtype=centered_squares.dtype)   # rounded to half by the caller


def _real_dtype(input):
    """The NumPy dtype of a real result of ``input`` (var, std, norms): complex64's is float32."""
    return input.dtype.to_real().np


def _centered(input, dims):
    return input - input.mean(dims, keepdim=True)


@defop()
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Variance over ``dim`` with Bessel's correction (``correction=1``) unless told otherwise."""
    dims, divisor, data = _moments(input, dim, unbiased, keepdim, correction, "var")
    shape = input.shape
    result = wrap(data.astype(_real_dtype(input), copy=False))
    # holomorphic=False: of complex numbers, the gradient of |z - mean|^2 is 2 (z - mean), not conjugated
    return _finish(record(result, "VarBackward0", (input,),
                          lambda g, input: (expand_back(g, shape, dims, keepdim) * 2 * _centered(input, dims) / divisor,),
                          saved=(input,), holomorphic=False), out)


@defop()
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Standard deviation: the square root of :func:`var`."""
    dims, divisor, data = _moments(input, dim, unbiased, keepdim, correction, "std")
    shape = input.shape
    result = wrap(xp_of(input).sqrt(data).astype(_real_dtype(input), copy=False))

    def vjp(g, input, result):   # where std is 0 the gradient is 0, as in PyTorch
        return (expand_back(g / (result + (result == 0)), shape, dims, keepdim) * _centered(input, dims) / divisor,)
    return _finish(record(result, "StdBackward0", (input,), vjp, saved=(input, result), holomorphic=False), out)


# -- norm --------------------------------------------------------------------------------------------

@defop()
def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """Vector p-norm over all elements or ``dim`` (2 by default; 'fro' is 2; inf, -inf, 0 and any p)."""
    if not dtypes.floating_or_complex(input.dtype):
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                           f"Got {_type_name(input.dtype)}")
    if p in ("fro", None):
        p = 2
    if isinstance(p, str):
        raise RuntimeError(f"norm(): unsupported norm type '{p}'")
    return vector_norm(input, p, dim, keepdim, dtype)


def vector_norm(input, ord=2, dim=None, keepdim=False, dtype=None):
    """torch.linalg.vector_norm, recorded as LinalgVectorNormBackward0 (computed in ``dtype`` when
    given, with no copy node before it: the gradient is cast back centrally)."""
    x = input._data
    if dtype is not None:
        dt = dtypes.to_dtype(dtype)
        if not dtypes.floating_or_complex(dt):
            raise RuntimeError(f"linalg.vector_norm: dtype should be floating point or complex, but got "
                               f"{_type_name(dt)}")
        if dtypes.promote_types(input.dtype, dt) is not dt:
            raise RuntimeError(f"linalg.vector_norm: the dtype of the input ({_type_name(input.dtype)}) should be "
                               f"convertible without narrowing to the specified dtype ({_type_name(dt)})")
        x = x.astype(dt.np, copy=False)
    xp = xp_of(input)
    dims = _reduced_dims(dim, x.ndim)
    out_dtype, x = x.dtype, opmath(x)
    a = xp.abs(x)
    if x.dtype.kind == "c":   # the norm of complex numbers is that of their moduli, a real number
        out_dtype, x = a.dtype if out_dtype != np.complex64 else np.dtype(np.float32), a
    if ord == 2:
        data = xp.sqrt(_sum_data(x * x, dims, keepdim))
    elif ord == math.inf:
        data = a.max(axis=dims, keepdims=keepdim)
    elif ord == -math.inf:
        data = a.min(axis=dims, keepdims=keepdim)
    elif ord == 0:
        data = (x != 0).sum(axis=dims, keepdims=keepdim).astype(x.dtype)
    elif ord == 1:
        data = _sum_data(a, dims, keepdim)
    else:
        data = _sum_data(a ** ord, dims, keepdim) ** (1.0 / ord)
    result = wrap(xp.asarray(data, dtype=out_dtype))
    shape = x.shape

    def vjp(g, input, result):   # sgn is sign for real numbers, z / |z| for complex ones
        kept = _kept_shape(shape, dims)
        y, g = result.reshape(kept), g.reshape(kept)
        if ord == 2:
            return (g * input / (y + (y == 0)),)   # zero norm: zero gradient, as PyTorch
        if ord == 1:
            return (g * input.sgn(),)
        if ord in (math.inf, -math.inf):
            mask = input.abs() == y
            return (g * input.sgn() * mask / sum(mask, dims, keepdim=True),)
        if ord == 0:
            return (input * 0,)
        return (g * input.sgn() * input.abs() ** (ord - 1) / y ** (ord - 1),)

    # holomorphic=False: a norm is a real function of complex numbers, with the gradient above
    return record(result, "LinalgVectorNormBackward0", (input,), vjp, saved=(input, result), holomorphic=False)


# -- logsumexp ---------------------------------------------------------------------------------------

def _float_data(input):
    """The data in a floating dtype (integers and bool become the default dtype)."""
    x = input._data
    return x if dtypes.floating_or_complex(input.dtype) else x.astype(dtypes.get_default_dtype().np)


@defop()
def logsumexp(input, dim=_REQUIRED, keepdim=False, *, out=None):
    """log(sum(exp(input))) over ``dim``, computed without overflow."""
    if dim is _REQUIRED:
        raise _missing("logsumexp")
    if dim is None:
        raise TypeError("logsumexp(): argument 'dim' (position 1) must be tuple of ints, not NoneType")
    x = _float_data(input)
    xp = xp_of(input)
    dims = _reduced_dims(dim, x.ndim)
    if x.size == 0:
        data = xp.full(_kept_shape(x.shape, dims) if keepdim else
                       tuple(s for i, s in enumerate(x.shape) if i not in dims), -np.inf, x.dtype)
    else:
        peak = x.max(axis=dims, keepdims=True)
        peak = xp.where(xp.isfinite(peak), peak, 0)   # all -inf (or an inf) must not give inf - inf
        with np.errstate(divide="ignore"):
            data = xp.log(_sum_data(xp.exp(x - peak), dims, True)) + peak
        if not keepdim:
            data = data.reshape(tuple(s for i, s in enumerate(x.shape) if i not in dims))
    result = wrap(xp.asarray(data, dtype=x.dtype))
    shape = x.shape

    def vjp(g, input, result):
        kept = _kept_shape(shape, dims)
        return (g.reshape(kept) * (input - result.reshape(kept)).exp(),)
    return _finish(record(result, "LogsumexpBackward0", (input,), vjp, saved=(input, result)), out, _floating_out)


# -- all, any (no gradient) --------------------------------------------------------------------------

def _logical_reduction(fn, pick):
    def bool_out(result_dtype, out_dtype):
        if out_dtype not in (dtypes.bool, dtypes.uint8):
            raise RuntimeError(f"{fn} only supports bool tensor for result, got: {_type_name(out_dtype)}")

    def op(input, dim=None, keepdim=False, *, out=None):
        x = input._data
        if isinstance(dim, (tuple, list)) and not dim:   # PyTorch reduces nothing for dim=()
            data = x != 0
            if input.dtype is dtypes.uint8:
                data = data.astype(np.uint8)
            return _finish(wrap(data), out, bool_out)
        dims = _reduced_dims(dim, x.ndim)
        data = xp_of(input).asarray(pick(x, dims, keepdim and dim is not None))
        if input.dtype is dtypes.uint8:   # PyTorch keeps uint8 for uint8 input
            data = data.astype(np.uint8)
        return _finish(wrap(data), out, bool_out)
    op.__name__ = op.__qualname__ = fn
    op.__doc__ = f"Whether {fn} elements (over ``dim``) are nonzero: a bool tensor."
    return defop(differentiable=False)(op)


all = _logical_reduction("all", lambda x, a, k: x.all(axis=a, keepdims=k))
any = _logical_reduction("any", lambda x, a, k: x.any(axis=a, keepdims=k))


# -- cumulative ops ------------------------------------------------------------------------------------

def _running(name, input, dim, dtype, out):
    """(result, d): the array module's `name` (cumsum, cumprod) along dim d in the accumulation
    dtype; d is None for a 0-d input, whose result is a copy."""
    rt = _accumulation_dtype(input, dtype, out, f"{name}_out_cpu")
    x = input._data if input._data.dtype == rt.np else input._data.astype(rt.np)
    d = _one_dim(dim, x.ndim)
    if d is None:
        return wrap(x.copy()), d
    return wrap(getattr(xp_of(input), name)(opmath(x), axis=d).astype(x.dtype, copy=False)), d


@defop()
def cumsum(input, dim=_REQUIRED, *, dtype=None, out=None, axis=None):
    """Running sum along ``dim`` (integers and bool accumulate in int64)."""
    dim = axis if dim is _REQUIRED and axis is not None else dim
    if dim is _REQUIRED:
        raise _missing("cumsum")
    result, d = _running("cumsum", input, dim, dtype, out)
    # each input element feeds every later output: the gradient is a reversed running sum
    return _finish(record(result, "CumsumBackward0", (input,),
                          lambda g: (g if d is None else g.flip(d).cumsum(d).flip(d),)), out)


@defop()
def cumprod(input, dim=_REQUIRED, *, dtype=None, out=None):
    """Running product along ``dim``."""
    if dim is _REQUIRED:
        raise _missing("cumprod")
    result, d = _running("cumprod", input, dim, dtype, out)
    return _finish(record(result, "CumprodBackward0", (input,),
                          lambda g, input, result: (g if d is None else _cumprod_grad(input, result, g, d),),
                          saved=(input, result)), out)


def _cumprod_grad(x, y, g, d):
    """d y_j / d x_i = y_j / x_i for j >= i. With zeros in x that division fails, so then build
    the products of x_k, k <= j, k != i, explicitly (n x n per slice; only when zeros occur)."""
    if not (x._data == 0).any():
        return (g * y).flip(d).cumsum(d).flip(d) / x
    n = x.shape[d]
    xs, gs = x.movedim(d, -1), g.movedim(d, -1)
    xp = xp_of(x)
    eye_n = wrap(xp.eye(n, dtype=x._data.dtype))
    # row i: x with x_i replaced by 1, its running product masked to j >= i
    without_i = xs.unsqueeze(-2) * (1 - eye_n) + eye_n
    later = wrap(xp.triu(xp.ones((n, n), dtype=bool)))
    partial = without_i.cumprod(-1) * later
    return (partial * gs.unsqueeze(-2)).sum(-1).movedim(-1, d)




def _cumulative_inplace(op):
    def op_(self, dim, *, dtype=None):
        if dtype is not None:
            check_structured_inplace(self, self._data.shape, dtypes.to_dtype(dtype))
        return inplace(self, op, dim, dtype=self.dtype)
    op_.__name__ = op_.__qualname__ = op.__name__ + "_"
    op_.__doc__ = f"In-place {op.__name__} (keeps self's dtype)."
    setattr(Tensor, op_.__name__, op_)


_cumulative_inplace(cumsum)
_cumulative_inplace(cumprod)


def _accumulate(xp, ufunc, x, axis):
    """``ufunc.accumulate(x, axis)``.  CuPy accumulates only add and multiply, so on the GPU this is a
    log-step scan (Hillis and Steele): after the step of width w each entry holds the ufunc of the 2w
    entries up to it, in ceil(log2 n) elementwise launches."""
    if xp is np:
        return getattr(np, ufunc).accumulate(x, axis=axis)
    f = getattr(xp, ufunc)
    out = xp.moveaxis(x, axis, -1).copy()
    width = 1
    while width < out.shape[-1]:
        out[..., width:] = f(out[..., width:], out[..., :-width])   # the right side is read first
        width *= 2
    return xp.moveaxis(out, -1, axis)


def _running_extreme(fn, node, ufunc):
    """cummax, cummin: the running extreme along ``dim`` and where it was last reached (a NaN,
    once met, stays the extreme); the gradient goes to those places."""
    def op(input, dim=_REQUIRED):
        if dim is _REQUIRED:
            raise _missing(fn)
        refuse_complex(input, kernel=fn + "_cpu")
        x = input._data
        d = _one_dim(dim, x.ndim)
        xp = xp_of(input)
        if d is None:
            values, indices = x.copy(), xp.zeros((), np.int64)
        else:
            values = _accumulate(xp, ufunc, x, d)
            positions = xp.arange(x.shape[d]).reshape((-1,) + (1,) * (x.ndim - d - 1))
            reached = (x == values) | (xp.isnan(x) if x.dtype.kind in "fc" else False)
            indices = _accumulate(xp, "maximum", xp.where(reached, positions, 0), d).astype(np.int64)
        shape = x.shape
        indices = wrap(indices)
        # input and indices are saved as PyTorch saves them: released by backward, a second one is an error
        result = record(wrap(values), node, (input,), lambda g, _, indices: (
            g if d is None else g.new_zeros(shape).scatter_add(d, indices, g),), saved=(input, indices))
        return getattr(return_types, fn)((result, indices))
    op.__name__ = op.__qualname__ = fn
    op.__doc__ = f"(values, indices): the running {fn[3:]}imum along ``dim`` and where it was reached."
    return defop()(op)


# maximum and minimum propagate NaN, as PyTorch's cummax and cummin do
cummax = _running_extreme("cummax", "CummaxBackward0", "maximum")
cummin = _running_extreme("cummin", "CumminBackward0", "minimum")


@defop()
def logcumsumexp(input, dim=_REQUIRED, *, out=None):
    """log(cumsum(exp(input))) along ``dim``, without overflow (floating inputs only)."""
    if dim is _REQUIRED:
        raise _missing("logcumsumexp")
    if input.dtype.category != dtypes.FLOATING:
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for \'{_type_name(input.dtype)}\'')
    x = input._data
    d = _one_dim(dim, x.ndim)
    with np.errstate(invalid="ignore"):   # -inf - -inf inside logaddexp: the result is still -inf
        data = x.copy() if d is None else _accumulate(xp_of(input), "logaddexp", opmath(x), d)
    result = wrap(data.astype(x.dtype, copy=False))
    return _finish(record(result, "LogcumsumexpBackward0", (input,),
                          lambda g, input, result: (g if d is None else _logcumsumexp_grad(input, result, g, d),),
                          saved=(input, result)), out)


def _logcumsumexp_grad(x, y, g, d):
    """d y_j / d x_i = exp(x_i - y_j) for j >= i; summed in log space, apart for the positive and
    negative parts of g (as PyTorch does), so large inputs do not overflow."""
    def part(weight):   # weight >= 0
        with np.errstate(divide="ignore"):
            log_weight = weight.log()
        return (x + (log_weight - y).flip(d).logcumsumexp(d).flip(d)).exp()
    return part(g.clamp(min=0)) - part((-g).clamp(min=0))


# -- softmax ---------------------------------------------------------------------------------------------

def _softmax_input(input, dim, dtype, kernel):
    if dim is _REQUIRED:
        raise _missing(kernel)
    if dtype is not None:
        input = input.to(dtypes.to_dtype(dtype))
    d = _one_dim(dim, input._data.ndim)
    if not input.dtype.is_floating_point:
        last = "lastdim_" if d is None or d == input._data.ndim - 1 else ""
        raise NotImplementedError(f'"{kernel}_{last}kernel_impl" not implemented for '
                                  f"'{_type_name(input.dtype)}'")
    return input, d


def _shifted_exp(xp, x, d):
    """exp(x - max) along d and the shift: the numerically safe pieces of (log_)softmax."""
    if x.size == 0:   # nothing to shift (NumPy's max has no identity): the empty result, as PyTorch
        return x, xp.exp(x)
    peak = x.max(axis=d, keepdims=True)
    shifted = x - xp.where(xp.isfinite(peak), peak, 0)
    return shifted, xp.exp(shifted)


@defop()
def softmax(input, dim=_REQUIRED, dtype=None, *, _stacklevel=None):
    """exp(x) / sum(exp(x)) along ``dim``."""
    input, d = _softmax_input(input, dim, dtype, "softmax")
    x, xp = input._data, xp_of(input)
    if d is None:
        result = wrap(xp.ones_like(x) if not xp.isnan(x) else x.copy())
    elif x.dtype == np.float16 and d != x.ndim - 1 and xp is np:
        result = wrap(_half_softmax_across(x, d))
    else:
        _, e = _shifted_exp(xp, opmath(x), d)
        result = wrap((e / e.sum(axis=d, keepdims=True)).astype(x.dtype, copy=False))
    axis = -1 if d is None else d
    return record(result, "SoftmaxBackward0", (input,),
                  lambda g, result: (result * (g - summed_keeping(g * result, axis)),), saved=(result,),
                  on_arrays=_sums_alike(input))


@defop()
def log_softmax(input, dim=_REQUIRED, dtype=None, *, _stacklevel=None):
    """x - logsumexp(x) along ``dim``."""
    input, d = _softmax_input(input, dim, dtype, "log_softmax")
    x, xp = input._data, xp_of(input)
    if d is None:
        result = wrap(x - x)
    else:
        result = wrap(_log_softmax(xp, x, d))
    axis = -1 if d is None else d
    return record(result, "LogSoftmaxBackward0", (input,),
                  lambda g, result: (g - exponential(result) * summed_keeping(g, axis),), saved=(result,),
                  on_arrays=_sums_alike(input))


def _sums_alike(input):
    """(log_)softmax's gradient gives the same numbers on arrays: its input has the result's dtype
    (softmax's dtype= converted it first) and is not half, which the Tensor sum adds up in float32,
    nor 0-d, whose dim -1 only a Tensor's sum accepts."""
    return input._data.dtype != np.float16 and input._data.ndim > 0


_HALF_SOFTMAX_STEP = 16   # inner positions per step of ATen's vectorised half softmax


def _half_softmax_across(x, d):
    """float16 softmax along a dim that is not the last, as ATen's kernel computes it. Viewed as
    (outer, dim, inner), it takes the inner positions 16 at a time, computing in float32 (max, exp,
    a sum in order along dim) and rounding exp / sum once; positions that do not fill a step take
    its scalar path, which rounds exp to half before dividing."""
    shape = x.shape
    outer, inner = math.prod(shape[:d]), math.prod(shape[d + 1:])
    _, e = _shifted_exp(np, x.astype(np.float32).reshape(outer, shape[d], inner), 1)
    total = np.add.accumulate(e, axis=1)[:, -1:]   # in order along dim, as the kernel adds
    rounded_once = (e / total).astype(np.float16)
    scalar_path = (e.astype(np.float16).astype(np.float32) / total).astype(np.float16)
    vectorised = _whole_steps(outer, inner, get_num_threads()).reshape(outer, 1, inner)
    return np.where(vectorised, rounded_once, scalar_path).reshape(shape)


def _whole_steps(outer, inner, threads):
    """Which of the outer * inner positions ATen's half softmax computes in whole 16-wide steps.
    parallel_for gives each thread ceil(n / threads) consecutive positions; within a thread's share,
    each inner run (cut at the share's ends) takes as many whole steps as fit from its start."""
    n = outer * inner
    if n == 0:
        return np.zeros(0, bool)
    position = np.arange(n)
    share = -(-n // threads)
    share_start = position // share * share
    row_start = position // inner * inner
    run_start = np.maximum(share_start, row_start)
    run_end = np.minimum(np.minimum(share_start + share, n), row_start + inner)
    return position - run_start < (run_end - run_start) // _HALF_SOFTMAX_STEP * _HALF_SOFTMAX_STEP


def _log_softmax(xp, x, d):
    """x - max - log(sum(exp(x - max))) along d, float16 computed in float32 as ATen does. Along the
    last dim its kernel keeps log(sum) in a half buffer, the sum and its log each rounded to half;
    along any other the whole computation stays in float32. The result is rounded once."""
    shifted, e = _shifted_exp(xp, opmath(x), d)
    with np.errstate(divide="ignore"):
        total = e.sum(axis=d, keepdims=True)
        if x.dtype == np.float16 and d == x.ndim - 1:
            log_total = xp.log(total.astype(np.float16).astype(np.float32)).astype(np.float16)
            return (shifted - log_total.astype(np.float32)).astype(np.float16)
        return (shifted - xp.log(total)).astype(x.dtype, copy=False)


# -- sorting and order statistics -------------------------------------------------------------------
# Each picks values along one dim and returns them with their indices; the gradient goes back to
# the picked places (PyTorch's value_selecting_reduction_backward), written with scatter so that
# create_graph works.

def _rows(x, d):
    """The slices along dim d as the rows of a 2-d array (dim d moved last)."""
    moved = module_of(x).moveaxis(x, d, -1) if type(x) is not ndarray else np.moveaxis(x, d, -1)
    return moved.reshape(-1, x.shape[d]), moved.shape[:-1]


def _stable_order(xp, x, d, descending):
    """Indices that sort x along d, ties in their original order, NaN as the largest value."""
    if not descending:
        return xp.argsort(x, axis=d, kind="stable")
    n = x.shape[d]
    flipped = xp.flip(x, d)
    return (n - 1) - xp.flip(xp.argsort(flipped, axis=d, kind="stable"), d)


def _selected(fn, input, values, indices, d, keepdim, node):
    """values and indices along dim d (kept or squeezed) as PyTorch's named pair, values recorded."""
    shape = input._data.shape
    if not keepdim and d is not None:
        values._data, indices._data = values._data.squeeze(d), indices._data.squeeze(d)

    def vjp(g, indices):
        if d is None:
            return (g,)
        if indices._data.ndim < len(shape):   # reduced without keepdim
            return (scatter(g.new_zeros(shape), d, indices.unsqueeze(d), g.unsqueeze(d)),)
        return (scatter(g.new_zeros(shape), d, indices, g),)
    record(values, node, (input,), vjp, saved=(indices,))
    return getattr(return_types, fn)((values, indices))


def _take_along(input, order, d):
    """input's values and the indices ``order`` (an int64 array) along dim d."""
    return wrap(module_of(order).take_along_axis(input._data, order, axis=d)), wrap(order.astype(np.int64))


@defop()
def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    """The values along ``dim`` in order, with their indices (ties keep their order; NaN is largest)."""
    refuse_complex(input, " Sort does not support complex dtypes on CPU")
    refuse_unsupported("sort", out=out)
    x = input._data
    d = _one_dim(dim, x.ndim)
    if d is None:
        values, indices = wrap(x.copy()), wrap(xp_of(input).zeros((), np.int64))
    else:
        values, indices = _take_along(input, _stable_order(xp_of(input), x, d, descending), d)
    return _selected("sort", input, values, indices, d, True, "SortBackward1" if stable else "SortBackward0")


@defop(differentiable=False)
def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort ``input`` along ``dim``."""
    refuse_complex(input, " Sort does not support complex dtypes on CPU")
    return sort(input, dim, descending, stable).indices


@defop(method=False)
def msort(input, *, out=None):
    """Sort along the first dim."""
    refuse_unsupported("msort", out=out)
    return sort(input, 0).values


@defop()
def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """The ``k`` largest (or smallest) values along ``dim`` and their indices."""
    refuse_complex(input, " topk does not support complex dtypes on CPU")
    refuse_unsupported("topk", out=out)
    x = input._data
    d = _one_dim(dim, x.ndim)
    n = 1 if d is None else x.shape[d]
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    if d is None:
        values, indices = wrap(x.copy()), wrap(xp_of(input).zeros((), np.int64))
    else:
        order = _stable_order(xp_of(input), x, d, largest)
        values, indices = _take_along(input, order[(slice(None),) * d + (slice(0, k),)], d)
    return _selected("topk", input, values, indices, d, True, "TopkBackward0")


def _kth_along(input, dim, keepdim, position, fn, node):
    """The value at sorted ``position(rows, counts)`` along dim: kthvalue, median, nanmedian."""
    x = input._data
    d = _one_dim(dim, x.ndim)
    if d is None:
        return _selected(fn, input, wrap(x.copy()), wrap(xp_of(input).zeros((), np.int64)), None, keepdim, node)
    xp = xp_of(input)
    order = _stable_order(xp, x, d, False)
    at = xp.expand_dims(position(xp.take_along_axis(x, order, axis=d), d), d)
    values, indices = _take_along(input, xp.take_along_axis(order, at, axis=d), d)
    return _selected(fn, input, values, indices, d, keepdim, node)


@defop()
def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """The k-th smallest value along ``dim`` (k counts from 1) and its index."""
    refuse_complex(input, kernel="kthvalue_cpu")
    refuse_unsupported("kthvalue", out=out)
    x = input._data
    d = _one_dim(dim, x.ndim)
    n = 1 if d is None else x.shape[d]
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {0 if d is None else d}")
    return _kth_along(input, dim, keepdim, lambda s, d: module_of(s).full(
        s.shape[:d] + s.shape[d + 1:], k - 1, dtype=np.int64), "kthvalue", "KthvalueBackward0")


def _median_position(ignore_nan):
    """Where the lower median sits in each sorted slice: the middle of the values (of the non-NaN
    ones for nanmedian); a slice holding NaN has median NaN (its first NaN, sorted last)."""
    def position(s, d):
        xp = module_of(s)
        n = s.shape[d]
        nan = xp.isnan(s).sum(axis=d) if s.dtype.kind == "f" else xp.zeros(s.shape[:d] + s.shape[d + 1:], np.int64)
        if ignore_nan:
            return xp.maximum(n - nan - 1, 0) // 2
        return xp.where(nan > 0, n - nan, (n - 1) // 2)
    return position


def _full_median(input, ignore_nan, fn, node):
    """The median of all elements: a 0-d tensor, the gradient shared among ties (as max's)."""
    x = input._data.reshape(-1)
    if x.size == 0:
        result = wrap(xp_of(input).asarray(np.nan, dtype=x.dtype))
    else:
        flat = wrap(x)
        result = wrap(_kth_along(flat, 0, False, _median_position(ignore_nan), fn, node).values._data)
    return record(result, node, (input,), lambda g, input, result: (_spread_to_ties(input, result, g, None),),
                  saved=(input, result))


def _median_op(fn, ignore_nan):
    node = "NanmedianBackward" if ignore_nan else "MedianBackward"

    def op(input, dim=None, keepdim=False, *, out=None):
        refuse_unsupported(fn, out=out)
        refuse_complex(input, kernel="median_cpu" if dim is None else "median_out")
        if dim is None:
            return _full_median(input, ignore_nan, fn, node + "0")
        d = _one_dim(dim, input._data.ndim)
        if d is not None and input._data.shape[d] == 0:
            raise IndexError(f"{fn}(): Expected reduction dim {d} to have non-zero size.")
        return _kth_along(input, dim, keepdim, _median_position(ignore_nan), fn, node + "1")
    op.__name__ = op.__qualname__ = fn
    op.__doc__ = (f"The lower median of all elements{' that are not NaN' if ignore_nan else ''}; with ``dim`` "
                  "a named tuple (values, indices) along it.")
    return defop()(op)


median = _median_op("median", False)
nanmedian = _median_op("nanmedian", True)


@defop()
def mode(input, dim=-1, keepdim=False):
    """The most frequent value along ``dim`` (the smallest of equally frequent ones) and the index
    of its last occurrence."""
    refuse_complex(input, kernel="mode_cpu")
    x = input._data
    d = _one_dim(dim, x.ndim)
    if d is None:
        return _selected("mode", input, wrap(x.copy()), wrap(xp_of(input).zeros((), np.int64)), None, keepdim,
                         "ModeBackward0")
    rows, lead = _rows(to_host(x), d)
    values = np.empty(rows.shape[0], dtype=x.dtype)
    indices = np.empty(rows.shape[0], dtype=np.int64)
    for r, row in enumerate(rows):
        uniq, counts = np.unique(row, return_counts=True)
        values[r] = uniq[np.argmax(counts)]
        indices[r] = row.size - 1 - np.flatnonzero(row[::-1] == values[r])[0]
    xp = xp_of(input)
    values = wrap(xp.expand_dims(xp.asarray(values.reshape(lead)), d))
    indices = wrap(xp.expand_dims(xp.asarray(indices.reshape(lead)), d))
    return _selected("mode", input, values, indices, d, keepdim, "ModeBackward0")


def to_host(x):
    return x if type(x) is ndarray else x.get()


# -- NaN-ignoring reductions, and the moments with the mean ------------------------------------------

@defop()
def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """sum, counting NaN as zero."""
    refuse_complex(input, "nansum on CPU does not support complex inputs")
    x = input._data
    present = ~xp_of(input).isnan(x) if x.dtype.kind == "f" else None
    rt = _accumulation_dtype(input, dtype, out)
    data = x if present is None else xp_of(input).where(present, x, 0)
    dims = _reduced_dims(dim, x.ndim)
    result = wrap(xp_of(input).asarray(_sum_data(data.astype(rt.np, copy=False), dims, keepdim)))
    shape = x.shape
    # (an integer input cannot require grad: input is floating when the vjp runs)
    return _finish(record(result, "NansumBackward0", (input,),
                          lambda g, input: (expand_back(g, shape, dims, keepdim) * input.isnan().logical_not(),),
                          saved=(input,)), out)


@defop()
def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """mean of the elements that are not NaN (nansum divided by their count, as PyTorch builds it)."""
    refuse_complex(input, "nansum on CPU does not support complex inputs")
    if not dtypes.floating_or_complex(input.dtype if dtype is None else dtypes.to_dtype(dtype)):
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{_type_name(input.dtype)}")
    count = sum(input.isnan().logical_not(), dim, keepdim)
    return _finish(nansum(input, dim, keepdim, dtype=dtype) / count, out)


def _moments_with_mean(fn, node, root):
    def op(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
        dims, divisor, variance = _moments(input, dim, unbiased, keepdim, correction, fn)
        x = input._data
        n = math.prod(x.shape[d] for d in dims)
        with np.errstate(invalid="ignore", divide="ignore"):
            wide = opmath(x)
        mean_data = _sum_data(wide, dims, keepdim) / wide.dtype.type(n)
        xp = xp_of(input)
        spread_out = wrap((xp.sqrt(variance) if root else variance).astype(_real_dtype(input), copy=False))
        mean_out = wrap(xp.asarray(mean_data, dtype=x.dtype))
        shape = x.shape

        def vjp(grads, input, spread_out):
            grad = None
            if 0 in grads:
                g = grads[0] / (2 * (spread_out + (spread_out == 0))) if root else grads[0]
                grad = expand_back(g, shape, dims, keepdim) * 2 * _centered(input, dims) / divisor
            if 1 in grads:
                from_mean = expand_back(grads[1] / n, shape, dims, keepdim)
                grad = from_mean if grad is None else grad + from_mean
            return (grad,)
        record_outputs((spread_out, mean_out), node, (input,), vjp, saved=(input, spread_out))
        return spread_out, mean_out
    op.__name__ = op.__qualname__ = fn
    op.__doc__ = f"({'std' if root else 'var'}, mean) over ``dim`` in one pass (a plain tuple)."
    return defop(method=False)(op)


@defop()
def aminmax(input, *, dim=None, keepdim=False):
    """(min, max) in one call, as torch.return_types.aminmax; each gradient shared evenly among ties."""
    refuse_complex(input, kernel="aminmax_cpu")
    x = input._data
    dims = _reduced_dims(dim, x.ndim)
    if x.size == 0 and (not dims or builtins.any(x.shape[d] == 0 for d in dims)):
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                           "identity.")
    xp = xp_of(input)
    low = wrap(xp.asarray(x.min(axis=dims, keepdims=keepdim)))
    high = wrap(xp.asarray(x.max(axis=dims, keepdims=keepdim)))

    def vjp(grads, low, input):   # the max is taken again from input: saving it would loop through this node
        grad = _spread_to_ties(input, low, grads[0], dims, keepdim) if 0 in grads else None
        if 1 in grads:
            high = input.amax(dims, keepdim) if dims else input
            from_high = _spread_to_ties(input, high, grads[1], dims, keepdim)
            grad = from_high if grad is None else grad + from_high
        return (grad,)
    record_outputs((low, high), "AminmaxBackward0", (input,), vjp, saved=(low, input))
    return return_types.aminmax((low, high))


std_mean = _moments_with_mean("std_mean", "StdMeanBackward0", True)
var_mean = _moments_with_mean("var_mean", "VarMeanBackward0", False)


# -- counting: count_nonzero, unique, bincount, histc (integer results, no gradient) ---------------------

@defop(differentiable=False)
def count_nonzero(input, dim=None):
    """The number of nonzero entries, over ``dim`` (all dims when None or empty), as int64."""
    dims = _reduced_dims(dim, input._data.ndim)
    return wrap((input._data != 0).sum(axis=dims).astype(np.int64))


def _distinct_result(xp, values, inverse, counts, return_inverse, return_counts):
    """unique's and unique_consecutive's result: the values, then inverse and counts when asked for."""
    outputs = (wrap(xp.asarray(values)),) + ((wrap(xp.asarray(inverse, dtype=np.int64)),) if return_inverse else ()) \
        + ((wrap(xp.asarray(counts, dtype=np.int64)),) if return_counts else ())
    return outputs[0] if len(outputs) == 1 else outputs


@defop(differentiable=False)
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values in ascending order (or distinct slices along ``dim``), with where each
    entry went (inverse) and how often each occurs (counts). NaNs are all distinct, as in PyTorch."""
    refuse_complex(input, kernel="unique")
    x = to_host(input._data)
    if dim is None:
        values, inverse, counts = np.unique(x.reshape(-1), return_inverse=True, return_counts=True, equal_nan=False)
        inverse = inverse.reshape(x.shape)
    else:
        if x.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        d = _dim(dim, x.ndim)
        values, inverse, counts = np.unique(x, return_inverse=True, return_counts=True, axis=d)
        inverse = inverse.reshape(-1)
    return _distinct_result(xp_of(input), values, inverse, counts, return_inverse, return_counts)


@defop(differentiable=False)
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Each run of equal consecutive values (or slices along ``dim``) kept once, with where each entry
    went (inverse) and each run's length (counts)."""
    refuse_complex(input, kernel="unique")
    x = to_host(input._data)
    if dim is None:
        rows, shape = x.reshape(-1, 1), x.shape
    else:
        if x.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        d = _dim(dim, x.ndim)
        rows, shape = np.moveaxis(x, d, 0).reshape(x.shape[d], -1), (x.shape[d],)
    starts = np.ones(len(rows), dtype=bool)
    starts[1:] = (rows[1:] != rows[:-1]).any(axis=1)
    values = x.reshape(-1)[starts] if dim is None else np.compress(starts, x, axis=d)
    inverse = (np.cumsum(starts) - 1).reshape(shape)
    counts = np.diff(np.append(np.flatnonzero(starts), len(rows)))
    return _distinct_result(xp_of(input), values, inverse, counts, return_inverse, return_counts)


@defop(differentiable=False)
def bincount(input, weights=None, minlength=0):
    """How often each value 0, 1, ... occurs in a 1-d tensor of non-negative integers (or the sum of
    their ``weights``: float64 unless the weights are floating point)."""
    x = input._data
    if input.dtype.category != dtypes.INTEGER:
        raise NotImplementedError(f'"bincount_cpu" not implemented for \'{_type_name(input.dtype)}\'')
    if x.ndim != 1 or (x.size and x.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    xp = xp_of(input)
    if weights is None:
        return wrap(xp.bincount(x, minlength=minlength).astype(np.int64))
    if weights._data.shape != x.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dt = weights.dtype if weights.dtype.category == dtypes.FLOATING else dtypes.float64
    return wrap(xp.bincount(x, weights._data.astype(np.float64), minlength).astype(dt.np))


@defop(differentiable=False)
def histc(input, bins=100, min=0, max=0, *, out=None):
    """Counts of the values in ``bins`` equal bins from ``min`` to ``max`` (the data's own range when
    min == max); values outside and NaNs are left out."""
    if input.dtype.category != dtypes.FLOATING:
        raise NotImplementedError(f'"histogram_cpu" not implemented for \'{_type_name(input.dtype)}\'')
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    if min > max:
        raise RuntimeError("torch.histc: max must be larger than min")
    x = input._data.reshape(-1)
    xp = xp_of(input)
    low, high = min, max
    if low == high and x.size:
        finite = x[~xp.isnan(x)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (low, high)
    if low == high:
        low, high = low - 1, high + 1
    if not (math.isfinite(low) and math.isfinite(high)):
        raise RuntimeError(f"torch.histc: range of [{low:g}, {high:g}] is not finite")
    inside = x[(x >= low) & (x <= high)]
    position = ((inside - x.dtype.type(low)) * bins / x.dtype.type(high - low)).astype(np.int64)
    counts = xp.bincount(xp.minimum(position, bins - 1), minlength=bins).astype(x.dtype)
    return _finish(wrap(counts), out)
