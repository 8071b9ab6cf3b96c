"""The autograd graph: nodes named as PyTorch names them, and how an op joins the graph.

An op computes its output array, then calls :func:`record` with the inputs
and a ``vjp`` closure (output gradient -> one gradient per input). When grad
mode is on and an input requires grad, the output gets a ``grad_fn`` node
whose ``next_functions`` point at the inputs' nodes, as in PyTorch.
"""
from __future__ import annotations

import weakref

from .grad_mode import state

__all__ = ["Node", "AccumulateGrad", "node_type", "record", "edge_of"]


class Node:
    """A backward function. Subclasses are named after PyTorch's (``MulBackward0``)."""

    __slots__ = ("next_functions", "_vjp", "_saved", "_input_meta", "_hooks", "_pre_hooks",
                 "_released", "metadata", "__weakref__")

    def __init__(self, next_functions, vjp, saved, input_meta):
        self.next_functions = next_functions
        self._vjp = vjp
        self._saved = saved          # ((tensor or None for the output, counter, version, shape, dtype), ...)
        self._input_meta = input_meta  # per input: (shape, dtype) or None when it needs no grad
        self._hooks = None
        self._pre_hooks = None
        self._released = False
        self.metadata = {}

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self):
        return f"<{type(self).__name__} object at {id(self):#x}>"

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) called after this node runs; may return new grad_inputs."""
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(fn)
        return _RemovableHandle(self._hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) called before this node runs; may return new grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._pre_hooks.append(fn)
        return _RemovableHandle(self._pre_hooks, fn)

    def release(self):
        """Drop what backward saved (PyTorch frees buffers once backward has run)."""
        if self._saved is not None:
            self._released = True
        self._vjp = None
        self._saved = None


class AccumulateGrad(Node):
    """The node behind a leaf that requires grad: adds the arriving gradient to ``leaf.grad``."""

    __slots__ = ("_variable",)

    def __init__(self, leaf):
        super().__init__((), None, None, ((tuple(leaf._data.shape), leaf.dtype),))
        self._variable = weakref.ref(leaf)

    @property
    def variable(self):
        return self._variable()

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"


_node_types: dict[str, type] = {}


def node_type(name: str) -> type:
    """The Node subclass called ``name``, made once (so ``type(t.grad_fn).__name__`` is PyTorch's)."""
    cls = _node_types.get(name)
    if cls is None:
        cls = _node_types[name] = type(name, (Node,), {"__slots__": ()})
    return cls


def edge_of(t):
    """The (node, output_nr) a gradient for tensor ``t`` flows to, as in ``next_functions``."""
    if t.grad_fn is not None:
        return (t.grad_fn, t._output_nr)
    if t._requires_grad:
        acc = t._grad_accumulator
        if acc is None:
            acc = t._grad_accumulator = AccumulateGrad(t)
        return (acc, 0)
    return (None, 0)


def needs_grad(*inputs) -> bool:
    """Grad mode is on and some tensor input requires grad."""
    if not state.enabled:
        return False
    for t in inputs:
        if t is not None and t._requires_grad:
            return True
    return False


def record(out, name, inputs, vjp, saved=None):
    """Attach a ``name`` node to ``out`` if an input requires grad; returns ``out``.

    inputs: the op's tensor inputs in schema order (None for a Python scalar, so that
    next_functions shows ``(None, 0)`` as PyTorch does). vjp(grad) returns one
    gradient per input (None where there is none). saved: the tensors vjp reads, whose
    in-place modification before backward is an error.
    """
    if not state.enabled:
        return out
    for t in inputs:
        if t is not None and t._requires_grad:
            break
    else:
        return out
    edges = []
    meta = []
    for t in inputs:
        if t is None:
            edges.append((None, 0))
            meta.append(None)
        else:
            edges.append(edge_of(t))
            meta.append((t._data.shape, t.dtype) if t._requires_grad else None)
    # A saved input is kept itself (its grad_fn names it in the version error); the
    # saved output is kept only by its counter, so out -> grad_fn -> out is no cycle.
    if saved is not None:
        saved = tuple((None if s is out else s, s._vcounter, s._vcounter[0], s._data.shape, s.dtype)
                      for s in saved if hasattr(s, "_vcounter"))
    node = node_type(name)(tuple(edges), vjp, saved, tuple(meta))
    out.grad_fn = node
    out._requires_grad = True
    return out


class _RemovableHandle:
    __slots__ = ("_hooks", "_fn")

    def __init__(self, hooks, fn):
        self._hooks, self._fn = hooks, fn

    def remove(self):
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)
