"""Broadcasting and its inverse: below the ops and autograd, which both need them.

``broadcast_shapes`` is the shape operands broadcast to (ATen's ``infer_size``); ``sum_to`` undoes
a broadcast, summing a gradient down to the shape of the input it belongs to; ``fit_gradient`` is
what the backward pass makes of every gradient before it reaches an input. ``sum_to`` computes with
the tensor's own methods, so it stays differentiable under ``create_graph`` without importing an op.
"""
from __future__ import annotations

from .dtypes import from_numpy_dtype

__all__ = ["broadcast_shapes", "broadcasts_to", "sum_to", "fit_gradient"]


def broadcast_shapes(*shapes):
    """The shape ``shapes`` broadcast to, or PyTorch's error naming the first mismatch."""
    ndim = max(len(s) for s in shapes)
    out = [1] * ndim
    for d in range(ndim - 1, -1, -1):   # from the last dim, as ATen's infer_size
        for shape in shapes:
            k = d - ndim + len(shape)
            size = shape[k] if k >= 0 else 1
            if size != 1 and out[d] != 1 and size != out[d]:
                raise RuntimeError(f"The size of tensor a ({out[d]}) must match the size of tensor b ({size}) "
                                   f"at non-singleton dimension {d}")
            if size != 1:
                out[d] = size
    return tuple(out)


def broadcasts_to(shape, target):
    """``shape`` broadcasts to ``target``."""
    if len(shape) > len(target):
        return False
    for s, t in zip(reversed(shape), reversed(target)):
        if s != 1 and s != t:
            return False
    return True


def _broadcast_dims(shape, target):
    """The dims of ``target`` that broadcasting ``shape`` up to it added or stretched, in order (the
    dims a gradient is summed over to undo it); None when ``shape`` does not broadcast to ``target``."""
    lead = len(target) - len(shape)
    if lead < 0:
        return None
    dims = list(range(lead))
    for i, size in enumerate(shape):
        if size != target[lead + i]:
            if size != 1:
                return None
            dims.append(lead + i)
    return tuple(dims)


def _summed(g, dims, shape):
    """``g`` summed over ``dims`` (a Tensor, or a raw array in a backward on arrays) and shaped ``shape``."""
    if dims:
        g = g.sum(dims, keepdim=True) if hasattr(g, "_data") else g.sum(axis=dims, keepdims=True)
    return g.reshape(shape) if tuple(g.shape) != shape else g


def sum_to(g, shape):
    """Sum ``g`` (a Tensor, or a raw array in a backward on arrays) down to ``shape``: the inverse
    of broadcasting ``shape`` up to ``g.shape``."""
    shape = tuple(shape)
    return _summed(g, _broadcast_dims(shape, tuple(g.shape)), shape)


def fit_gradient(grad, meta, node, index):
    """``grad`` (a Tensor, or a raw array in a backward on arrays) made to match its input's
    (shape, NumPy dtype) ``meta``, undoing broadcasting, as PyTorch's ``validate_outputs`` does; or the
    error naming the node whose gradient cannot fit."""
    shape, dtype = meta
    data = getattr(grad, "_data", grad)
    if data.shape != shape:
        dims = _broadcast_dims(shape, data.shape)
        if dims is None:
            raise RuntimeError(
                f"Function {node.name()} returned an invalid gradient at index {index} - got "
                f"[{', '.join(map(str, data.shape))}] but expected shape compatible with "
                f"[{', '.join(map(str, shape))}]")
        grad = _summed(grad, dims, shape)
    data = getattr(grad, "_data", grad)
    if data.dtype != dtype:
        if data.dtype.kind == "c" and dtype.kind != "c":
            grad = grad.real   # a real input's gradient is the real part, as PyTorch's validate_outputs takes it
        grad = grad.to(from_numpy_dtype(dtype)) if hasattr(grad, "_data") else grad.astype(dtype)
    return grad
