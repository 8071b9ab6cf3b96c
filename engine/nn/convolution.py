"""Convolution and pooling as im2col over BLAS: torch.nn.functional.conv1d, conv2d, max_pool2d,
avg_pool2d and adaptive_avg_pool2d.

A convolution reads every (kernel-sized) window of its padded input. ``sliding_window_view`` gives
those windows as a strided view without copying; one reshape lays them out as the columns of a
matrix (im2col), and the convolution is one matrix product per group, done by BLAS. The gradient with
respect to the weight is the same product transposed; the gradient with respect to the input
(col2im) adds each window's gradient back where the window came from, one kernel offset at a time,
so its loop runs kernel_height * kernel_width times, never once per output pixel.

Pooling reads the same windows and takes their maximum or mean. Inputs without a batch dimension
are given one and lose it again, as PyTorch does (its graph then shows UnsqueezeBackward0 and
SqueezeBackward1 around the op).

Each gradient is itself an op with its own node (ConvolutionBackwardBackward0,
MaxPool2DWithIndicesBackwardBackward0 ...), as in PyTorch, so that backward with create_graph=True
gives second (and further) derivatives: a gradient is linear in the incoming one, and its
derivatives are again a convolution or a pooling.
"""
from __future__ import annotations

import itertools
import math

from ..autograd.grad_mode import is_grad_enabled
from ..autograd.graph import record, record_outputs, wants_gradient
from ..ops._util import check_tensor, xp_of
from ..ops.registry import defop
from ..tensor import wrap

F = "torch.nn.functional"


def _pair(value, n=2):
    """An int or a sequence of ints as an n-tuple (PyTorch's _pair / _single)."""
    if isinstance(value, (tuple, list)):
        return tuple(int(v) for v in value) if len(value) == n else tuple(int(value[0]) for _ in range(n))
    return (int(value),) * n


def _windows(xp, padded, kernel, stride, dilation):
    """The (N, C, *out, *kernel) view of every window of ``padded`` (N, C, *spatial), without a copy:
    one strided view, whose output places step by the stride and whose window elements step by the
    dilation (the window must fit: the callers check it, in PyTorch's words)."""
    steps = padded.strides[2:]
    out = tuple((size - d * (k - 1) - 1) // s + 1 for size, k, s, d in zip(padded.shape[2:], kernel, stride, dilation))
    return xp.lib.stride_tricks.as_strided(
        padded, padded.shape[:2] + out + tuple(kernel),
        padded.strides[:2] + tuple(st * s for st, s in zip(steps, stride)) + tuple(st * d for st, d in zip(steps, dilation)))


def _pad_spatial(xp, x, padding, value=0.0):
    """``x`` (N, C, *spatial) padded by ``padding`` (per spatial dim, a width or a (before, after)
    pair); ``x`` itself where every width is 0 (xp.pad would copy it)."""
    sides = tuple((p, p) if isinstance(p, int) else tuple(p) for p in padding)
    if not any(before or after for before, after in sides):
        return x
    return xp.pad(x, ((0, 0), (0, 0)) + sides, constant_values=value)


def _col2im(xp, window_grads, padded_shape, stride, dilation):
    """The gradient of the padded input: each window's gradient (*leading, *out, *kernel) added back at
    the places the window read, one kernel offset at a time (the leading dims, N and C or N, groups and
    C/groups, may be a strided view: no copy of the windows' gradients is made)."""
    grad = xp.zeros(padded_shape, dtype=window_grads.dtype)
    nd = len(stride)
    out = window_grads.shape[-2 * nd:-nd]
    kernel = window_grads.shape[-nd:]
    # per spatial dim, where the window elements at each kernel offset lie (made once, not per offset)
    places = [[slice(o * d, o * d + s * (m - 1) + 1, s) for o in range(k)]
              for k, d, s, m in zip(kernel, dilation, stride, out)]
    for offset, rows in zip(itertools.product(*map(range, kernel)), itertools.product(*places)):
        grad[(Ellipsis,) + rows] += window_grads[(Ellipsis,) + offset]
    return grad


def first_order_only(name, *tensors):
    """These gradients are computed on arrays, outside autograd. Under create_graph they would carry no
    history and a second derivative through them would be silently wrong, so it is refused instead."""
    if is_grad_enabled() and any(t is not None and t.requires_grad for t in tensors):
        raise NotImplementedError(f"the derivative of {name}'s gradient (backward with create_graph=True) is not "
                                  "implemented in tensorsh")


# -- convolution --------------------------------------------------------------------------------------

def _conv_padding(padding, kernel, dilation, nd):
    """PyTorch's padding argument as per-side (before, after) pairs: an int, a tuple, 'valid' or 'same'
    ('same' puts the odd extra element after, as PyTorch does)."""
    if padding == "valid":
        return ((0, 0),) * nd
    if padding == "same":
        total = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in total)
    if isinstance(padding, str):
        raise ValueError(f"Invalid padding string '{padding}'")
    return tuple((p, p) for p in _pair(padding, nd))


def _columns(xp, x, kernel, groups, stride, dilation):
    """im2col of x (N, C, *spatial), already padded: per group, a (C/groups * kernel, N * out) matrix
    whose column is one window, and the output's spatial shape. The kernel offsets are its rows and
    the output places its columns, so that the copy's inner loop runs along an input row (contiguous)
    rather than along a window's few elements: several times faster to lay out."""
    n, c = x.shape[:2]
    nd = len(kernel)
    windows = _windows(xp, x, kernel, stride, dilation)               # N, C, *out, *kernel
    out_shape = windows.shape[2:2 + nd]
    per_group = windows.reshape((n, groups, c // groups) + windows.shape[2:])
    axes = (1, 2) + tuple(range(3 + nd, 3 + 2 * nd)) + (0,) + tuple(range(3, 3 + nd))
    return per_group.transpose(axes).reshape(groups, -1, n * math.prod(out_shape)), out_shape


def _convolve(xp, x, w, groups, stride, dilation):
    """The im2col product: x (N, C, *spatial) already padded, w (O, C/groups, *kernel) -> (N, O, *out)."""
    n = x.shape[0]
    o = w.shape[0]
    cols, out_shape = _columns(xp, x, w.shape[2:], groups, stride, dilation)
    product = w.reshape(groups, o // groups, -1) @ cols                  # G, O/G, N*out
    result = product.reshape((groups, o // groups, n) + out_shape)
    result = result.transpose((2, 0, 1) + tuple(range(3, 3 + len(out_shape))))
    return xp.ascontiguousarray(result.reshape((n, o) + out_shape))


def _convolution_gradients(xp, g, x, w, groups, stride, dilation, needed):
    """(d input, d weight) of ``_convolve`` for the output gradient g (N, O, *out); x is padded.
    ``needed``: whether each is wanted (None in its place where not: PyTorch's output_mask, which
    spares a network's first layer the col2im of an input that requires no grad)."""
    n = x.shape[0]
    o, cg = w.shape[:2]
    nd = w.ndim - 2
    out_shape = g.shape[2:]
    g_rows = g.reshape((n, groups, o // groups) + out_shape)
    g_rows = g_rows.transpose((1, 2, 0) + tuple(range(3, 3 + nd))).reshape(groups, o // groups, -1)  # G, O/G, N*out
    grad_x = grad_w = None
    if needed[1]:
        cols, _ = _columns(xp, x, w.shape[2:], groups, stride, dilation)
        grad_w = (g_rows @ cols.transpose(0, 2, 1)).reshape(w.shape)
    if needed[0]:
        grad_cols = w.reshape(groups, o // groups, -1).transpose(0, 2, 1) @ g_rows   # G, C/G*kernel, N*out
        grad_cols = grad_cols.reshape((groups, cg) + w.shape[2:] + (n,) + out_shape)
        back = (2 + nd, 0, 1) + tuple(range(3 + nd, 3 + 2 * nd)) + tuple(range(2, 2 + nd))
        window_grads = grad_cols.transpose(back)                          # N, G, C/G, *out, *kernel: a view
        grad_x = _col2im(xp, window_grads, (n, groups, cg) + x.shape[2:], stride, dilation).reshape(x.shape)
    return grad_x, grad_w


def _check_conv(input, weight, groups, nd, name):
    check_tensor(input, name, "input", 1)
    check_tensor(weight, name, "weight", 2)
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got "
                           f"input of size: {list(input.shape)}")
    channels = input.shape[-nd - 1]
    if channels != weight.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
            f"{list(input.shape if input.ndim == nd + 2 else (1, *input.shape))} to have "
            f"{weight.shape[1] * groups} channels, but got {channels} channels instead")
    if weight.shape[0] % groups:
        raise RuntimeError("Given groups=%d, expected weight to be divisible by %d at dimension 0, but got "
                           "weight of size %s instead" % (groups, groups, list(weight.shape)))


def _conv(input, weight, bias, stride, padding, dilation, groups, nd, name):
    """conv1d / conv2d: unbatched inputs get a batch dimension, then ConvolutionBackward0 over
    (input, weight, bias)."""
    _check_conv(input, weight, groups, nd, name)
    if input.ndim == nd + 1:
        return _conv(input.unsqueeze(0), weight, bias, stride, padding, dilation, groups, nd, name).squeeze(0)
    stride, dilation = _pair(stride, nd), _pair(dilation, nd)
    sides = _conv_padding(padding, weight.shape[2:], dilation, nd)
    padded = [size + before + after for size, (before, after) in zip(input.shape[2:], sides)]
    spans = [d * (k - 1) + 1 for k, d in zip(weight.shape[2:], dilation)]
    if any(span > size for span, size in zip(spans, padded)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel size: "
                           f"({' x '.join(map(str, spans))}). Kernel size can't be greater than actual input size")
    return _convolution(input, weight, bias, (sides, stride, dilation, groups))


def _convolution(input, weight, bias, geometry):
    """The batched convolution with ``geometry`` = (per-side padding, stride, dilation, groups)."""
    sides, stride, dilation, groups = geometry
    xp = xp_of(input)
    x = _pad_spatial(xp, input._data, sides)
    out = _convolve(xp, x, weight._data.astype(x.dtype, copy=False), groups, stride, dilation)
    if bias is not None:
        out += bias._data.reshape((1, -1) + (1,) * len(sides))
    result = wrap(out)
    needed = (wants_gradient(input), wants_gradient(weight), bias is not None and wants_gradient(bias))

    def vjp(g, input, weight):
        return _convolution_backward(g, input, weight, geometry, needed)
    return record(result, "ConvolutionBackward0", (input, weight, bias), vjp, saved=(input, weight))


_ALL = (True, True, True)


def _convolution_backward(g, input, weight, geometry, needed=_ALL):
    """ConvolutionBackward0's gradients (input's, weight's, bias's; None for those ``needed`` says
    nobody wants) as an op of their own, ConvolutionBackwardBackward0 over (g, input, weight), so
    that create_graph=True differentiates them again. Each gradient is linear in g and in one of
    input and weight: its own derivatives are convolutions (for g) and this same backward with the
    other factor (for input and weight)."""
    sides, stride, dilation, groups = geometry
    xp = xp_of(g)
    padded = _pad_spatial(xp, input._data, sides)
    grad_x, grad_w = _convolution_gradients(xp, g._data, padded, weight._data.astype(padded.dtype, copy=False),
                                            groups, stride, dilation, needed)
    if grad_x is not None:
        grad_x = xp.ascontiguousarray(
            grad_x[(Ellipsis,) + tuple(slice(b, grad_x.shape[2 + i] - a) for i, (b, a) in enumerate(sides))])
    grad_b = g._data.sum(axis=(0,) + tuple(range(2, g.ndim))) if needed[2] else None
    outputs = tuple(None if grad is None else wrap(grad) for grad in (grad_x, grad_w, grad_b))

    def vjp(grads, g, input, weight):
        grad_g = grad_input = grad_weight = None
        if 0 in grads:   # d input = g convolved back through weight: linear in g and in weight
            grad_g = _convolution(grads[0], weight, None, geometry)
            grad_weight = _convolution_backward(g, grads[0], weight, geometry, (False, True, False))[1]
        if 1 in grads:   # d weight = g correlated with input: linear in g and in input
            through_input = _convolution(input, grads[1], None, geometry)
            grad_g = through_input if grad_g is None else grad_g + through_input
            grad_input = _convolution_backward(g, input, grads[1], geometry, (True, False, False))[0]
        if 2 in grads:   # d bias = g summed over all but the channels
            spread = grads[2].reshape((1, -1) + (1,) * len(sides)).expand(g.shape)
            grad_g = spread if grad_g is None else grad_g + spread
        return grad_g, grad_input, grad_weight
    _record_gradients(outputs, "ConvolutionBackwardBackward0", (g, input, weight), vjp, saved=(g, input, weight))
    return outputs


def _record_gradients(outputs, name, inputs, vjp, saved):
    """record_outputs over a backward's gradients. Those not computed (None) keep their place as
    constants, an empty array standing there, so that each gradient's output_nr is PyTorch's."""
    skipped = tuple(i for i, t in enumerate(outputs) if t is None)
    if skipped:
        computed = next(t for t in outputs if t is not None)
        empty = wrap(xp_of(computed).empty(0, dtype=computed._data.dtype))
        outputs = tuple(empty if t is None else t for t in outputs)
    record_outputs(outputs, name, inputs, vjp, saved=saved, constant=skipped)


@defop(method=False, namespace=F)
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """A 1-D convolution (cross-correlation) of (N, C, L) or (C, L) input with (O, C/groups, K) weight."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


@defop(method=False, namespace=F)
def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """A 2-D convolution (cross-correlation) of (N, C, H, W) or (C, H, W) input with (O, C/groups, KH, KW)
    weight; stride, padding ('valid', 'same', an int or a pair), dilation and groups as in PyTorch."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


# -- pooling ------------------------------------------------------------------------------------------

def _pool_geometry(input, kernel_size, stride, padding, dilation, ceil_mode):
    """(kernel, stride, padding, dilation, (before, after) pads): ceil_mode adds the extra padding after
    that lets a last, partial window start inside the input (never inside the right padding alone)."""
    kernel = _pair(kernel_size)
    stride = kernel if stride is None or stride == [] or stride == () else _pair(stride)
    padding, dilation = _pair(padding), _pair(dilation)
    for k, p in zip(kernel, padding):
        if p > k // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation=1")
    sides = []
    for size, k, s, p, d in zip(input.shape[-2:], kernel, stride, padding, dilation):
        span = d * (k - 1) + 1
        out = _pool_out(size, span, s, p, ceil_mode)
        sides.append((p, max(0, (out - 1) * s + span - size - p)))
    return kernel, stride, padding, dilation, tuple(sides)


def _pool_out(size, span, stride, padding, ceil_mode):
    length = size + 2 * padding - span
    out = (-(-length // stride) if ceil_mode else length // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    if out < 1:
        raise RuntimeError(f"Given input size: ({size}). Calculated output size: ({out}). Output size is too small")
    return out


def _check_pool_input(input):
    if input.ndim not in (3, 4):
        raise RuntimeError(f"non-empty 3D or 4D (batch mode) tensor expected for input, but got: {input.ndim}D")


def _as_batch(x):
    """The (N, C, H, W) data of a pooling input: a (C, H, W) input is pooled as a batch of one, its
    result and gradient reshaped back (PyTorch's pooling kernels take both; no view enters the graph)."""
    return x[None] if x.ndim == 3 else x


@defop(method=False, namespace=F)
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """The maximum of each (kernel-sized, strided) window (MaxPool2DWithIndicesBackward0); with
    return_indices also where each maximum is, as a flat index into its input plane."""
    check_tensor(input, "max_pool2d", "input", 1)
    _check_pool_input(input)
    geometry = _pool_geometry(input, kernel_size, stride, padding, dilation, ceil_mode)
    output, indices = _max_pool(input, geometry)
    return (output, indices) if return_indices else output


def _max_pool(input, geometry):
    kernel, stride, _, dilation, sides = geometry
    xp = xp_of(input)
    x = _as_batch(input._data)
    width = x.shape[3]
    padded = _pad_spatial(xp, x, sides, -xp.inf if x.dtype.kind == "f" else xp.iinfo(x.dtype).min)
    # a maximum's flat index in its input plane (row * width + column) is its window's first place
    # plus the step to the kernel offset where it lies: one constant per offset
    steps = [i * dilation[0] * width + j * dilation[1] for i in range(kernel[0]) for j in range(kernel[1])]
    values, step = _window_maxima(xp, _windows(xp, padded, kernel, stride, dilation), steps)
    oh, ow = values.shape[-2:]
    first = ((xp.arange(oh, dtype=xp.int64) * stride[0] - sides[0][0]) * width).reshape(-1, 1) \
        + (xp.arange(ow, dtype=xp.int64) * stride[1] - sides[1][0])
    index_tensor = wrap((first + step).reshape(input.shape[:-2] + (oh, ow)))
    result = wrap(values.reshape(index_tensor._data.shape))

    def vjp(g, input, indices):
        return (_max_pool_backward(g, input, indices),)
    return (record(result, "MaxPool2DWithIndicesBackward0", (input,), vjp, saved=(input, index_tensor)),
            index_tensor)


def _window_maxima(xp, windows, steps):
    """Each window's maximum, and the step (of ``steps``, one per kernel offset, row-major) to where
    it lies, as ATen's kernel picks it: it walks the window and moves to a value that is greater, or
    NaN (so the first of equal maxima, and the last NaN). One pass per kernel offset over strided
    views, where a copy of the windows and an argmax along their few elements cost several times more."""
    kw = windows.shape[-1]
    values = windows[..., 0, 0].copy()
    step = xp.full(values.shape, steps[0], dtype=xp.int64)
    floating = values.dtype.kind == "f"
    for offset in range(1, len(steps)):
        candidate = windows[..., offset // kw, offset % kw]
        moves = candidate > values
        if floating:
            moves |= xp.isnan(candidate)
        xp.copyto(values, candidate, where=moves)
        xp.copyto(step, steps[offset], where=moves)
    return values, step


def _max_pool_backward(g, input, indices):
    """Each window's gradient at its maximum, added up where windows overlap (a weighted bincount);
    MaxPool2DWithIndicesBackwardBackward0 over (g, input): the gradient is linear in g, and its own
    gradient for g picks each window's maximum out of the incoming one (input gets none)."""
    xp = xp_of(g)
    plane = input.shape[-2] * input.shape[-1]
    rows = math.prod(input.shape[:-2])
    where = indices._data.reshape(rows, -1) + (xp.arange(rows) * plane)[:, None]
    grad = xp.bincount(where.ravel(), weights=g._data.ravel(), minlength=rows * plane)
    result = wrap(grad.astype(g._data.dtype).reshape(input.shape))

    def vjp(gg, indices):
        return gg.flatten(-2).gather(-1, indices.flatten(-2)).reshape(indices.shape), None
    return record(result, "MaxPool2DWithIndicesBackwardBackward0", (g, input), vjp, saved=(indices,))


@defop(method=False, namespace=F)
def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """The mean of each window (AvgPool2DBackward0): over the whole kernel, zero padding included, unless
    count_include_pad=False; or the window's sum over divisor_override."""
    check_tensor(input, "avg_pool2d", "input", 1)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    _check_pool_input(input)
    geometry = _pool_geometry(input, kernel_size, stride, padding, 1, ceil_mode)
    return _avg_pool(input, geometry, count_include_pad, divisor_override)


def _avg_divisors(xp, shape, geometry, count_include_pad):
    """Each window's divisor: how many of its places lie inside the input (or inside the input and its
    declared padding, with count_include_pad), as ATen's avg_pool2d counts."""
    kernel, stride, padding, _, sides = geometry
    counts = []
    for size, k, s, p, (before, _), out in zip(shape, kernel, stride, padding, sides, _out_sizes(shape, geometry)):
        start = xp.arange(out) * s - before
        end = xp.minimum(start + k, size + p)
        if not count_include_pad:
            start, end = xp.maximum(start, 0), xp.minimum(end, size)
        else:
            start = xp.maximum(start, -p)
        counts.append(end - start)
    return counts[0][:, None] * counts[1][None, :]


def _out_sizes(shape, geometry):
    kernel, stride, _, _, sides = geometry
    return tuple((size + b + a - k) // s + 1 for size, k, s, (b, a) in zip(shape, kernel, stride, sides))


def _avg_pool(input, geometry, count_include_pad, divisor_override):
    kernel, stride, _, dilation, sides = geometry
    xp = xp_of(input)
    x = _as_batch(input._data)
    windows = _windows(xp, _pad_spatial(xp, x, sides), kernel, stride, dilation)
    averaging = (geometry, count_include_pad, divisor_override)
    pooled = (windows.sum(axis=(-2, -1)) / _avg_divisor(xp, x, averaging)).astype(x.dtype)
    result = wrap(pooled.reshape(input.shape[:-2] + pooled.shape[-2:]))

    def vjp(g, input):
        return (_avg_pool_backward(g, input, averaging),)
    return record(result, "AvgPool2DBackward0", (input,), vjp, saved=(input,))


def _avg_divisor(xp, x, averaging):
    """What each window's sum is divided by: divisor_override, or the count _avg_divisors makes."""
    geometry, count_include_pad, divisor_override = averaging
    if divisor_override is not None:
        return divisor_override
    return _avg_divisors(xp, x.shape[2:], geometry, count_include_pad).astype(x.dtype)


def _avg_pool_backward(g, input, averaging):
    """Each window's gradient over its divisor, spread back over the places it read;
    AvgPool2DBackwardBackward0 over (g, input): linear in g, whose own gradient is the same
    average pooling of the incoming one (input gets none)."""
    kernel, stride, _, dilation, sides = averaging[0]
    xp = xp_of(g)
    x, g_data = _as_batch(input._data), _as_batch(g._data)
    padded_shape = x.shape[:2] + tuple(s + b + a for s, (b, a) in zip(x.shape[2:], sides))
    spread = xp.broadcast_to((g_data / _avg_divisor(xp, x, averaging))[..., None, None], g_data.shape + kernel)
    grad = _col2im(xp, spread, padded_shape, stride, dilation)
    grad = grad[..., sides[0][0]:sides[0][0] + x.shape[2], sides[1][0]:sides[1][0] + x.shape[3]]
    result = wrap(xp.ascontiguousarray(grad).reshape(input.shape))

    def vjp(gg):
        return _avg_pool(gg, averaging[0], averaging[1], averaging[2]), None
    return record(result, "AvgPool2DBackwardBackward0", (g, input), vjp)


@defop(method=False, namespace=F)
def adaptive_avg_pool2d(input, output_size):
    """The mean over each of output_size's cells, cell i spanning [floor(i*H/OH), ceil((i+1)*H/OH)) as
    PyTorch's adaptive pooling does (AdaptiveAvgPool2DBackward0; an output of 1x1 is PyTorch's mean,
    MeanBackward1)."""
    check_tensor(input, "adaptive_avg_pool2d", "input", 1)
    size = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,) * 2
    size = tuple(input.shape[-2 + i] if s is None else int(s) for i, s in enumerate(size))
    if size == (1, 1):
        return input.mean((-2, -1), keepdim=True)
    _check_pool_input(input)
    return _adaptive_avg_pool(input, size)


def _cells(size, out):
    return [(i * size // out, -(-(i + 1) * size // out)) for i in range(out)]


def _adaptive_avg_pool(input, size):
    xp = xp_of(input)
    x = _as_batch(input._data)
    rows, cols = _cells(x.shape[2], size[0]), _cells(x.shape[3], size[1])
    out = xp.empty(x.shape[:2] + size, dtype=x.dtype)
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(cols):
            out[:, :, i, j] = x[:, :, r0:r1, c0:c1].mean(axis=(-2, -1))


    def vjp(g, input):
        return (_adaptive_avg_pool_backward(g, input, size),)
    return record(wrap(out.reshape(input.shape[:-2] + size)), "AdaptiveAvgPool2DBackward0", (input,), vjp,
                  saved=(input,))


def _adaptive_avg_pool_backward(g, input, size):
    """Each cell's gradient over its area, spread over the cell; AdaptiveAvgPool2DBackwardBackward0 over
    (g, input): linear in g, whose own gradient is the same adaptive pooling of the incoming one."""
    x, g_data = _as_batch(input._data), _as_batch(g._data)
    rows, cols = _cells(x.shape[2], size[0]), _cells(x.shape[3], size[1])
    grad = xp_of(g).zeros(x.shape, dtype=g._data.dtype)
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(cols):
            grad[:, :, r0:r1, c0:c1] += (g_data[:, :, i, j] / ((r1 - r0) * (c1 - c0)))[:, :, None, None]
    result = wrap(grad.reshape(input.shape))

    def vjp(gg):
        return _adaptive_avg_pool(gg, size), None
    return record(result, "AdaptiveAvgPool2DBackwardBackward0", (g, input), vjp)
