"""torch.nn.functional: the activation and loss functions a tensor tutorial meets.

Losses carry PyTorch's nodes (MseLossBackward0, NllLossBackward0 ...); cross_entropy is
log_softmax then nll_loss, as in PyTorch, so its graph is NllLossBackward0 over
LogSoftmaxBackward0.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import dtypes
from ..autograd.graph import record
from ..broadcasting import broadcast_shapes
from ..ops._util import _type_name, check_tensor, xp_of
from ..ops.indexing import where
from ..ops.pointwise import relu, sigmoid, tanh
from ..ops.reduction import log_softmax as _log_softmax
from ..ops.reduction import softmax as _softmax
from ..ops.reduction import sum
from ..ops.registry import defop, export, exports
from ..tensor import wrap

F = "torch.nn.functional"
for _op in (relu, sigmoid, tanh):   # the same functions as torch.relu ...
    export(_op, namespace=F)


_REDUCTIONS = ("none", "mean", "sum")


def _not_implemented(kernel, dtype):
    return NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(dtype)}\'')


# -- activations ------------------------------------------------------------------------------------

@defop(method=False, namespace=F)
def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold (SoftplusBackward0)."""
    if not input.dtype.is_floating_point:
        raise _not_implemented("softplus_cpu", input.dtype)
    x = input._data
    xp = xp_of(input)
    scaled = x * beta
    linear = scaled > threshold
    result = wrap(xp.where(linear, x, xp.log1p(xp.exp(xp.where(linear, 0, scaled))) / beta).astype(x.dtype))

    def vjp(g, input):   # sigmoid(beta * x) below the threshold, 1 above it
        return (where(input * beta > threshold, g, g * sigmoid(input * beta)),)
    return record(result, "SoftplusBackward0", (input,), vjp, saved=(input,))


def _implicit_dim(ndim, fn):
    warnings.warn(f"Implicit dimension choice for {fn} has been deprecated. Change the call to include dim=X "
                  "as an argument.", UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


@defop(method=False, namespace=F)
def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along dim (SoftmaxBackward0)."""
    return _softmax(input, _implicit_dim(input.ndim, "softmax") if dim is None else dim, dtype)


@defop(method=False, namespace=F)
def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """x - logsumexp(x) along dim (LogSoftmaxBackward0)."""
    return _log_softmax(input, _implicit_dim(input.ndim, "log_softmax") if dim is None else dim, dtype)


# -- losses ------------------------------------------------------------------------------------------

def _check_reduction(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _legacy_reduction(size_average, reduce, reduction):
    """The reduction PyTorch's deprecated size_average and reduce arguments stand for (each None
    counts as True), with PyTorch's warning; ``reduction`` when neither is given."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    legacy = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{legacy}' instead.",
                  UserWarning, stacklevel=3)
    return legacy


@defop(method=False, namespace=F)
def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """The mean (or sum, or each) of (input - target) ** 2 (MseLossBackward0)."""
    check_tensor(input, "mse_loss", "input", 1)
    check_tensor(target, "mse_loss", "target")
    if input.shape != target.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have "
                      "the same size.", UserWarning, stacklevel=2)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    input_shape = input.shape
    if input.shape != target.shape:
        shape = broadcast_shapes(input._data.shape, target._data.shape)
        input, target = (t if t._data.shape == shape else t.expand(shape) for t in (input, target))
    if weight is not None:
        return _weighted_mse(input, target, weight, input_shape, reduction)
    rt = dtypes.promote_types(input.dtype, target.dtype)
    if not rt.is_floating_point:
        raise _not_implemented("mse_cpu", rt)
    diff = input._data.astype(rt.np, copy=False) - target._data.astype(rt.np, copy=False)
    squared = diff * diff
    n = squared.size
    data = squared if reduction == "none" else squared.sum() if reduction == "sum" else squared.mean()
    result = wrap(xp_of(input).asarray(data, dtype=rt.np))

    def vjp(g, input, target):
        scale = 2 * (input - target) * (g if reduction != "mean" else g / n)
        return scale, -scale
    return record(result, "MseLossBackward0", (input, target), vjp, saved=(input, target))


def _weighted_mse(input, target, weight, input_shape, reduction):
    """PyTorch's weighted mean squared error, built from ordinary ops as PyTorch builds it: the weighted
    squared errors, their sum, or that sum over the sum of the weights."""
    if weight.shape != input_shape:
        raise ValueError("Weights and input must have the same size.")
    weighted = (input - target) ** 2 * weight
    if reduction == "none":
        return weighted
    if reduction == "sum":
        return sum(weighted)
    return sum(weighted) / sum(weight)


@defop(method=False, namespace=F)
def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """The negative log-likelihood of the target classes: -input[n, target[n]] (times weight), averaged
    over the weights of the targets that are not ``ignore_index`` (NllLossBackward0; NllLoss2DBackward0
    for inputs with spatial dims)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    check_tensor(input, "nll_loss", "input", 1)
    check_tensor(target, "nll_loss", "target")
    _check_reduction(reduction)
    if target.dtype not in (dtypes.int64, dtypes.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_type_name(target.dtype)}")
    nd = input._data.ndim
    if nd >= 2 and input._data.shape[0] != target._data.shape[0]:
        raise ValueError(f"Expected input batch_size ({input._data.shape[0]}) to match target batch_size "
                         f"({target._data.shape[0]}).")
    if nd < 3:
        return _nll(input, target, weight, ignore_index, reduction, "NllLossBackward0")
    spatial = target.shape
    n, c = input._data.shape[:2]
    flat = input if nd == 4 else input.reshape(n, c, -1, 1)
    loss = _nll(flat, target.reshape(flat.shape[0], *flat.shape[2:]), weight, ignore_index, reduction,
                "NllLoss2DBackward0")
    return loss.view(spatial) if reduction == "none" and nd != 4 else loss


def _nll(input, target, weight, ignore_index, reduction, node):
    """nll_loss on (C,), (N, C) or (N, C, H, W) inputs, classes along dim 1 (dim 0 for (C,))."""
    x, t = input._data, target._data.astype(np.int64)
    xp = xp_of(input)
    class_dim = 0 if x.ndim == 1 else 1
    classes = x.shape[class_dim]
    kept = t != ignore_index
    if ((t[kept] < 0) | (t[kept] >= classes)).any():
        raise IndexError(f"Target {int(t[kept][(t[kept] < 0) | (t[kept] >= classes)][0])} is out of bounds.")
    safe = xp.where(kept, t, 0)
    w = xp.ones(classes, dtype=x.dtype) if weight is None else weight._data.astype(x.dtype)
    target_weight = xp.where(kept, w[safe], 0).astype(x.dtype)
    picked = xp.take_along_axis(x, xp.expand_dims(safe, class_dim), class_dim).squeeze(class_dim)
    losses = -picked * target_weight
    if reduction == "none":
        data, coefficient = losses, target_weight
    elif reduction == "sum":
        data, coefficient = losses.sum(), target_weight
    else:
        total = target_weight.sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            data, coefficient = losses.sum() / total, target_weight / total
    result = wrap(xp.asarray(data, dtype=x.dtype))
    # d loss / d input: -coefficient at each target's class, zero elsewhere
    grad = xp.zeros_like(x)
    xp.put_along_axis(grad, xp.expand_dims(safe, class_dim), xp.expand_dims(-coefficient, class_dim), class_dim)
    grad = wrap(xp.where(xp.expand_dims(kept, class_dim), grad, 0).astype(x.dtype))

    def vjp(g, grad):
        return (grad * (g.unsqueeze(class_dim) if reduction == "none" else g),)
    return record(result, node, (input,), vjp, saved=(grad,))   # (PyTorch saves the operands it is made from)


@defop(method=False, namespace=F)
def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """log_softmax over the classes, then nll_loss (class-index targets), or -sum(target * log_softmax)
    for class-probability targets; ``label_smoothing`` mixes in the uniform distribution over classes."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    check_tensor(input, "cross_entropy", "input", 1)
    check_tensor(target, "cross_entropy", "target")
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    class_dim = 0 if input._data.ndim == 1 else 1
    classes = input._data.shape[class_dim]
    log_p = _log_softmax(input, class_dim)
    weight_shape = (-1,) + (1,) * (input._data.ndim - class_dim - 1)
    if not target.dtype.is_floating_point:
        loss = nll_loss(log_p, target, weight, ignore_index=ignore_index, reduction=reduction)
        if label_smoothing == 0:
            return loss
        # ATen's cross_entropy_loss_label_smoothing: the nll loss plus the mean log-probability
        smooth = -sum(log_p if weight is None else log_p * weight.reshape(weight_shape), class_dim)
        kept = target != ignore_index
        smooth = smooth.masked_fill(~kept, 0.0)
        if reduction == "mean":
            smooth = smooth.sum() / (kept.sum() if weight is None else weight[target[kept]].sum())
        elif reduction == "sum":
            smooth = smooth.sum()
        return _times(loss, 1 - label_smoothing) + _times(smooth, label_smoothing / classes)
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    weighted = log_p * target if weight is None else log_p * target * weight.reshape(weight_shape)
    if reduction == "none":
        return -sum(weighted, class_dim)
    total = -sum(weighted)
    if reduction == "sum":
        return total
    batch = input._data.shape[0] if input._data.ndim > 1 else 1
    return record(wrap(total._data / batch), "DivBackward1", (total,), lambda g: (g / batch,))


def _times(t, c):
    """t * c for a number c as ATen multiplies by a Scalar (MulBackward1)."""
    return record(wrap(t._data * t._data.dtype.type(c)), "MulBackward1", (t,), lambda g: (g * c,))


__all__ = list(exports(F))
