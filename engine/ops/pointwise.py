"""Pointwise ops: arithmetic, comparisons, logic and elementwise functions, each beside its gradient.

Gradients are written with the same differentiable ops (``g * b``), so that
``create_graph=True`` gives higher derivatives for free. Broadcasting is undone
centrally by the backward engine, never here.
"""
from __future__ import annotations

import builtins
import math
import operator

import numpy as np

from .. import dtypes
from ..autograd import graph as _graph
from ..autograd.grad_mode import state as _grad_mode
from ..autograd.graph import node_type, record, record_checked, wants_gradient
from ..broadcasting import broadcast_shapes
from ..device import module_of
from ..tensor import Tensor, wrap
from ._util import (C_TYPE_NAMES, _type_name, binary_arrays, check_tensor, inplace, is_scalar, opmath, refuse_complex,
                    same_dtype, same_dtypes, vectorised_with_tail, with_compiled_tail, write_out, xp_of)
from .float_kernels import fma32, fma64
from .indexing import where   # where(cond, a, b) lives with the indexing ops; gradients here use it
from .registry import EXPORTED, METHOD, defop, export
from .shape import cat, narrow

# torch.nan, torch.inf, torch.pi, torch.e
nan, inf, pi, e = math.nan, math.inf, math.pi, math.e
for _name in ("nan", "inf", "pi", "e"):
    export(globals()[_name], name=_name)


def _tensors(a, b):
    """The op's inputs for the graph: Python scalars appear as None, as in PyTorch."""
    return (a if isinstance(a, Tensor) else None, b if isinstance(b, Tensor) else None)


def _finish(result, out, check=None):
    return result if out is None else write_out(out, result, check)


def _xp(*arrays):
    """The array module of the first array among ``arrays`` (operands may be Python scalars)."""
    for a in arrays:
        if type(a) is np.ndarray:
            return np
        if hasattr(a, "__cuda_array_interface__"):
            return module_of(a)
    return np


def _not_implemented(kernel, dtype):
    """ATen's error for a kernel that has no loop for ``dtype``."""
    return NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(dtype)}\'')


def _zeros(g):
    """A zero gradient shaped like ``g`` (ops whose derivative is zero almost everywhere)."""
    return wrap(xp_of(g).zeros_like(g._data))


def _to_default_float(a, rt):
    """Integer and bool operands of float functions compute in the default float dtype."""
    if rt.category >= dtypes.FLOATING:
        return a
    return a.astype(dtypes.get_default_dtype().np) if hasattr(a, "astype") else a


def _unwrapped(array, operand):
    """A Python scalar operand as itself, not wrapped around into an integer dtype."""
    return array if isinstance(operand, Tensor) else operand


def _invalid_arguments(name, *args):
    """The first line of PyTorch's overload-mismatch TypeError."""
    while args and args[-1] is None:   # defaults left out
        args = args[:-1]
    got = ", ".join("Tensor" if isinstance(a, Tensor) else type(a).__name__ for a in args)
    return TypeError(f"{name}() received an invalid combination of arguments - got ({got}), but expected one of:")


def _check_castable(result_dtype, self):
    """In-place ops check that self can hold the result before running the kernel."""
    if not dtypes.can_cast(result_dtype, self.dtype):
        raise RuntimeError(f"result type {_type_name(result_dtype)} can't be cast to the desired output "
                           f"type {_type_name(self.dtype)}")


def _not_differentiable(result, op, inputs):
    """PyTorch's ``NotImplemented`` node: backward through it is an error."""
    def vjp(g):
        raise RuntimeError(f"derivative for aten::{op} is not implemented")
    return record(result, "NotImplemented", tuple(t for t in inputs if isinstance(t, Tensor)), vjp)


# -- float16 with a number, as ATen's reduced-float kernels compute it -------------------------------

_HALF = dtypes.float16
_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _second_is_number(input, other):
    """Whether ``input`` op ``other`` is a tensor with a number, as ATen's ``iter.is_scalar(2)`` sees
    it: ``other`` a Python scalar or a 0-d CPU tensor (only the second operand counts)."""
    if not isinstance(input, Tensor):
        return False
    return is_scalar(other) or (isinstance(other, Tensor) and other._data.ndim == 0 and other.device.type == "cpu")


def _half_by_number(compute, a, number):
    """float16 ``a`` multiplied or divided by a number as ATen's mul and div kernels do for half: in
    float32 (half's opmath type) with the number's own value converted once to float32, never first
    rounded to half as NumPy would (``x * 0.1`` differs in a third of the elements), and the result
    rounded once."""
    value = number._data if isinstance(number, Tensor) else number
    if -_FLOAT32_MAX <= value <= _FLOAT32_MAX:
        value = np.float32(value)
    else:
        with np.errstate(over="ignore"):   # a number beyond float32's range is inf there too
            value = np.float32(value)
    return compute(a.astype(np.float32), value).astype(np.float16)


def _rounded_quotient_of(input, other, a, b, rt, mode):
    """div with rounding_mode and floor_divide; float16 by a number computes in float32 as true division does."""
    if rt is _HALF and _second_is_number(input, other):
        return _half_by_number(lambda x, y: _rounded_quotient(x, y, dtypes.float32, mode), a, other)
    return _rounded_quotient(a, b, rt, mode)


def plus_scaled(a, b, alpha, rt):
    """a + alpha * b as ATen's CPU kernel computes it: for float32 and float64 its fused multiply-add
    (``_fused_plus_scaled``), for float16 as ``_half_plus_scaled`` says, and as written for the other
    dtypes and on CUDA (whose kernels are not PyTorch's CPU ones)."""
    if rt is _HALF:
        return _half_plus_scaled(_xp(a, b), a, b, alpha)
    if (rt is dtypes.float32 or rt is dtypes.float64) and _xp(a, b) is np:
        return _fused_plus_scaled(a, b, alpha, rt.np)
    return a + b * alpha


def _fused_plus_scaled(a, b, alpha, dtype):
    """``fma(b, alpha, a)``, rounded once, where ``a + b * alpha`` would round the product and then the
    sum (one value in about 60 differs in the last bit: SGD's update is this op). alpha and a number
    operand are rounded to ``dtype`` first, as ATen casts them. With a single-element ``b`` ATen's loop
    rounds the product alone in part of its tail (``with_compiled_tail``)."""
    a, b = np.asarray(a, dtype=dtype), np.asarray(b, dtype=dtype)
    alpha = dtype.type(alpha)
    fused = _fma(b, alpha, a)
    if b.size == 1 and a.size > 1:
        return with_compiled_tail(np, fused, a + b * alpha, a, b)
    return fused


def _fma(x, y, z):
    """x * y + z rounded once, in z's dtype (float32 or float64); where float64's exact pieces give no
    finite value (they overflow near the range's end, or meet infinities), the plain x * y + z, whose
    infinities and NaN those are."""
    x = np.broadcast_to(x, np.broadcast_shapes(np.shape(x), np.shape(y), np.shape(z)))
    if z.dtype == np.float32:
        return fma32(x, y, z)
    fused = fma64(x, y, z)
    unfinished = ~np.isfinite(fused)
    return np.where(unfinished, x * y + z, fused) if unfinished.any() else fused


def _half_plus_scaled(xp, a, b, alpha):
    """float16 ``a + alpha * b`` as ATen's add kernel: alpha rounded to half like the operands; the
    vectorised loop computes in float32 and rounds once, its scalar tail in half arithmetic, which
    rounds the product and then the sum (as NumPy's half does)."""
    a, b = xp.asarray(a, dtype=np.float16), xp.asarray(b, dtype=np.float16)
    alpha = np.float16(alpha)
    rounded_once = (a.astype(np.float32) + b.astype(np.float32) * np.float32(alpha)).astype(np.float16)
    return vectorised_with_tail(xp, rounded_once, xp.asarray(a + b * alpha), a, b)


# -- arithmetic ------------------------------------------------------------------------------

@defop(inplace=METHOD)
def add(input, other, *, alpha=1, out=None):
    """input + alpha * other, with broadcasting and PyTorch's type promotion."""
    a, b, rt = binary_arrays(input, other)
    if rt is dtypes.bool:   # bool + bool is logical or
        result = wrap(a | b)
    elif alpha != 1:
        result = record(wrap(plus_scaled(a, b, alpha, rt)), "AddBackward0", _tensors(input, other),
                        lambda g: (g, g * alpha), on_arrays=True)
    else:   # (these gradients are the result's, whatever the inputs' dtypes: fitting casts them)
        result = record(wrap(a + b), "AddBackward0", _tensors(input, other), _add_grads, on_arrays=True)
    return _finish(result, out)


def _add_grads(g):
    """input + other's gradients (alpha 1): the output's, to both."""
    return g, g


def _is_bool(x):
    return x.__class__ is builtins.bool or (isinstance(x, Tensor) and x._data.dtype == np.bool_)


def _check_bool_subtraction(input, other):
    input_bool, other_bool = _is_bool(input), _is_bool(other)
    if input_bool and other_bool:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if input_bool or other_bool:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")


@defop("subtract", inplace=METHOD)
def sub(input, other, *, alpha=1, out=None):
    """input - alpha * other."""
    _check_bool_subtraction(input, other)
    a, b, rt = binary_arrays(input, other)
    data = a - b if alpha == 1 else plus_scaled(a, b, -alpha, rt)
    result = record(wrap(data), "SubBackward0", _tensors(input, other), lambda g: (g, _negated(g, alpha)),
                    on_arrays=True)
    return _finish(result, out)


def _negated(g, alpha):
    """-g * alpha, the gradient of the subtracted operand, as ATen's maybe_multiply makes it: ``-g`` for
    alpha 1, a product with a number for another (under create_graph=True: NegBackward0, MulBackward1)."""
    if alpha == 1:
        return -g
    return times_scalar(-g, alpha) if isinstance(g, Tensor) else -g * alpha




@defop(method=False)
def rsub(input, other, *, alpha=1):
    """other - alpha * input (``2 - x``)."""
    _check_bool_subtraction(input, other)
    a, b, rt = binary_arrays(input, other)
    data = b - a if alpha == 1 else plus_scaled(b, a, -alpha, rt)
    return record(wrap(data), "RsubBackward1", (input,), lambda g: (_negated(g, alpha),), on_arrays=True)


# Steps of ATen's C++ formulas with a number, whose nodes differ from a script's: there ``t * c``,
# ``t + c`` and ``t - c`` are mul, add and sub (Tensor, Scalar), MulBackward1, AddBackward1 and
# SubBackward1 over t alone (a script wraps the number as a tensor: MulBackward0 ...), and in
# ``1 - t`` or ``1 / t`` the number is a wrapped 0-d tensor, SubBackward0 over (None, t) (a
# script's 1 - t is rsub: RsubBackward1).

def times_scalar(t, c):
    return record(wrap(t._data * c), "MulBackward1", (t,), lambda g: (g * c,))


def plus_scalar(t, c):
    return record(wrap(t._data + c), "AddBackward1", (t,), lambda g: (g,))


def minus_scalar(t, c):
    return record(wrap(t._data - c), "SubBackward1", (t,), lambda g: (g,))


def wrapped_number(c, like):
    return wrap(xp_of(like).asarray(c))


@defop("multiply", inplace=METHOD)
def mul(input, other, *, out=None):
    """input * other."""
    a, b, rt = binary_arrays(input, other)
    if rt is _HALF and _second_is_number(input, other):
        result = wrap(_half_by_number(operator.mul, a, other))
    else:
        result = wrap(a & b if rt is dtypes.bool else a * b)   # bool * bool is logical and
    return _finish(_record_mul(result, input, other, same_dtypes(rt, input, other)), out)


def _record_mul(result, input, other, on_arrays):
    """MulBackward0 on ``result``, saving what PyTorch saves: other for self's gradient, self only
    for other's."""
    input_needs = isinstance(input, Tensor) and wants_gradient(input)
    other_needs = isinstance(other, Tensor) and wants_gradient(other)
    return record(result, "MulBackward0", _tensors(input, other), _MUL_GRADS[input_needs, other_needs],
                  saved=(other if input_needs else None, input if other_needs else None), on_arrays=on_arrays)


def _record_fast_mul(self, other, result):
    """_record_mul for the operator fast path's result, whose checks record would make: ``other`` is
    a tensor of self's dtype or a Python number there, and no forward_ad level is open (so an input
    wants a gradient exactly when it requires grad)."""
    if other.__class__ is not Tensor:   # a number: self's gradient reads it
        return record_checked(result, _MUL_BACKWARD, (self, None), _mul_grad_of_input, True, (other, None))
    input_needs, other_needs = self._requires_grad, other._requires_grad
    return record_checked(result, _MUL_BACKWARD, (self, other), _MUL_GRADS[input_needs, other_needs], True,
                          (other if input_needs else None, self if other_needs else None))


# MulBackward0's vjps, one for each pair (input needs a gradient, other needs one): (grad, other, input),
# the saved values, to the inputs' gradients
def _mul_grads(g, other, input):
    return g * other, g * input


def _mul_grad_of_input(g, other, _):
    return g * other, None


def _mul_grad_of_other(g, _, input):
    return None, g * input


_MUL_GRADS = {(True, True): _mul_grads, (True, False): _mul_grad_of_input, (False, True): _mul_grad_of_other,
              (False, False): lambda g, *_: (None, None)}
_MUL_BACKWARD = node_type("MulBackward0")




@defop("divide", "true_divide", inplace=METHOD)
def div(input, other, *, rounding_mode=None, out=None):
    """input / other: true division (integers give the default float dtype) unless rounding_mode
    is 'trunc' or 'floor'."""
    a, b, rt = binary_arrays(input, other)
    if rounding_mode is None:
        if rt is _HALF and _second_is_number(input, other):
            result = wrap(_half_by_number(operator.truediv, a, other))
        else:
            if rt.category != dtypes.FLOATING:   # computes in floats: a Python int divisor keeps its value
                a, b = _to_default_float(_unwrapped(a, input), rt), _to_default_float(_unwrapped(b, other), rt)
            result = wrap(a / b)
        record(result, "DivBackward0", _tensors(input, other),
               lambda g, input, other: (g / other, -g * input / (other * other)), saved=(input, other),
               on_arrays=same_dtypes(rt, input, other))
    elif rounding_mode in ("trunc", "floor"):
        data = _rounded_quotient_of(input, other, a, b, rt, rounding_mode)
        result = record(wrap(data), "DivBackward2", _tensors(input, other), lambda g, *_: (_zeros(g), _zeros(g)),
                        saved=(input, other))   # only as PyTorch does: a second backward is an error
    else:
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"'{rounding_mode}'")
    return _finish(result, out)




def _check_integer_divisor(a, b, rt):
    """Integer division by zero is an error in PyTorch (floats give inf or nan), unless there is
    nothing to divide."""
    if rt.category == dtypes.FLOATING or getattr(a, "size", 1) == 0 or getattr(b, "size", 1) == 0:
        return
    if (b == 0).any() if hasattr(b, "any") else b == 0:
        raise RuntimeError("ZeroDivisionError")


def _rounded_quotient(a, b, rt, mode):
    """a / b rounded toward -inf ('floor') or toward zero ('trunc'), in dtype ``rt``."""
    if rt is dtypes.bool or rt.category == dtypes.COMPLEX:
        raise _not_implemented("div_floor_cpu" if mode == "floor" else "div_trunc_cpu", rt)
    xp = _xp(a, b)
    if rt.category == dtypes.FLOATING:
        return xp.floor_divide(a, b) if mode == "floor" else xp.trunc(a / b)
    _check_integer_divisor(a, b, rt)
    q = xp.floor_divide(a, b)
    return q if mode == "floor" else q + ((q < 0) & (q * b != a))


@defop(inplace=METHOD, differentiable=False)
def floor_divide(input, other, *, out=None):
    """input // other (PyTorch records it as NotImplemented: it has no derivative)."""
    a, b, rt = binary_arrays(input, other)
    result = wrap(_rounded_quotient_of(input, other, a, b, rt, "floor"))
    return _finish(_not_differentiable(result, "floor_divide", (input, other)), out)


@defop(inplace=METHOD)
def remainder(input, other, *, out=None):
    """input % other with the sign of other (Python's modulo)."""
    a, b, rt = binary_arrays(input, other)
    if rt is dtypes.bool or rt.category == dtypes.COMPLEX:
        raise _not_implemented("remainder_cpu", rt)
    _check_integer_divisor(a, b, rt)
    xp = _xp(a, b)
    if rt.category == dtypes.FLOATING:   # as ATen: fmod, then + other where the signs differ (-2 % 2 is -0.)
        r = xp.fmod(a, b)
        result = wrap(xp.where((r != 0) & ((r < 0) != (b < 0)), r + b, r).astype(rt.np, copy=False))
    else:
        result = wrap(xp.remainder(a, b))
    if not isinstance(input, Tensor):
        result = _not_differentiable(result, "remainder", (other,))
    elif isinstance(other, Tensor):
        record(result, "RemainderBackward1", (input, other),
               lambda g, input, other: (g, -g * div(input, other, rounding_mode="floor")), saved=(input, other))
    else:
        record(result, "RemainderBackward0", (input,), lambda g: (g,))
    return _finish(result, out)


@defop(inplace=METHOD)
def fmod(input, other, *, out=None):
    """input % other with the sign of input (C's fmod)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"fmod() received an invalid combination of arguments - got ({type(input).__name__}, "
                        f"{type(other).__name__}), but expected one of:\n * (Tensor input, Tensor other, *, Tensor "
                        "out = None)\n * (Tensor input, Number other, *, Tensor out = None)\n")
    a, b, rt = binary_arrays(input, other)
    if rt is dtypes.bool or rt.category == dtypes.COMPLEX:
        raise _not_implemented("fmod_cpu", rt)
    _check_integer_divisor(a, b, rt)
    result = wrap(_xp(a, b).fmod(a, b))
    if isinstance(other, Tensor):
        record(result, "FmodBackward1", (input, other),
               lambda g, input, other: (g, -g * div(input, other, rounding_mode="trunc")), saved=(input, other))
    else:
        record(result, "FmodBackward0", (input,), lambda g: (g,))
    return _finish(result, out)


def _rdiv(self, other):
    """other / self, as PyTorch computes it: reciprocal(self) * other."""
    return mul(reciprocal(self), other)


@defop(inplace=METHOD)
def pow(input, exponent, *, out=None):
    """input ** exponent; the node is PowBackward0 (scalar exponent), 1 (tensor) or 2 (scalar base)."""
    if not isinstance(input, Tensor):
        return _finish(_scalar_pow(input, exponent), out)
    a, b, rt = binary_arrays(input, exponent)
    if not isinstance(exponent, Tensor):
        if rt.category == dtypes.INTEGER and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        result = wrap(a | (not exponent) if rt is dtypes.bool else a ** b)
        if exponent == 0:
            return _finish(record(result, "PowBackward0", (input,), lambda g, _: (_zeros(g),), saved=(input,)), out)
        power = _conj_number(exponent)
        # on arrays where NumPy computes as the Tensor path does: one dtype throughout, and not half,
        # whose Tensor path keeps a Python number in float32 where NumPy would round it to half
        return _finish(record(result, "PowBackward0", (input,), lambda g, input: (g * power * input ** (power - 1),),
                              saved=(input,), on_arrays=input.dtype is rt and rt is not dtypes.float16), out)
    result = wrap(_power(a, b, rt))
    return _finish(record(result, "PowBackward1", (input, exponent),
                          lambda g, input, exponent, result: (g * exponent * input ** (exponent - 1),
                                                              g * result * log(input)),
                          saved=(input, exponent, result)), out)


@defop()
def float_power(input, exponent, *, out=None):
    """input ** exponent computed in float64 (the operands converted first, as PyTorch does)."""
    if type(input) is not Tensor and type(exponent) is not Tensor:
        raise _invalid_arguments("float_power", input, exponent)
    base = input.double() if type(input) is Tensor else builtins.float(input)
    power = exponent.double() if type(exponent) is Tensor else builtins.float(exponent)
    return pow(base, power, out=out)


def _power(a, b, rt):
    """Elementwise a ** b with tensor exponents: integer powers with negative exponents give
    PyTorch's answers (1 for base 1, +-1 for base -1, else 0) instead of NumPy's error."""
    if rt is dtypes.bool:
        raise _not_implemented("pow", rt)
    if rt.category >= dtypes.FLOATING:
        return a ** b
    xp = _xp(a, b)
    negative = b < 0
    if not negative.any():
        return a ** b
    powers = a ** xp.where(negative, 0, b)
    at_negative = xp.where(a == 1, 1, xp.where(a == -1, 1 - 2 * (b & 1), 0)).astype(powers.dtype)
    return xp.where(negative, at_negative, powers)


def _scalar_pow(base, exponent):
    a, b, rt = binary_arrays(base, exponent)
    result = wrap(_power(xp_of(exponent).asarray(a, dtype=rt.np), b, rt))
    log_base = _conj_number(complex(np.log(complex(base))) if isinstance(base, builtins.complex)
                            else float(np.log(base)))
    return record(result, "PowBackward2", (exponent,), lambda g, result: (g * result * log_base,),
                  saved=(result,))


def _conj_number(value):
    """A Python number in a vjp's closure, conjugated as record conjugates saved values: a complex
    constant of a holomorphic op's derivative enters its gradient conjugated."""
    return value.conjugate() if isinstance(value, builtins.complex) else value


@defop("negative", inplace=EXPORTED)
def neg(input, *, out=None):
    """-input."""
    if input.dtype is dtypes.bool:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    return _finish(record(wrap(-input._data), "NegBackward0", (input,), lambda g: (-g,), on_arrays=True), out,
                   same_dtype)




@defop(inplace=EXPORTED)
def reciprocal(input, *, out=None):
    """1 / input."""
    a = _to_default_float(input._data, input.dtype)
    result = wrap(1 / a)
    return _finish(record(result, "ReciprocalBackward0", (input,), lambda g, result: (-g * result * result,),
                          saved=(result,)), out)


# -- binary functions with gradients -----------------------------------------------------------

def _float_operands(fn, input, other):
    """Both operands as tensors (PyTorch's ``Tensor other`` overloads), promoted, integers as floats."""
    check_tensor(input, fn, "input", 1)
    check_tensor(other, fn)
    a, b, rt = binary_arrays(input, other)
    if rt.category == dtypes.COMPLEX:
        raise _not_implemented(fn + "_cpu", rt)
    return _to_default_float(a, rt), _to_default_float(b, rt)


@defop("arctan2", inplace=METHOD)
def atan2(input, other, *, out=None):
    """The angle of the point (other, input), elementwise."""
    a, b = _float_operands("atan2", input, other)
    result = wrap(_xp(a).arctan2(a, b))

    def vjp(g, input, other):
        scale = g / (input * input + other * other)
        return (scale * other, -scale * input)
    return _finish(record(result, "Atan2Backward0", (input, other), vjp, saved=(input, other)), out)




def _float_binary(name, node, compute, grads, kernel, inplace=None):
    """A binary function of two tensors computed in floats (integers refused by ``kernel``, as ATen does)."""
    def op(input, other, *, out=None):
        check_tensor(input, name, "input", 1)
        check_tensor(other, name)
        a, b, rt = binary_arrays(input, other)
        if rt.category != dtypes.FLOATING:
            raise _not_implemented(kernel, rt)
        result = wrap(compute(_xp(a, b), a, b))
        return _finish(record(result, node, (input, other), grads, saved=(input, other, result)), out)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise {name} of two tensors."
    return defop(name=name, inplace=inplace)(op)


hypot = _float_binary("hypot", "HypotBackward0", lambda xp, a, b: xp.hypot(a, b),
                      lambda g, x, y, r: (g * x / r, g * y / r), "hypot_cpu", inplace=METHOD)
logaddexp = _float_binary("logaddexp", "LogaddexpBackward0", lambda xp, a, b: xp.logaddexp(a, b),
                          lambda g, x, y, r: (g / (1 + exp(y - x)), g / (1 + exp(x - y))), "logaddexp_cpu")
logaddexp2 = _float_binary("logaddexp2", "Logaddexp2Backward0", lambda xp, a, b: xp.logaddexp2(a, b),
                           lambda g, x, y, r: (g / (1 + 2 ** (y - x)), g / (1 + 2 ** (x - y))), "logaddexp2_cpu")


def _picking(name, node, pick, grads, doc):
    """maximum, minimum, fmax, fmin: elementwise, the value of one of two tensors;
    ``grads(g, input, other)`` says which input each element's gradient goes to."""
    def op(input, other, *, out=None):
        check_tensor(input, name, "input", 1)
        check_tensor(other, name)
        a, b, rt = binary_arrays(input, other)
        if rt.category == dtypes.COMPLEX:   # complex numbers have no order
            raise RuntimeError(f"{name} not implemented for complex tensors.")
        result = wrap(pick(_xp(a, b), a, b))
        return _finish(record(result, node, (input, other), grads, saved=(input, other)), out)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return defop(name=name)(op)


def _ties_split(loses):
    """maximum / minimum: ties split the gradient in half, as PyTorch does."""
    def grads(g, input, other):
        shared = where(input == other, g / 2, g)
        return where(loses(input, other), 0, shared), where(loses(other, input), 0, shared)
    return grads


def _to_the_picked(wins):
    """fmax / fmin: the gradient goes whole to the value picked (ties to input; NaN loses)."""
    def grads(g, input, other):
        picked = wins(input, other) | isnan(other)
        return where(picked, g, 0), where(picked, 0, g)
    return grads


maximum = _picking("maximum", "MaximumBackward0", lambda xp, a, b: xp.maximum(a, b), _ties_split(lambda x, y: x < y),
                   "Elementwise maximum of two tensors (NaN propagates).")
minimum = _picking("minimum", "MinimumBackward0", lambda xp, a, b: xp.minimum(a, b), _ties_split(lambda x, y: x > y),
                   "Elementwise minimum of two tensors (NaN propagates).")
fmax = _picking("fmax", "FmaxBackward0", lambda xp, a, b: xp.fmax(a, b), _to_the_picked(lambda x, y: x >= y),
                "Elementwise fmax of two tensors, ignoring NaN.")
fmin = _picking("fmin", "FminBackward0", lambda xp, a, b: xp.fmin(a, b), _to_the_picked(lambda x, y: x <= y),
                "Elementwise fmin of two tensors, ignoring NaN.")


@defop(inplace=METHOD)
def copysign(input, other, *, out=None):
    """|input| with the sign of other (integers compute in the default float dtype)."""
    a, b, rt = binary_arrays(input, other)
    if rt.category == dtypes.COMPLEX:
        raise _not_implemented("copysign_cpu", rt)
    a, b = _to_default_float(a, rt), _to_default_float(_unwrapped(b, other), rt)
    result = wrap(_xp(a, b).copysign(a, b))

    tensor_other = isinstance(other, Tensor)

    def vjp(g, input, result):   # d|x|·sign(y)/dx = result / x, and 0 at x = 0
        self_grad = g * where(input == 0, 0, result / where(input == 0, 1, input))
        return (self_grad, _zeros(g)) if tensor_other else (self_grad,)
    return _finish(record(result, "CopysignBackward0" if tensor_other else "CopysignBackward1",
                          (input, other) if tensor_other else (input,), vjp, saved=(input, result)), out)


@defop(inplace=EXPORTED)
def xlogy(input, other, *, out=None):
    """input * log(other), and 0 where input is 0 (unless other is NaN)."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(str(_invalid_arguments("xlogy", input, other)) + _XLOGY_SIGNATURES)
    a, b, rt = binary_arrays(input, other)
    if rt.category == dtypes.COMPLEX:
        raise _not_implemented("xlogy_cpu", rt)
    a, b = _to_default_float(_unwrapped(a, input), rt), _to_default_float(_unwrapped(b, other), rt)
    xp = _xp(a, b)
    result = wrap(xp.asarray(xp.where((a == 0) & ~xp.isnan(b), 0, a * xp.log(b)), dtype=_result_float(rt).np))

    if isinstance(input, Tensor) and isinstance(other, Tensor):
        record(result, "XlogyBackward0", (input, other),
               lambda g, input, other: (_xlogy_self_grad(g, input, other), _xlogy_other_grad(g, input, other)),
               saved=(input, other))
    elif isinstance(input, Tensor):   # other is a number
        record(result, "XlogyBackward2", (input,), lambda g, input: (_xlogy_self_grad(g, input, other),),
               saved=(input,))
    else:                         # input is a number
        record(result, "XlogyBackward1", (other,), lambda g, other: (_xlogy_other_grad(g, input, other),),
               saved=(other,))
    return _finish(result, out)


def _xlogy_self_grad(g, input, other):
    return g * xlogy(input != 0, other)


def _xlogy_other_grad(g, input, other):
    return g * input / other


_XLOGY_SIGNATURES = ("\n * (Tensor input, Tensor other, *, Tensor out = None)\n * (Number self, Tensor other, *, "
                     "Tensor out = None)\n * (Tensor input, Number other, *, Tensor out = None)\n")


def _result_float(rt):
    return rt if rt.category == dtypes.FLOATING else dtypes.get_default_dtype()


@defop(inplace=METHOD, differentiable=False)
def heaviside(input, values, *, out=None):
    """0 where input < 0, 1 where input > 0, ``values`` where input is 0 (no derivative)."""
    check_tensor(input, "heaviside", "input", 1)
    check_tensor(values, "heaviside", "values")
    if input.is_complex() or values.is_complex():
        raise RuntimeError("heaviside is not yet implemented for complex tensors.")
    if input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    a, b, _ = binary_arrays(input, values)
    xp = _xp(a, b)
    result = wrap(xp.where(a == 0, b, (a > 0).astype(a.dtype)))
    return _finish(_not_differentiable(result, "heaviside", (input, values)), out)


def _addc(name, node, combine, grads):
    """addcmul / addcdiv: input + value * combine(tensor1, tensor2), all three broadcast together."""
    def op(input, tensor1, tensor2, *, value=1, out=None):
        for arg, t, pos in (("input", input, 1), ("tensor1", tensor1, 2), ("tensor2", tensor2, 3)):
            check_tensor(t, name, arg, pos)
        rt = dtypes.result_type(input, tensor1, tensor2)
        if name == "addcdiv" and rt.category != dtypes.FLOATING:
            raise RuntimeError(_ADDCDIV_INTEGERS)
        shape = broadcast_shapes(input._data.shape, tensor1._data.shape, tensor2._data.shape)
        a, t1, t2 = (t._data.astype(rt.np, copy=False) for t in (input, tensor1, tensor2))
        if rt is _HALF or ((rt is dtypes.float32 or rt is dtypes.float64) and _xp(a) is np):
            data = _addc_as_aten(name, a, t1, t2, value, np.float32 if rt is _HALF else rt.np)
            data = data.astype(rt.np, copy=False)
        else:
            data = a + value * combine(t1, t2)
        result = wrap(_xp(data).broadcast_to(data, shape).astype(rt.np))
        return _finish(record(result, node, (input, tensor1, tensor2),
                              lambda g, tensor1, tensor2: (g,) + grads(g, tensor1, tensor2, value),
                              saved=(tensor1, tensor2)), out)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"input + value * tensor1 {'*' if name == 'addcmul' else '/'} tensor2, elementwise."
    return defop(name=name, inplace=METHOD)(op)


def _fused_lerp(a, b, w):
    """lerp in float32 or float64 as ATen's lerp_vec: one fused multiply-add whose coefficient and base
    are picked per element, ``fma(w, end - start, start)`` for a weight below 0.5 in size and
    ``fma(w - 1, end - start, end)`` otherwise."""
    w = np.asarray(w, dtype=a.dtype)
    small = np.abs(w) < 0.5
    return _fma(np.where(small, w, w - 1), b - a, np.where(small, a, b))


def _addc_as_aten(name, a, t1, t2, value, dtype):
    """addcmul / addcdiv as ATen's CPU kernel computes them in ``dtype`` (float32 for float16 operands,
    its reduced-float kernel): value converted once to ``dtype``, ``self + value * t1 * t2`` compiled as
    the fused multiply-add ``fma(value * t1, t2, self)`` and ``self + value * t1 / t2`` as written, in
    that order: value * t1 first."""
    value = np.dtype(dtype).type(value)
    a, t1, t2 = (x.astype(dtype, copy=False) for x in (a, t1, t2))
    if name == "addcmul":
        if _xp(a) is not np:   # CUDA's kernels are not PyTorch's CPU ones
            return a + value * t1 * t2
        return _fma(value * t1, t2, a)
    return a + value * t1 / t2


_ADDCDIV_INTEGERS = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true "
    "division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * "
    "torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) "
    "for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / "
    "tensor2), for all dtypes.")

addcmul = _addc("addcmul", "AddcmulBackward0", lambda t1, t2: t1 * t2,
                lambda g, t1, t2, v: (g * t2 * v, g * t1 * v))
addcdiv = _addc("addcdiv", "AddcdivBackward0", lambda t1, t2: t1 / t2,
                lambda g, t1, t2, v: (g * v / t2, -g * v * t1 / (t2 * t2)))




@defop(inplace=METHOD)
def lerp(input, end, weight, *, out=None):
    """input + weight * (end - input), computed as ATen does for accuracy near weight = 1."""
    tensor_weight = isinstance(weight, Tensor)
    if not isinstance(input, Tensor) or not isinstance(end, Tensor) or not (tensor_weight or is_scalar(weight)):
        raise _invalid_arguments("lerp", input, end, weight)
    for arg, t in (("end", end), ("weight", weight)):
        if isinstance(t, Tensor) and t.dtype is not input.dtype and (arg == "end" or t.ndim):
            raise RuntimeError(f"expected dtype {C_TYPE_NAMES[input.dtype.name]} for `{arg}` but got dtype "
                               f"{C_TYPE_NAMES[t.dtype.name]}")
    rt = dtypes.result_type(input, end, weight) if tensor_weight else input.dtype   # a 0-d weight may promote
    if rt.category != dtypes.FLOATING:
        raise _not_implemented("lerp_kernel_tensor" if tensor_weight else "lerp_kernel_scalar", rt)
    a, b = input._data.astype(rt.np, copy=False), end._data.astype(rt.np, copy=False)
    broadcast_shapes(a.shape, b.shape, *((weight._data.shape,) if tensor_weight else ()))
    xp = xp_of(input)
    w = weight._data.astype(a.dtype) if tensor_weight else weight
    if rt is _HALF:
        result = wrap(_half_lerp(xp, a, b, w))
    elif xp is np and a.dtype.kind == "f":
        result = wrap(_fused_lerp(a, b, w))
    else:
        result = wrap(xp.where(xp.abs(w) < 0.5, a + w * (b - a), b - (b - a) * (1 - w)).astype(a.dtype))
    if tensor_weight:
        record(result, "LerpBackward1", (input, end, weight),
               lambda g, input, end, weight: (g * (1 - weight), g * weight, g * (end - input)),
               saved=(input, end, weight))
    else:
        record(result, "LerpBackward0", (input, end), lambda g: (g * (1 - weight), g * weight))
    return _finish(result, out)


def _unfused(a, b, c):
    return a * b + c


def _half_lerp(xp, start, end, weight):
    """float16 lerp as ATen's vectorised kernel: in float32 (a number weight converted once), with its
    fused multiply-adds, ``fma(w, end - start, start)`` or ``end - (end - start) * (1 - w)``; rounded once."""
    start, end = start.astype(np.float32), end.astype(np.float32)
    weight = weight.astype(np.float32) if hasattr(weight, "astype") else np.float32(weight)
    diff = end - start
    fused = fma32 if xp is np else _unfused   # CUDA's kernels are not PyTorch's CPU ones
    near_start = fused(weight, diff, start)
    near_end = fused(-diff, np.float32(1) - weight, end)
    return xp.where(xp.abs(weight) < 0.5, near_start, near_end).astype(np.float16)


_C_INT = {"int8": "int8_t", "uint8": "uint8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
          "float16": "c10::Half"}


def _check_bound(value, rt):
    """A scalar bound converted to the result dtype, with ATen's overflow check (which lets
    uint8 take negative values down to -255, wrapping them around)."""
    if rt.name not in _C_INT:
        return value
    info = np.finfo(rt.np) if rt.category == dtypes.FLOATING else np.iinfo(rt.np)
    lowest = -info.max if rt is dtypes.uint8 else info.min
    if not lowest <= value <= info.max and not (isinstance(value, float) and not math.isfinite(value)):
        raise RuntimeError(f"value cannot be converted to type {_C_INT[rt.name]} without overflow")
    return np.array(value).astype(rt.np) if rt.category == dtypes.INTEGER else value


def _clamped(name, input, min, max, kernel):
    """input limited to [min, max] (either may be None) in the promoted dtype, without a graph;
    and whether the bounds are tensors (else Python scalars)."""
    bounds = [b for b in (min, max) if b is not None]
    tensor_bounds = all(isinstance(b, Tensor) for b in bounds)
    if not isinstance(input, Tensor) or not tensor_bounds and not all(is_scalar(b) for b in bounds):
        raise _invalid_arguments(name, input, min, max)
    refuse_complex(input, "clamp is not supported for complex types", error=NotImplementedError)
    rt = dtypes.result_type(input, *bounds)
    if tensor_bounds:
        if rt is dtypes.bool and len(bounds) == 2:
            raise _not_implemented("clamp_cpu", rt)
        broadcast_shapes(input._data.shape, *(b._data.shape for b in bounds))
        min, max = (None if b is None else b._data.astype(rt.np, copy=False) for b in (min, max))
    else:
        if rt is dtypes.bool:
            raise _not_implemented(kernel, rt)
        min, max = (None if b is None else _check_bound(b, rt) for b in (min, max))
    xp = xp_of(input)
    data = input._data.astype(rt.np, copy=False)
    data = data if min is None else xp.maximum(data, min)
    data = data if max is None else xp.minimum(data, max)
    return wrap(xp.asarray(data, dtype=rt.np)), tensor_bounds


def _clamp_(self, min=None, max=None):
    """In-place clamp: number bounds that would make a float of an integer tensor are refused in
    ATen's words for clamp (the C type name)."""
    bounds = [b for b in (min, max) if b is not None]
    if isinstance(self, Tensor) and bounds and all(is_scalar(b) for b in bounds) and \
            not dtypes.can_cast(dtypes.result_type(self, *bounds), self.dtype):
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{C_TYPE_NAMES[self.dtype.name]}")
    return inplace(self, clamp, min, max)


@defop("clip", inplace=_clamp_, exported_inplace=("clamp_", "clip_"))
def clamp(input, min=None, max=None, *, out=None):
    """Limit input to [min, max]; the bounds are both scalars or both tensors (either may be None)."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    kernel = "clamp_scalar_cpu" if min is not None and max is not None else \
        "clamp_min_scalar_cpu" if max is None else "clamp_max_scalar_cpu"
    result, tensor_bounds = _clamped("clamp", input, min, max, kernel)
    if tensor_bounds:
        record(result, "ClampBackward0", (input, min, max), _clamp_tensor_grads, saved=(input, min, max))
    else:
        record(result, "ClampBackward1", (input,), lambda g, input: (where(_inside(input, min, max), g, 0),),
               saved=(input,))
    return _finish(result, out, same_dtype)







def _inside(x, lo, hi):
    """Where x lies within the bounds (inclusive): where clamp passes the gradient to x."""
    if lo is None:
        return x <= hi
    if hi is None:
        return x >= lo
    return (x >= lo).logical_and(x <= hi)


def _clamp_tensor_grads(g, x, lo, hi):
    """ATen's clamp_backward and clamp_backward_min_max: a bound gets the gradient where it binds."""
    grad_lo = grad_hi = None
    if lo is not None:
        grad_lo = where((x < lo) if hi is None else (x < lo).logical_and(lo < hi), g, 0)
    if hi is not None:
        grad_hi = where((x > hi) if lo is None else (x > hi).logical_or(hi < lo), g, 0)
    return where(_inside(x, lo, hi), g, 0), grad_lo, grad_hi


def _one_sided_clamp(name, is_lower):
    """clamp_min / clamp_max: ClampMinBackward0 (scalar bound) or ClampMinBackward1 (tensor bound)."""
    node = "ClampMinBackward" if is_lower else "ClampMaxBackward"

    def bounds(bound):   # (min, max)
        return (bound, None) if is_lower else (None, bound)

    def op(input, bound, *, out=None):
        result, tensor_bound = _clamped(name, input, *bounds(bound), name + "_scalar_cpu")
        if tensor_bound:
            def vjp(g, input, bound):
                inside = _inside(input, *bounds(bound))
                return where(inside, g, 0), where(inside, 0, g)
            record(result, node + "1", (input, bound), vjp, saved=(input, bound))
        else:   # a number bound
            record(result, node + "0", (input,), lambda g, input: (where(_inside(input, *bounds(bound)), g, 0),),
                   saved=(input,))
        return _finish(result, out, same_dtype)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"clamp with only a {'lower' if is_lower else 'upper'} bound."
    return defop(name=name, inplace=EXPORTED)(op)


clamp_min = _one_sided_clamp("clamp_min", True)
clamp_max = _one_sided_clamp("clamp_max", False)


# -- comparisons, logic and bits (no gradient) ----------------------------------------------------
# name, aliases, the array function, and which dtypes its kernel rejects: "float" (bitwise ops),
# "float_bool" (shifts) or None.

def _shift_left(xp, a, b):
    bits = a.dtype.itemsize * 8
    out_of_range = (b < 0) | (b >= bits)
    return xp.where(out_of_range, 0, xp.left_shift(a, xp.where(out_of_range, 0, b))).astype(a.dtype)


def _shift_right(xp, a, b):
    widest = a.dtype.itemsize * 8 - (a.dtype.kind == "i")   # shifting this far leaves only the sign
    return xp.right_shift(a, xp.where((b < 0) | (b > widest), widest, b).astype(a.dtype))


def _elementwise(name, compute, rejects=None, kernel=None, aliases=(), tensors_only=False, compare_only=False,
                 exported_inplace=(), ordering=False):
    def op(input, other, *, out=None):
        if tensors_only:
            check_tensor(input, name, "input", 1)
            check_tensor(other, name)
        elif not isinstance(input, Tensor) and compare_only:
            raise _invalid_arguments(name, input, other)
        a, b, rt = binary_arrays(input, other)
        if rejects and (rt.category >= dtypes.FLOATING or (rejects == "float_bool" and rt is dtypes.bool)):
            raise _not_implemented(kernel, rt)
        if ordering and rt.category == dtypes.COMPLEX:   # complex numbers have no order
            raise _not_implemented(name + "_cpu", rt)
        xp = _xp(a, b)
        if rejects:   # NumPy's bit ops need arrays of the result dtype, not weak Python scalars
            a, b = xp.asarray(a, dtype=rt.np), xp.asarray(b, dtype=rt.np)
        return _finish(wrap(compute(xp, a, b)), out)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}`` (broadcasting; no gradient)."

    def op_(self, other):
        if rejects:
            _check_castable(dtypes.result_type(self, other), self)
        return inplace(self, op, other)
    return defop(*aliases, name=name, inplace=op_, exported_inplace=exported_inplace, differentiable=False)(op)


eq = _elementwise("eq", lambda xp, a, b: xp.equal(a, b), compare_only=True)
ne = not_equal = _elementwise("ne", lambda xp, a, b: xp.not_equal(a, b), compare_only=True, aliases=("not_equal",))
lt = less = _elementwise("lt", lambda xp, a, b: xp.less(a, b), compare_only=True, ordering=True,
                         aliases=("less",))
le = less_equal = _elementwise("le", lambda xp, a, b: xp.less_equal(a, b), compare_only=True, ordering=True,
                               aliases=("less_equal",))
gt = greater = _elementwise("gt", lambda xp, a, b: xp.greater(a, b), compare_only=True, ordering=True,
                            aliases=("greater",))
ge = greater_equal = _elementwise("ge", lambda xp, a, b: xp.greater_equal(a, b), compare_only=True, ordering=True,
                                  aliases=("greater_equal",))
logical_and = _elementwise("logical_and", lambda xp, a, b: xp.logical_and(a, b), tensors_only=True)
logical_or = _elementwise("logical_or", lambda xp, a, b: xp.logical_or(a, b), tensors_only=True)
logical_xor = _elementwise("logical_xor", lambda xp, a, b: xp.logical_xor(a, b), tensors_only=True)
bitwise_and = _elementwise("bitwise_and", lambda xp, a, b: a & b, "float", "bitwise_and_cpu")
bitwise_or = _elementwise("bitwise_or", lambda xp, a, b: a | b, "float", "bitwise_or_cpu")
bitwise_xor = _elementwise("bitwise_xor", lambda xp, a, b: a ^ b, "float", "bitwise_xor_cpu")
bitwise_left_shift = _elementwise("bitwise_left_shift", _shift_left, "float_bool", "lshift_cpu")
bitwise_right_shift = _elementwise("bitwise_right_shift", _shift_right, "float_bool", "rshift_cpu")
gcd = _elementwise("gcd", lambda xp, a, b: xp.gcd(a, b), "float_bool", "gcd_cpu", exported_inplace=("gcd_",))
lcm = _elementwise("lcm", lambda xp, a, b: xp.lcm(a, b), "float_bool", "lcm_cpu", exported_inplace=("lcm_",))


@defop(inplace=METHOD, differentiable=False)
def logical_not(input, *, out=None):
    """True where input is zero."""
    return _finish(wrap(xp_of(input).logical_not(input._data)), out)


@defop(inplace=METHOD, differentiable=False)
def bitwise_not(input, *, out=None):
    """~input for integers, logical not for bools."""
    if input.dtype.category >= dtypes.FLOATING:
        raise _not_implemented("bitwise_not_cpu", input.dtype)
    return _finish(wrap(~input._data), out, same_dtype)




def _invert(self):
    if self.dtype.category == dtypes.FLOATING:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return bitwise_not(self)


def _float_test(name, ufunc, integer_answer, of_complex=True):
    """``of_complex``: whether the test is defined for complex numbers (a nan or inf part is nan or inf)."""
    def op(input):
        x = input._data
        if not of_complex:
            refuse_complex(input, f"{name} does not support complex inputs.")
        if input.dtype.category < dtypes.FLOATING:
            return wrap(xp_of(input).full(x.shape, integer_answer))
        return wrap(ufunc(xp_of(input), x))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise {name}: a bool tensor (integers are never nan or inf)."
    return defop(name=name, differentiable=False)(op)


isnan = _float_test("isnan", lambda xp, x: xp.isnan(x), False)
isinf = _float_test("isinf", lambda xp, x: xp.isinf(x), False)
isfinite = _float_test("isfinite", lambda xp, x: xp.isfinite(x), True)

isposinf = _float_test("isposinf", lambda xp, x: xp.isposinf(x), False, of_complex=False)
isneginf = _float_test("isneginf", lambda xp, x: xp.isneginf(x), False, of_complex=False)


@defop(differentiable=False)
def signbit(input, *, out=None):
    """True where the sign bit is set (negative numbers, and -0.0)."""
    refuse_complex(input, "signbit is not implemented for complex tensors.", error=NotImplementedError)
    x = input._data
    return _finish(wrap(xp_of(input).signbit(x) if x.dtype != np.bool_ else xp_of(input).zeros(x.shape, bool)), out)


@defop(inplace=EXPORTED)
def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """NaN, +inf and -inf replaced by ``nan``, ``posinf`` and ``neginf`` (by default the dtype's
    largest and lowest finite values); integers unchanged."""
    x = input._data
    if input.dtype.category != dtypes.FLOATING:
        return _finish(wrap(x.copy()), out, same_dtype)
    info = np.finfo(x.dtype)
    xp = xp_of(input)
    data = xp.where(xp.isnan(x), nan, x)
    data = xp.where(data == math.inf, info.max if posinf is None else posinf, data)
    data = xp.where(data == -math.inf, info.min if neginf is None else neginf, data).astype(x.dtype)
    result = record(wrap(data), "NanToNumBackward0", (input,), lambda g, input: (where(isfinite(input), g, 0),),
                    saved=(input,))
    return _finish(result, out, same_dtype)




@defop()
def positive(input):
    """input itself (the unary ``+``)."""
    if input.dtype is dtypes.bool:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


@defop()
def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The n-th forward difference along ``dim`` (after joining ``prepend`` and ``append``);
    for bools, whether neighbours differ. Built from narrow and sub, so its node is SubBackward0."""
    if input._data.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    parts = [p for p in (prepend, input, append) if p is not None]
    x = cat(parts, dim) if len(parts) > 1 else input
    for _ in range(n):
        length = x.shape[dim]
        if length == 0:
            break
        later, earlier = narrow(x, dim, 1, length - 1), narrow(x, dim, 0, length - 1)
        x = logical_xor(later, earlier) if x.dtype is dtypes.bool else sub(later, earlier)
    return x


@defop(differentiable=False)
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol * |other| elementwise (equal values, infinities included, are close)."""
    check_tensor(input, "isclose", "input", 1)
    check_tensor(other, "isclose")
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{_type_name(input.dtype)} did not match {_type_name(other.dtype)}")
    for name, value in (("rtol", rtol), ("atol", atol)):
        if value < 0:
            raise RuntimeError(f"{name} must be greater than or equal to zero, but got {value}")
    a, b = input._data, other._data
    broadcast_shapes(a.shape, b.shape)
    xp = xp_of(input)
    if input.dtype is dtypes.bool:
        return wrap(xp.equal(a, b))
    close = a == b
    if input.dtype.category == dtypes.FLOATING:
        close = close | (xp.isfinite(a - b) & (xp.abs(a - b) <= atol + rtol * xp.abs(b)))
        if equal_nan:
            close = close | (xp.isnan(a) & xp.isnan(b))
    else:
        diff = xp.abs(a.astype(np.float64) - b.astype(np.float64))
        close = close | (diff <= atol + rtol * xp.abs(b.astype(np.float64)))
    return wrap(close)


@defop(differentiable=False)
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    """Whether every element of input is close to other (see isclose)."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


@defop(differentiable=False)
def equal(input, other) -> bool:
    """Same shape and same values (after type promotion)."""
    check_tensor(input, "equal", "input", 1)
    check_tensor(other, "equal")
    if input._data.shape != other._data.shape:
        return False
    a, b, _ = binary_arrays(input, other)
    return bool((a == b).all())


# -- elementwise functions ---------------------------------------------------------------------
# Each row: name, PyTorch's node, forward on the array module, gradient (g, x, y) -> dx (x the
# input, y the output), and what integer and bool inputs do: FLOAT computes in the default float
# dtype, KEEP keeps the dtype (bool rejected by the named kernel), ROUND returns integers
# unchanged (bool rejected), or a kernel name for a float-only op.

FLOAT, KEEP, ROUND = "float", "keep", "round"


def _unary(name, node, forward, grad, ints=FLOAT, kernel=None, uses_result=False, aliases=(), reads_operands=True,
           exported_inplace=None, public=True, complex_grad=None, on_arrays=False):
    def op(input, *, out=None):
        try:
            x = input._data
        except AttributeError:
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}") \
                from None
        category = input.dtype.category
        if category != dtypes.FLOATING:
            if category == dtypes.COMPLEX:
                _check_complex_unary(name, input.dtype)
            elif ints == FLOAT:
                x = x.astype(dtypes.get_default_dtype().np)
            elif kernel and (input.dtype is dtypes.bool or ints not in (KEEP, ROUND)):
                raise _not_implemented(kernel, input.dtype)
            elif ints == ROUND:
                return _finish(wrap(x.copy()), out, same_dtype)
        result = wrap(forward(np if type(x) is np.ndarray else xp_of(input), x))
        if complex_grad is not None and category == dtypes.COMPLEX:   # not holomorphic: a rule of its own
            record(result, node, (input,), lambda g, input, result: (complex_grad(g, input, result),),
                   saved=(input, result), holomorphic=False)
        elif uses_result:   # (the result has the input's dtype: on_arrays needs no other check)
            record(result, node, (input,), lambda g, result: (grad(g, None, result),), saved=(result,),
                   on_arrays=on_arrays)
        elif reads_operands:
            record(result, node, (input,), lambda g, input: (grad(g, input, None),), saved=(input,))
        else:   # as in PyTorch the node saves nothing, so it keeps its vjp: that captures nothing either
            record(result, node, (input,), lambda g: (grad(g, None, None),))
        return _finish(result, out, out_rule)

    out_rule = None if ints == FLOAT else same_dtype   # ops that keep the dtype want out's to match

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise {name}."
    if not public:   # the kernel of a public op defined below
        return op
    return defop(*aliases, name=name, inplace=EXPORTED, exported_inplace=exported_inplace)(op)


# The unary functions PyTorch has no complex kernel for, and how it says so.
_NO_COMPLEX_KERNEL = {"frac": "frac_cpu", "round": "round_vml_cpu", "erf": "erf_vml_cpu", "erfc": "erfc_vml_cpu",
                      "erfinv": "erfinv_vml_cpu"}


def _check_complex_unary(name, dtype):
    """PyTorch's refusal of a complex operand, for the unary functions that have none."""
    if name in _NO_COMPLEX_KERNEL:
        raise _not_implemented(_NO_COMPLEX_KERNEL[name], dtype)
    if name in ("floor", "ceil", "trunc"):
        raise NotImplementedError(f"{name} is not supported for complex inputs")
    if name in ("deg2rad", "rad2deg"):
        raise RuntimeError(f"{name} is not supported for complex tensors.")
    if name == "relu":
        raise NotImplementedError("clamp is not supported for complex types")
    if name == "sign":
        raise NotImplementedError("Unlike NumPy, torch.sign is not intended to support complex numbers. Please use "
                                  "torch.sgn instead.")


def _rounded_once(forward):
    """A forward of several steps, computed in float32 for half and rounded once, as ATen's kernels
    compute half (a single NumPy ufunc on half already does so)."""
    def computed_in_opmath(xp, x):
        return forward(xp, opmath(x)).astype(x.dtype, copy=False)
    return computed_in_opmath


def _special(name, scalar_fn):
    """The forward of a special function NumPy lacks: ``scalar_fn`` (from math) on each element on
    the cpu, cupyx.scipy.special's kernel on cuda."""
    per_element = np.frompyfunc(scalar_fn, 1, 1)

    def forward(xp, x):
        if xp is np:
            return np.asarray(per_element(x), dtype=x.dtype)
        from cupyx.scipy import special
        return getattr(special, name)(x)
    return forward


def _erfinv(y):
    """The inverse of erf: Winitzki's closed-form estimate, polished by Newton's method on math.erf."""
    if not -1 < y < 1:
        return math.copysign(math.inf, y) if builtins.abs(y) == 1 else math.nan
    log_term = math.log((1 - y) * (1 + y))
    a = 0.147
    first = 2 / (math.pi * a) + log_term / 2
    x = math.copysign(math.sqrt(math.sqrt(first * first - log_term / a) - first), y)
    for _ in range(3):
        x -= (math.erf(x) - y) / (2 / math.sqrt(math.pi) * math.exp(-x * x))
    return x


LN2, LN10 = math.log(2.0), math.log(10.0)

# name        node                 forward                              gradient (g, x, y)
exp = _unary("exp", "ExpBackward0", lambda xp, x: xp.exp(x), lambda g, x, y: g * y, uses_result=True,
             on_arrays=True)
exp2 = _unary("exp2", "Exp2Backward0", lambda xp, x: xp.exp2(x), lambda g, x, y: g * y * LN2, uses_result=True)
expm1 = _unary("expm1", "Expm1Backward0", lambda xp, x: xp.expm1(x), lambda g, x, y: g * (y + 1),
               uses_result=True)
log = _unary("log", "LogBackward0", lambda xp, x: xp.log(x), lambda g, x, y: g / x)
log2 = _unary("log2", "Log2Backward0", lambda xp, x: xp.log2(x), lambda g, x, y: g / (x * LN2))
log10 = _unary("log10", "Log10Backward0", lambda xp, x: xp.log10(x), lambda g, x, y: g / (x * LN10))
log1p = _unary("log1p", "Log1PBackward0", lambda xp, x: xp.log1p(x), lambda g, x, y: g / plus_scalar(x, 1))
sqrt = _unary("sqrt", "SqrtBackward0", lambda xp, x: xp.sqrt(x), lambda g, x, y: g / (2 * y), uses_result=True)
def _rsqrt(xp, x):
    """1 / sqrt(x). For float16 ATen's vectorised loop computes in float32 and rounds once, while its
    scalar tail rounds the square root to half before dividing (as NumPy's half does)."""
    if x.dtype != np.float16:
        return 1 / xp.sqrt(x)
    rounded_once = (1 / xp.sqrt(x.astype(np.float32))).astype(np.float16)
    return vectorised_with_tail(xp, rounded_once, 1 / xp.sqrt(x), x)


rsqrt = _unary("rsqrt", "RsqrtBackward0", _rsqrt, lambda g, x, y: -0.5 * g * y * y * y,
               uses_result=True)
sin = _unary("sin", "SinBackward0", lambda xp, x: xp.sin(x), lambda g, x, y: g * cos(x))
cos = _unary("cos", "CosBackward0", lambda xp, x: xp.cos(x), lambda g, x, y: -g * sin(x))


# The gradients of relu, sigmoid and tanh, as ATen computes them from the result y. On raw arrays
# (a backward that builds no graph) each is its values alone; on Tensors (create_graph=True) each is
# an op of its own over (g, y), ThresholdBackwardBackward0 ..., as PyTorch records it, whose vjp
# differentiates it again.

def threshold_backward(g, y, threshold):
    """g where y > threshold, +0. elsewhere: linear in g, so its own gradient selects gg alike,
    and gives y zeros."""
    if not isinstance(g, Tensor):
        return _zeroed_where(y <= threshold, g)
    return record(wrap(_zeroed_where(y._data <= threshold, g._data)), "ThresholdBackwardBackward0", (g, y),
                  lambda gg, y: (threshold_backward(gg, y, threshold), _zeros(gg)), saved=(y,))


def sigmoid_backward(g, x, y):
    """g * y * (1 - y); its gradient for y, gg * g * (-2y + 1) (ATen's formula, step for step)."""
    if not isinstance(g, Tensor):
        return g * y * (1 - y)
    values = g._data * y._data * (1 - y._data)
    return record(wrap(values), "SigmoidBackwardBackward0", (g, y),
                  lambda gg, g, y: (sigmoid_backward(gg, None, y), gg * g * plus_scalar(times_scalar(y, -2), 1)),
                  saved=(g, y))


def tanh_backward(g, x, y):
    """g * (1 - y²); its gradient for y, gg * (-2y * g) (ATen's formula, step for step)."""
    if not isinstance(g, Tensor):
        return g * (1 - y * y)
    values = g._data * (1 - y._data * y._data)
    return record(wrap(values), "TanhBackwardBackward0", (g, y),
                  lambda gg, g, y: (tanh_backward(gg, None, y), gg * (times_scalar(y, -2) * g)), saved=(g, y))


tan = _unary("tan", "TanBackward0", lambda xp, x: xp.tan(x), lambda g, x, y: g * (1 + y * y), uses_result=True)
asin = arcsin = _unary("asin", "AsinBackward0", lambda xp, x: xp.arcsin(x),
                       lambda g, x, y: g / sqrt(1 - x * x), aliases=("arcsin",))
acos = arccos = _unary("acos", "AcosBackward0", lambda xp, x: xp.arccos(x),
                       lambda g, x, y: -g / sqrt(1 - x * x), aliases=("arccos",))
atan = arctan = _unary("atan", "AtanBackward0", lambda xp, x: xp.arctan(x), lambda g, x, y: g / (1 + x * x),
                       aliases=("arctan",))
sinh = _unary("sinh", "SinhBackward0", lambda xp, x: xp.sinh(x), lambda g, x, y: g * cosh(x))
cosh = _unary("cosh", "CoshBackward0", lambda xp, x: xp.cosh(x), lambda g, x, y: g * sinh(x))
tanh = _unary("tanh", "TanhBackward0", lambda xp, x: xp.tanh(x), tanh_backward, uses_result=True, on_arrays=True)
sigmoid = _unary("sigmoid", "SigmoidBackward0", _rounded_once(lambda xp, x: 0.5 * xp.tanh(0.5 * x) + 0.5),
                 sigmoid_backward, uses_result=True, on_arrays=True)
abs = absolute = _unary("abs", "AbsBackward0", lambda xp, x: xp.abs(x), lambda g, x, y: g * sign(x), KEEP,
                        "abs_cpu", aliases=("absolute",), exported_inplace=("abs_",),
                        complex_grad=lambda g, z, r: g * sgn(z))
sign = _unary("sign", "SignBackward0", lambda xp, x: x.copy() if x.dtype == np.bool_ else xp.sign(x), lambda g, x, y: _zeros(g), KEEP,
              reads_operands=False, exported_inplace=())
floor = _unary("floor", "FloorBackward0", lambda xp, x: xp.floor(x), lambda g, x, y: _zeros(g), ROUND,
               "floor_vml_cpu", reads_operands=False)
ceil = _unary("ceil", "CeilBackward0", lambda xp, x: xp.ceil(x), lambda g, x, y: _zeros(g), ROUND, "ceil_vml_cpu",
              reads_operands=False)
trunc = fix = _unary("trunc", "TruncBackward0", lambda xp, x: xp.trunc(x), lambda g, x, y: _zeros(g), ROUND,
                     "trunc_vml_cpu", aliases=("fix",), reads_operands=False)
frac = _unary("frac", "FracBackward0", lambda xp, x: x - xp.trunc(x), lambda g, x, y: g, "float_only", "frac_cpu",
              reads_operands=False)
_round_half_even = _unary("round", "RoundBackward0", lambda xp, x: xp.round(x), lambda g, x, y: _zeros(g), ROUND,
                          "round_vml_cpu", reads_operands=False, public=False)
asinh = arcsinh = _unary("asinh", "AsinhBackward0", lambda xp, x: xp.arcsinh(x), lambda g, x, y: g / sqrt(x * x + 1),
                         aliases=("arcsinh",))
acosh = arccosh = _unary("acosh", "AcoshBackward0", lambda xp, x: xp.arccosh(x), lambda g, x, y: g / sqrt(x * x - 1),
                         aliases=("arccosh",))
atanh = arctanh = _unary("atanh", "AtanhBackward0", lambda xp, x: xp.arctanh(x), lambda g, x, y: g / (1 - x * x),
                         aliases=("arctanh",))
deg2rad = _unary("deg2rad", "Deg2RadBackward0", lambda xp, x: x * (math.pi / 180), lambda g, x, y: g * (math.pi / 180),
                 reads_operands=False)
rad2deg = _unary("rad2deg", "Rad2DegBackward0", lambda xp, x: x * (180 / math.pi), lambda g, x, y: g * (180 / math.pi),
                 reads_operands=False)
sinc = _unary("sinc", "SincBackward0", _rounded_once(lambda xp, x: xp.sinc(x)),
              lambda g, x, y: g * where(x == 0, 0, (cos(math.pi * x) - sinc(x)) / where(x == 0, 1, x)))
erf = _unary("erf", "ErfBackward0", _special("erf", math.erf), lambda g, x, y: g * (2 / math.sqrt(math.pi)) * exp(-x * x))
erfc = _unary("erfc", "ErfcBackward0", _special("erfc", math.erfc),
              lambda g, x, y: g * (-2 / math.sqrt(math.pi)) * exp(-x * x))
erfinv = _unary("erfinv", "ErfinvBackward0", _special("erfinv", _erfinv),
                lambda g, x, y: g * (math.sqrt(math.pi) / 2) * exp(y * y), uses_result=True, exported_inplace=())
def _sgn_grad(g, z, s):
    """The gradient of z / |z| (0 at 0): the part of g across the direction s, over |z|."""
    magnitude = abs(z)
    across = (g - s * (s.conj() * g).real) / where(magnitude == 0, 1, magnitude)
    return where(magnitude == 0, 0, across)


def _sgn_forward(xp, x):
    if x.dtype.kind != "c":
        return x.copy() if x.dtype == np.bool_ else xp.sign(x)
    magnitude = xp.abs(x)   # z / |z|, as ATen computes it (CuPy's sign of a complex number is another)
    return xp.where(magnitude == 0, 0, x / xp.where(magnitude == 0, 1, magnitude)).astype(x.dtype)


sgn = _unary("sgn", "SgnBackward0", _sgn_forward,
             lambda g, x, y: _zeros(g), KEEP, exported_inplace=(), complex_grad=_sgn_grad)


@defop(inplace=EXPORTED)
def logit(input, eps=None, *, out=None):
    """log(p / (1 - p)), the inverse of sigmoid; with ``eps``, p is first clamped to [eps, 1 - eps]."""
    refuse_complex(input, kernel="logit_cpu")
    x = _to_default_float(input._data, input.dtype)
    xp = xp_of(input)
    p = x if eps is None else xp.clip(x, x.dtype.type(eps), x.dtype.type(1 - eps))
    result = wrap(xp.log(p / (1 - p)))   # each step rounded to x's dtype, as ATen's kernel rounds half

    def vjp(g, x):   # ATen's logit_backward: no gradient through the clamp; NaN outside [0, 1] without it
        lo, hi = (0, 1) if eps is None else (eps, 1 - eps)
        return (where((x < lo).logical_or(x > hi), math.nan if eps is None else 0.0, g / (x * (1 - x))),)
    return _finish(record(result, "LogitBackward0", (input,), vjp, saved=(input,)), out)


# The signed integer type of each float's size: a float's bits, read as one, to be masked.
_SAME_SIZE_INT = {1: np.int8, 2: np.int16, 4: np.int32, 8: np.int64}
_ONE = np.int8(1)


def _zeroed_where(condition, x):
    """``x`` with +0. where ``condition`` holds, and x's own values (NaN and -0. included) elsewhere,
    as ATen's threshold_backward selects: torch.where on Tensors (a gradient under create_graph); on
    raw arrays, x's bits ANDed with a mask of all ones or all zeros, which NumPy runs up to ten
    times faster than its where on a mask that changes at random, as ReLU's does."""
    if isinstance(x, Tensor):
        return where(condition, 0, x)
    keep = condition.view(np.int8) - _ONE   # -1 (every bit set) where x stays, 0 where it becomes +0.
    return (x.view(_SAME_SIZE_INT[x.itemsize]) & keep).view(x.dtype)


def _relu_forward(xp, x):
    # 0 where x < 0, x elsewhere: -0. and NaN stay, as in PyTorch's clamp_min (NumPy's maximum may
    # give either zero of two equal ones, depending on its loop)
    return _zeroed_where(x < 0, x)


def _relu_grad(g, x, y):
    """ATen's threshold_backward: the gradient where the output y is not <= 0 (NaN passes, as in PyTorch)."""
    return threshold_backward(g, y, 0)


_relu = _unary("relu", "ReluBackward0", _relu_forward, _relu_grad, KEEP, uses_result=True, public=False,
               on_arrays=True)


def _relu_vjp(g, result):
    """ReluBackward0's vjp, which reads only the result (relu's fast path records it)."""
    return (_relu_grad(g, None, result),)


@defop(inplace=EXPORTED)
def relu(input, *, out=None):
    """max(input, 0), elementwise. A NumPy float tensor without out= (every ReLU layer of a model) is
    computed and recorded here, as _unary's general path would, without its dtype and type dispatch."""
    x = getattr(input, "_data", None)
    if out is None and x.__class__ is np.ndarray and x.dtype.kind == "f":
        result = wrap(_relu_forward(np, x))
        return record(result, "ReluBackward0", (input,), _relu_vjp, saved=(result,), on_arrays=True)
    if check_tensor(input, "relu", "input", 1).dtype is dtypes.bool:
        raise RuntimeError("Boolean inputs not supported for relu")
    return _relu(input, out=out)




@defop(inplace=EXPORTED)
def round(input, *, decimals=None, out=None):
    """Round half to even; with ``decimals``, to that many decimal places (negative: tens, hundreds ...)."""
    if decimals is None:
        return _round_half_even(input, out=out)
    if input.dtype.category != dtypes.FLOATING:
        raise _not_implemented("round_vml_cpu" if decimals == 0 else "round_cpu", input.dtype)
    x = input._data
    xp = xp_of(input)
    scale = 10.0 ** builtins.abs(decimals)
    data = xp.round(x * scale) / scale if decimals >= 0 else xp.round(x / scale) * scale
    result = record(wrap(data.astype(x.dtype)), "RoundBackward1", (input,), lambda g: (_zeros(g),))
    return _finish(result, out, same_dtype)




@defop(inplace=EXPORTED)
def square(input, *, out=None):
    """input ** 2 (recorded as PowBackward0, as in PyTorch)."""
    return pow(input, 2, out=out)


# -- operators and in-place variants -----------------------------------------------------------

_PLAIN_NUMBERS = frozenset((builtins.int, builtins.float, builtins.bool, builtins.complex))


def _operator(op):
    """The method behind ``t + x`` (and ``x + t`` when op takes (self, other) swapped): NotImplemented
    for an operand that is neither a tensor nor a number, so that Python tries the other side and then
    says "unsupported operand type(s)", as it does with PyTorch (``t == None`` is False that way)."""
    def operator(self, other):
        cls = other.__class__
        if (cls is not Tensor and cls not in _PLAIN_NUMBERS and not is_scalar(other)
                and not isinstance(other, Tensor)):   # a Parameter is a Tensor
            if cls is not np.ndarray:
                return NotImplemented
            other = wrap(other)   # PyTorch takes a NumPy array as the tensor it would make of it
        return op(self, other)
    operator.__name__ = operator.__qualname__ = op.__name__
    return operator


# Python ints that every float dtype holds exactly, so that NumPy's weak int gives PyTorch's answer
_EXACT_INT = 2 ** 11

# What the fast paths compare with, bound once: a dtype is compared by identity (NumPy's float32 and
# float64 dtypes are singletons; an equal dtype that is not, a byte-swapped one, takes the general path)
_NDARRAY = np.ndarray
_FLOAT32, _FLOAT64 = np.dtype(np.float32), np.dtype(np.float64)


def _fast_operator(op, compute, recorded=None):
    """``_operator(op)`` with its commonest case taken first in as few steps as it allows: a NumPy
    float32 or float64 tensor and another of its dtype, or a Python float or small int. The result's
    dtype is the operands' and NumPy broadcasts as PyTorch does, so ``compute(a, b)`` on the arrays is
    the op; shapes that do not broadcast go to the general path for PyTorch's error. When a graph is
    recorded, ``recorded(self, other, result)`` records the op's node (its own vjp and saved values);
    without it, that case is the general path's. (Half precision, dual tensors and anything else:
    the general path.)"""
    general = _operator(op)

    def operator(self, other):
        a = self._data
        dt = a.dtype
        if (dt is _FLOAT32 or dt is _FLOAT64) and a.__class__ is _NDARRAY and _graph.forward_mode is None:
            if other.__class__ is Tensor:
                b = other._data
                if b.dtype is dt and b.__class__ is _NDARRAY:
                    if not ((self._requires_grad or other._requires_grad) and _grad_mode.enabled):
                        try:   # (the commonest case first, in the fewest steps)
                            return wrap(compute(a, b))
                        except ValueError:   # shapes that do not broadcast
                            return general(self, other)
                    if recorded is not None:
                        try:
                            result = wrap(compute(a, b))
                        except ValueError:
                            return general(self, other)
                        return recorded(self, other, result)
            elif other.__class__ is builtins.float or (other.__class__ is builtins.int
                                                       and -_EXACT_INT <= other <= _EXACT_INT):
                if not (self._requires_grad and _grad_mode.enabled):
                    return wrap(compute(a, other))
                if recorded is not None:
                    return recorded(self, other, wrap(compute(a, other)))
        return general(self, other)
    operator.__name__ = operator.__qualname__ = op.__name__
    return operator


def _fast_inplace(name, ufunc):
    """``t += x`` (``-=``, ``*=``, ``/=``) with its commonest case taken first: a NumPy float32 or
    float64 tensor, no view, that no graph is recorded for (an SGD step under no_grad), and another of
    its dtype and shape or a Python float or small int: ``ufunc`` writes into its array (NumPy minds
    overlapping operands) and its version moves on. Anything else is the in-place op's general path
    (``_util.inplace``)."""
    general = _operator(getattr(Tensor, name + "_"))

    def operator(self, other):
        a = self._data
        dt = a.dtype
        if ((dt is _FLOAT32 or dt is _FLOAT64) and a.__class__ is _NDARRAY and self._base is None
                and self._vcounter.__class__ is list   # (an inference tensor's counter refuses the write)
                and not (self._requires_grad and _grad_mode.enabled) and _graph.forward_mode is None):
            if other.__class__ is Tensor:
                b = other._data
                if (b.dtype is dt and b.__class__ is _NDARRAY and b.shape == a.shape
                        and not (other._requires_grad and _grad_mode.enabled)):
                    ufunc(a, b, out=a)
                    self._vcounter[0] += 1
                    return self
            elif other.__class__ is builtins.float or (other.__class__ is builtins.int
                                                       and -_EXACT_INT <= other <= _EXACT_INT):
                ufunc(a, other, out=a)
                self._vcounter[0] += 1
                return self
        return general(self, other)
    operator.__name__ = operator.__qualname__ = name + "_"
    return operator


for _dunder, _op in [("add", add), ("sub", sub), ("mul", mul), ("truediv", div), ("floordiv", floor_divide),
                     ("mod", remainder), ("pow", pow), ("and", bitwise_and), ("or", bitwise_or),
                     ("xor", bitwise_xor), ("lshift", bitwise_left_shift), ("rshift", bitwise_right_shift)]:
    setattr(Tensor, f"__{_dunder}__", _operator(_op))
    setattr(Tensor, f"__r{_dunder}__", _operator(lambda self, other, op=_op: op(other, self)))
    setattr(Tensor, f"__i{_dunder}__", _operator(getattr(Tensor, _op.__name__ + "_")))


def _record_add(self, other, result):
    """AddBackward0 on the fast path's result, whose checks record would make (``other`` is a Tensor or
    a Python number there)."""
    return record_checked(result, _ADD_BACKWARD, (self, other if other.__class__ is Tensor else None), _add_grads,
                          True)


_ADD_BACKWARD = node_type("AddBackward0")


Tensor.__add__ = _fast_operator(add, operator.add, _record_add)
Tensor.__sub__ = _fast_operator(sub, operator.sub)
Tensor.__mul__ = _fast_operator(mul, operator.mul, _record_fast_mul)
Tensor.__truediv__ = _fast_operator(div, operator.truediv)
Tensor.__iadd__ = _fast_inplace("add", np.add)
Tensor.__isub__ = _fast_inplace("sub", np.subtract)
Tensor.__imul__ = _fast_inplace("mul", np.multiply)
Tensor.__itruediv__ = _fast_inplace("div", np.true_divide)
Tensor.__radd__ = Tensor.__add__
Tensor.__rmul__ = Tensor.__mul__
Tensor.__rsub__ = _operator(lambda self, other: rsub(self, other))
Tensor.__rtruediv__ = _operator(_rdiv)
Tensor.__neg__ = neg
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = abs
Tensor.__invert__ = _invert
Tensor.__eq__ = _operator(eq)
Tensor.__ne__ = _operator(ne)
Tensor.__lt__ = _operator(lt)
Tensor.__le__ = _operator(le)
Tensor.__gt__ = _operator(gt)
Tensor.__ge__ = _operator(ge)
Tensor.__hash__ = object.__hash__   # defining __eq__ would otherwise remove it
