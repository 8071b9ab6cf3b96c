"""PyTorch's CPU sampling kernels on a ``CpuStream``: the same words, drawn in the same
order and transformed with the same arithmetic, so the values are PyTorch's bit for bit.

Each function names the ATen code it follows (``TransformationHelper.h``,
``DistributionsHelper.h``, ``cpu/DistributionTemplates.h``, ``TensorFactories.cpp``,
``Distributions.cpp``, ``cpu/MultinomialKernel.cpp``). Each returns its values in the
order drawn, for the caller to place (C order for a new tensor). Float16 too, except that large half normal fills may differ in the last bit where a
sample nearly cancels the mean (see ``float_kernels.box_muller_half``).
"""
from __future__ import annotations

import math

import numpy as np

from .cxx_selection import topk_indices
from .float_kernels import box_muller_double, box_muller_float, box_muller_half, fma32, fma64

_NORMAL_BLOCK = 16               # PyTorch fills 16 normals at a time from 16 uniforms
_FLOAT_BITS, _DOUBLE_BITS = 24, 53   # float and double mantissas; half draws its uniforms as float
# random_from_to draws a 64-bit word for int64, int32 and double from a range of 2**28 on (measured
# against PyTorch 2.13: below it a 32-bit word, as for every range of the narrower dtypes); float
# from 2**32 on (its ranges beyond 2**24 are refused with a warning in PyTorch, and not matched here)
_WIDE_FROM = {np.dtype(np.int64): 2 ** 28, np.dtype(np.int32): 2 ** 28, np.dtype(np.float64): 2 ** 28,
              np.dtype(np.float32): 2 ** 32}
_RANDPERM_SMALL = (2 ** 32 - 1) // 20   # below it randperm swaps with random() % (n - i)
_U64 = np.uint64


def uniform_floats(stream, n, np_dtype):
    """``uniform_real_distribution(0, 1)``: for double the low 53 bits of a 64-bit word over
    2**53, for float (and half) the low 24 bits of a word over 2**24."""
    if np.dtype(np_dtype) == np.float64:
        return (stream.words64(n) & _U64(2 ** _DOUBLE_BITS - 1)).astype(np.float64) * 2.0 ** -_DOUBLE_BITS
    return (stream.words(n) & _U64(2 ** _FLOAT_BITS - 1)).astype(np.float32) * np.float32(2.0 ** -_FLOAT_BITS)


def uniform(stream, n, np_dtype, low=0.0, high=1.0):
    """``uniform_`` (``rand`` is uniform on [0, 1)): x * (to - from) + from, with from and to
    first cast to the dtype; a value that rounds up to ``to`` becomes ``from``, so the
    interval stays half-open."""
    np_dtype = np.dtype(np_dtype)
    x = uniform_floats(stream, n, np_dtype)
    low, high = np_dtype.type(low), np_dtype.type(high)
    if low == 0 and high == 1:   # x * 1 + 0 is x: nothing to round but the cast
        values = x.astype(np_dtype, copy=False)
    elif np_dtype == np.float64:
        values = fma64(x, high - low, low)
    else:
        values = fma32(x, np.float32(high - low), np.float32(low)).astype(np_dtype)
    rounded_up = values >= high
    return np.where(rounded_up, low, values) if rounded_up.any() else values


def normal(stream, n, np_dtype, mean=0.0, std=1.0, one_at_a_time=False):
    """``normal_kernel``: fewer than 16 values (or any number ``one_at_a_time``, as for a
    non-contiguous tensor) one at a time in double, then cast (through float for half, as
    C++ casts); 16 and more in blocks of 16."""
    np_dtype = np.dtype(np_dtype)
    if n < _NORMAL_BLOCK or one_at_a_time:
        samples = fma64(_one_at_a_time(stream, n), std, mean)
        return samples if np_dtype == np.float64 else samples.astype(np.float32).astype(np_dtype)
    if np_dtype == np.float64:
        return _normal_fill(stream, n, np_dtype, lambda u: box_muller_double(u, mean, std))
    if np_dtype == np.float32:
        return _normal_fill(stream, n, np_dtype, lambda u: box_muller_float(u, np.float32(mean), np.float32(std)))
    return _normal_fill(stream, n, np_dtype, lambda u: box_muller_half(u, mean, std)).astype(np_dtype)


def _one_at_a_time(stream, n):
    """``normal_distribution<double>`` n times: each draw returns the generator's cached
    sample if it has one, else makes a Box-Muller pair from two double uniforms u1, u2
    (radius from u2, angle from u1), returns the cosine and caches the sine."""
    cached = []
    if n and stream.next_double_normal is not None:
        cached, stream.next_double_normal = [stream.next_double_normal], None
    needed = n - len(cached)
    pairs = uniform_floats(stream, 2 * ((needed + 1) // 2), np.float64).reshape(-1, 2)
    radius = np.sqrt(-2.0 * np.log1p(-pairs[:, 1]))
    theta = 2.0 * math.pi * pairs[:, 0]
    drawn = np.stack([radius * np.cos(theta), radius * np.sin(theta)], axis=1).reshape(-1)
    if needed % 2:
        stream.next_double_normal = float(drawn[-1])
    return np.concatenate([np.array(cached, np.float64), drawn[:needed]])


def _normal_fill(stream, n, np_dtype, transform):
    """``normal_fill``: uniforms transformed 16 at a time; a last partial block is redone
    from 16 fresh uniforms that overwrite the last 16 values. Float and double first draw
    n uniforms (the partial block's are drawn, then replaced); half draws block by block,
    so only the whole blocks' come first."""
    whole = n - n % _NORMAL_BLOCK
    uniforms = uniform_floats(stream, whole if np_dtype == np.float16 else n, np_dtype)
    out = np.empty(n, dtype=np.float64 if np_dtype == np.float64 else np.float32)
    out[:whole] = transform(uniforms[:whole])
    if whole < n:
        out[n - _NORMAL_BLOCK:] = transform(uniform_floats(stream, _NORMAL_BLOCK, np_dtype))
    return out


def integers(stream, n, np_dtype, low, high):
    """``random_from_to``: (word % (high - low)) + low; a 64-bit word for a wide range (_WIDE_FROM)."""
    np_dtype = np.dtype(np_dtype)
    span = high - low
    words = stream.words64(n) if span >= _WIDE_FROM.get(np_dtype, 2 ** 64) else stream.words(n)
    wrapped = (words % _U64(span) + _U64(low % 2 ** 64)).view(np.int64)   # int64 arithmetic, wrapping
    return wrapped.astype(np_dtype)


def full_range_integers(stream, n, np_dtype):
    """``random_()``: ``uniform_int_distribution``: bool the low bit; an integer dtype
    word % (max + 1); a float dtype word % (2**digits + 1), every integer it holds exactly.
    int64 and double take 64-bit words."""
    np_dtype = np.dtype(np_dtype)
    if np_dtype == np.bool_:
        return (stream.words(n) & _U64(1)).astype(np.bool_)
    wide = np_dtype in (np.dtype(np.int64), np.dtype(np.float64))
    words = stream.words64(n) if wide else stream.words(n)
    if np_dtype.kind == "f":
        modulus = 2 ** (np.finfo(np_dtype).nmant + 1) + 1
    else:
        modulus = int(np.iinfo(np_dtype).max) + 1
    return (words % _U64(modulus)).astype(np_dtype)


def bernoulli(stream, p, shape, np_dtype):
    """``bernoulli_``: 1 where a uniform is below p. A number p, or a float64 tensor of
    probabilities, compares double uniforms; other float probabilities float uniforms."""
    n = math.prod(shape)
    if isinstance(p, np.ndarray):
        p = np.broadcast_to(p, shape).reshape(-1)
        precision = np.float64 if p.dtype == np.float64 else np.float32
        draws = uniform_floats(stream, n, precision) < p.astype(precision)
    else:
        draws = uniform_floats(stream, n, np.float64) < p
    return draws.astype(np_dtype).reshape(shape)


def exponential(stream, n, np_dtype, rate):
    """``exponential_``: -1/lambda * log1p(-u) for double uniforms u."""
    return ((-1.0 / rate) * np.log1p(-uniform_floats(stream, n, np.float64))).astype(np_dtype)


def randperm(stream, n):
    """``randperm_cpu``: a Fisher-Yates shuffle of 0 .. n-1; small n swaps position i with
    i + random() % (n - i), larger n builds inside out with random64() % (i + 1)."""
    if n < _RANDPERM_SMALL:
        offsets = (stream.words(max(n - 1, 0)) % np.arange(n, 1, -1, dtype=_U64)).tolist()
        order = list(range(n))
        for i, offset in enumerate(offsets):
            j = i + offset
            order[i], order[j] = order[j], order[i]
        return np.array(order, dtype=np.int64)
    picks = (stream.words64(n) % np.arange(1, n + 1, dtype=_U64)).tolist()
    order = [0] * n
    for i, j in enumerate(picks):
        order[i] = order[j]
        order[j] = i
    return np.array(order, dtype=np.int64)


def multinomial(stream, weights, num_samples, replacement):
    """Sample indices per row of ``weights`` (2-d, validated). Without replacement, or for one
    sample, PyTorch races exponentials: the largest weight / Exp(1) wins (``Distributions.cpp``);
    with replacement it inverts each row's cumulative distribution (``MultinomialKernel.cpp``)."""
    if not replacement or num_samples == 1:
        race = weights / exponential(stream, weights.size, weights.dtype, 1.0).reshape(weights.shape)
        if num_samples == 1:
            return np.argmax(race, axis=1)[:, None]
        picks = np.argsort(-race, axis=1, kind="stable")[:, :num_samples]
        # zero weights all race to 0: where they reach the first num_samples places, their
        # order is the one PyTorch's topk leaves ties in
        for row in np.nonzero(np.count_nonzero(race, axis=1) < num_samples)[0]:
            picks[row] = topk_indices(race[row].tolist(), num_samples)
        return picks
    rows = []
    for row in weights:
        cumulative = np.cumsum(row, dtype=row.dtype)
        cumulative = cumulative / cumulative[-1]
        cumulative[-1] = 1
        rows.append(np.searchsorted(cumulative, uniform_floats(stream, num_samples, np.float64), side="left"))
    return np.array(rows, dtype=np.int64).reshape(len(weights), num_samples)
