"""Floating-point arithmetic as PyTorch's compiled CPU kernels round it, in NumPy.

Where PyTorch's kernels write ``a * b + c`` the compiler fuses it into one multiply-add
that rounds once; NumPy has no fused multiply-add, so ``fma32`` and ``fma64`` compute one
from exact pieces. ``box_muller_float`` is PyTorch's AVX2 float kernel for normal
samples (``normal_fill_16_AVX2``): the Cephes logarithm, sine and cosine of
``avx_mathfun.h``, operation by operation in float32, with the multiply-adds the
compiler fuses there. ``box_muller_double`` is the double kernel (``normal_fill_16``),
whose ``std::log``, ``std::cos`` and ``std::sin`` are the C library's, as NumPy's are.
``box_muller_half`` is the half kernel, which computes in float with the C library's
float functions; here those are the double ones rounded to float, which can differ from
the C library's in the last bit, so half samples near a cancellation (mean + a sample
close to -mean) may differ from PyTorch's by one unit in the last place.
"""
from __future__ import annotations

import math

import numpy as np

f32 = np.float32
_SPLITTER = 2.0 ** 27 + 1      # Veltkamp's constant: splits a double into two 26-bit halves
_FLOAT_TAIL_BITS = 29          # a double's mantissa bits below a float's
_HALFWAY = np.uint64(1 << (_FLOAT_TAIL_BITS - 1))
_TAIL_MASK = np.uint64((1 << _FLOAT_TAIL_BITS) - 1)


def _two_sum(a, b):
    """s, e with s = fl(a + b) and s + e = a + b exactly (Knuth)."""
    s = a + b
    b_part = s - a
    return s, (a - (s - b_part)) + (b - b_part)


def _split(a):
    t = _SPLITTER * a
    high = t - (t - a)
    return high, a - high


def _two_product(a, b):
    """p, e with p = fl(a * b) and p + e = a * b exactly (Dekker)."""
    p = a * b
    a_high, a_low = _split(a)
    b_high, b_low = _split(b)
    return p, ((a_high * b_high - p) + a_high * b_low + a_low * b_high) + a_low * b_low


def fma64(a, b, c):
    """``a * b + c`` in float64 rounded once (to within a rounding of the error terms, which
    decides the result only when it lies within 2**-100 of a tie)."""
    a, b, c = (np.asarray(v, dtype=np.float64) for v in (a, b, c))
    product, product_error = _two_product(a, b)
    total, sum_error = _two_sum(product, c)
    with np.errstate(invalid="ignore"):
        return total + (sum_error + product_error)


def fma32(a, b, c):
    """``a * b + c`` for float32 operands, rounded once to float32.

    The product is exact in float64 and the sum rounds once there; converting that to
    float32 would round twice, which differs from one rounding only when the float64 sum
    lands exactly halfway between two floats, so there it is nudged towards the exact sum."""
    product = np.asarray(a, np.float64) * np.asarray(b, np.float64)
    addend = np.broadcast_to(np.asarray(c, np.float64), product.shape)
    total = np.asarray(product + addend)
    halfway = (total.view(np.uint64) & _TAIL_MASK) == _HALFWAY
    if halfway.any():
        tie, error = _two_sum(product[halfway], addend[halfway])
        total[halfway] = np.where(error == 0, tie, np.nextafter(tie, np.where(error > 0, np.inf, -np.inf)))
    return total.astype(f32)


# -- avx_mathfun.h's Cephes constants ----------------------------------------------------------------

_LOG_POLYNOMIAL = tuple(map(f32, (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1,
                                  1.4249322787E-1, -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1,
                                  3.3333331174E-1)))
_LOG_Q1, _LOG_Q2 = f32(-2.12194440e-4), f32(0.693359375)
_SQRT_HALF = f32(0.707106781186547524)
_SMALLEST_NORMAL = f32(1.17549435e-38)
_EXPONENT_MASK, _HALF_BITS = 0x7F800000, int(np.array(0.5, f32).view(np.int32))
_FOUR_OVER_PI = f32(1.27323954473516)
_MINUS_PI_OVER_4_PARTS = tuple(map(f32, (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8)))
_COSINE_POLYNOMIAL = tuple(map(f32, (2.443315711809948E-005, -1.388731625493765E-003, 4.166664568298827E-002)))
_SINE_POLYNOMIAL = tuple(map(f32, (-1.9515295891E-4, 8.3321608736E-3, -1.6666654611E-1)))
_ONE, _HALF = f32(1), f32(0.5)


def _log_avx2(x):
    """``log256_ps`` for positive float32 ``x``: x = m * 2**e with m in [sqrt(1/2), sqrt(2)),
    then a polynomial in m - 1."""
    bits = np.maximum(x, _SMALLEST_NORMAL).view(np.int32)
    m = ((bits & ~_EXPONENT_MASK) | _HALF_BITS).view(f32)      # the mantissa in [0.5, 1)
    e = ((bits >> 23) - 0x7F).astype(f32) + _ONE
    small = m < _SQRT_HALF
    e = e - np.where(small, _ONE, f32(0))
    m = (m - _ONE) + np.where(small, m, f32(0))
    z = m * m
    y = np.full_like(m, _LOG_POLYNOMIAL[0])
    for coefficient in _LOG_POLYNOMIAL[1:]:
        y = fma32(y, m, coefficient)
    y = fma32(y * m, z, e * _LOG_Q1)
    y = y - z * _HALF
    return (m + y) + e * _LOG_Q2


def _sincos_avx2(x):
    """``sincos256_ps``: reduce |x| by the multiple j of pi/4 (Cody-Waite, in three parts),
    evaluate both polynomials and pick by j's octant; returns (sin, cos)."""
    sine_negative = np.signbit(x)
    x = np.abs(x)
    j = ((x * _FOUR_OVER_PI).astype(np.int32) + 1) & ~1
    y = j.astype(f32)
    for part in _MINUS_PI_OVER_4_PARTS:
        x = x + y * part
    sine_negative = sine_negative ^ ((j & 4) != 0)
    cosine_negative = (~(j - 2) & 4) != 0
    near_zero = (j & 2) == 0     # the sine polynomial gives the sine here, the cosine one the cosine
    z = x * x
    cosine = np.full_like(x, _COSINE_POLYNOMIAL[0])
    for coefficient in _COSINE_POLYNOMIAL[1:]:
        cosine = fma32(cosine, z, coefficient)
    cosine = fma32(cosine * z, z, -(z * _HALF)) + _ONE
    sine = np.full_like(x, _SINE_POLYNOMIAL[0])
    for coefficient in _SINE_POLYNOMIAL[1:]:
        sine = fma32(sine, z, coefficient)
    sine = fma32(sine * z, x, x)
    sin, cos = np.where(near_zero, sine, cosine), np.where(near_zero, cosine, sine)
    return np.where(sine_negative, -sin, sin), np.where(cosine_negative, -cos, cos)


def box_muller_float(uniforms, mean, std):
    """Normal samples from float32 uniforms in blocks of 16: each block's first 8 give the
    radii, its last 8 the angles; cosines fill the first half, sines the second."""
    blocks = uniforms.reshape(-1, 16)
    radius = np.sqrt(f32(-2) * _log_avx2(_ONE - blocks[:, :8]))
    sin, cos = _sincos_avx2(f32(2.0 * math.pi) * blocks[:, 8:])
    mean, std = f32(mean), f32(std)
    return np.concatenate([fma32(radius * cos, std, mean), fma32(radius * sin, std, mean)], axis=1).reshape(-1)


def box_muller_double(uniforms, mean, std):
    """``box_muller_float``'s blocks in float64, with the C library's functions."""
    blocks = uniforms.reshape(-1, 16)
    radius = np.sqrt(-2.0 * np.log(1.0 - blocks[:, :8]))
    theta = 2.0 * math.pi * blocks[:, 8:]
    return np.concatenate([fma64(radius * np.cos(theta), std, mean),
                           fma64(radius * np.sin(theta), std, mean)], axis=1).reshape(-1)


def box_muller_half(uniforms, mean, std):
    """``box_muller_float``'s blocks as PyTorch computes them for half: in float, with the
    C library's float functions (here double ones rounded), mean and std first made half."""
    blocks = uniforms.reshape(-1, 16)
    log = np.log((_ONE - blocks[:, :8]).astype(np.float64)).astype(f32)
    radius = np.sqrt(f32(-2) * log)
    theta = (f32(2.0 * math.pi) * blocks[:, 8:]).astype(np.float64)
    mean, std = f32(np.float16(mean)), f32(np.float16(std))
    cos, sin = np.cos(theta).astype(f32), np.sin(theta).astype(f32)
    return np.concatenate([fma32(radius * cos, std, mean), fma32(radius * sin, std, mean)], axis=1).reshape(-1)


# Abramowitz and Stegun's 7.1.26, the approximation of erf that PyTorch's vectorised float kernels use
_ERF_P = f32(0.3275911)
_ERF_COEFFICIENTS = tuple(f32(c) for c in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592))


def erf_float_vectorised(x):
    """erf of float32 ``x`` as ``Vectorized<float>::erf`` computes it (AVX2):
    sign(x) * (1 - r(t) * t * exp(-x*x)) with t = 1 / (1 + p|x|), r a polynomial in Horner's form,
    every multiply-add fused; exp is NumPy's float32 one where PyTorch has Sleef's (they rarely differ)."""
    x = np.asarray(x, dtype=f32)
    t = f32(1) / fma32(_ERF_P, np.abs(x), f32(1))
    r = np.full_like(t, _ERF_COEFFICIENTS[0])
    for coefficient in _ERF_COEFFICIENTS[1:]:
        r = fma32(r, t, coefficient)
    magnitude = fma32(-np.exp(-(x * x)) * t, r, f32(1))
    return np.where(np.signbit(x), -magnitude, magnitude).astype(f32)
