"""torch.autograd.forward_ad: forward-mode automatic differentiation with dual tensors.

Inside ``with dual_level():``, ``make_dual(primal, tangent)`` makes a dual tensor: a view of
the primal carrying a tangent (a direction). Every op on dual tensors gives its output the
tangent J t (the op's Jacobian times the inputs' tangents), which ``unpack_dual`` reads back;
leaving the level drops every tangent, as PyTorch does.

How the tangent of an op's output is found. Every op joins the autograd graph through
``graph.record`` with its vjp (u -> J^T u, one gradient per input). That map is linear in u,
so the derivative of <vjp(u), t> with respect to u is J t: record hands the op to this module
(one check of ``graph.forward_mode`` when no level is open), which runs the vjp on a u that
requires grad and differentiates (the double-vjp trick). One rule covers every op whose vjp is
itself differentiable, which is what create_graph already asks of every op. A gradient that does
not depend on u (a piecewise constant op's zeros) contributes nothing, as it should.

Only one level at a time (PyTorch's "Nested forward mode AD is not supported"). Tangents are
kept in a table by tensor, not on the tensor (no Tensor slot, no cost outside a level). Tangents
are computed without history: differentiating a tangent in reverse mode is not offered.
"""
from __future__ import annotations

import weakref
from collections import namedtuple

from ..tensor import Tensor, wrap
from . import graph
from .grad_mode import enable_grad

__all__ = ["dual_level", "enter_dual_level", "exit_dual_level", "make_dual", "unpack_dual", "UnpackedDualTensor"]

UnpackedDualTensor = namedtuple("UnpackedDualTensor", ["primal", "tangent"])
UnpackedDualTensor.__module__ = "torch.autograd.forward_ad"
UnpackedDualTensor.__doc__ = "What unpack_dual returns: the primal (a view of the tensor) and its tangent (or None)."


class _Level:
    """The open dual level: each dual tensor's tangent, by the tensor's id (the weak reference
    tells a live tensor from a new one that reuses the id)."""

    def __init__(self):
        self.tangents: dict[int, tuple[weakref.ref, Tensor]] = {}
        self.busy = False     # computing a tangent: the ops that does runs must not compute theirs

    def tangent_of(self, t):
        entry = self.tangents.get(id(t))
        if entry is not None and entry[0]() is t:
            return entry[1]
        return None

    def set_tangent(self, t, tangent):
        key = id(t)
        self.tangents[key] = (weakref.ref(t, lambda _, key=key: self.tangents.pop(key, None)), tangent)

    def record(self, out, inputs, vjp, saved):
        """graph.record's call for every op: give ``out`` the tangent J t when an input has one."""
        self._give_tangents(((out, vjp),), inputs, saved)

    def record_outputs(self, outputs, inputs, vjp, saved, constant):
        """graph.record_outputs' call: each output i, J_i t, from the vjp handed a gradient for it alone."""
        self._give_tangents([(out, lambda u, *s, i=i: vjp({i: u}, *s)) for i, out in enumerate(outputs)
                             if i not in constant], inputs, saved)

    def _give_tangents(self, outputs, inputs, saved):
        """Each floating output of (output, its vjp) its tangent J t, where an input has a tangent."""
        if self.busy:
            return
        tangents = [None if t is None else self.tangent_of(t) for t in inputs]
        if all(t is None for t in tangents):
            return
        self.busy = True
        try:
            for out, vjp in outputs:
                if out._data.dtype.kind in "fc":
                    self.set_tangent(out, _jacobian_times(out, tangents, vjp, saved))
        finally:
            self.busy = False

    def alias(self, alias, t):
        """An in-place op reads ``t`` through ``alias``: the alias has t's tangent."""
        tangent = self.tangent_of(t)
        if tangent is not None:
            self.set_tangent(alias, tangent)

    def written(self, t, result):
        """An in-place op wrote ``result`` into ``t``: t's tangent is now result's."""
        tangent = self.tangent_of(result)
        if tangent is not None:
            self.set_tangent(t, tangent.to(t.dtype))


def _jacobian_times(out, tangents, vjp, saved):
    """J t for the op whose vjp is ``vjp``: d/du of sum_i <vjp(u)_i, t_i>, a linear map's transpose."""
    from .gradients import grad
    u = wrap(out._data * 0).requires_grad_()
    values = [out.detach() if s is out else s.detach() if isinstance(s, Tensor) else s for s in saved]
    with enable_grad():
        grads = vjp(u, *values)
        total = None
        for g, t in zip(grads, tangents):
            if g is None or t is None or not g.requires_grad:
                continue
            term = (g * t).sum()
            total = term if total is None else total + term
        if total is None:
            return wrap(out._data * 0)
        (result,) = grad(total, u)
    return result.detach().to(out.dtype)


_level: _Level | None = None
_NO_LEVEL = ("Trying to create a dual Tensor for forward AD but no level exists, make sure to "
             "enter_dual_level() first.")


def enter_dual_level():
    """Open the dual level (PyTorch allows one at a time) and return its number, 0."""
    global _level
    if _level is not None:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _level = _Level()
    graph.forward_mode = _level
    _printed_tangents(_level.tangent_of)
    return 0


def exit_dual_level(*, level=None):
    """Close the dual level: every tangent made in it is dropped."""
    global _level
    _level = None
    graph.forward_mode = None
    _printed_tangents(None)


def _printed_tangents(tangent_of):
    from .. import printing   # a dual tensor prints its tangent, as PyTorch's does
    printing.tangent_of = tangent_of


class dual_level:
    """Context manager for forward AD: ``with dual_level(): ...`` makes dual tensors possible
    inside, and drops their tangents on the way out."""

    __module__ = "torch.autograd.forward_ad"

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, *exc):
        exit_dual_level()


def _check_floating(what, t):
    if t._data.dtype.kind not in "fc":
        raise ValueError(f"Expected {what} to be floating point or complex, but got: {t.dtype}")


def make_dual(tensor, tangent, *, level=None):
    """A view of ``tensor`` whose tangent (forward gradient) is ``tangent``."""
    if _level is None:
        raise RuntimeError(_NO_LEVEL)
    _check_floating("primal", tensor)
    _check_floating("tangent", tangent)
    if tuple(tangent.shape) != tuple(tensor.shape):
        raise RuntimeError("Trying to set a forward gradient that has a different size than that of the original "
                           f"Tensor, this is not supported. Tensor is of size {list(tensor.shape)} while the given "
                           f"forward gradient is of size {list(tangent.shape)}.")
    _level.busy = True
    try:
        dual = tensor.view(tensor.shape)
    finally:
        _level.busy = False
    _level.set_tangent(dual, tangent)
    return dual


def unpack_dual(tensor, *, level=None):
    """(primal, tangent): a view of ``tensor`` without tangent, and its tangent (None outside a level
    or for a tensor that has none)."""
    if _level is None:
        return UnpackedDualTensor(tensor, None)
    tangent = _level.tangent_of(tensor)
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    _level.busy = True
    try:
        primal = tensor.view(tensor.shape)
    finally:
        _level.busy = False
    return UnpackedDualTensor(primal, tangent)
