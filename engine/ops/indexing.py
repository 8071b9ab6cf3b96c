"""Indexing ops beyond ``t[...]``: masked_fill, index_select, gather, scatter, scatter_add, where,
nonzero; each beside its gradient (which is, in every case, another op of this family)."""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..autograd.graph import record
from ..tensor import Tensor, _dim, wrap
from ..unsupported import refuse_unsupported
from ._util import _type_name, binary_arrays, check_tensor, exact_dtype, refuse_complex, write_out, xp_of
from .registry import METHOD, defop


def _finish(result, out, check=exact_dtype):
    return result if out is None else write_out(out, result, check)


def _same_as_self(result_dtype, out_dtype):
    raise RuntimeError("index_select(): self and result must have the same scalar type")


def _long_out(result_dtype, out_dtype):
    raise RuntimeError(f"nonzero: Expected out tensor to have scalar type Long but got scalar type"
                       f"{_type_name(out_dtype)}")


def _broadcast_shape(xp, *shapes):
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        a, b = shapes[0], shapes[1]
        for i in range(1, max(len(a), len(b)) + 1):
            sa, sb = (a[-i] if i <= len(a) else 1), (b[-i] if i <= len(b) else 1)
            if sa != sb and sa != 1 and sb != 1:
                raise RuntimeError(f"The size of tensor a ({sa}) must match the size of tensor b ({sb}) at "
                                   f"non-singleton dimension {max(len(a), len(b)) - i}") from None
        raise


# -- masked_fill ---------------------------------------------------------------------------------------

@defop(inplace=METHOD)
def masked_fill(input, mask, value):
    """``value`` where ``mask`` is True, else input (mask broadcasts; the dtype stays input's)."""
    check_tensor(mask, "masked_fill", "mask", 2)
    if mask.dtype is not dtypes.bool:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{mask.dtype.name.replace('float32', 'float')}")
    value_t = value if isinstance(value, Tensor) else None
    if value_t is not None:
        if value_t._data.ndim:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value_t._data.ndim} dimension(s).")
        value = value_t._data
    xp = xp_of(input)
    x, m = input._data, mask._data
    shape = _broadcast_shape(xp, m.shape, x.shape)
    fill = xp.asarray(value).astype(x.dtype) if input.dtype.category != dtypes.BOOL else xp.asarray(value) != 0
    result = wrap(xp.where(m, fill, x).astype(x.dtype, copy=False).reshape(shape))
    if value_t is None:
        return record(result, "MaskedFillBackward0", (input,), lambda g, mask: (g.masked_fill(mask, 0),),
                      saved=(mask,))
    return record(result, "MaskedFillBackward1", (input, value_t),
                  lambda g, mask: (g.masked_fill(mask, 0), where(mask, g, 0).sum()), saved=(mask,))


# -- index_select, gather ------------------------------------------------------------------------------

def _index_tensor(index, fn, pos=3):
    check_tensor(index, fn, "index", pos)
    if index.dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError(f"{fn}(): Expected dtype int32/int64 for index" if fn != "index_select" else
                           "index_select(): Expected dtype int32 or int64 for index")
    return index._data


def _check_in_range(idx, size, dim, fn):
    if idx.size and (idx.min() < -size or idx.max() >= size):
        bad = int(idx[(idx < -size) | (idx >= size)].reshape(-1)[0])
        if fn == "index_select":
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={size}")
        raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {size}")


@defop()
def index_select(input, dim, index, *, out=None):
    """The entries at ``index`` (a 0-d or 1-d integer tensor) along dim."""
    idx = _index_tensor(index, "index_select", 2)
    if idx.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    x = input._data
    d = _dim(dim, x.ndim)
    if not x.ndim:
        _check_in_range(idx, 1, 0, "index_select")
        return _finish(record(wrap(x.copy()), "IndexSelectBackward0", (input,), lambda g, _: (g,), saved=(index,)),
                       out, _same_as_self)
    _check_in_range(idx, x.shape[d], d, "index_select")
    shape = x.shape
    result = wrap(xp_of(input).take(x, idx.reshape(-1), axis=d))
    return _finish(record(result, "IndexSelectBackward0", (input,),
                          lambda g, index: (_index_add_into_zeros(g, shape, d, index._data.reshape(-1)),),
                          saved=(index,)), out, _same_as_self)


def _index_add_into_zeros(g, shape, d, idx):
    """Gradient of index_select: zeros of ``shape`` with g's slices added at idx along d."""
    xp = xp_of(g)
    data = xp.zeros(shape, dtype=g._data.dtype)
    xp.add.at(data, (slice(None),) * d + (idx,), g._data)
    return record(wrap(data), "IndexAddBackward0", (g,), lambda gg, index: (gg.index_select(d, index),),
                  saved=(wrap(idx),))


def _check_gather_shapes(x, idx, d, fn, src=None):
    if idx.ndim != x.ndim and not (idx.ndim <= 1 and x.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as "
                           + ("input tensor" if fn == "gather" else "self tensor"))
    for k in range(idx.ndim):
        if k != d and idx.shape[k] > x.shape[k]:
            raise RuntimeError(f"Size does not match at dimension {k} expected index "
                               f"[{', '.join(map(str, idx.shape))}] to be no larger than self "
                               f"[{', '.join(map(str, x.shape))}] apart from dimension {d}")
        if src is not None and idx.shape[k] > src.shape[k]:
            raise RuntimeError(f"Expected index [{', '.join(map(str, idx.shape))}] to be no larger than self "
                               f"[{', '.join(map(str, x.shape))}] apart from dimension {d} and to be no larger "
                               f"size than src [{', '.join(map(str, src.shape))}]")
    _check_in_range(idx, x.shape[d] if x.ndim else 1, d, fn)


def _along(xp, idx, d):
    """A NumPy index tuple that addresses, for every position of ``idx``, the element idx[pos]
    along dim d and pos[k] along every other dim k (PyTorch's gather/scatter addressing)."""
    n = idx.ndim
    # an open grid, as np.indices(sparse=True) makes (CuPy's indices has no sparse form)
    return tuple(idx if k == d else xp.arange(size).reshape((1,) * k + (size,) + (1,) * (n - k - 1))
                 for k, size in enumerate(idx.shape))


@defop()
def take_along_dim(input, indices, dim=None, *, out=None):
    """The values at ``indices`` along ``dim`` (the two broadcast in the other dims), or at flat
    indices of the flattened input when dim is None: a gather (GatherBackward0)."""
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1), out=out)
    d = _dim(dim, input._data.ndim)
    if indices._data.ndim != input._data.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input._data.ndim} dimensions for input, and {indices._data.ndim} dimensions "
                           "for indices")
    shape = [max(a, b) if k != d else None for k, (a, b) in enumerate(zip(input._data.shape, indices._data.shape))]
    source = input.expand(*(input._data.shape[k] if s is None else s for k, s in enumerate(shape)))
    index = indices.expand(*(indices._data.shape[k] if s is None else s for k, s in enumerate(shape)))
    return gather(source, d, index, out=out)


@defop()
def gather(input, dim, index, *, sparse_grad=False, out=None):
    """out[i][j] = input[index[i][j]][j] (dim 0), and likewise for any dim."""
    refuse_unsupported("gather", sparse_grad=sparse_grad)
    idx = _index_tensor(index, "gather")
    x = input._data
    d = _dim(dim, x.ndim)
    _check_gather_shapes(x, idx, d, "gather")
    xp = xp_of(input)
    if not x.ndim:
        data = xp.broadcast_to(x, idx.shape).copy()
    else:
        data = x[_along(xp, idx, d)]
    shape = x.shape
    return _finish(record(wrap(data), "GatherBackward0", (input,),
                          lambda g, _, index: (g.new_zeros(shape).scatter_add(d, index, g),), saved=(input, index)),
                   out)


# -- scatter, scatter_add ------------------------------------------------------------------------------

def _scatter_data(input, dim, index, src, accumulate, fn):
    """input's data with src (a tensor or a number) written at index along dim, or combined
    with what is there by the ufunc ``accumulate`` (np.add for scatter_add)."""
    idx = _index_tensor(index, fn)
    x = input._data
    d = _dim(dim, x.ndim)
    if isinstance(src, Tensor):
        if src.dtype is not input.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        _check_gather_shapes(x, idx, d, fn, src._data)
        values = src._data[tuple(slice(0, s) for s in idx.shape)] if idx.ndim else src._data
    else:
        _check_gather_shapes(x, idx, d, fn)
        values = src
    xp = xp_of(input)
    data = x.copy()
    if not x.ndim:
        if idx.size:
            data[...] = values if accumulate is None else accumulate(data, values)
        return data, d
    target = _along(xp, idx, d)
    if accumulate is None:
        data[target] = values
    else:
        accumulate.at(data, target, values)
    return data, d


@defop(inplace=METHOD)
def scatter(input, dim, index, src=None, *, value=None, reduce=None, out=None):
    """input with src's entries (or ``value``) written at ``index`` along dim."""
    src = value if src is None else src
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise RuntimeError(f"reduce argument must be either add or multiply. Got {reduce}")
        # the deprecated reduce= form has no gradient in PyTorch either
        ufunc = xp_of(input).add if reduce == "add" else xp_of(input).multiply
        return _finish(wrap(_scatter_data(input, dim, index, src, ufunc, "scatter")[0]), out)
    data, d = _scatter_data(input, dim, index, src, None, "scatter")
    result = wrap(data)
    if isinstance(src, Tensor):
        src_shape = src._data.shape
        return _finish(record(result, "ScatterBackward0", (input, src),
                              lambda g, index: (g.scatter(d, index, 0), _gathered_for(g, d, index, src_shape)),
                              saved=(index,)), out)
    return _finish(record(result, "ScatterBackward1", (input,), lambda g, index: (g.scatter(d, index, 0),),
                          saved=(index,)), out)


@defop(inplace=METHOD)
def scatter_add(input, dim, index, src, *, out=None):
    """input with src's entries added at ``index`` along dim (repeated indices accumulate)."""
    check_tensor(src, "scatter_add", "src", 4)
    data, d = _scatter_data(input, dim, index, src, xp_of(input).add, "scatter_add")
    src_shape = src._data.shape
    return _finish(record(wrap(data), "ScatterAddBackward0", (input, src),
                          lambda g, index: (g, _gathered_for(g, d, index, src_shape)), saved=(index,)), out)


def _gathered_for(g, d, index, src_shape):
    """The gradient of scatter's src: g at the scattered places, in src's shape (src may be larger
    than index; its unused entries get zero)."""
    part = g.gather(d, index)
    if part._data.shape == src_shape:
        return part
    block = tuple(slice(0, s) for s in part._data.shape)
    data = xp_of(g).zeros(src_shape, dtype=part._data.dtype)
    data[block] = part._data
    return record(wrap(data), "ConstantPadNdBackward0", (part,), lambda gg: (gg[block],))


# -- where, nonzero ------------------------------------------------------------------------------------

@defop(method=False)
def where(condition, input=None, other=None, *, out=None):
    """where(cond, input, other): input where cond, else other (broadcasting, promoting);
    where(cond): the indices of cond's nonzero entries, one tensor per dim."""
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if input is None or other is None:
        raise TypeError("where() received an invalid combination of arguments - got (Tensor, Tensor), but "
                        "expected one of:\n * (Tensor condition)\n * (Tensor condition, Tensor input, Tensor "
                        "other, *, Tensor out = None)\n * (Tensor condition, Number self, Tensor other)\n * "
                        "(Tensor condition, Tensor input, Number other)\n * (Tensor condition, Number self, "
                        "Number other)\n")
    check_tensor(condition, "where", "condition", 1)
    if condition.dtype is not dtypes.bool:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{_type_name(condition.dtype)}")
    xp = xp_of(condition)
    if isinstance(input, Tensor) or isinstance(other, Tensor):
        a, b, rt = binary_arrays(input, other)
    else:
        rt = dtypes.result_type(input, other)
        a, b = input, other
    data = xp.where(condition._data, a, b)
    data = xp.asarray(data, dtype=rt.np)
    inputs = (input if isinstance(input, Tensor) else None, other if isinstance(other, Tensor) else None)
    result = record(wrap(data), "WhereBackward0", inputs,
                    lambda g, condition: (where(condition, g, 0.), where(condition, 0., g)), saved=(condition,))
    return _finish(result, out, _where_out)


def _where_out(result_dtype, out_dtype):
    raise RuntimeError(f"Expected out type to be {_type_name(result_dtype)} but got {_type_name(out_dtype)}")


def _where_method(self, condition, other):
    """self.where(condition, other) = where(condition, self, other)."""
    return where(condition, self, other)


Tensor.where = _where_method


@defop(differentiable=False)
def nonzero(input, *, as_tuple=False, out=None):
    """Indices of the nonzero entries: an (n, ndim) int64 tensor, or a tuple of 1-d tensors."""
    xp = xp_of(input)
    x = input._data
    found = xp.nonzero(x.reshape(1) if not x.ndim else x)
    if as_tuple:
        return tuple(wrap(i.astype(np.int64)) for i in found)
    data = xp.stack(found, axis=1).astype(np.int64) if x.ndim else xp.zeros((len(found[0]), 0), np.int64)
    return _finish(wrap(data), out, _long_out)


# -- masked_select, take ---------------------------------------------------------------------------------

@defop()
def masked_select(input, mask, *, out=None):
    """The elements where ``mask`` (broadcast with input) is True, as a 1-d tensor."""
    check_tensor(mask, "masked_select", "mask", 2)
    if mask.dtype is not dtypes.bool:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    xp = xp_of(input)
    shape = _broadcast_shape(xp, input._data.shape, mask._data.shape)
    m = xp.broadcast_to(mask._data, shape)
    result = wrap(xp.broadcast_to(input._data, shape)[m])

    def vjp(g, _, mask):   # g back into the selected places of a broadcast-shaped zero tensor
        data = xp_of(g).zeros(shape, dtype=g._data.dtype)
        data[xp_of(g).broadcast_to(mask._data, shape)] = g._data
        return (record(wrap(data), "MaskedScatterBackward0", (g,), lambda gg, mask: (gg.masked_select(mask),),
                       saved=(mask,)),)
    return _finish(record(result, "MaskedSelectBackward0", (input,), vjp, saved=(input, mask)), out,
                   same_dtype_as_input)


def same_dtype_as_input(result_dtype, out_dtype):
    raise RuntimeError("masked_select(): self and result must have the same scalar type")


@defop()
def take(input, index, *, out=None):
    """input treated as 1-d, at ``index`` (the result has index's shape)."""
    check_tensor(index, "take", "index", 2)
    if index.dtype is not dtypes.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {_type_name(index.dtype)}")
    x = input._data.reshape(-1)
    idx = index._data
    n = x.size
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = int(idx[(idx < -n) | (idx >= n)].reshape(-1)[0])
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    shape = input._data.shape

    def vjp(g, _, index):
        data = xp_of(g).zeros(n, dtype=g._data.dtype)
        xp_of(g).add.at(data, index._data.reshape(-1), g._data.reshape(-1))
        return (record(wrap(data.reshape(shape)), "PutBackward0", (g,), lambda gg, index: (gg.take(index),),
                       saved=(index,)),)
    return _finish(record(wrap(x[idx]), "TakeBackward0", (input,), vjp, saved=(input, index)), out)


# -- index_add, index_fill, index_copy ------------------------------------------------------------------
# Each writes slices along ``dim`` at the positions of a 1-d ``index``; the in-place variants are
# the generic in-place rewrite of these.

def _index_along(input, dim, index, fn):
    """(d, the NumPy index selecting index's slices along d) after the op's checks, in its words."""
    check_tensor(index, fn, "index", 3)
    idx = index._data
    allowed = (dtypes.int64, dtypes.int32) if fn == "index_add" else (dtypes.int64,)
    if index.dtype not in allowed:
        raise {"index_add": RuntimeError(f"index_add_(): Expected dtype int32/int64 for index but got: "
                                         f"{_type_name(index.dtype)}"),
               "index_copy": RuntimeError(f"index_copy_(): Expected a long tensor for index, but got "
                                          f"{_type_name(index.dtype)}"),
               "index_fill": IndexError("index_fill_(): Expected dtype int64 for index.")}[fn]
    if idx.ndim > 1:
        raise {"index_add": IndexError(f"index_add_(): Index is supposed to be a vector, but got dim: {idx.ndim} "
                                       f"with type: {_type_name(index.dtype)} and size: {list(idx.shape)}"),
               "index_copy": IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {idx.ndim})"),
               "index_fill": RuntimeError("Index has to be a vector/scalar")}[fn]
    x = input._data
    d = _dim(dim, x.ndim)
    size = x.shape[d] if x.ndim else 1
    if idx.size and (idx.min() < -size or idx.max() >= size):
        bad = int(idx[(idx < -size) | (idx >= size)].reshape(-1)[0])
        message = f"index {bad} is out of bounds for dimension {d} with size {size}"
        raise {"index_add": RuntimeError(message), "index_copy": IndexError("index_copy_(): " + message),
               "index_fill": IndexError(message)}[fn]
    return d, ((slice(None),) * d + (idx.reshape(-1),) if x.ndim else ...)


def _source_for(input, d, index, source, fn):
    """source's data after index_add's or index_copy's checks of its dtype and shape."""
    x, src, k = input._data, source._data, index._data.size
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got (self) "
                           f"{_type_name(input.dtype)} and (source) {_type_name(source.dtype)}" if fn == "index_copy"
                           else f"index_add_(): self ({_type_name(input.dtype)}) and source "
                           f"({_type_name(source.dtype)}) must have the same scalar type")
    if fn == "index_copy" and src.ndim and x.ndim and src.ndim != x.ndim:
        raise IndexError(f"index_copy_(): When source and destination are not scalars, their dimensionality must "
                         f"match. Source dimensionality ({src.ndim}), destination dimensionality ({x.ndim})")
    src_count = src.shape[d] if src.ndim > d else 1
    if src_count != k:
        raise (IndexError(f"index_copy_(): Number of indices ({k}) should be equal to source.size(dim) "
                          f"({src_count})") if fn == "index_copy" else
               RuntimeError(f"index_add_(): Number of indices ({k}) should be equal to source.size(dim): "
                            f"({src_count}), for dim: {d}"))
    rest = [s for i, s in enumerate(x.shape) if i != d]
    src_rest = [s for i, s in enumerate(src.shape) if i != d]
    if rest != src_rest:
        raise RuntimeError(f"index_copy_(): Source/destination tensor must have same slice shapes. Destination "
                           f"slice shape: {', '.join(map(str, rest))} at dimension {d} and source slice shape: "
                           f"{', '.join(map(str, src_rest))} at dimension 0." if fn == "index_copy" else
                           f"source tensor shape must match self tensor shape, excluding the specified dimension. "
                           f"Got self.shape = {list(x.shape)} source.shape = {list(src.shape)}")
    return src


@defop(inplace=METHOD)
def index_add(input, dim, index, source, *, alpha=1, out=None):
    """input with ``alpha * source``'s slices added at ``index`` along dim (repeats accumulate)."""
    d, where_ = _index_along(input, dim, index, "index_add")
    src = _source_for(input, d, index, source, "index_add")
    data = input._data.copy()
    xp_of(input).add.at(data, where_, src * alpha if alpha != 1 else src)
    return _finish(record(wrap(data), "IndexAddBackward0", (input, source),
                          lambda g, index, _: (g, g.index_select(d, index) * alpha if alpha != 1 else
                                     g.index_select(d, index)), saved=(index, source)), out)


@defop(inplace=METHOD)
def index_copy(input, dim, index, source, *, out=None):
    """input with its slices at ``index`` along dim replaced by source's."""
    d, where_ = _index_along(input, dim, index, "index_copy")
    src = _source_for(input, d, index, source, "index_copy")
    data = input._data.copy()
    data[where_] = src
    return _finish(record(wrap(data), "IndexCopyBackward0", (input, source),
                          lambda g, index, _: (g.index_fill(d, index, 0), g.index_select(d, index)),
                          saved=(index, source)),
                   out)


@defop(inplace=METHOD)
def index_fill(input, dim, index, value):
    """input with its slices at ``index`` along dim set to ``value`` (a number or a 0-d tensor)."""
    d, where_ = _index_along(input, dim, index, "index_fill")
    value_t = value if isinstance(value, Tensor) else None
    if value_t is not None and value_t._data.ndim:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value_t._data.ndim} dimension(s).")
    data = input._data.copy()
    data[where_] = value_t._data if value_t is not None else value
    result = wrap(data)
    if value_t is None:
        return record(result, "IndexFillBackward0", (input,), lambda g, index: (g.index_fill(d, index, 0),),
                      saved=(index,))
    return record(result, "IndexFillBackward1", (input, value_t),
                  lambda g, index: (g.index_fill(d, index, 0), g.index_select(d, index).sum()), saved=(index,))



# -- argwhere, searchsorted, bucketize ------------------------------------------------------------------

@defop(method=False, differentiable=False)
def unravel_index(indices, shape):
    """The coordinates in ``shape`` of flat ``indices`` (row-major): one int64 tensor per dim. As in
    PyTorch, an index past the end wraps around the first dim."""
    if not isinstance(indices, Tensor):
        raise TypeError(f"expected 'indices' to be a tensor, but got {type(indices).__name__}")
    if indices.dtype.is_floating_point or indices.dtype is dtypes.bool:
        raise TypeError(f"expected 'indices' to be an integer tensor, but got {indices.dtype}")
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    flat = indices._data.astype(np.int64)
    coords = []
    for size in reversed(shape):
        coords.append(flat % size)
        flat = flat // size
    return tuple(wrap(c) for c in reversed(coords))


@defop(differentiable=False)
def argwhere(input):
    """The indices of the nonzero entries, one row each (nonzero's (n, ndim) form)."""
    return nonzero(input)


@defop(method=False, differentiable=False)
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, out=None, sorter=None):
    """Where each value of ``input`` would go in the innermost rows of ``sorted_sequence`` to keep
    them sorted: before equal entries, or after them with right=True / side='right'."""
    for operand in (sorted_sequence, input):
        if isinstance(operand, Tensor):
            refuse_complex(operand, kernel="searchsorted_out_cpu")
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    rows = sorted_sequence._data
    if rows.ndim == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 "
                           "dimension")
    xp = xp_of(sorted_sequence)
    if sorter is not None:
        rows = xp.take_along_axis(rows, sorter._data, -1)
    values = input._data if isinstance(input, Tensor) else xp.asarray(input)
    side = "right" if right else "left"
    if rows.ndim == 1:
        data = xp.searchsorted(rows, values, side)
    else:
        if rows.shape[:-1] != values.shape[:-1]:
            raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                               "dimensions of boundaries tensor and input value tensor must match, but we got "
                               f"boundaries tensor [{', '.join(map(str, rows.shape))}] and input value tensor "
                               f"[{', '.join(map(str, values.shape))}]")
        flat_rows, flat_values = rows.reshape(-1, rows.shape[-1]), values.reshape(-1, values.shape[-1])
        data = xp.stack([xp.searchsorted(r, v, side) for r, v in zip(flat_rows, flat_values)]).reshape(values.shape)
    result = wrap(xp.asarray(data, dtype=np.int32 if out_int32 else np.int64))
    return _finish(result, out)


@defop(method=False, differentiable=False)
def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """The bucket of each value among the sorted 1-d ``boundaries`` (searchsorted with the sides swapped
    in name only: right=False puts a value equal to a boundary in that boundary's bucket)."""
    refuse_complex(input, kernel="searchsorted_out_cpu")
    if boundaries._data.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries._data.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)
