"""In-place writes through views: ``x[i] = v``, and what an in-place op on a view does to the graph.

A view shares its base's storage and version counter. In PyTorch's graph:

* an in-place op on a view rewrites the *base's* history as a ``CopySlices`` node wrapping
  the op's node: the gradient of the written region goes through the op, the rest straight
  to the base's old history; the view's own history becomes ``AsStridedBackward0`` of the base;
* a view whose base (or a sibling view) was modified in place after the view's history was
  made gets a fresh ``AsStridedBackward0`` history the next time it is looked at;
* ``x[i] = v`` is a view of ``x`` followed by ``fill_`` (a scalar or 0-d value) or ``copy_``,
  or, for tensor and list indices, ``index_put_`` (IndexPutBackward0) on ``x`` itself.
"""
from __future__ import annotations

from ..autograd.grad_mode import state
from ..autograd.graph import FREED, Node, edge_of, node_type, record
from ..broadcasting import broadcasts_to, fit_gradient
from ..tensor import Tensor, wrap
from ._util import _type_name, check_inplace, inplace, is_scalar, xp_of
from .creation import tensor
from .shape import _convert_index, _is_mask, _split_index, _tensorize, getitem

__all__: list[str] = []


# -- the gradient of taking a view, and of writing into one --------------------------------------

def _scatter(g, view_fn, shape):
    """Zeros of ``shape`` holding ``g`` in the region ``view_fn`` selects (the gradient of a view)."""
    out = wrap(xp_of(g).zeros(shape, dtype=g._data.dtype))
    view_fn(out)._data[...] = g._data
    return record(out, "AsStridedScatterBackward0", (g,), lambda gg: (view_fn(gg),))


def _without_region(g, view_fn):
    """``g`` with the region ``view_fn`` selects zeroed (a product with a constant mask)."""
    mask = wrap(xp_of(g).ones(g._data.shape, dtype=g._data.dtype))
    view_fn(mask)._data[...] = 0
    return g * mask


class CopySlices(Node):
    """The base's history after an in-place op on one of its views (PyTorch's CopySlices).

    It takes over the in-place op's saved values; an output among them is the view's new value,
    so under create_graph its history is the view taken again from the base this node stands for
    (which it keeps, as the view's data keeps it anyway, until backward frees it).
    """
    __slots__ = ("_base_data", "_view_fn", "_op")

    def name(self):
        return "torch::autograd::CopySlices"

    @property
    def op_node(self):
        return self._op

    def with_history(self, stand_in):
        base = wrap(self._base_data)
        base._vcounter = stand_in._vcounter
        return self._view_fn(Node.with_history(self, base))

    def release(self):
        self._saved = FREED
        self._vjp = None
        self._base_data = self._op = None


def rebase_view(view, fn):
    """After the in-place op whose node is ``fn`` wrote into ``view``: the base's history becomes
    CopySlices(fn), and the view's an AsStridedBackward0 of the base."""
    base = view._base
    view_fn = view._view_fn
    fn_vjp, fn_meta = fn._vjp, fn._input_meta
    old_base = edge_of(base)
    base_shape = base._data.shape
    base_meta = (base_shape, base._data.dtype) if old_base[0] is not None else None

    def vjp(g, *saved):                  # saved: fn's saved values, which CopySlices takes over
        grads = fn_vjp(view_fn(g), *saved)   # fn's gradients: for the view's old values, then fn's other inputs
        inside = grads[0]
        outside = _without_region(g, view_fn)
        if inside is None or base_meta is None:
            return (outside,) + tuple(grads[1:])
        if inside._data.shape != fn_meta[0][0]:
            inside = fit_gradient(inside, fn_meta[0], fn, 0)
        return (outside + _scatter(inside, view_fn, base_shape),) + tuple(grads[1:])

    node = CopySlices((old_base,) + fn.next_functions[1:], vjp, fn._saved, (base_meta,) + fn_meta[1:])
    node._base_data, node._view_fn, node._op = base._data, view_fn, fn
    base._grad_fn = node
    base._requires_grad = True
    base._output_nr = 0
    _as_strided_history(view)


def _as_strided_history(view):
    """Give ``view`` a fresh history: AsStridedBackward0 of its base's current one."""
    base = view._base
    view_fn = view._view_fn
    shape, dtype = base._data.shape, base._data.dtype
    node = _AsStrided((edge_of(base),), lambda g: (_scatter(g, view_fn, shape),), None, ((shape, dtype),))
    view._grad_fn = node
    view._requires_grad = True
    view._output_nr = 0
    view._view_version = view._vcounter[0]
    return node


_AsStrided = node_type("AsStridedBackward0")


def view_grad_fn(view):
    """A view's grad_fn, remade from its base when the base was modified in place since it was made."""
    if view._view_version == view._vcounter[0]:
        return view._grad_fn
    base = view._base
    if base._grad_fn is None and view._grad_fn is None:
        view._view_version = view._vcounter[0]   # nothing to remake: the base has no history
        return None
    return _as_strided_history(view)


# -- in-place writes -----------------------------------------------------------------------------

def _index_put(dst, np_index, value):
    """dst with ``value`` written at the advanced index ``np_index`` (IndexPutBackward0)."""
    data = dst._data.copy()
    data[np_index] = value._data
    untouched = xp_of(dst).ones(data.shape, dtype=data.dtype)
    untouched[np_index] = 0
    return record(wrap(data), "IndexPutBackward0", (dst, value), lambda g, untouched, index: (g * untouched, g[index]),
                  saved=(wrap(untouched), _tensorize(np_index)))


def setitem(self, index, value):
    """self[index] = value, in place, as PyTorch records it.

    PyTorch applies an index in two steps: its basic parts (ints, slices, None) as a view of
    self, then its advanced parts (index tensors and lists) with index_put_ on that view. Basic
    parts that keep every element (``:``, ``0:n``, ``...``) are skipped, so the write lands on
    self itself; otherwise on the view, which records CopySlices on self. Without advanced parts
    the write is fill_ (a number or 0-d value) or copy_. Without a graph to record, the value is
    simply written.
    """
    if not isinstance(value, Tensor):
        if not is_scalar(value):
            raise TypeError(f"can't assign a {type(value).__name__} to a torch.{self.dtype.legacy_name}")
        value = tensor(value, dtype=self.dtype, device=self.device)   # as PyTorch wraps a number
    np_index, advanced = _convert_index(index, self._data.shape, xp_of(self))
    recording = state.enabled and (self.requires_grad or value._requires_grad)
    if advanced and not any(p.__class__ is bool for p in np_index):
        basic, rest, whole = _split_index(np_index, self._data.shape)
        _put(self if whole else getitem(self, basic), rest, value, recording)
        return
    whole = not advanced and _keeps_all(np_index, self._data.shape)
    target = self if whole else getitem(self, index) if recording else None
    shape = self._data[np_index].shape if target is None else target._data.shape
    if value._data.ndim:
        value = _value_for(value, shape)
    if recording:
        target.fill_(value) if value._data.ndim == 0 else target.copy_(value)
        return
    check_inplace(self)
    self._data[np_index] = value._data
    self._bump_version()


def _put(target, np_index, value, recording):
    """index_put_ of ``value`` into ``target`` at the advanced index ``np_index``, with PyTorch's checks."""
    value = _without_leading_ones(value)
    shape = target._data[np_index].shape
    if not broadcasts_to(value._data.shape, shape):
        raise RuntimeError(f"shape mismatch: value tensor of shape [{', '.join(map(str, value._data.shape))}] "
                           f"cannot be broadcast to indexing result of shape [{', '.join(map(str, shape))}]")
    if value._data.dtype != target._data.dtype and not _fills_mask(np_index, value):
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{_type_name(target.dtype)} for the destination and {_type_name(value.dtype)} for "
                           "the source.")
    if recording:
        inplace(target, _index_put, np_index, value)
        return
    check_inplace(target)
    target._data[np_index] = value._data
    target._bump_version()


def _keeps_all(np_index, shape):
    """A basic index whose every part is skipped (``x[:]``, ``x[...]``, ``x[0:n]``)."""
    if any(p is None or not isinstance(p, slice) and p is not Ellipsis for p in np_index):
        return False
    return _split_index(np_index, shape)[2]


def _fills_mask(np_index, value):
    """PyTorch's index_put_ becomes masked_fill_ (which casts the value) for a one-element value
    and a single bool mask (a 0-d bool index is turned into integers first, and is not one)."""
    arrays = [p for p in np_index if hasattr(p, "dtype")]
    return value._data.size == 1 and len(arrays) == 1 and _is_mask(arrays[0])


def _without_leading_ones(value):
    """``value`` without its leading size-1 dims, as PyTorch's indexing assignment takes it."""
    shape = value._data.shape
    lead = 0
    while lead < len(shape) and shape[lead] == 1:
        lead += 1
    return value.reshape(shape[lead:]) if lead else value


def _value_for(value, shape):
    """``value`` broadcast to ``shape`` as PyTorch's indexing assignment does: leading size-1 dims
    dropped, then expand (with its errors)."""
    lead = 0
    while value._data.ndim - lead > len(shape) and value._data.shape[lead] == 1:
        lead += 1
    if lead:
        value = value.reshape(value._data.shape[lead:])
    return value if value._data.shape == shape else value.expand(*shape)


Tensor.__setitem__ = setitem
Tensor._view_history = staticmethod(view_grad_fn)
Tensor._rebase_view = staticmethod(rebase_view)
