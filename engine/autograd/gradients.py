"""backward and grad: the calls that run the backward pass (engine.autograd.backprop) from a user's
outputs, after checking them and making the gradients to start from."""
from __future__ import annotations

import warnings

import numpy as np

from ..device import module_of
from ..tensor import Tensor, _warn_once, wrap
from ..unsupported import refuse_unsupported
from .backprop import accumulate, run_backward

__all__ = ["backward", "grad", "root_gradients"]

_CREATE_GRAPH_CYCLE = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter and its "
    "gradient which can cause a memory leak. We recommend using autograd.grad when creating the graph to "
    "avoid this. If you have to use this function, make sure to reset the .grad fields of your parameters to "
    "None after use to break the cycle and avoid the leak. (Triggered internally at "
    "/__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1307.)")


def _as_tuple(x):
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def root_gradients(outputs, grad_outputs, create_graph):
    """The gradient to start from for each output: ones for a one-element output, else required."""
    grad_outputs = (None,) * len(outputs) if grad_outputs is None else _as_tuple(grad_outputs)
    grads = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if not isinstance(out, Tensor):
            raise TypeError(f"'{type(out).__name__}' object is not iterable")
        if not out.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        data = out._data
        if g is None:
            if data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if data.dtype.kind != "f":
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got "
                                   f"{out.dtype}")
            g = wrap(_filled(data, 1))
        elif not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        elif g._data.shape != data.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                               f"has a shape of {out.shape}.")
        else:
            if g._data.dtype != data.dtype:
                g = g.to(out.dtype)
            if not create_graph:
                g = g.detach()
        grads.append(g)
    if len(grad_outputs) != len(outputs):   # checked after the gradients' types, as PyTorch does
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grad_outputs)} gradients")
    return grads


def _filled(like, value):
    """An array of ``like``'s shape, dtype and device holding ``value``."""
    xp = module_of(like)
    if like.ndim == 0:   # the usual root, a loss: np.full's generality costs more than the work
        return xp.array(value, dtype=like.dtype)
    return xp.full(like.shape, value, dtype=like.dtype)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate the gradients of ``tensors`` into the leaves' ``.grad`` (or only ``inputs``')."""
    outputs = _as_tuple(tensors)
    grads = root_gradients(outputs, grad_tensors, create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph:
        _warn_once(_CREATE_GRAPH_CYCLE)
    if inputs is None:
        run_backward(outputs, grads, retain_graph, create_graph)
        return
    inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    for t in inputs:
        t.retain_grad()   # PyTorch fills .grad of non-leaf inputs as retain_grad does (by its hook)
    results = run_backward(outputs, grads, retain_graph, create_graph, inputs, allow_unused=True)
    for t, g in zip(inputs, results):
        if g is not None and t.grad_fn is None:
            accumulate(t, g, create_graph)


def _backward_method(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (times ``gradient`` for non-scalars)."""
    if gradient is None and inputs is None and not create_graph and self._base is None:
        # the common case, ``loss.backward()``: a real one-element loss with a history needs none of
        # root_gradients' checks, and its gradient, the ones, is made directly
        data = self._data
        if self._grad_fn is not None and data.size == 1 and (data.dtype is _FLOAT32 or data.dtype is _FLOAT64):
            run_backward((self,), (wrap(_one(data)),), bool(retain_graph))
            return
    backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph, inputs=inputs)


_FLOAT32, _FLOAT64 = np.dtype(np.float32), np.dtype(np.float64)
_ONES = {_FLOAT32: np.ones((), _FLOAT32), _FLOAT64: np.ones((), _FLOAT64)}


def _one(like):
    """A new array of ones shaped as the NumPy array ``like`` (float32 or float64, one element): a
    copy of a kept 0-d one for a 0-d loss, since the gradient may be accumulated into in place."""
    if like.ndim == 0 and like.__class__ is np.ndarray:
        return _ONES[like.dtype].copy()
    return _filled(like, 1)


_backward_method.__name__, _backward_method.__qualname__ = "backward", "Tensor.backward"
Tensor.backward = _backward_method


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs``, returned (``.grad`` is untouched)."""
    refuse_unsupported("grad", is_grads_batched=is_grads_batched)
    if not only_inputs:
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate "
                      "gradient for other parts of the graph, please use torch.autograd.backward.",
                      FutureWarning, stacklevel=2)
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
                         "allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    for t in inputs:
        if not isinstance(t, Tensor):
            raise TypeError(f"'{type(t).__name__}' object is not iterable")
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grads = root_gradients(outputs, grad_outputs, create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    results = run_backward(outputs, grads, retain_graph, create_graph, inputs, allow_unused)
    if materialize_grads:
        results = [wrap(_filled(t._data, 0)) if r is None else r for t, r in zip(inputs, results)]
    return tuple(r if r is None or create_graph else r.detach() for r in results)


