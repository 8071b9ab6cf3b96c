"""In-place writes through indexing and views: ``x[i] = v`` and ``view.add_(1)``.

When the written tensor is part of a graph, its history (and its base's, for a view)
becomes a CopySlices node, as in PyTorch: the gradient of the overwritten region goes
to the new values, the rest to the old tensor.
"""
from __future__ import annotations

from ..autograd.grad_mode import state
from ..autograd.graph import Node, edge_of
from ..tensor import Tensor
from ._util import check_inplace, xp_of
from .shape import _convert_index, _tensorize

__all__: list[str] = []


def setitem(self, index, value):
    """self[index] = value, in place: PyTorch's CopySlices for tensors in a graph."""
    check_inplace(self)
    xp = xp_of(self)
    np_index, advanced = _convert_index(index, self._data.shape, xp)
    val = value._data if isinstance(value, Tensor) else value
    if isinstance(value, Tensor) and value._data.dtype != self._data.dtype:
        val = val.astype(self._data.dtype)
    recording = state.enabled and (self._requires_grad or (isinstance(value, Tensor) and value._requires_grad))
    if not recording:
        self._data[np_index] = val
        self._bump_version()
        return
    old = edge_of(self)
    vshape = self._data[np_index].shape
    self._data[np_index] = val
    self._bump_version()
    value_t = value if isinstance(value, Tensor) else None

    def vjp(g):
        rest = g.clone()
        rest._data[np_index] = 0
        part = g[_tensorize(np_index)] if value_t is not None else None
        if part is not None and part.shape != value_t.shape:
            from .reduction import sum_to
            part = sum_to(part, value_t.shape)
        return (rest, part)

    node = CopySlices((old, edge_of(value_t) if value_t is not None else (None, 0)), vjp, (),
                          ((self._data.shape, self.dtype),
                           (value_t._data.shape, value_t.dtype) if value_t is not None and value_t._requires_grad else None))
    _retarget(self, node)


class CopySlices(Node):
    __slots__ = ()

    def name(self):
        return "torch::autograd::CopySlices"


def _retarget(t, node):
    """Make ``node`` the history of ``t`` (and of its base, when ``t`` is a view)."""
    base = t._base
    if base is None:
        t.grad_fn = node
        t._requires_grad = True
        t._output_nr = 0
        return
    base.grad_fn = node
    base._requires_grad = True
    base._output_nr = 0
    view_fn = t._view_fn
    with_grad = state.enabled
    state.enabled = True
    try:
        fresh = view_fn(base)
    finally:
        state.enabled = with_grad
    t.grad_fn = fresh.grad_fn
    t._requires_grad = True
    t._output_nr = 0


def rebase_view(view):
    """After an in-place op on a view: the base's history becomes CopySlices over the op."""
    base = view._base
    op_node = view.grad_fn
    old_base = edge_of(base) if (base.grad_fn is not None or base._requires_grad) else (None, 0)
    probe = view._view_fn

    def vjp(g):
        rest = g.clone()
        region = probe(rest)
        part = region.clone()
        region._data[...] = 0
        return (rest, part)

    node = CopySlices((old_base, (op_node, 0)), vjp, (),
                      ((base._data.shape, base.dtype) if old_base[0] is not None else None,
                       (view._data.shape, view.dtype)))
    _retarget(view, node)


Tensor.__setitem__ = setitem
