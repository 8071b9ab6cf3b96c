"""torch.nn.functional: the activation and loss functions a tensor tutorial meets.

Losses carry PyTorch's nodes (MseLossBackward0, NllLossBackward0 ...); cross_entropy is
log_softmax then nll_loss, as in PyTorch, so its graph is NllLossBackward0 over
LogSoftmaxBackward0.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .. import dtypes
from ..autograd.graph import record
from ..broadcasting import broadcast_shapes
from ..ops._util import _type_name, check_tensor, opmath, unsqueezed, vectorised_with_tail, xp_of
from ..ops.float_kernels import erf_float_vectorised, fma32
from ..autograd.grad_mode import no_grad
from ..ops.creation import empty_like, zeros_like
from ..ops.indexing import where
from ..ops.linalg import addmm_transposed, einsum, matmul
from ..ops.pointwise import (cosh, div, erf, exp, log, plus_scalar, sigmoid, sigmoid_backward, sub, tanh,
                             times_scalar, wrapped_number)
from ..ops.pointwise import relu as _relu
from ..ops.reduction import log_softmax as _log_softmax
from ..ops.reduction import softmax as _softmax
from ..ops.reduction import sum
from ..ops.registry import defop, export, exports
from ..tensor import Tensor, wrap
from .convolution import adaptive_avg_pool2d, avg_pool2d, conv1d, conv2d, max_pool2d  # noqa: F401
from .convolution import first_order_only
from .normalization import batch_norm, layer_norm  # noqa: F401
from .activations import elu, hardtanh, leaky_relu, logsigmoid, mish, relu6, selu, silu  # noqa: F401
from .activations import gradient_op

F = "torch.nn.functional"
for _op in (sigmoid, tanh):   # the same functions as torch.sigmoid, torch.tanh
    export(_op, namespace=F)


_REDUCTIONS = ("none", "mean", "sum")


def _not_implemented(kernel, dtype):
    return NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(dtype)}\'')


# -- activations ------------------------------------------------------------------------------------

@defop(method=False, namespace=F, name="relu")
def relu(input, inplace=False):
    """max(input, 0): torch.relu, or torch.relu_ with inplace=True (ReluBackward0)."""
    if inplace:
        return Tensor.relu_(check_tensor(input, "relu_", "input", 1))
    return _relu(input)


@defop(method=False, namespace=F)
def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold (SoftplusBackward0)."""
    if not input.dtype.is_floating_point:
        raise _not_implemented("softplus_cpu", input.dtype)
    x = opmath(input._data)   # float16 computes in float32 and rounds once, as ATen's kernel
    xp = xp_of(input)
    scaled = x * beta
    linear = scaled > threshold
    result = wrap(xp.where(linear, x, xp.log1p(xp.exp(xp.where(linear, 0, scaled))) / beta).astype(input._data.dtype))

    def vjp(g, input):
        return (softplus_backward(g, input, beta, threshold),)
    return record(result, "SoftplusBackward0", (input,), vjp, saved=(input,))


def softplus_backward(g, input, beta, threshold):
    """g * sigmoid(beta * x) below the threshold, g above it. Its gradient for x, as ATen's
    softplus_double_backward: sigmoid's gradient of gg * g at beta * x, times beta, below the threshold."""
    def double_backward(gg, g, input):   # ATen's formula, step for step
        scaled = times_scalar(input, beta)
        return (softplus_backward(gg, input, beta, threshold),
                times_scalar(sigmoid_backward(gg * g, None, sigmoid(scaled)) * (scaled < threshold), beta))
    return gradient_op("SoftplusBackwardBackward0",
                       lambda: where(input * beta > threshold, g, g * sigmoid(input * beta)), g, input, double_backward)


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


@defop(method=False, namespace=F)
def gelu(input, approximate="none"):
    """x * Φ(x), Φ the standard normal's distribution function; approximate='tanh' uses
    0.5 * x * (1 + tanh(sqrt(2/π) * (x + 0.044715 x³))) (GeluBackward0)."""
    check_tensor(input, "gelu", "input", 1)
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    if input.dtype is dtypes.float16 and type(input._data) is np.ndarray:
        result = wrap(_half_gelu(input._data, approximate))
    else:
        with no_grad():
            result = _gelu(input, approximate).detach()

    def vjp(g, input):
        return (gelu_backward(g, input, approximate),)
    return record(result, "GeluBackward0", (input,), vjp, saved=(input,))


def gelu_backward(g, input, approximate):
    """g * gelu'(x); its gradient for x, gg * g * gelu''(x)."""
    return gradient_op("GeluBackwardBackward0", lambda: g * _gelu_slope(input, approximate), g, input,
                       lambda gg, g, input: (gelu_backward(gg, input, approximate),
                                             gg * g * _gelu_curvature(input, approximate)))


_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)


def _gelu(x, approximate):
    if approximate == "tanh":
        return 0.5 * x * (1 + tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x ** 3)))
    return x * 0.5 * (1 + erf(x * (1 / math.sqrt(2))))


_GELU_TANH_BETA = np.float32(math.sqrt(2) * (2 / math.sqrt(math.pi)) * 0.5)
_GELU_TANH_KAPPA = np.float32(0.044715)


def _half_gelu(x, approximate):
    """float16 gelu as ATen's CPU kernel: in float32, rounded once. Exact gelu's vectorised loop
    uses PyTorch's own erf approximation, its scalar tail the C library's erf; the tanh form fuses
    x + kappa * x**3 and takes tanh, here in float64 rounded to float32 (NumPy's float32 tanh is
    less accurate than the Sleef one PyTorch calls)."""
    x = x.astype(np.float32)
    if approximate == "tanh":
        inner = _GELU_TANH_BETA * fma32(_GELU_TANH_KAPPA, x * x * x, x)
        return (np.float32(0.5) * x * (1 + np.tanh(inner.astype(np.float64)).astype(np.float32))).astype(np.float16)
    scaled = x * np.float32(1 / math.sqrt(2))
    vectorised = (x * np.float32(0.5) * (1 + erf_float_vectorised(scaled))).astype(np.float16)
    c_erf = np.asarray(_C_ERF(scaled), dtype=np.float64).astype(np.float32)
    return vectorised_with_tail(np, vectorised, (x * np.float32(0.5) * (1 + c_erf)).astype(np.float16), x)


_C_ERF = np.frompyfunc(math.erf, 1, 1)


def _gelu_slope(x, approximate):
    """d gelu / dx, written in tensor ops so that it has a gradient itself."""
    if approximate == "tanh":
        inner = _SQRT_2_OVER_PI * (x + 0.044715 * x ** 3)
        t = tanh(inner)
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x)
    return 0.5 * (1 + erf(x * (1 / math.sqrt(2)))) + x * exp(-0.5 * x * x) * (1 / math.sqrt(2 * math.pi))


def _gelu_curvature(x, approximate):
    """d² gelu / dx², ATen's gelu_double_backward step for step: φ(x) (2 - x²), φ the standard normal's
    density; for 'tanh', with u = β (x + κx³), t = tanh(u): 2 f'gh + g'fh + h'fg for f = x/2, g = 1 - t²,
    h = u' (the slope's three factors)."""
    if approximate == "tanh":
        return _gelu_tanh_curvature(x)
    squared = x * x
    density = times_scalar(exp(times_scalar(squared, -0.5)), _GELU_DENSITY)
    return times_scalar(density, 2) - squared * density


_GELU_DENSITY = 2 / math.sqrt(math.pi) * math.sqrt(0.5) * 0.5          # ATen's M_2_SQRTPI * M_SQRT1_2 * 0.5
_GELU_BETA, _GELU_KAPPA = math.sqrt(2) * (2 / math.sqrt(math.pi)) * 0.5, 0.044715


def _gelu_tanh_curvature(x):
    inner = times_scalar(x + times_scalar(x ** 3, _GELU_KAPPA), _GELU_BETA)
    t = tanh(inner)
    sech = div(wrapped_number(1, x), cosh(inner))
    f = times_scalar(x, 0.5)
    g = sub(wrapped_number(1, x), t * t)
    h = times_scalar(plus_scalar(times_scalar(x, 3 * _GELU_KAPPA) * x, 1), _GELU_BETA)
    g_prime = times_scalar(sech, 2) * (-sech * t) * h
    h_prime = times_scalar(times_scalar(x, 6 * _GELU_KAPPA), _GELU_BETA)
    return times_scalar(times_scalar(g, 0.5) * h, 2) + f * h * g_prime + f * g * h_prime


# -- layers ------------------------------------------------------------------------------------------

@defop(method=False, namespace=F)
def linear(input, weight, bias=None):
    """input @ weight.T + bias, made as PyTorch makes it: addmm on a matrix (AddmmBackward0, viewed back
    to the input's batch shape), matmul without a bias."""
    check_tensor(input, "linear", "input", 1)
    check_tensor(weight, "linear", "weight", 2)
    if bias is None:
        return matmul(input, weight.t())
    if input._data.ndim == 2:
        return addmm_transposed(bias, input, weight)
    rows = input.reshape(-1, input.shape[-1]) if input.ndim > 1 else input.unsqueeze(0)
    return addmm_transposed(bias, rows, weight).view(*input.shape[:-1], weight.shape[0])


@defop(method=False, namespace=F)
def bilinear(input1, input2, weight, bias=None):
    """y[..., o] = sum_ij input1[..., i] weight[o, i, j] input2[..., j] + bias[o], made as PyTorch makes
    it: one trilinear product of the inputs as matrices (TrilinearBackward0), viewed back to the batch
    shape, plus the bias."""
    for name, t in (("input1", input1), ("input2", input2), ("weight", weight)):
        check_tensor(t, "bilinear", name)
    _check_bilinear(input1, input2, weight, bias)
    rows1 = input1.reshape(-1, input1.shape[-1])
    rows2 = input2.reshape(-1, input2.shape[-1])
    product = record(wrap(xp_of(weight).einsum("ni,oij,nj->no", rows1._data, weight._data, rows2._data)),
                     "TrilinearBackward0", (rows1, weight, rows2), _trilinear_grads, saved=(rows1, weight, rows2))
    output = product.reshape(*input1.shape[:-1], weight.shape[0])
    return output if bias is None else output + bias


def _trilinear_grads(g, a, w, b):
    """The gradients of sum_ij a[n, i] w[o, i, j] b[n, j] (einsum, so that they differentiate again)."""
    return (einsum("no,oij,nj->ni", g, w, b), einsum("no,ni,nj->oij", g, a, b), einsum("no,oij,ni->nj", g, w, a))


def _check_bilinear(input1, input2, weight, bias):
    """ATen's checks, in its order and words."""
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and {input2.ndim}")
    for i in range(input1.ndim - 1):
        if input1.shape[i] != input2.shape[i]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {i}: got "
                               f"{input1.shape[i]} and {input2.shape[i]}")
    for k, t in ((1, input1), (2, input2)):
        if t.shape[-1] != weight.shape[k]:
            raise RuntimeError(f"bilinear(): input{k} size does not match weight size: got {t.shape[-1]} but "
                               f"expected {weight.shape[k]}")
    if bias is not None and bias.shape[-1] != weight.shape[0]:
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {bias.shape[-1]} but expected "
                           f"{weight.shape[0]}")


@defop(method=False, namespace=F)
def dropout(input, p=0.5, training=True, inplace=False):
    """Each element zeroed with probability p and the rest scaled by 1 / (1 - p), in training; the
    input itself otherwise. The mask is drawn as ATen draws it (bernoulli_(1 - p) on an empty tensor),
    so a seeded run zeroes the same elements as PyTorch's."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    if p == 1:
        return input.mul_(0) if inplace else input * zeros_like(input)
    noise = empty_like(input).bernoulli_(1 - p)
    noise.div_(1 - p)
    return input.mul_(noise) if inplace else input * noise


@defop(method=False, namespace=F, differentiable=False)
def one_hot(tensor, num_classes=-1):
    """An int64 tensor with one more dim, of num_classes (default: the largest class + 1): 1 at each
    element's class, 0 elsewhere."""
    check_tensor(tensor, "one_hot", "self", 1)
    if tensor.dtype != dtypes.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    xp = xp_of(tensor)
    t = tensor._data
    if t.size and t.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        if t.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(t.max()) + 1
    elif t.size and t.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return wrap((t[..., None] == xp.arange(num_classes)).astype(xp.int64))


@defop(method=False, namespace=F)
def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """The rows of ``weight`` that ``input``'s indices name (EmbeddingBackward0); the row at padding_idx
    gets no gradient."""
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding: max_norm, scale_grad_by_freq and sparse are not supported")
    if input.dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got torch.{_type_name(input.dtype)}Tensor instead (while checking "
                           "arguments for embedding)")
    rows = weight.shape[0]
    if padding_idx is not None and padding_idx < 0:
        padding_idx += rows
    indices = input._data
    if indices.size and (indices.min() < 0 or indices.max() >= rows):
        raise IndexError("index out of range in self")
    result = wrap(weight._data[indices])

    def vjp(g, input):
        first_order_only("embedding", g)
        xp = xp_of(g)
        flat = input._data.ravel()
        grad = xp.zeros((rows,) + g._data.shape[input._data.ndim:], dtype=g._data.dtype)
        _add_rows(xp, grad, flat, g._data.reshape((flat.size,) + grad.shape[1:]))
        if padding_idx is not None:
            grad[padding_idx] = 0
        return (wrap(grad),)
    return record(result, "EmbeddingBackward0", (weight,), vjp, saved=(input,))


def _add_rows(xp, grad, rows, values):
    """grad[rows] += values, adding (not overwriting) where a row repeats."""
    if xp is np:
        np.add.at(grad, rows, values)
    else:
        import cupyx   # noqa: PLC0415 - only on cuda, where cupy is installed
        cupyx.scatter_add(grad, rows, values)


@defop(method=False, namespace=F)
def pad(input, pad, mode="constant", value=None):
    """``pad`` = (left, right, top, bottom ...) elements added to the last dims, first pair last dim;
    negative amounts crop. mode='constant' fills with ``value`` (ConstantPadNdBackward0); 'reflect'
    mirrors the input about its edge elements and 'replicate' repeats them, over the last 1, 2 or 3
    dims (ReflectionPad2DBackward0 ...)."""
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.ndim}")
    amounts = tuple(int(a) for a in pad)
    if mode == "constant":
        return _constant_pad_nd(input, amounts, 0 if value is None else value)
    if mode == "circular":
        raise NotImplementedError("pad: mode 'circular' is not implemented in tensorsh")
    if mode not in _INDEXED_PADS:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    return _indexed_pad(input, amounts, mode)


def _constant_pad_nd(input, amounts, value):
    """The constant pad; its gradient is the opposite pad (a crop), itself a ConstantPadNdBackward0."""
    result = wrap(_constant_pad(xp_of(input), input._data, amounts, value))

    def vjp(g):
        return (_constant_pad_nd(g, tuple(-a for a in amounts), 0),)
    return record(result, "ConstantPadNdBackward0", (input,), vjp)


_INDEXED_PADS = {"reflect": "Reflection", "replicate": "Replication"}


def _indexed_pad(input, amounts, mode):
    """reflect and replicate: each padded dim read at the indices _pad_indices gives."""
    padded_dims = len(amounts) // 2
    if input.ndim not in (padded_dims + 1, padded_dims + 2) or padded_dims > 3:
        raise NotImplementedError(
            f"Padding size {len(amounts)} is not supported for {input.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    if any(n == 0 for n in input.shape[input.ndim - padded_dims - 1:]):
        raise RuntimeError(f"Expected {padded_dims + 1}D or {padded_dims + 2}D (batch mode) tensor with possibly 0 "
                           f"batch size and other non-zero dimensions for input, but got: {list(input.shape)}")
    for k in range(padded_dims):   # the checks, before any work
        _pad_indices(input.shape, amounts, k, mode)
    return _gather_pad(input, (amounts, mode))


def _pad_indices(shape, amounts, k, mode):
    """The input indices along dim -1-k that the padded (or cropped) dim reads."""
    size, (before, after) = shape[-1 - k], amounts[2 * k:2 * k + 2]
    if mode == "reflect" and (before >= size or after >= size):
        raise RuntimeError(f"Argument #{4 + 2 * k}: Padding size should be less than the corresponding input "
                           f"dimension, but got: padding ({before}, {after}) at dimension {len(shape) - 1 - k} "
                           f"of input {list(shape)}")
    if size + before + after < 1:
        raise RuntimeError(f"input ({'WHD'[k]}: {size}) is too small. Calculated output {'WHD'[k]}: "
                           f"{size + before + after}")
    places = np.arange(-before, size + after)
    if mode == "replicate":
        return np.clip(places, 0, size - 1)
    period = 2 * (size - 1) if size > 1 else 1   # reflect: ... 2 1 [0 1 2 3] 2 1 0 ...
    places = np.abs(places) % period
    return np.where(places >= size, period - places, places)


def _gather_pad(input, padding):
    """input read at the indices _pad_indices gives for ``padding`` = (amounts, mode), dim by dim: the
    ReflectionPad2DBackward0 (...) op. Its gradient adds each place's gradient back where it was read,
    the ReflectionPad2DBackwardBackward0 op, whose own gradient reads the same places again."""
    amounts, mode = padding
    xp = xp_of(input)
    data = input._data
    for k in range(len(amounts) // 2):
        data = xp.take(data, xp.asarray(_pad_indices(input.shape, amounts, k, mode)), axis=input.ndim - 1 - k)
    result = wrap(xp.ascontiguousarray(data))

    def vjp(g, input):
        return (_scatter_pad(g, input, padding),)
    return record(result, f"{_pad_node(padding)}Backward0", (input,), vjp, saved=(input,))


def _pad_node(padding):
    amounts, mode = padding
    return f"{_INDEXED_PADS[mode]}Pad{len(amounts) // 2}D"


def _scatter_pad(g, input, padding):
    amounts, mode = padding
    xp = xp_of(g)
    grad = g._data
    for k in range(len(amounts) // 2):
        axis = g.ndim - 1 - k
        moved = xp.moveaxis(grad, axis, 0)   # (padded size, rest): each row added to the row it read
        rest = math.prod(moved.shape[1:])
        rows = xp.asarray(_pad_indices(input.shape, amounts, k, mode))[:, None] * rest + xp.arange(rest)
        summed = xp.bincount(rows.ravel(), weights=moved.reshape(-1), minlength=input.shape[axis] * rest)
        grad = xp.moveaxis(summed.astype(grad.dtype).reshape((input.shape[axis],) + moved.shape[1:]), 0, axis)
    result = wrap(xp.ascontiguousarray(grad))

    def vjp(gg):
        return _gather_pad(gg, padding), None
    return record(result, f"{_pad_node(padding)}BackwardBackward0", (g, input), vjp)


def _constant_pad(xp, x, amounts, value):
    """x with amounts[2k], amounts[2k+1] elements of ``value`` before and after dim -1-k (cropped where
    negative): the padding first, then the crops, as one slice."""
    widths = [(0, 0)] * x.ndim
    crops = [slice(None)] * x.ndim
    for k in range(len(amounts) // 2):
        before, after = amounts[2 * k], amounts[2 * k + 1]
        dim = x.ndim - 1 - k
        widths[dim] = (max(before, 0), max(after, 0))
        crops[dim] = slice(max(-before, 0), x.shape[dim] + max(before, 0) + max(after, 0) - max(-after, 0))
    padded = xp.pad(x, widths, constant_values=value) if any(w != (0, 0) for w in widths) else x
    return xp.ascontiguousarray(padded[tuple(crops)])


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
    return record(result, "MseLossBackward0", (input, target), vjp, saved=(input, target),
                  on_arrays=input.dtype is target.dtype)


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
        return (grad * (unsqueezed(g, class_dim) if reduction == "none" else g),)
    # (PyTorch saves the operands it is made from; grad has the input's dtype, the result's)
    return record(result, node, (input,), vjp, saved=(grad,), on_arrays=True)


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


def _reduce(loss, reduction):
    """A loss's elements, their sum or their mean, as the reduction asks (one node each: SumBackward0,
    MeanBackward0)."""
    _check_reduction(reduction)
    return loss if reduction == "none" else loss.sum() if reduction == "sum" else loss.mean()


@defop(method=False, namespace=F)
def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """The mean (or sum, or each) of |input - target|: PyTorch builds it from abs and the reduction."""
    check_tensor(input, "l1_loss", "input", 1)
    check_tensor(target, "l1_loss", "target")
    if input.shape != target.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have "
                      "the same size.", UserWarning, stacklevel=2)
    return _reduce((input - target).abs(), _legacy_reduction(size_average, reduce, reduction))


def _reduced_loss(losses, reduction):
    """(the reduced loss array, the factor each element's gradient carries: 1, or 1/n for the mean)."""
    if reduction == "none":
        return losses, 1.0
    if reduction == "sum":
        return losses.sum(), 1.0
    return losses.mean(), 1.0 / max(losses.size, 1)


@defop(method=False, namespace=F)
def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """-(t log x + (1 - t) log(1 - x)) (times weight) for probabilities x, each log clamped at -100 as
    PyTorch does, then reduced (BinaryCrossEntropyBackward0)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    check_tensor(input, "binary_cross_entropy", "input", 1)
    if input.shape != target.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) "
                         "is deprecated. Please ensure they have the same size.")
    if weight is not None and weight.requires_grad:
        raise RuntimeError("The function 'binary_cross_entropy' is not differentiable with respect to argument "
                           "'weight'. This input cannot have requires_grad True.")
    x, t = input._data, target._data
    if ((x < 0) | (x > 1)).any():
        raise RuntimeError("all elements of input should be between 0 and 1")
    xp = xp_of(input)
    with np.errstate(divide="ignore"):
        losses = -(t * xp.maximum(xp.log(x), -100) + (1 - t) * xp.maximum(xp.log1p(-x), -100))
    if weight is not None:
        losses = losses * weight._data
    data, factor = _reduced_loss(losses, reduction)
    result = wrap(xp.asarray(data, dtype=x.dtype))

    def vjp(g, input, target, weight):   # ATen's: (x - t) / max(x (1 - x), 1e-12), times weight
        scale = g * factor if weight is None else g * factor * weight
        grad_input = scale * (input - target) / ((1 - input) * input).clamp(min=1e-12)
        grad_target = scale * (log(1 - input).clamp(min=-100) - log(input).clamp(min=-100))
        return grad_input, grad_target
    return record(result, "BinaryCrossEntropyBackward0", (input, target), vjp, saved=(input, target, weight))


@defop(method=False, namespace=F)
def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """binary_cross_entropy of sigmoid(input), computed stably from the logits as ATen does:
    (1 - t) x + (1 + (pos_weight - 1) t) (log(1 + exp(-|x|)) + max(-x, 0))
    (BinaryCrossEntropyWithLogitsBackward0)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    check_tensor(input, "binary_cross_entropy_with_logits", "input", 1)
    if input.shape != target.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    xp = xp_of(input)
    x, t = input._data, target._data
    softplus_of_minus_x = xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(-x, 0)
    log_weight = 1 if pos_weight is None else (pos_weight._data - 1) * t + 1
    losses = (1 - t) * x + log_weight * softplus_of_minus_x
    if weight is not None:
        losses = losses * weight._data
    data, factor = _reduced_loss(losses, reduction)
    result = wrap(xp.asarray(data, dtype=x.dtype))

    def vjp(g, input, target, weight, pos_weight):
        scale = g * factor if weight is None else g * factor * weight
        if pos_weight is None:
            return scale * (sigmoid(input) - target), scale * -input
        log_weight = (pos_weight - 1) * target + 1
        grad_input = scale * ((1 - target) - log_weight * sigmoid(-input))
        grad_target = scale * (-input + (pos_weight - 1) * (-input).clamp(min=0)
                               + (pos_weight - 1) * (-input.abs()).exp().log1p())
        return grad_input, grad_target
    return record(result, "BinaryCrossEntropyWithLogitsBackward0", (input, target), vjp,
                  saved=(input, target, weight, pos_weight))


def _times(t, c):
    """t * c for a number c as ATen multiplies by a Scalar (MulBackward1)."""
    return record(wrap(t._data * t._data.dtype.type(c)), "MulBackward1", (t,), lambda g: (g * c,))


__all__ = list(exports(F))
