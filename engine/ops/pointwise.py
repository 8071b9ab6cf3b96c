"""Pointwise ops: arithmetic, comparisons and elementwise functions, each beside its gradient.

Gradients are written with the same differentiable ops (``g * b``), so that
``create_graph=True`` gives higher derivatives for free. Broadcasting is undone
centrally by the backward engine, never here.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..autograd.graph import record
from ..tensor import Tensor, wrap
from ._util import binary_arrays, check_tensor, inplace, method, write_out, xp_of

__all__ = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "pow", "neg",
           "negative", "rsub", "reciprocal", "eq", "ne", "lt", "le", "gt", "ge", "greater", "less",
           "greater_equal", "less_equal", "not_equal", "exp", "log", "sin", "cos", "tanh", "sigmoid",
           "relu", "sqrt", "abs", "square"]


def _tensors(a, b):
    """The op's inputs for the graph: Python scalars appear as None, as in PyTorch."""
    return (a if type(a) is Tensor else None, b if type(b) is Tensor else None)


def _finish(result, out):
    return result if out is None else write_out(out, result)


# -- arithmetic ------------------------------------------------------------------------------

@method()
def add(input, other, *, alpha=1, out=None):
    """input + alpha * other, with broadcasting and PyTorch's type promotion."""
    a, b, _ = binary_arrays(input, other)
    if alpha != 1:
        b = b * alpha
        result = record(wrap(a + b), "AddBackward0", _tensors(input, other), lambda g: (g, g * alpha))
    else:
        if a.dtype == np.bool_ and b.dtype == np.bool_:
            result = wrap(a | b)
        else:
            result = record(wrap(a + b), "AddBackward0", _tensors(input, other), lambda g: (g, g))
    return _finish(result, out)


@method("sub", "subtract")
def sub(input, other, *, alpha=1, out=None):
    """input - alpha * other."""
    a, b, rt = binary_arrays(input, other)
    if rt is dtypes.bool:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if alpha != 1:
        b = b * alpha
    result = record(wrap(a - b), "SubBackward0", _tensors(input, other), lambda g: (g, -alpha * g))
    return _finish(result, out)


subtract = sub


def rsub(input, other, *, alpha=1):
    """other - alpha * input (``2 - x``)."""
    a, b, rt = binary_arrays(input, other)
    if alpha != 1:
        a = a * alpha
    return record(wrap(b - a), "RsubBackward1", (input,), lambda g: (-alpha * g,))


@method("mul", "multiply")
def mul(input, other, *, out=None):
    """input * other."""
    a, b, _ = binary_arrays(input, other)
    result = wrap(a & b if a.dtype == np.bool_ and getattr(b, "dtype", None) == np.bool_ else a * b)
    record(result, "MulBackward0", _tensors(input, other), lambda g: (g * other, g * input),
           saved=(input, other))
    return _finish(result, out)


multiply = mul


@method("div", "divide", "true_divide")
def div(input, other, *, rounding_mode=None, out=None):
    """input / other: true division (integers give the default float dtype) unless rounding_mode
    is 'trunc' or 'floor'."""
    a, b, rt = binary_arrays(input, other)
    if rounding_mode is None:
        if not rt.is_floating_point:
            rt = dtypes.get_default_dtype()
            a = a.astype(rt.np) if hasattr(a, "astype") else a
            b = b.astype(rt.np) if hasattr(b, "astype") else b
        result = wrap(a / b)
        record(result, "DivBackward0", _tensors(input, other),
               lambda g: (g / other, -g * input / (other * other)), saved=(input, other))
    elif rounding_mode in ("trunc", "floor"):
        xp = np if type(a) is np.ndarray or type(b) is np.ndarray else xp_of(input)
        if rt.is_floating_point:
            q = a / b
            data = xp.trunc(q) if rounding_mode == "trunc" else xp.floor(q)
        else:
            if not xp.all(b != 0):
                raise RuntimeError("ZeroDivisionError")
            data = xp.floor_divide(a, b) if rounding_mode == "floor" else _trunc_div(xp, a, b)
        name = "DivBackward2" if type(other) is Tensor else "DivBackward3"
        result = record(wrap(data), name, _tensors(input, other), lambda g: (g * 0, g * 0))
    else:
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"'{rounding_mode}'")
    return _finish(result, out)


def _trunc_div(xp, a, b):
    q = xp.floor_divide(a, b)
    return q + ((q < 0) & (q * b != a))


divide = true_divide = div


def _rdiv(self, other):
    """other / self, as PyTorch computes it: reciprocal(self) * other."""
    return mul(reciprocal(self), other)


@method()
def reciprocal(input):
    """1 / input."""
    a = input._data
    if input.dtype.category != dtypes.FLOATING:
        a = a.astype(dtypes.get_default_dtype().np)
    result = wrap(1 / a)
    return record(result, "ReciprocalBackward0", (input,), lambda g: (-g * result * result,),
                  saved=(result,))


@method()
def pow(input, exponent):
    """input ** exponent; the node is PowBackward0 (scalar exponent), 1 (tensor) or 2 (scalar base)."""
    if type(input) is not Tensor:
        return _scalar_pow(input, exponent)
    a, b, rt = binary_arrays(input, exponent)
    if rt.category == dtypes.INTEGER and (np.asarray(b) < 0).any():
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    result = wrap(a ** b)
    if type(exponent) is Tensor:
        return record(result, "PowBackward1", (input, exponent),
                      lambda g: (g * exponent * input ** (exponent - 1), g * result * log(input)),
                      saved=(input, exponent, result))
    if exponent == 0:
        return record(result, "PowBackward0", (input,), lambda g: (g * 0,), saved=(input,))
    return record(result, "PowBackward0", (input,), lambda g: (g * exponent * input ** (exponent - 1),),
                  saved=(input,))


def _scalar_pow(base, exponent):
    a, b, rt = binary_arrays(base, exponent)
    result = wrap(a ** b)
    return record(result, "PowBackward2", (exponent,), lambda g: (g * result * float(np.log(base)),),
                  saved=(result,))


@method("neg", "negative")
def neg(input):
    """-input."""
    if input.dtype is dtypes.bool:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    return record(wrap(-input._data), "NegBackward0", (input,), lambda g: (-g,))


negative = neg


# -- comparisons (no gradient) ---------------------------------------------------------------

def _comparison(name, ufunc, *aliases):
    def compare(input, other, *, out=None):
        a, b, _ = binary_arrays(input, other)
        return _finish(wrap(ufunc(a, b)), out)
    compare.__name__ = compare.__qualname__ = name
    compare.__doc__ = f"Elementwise ``{name}`` comparison; a bool tensor (broadcasting)."
    method(name, *aliases)(compare)
    return compare


eq = _comparison("eq", np.equal)
ne = not_equal = _comparison("ne", np.not_equal, "not_equal")
lt = less = _comparison("lt", np.less, "less")
le = less_equal = _comparison("le", np.less_equal, "less_equal")
gt = greater = _comparison("gt", np.greater, "greater")
ge = greater_equal = _comparison("ge", np.greater_equal, "greater_equal")


# -- elementwise functions ---------------------------------------------------------------------
# name, PyTorch's node, forward on the array module, gradient (g, x, y) -> dx, and whether the
# gradient reads the output (as PyTorch saves ``result`` for exp, tanh, sigmoid, sqrt).

def _unary(name, node, forward, grad, reads_output=False, float_only=True):
    def op(input, *, out=None):
        x = input._data
        if float_only and input.dtype.category != dtypes.FLOATING:
            x = x.astype(dtypes.get_default_dtype().np)
        xp = np if type(x) is np.ndarray else xp_of(input)
        result = wrap(forward(xp, x))
        saved = (result,) if reads_output else (input,)
        record(result, node, (input,), lambda g: (grad(g, input, result),), saved=saved)
        return _finish(result, out)

    def op_(self):
        return inplace(self, op)

    op.__name__ = op.__qualname__ = name
    op_.__name__ = op_.__qualname__ = name + "_"
    op.__doc__ = f"Elementwise {name}."
    op_.__doc__ = f"In-place {name}."
    method(name)(op)
    method(name + "_")(op_)
    return op


exp = _unary("exp", "ExpBackward0", lambda xp, x: xp.exp(x), lambda g, x, y: g * y, reads_output=True)
log = _unary("log", "LogBackward0", lambda xp, x: xp.log(x), lambda g, x, y: g / x)
sin = _unary("sin", "SinBackward0", lambda xp, x: xp.sin(x), lambda g, x, y: g * cos(x))
cos = _unary("cos", "CosBackward0", lambda xp, x: xp.cos(x), lambda g, x, y: -g * sin(x))
tanh = _unary("tanh", "TanhBackward0", lambda xp, x: xp.tanh(x), lambda g, x, y: g * (1 - y * y),
              reads_output=True)
sigmoid = _unary("sigmoid", "SigmoidBackward0", lambda xp, x: 1 / (1 + xp.exp(-x)),
                 lambda g, x, y: g * y * (1 - y), reads_output=True)
sqrt = _unary("sqrt", "SqrtBackward0", lambda xp, x: xp.sqrt(x), lambda g, x, y: g / (2 * y),
              reads_output=True)
relu = _unary("relu", "ReluBackward0", lambda xp, x: xp.maximum(x, 0), lambda g, x, y: g * (y > 0),
              reads_output=True, float_only=False)
abs = _unary("abs", "AbsBackward0", lambda xp, x: xp.abs(x), lambda g, x, y: g * x.sign(), float_only=False)


@method()
def square(input):
    """input ** 2 (recorded as PowBackward0, as in PyTorch)."""
    return pow(input, 2)


@method()
def sign(input):
    """-1, 0 or 1 elementwise; its gradient is zero."""
    return record(wrap(xp_of(input).sign(input._data)), "SignBackward0", (input,), lambda g: (g * 0,))


# -- operators and in-place variants -----------------------------------------------------------

def _inplace_method(name, op):
    def op_(self, *args, **kwargs):
        return inplace(self, op, *args, **kwargs)
    op_.__name__ = op_.__qualname__ = name
    op_.__doc__ = f"In-place version of :func:`{op.__name__}`."
    setattr(Tensor, name, op_)


for _name, _op in [("add_", add), ("sub_", sub), ("subtract_", sub), ("mul_", mul), ("multiply_", mul),
                   ("div_", div), ("divide_", div), ("true_divide_", div), ("pow_", pow), ("neg_", neg),
                   ("negative_", neg), ("reciprocal_", reciprocal), ("square_", square), ("sign_", sign),
                   ("eq_", eq), ("ne_", ne), ("lt_", lt), ("le_", le), ("gt_", gt), ("ge_", ge)]:
    _inplace_method(_name, _op)


Tensor.__add__ = lambda self, other: add(self, other)
Tensor.__radd__ = lambda self, other: add(self, other)
Tensor.__iadd__ = lambda self, other: inplace(self, add, other)
Tensor.__sub__ = lambda self, other: sub(self, other)
Tensor.__rsub__ = lambda self, other: rsub(self, other)
Tensor.__isub__ = lambda self, other: inplace(self, sub, other)
Tensor.__mul__ = lambda self, other: mul(self, other)
Tensor.__rmul__ = lambda self, other: mul(self, other)
Tensor.__imul__ = lambda self, other: inplace(self, mul, other)
Tensor.__truediv__ = lambda self, other: div(self, other)
Tensor.__rtruediv__ = _rdiv
Tensor.__itruediv__ = lambda self, other: inplace(self, div, other)
Tensor.__pow__ = lambda self, other: pow(self, other)
Tensor.__rpow__ = lambda self, other: pow(other, self)
Tensor.__ipow__ = lambda self, other: inplace(self, pow, other)
Tensor.__neg__ = neg
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = abs
Tensor.__eq__ = eq
Tensor.__ne__ = ne
Tensor.__lt__ = lt
Tensor.__le__ = le
Tensor.__gt__ = gt
Tensor.__ge__ = ge
Tensor.__hash__ = object.__hash__   # defining __eq__ would otherwise remove it
