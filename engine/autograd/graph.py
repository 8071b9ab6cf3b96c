"""The autograd graph: nodes named as PyTorch names them, and how an op joins the graph.

An op computes its output array, then calls :func:`record` with the inputs
and a ``vjp`` closure (output gradient -> one gradient per input). When grad
mode is on and an input requires grad, the output gets a ``grad_fn`` node
whose ``next_functions`` point at the inputs' nodes, as in PyTorch.

Saved values. ``record(..., saved=(a, b))`` declares what the vjp reads, and backward
passes exactly those values to it: ``vjp(grad, a, b)`` (as HIPS autograd passes ``ans``). A
vjp closure captures only light, immutable facts (shapes, dtypes, dims, Python scalars, flags),
never a tensor or an array, so what a node keeps is what it declared. A saved tensor is
remembered with its version counter and the version it had, so that backward can refuse to run
on a tensor modified in place since (PyTorch's SavedVariable); a saved number is a constant. The
op's own output is kept as its data and version counter only: a stand-in tensor is made at
backward time, since holding the output would close the loop out -> grad_fn -> out.
Backward frees a node's saved values once the node has run, unless the graph is retained;
running such a node again is PyTorch's "backward through the graph a second time" error. A node
that saved nothing keeps its vjp and can run again. Save exactly what PyTorch saves; then a
second backward fails where PyTorch's does (tests/engine/test_node_lifetime.py checks both).

Inside ``saved_tensors_hooks(pack, unpack)`` record replaces each saved tensor by what ``pack``
makes of it (PackedRecords), and backward unpacks them. While a forward_ad dual level is open,
record also hands every op to it (``forward_mode``), which gives the output its tangent.
Outside both, each costs record one check of an empty list or of None.
"""
from __future__ import annotations

import weakref

import numpy as np

from .grad_mode import state

__all__ = ["Node", "AccumulateGrad", "node_type", "multi_output_node_type", "record", "record_checked", "record_outputs", "save", "edge_of", "needs_grad", "FREED", "CONSTANT",
           "wants_gradient", "saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks", "PackedRecords"]

_FLOAT32 = np.dtype(np.float32)   # the commonest result: record's float check compares it by identity first

# What a released node's ``_saved`` becomes: it had saved tensors, and they are gone.
FREED = ("freed",)


class Node:
    """A backward function. Subclasses are named after PyTorch's (``MulBackward0``)."""

    __slots__ = ("next_functions", "_vjp", "_saved", "_input_meta", "_hooks", "_before", "_metadata",
                 "_on_arrays", "__weakref__")

    __module__ = "torch.autograd.graph"     # as PyTorch's: isinstance(y.grad_fn, torch.autograd.graph.Node)
    multi_output = False   # True for a node behind several outputs: its vjp takes {output_nr: grad}

    def __init__(self, next_functions, vjp, saved, input_meta, on_arrays=False):
        self.next_functions = next_functions
        self._vjp = vjp
        self._saved = saved            # None, or the saved-value records (see save), in the vjp's order
        self._input_meta = input_meta  # per input: (shape, NumPy dtype) or None when it needs no grad
        self._hooks = None             # fn(grad_inputs, grad_outputs), after the node runs
        self._before = None            # PreHooks: what runs before it (one check when there are none)
        self._on_arrays = on_arrays    # the vjp also runs on raw arrays (see record's on_arrays)

    def name(self) -> str:
        return type(self).__name__

    @property
    def op_node(self):
        """The node of the op whose values it saved: itself (CopySlices names the in-place op's)."""
        return self

    def with_history(self, stand_in):
        """The stand-in for this node's saved output, given its history for create_graph: the
        node itself, so that gradients depend on the output as in PyTorch."""
        stand_in._grad_fn = self
        stand_in._requires_grad = True
        return stand_in

    def __repr__(self):
        return f"<{type(self).__name__} object at {id(self):#x}>"

    @property
    def metadata(self) -> dict:
        try:
            return self._metadata
        except AttributeError:
            self._metadata = {}
            return self._metadata

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) called after this node runs; may return new grad_inputs."""
        if self._hooks is None:
            self._hooks = []
        return RemovableHandle(self._hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) called before this node runs; may return new grad_outputs."""
        return RemovableHandle(self.before().node, fn)

    def before(self) -> PreHooks:
        if self._before is None:
            self._before = PreHooks()
        return self._before

    def release(self):
        """Drop what backward saved (PyTorch frees saved tensors once backward has run)."""
        if self._saved:
            self._saved = FREED
            self._vjp = None


class AccumulateGrad(Node):
    """The node behind a leaf that requires grad: adds the arriving gradient to ``leaf.grad``."""

    __slots__ = ("_variable", "post_accumulate_hooks", "_described", "_description")
    __module__ = "builtins"     # type(...) prints as PyTorch's: <class 'AccumulateGrad'>

    def __init__(self, leaf):
        # The metadata each node recorded over the leaf takes, made once per array of the leaf (an
        # array's shape and dtype never change; `.data = ...` gives the leaf another). The node holds
        # that array, as PyTorch's AccumulateGrad holds its leaf; it holds nothing that holds it.
        self._described = None
        super().__init__((), None, None, (self.input_metadata(leaf._data),))
        self._variable = weakref.ref(leaf)
        self.post_accumulate_hooks = []   # fn(leaf) after backward wrote leaf.grad (register_post_accumulate_grad_hook)

    def input_metadata(self, data):
        """(shape, NumPy dtype) of the leaf's array ``data``, for a node recorded over the leaf."""
        if data is not self._described:
            self._described, self._description = data, (data.shape, data.dtype)
        return self._description

    @property
    def variable(self):
        return self._variable()

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"


_node_types: dict[str, type] = {}


# Nodes PyTorch defines in C++ by hand report a namespaced name()
_CPP_NODES = {"CopyBackwards", "CopySlices", "AccumulateGrad", "Error"}


def node_type(name: str) -> type:
    """The Node subclass called ``name``, made once (so ``type(t.grad_fn).__name__`` is PyTorch's)."""
    cls = _node_types.get(name)
    if cls is None:
        body = {"__slots__": (), "__module__": "builtins"}    # type(y.grad_fn) prints <class 'MulBackward0'>
        if name in _CPP_NODES:
            qualified = "torch::autograd::" + name
            body["name"] = lambda self: qualified
        cls = _node_types[name] = type(name, (Node,), body)
    return cls


_multi_output_types: dict[str, type] = {}


def multi_output_node_type(name: str) -> type:
    """The Node subclass called ``name`` for ops with several outputs (split, svd, aminmax ...):
    its vjp takes ({output_nr: grad}, *saved)."""
    cls = _multi_output_types.get(name)
    if cls is None:
        cls = _multi_output_types[name] = type(name, (Node,), {"__slots__": (), "multi_output": True})
    return cls


_NO_EDGE = (None, 0)


def edge_of(t):
    """The (node, output_nr) a gradient for tensor ``t`` flows to, as in ``next_functions``."""
    fn = t.grad_fn if t._base is not None else t._grad_fn   # a view's history may need refreshing
    if fn is not None:
        return (fn, t._output_nr)
    if t._requires_grad:
        acc = t._grad_accumulator
        if acc is None:
            acc = t._grad_accumulator = AccumulateGrad(t)
        return (acc, 0)
    return _NO_EDGE


def wants_gradient(t) -> bool:
    """``t`` requires grad, or has a forward_ad tangent: an op whose vjp skips the gradients of
    inputs that need none asks this, so that forward mode gets them too."""
    return t._requires_grad or (forward_mode is not None and forward_mode.tangent_of(t) is not None)


def needs_grad(*inputs) -> bool:
    """Grad mode is on and some tensor input requires grad."""
    if not state.enabled:
        return False
    for t in inputs:
        if t is not None and t._requires_grad:
            return True
    return False


# The open forward_ad dual level (engine.autograd.forward_ad sets it), or None: record hands it
# every op, so that dual tensors' tangents flow through the same vjps backward uses.
forward_mode = None


def record(out, name, inputs, vjp, saved=(), node_class=None, holomorphic=True,
           on_arrays=False):
    """Attach a ``name`` node to ``out`` if an input requires grad; returns ``out``.

    inputs: the op's tensor inputs in schema order (None for a Python scalar, so that
    next_functions shows ``(None, 0)`` as PyTorch does). saved: the values the vjp reads
    (tensors, ``out`` itself, numbers, None), kept in that order. vjp(grad, *saved) returns one
    gradient per input (None where there is none); a multi-output node's vjp takes
    ({output_nr: grad}, *saved). A saved tensor modified in place before backward is an error.
    node_class: the node's class where it is not the op's own ``node_type(name)`` (a custom
    Function's node is made in torch.autograd.function).

    Complex numbers. PyTorch's gradient of a holomorphic f is ``g * conj(f'(z))``. A vjp written
    for real numbers (``g * other``, ``g * result``) computes f' from its saved values with
    real-coefficient functions, for which ``f'(conj z) = conj(f'(z))``: handed the conjugates of
    its complex saved values, it gives PyTorch's answer, and so it is (see :func:`_conjugating`).
    ``holomorphic=False`` marks the ops that are not (abs, angle, real, polar ...): their vjps
    are written for complex numbers and read the saved values as they are.

    on_arrays: the vjp is written with what ndarrays and Tensors both do (operators, and the
    ``_util`` helpers that dispatch on the type), and gives the same numbers on either: then a
    backward that builds no graph (create_graph=False) hands it raw arrays, for its gradient and
    its saved values, and gets arrays back, without a Tensor made per step. Declare it only
    where the inputs' dtypes equal the result's, so that NumPy's promotion cannot differ from PyTorch's.
    """
    if forward_mode is not None:    # a forward_ad dual level is open: out gets its tangent
        forward_mode.record(out, inputs, vjp, saved)
    if not state.enabled:
        return out
    for t in inputs:
        if t is not None and t._requires_grad:
            break
    else:
        return out
    dtype = out._data.dtype
    if dtype is not _FLOAT32 and dtype.kind not in "fc":   # integer and bool results never require grad
        return out
    edges, meta = _edges_and_meta(inputs)
    cls = node_class or _node_types.get(name) or node_type(name)
    entries = save(out, saved) if saved else None
    if holomorphic and entries and dtype.kind == "c" and _any_complex(entries):   # C -> R is never holomorphic
        vjp = _conjugating(vjp)
    node = cls(edges, vjp, entries, meta, on_arrays)
    out._grad_fn = node
    out._requires_grad = True
    if out._base is not None:
        out._view_version = out._vcounter[0]
    if _saved_hooks and saved:     # inside saved_tensors_hooks (the list is empty otherwise)
        node._saved = pack(node._saved, out)
    return out


def record_checked(out, node_class, inputs, vjp, on_arrays, saved=()):
    """record for a caller that has made record's checks itself (the operator fast paths): grad
    mode is on, no forward_ad level is open, an input requires grad and ``out`` is a new real
    floating tensor (not a view). Makes ``out``'s ``node_class`` node, with the ``saved`` values
    as record keeps them; returns ``out``."""
    edges, meta = _edges_and_meta(inputs)
    if not saved:
        out._grad_fn = node_class(edges, vjp, None, meta, on_arrays)
        out._requires_grad = True
        return out
    node = out._grad_fn = node_class(edges, vjp, save(out, saved), meta, on_arrays)
    out._requires_grad = True
    if _saved_hooks:     # inside saved_tensors_hooks (the list is empty otherwise)
        node._saved = pack(node._saved, out)
    return out


def _edges_and_meta(inputs):
    """A node's next_functions, an edge per input, and its input metadata: (shape, NumPy dtype) for
    an input that requires grad, None for the others (a Python scalar's None among them)."""
    edges = []
    meta = []
    for t in inputs:
        if t is None:
            edges.append(_NO_EDGE)
            meta.append(None)
            continue
        if t._base is not None:   # a view's history may need refreshing: edge_of's
            edges.append(edge_of(t))
        elif t._grad_fn is not None:
            edges.append((t._grad_fn, t._output_nr))
        elif t._requires_grad:    # a leaf: its AccumulateGrad, made on its first use, keeps its metadata
            acc = t._grad_accumulator or edge_of(t)[0]
            edges.append((acc, 0))
            meta.append(acc.input_metadata(t._data))
            continue
        else:
            edges.append(_NO_EDGE)
        if t._requires_grad:
            data = t._data
            meta.append((data.shape, data.dtype))
        else:
            meta.append(None)
    return tuple(edges), tuple(meta)


def record_outputs(outputs, name, inputs, vjp, saved=(), constant=()):
    """record's form for an op with several ``outputs``: one shared ``name`` node over ``inputs``,
    whose vjp takes ({output_nr: grad}, *saved) and returns one gradient per input. Of the
    outputs, saved may hold the first (its stand-in at backward time is output 0 of the node).
    The outputs at the indices ``constant`` keep their place (their output_nr) but never require
    grad (linalg.lu's P), nor do integer ones (max's indices)."""
    if forward_mode is not None:
        forward_mode.record_outputs(outputs, inputs, vjp, saved, constant)
    if not needs_grad(*inputs):
        return
    meta = tuple((t._data.shape, t._data.dtype) if t is not None and t._requires_grad else None
                 for t in inputs)
    node = multi_output_node_type(name)(tuple(_NO_EDGE if t is None else edge_of(t) for t in inputs), vjp,
                                        save(outputs[0], saved) if saved else None, meta)
    for i, t in enumerate(outputs):
        if t._data.dtype.kind in "fc" and i not in constant:
            t._grad_fn, t._requires_grad, t._output_nr = node, True, i
    if _saved_hooks and saved:
        node._saved = pack(node._saved, outputs[0])


def _any_complex(entries):
    """Whether a saved value is a complex tensor or a complex number."""
    for value, _, _, data in entries:
        if (data is not None and data.dtype.kind == "c") or value.__class__ is complex:
            return True
    return False


def _conjugating(vjp):
    """``vjp`` handed the conjugates of its complex saved values (record explains why)."""
    def conjugated(grad, *saved):
        return vjp(grad, *(_conj(value) for value in saved))
    return conjugated


def _conj(value):
    if value.__class__ is complex:
        return value.conjugate()
    data = getattr(value, "_data", value)   # a Tensor, or a raw array in a backward on arrays
    if getattr(data, "dtype", None) is not None and data.dtype.kind == "c":
        return value.conj()   # a Tensor's through the op (engine/ops/complex.py): create_graph records it
    return value


def save(out, saved):
    """The records of the ``saved`` values, in order: (value, version counter, version, data).

    A tensor is kept with the version it had. The output is kept as (None, its counter, version,
    its data): the node stands for it (PyTorch names the node in the version error), and backward
    makes a stand-in from the data. Anything else (a number: ``x * 2`` saves the 2, as PyTorch
    does; None) is a constant whose counter, CONSTANT, never moves.
    """
    entries = []
    for s in saved:
        counter = getattr(s, "_vcounter", None)   # a tensor's; None for a number or None
        if counter is None:
            entries.append((s, CONSTANT, 0, None))
        elif counter.__class__ is not list:   # an inference tensor's (record runs only outside inference mode)
            raise RuntimeError(_SAVED_INFERENCE)
        else:
            entries.append((None if s is out else s, counter, counter[0], s._data))
    return tuple(entries)


CONSTANT = [0]   # the version counter of every saved constant: nothing bumps it
_SAVED_INFERENCE = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode in "
    "computation tracked by autograd. To work around this, you can make a clone to get a normal tensor and use "
    "it in autograd, or use `torch.no_grad()` instead of `torch.inference_mode()`.")


class PreHooks:
    """What runs before a node, in PyTorch's order: the hooks of the tensors it made
    (Tensor.register_hook), their retain_grad, then the node's own pre-hooks."""

    __slots__ = ("tensor", "retain", "node")

    def __init__(self):
        self.tensor = []   # fn({output_nr: grad}) -> new dict or None
        self.retain = {}   # output_nr -> fn(grad), stores .grad
        self.node = []     # fn({output_nr: grad}) -> new dict or None

    def run(self, grads, retain=True):
        """The hooks on ``grads`` ({output_nr: grad}); ``retain=False`` stores no retained .grad."""
        for hook in list(self.tensor):
            grads = hook(grads) or grads
        for nr, keep in list(self.retain.items()) if retain else ():
            if nr in grads:
                keep(grads[nr])
        for hook in list(self.node):   # node hooks see and return a tuple, one entry per output
            new = hook(as_tuple(grads))
            if new is not None:
                grads = {nr: g for nr, g in enumerate(new) if g is not None}
        return grads


def as_tuple(grads):
    """{output_nr: grad} as PyTorch hands it to node hooks: (grad_0, grad_1, ...), None for gaps."""
    return tuple(grads.get(nr) for nr in range(max(grads) + 1)) if grads else ()


class RemovableHandle:
    """What ``register_hook`` returns: ``.remove()`` unregisters the hook."""

    __slots__ = ("_hooks", "_fn")

    def __init__(self, hooks, fn):
        hooks.append(fn)
        self._hooks, self._fn = hooks, fn

    def remove(self):
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


# ------------------------------------------------------------ saved_tensors_hooks

_saved_hooks = []       # the (pack_hook, unpack_hook) pairs entered, innermost last
_hooks_refused = []     # the messages of the disable_saved_tensors_hooks contexts entered


class saved_tensors_hooks:
    """Context manager: every tensor an op saves for backward inside it is given to
    ``pack_hook``, and what that returns is kept instead; backward hands it to ``unpack_hook``,
    which must give the tensor back. Only the innermost pair applies, as in PyTorch."""

    __module__ = "torch.autograd.graph"

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        if _hooks_refused:
            raise RuntimeError(_hooks_refused[-1])
        _saved_hooks.append((self.pack_hook, self.unpack_hook))

    def __exit__(self, *exc):
        _saved_hooks.pop()


class save_on_cpu(saved_tensors_hooks):
    """saved_tensors_hooks that keep every saved tensor in CPU memory and move it back to its
    device for backward (``pin_memory`` only makes PyTorch's copies faster; it changes no value)."""

    __module__ = "torch.autograd.graph"

    def __init__(self, pin_memory=False, device_type="cuda"):
        def pack_to_cpu(tensor):
            return tensor.device, tensor.cpu()

        def unpack_from_cpu(packed):
            device, tensor = packed
            return tensor.to(device)

        super().__init__(pack_to_cpu, unpack_from_cpu)


class disable_saved_tensors_hooks:
    """Context manager inside which entering saved_tensors_hooks raises ``error_message``."""

    __module__ = "torch.autograd.graph"

    def __init__(self, error_message):
        self.error_message = error_message

    def __enter__(self):
        _hooks_refused.append(self.error_message)

    def __exit__(self, *exc):
        _hooks_refused.pop()


class Packed:
    """What a pack hook returned for one saved tensor, with the unpack hook that undoes it."""

    __slots__ = ("value", "unpack_hook", "of_output")

    def __init__(self, value, unpack_hook, of_output):
        self.value = value
        self.unpack_hook = unpack_hook
        self.of_output = of_output    # the op's own output (create_graph gives it the node's history)

    def unpack(self):
        tensor = self.unpack_hook(self.value)
        if not hasattr(tensor, "_vcounter"):
            raise TypeError("Output of saved tensor unpack_hook expected to be a Tensor but got result of type "
                            f"{type(tensor).__name__}")
        return tensor


class PackedRecords(tuple):
    """A node's saved records whose tensors were packed (backward unpacks them: one type check
    per node tells it so)."""

    __slots__ = ()


def pack(records, out):
    """The saved records with every tensor, the output included, replaced by what the innermost
    pack hook makes of it, in the order the op saved them (PyTorch's order of calls)."""
    pack_hook, unpack_hook = _saved_hooks[-1]
    entered = _saved_hooks[:]
    _saved_hooks.clear()      # what the pack hook computes is not packed again (as in PyTorch)
    try:
        packed = []
        for value, counter, version, data in records:
            if counter is CONSTANT:
                packed.append((value, counter, version, data))
            else:
                of_output = value is None
                packed.append((Packed(pack_hook(out if of_output else value), unpack_hook, of_output), counter,
                               version, data))
    finally:
        _saved_hooks[:] = entered
    return PackedRecords(packed)
