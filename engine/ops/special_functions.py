"""The gamma family and its kin that NumPy lacks: lgamma, digamma, polygamma, mvlgamma, the Hurwitz
zeta function, entr and xlog1py (torch.special gives them their scipy names too: engine/special.py).

The kernels are vectorised over NumPy arrays and follow the classic methods (Cephes's, which
PyTorch's Math.h uses): a recurrence that moves the argument up to where an asymptotic series
converges, and a reflection for negative arguments. They compute in float64 and round once to the
input's dtype; lgamma calls the C library's, one element at a time, as erf does in pointwise.py."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .. import dtypes
from ..autograd.graph import record
from ..tensor import Tensor, wrap
from ._util import check_tensor, inplace, xp_of
from ._util import binary_arrays
from .pointwise import (_finish, _result_float, _special, _to_default_float, _unary, _unwrapped, _xp, erf, log1p,
                        plus_scalar, times_scalar, where)
from .registry import METHOD, defop

_EPSILON = np.finfo(np.float64).eps


def _bernoulli(count):
    """B_0 .. B_{count-1}, exactly (the Akiyama-Tanigawa algorithm)."""
    numbers, row = [], []
    for m in range(count):
        row.append(Fraction(1, m + 1))
        for j in range(m, 0, -1):
            row[j - 1] = j * (row[j - 1] - row[j])
        numbers.append(row[0])
    numbers[1] = -numbers[1]   # the algorithm gives B_1 = +1/2; the series below use none of the odd ones
    return numbers


_B = _bernoulli(30)
# digamma's asymptotic series: psi(x) ~ log x - 1/(2x) - sum B_2k / (2k x^2k), k = 1..7
_DIGAMMA_SERIES = [float(_B[2 * k] / (2 * k)) for k in range(1, 8)]
# the Euler-Maclaurin tail of the Hurwitz zeta function divides by (2k)! / B_2k, k = 1..12
_ZETA_DIVISORS = [float(math.factorial(2 * k) / _B[2 * k]) for k in range(1, 13)]


def _as_float64(x):
    return np.asarray(x, dtype=np.float64)


def _digamma(x):
    """psi(x): recurrence up to x >= 10, the asymptotic series there; reflection below 0 (with
    the fractional part in tan, for accuracy); -inf at +0, +inf at -0, NaN at negative integers."""
    x = _as_float64(x)
    negative = x < 0
    shifted = np.where(negative, 1 - x, x)
    result = np.zeros_like(shifted)
    for _ in range(10):
        small = shifted < 10
        result = np.where(small, result - 1 / np.where(small, shifted, 1), result)
        shifted = np.where(small, shifted + 1, shifted)
    z = 1 / (shifted * shifted)
    series = np.zeros_like(z)
    for coefficient in reversed(_DIGAMMA_SERIES):
        series = series * z + coefficient
    result = result + np.log(shifted) - 0.5 / shifted - series * z
    fraction = x - np.trunc(x)
    result = np.where(negative, result - math.pi / np.tan(math.pi * fraction), result)
    result = np.where(negative & (fraction == 0), np.nan, result)
    result = np.where(x == 0, np.copysign(np.inf, -x), result)
    return np.where(np.isposinf(x), np.inf, result)


def _zeta(x, q):
    """The Hurwitz zeta function sum_k (k + q)^-x, for x > 1: ten terms at least and up to q + k >= 10
    summed, then the Euler-Maclaurin tail; each element stops as soon as its next term is negligible."""
    x, q = np.broadcast_arrays(_as_float64(x), _as_float64(q))
    result = np.power(q, -x)
    done = np.zeros(x.shape, dtype=bool)
    a = q.copy()
    term = np.zeros_like(result)
    steps = int(max(9, np.nanmax(np.where(np.isfinite(q), 9 - q, 0), initial=0)) + 1) if q.size else 0
    for i in range(steps):
        going = ~done & ((i < 9) | (a <= 9))
        a = np.where(going, a + 1, a)
        term = np.where(going, np.power(a, -x), term)
        result = np.where(going, result + term, result)
        done |= going & (np.abs(term / result) < _EPSILON)
    w = a
    result = np.where(done, result, result + term * w / (x - 1) - 0.5 * term)
    rising, b, k = np.ones_like(result), term, 0.0
    for divisor in _ZETA_DIVISORS:
        rising = rising * (x + k)
        b = b / w
        t = rising * b / divisor
        result = np.where(done, result, result + t)
        done |= np.abs(t / result) < _EPSILON
        rising, b, k = rising * (x + k + 1), b / w, k + 2
    return _zeta_domain(x, q, result)


def _zeta_domain(x, q, result):
    """Cephes's answers outside the series' domain: inf at x = 1 and at the poles q = 0, -1, ...;
    NaN for x < 1, and for a negative q where q^-x is not real."""
    pole = (q <= 0) & (q == np.floor(q))
    result = np.where(pole, np.inf, result)
    result = np.where((q <= 0) & ~pole & (x != np.floor(x)), np.nan, result)
    result = np.where(x < 1, np.nan, result)
    return np.where(x == 1, np.inf, result)


def _trigamma(x):
    """psi'(x) as PyTorch computes it (its own short series, not the zeta function's, which would
    differ from it in the tenth digit): reflection below 1/2, six steps of the recurrence, then
    the asymptotic series to the x^-7 term."""
    x = _as_float64(x)
    reflect = x < 0.5
    sine = np.sin(math.pi * x)
    result = np.where(reflect, -(math.pi * math.pi) / (sine * sine), 0.0)
    y = np.where(reflect, 1 - x, x)
    for _ in range(6):
        result = result + 1 / (y * y)
        y = y + 1
    inverse_square = 1 / (y * y)
    result = result + (1 + 1 / (2 * y) + inverse_square * (1 / 6 - inverse_square * (1 / 30 - inverse_square / 42))) / y
    return np.where(reflect, -result, result)


def _polygamma(n, x):
    """psi^(n)(x): digamma for n = 0, trigamma for 1, (-1)^(n+1) n! zeta(n + 1, x) beyond."""
    if n == 0:
        return _digamma(x)
    if n == 1:
        return _trigamma(x)
    return (-1.0) ** (n + 1) * math.factorial(n) * _zeta(float(n + 1), x)


def _lgamma_scalar(x):
    """log|Gamma(x)|, inf at the poles (where the C library's raises)."""
    try:
        return math.lgamma(x)
    except ValueError:
        return math.inf


def _in_dtype(kernel):
    """A float64 kernel as the forward of an op: computed in float64, rounded once to x's dtype (on the
    host: a CUDA tensor's data goes there and back)."""
    def forward(xp, x):
        return _on_host(kernel, xp)(x).astype(x.dtype)
    return forward


def _on_host(kernel, xp):
    """kernel(*arrays) run by NumPy, its result given back in xp's arrays."""
    if xp is np:
        return lambda *arrays: np.asarray(kernel(*arrays))
    return lambda *arrays: xp.asarray(kernel(*(xp.asnumpy(a) if hasattr(a, "shape") else a for a in arrays)))


def _float_input(name, input):
    """input's data, in the default float dtype when integer or bool (as the unary ops compute)."""
    check_tensor(input, name, "input", 1)
    x = input._data
    return x if input.dtype.category == dtypes.FLOATING else x.astype(dtypes.get_default_dtype().np)


lgamma = _unary("lgamma", "LgammaBackward0", _special("gammaln", _lgamma_scalar),
                lambda g, x, y: g * digamma(x), exported_inplace=())
digamma = _unary("digamma", "DigammaBackward0", _in_dtype(_digamma), lambda g, x, y: g * polygamma(1, x),
                 exported_inplace=())


def _polygamma_of(name, n, input, out):
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"{name}(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    x = _float_input(name, input)
    result = wrap(_in_dtype(lambda a: _polygamma(n, a))(xp_of(input), x))
    record(result, "PolygammaBackward0", (input,), lambda g, input: (g * polygamma(n + 1, input),), saved=(input,))
    return _finish(result, out)


@defop(method=False)
def polygamma(n, input, *, out=None):
    """The n-th derivative of digamma: psi^(n)(input)."""
    return _polygamma_of("polygamma", n, input, out)


def _polygamma_method(self, n):
    return _polygamma_of("polygamma", n, self, None)


def _polygamma_method_(self, n):
    return inplace(self, _polygamma_method, n)


_polygamma_method.__name__ = _polygamma_method.__qualname__ = "polygamma"
_polygamma_method.__doc__ = "The n-th derivative of digamma of this tensor: ``polygamma(n, self)``."
_polygamma_method_.__name__ = _polygamma_method_.__qualname__ = "polygamma_"
_polygamma_method_.__doc__ = "In-place version of :func:`polygamma`."
defop(function=False, name="polygamma", inplace=_polygamma_method_)(_polygamma_method)


@defop(inplace=METHOD)
def mvlgamma(input, p):
    """The multivariate log-gamma function of dimension p: sum_j lgamma(input - j/2) + p(p-1)/4 log(pi)."""
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = _float_input("mvlgamma", input)
    offsets = np.arange(p, dtype=np.float64) / 2
    def kernel(x):
        values = np.frompyfunc(_lgamma_scalar, 1, 1)(np.subtract.outer(np.asarray(x, np.float64), offsets))
        return np.asarray(values, np.float64).sum(-1) + p * (p - 1) / 4 * math.log(math.pi)
    result = wrap(_on_host(kernel, xp_of(input))(x).astype(x.dtype))
    return record(result, "MvlgammaBackward0", (input,),
                  lambda g, input: (g * sum(digamma(input - j / 2) for j in range(p)),), saved=(input,))


def _entr(x):
    """-x log x; 0 at 0, -inf below it."""
    with np.errstate(all="ignore"):
        value = -x * np.log(np.where(x > 0, x, 1))
    return np.where(x > 0, value, np.where(x == 0, 0.0, np.where(np.isnan(x), np.nan, -np.inf)))


@defop(method=False, namespace="torch.special")
def entr(input, *, out=None):
    """The elementwise entropy -input * log(input): 0 at 0, -inf for a negative input."""
    x = _float_input("special_entr", input)
    result = wrap(_in_dtype(_entr)(xp_of(input), x))
    record(result, "SpecialEntrBackward0", (input,), lambda g, input: (g * -(1 + input.log()),), saved=(input,))
    return _finish(result, out)


@defop(method=False, namespace="torch.special")
def zeta(input, other, *, out=None):
    """The Hurwitz zeta function sum_k (k + other)^-input (the Riemann zeta function at other = 1)."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError("special_zeta(): argument 'self' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    a, b, rt = binary_arrays(input, other)
    a, b = _to_default_float(_unwrapped(a, input), rt), _to_default_float(_unwrapped(b, other), rt)
    dtype = _result_float(rt).np
    result = wrap(_on_host(_zeta, _xp(a, b))(a, b).astype(dtype))
    x_t, q_t = (t if isinstance(t, Tensor) else None for t in (input, other))
    node = "SpecialZetaBackward0" if x_t is not None and q_t is not None else (
        "SpecialZetaBackward2" if x_t is not None else "SpecialZetaBackward1")
    if x_t is not None and x_t.requires_grad:
        # PyTorch defines no derivative in x; its node raises when backward reaches it
        record(result, node, (x_t, q_t), _no_derivative_in_x)
    else:
        record(result, node, (x_t, q_t), lambda g, x, q: (None, g * -x * zeta(x + 1, q)), saved=(input, q_t))
    return _finish(result, out)


def _no_derivative_in_x(g):
    raise NotImplementedError("the derivative for 'zeta' is not implemented.")


@defop(method=False, namespace="torch.special")
def xlog1py(input, other, *, out=None):
    """input * log1p(other), and 0 where input is 0 (unless other is NaN)."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError("special_xlog1py(): argument 'self' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    a, b, rt = binary_arrays(input, other)
    a, b = _to_default_float(_unwrapped(a, input), rt), _to_default_float(_unwrapped(b, other), rt)
    xp = _xp(a, b)
    with np.errstate(all="ignore"):
        values = xp.where((a == 0) & ~xp.isnan(b), 0, a * xp.log1p(b))
    result = wrap(xp.asarray(values, dtype=_result_float(rt).np))
    x_t, y_t = (t if isinstance(t, Tensor) else None for t in (input, other))
    node = "SpecialXlog1PyBackward0" if x_t is not None and y_t is not None else (
        "SpecialXlog1PyBackward2" if x_t is not None else "SpecialXlog1PyBackward1")
    # a number operand is saved as itself: the vjp reads both operands from what is saved
    record(result, node, (x_t, y_t), lambda g, x, y: (
        g * log1p(y) if isinstance(y, Tensor) else g * math.log1p(y),
        g * x / (1 + y)), saved=(input, other))
    return _finish(result, out)


# The modified Bessel functions of the first kind, I0 and I1, and their scaled forms e^-|x| I(x):
# below _BESSEL_SWITCH the power series (all terms positive, so without cancellation), above it
# the asymptotic expansion e^x / sqrt(2 pi x) sum_k (-1)^k prod_j (mu - (2j-1)^2) / (k! (8x)^k),
# whose smallest term there is below e^-2x, far under float64's resolution.
_BESSEL_SWITCH = 30.0
_SERIES_TERMS = 90
_ASYMPTOTIC_TERMS = 40


def _bessel_series(x, order):
    """I_order(x), order 0 or 1, by its power series sum (x/2)^(2k+order) / (k! (k+order)!)."""
    quarter_square = x * x / 4
    term = np.where(order == 0, 1.0, x / 2) * np.ones_like(x)
    total = term.copy()
    for k in range(1, _SERIES_TERMS):
        term = term * quarter_square / (k * (k + order))
        total = total + term
    return total


def _bessel_scaled_asymptotic(x, order):
    """e^-x I_order(x) for large positive x, by the asymptotic expansion."""
    mu = 4.0 * order * order
    term = np.ones_like(x)
    total = term.copy()
    for k in range(1, _ASYMPTOTIC_TERMS):
        term = term * -(mu - (2 * k - 1) ** 2) / (k * 8 * x)
        total = total + term
    return total / np.sqrt(2 * math.pi * x)


def _bessel(order, scaled):
    """A kernel for I0, I1 (scaled or not): even in x for order 0, odd for order 1."""
    def kernel(x):
        x = _as_float64(x)
        a = np.abs(x)
        large = a > _BESSEL_SWITCH
        small_a = np.where(large, 0.0, a)
        large_a = np.where(large, a, _BESSEL_SWITCH + 1)
        with np.errstate(over="ignore", invalid="ignore"):
            series = _bessel_series(small_a, order)
            series = series * np.exp(-small_a) if scaled else series
            asymptotic = _bessel_scaled_asymptotic(large_a, order)
            asymptotic = asymptotic if scaled else asymptotic * np.exp(large_a)
            value = np.where(large, asymptotic, series)
            value = np.where(np.isinf(a), 0.0 if scaled else np.nan, value)   # PyTorch's NaN: inf times 0
        return np.where(np.isnan(x), np.nan, np.copysign(value, x) if order == 1 else value)
    return kernel


_i0, _i0e, _i1, _i1e = _bessel(0, False), _bessel(0, True), _bessel(1, False), _bessel(1, True)


def _special_unary(name, node, kernel, grad):
    """A torch.special function of one tensor (no Tensor method), from its float64 kernel."""
    op = _unary(name, node, _in_dtype(kernel), grad, public=False)
    return defop(method=False, namespace="torch.special", name=name)(op)


def _nonzero(x):
    return where(x == 0, 1.0, x)


i0 = _unary("i0", "I0Backward0", _in_dtype(_i0), lambda g, x, y: g * i1(x), exported_inplace=("i0_",))
i0e = _special_unary("i0e", "SpecialI0EBackward0", _i0e, lambda g, x, y: g * (i1e(x) - x.sign() * i0e(x)))
i1 = _special_unary("i1", "SpecialI1Backward0", _i1,
                    lambda g, x, y: g * where(x == 0, 0.5, i0(x) - i1(x) / _nonzero(x)))
i1e = _special_unary("i1e", "SpecialI1EBackward0", _i1e,
                     lambda g, x, y: g * where(x == 0, 0.5, i0e(x) - i1e(x) * (x.sign() + 1 / _nonzero(x))))


# The normal distribution's functions and the scaled complementary error function.
_SQRT1_2 = math.sqrt(0.5)
_SQRT_2PI = math.sqrt(2 * math.pi)
_ERFCX_SWITCH = 10.0
_erfc_elementwise = np.frompyfunc(math.erfc, 1, 1)


def _erfc(x):
    return np.asarray(_erfc_elementwise(_as_float64(x)), dtype=np.float64)


def _erfcx(x):
    """exp(x^2) erfc(x): the product directly below 10 (inf where exp overflows, as PyTorch's), above
    it the asymptotic series 1/(x sqrt(pi)) sum_k (-1)^k (2k-1)!! / (2x^2)^k, which erfc's
    underflow would otherwise ruin."""
    x = _as_float64(x)
    large = x >= _ERFCX_SWITCH
    small_x = np.where(large, 0.0, x)
    large_x = np.where(large, x, _ERFCX_SWITCH)
    with np.errstate(over="ignore", invalid="ignore"):
        direct = np.exp(small_x * small_x) * _erfc(small_x)
    term, total = np.ones_like(large_x), np.ones_like(large_x)
    for k in range(1, 40):
        term = term * -(2 * k - 1) / (2 * large_x * large_x)
        total = total + term
    asymptotic = total / (large_x * math.sqrt(math.pi))
    return np.where(np.isnan(x), np.nan, np.where(large, np.where(np.isposinf(x), 0.0, asymptotic), direct))


def _log_ndtr(x):
    """log of the normal distribution function, as PyTorch computes it: through erfcx below -1 (where
    the function itself underflows), through log1p above."""
    x = _as_float64(x)
    t = x * _SQRT1_2
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = np.log(_erfcx(-np.where(x < -1, t, -1.0)) / 2) - t * t
        upper = np.log1p(-_erfc(np.where(x < -1, 0.0, t)) / 2)
    return np.where(x < -1, lower, upper)


def _ndtri(p):
    """The inverse of the normal distribution function: Abramowitz and Stegun's 26.2.23 estimate in the
    lower half (the upper by symmetry, 1 - p being exact there), polished by Newton's method on log ndtr,
    whose slope ndtr/phi is erfcx's: good to the last bits down to the smallest p."""
    p = _as_float64(p)
    upper = p > 0.5
    q = np.where(upper, 1 - p, p)
    inside = (q > 0) & (q <= 0.5)
    q_safe = np.where(inside, q, 0.25)
    t = np.sqrt(-2 * np.log(q_safe))
    x = -(t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308))))
    log_q = np.log(q_safe)
    for _ in range(8):
        mills = 0.5 * _SQRT_2PI * _erfcx(-x * _SQRT1_2)   # ndtr(x) / phi(x)
        x = x - (_log_ndtr(x) - log_q) * mills
    x = np.where(q_safe == 0.5, 0.0, x)
    x = np.where(upper, -x, x)
    x = np.where(p == 0, -np.inf, np.where(p == 1, np.inf, x))
    return np.where((p < 0) | (p > 1) | np.isnan(p), np.nan, x)


erfcx = _special_unary("erfcx", "SpecialErfcxBackward0", _erfcx,
                       lambda g, x, y: g * (2 * x * erfcx(x) - 2 / math.sqrt(math.pi)))
log_ndtr = _special_unary("log_ndtr", "SpecialLogNdtrBackward0", _log_ndtr,
                          lambda g, x, y: g / _SQRT_2PI * (-(log_ndtr(x) + x * x / 2)).exp())
ndtri = _special_unary("ndtri", "SpecialNdtriBackward0", _ndtri,
                       lambda g, x, y: g * _SQRT_2PI * (ndtri(x) * ndtri(x) / 2).exp())


@defop(method=False, namespace="torch.special")
def ndtr(input, *, out=None):
    """The standard normal distribution function: the area under its density left of input. Composed
    as PyTorch composes it, (1 + erf(input / sqrt 2)) / 2, so that its values and nodes are those."""
    check_tensor(input, "special_ndtr", "input", 1)
    x = input if input.dtype.category == dtypes.FLOATING else input.to(dtypes.get_default_dtype())
    return _finish(times_scalar(plus_scalar(erf(times_scalar(x, _SQRT1_2)), 1), 0.5), out)
