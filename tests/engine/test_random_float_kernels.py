"""The fused multiply-adds the random samplers use: ``a * b + c`` rounded once, checked
against exact rational arithmetic, on random operands and on the cases where rounding
twice would give another answer."""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from engine.ops.float_kernels import fma32, fma64


def rounded_to_float32(exact):
    """``exact`` (a Fraction) rounded to the nearest float32, ties to even."""
    guess = np.float32(float(exact))
    candidates = [np.nextafter(guess, np.float32(-np.inf)), guess, np.nextafter(guess, np.float32(np.inf))]
    return min(candidates, key=lambda f: (abs(Fraction(float(f)) - exact), int(np.array(f).view(np.int32)) & 1))


def test_fma32_rounds_once():
    rng = np.random.default_rng(0)
    a, b, c = (rng.standard_normal(2000).astype(np.float32) for _ in range(3))
    got = fma32(a, b, c)
    for x, y, z, result in zip(a, b, c, got):
        assert result == rounded_to_float32(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z)))


def test_fma32_where_the_double_sum_lands_on_a_tie():
    # (1 + 2**-23) * 1.5 is halfway between two floats; -2**-60 puts the exact sum just below
    # that tie, but the float64 sum rounds back onto it, and ties-to-even would round up
    a, b, c = np.float32(1 + 2 ** -23), np.float32(1.5), np.float32(-(2.0 ** -60))
    assert fma32(np.array([a]), b, c)[0] == np.float32(1.5 + 2 ** -23)
    assert fma32(np.array([a]), b, -c)[0] == np.float32(1.5 + 2 ** -22)


def test_fma64_rounds_once():
    rng = np.random.default_rng(1)
    a, b, c = (rng.standard_normal(2000) for _ in range(3))
    got = fma64(a, b, c)
    for x, y, z, result in zip(a, b, c, got):
        assert result == float(Fraction(x) * Fraction(y) + Fraction(z))
    # the product's low bits survive the cancellation, as only a fused multiply-add keeps them
    x = 1 + 2.0 ** -30
    assert fma64(np.array([x]), x, -1.0)[0] == 2.0 ** -29 + 2.0 ** -60
