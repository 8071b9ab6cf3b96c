"""The out-of-place writers: a copy of a tensor with one part of it (a diagonal, a slice, the
slice at an index) replaced by another tensor, and ``diag_embed``, which writes a batch of
vectors onto the diagonals of zero matrices. PyTorch's functionalization rewrites in-place
writes into views as these ops; scripts call them directly."""
from __future__ import annotations

from ..autograd.graph import record
from ..tensor import _dim, wrap
from ._util import check_tensor, xp_of
from .registry import defop
from .shape import _diagonal_data, _selected_dim


def _size_text(shape) -> str:
    return f"[{', '.join(map(str, shape))}]"


def _scatter_into(name, input, src, part, node, vjp):
    """A copy of ``input`` with ``part(data)`` (a writable view of the copy) set to ``src``.

    The source must have exactly the part's shape (PyTorch does not broadcast it) and is cast to
    ``input``'s dtype. vjp(grad) returns the gradients of input and src."""
    check_tensor(src, name, "src")
    data = input._data.copy()
    target = part(data)
    if target.shape != src._data.shape:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{_size_text(src._data.shape)}, slice size = {_size_text(target.shape)}")
    target[...] = src._data
    return record(wrap(data), node, (input, src), vjp)


def _diagonal_part(offset, d1, d2, xp):
    """The writable view of a diagonal, as a function of the array it is taken from."""
    return lambda data: _diagonal_data(data, offset, d1, d2, xp)


def _two_dims(dim1, dim2, ndim):
    d1, d2 = _dim(dim1, ndim), _dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


@defop()
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Each vector along the last dim of ``input`` on the diagonal ``offset`` of a zero matrix in the
    (new) dims dim1, dim2 of the result, which has one dim more (DiagEmbedBackward0)."""
    x = input._data
    ndim = x.ndim + 1
    d1, d2 = _two_dims(dim1, dim2, ndim)
    n = (x.shape[-1] if x.ndim else 1) + abs(offset)
    batch = iter(x.shape[:-1])
    shape = tuple(n if d in (d1, d2) else next(batch) for d in range(ndim))
    xp = xp_of(input)
    data = xp.zeros(shape, dtype=x.dtype)
    _diagonal_data(data, offset, d1, d2, xp)[...] = x
    return record(wrap(data), "DiagEmbedBackward0", (input,), lambda g: (g.diagonal(offset, d1, d2),))


def _without_part(g, part, name):
    """The gradient of the overwritten input: ``g`` with the written part zeroed (differentiably, by the
    same scatter, so that double backward works)."""
    zeros = wrap(xp_of(g).zeros(part(g._data).shape, dtype=g._data.dtype))
    return name(g, zeros)


@defop()
def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """A copy of ``input`` with its diagonal ``offset`` of dims dim1, dim2 replaced by ``src``, whose last
    dim runs along the diagonal as in :func:`diagonal` (DiagonalScatterBackward0)."""
    d1, d2 = _two_dims(dim1, dim2, input._data.ndim)
    part = _diagonal_part(offset, d1, d2, xp_of(input))
    return _scatter_into("diagonal_scatter", input, src, part, "DiagonalScatterBackward0", lambda g: (
        _without_part(g, part, lambda t, z: diagonal_scatter(t, z, offset, d1, d2)), g.diagonal(offset, d1, d2)))


@defop()
def select_scatter(input, src, dim, index):
    """A copy of ``input`` with the slice at ``index`` along dim replaced by ``src`` (which lacks that dim,
    as :func:`select`'s result does) (SelectScatterBackward0)."""
    d = _selected_dim(input._data.shape, dim, index)
    where = (slice(None),) * d + (int(index), Ellipsis)   # the Ellipsis keeps a 0-d part a view
    part = lambda data: data[where]   # noqa: E731  (a basic index: a writable view)
    return _scatter_into("select_scatter", input, src, part, "SelectScatterBackward0", lambda g: (
        _without_part(g, part, lambda t, z: select_scatter(t, z, d, index)), g.select(d, index)))


@defop()
def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """A copy of ``input`` with the slice ``start:end:step`` along dim replaced by ``src`` (of that slice's
    shape); start and end are clamped as Python's are (SliceScatterBackward0)."""
    shape = input._data.shape
    d = _dim(dim, len(shape))
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    where = (slice(None),) * d + (slice(start, end, step),)
    part = lambda data: data[where]   # noqa: E731
    return _scatter_into("slice_scatter", input, src, part, "SliceScatterBackward0", lambda g: (
        _without_part(g, part, lambda t, z: slice_scatter(t, z, d, start, end, step)), g[where]))
