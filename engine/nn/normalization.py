"""layer_norm and batch_norm: one normalisation, over different dims.

Both subtract a mean and divide by sqrt(variance + eps), then scale by ``weight`` and shift by
``bias``. layer_norm takes the statistics over the trailing ``normalized_shape`` dims of each sample;
batch_norm over the batch and spatial dims of each channel (or uses the running statistics, in
evaluation). Their nodes are PyTorch's (NativeLayerNormBackward0, NativeBatchNormBackward0), and
their gradients the closed form ATen uses: with x̂ the normalised input and ĝ = grad * weight,
d input = rstd * (ĝ - mean(ĝ) - x̂ * mean(ĝ * x̂)) over the normalised dims.

Those gradients are an op of their own (NativeLayerNormBackwardBackward0,
NativeBatchNormBackwardBackward0), so that create_graph=True differentiates them again: its vjp
writes the same closed form with autograd's ops and differentiates that (see _backward_node).
"""
from __future__ import annotations

import numpy as np

from ..autograd.grad_mode import enable_grad, no_grad
from ..autograd.gradients import grad as autograd_grad
from ..autograd.graph import record, record_outputs
from ..ops._util import check_tensor, xp_of
from ..ops.float_kernels import fma32
from ..ops.registry import defop
from ..tensor import Tensor, wrap
from .convolution import first_order_only

F = "torch.nn.functional"


def _normalize(xp, x, axes, eps):
    """(x̂, 1 / sqrt(biased variance + eps)) over ``axes``, the statistics kept as broadcastable dims
    (of arrays, or of Tensors with xp = _TensorMath)."""
    mean = _mean(x, axes)
    rstd = 1 / xp.sqrt(_mean((x - mean) ** 2, axes) + eps)
    return (x - mean) * rstd, rstd


def _mean(x, axes):
    """The mean over ``axes``, kept as dims, of an array or a Tensor."""
    return x.mean(axes, keepdim=True) if isinstance(x, Tensor) else x.mean(axis=axes, keepdims=True)


def _sum(x, axes):
    """The sum over ``axes`` of an array or a Tensor; no axes, no sum (a Tensor would sum them all)."""
    return x.sum(axes) if axes else x


@defop(method=False, namespace=F)
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """(x - mean) / sqrt(var + eps) * weight + bias, the statistics over the last
    len(normalized_shape) dims of each sample (NativeLayerNormBackward0)."""
    check_tensor(input, "layer_norm", "input", 1)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(shape):]) != shape or len(shape) > input.ndim:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape [*, "
                           f"{', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    xp = xp_of(input)
    axes = tuple(range(input.ndim - len(shape), input.ndim))
    if input._data.dtype == np.float16 and xp is np:
        out = _half_layer_norm(input._data, axes, eps, *(t if t is None else t._data for t in (weight, bias)))
    else:
        x_hat, _ = _normalize(xp, input._data, axes, eps)
        out = x_hat if weight is None else x_hat * weight._data
        out = out if bias is None else out + bias._data
    vjp = _layer_norm_vjp(axes, eps)
    return record(wrap(out.astype(input._data.dtype, copy=False)), "NativeLayerNormBackward0",
                  (input, weight, bias), vjp, saved=(input, weight))


def _half_layer_norm(x, axes, eps, weight, bias):
    """float16 layer_norm as ATen's CPU kernel: the statistics in float32, then
    y = x * rstd + (-mean * rstd), times weight plus bias, each a fused multiply-add in float32;
    rounded once."""
    x32 = x.astype(np.float32)
    mean = x32.mean(axis=axes, keepdims=True)
    centered = x32 - mean
    rstd = 1 / np.sqrt((centered * centered).mean(axis=axes, keepdims=True) + np.float32(eps))
    out = fma32(x32, rstd, -mean * rstd)
    if weight is not None or bias is not None:
        out = fma32(out, np.float32(1) if weight is None else weight.astype(np.float32),
                    np.float32(0) if bias is None else bias.astype(np.float32))
    return out.astype(np.float16)


def _layer_norm_vjp(axes, eps):
    batch_axes = tuple(range(axes[0]))

    def gradients(g, input, weight, xp):
        x_hat, rstd = _normalize(xp, input, axes, eps)
        scaled = g if weight is None else g * weight
        grad_input = rstd * (scaled - _mean(scaled, axes) - x_hat * _mean(scaled * x_hat, axes))
        return grad_input, None if weight is None else _sum(g * x_hat, batch_axes), _sum(g, batch_axes)

    def vjp(g, input, weight):
        return _backward_node("NativeLayerNormBackwardBackward0", "layer_norm", gradients, (g, input, weight))
    return vjp


def _backward_node(name, layer, gradients, tensors):
    """The (input, weight, bias) gradients ``gradients(g, input, weight, xp, *constants)`` computes, on
    arrays, as the outputs of a ``name`` node over (g, input, weight) (None for an absent weight);
    ``layer`` names the function in the refusal of a third derivative.

    Its vjp runs the same function on Tensors and differentiates that: on detached copies of g,
    input and weight, since the originals are linked (g depends on input through the forward graph)
    and a gradient through them would follow those links. The second derivative is then exact, but
    carries no history of its own: a third is refused, not given wrong."""
    g, input, weight = tensors[:3]
    xp = xp_of(g)
    arrays = gradients(*(None if t is None else t._data for t in tensors[:3]), xp,
                       *(t._data for t in tensors[3:]))
    outputs = tuple(None if a is None else wrap(xp.asarray(a).astype(g._data.dtype, copy=False)) for a in arrays)
    present = [i for i, t in enumerate(outputs) if t is not None]

    def vjp(grads, *tensors):
        first_order_only(f"{layer}'s gradient", *grads.values(), *tensors[:3])
        wanted = [t is not None and t.requires_grad for t in tensors[:3]]
        if not any(wanted):
            return (None,) * 3
        copies = [None if t is None else t.detach().requires_grad_(w) for t, w in zip(tensors[:3], wanted)]
        with enable_grad():
            results = gradients(*copies, _TensorMath, *tensors[3:])
        pairs = [(results[present[k]], gg) for k, gg in grads.items()]
        found = iter(autograd_grad([r for r, _ in pairs], [c for c, w in zip(copies, wanted) if w],
                                   [gg for _, gg in pairs], allow_unused=True))
        return tuple(next(found) if w else None for w in wanted)
    record_outputs(tuple(outputs[i] for i in present), name, (g, input, weight), vjp, saved=tensors)
    return outputs


class _TensorMath:
    """The one array function _normalize calls, for Tensors (whose methods are NumPy's otherwise)."""

    @staticmethod
    def sqrt(t):
        return t.sqrt()


@defop(method=False, namespace=F)
def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
               eps=1e-5):
    """Each channel (dim 1) normalised by its batch statistics (training; the running statistics then
    move by ``momentum`` toward them, the variance unbiased as PyTorch keeps it) or by the running
    statistics (evaluation); then * weight + bias (NativeBatchNormBackward0)."""
    check_tensor(input, "batch_norm", "input", 1)
    xp = xp_of(input)
    x = input._data
    axes = (0,) + tuple(range(2, x.ndim))
    channel_shape = (1, -1) + (1,) * (x.ndim - 2)
    if training:
        count = x.size // x.shape[1]
        if count == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.shape}")
        x_hat, rstd = _normalize(xp, x, axes, eps)
        if running_mean is not None:
            with no_grad():
                batch_var = ((x - x.mean(axis=axes, keepdims=True)) ** 2).sum(axis=axes) / (count - 1)
                running_mean.mul_(1 - momentum).add_(wrap(x.mean(axis=axes).astype(x.dtype)), alpha=momentum)
                running_var.mul_(1 - momentum).add_(wrap(batch_var.astype(x.dtype)), alpha=momentum)
    else:
        rstd = 1 / xp.sqrt(running_var._data.reshape(channel_shape) + eps)
        x_hat = (x - running_mean._data.reshape(channel_shape)) * rstd
    if x.dtype == np.float16 and type(x) is np.ndarray:
        running = None if training else (running_mean._data, running_var._data)
        out = _half_batch_norm(x, axes, channel_shape, eps, *(t if t is None else t._data for t in (weight, bias)),
                               running)
    else:
        out = x_hat if weight is None else x_hat * weight._data.reshape(channel_shape)
        out = out if bias is None else out + bias._data.reshape(channel_shape)
    vjp = _batch_norm_vjp(axes, channel_shape, eps, training)
    statistics = (None, None) if training else (running_mean.detach().clone(), running_var.detach().clone())
    return record(wrap(out.astype(x.dtype, copy=False)), "NativeBatchNormBackward0", (input, weight, bias), vjp,
                  saved=(input, weight) + statistics)


def _half_batch_norm(x, axes, channel_shape, eps, weight, bias, running):
    """float16 batch_norm as ATen's CPU kernels. The batch's statistics are computed in float32 and
    kept in half buffers when the parameters are half too (save_mean and save_invstd have the
    input's dtype). With input, weight and bias contiguous, the fast kernel then computes per
    channel y = x * alpha + beta, alpha = invstd * weight and beta = bias - mean * alpha, one fused
    multiply-add in float32 rounded once; otherwise the generic kernel computes
    (x - mean) * invstd * weight + bias in half, each step rounded (the running variance's
    1 / sqrt(var + eps) too)."""
    x32 = x.astype(np.float32)
    contiguous = all(a is None or a.flags.c_contiguous for a in (x, weight, bias))
    if running is None:
        mean = x32.mean(axis=axes)
        centered = x32 - mean.reshape(channel_shape)
        invstd = 1 / np.sqrt((centered * centered).mean(axis=axes) + np.float32(eps))
        if weight is None or weight.dtype == np.float16:
            mean, invstd = mean.astype(np.float16), invstd.astype(np.float16)
    elif contiguous:
        mean, invstd = running[0], 1 / np.sqrt(running[1].astype(np.float32) + np.float32(eps))
    else:
        mean, invstd = running[0], 1 / np.sqrt(running[1] + np.float16(eps))
    if not contiguous:
        out = (x - mean.reshape(channel_shape)) * invstd.reshape(channel_shape)
        out = out if weight is None else out * weight.reshape(channel_shape)
        return out if bias is None else out + bias.reshape(channel_shape)
    mean, invstd = mean.astype(np.float32), invstd.astype(np.float32)
    alpha = invstd if weight is None else invstd * weight.astype(np.float32)
    beta = -mean * alpha if bias is None else bias.astype(np.float32) - mean * alpha
    return fma32(x32, alpha.reshape(channel_shape), beta.reshape(channel_shape)).astype(np.float16)


def _batch_norm_vjp(axes, channel_shape, eps, training):
    def gradients(g, input, weight, xp, running_mean=None, running_var=None):
        if training:
            x_hat, rstd = _normalize(xp, input, axes, eps)
        else:
            rstd = 1 / xp.sqrt(running_var.reshape(channel_shape) + eps)
            x_hat = (input - running_mean.reshape(channel_shape)) * rstd
        scaled = g if weight is None else g * weight.reshape(channel_shape)
        if training:
            grad_input = rstd * (scaled - _mean(scaled, axes) - x_hat * _mean(scaled * x_hat, axes))
        else:
            grad_input = scaled * rstd
        return grad_input, None if weight is None else _sum(g * x_hat, axes), _sum(g, axes)

    def vjp(g, input, weight, running_mean, running_var):
        statistics = () if training else (running_mean, running_var)
        return _backward_node("NativeBatchNormBackwardBackward0", "batch_norm", gradients, (g, input, weight) + statistics)
    return vjp
