"""The backward pass: an iterative walk of the graph in dependency order (never recursive).

1. Count, for every node reachable from the roots, how many edges point at it.
2. Start from the roots; a node runs once every node that feeds it a gradient has run.
3. Each node's vjp, given the values the node saved, returns one gradient per input; the
   engine checks them against the inputs' shapes and dtypes (summing away broadcast
   dimensions, as PyTorch's ``validate_outputs`` does) and adds them into the next nodes' buffers.
4. Unless the graph is retained, each node drops its saved values once it has run.

One generator, :func:`backward_steps`, is that walk, a step per node; ``Tensor.backward`` and
``autograd.grad`` (:func:`run_backward`) and the shell's ``explain backward`` all consume it, so
what explain shows is what backward does.
"""
from __future__ import annotations

import re

import numpy as np

from .. import dtypes
from ..broadcasting import fit_gradient
from ..tensor import Tensor, wrap
from .grad_mode import state
from . import graph
from .graph import CONSTANT, FREED, AccumulateGrad, Packed, PackedRecords, as_tuple, edge_of, record

__all__ = ["backward_steps", "is_saved_value_error", "run_backward", "accumulate", "as_tensor"]

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward.")


def _dependencies(roots):
    """Number of incoming edges of every node reachable from ``roots`` (iterative DFS): a node is
    first met when it gets its first count (the roots are on the stack from the start)."""
    deps = {}
    stack = list(roots)
    while stack:
        for nxt, _ in stack.pop().next_functions:
            if nxt is not None:
                count = deps.get(nxt)
                if count is None:
                    deps[nxt] = 1
                    if nxt not in roots:
                        stack.append(nxt)
                else:
                    deps[nxt] = count + 1
    return deps


def _ancestors(nodes, targets):
    """The nodes from which some target can be reached through at least one edge: the
    nodes autograd.grad must run (a target itself runs only if it leads to another)."""
    parents = {}
    for node in nodes:
        for nxt, _ in node.next_functions:
            if nxt is not None:
                parents.setdefault(nxt, []).append(node)
    keep = set()
    stack = list(targets)
    while stack:
        for p in parents.get(stack.pop(), ()):
            if p not in keep:
                keep.add(p)
                stack.append(p)
    return keep


def _short_name(node):
    """PyTorch names the producer of a modified tensor without its Backward suffix: 'Exp'."""
    return re.sub(r"Backward\d*$", "", node.name())


_MODIFIED_MESSAGE = "one of the variables needed for gradient computation has been modified by an inplace operation"


def is_saved_value_error(error) -> bool:
    """``error`` is backward's refusal of a node whose saved values were freed or modified in place."""
    text = str(error)
    return text == FREED_MESSAGE or text.startswith(_MODIFIED_MESSAGE)


def _modified(node, tensor, counter, version, data):
    """PyTorch's error for a saved tensor modified in place: a saved input is named by its current
    history, a saved output (``tensor`` None) by this node."""
    producer, nr = (node.op_node, 0) if tensor is None else (tensor.grad_fn, tensor._output_nr)
    which = f", which is output {nr} of {_short_name(producer)}," if producer is not None else ""
    legacy = dtypes.from_numpy_dtype(data.dtype).legacy_name
    return RuntimeError(
        f"{_MODIFIED_MESSAGE}: [torch.{legacy} [{', '.join(map(str, data.shape))}]]{which} is at version "
        f"{counter[0]}; expected version {version} instead. Hint: enable anomaly detection to find "
        "the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False).")


def _stand_in(data, counter, node, create_graph):
    """The op's output as its vjp reads it: its saved data and version counter; under create_graph,
    with its history (Node.with_history)."""
    stand_in = wrap(data)
    stand_in._vcounter = counter
    return node.with_history(stand_in) if create_graph else stand_in


def accumulate(leaf, grad, create_graph):
    """AccumulateGrad: leaf.grad = grad, or leaf.grad + grad (``grad`` a Tensor, or a raw array
    from a backward on arrays). The first gradient is copied, because a vjp may hand the same
    gradient to several inputs."""
    old = leaf._grad
    if grad.__class__ is not Tensor and not isinstance(grad, Tensor):   # a raw array
        if old is None:
            leaf._grad = wrap(grad.copy())
        else:
            old._data += grad
            old._vcounter[0] += 1
    elif old is None:
        if create_graph and grad._requires_grad:
            copy = wrap(grad._data.copy())
            leaf._grad = record(copy, "CopyBackwards", (grad,), lambda g: (g,))
        else:
            leaf._grad = wrap(grad._data.copy())
    elif create_graph:
        leaf._grad = old + grad
    else:
        old._data += grad._data
        old._vcounter[0] += 1


def _run_post_accumulate_hooks(hooks, leaf):
    """Tensor.register_post_accumulate_grad_hook's hooks, given the leaf once its .grad is written."""
    for hook in list(hooks):
        result = hook(leaf)
        if result is None:
            continue
        if not hasattr(result, "_vcounter"):
            raise TypeError(f"expected Variable, but hook returned '{type(result).__name__}'")
        raise RuntimeError("Tensor post accumulate grad hooks should return None.")


def run_backward(roots, grad_roots, retain_graph=False, create_graph=False, inputs=None,
                 allow_unused=False):
    """Backpropagate ``grad_roots`` from the ``roots`` tensors.

    With ``inputs`` (autograd.grad) the gradients arriving at those tensors are returned
    and no leaf's ``.grad`` is touched; otherwise leaves accumulate into ``.grad``.
    """
    captures = None
    results = []
    if inputs is not None:
        captures = {}
        for i, t in enumerate(inputs):
            captures.setdefault(edge_of(t), []).append(i)
        results = [None] * len(inputs)

    prev = state.grad, state.enabled
    state.grad = state.enabled = create_graph   # gradients are recorded only under create_graph
    try:
        # without create_graph the gradients need no history: the nodes that can, run on raw arrays
        for node, grads, _ in backward_steps(roots, grad_roots, retain_graph, create_graph, captures,
                                             arrays=not create_graph):
            if captures is not None:
                for nr, g in grads.items():
                    for i in captures.get((node, nr), ()):
                        results[i] = as_tensor(g)
            elif type(node) is AccumulateGrad:
                leaf = node.variable
                if leaf is not None and 0 in grads:
                    accumulate(leaf, grads[0], create_graph)
                    if node.post_accumulate_hooks:
                        _run_post_accumulate_hooks(node.post_accumulate_hooks, leaf)
    finally:
        state.grad, state.enabled = prev

    if not allow_unused:
        for i, r in enumerate(results):
            if r is None:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior.")
    return results


def backward_steps(roots, grad_roots, retain_graph=False, create_graph=False, captures=None, preview=False,
                   arrays=False):
    """The backward pass from the ``roots`` tensors, one step per node in the order it runs:
    (node, the gradients that arrived {output_nr: grad} after its pre-hooks, what it sent on
    [(next node, output_nr, gradient)] after its post-hooks and the gradients' fit). Only a
    ``preview`` (the shell's ``explain backward``) is told what was sent: backward itself does not
    read it, and a list built per node would cost it time; its steps have () there.

    A node runs once every node that feeds it has run. A leaf's AccumulateGrad, and with
    ``captures`` (autograd.grad's {edge: input indices}) every node that leads to no captured
    edge, is a step that sends nothing: the caller decides what arriving there means. Unless
    ``retain_graph``, a node frees its saved values once it has run. A ``preview`` stores no
    retained ``.grad`` (the caller keeps the graph with retain_graph).

    With ``arrays`` (no create_graph: the gradients need no history) the gradients wait as raw
    arrays: a node whose vjp runs on arrays (record's on_arrays) gets them as they are, and sends
    arrays on; the others, and every hook, get Tensors. A gradient in the steps is then either;
    :func:`as_tensor` makes it a Tensor.
    """
    root_edges = [edge_of(t) for t in roots]
    root_nodes = {n for n, _ in root_edges if n is not None}
    deps = _dependencies(root_nodes)
    keep = None if captures is None else _ancestors(deps.keys() | root_nodes,
                                                    {n for n, _ in captures if n is not None})
    buffers = {}
    for (node, nr), g in zip(root_edges, grad_roots):
        if node is not None:
            if arrays:
                g = g._data
            buf = buffers.setdefault(node, {})
            buf[nr] = g if nr not in buf else buf[nr] + g
    ready = [node for node in buffers if node not in deps]
    while ready:
        node = ready.pop()
        grads = buffers.pop(node)
        if node._before is not None:
            grads = node._before.run(_as_tensors(grads) if arrays else grads, retain=not preview)
            if arrays:
                grads = _as_arrays(grads)
        if (keep is not None and node not in keep) or type(node) is AccumulateGrad:
            yield node, grads, ()
            continue
        on_arrays = arrays and node._on_arrays
        if arrays and not on_arrays:
            grads = _as_tensors(grads)
        out_grads = _run_node(node, grads, retain_graph, create_graph, on_arrays)
        yield node, grads, _send(node, out_grads, on_arrays, arrays, buffers, deps, ready, [] if preview else None)


def _send(node, out_grads, on_arrays, arrays, buffers, deps, ready, sent):
    """Add ``node``'s gradients (arrays when it ran ``on_arrays``), fitted to its inputs' shapes and
    dtypes, into the next nodes' buffers (as arrays in a backward on ``arrays``); a next node whose
    feeders have all run becomes ready. Returns what was sent, [(next node, output_nr, gradient)],
    appended to ``sent``, or () where ``sent`` is None (nobody asked)."""
    index = -1
    for (nxt, nr), g, meta in zip(node.next_functions, out_grads, node._input_meta):
        index += 1
        if nxt is None:
            continue
        if g is not None:
            data = g if on_arrays else g._data
            if arrays:
                g = data
            if data.shape != meta[0] or data.dtype is not meta[1]:   # (fit_gradient compares dtypes exactly)
                g = fit_gradient(g, meta, node, index)
            buf = buffers.get(nxt)   # gradients of several paths into nxt sum
            if buf is None:
                buffers[nxt] = {nr: g}
            elif nr in buf:
                buf[nr] = buf[nr] + g
            else:
                buf[nr] = g
            if sent is not None:
                sent.append((nxt, nr, g))
        left = deps[nxt] - 1
        deps[nxt] = left
        if left == 0:
            if nxt in buffers:
                ready.append(nxt)
            else:
                _skip(nxt, deps, buffers, ready)
    return () if sent is None else sent


def as_tensor(grad):
    """A gradient of a backward on arrays as a Tensor (a raw array is wrapped; a Tensor stays)."""
    return grad if isinstance(grad, Tensor) else wrap(grad)


def _as_tensors(grads):
    return {nr: g if isinstance(g, Tensor) else wrap(g) for nr, g in grads.items()}


def _as_arrays(grads):
    return {nr: g._data if isinstance(g, Tensor) else g for nr, g in grads.items()}


def _run_node(node, grads, retain_graph, create_graph, on_arrays=False):
    """``node``'s vjp on the gradients of its outputs and its saved values (the output as a
    stand-in; with ``on_arrays``, every saved tensor as its array), then its post-hooks; one
    gradient per input. PyTorch's errors when the saved values were freed or a saved tensor was
    modified in place since. (The per-node path of every backward: hence the saved values are
    unpacked here, not in a helper.)"""
    saved = node._saved
    if saved is None:
        out_grads = node._vjp(grads if node.multi_output else grads[0])
    else:
        if saved is FREED:
            raise RuntimeError(FREED_MESSAGE)
        if type(saved) is PackedRecords:
            values = _unpacked(node, saved, create_graph)
            if on_arrays:   # what the unpack hooks gave back, as arrays
                values = [getattr(value, "_data", value) for value in values]
        else:
            values = []
            for value, counter, version, data in saved:
                if counter[0] != version:   # (a constant's counter never moves)
                    raise _modified(node, value, counter, version, data)
                if counter is not CONSTANT:
                    if value is None:
                        value = data if on_arrays else _stand_in(data, counter, node, create_graph)
                    elif on_arrays:
                        value = value._data
                values.append(value)
        out_grads = node._vjp(grads if node.multi_output else grads[0], *values)
    if node._hooks:
        if on_arrays:   # hooks see Tensors; what they return goes on as arrays
            out_grads = [None if g is None else as_tensor(g) for g in out_grads]
            out_grads = [g._data if isinstance(g, Tensor) else g
                         for g in _run_hooks(node, out_grads, _as_tensors(grads))]
        else:
            out_grads = _run_hooks(node, out_grads, grads)
    if not retain_graph:
        node.release()
    return out_grads


def _unpacked(node, saved, create_graph):
    """The saved values of a node made inside saved_tensors_hooks: each packed tensor given to its
    unpack hook, in the order the op saved them (PyTorch unpacks in that order)."""
    values = []
    for value, counter, version, data in saved:
        if counter[0] != version:
            raise _modified(node, None if type(value) is Packed else value, counter, version, data)
        if type(value) is Packed:
            of_output = value.of_output
            value = value.unpack()
            if of_output and create_graph:
                value = _stand_in(value._data, counter, node, create_graph)
        values.append(value)
    return values


# PyTorch's names of the tensors each node saves (grad_fn._saved_self, _saved_result ...), in the
# order the engine's op saves them (record's ``saved``), for the nodes whose saved values are
# tensors PyTorch also saves; the non-tensor attributes (_saved_dim, _saved_exponent=2 ...) are
# not kept by the engine and not offered.
_SELF, _RESULT = ("self",), ("result",)
SAVED_NAMES = {
    "MulBackward0": ("other", "self"), "DivBackward0": ("self", "other"), "Atan2Backward0": ("self", "other"),
    "MaximumBackward0": ("self", "other"), "MinimumBackward0": ("self", "other"),
    "MmBackward0": ("self", "mat2"), "PowBackward0": _SELF, "PowBackward1": ("self", "exponent", "result"),
    "PowBackward2": _RESULT, "MaxBackward1": ("self", "result"), "MinBackward1": ("self", "result"),
    "ProdBackward0": ("self", "result"), "LinalgVectorNormBackward0": ("self", "result"),
    "StdBackward0": ("self", "result"), "VarBackward0": _SELF,
    **dict.fromkeys(("SinBackward0", "CosBackward0", "LogBackward0", "Log2Backward0", "Log1PBackward0",
                     "AbsBackward0", "ErfBackward0", "SinhBackward0", "CoshBackward0", "AsinBackward0",
                     "AtanBackward0", "GeluBackward0", "SoftplusBackward0", "ClampBackward1"), _SELF),
    **dict.fromkeys(("ExpBackward0", "Exp2Backward0", "Expm1Backward0", "SqrtBackward0", "RsqrtBackward0",
                     "TanhBackward0", "TanBackward0", "SigmoidBackward0", "ReluBackward0",
                     "ReciprocalBackward0", "SoftmaxBackward0", "LogSoftmaxBackward0"), _RESULT),
}


def _saved_value(node, index):
    """The node's ``index``-th saved value as PyTorch hands it out: the saved tensor itself, the
    output as a tensor whose history is the node, a saved Python number as the 0-d tensor PyTorch
    wraps it in (``(x * 2).grad_fn._saved_other`` is ``tensor(2)``), None where nothing was saved;
    PyTorch's error once backward freed it."""
    if node._saved is FREED:
        raise RuntimeError(FREED_MESSAGE)
    value, counter, _, data = node._saved[index]
    if type(value) is Packed:
        return value.unpack()
    if value is None and counter is not CONSTANT:
        return _stand_in(data, counter, node, True)
    if value.__class__ in (bool, int, float, complex):   # (int64, float64, complex128, bool: NumPy's defaults too)
        return wrap(np.asarray(value))
    return value


def _saved_attribute(index):
    """The property ``grad_fn._saved_NAME`` of a node whose ``index``-th saved value PyTorch calls NAME."""
    return property(lambda node: _saved_value(node, index))


# Properties on the node classes, not a Node.__getattr__: a class with __getattr__ makes every
# attribute load on its instances slow (Python 3.11 does not specialise them), and backward reads
# several per node. Any other name is AttributeError with Python's own words, as PyTorch's.
def _give_saved_attributes():
    for name, names in SAVED_NAMES.items():
        for index, short in enumerate(names):
            setattr(graph.node_type(name), "_saved_" + short, _saved_attribute(index))


_give_saved_attributes()


def _skip(node, deps, buffers, ready):
    """A node that received no gradient at all: release its dependants' counts without running it."""
    stack = [node]
    while stack:
        n = stack.pop()
        for nxt, _ in n.next_functions:
            if nxt is None:
                continue
            deps[nxt] -= 1
            if deps[nxt] == 0:
                if nxt in buffers:
                    ready.append(nxt)
                else:
                    stack.append(nxt)


def _run_hooks(node, grad_inputs, grad_outputs):
    """A node's post-hooks: fn(grad_inputs, grad_outputs), None for inputs that need no gradient."""
    grad_inputs = tuple(None if nxt is None else g for (nxt, _), g in zip(node.next_functions, grad_inputs))
    grad_outputs = as_tuple(grad_outputs)
    for hook in list(node._hooks):
        new = hook(grad_inputs, grad_outputs)
        if new is not None:
            grad_inputs = new
    return grad_inputs
