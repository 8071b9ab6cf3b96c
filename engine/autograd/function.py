"""torch.autograd.Function: a user's own op, with a forward and the backward that goes with it.

A subclass defines ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)`` as
staticmethods and is called through ``apply``. ``apply`` runs forward with grad mode off,
then joins the graph through :func:`record`, with a node named as PyTorch names it: the
class's name with ``Backward`` appended (``ExpBackward``, of module
``torch.autograd.function``), whose vjp calls the user's backward.

The context. ``ctx`` is handed to both halves: ``ctx.save_for_backward(*tensors)`` keeps
tensors for backward, which reads them as ``ctx.saved_tensors``. What is saved becomes the
node's saved values (as ``record(..., saved=...)`` keeps them), so the version check and the
freeing after backward apply to them exactly as to a built-in op's (a second backward without
``retain_graph`` is PyTorch's error); the context itself holds them only while backward runs.
Other attributes a forward sets on ctx (``ctx.scale = 2``) stay on it, as in PyTorch.

Two styles of forward. ``forward(ctx, *args)`` sets up ctx itself; PyTorch 2's style is
``forward(*args)`` without ctx and a ``setup_context(ctx, inputs, output)`` staticmethod that
saves what backward needs. A Function that defines setup_context is called the second way.

In-place Functions. A forward that modifies an input and returns it says so with
``ctx.mark_dirty(tensor)``: apply then returns that very tensor, its version bumped, with the
Function's node as its history (the history an in-place op gives its tensor), and refuses a
leaf that requires grad as every in-place op does. An input returned without mark_dirty comes
back as a new tensor on the same data.
"""
from __future__ import annotations

import functools

from ..tensor import Tensor, wrap
from . import graph
from .grad_mode import no_grad, state
from .graph import Node, edge_of, needs_grad, record, save

__all__ = ["Function", "FunctionCtx", "once_differentiable"]

# Node classes are made once per name, in PyTorch's module (type(y.grad_fn) prints as PyTorch's).
_node_types: dict[tuple[str, bool], type] = {}


def _qualified_repr(node):
    """PyTorch prints a custom Function's node with its module: <torch.autograd.function.ExpBackward ...>."""
    return f"<torch.autograd.function.{type(node).__name__} object at {id(node):#x}>"


def _node_type(name, multi_output):
    cls = _node_types.get((name, multi_output))
    if cls is None:
        cls = type(name, (Node,), {"__slots__": (), "multi_output": multi_output,
                                   "__module__": "torch.autograd.function", "__repr__": _qualified_repr})
        _node_types[name, multi_output] = cls
    return cls


class FunctionCtx:
    """What forward and backward share: the tensors saved for backward, which inputs need a
    gradient, and any attribute forward sets."""

    def __init__(self, needs_input_grad):
        self.needs_input_grad = needs_input_grad
        self._to_save = ()              # what save_for_backward was given, until apply records it
        self._saved_tensors = None      # the saved values while backward runs
        self._materialize_grads = True
        self._saved_for_forward = ()    # what save_for_forward was given: jvp reads it as saved_tensors

    def save_for_backward(self, *tensors):
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument "
                                f"{tensors.index(t)} is of type {type(t).__name__}")
        self._to_save = tensors

    def save_for_forward(self, *tensors):
        """Tensors the Function's jvp (forward-mode AD) reads as ``ctx.saved_tensors``."""
        self._saved_for_forward = tensors

    @property
    def saved_tensors(self):
        if self._saved_tensors is None:
            return self._to_save
        return self._saved_tensors

    def set_materialize_grads(self, value):
        """With False, an output that got no gradient reaches backward as None, not zeros."""
        self._materialize_grads = bool(value)

    def mark_non_differentiable(self, *tensors):
        """Outputs that never require grad (integer results already do not)."""
        self._non_differentiable = tensors

    def mark_dirty(self, *tensors):
        """Inputs forward modified in place (and returns): they keep their identity and take the
        Function's node as their history."""
        self._dirty = tensors


class Function:
    """Base class of a custom autograd op: subclass it, define forward and backward as
    staticmethods, and call ``YourFunction.apply(*args)``."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @staticmethod
    def jvp(ctx, *grad_inputs):
        """Forward-mode AD: the outputs' tangents from the inputs' (inside a forward_ad dual level)."""
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it "
                                  "with forward mode AD.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        """PyTorch 2's style: forward(*args) takes no ctx, and this saves what backward needs."""
        raise NotImplementedError("setup_context is not implemented.")

    @classmethod
    def apply(cls, *args):
        level = graph.forward_mode
        tangents = _input_tangents(level, args)
        if tangents is None:
            return _apply(cls, args, None, None)
        level.busy = True      # the Function's jvp gives its outputs' tangents, not the ops it runs nor its record
        try:
            return _apply(cls, args, level, tangents)
        finally:
            level.busy = False


def _apply(cls, args, level, tangents):
    """Function.apply: forward (and, inside a forward_ad level, jvp), then the node joins the graph."""
    grad_on = state.enabled
    ctx = FunctionCtx(tuple(grad_on and isinstance(a, Tensor) and a.requires_grad for a in args))
    with no_grad():
        if cls.setup_context is Function.setup_context:
            result = cls.forward(ctx, *args)
        else:
            result = cls.forward(*args)
            cls.setup_context(ctx, args, result)
    if tangents is not None:
        _forward_tangents(cls, ctx, level, tangents, result)
    inputs = tuple(a for a in args if isinstance(a, Tensor))
    outputs = result if isinstance(result, tuple) else (result,)
    dirty = getattr(ctx, "_dirty", ())
    if dirty:
        _check_dirty(dirty, outputs, grad_on)
    # An input returned as it is comes back as a new tensor on the same data (PyTorch's rule),
    # so that recording the node never rewrites the input's own history; one marked dirty is
    # returned itself.
    outputs = tuple(o.detach() if isinstance(o, Tensor) and any(o is a for a in args)
                    and not any(o is d for d in dirty) else o for o in outputs)
    saved, ctx._to_save = ctx._to_save, ()
    if grad_on and needs_grad(*inputs):
        _join_graph(cls, ctx, args, inputs, outputs, saved)
    else:
        ctx._saved_tensors = saved
    if tangents is not None:
        _carry_tangents(level, result, outputs)
    return outputs if isinstance(result, tuple) else outputs[0]


def _input_tangents(level, args):
    """Inside a forward_ad dual level, the tangent of each argument as jvp receives it (zeros for a
    tensor without one, None for a non-tensor); None when no argument has a tangent."""
    if level is None:
        return None
    tangents = [level.tangent_of(a) if isinstance(a, Tensor) else None for a in args]
    if all(t is None for t in tangents):
        return None
    return tuple(wrap(a._data * 0) if t is None and isinstance(a, Tensor) else t for a, t in zip(args, tangents))


def _forward_tangents(cls, ctx, level, tangents, result):
    """The Function's jvp on the inputs' tangents (what save_for_forward kept is its saved_tensors);
    each output gets its tangent."""
    if cls.jvp is Function.jvp:
        Function.jvp(ctx)
    ctx._saved_tensors = ctx._saved_for_forward
    try:
        out_tangents = cls.jvp(ctx, *tangents)
    finally:
        ctx._saved_tensors = None
    outputs = result if isinstance(result, tuple) else (result,)
    out_tangents = out_tangents if isinstance(out_tangents, tuple) else (out_tangents,)
    for o, t in zip(outputs, out_tangents):
        if isinstance(o, Tensor) and isinstance(t, Tensor):
            level.set_tangent(o, t)


def _carry_tangents(level, result, outputs):
    """An output apply replaced (an input returned as it is comes back as a new tensor) keeps the
    tangent jvp gave it."""
    for before, after in zip(result if isinstance(result, tuple) else (result,), outputs):
        if after is not before and isinstance(before, Tensor):
            tangent = level.tangent_of(before)
            if tangent is not None:
                level.set_tangent(after, tangent)


def _check_dirty(dirty, outputs, grad_on):
    """PyTorch's checks of the tensors marked dirty, and their version bump (they were modified)."""
    for d in dirty:
        if not any(d is o for o in outputs):
            raise RuntimeError("Some elements marked as dirty during the forward method were not returned as "
                               "output. The inputs that are modified inplace must all be outputs of the Function.")
        if grad_on and d._requires_grad and d._grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
    for d in dirty:
        d._bump_version()


def _join_graph(cls, ctx, args, inputs, outputs, saved):
    """Give the differentiable tensor outputs the node that runs cls.backward: through
    record for one output; for several, one node shared by them (output_nr 0, 1, ...)."""
    name = cls.__name__ + "Backward"
    tensor_outputs = [o for o in outputs if isinstance(o, Tensor)]
    vjp = _vjp(cls, ctx, name, args, tensor_outputs)
    excluded = getattr(ctx, "_non_differentiable", ())
    if len(tensor_outputs) == 1:
        out = tensor_outputs[0]
        if not any(out is e for e in excluded):
            base = out._base
            record(out, name, inputs, vjp, saved=saved, node_class=_node_type(name, False))
            if base is not None and any(out is d for d in getattr(ctx, "_dirty", ())) and out is inputs[0]:
                from ..ops.views import rebase_view   # a view written in place: its base's history is CopySlices
                rebase_view(out, out._grad_fn)
        return
    meta = tuple((t._data.shape, t._data.dtype) if t.requires_grad else None for t in inputs)
    node = _node_type(name, True)(tuple(edge_of(t) for t in inputs), vjp, save(None, saved) if saved else None,
                                  meta)
    if saved and graph._saved_hooks:     # inside saved_tensors_hooks, as record packs
        node._saved = graph.pack(node._saved, None)
    for i, o in enumerate(tensor_outputs):
        if o._data.dtype.kind in "fc" and not any(o is e for e in excluded):
            o._grad_fn, o._requires_grad, o._output_nr = node, True, i
            if o._base is not None:
                o._view_version = o._vcounter[0]


def _vjp(cls, ctx, name, args, tensor_outputs):
    """The node's vjp: the user's backward on the outputs' gradients, checked as PyTorch checks
    it, returning one gradient per tensor input. Like every vjp it captures no tensor: the
    outputs' shapes and which arguments were tensors, not the tensors."""
    shapes = [(o._data.shape, o.dtype) for o in tensor_outputs]
    is_tensor = tuple(isinstance(a, Tensor) for a in args)
    multi_output = len(tensor_outputs) != 1

    def vjp(grads, *saved):
        if multi_output:
            grads = tuple(grads[i] if i in grads else _zeros_or_none(ctx, shape, dtype)
                          for i, (shape, dtype) in enumerate(shapes))
        else:
            grads = (grads,)
        ctx._saved_tensors = saved
        try:
            result = cls.backward(ctx, *grads)
        finally:
            ctx._saved_tensors = None
        return _gradients_of_inputs(name, result, is_tensor)
    return vjp


def _zeros_or_none(ctx, shape, dtype):
    if not ctx._materialize_grads:
        return None
    from ..ops.creation import zeros
    return zeros(shape, dtype=dtype)


def _gradients_of_inputs(name, result, is_tensor):
    """backward's result, one gradient per forward argument, as the gradients of the tensor
    arguments; PyTorch's errors for a wrong count or a gradient for a non-tensor."""
    grads = result if isinstance(result, tuple) else (result,)
    expected = len(is_tensor)
    if len(grads) != expected:
        if len(grads) > expected and all(g is None for g in grads[expected:]):
            grads = grads[:expected]       # PyTorch lets extra trailing Nones pass
        else:
            raise RuntimeError(f"function {name} returned an incorrect number of gradients "
                               f"(expected {expected}, got {len(grads)})")
    for i, (g, tensor) in enumerate(zip(grads, is_tensor)):
        if g is not None and not tensor:
            raise RuntimeError(f"function {name} returned a gradient different than None at position {i + 1}, "
                               "but the corresponding forward input was not a Variable")
    return tuple(g for g, tensor in zip(grads, is_tensor) if tensor)


def once_differentiable(backward):
    """Decorates a Function's backward that cannot itself be differentiated: it runs with grad
    mode off, and where a double backward would need it, the gradients it returns carry an
    ``Error`` node that raises PyTorch's error when reached (as PyTorch's DelayedError does)."""
    @functools.wraps(backward)
    def wrapper(ctx, *grad_outputs):
        with no_grad():
            outputs = backward(ctx, *grad_outputs)
        if not state.enabled or not any(isinstance(g, Tensor) and g.requires_grad for g in grad_outputs):
            return outputs
        if isinstance(outputs, tuple):
            return tuple(_delayed_error(o) for o in outputs)
        return _delayed_error(outputs)
    return wrapper


_TWICE = "trying to differentiate twice a function that was marked with @once_differentiable"


def _delayed_error(gradient):
    """``gradient`` with an Error node as history, whose backward raises."""
    if not isinstance(gradient, Tensor):
        return gradient
    leaf = gradient.detach().requires_grad_()

    def refuse(grad):
        raise RuntimeError(_TWICE)
    return record(wrap(leaf._data), "Error", (leaf,), refuse)
