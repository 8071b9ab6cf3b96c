"""PyTorch's type promotion for every binary op, checked against PyTorch itself.

Every op runs on every pair of the 9 dtypes, on 0-d tensors beside dimensioned ones, and
with Python scalars (bool, int, float) on either side. The engine must give PyTorch's
result dtype and values, or raise PyTorch's exception type with PyTorch's message.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import engine
from tests.oracle import difference, outcome, torch_or_skip

torch = torch_or_skip()

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
SCALARS = [True, 2, -3, 2.5]

# name -> call(lib, a, b); a and b are tensors or Python scalars
BINARY_OPS = {
    "add": lambda lib, a, b: lib.add(a, b),
    "add_alpha": lambda lib, a, b: lib.add(a, b, alpha=2),
    "sub": lambda lib, a, b: lib.sub(a, b),
    "mul": lambda lib, a, b: lib.mul(a, b),
    "div": lambda lib, a, b: lib.div(a, b),
    "div_trunc": lambda lib, a, b: lib.div(a, b, rounding_mode="trunc"),
    "div_floor": lambda lib, a, b: lib.div(a, b, rounding_mode="floor"),
    "floor_divide": lambda lib, a, b: lib.floor_divide(a, b),
    "remainder": lambda lib, a, b: lib.remainder(a, b),
    "pow": lambda lib, a, b: lib.pow(a, b),
    "atan2": lambda lib, a, b: lib.atan2(a, b),
    "maximum": lambda lib, a, b: lib.maximum(a, b),
    "minimum": lambda lib, a, b: lib.minimum(a, b),
    "eq": lambda lib, a, b: lib.eq(a, b),
    "ne": lambda lib, a, b: lib.ne(a, b),
    "lt": lambda lib, a, b: lib.lt(a, b),
    "le": lambda lib, a, b: lib.le(a, b),
    "gt": lambda lib, a, b: lib.gt(a, b),
    "ge": lambda lib, a, b: lib.ge(a, b),
    "logical_and": lambda lib, a, b: lib.logical_and(a, b),
    "logical_or": lambda lib, a, b: lib.logical_or(a, b),
    "logical_xor": lambda lib, a, b: lib.logical_xor(a, b),
    "bitwise_and": lambda lib, a, b: lib.bitwise_and(a, b),
    "bitwise_or": lambda lib, a, b: lib.bitwise_or(a, b),
    "bitwise_xor": lambda lib, a, b: lib.bitwise_xor(a, b),
    "left_shift": lambda lib, a, b: lib.bitwise_left_shift(a, b),
    "right_shift": lambda lib, a, b: lib.bitwise_right_shift(a, b),
    "where": lambda lib, a, b: lib.where(lib.tensor([True, False]), a, b),
    "lerp": lambda lib, a, b: lib.lerp(a, b, 0.25),
    "lerp_tensor_weight": lambda lib, a, b: lib.lerp(a, a, b),
    "clamp_tensors": lambda lib, a, b: lib.clamp(a, b, b),
    "clamp_min": lambda lib, a, b: lib.clamp(a, b),
    "clamp_max": lambda lib, a, b: lib.clamp(a, None, b),
    "isclose": lambda lib, a, b: lib.isclose(a, b),
    "equal": lambda lib, a, b: lib.equal(a, b),
}

# Python's operators, with a tensor or a scalar on either side (reflected forms included)
OPERATORS = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b,
    "//": lambda a, b: a // b, "%": lambda a, b: a % b, "**": lambda a, b: a ** b,
    "&": lambda a, b: a & b, "|": lambda a, b: a | b, "^": lambda a, b: a ^ b,
    "<<": lambda a, b: a << b, ">>": lambda a, b: a >> b,
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}

IN_PLACE = {
    "+=": lambda a, b: a.__iadd__(b), "-=": lambda a, b: a.__isub__(b), "*=": lambda a, b: a.__imul__(b),
    "/=": lambda a, b: a.__itruediv__(b), "//=": lambda a, b: a.__ifloordiv__(b),
    "%=": lambda a, b: a.__imod__(b), "**=": lambda a, b: a.__ipow__(b), "&=": lambda a, b: a.__iand__(b),
    "|=": lambda a, b: a.__ior__(b), "^=": lambda a, b: a.__ixor__(b), "<<=": lambda a, b: a.__ilshift__(b),
    ">>=": lambda a, b: a.__irshift__(b),
}


def operand(lib, dtype, zero_dim=False, values=(5, -3)):
    """A small tensor of ``dtype`` with values that avoid zero divisors and negative exponents."""
    data = np.array(values[0] if zero_dim else list(values)).astype(dtype)
    return lib.from_numpy(data.copy())


def quiet_outcome(fn):
    """What ``fn()`` gives (its result or its error), its warnings silenced: the cases are what is compared."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return outcome(fn)


def check(cases):
    """Run every (label, call(lib)) case on both libraries; fail listing the mismatches.

    Errors compare their first line: for a scalar where PyTorch wants a tensor (eq, lerp, clamp),
    PyTorch's TypeError goes on to list its overloads, which the engine does not copy."""
    bad = []
    for label, call in cases:
        found = difference(quiet_outcome(lambda: call(engine)), quiet_outcome(lambda: call(torch)), first_line=True)
        if found:
            bad.append(f"{label}:\n    {found}")
    assert not bad, f"{len(bad)} of {len(cases)} cases differ from PyTorch:\n" + "\n".join(bad[:12])


@pytest.mark.parametrize("name", BINARY_OPS)
def test_tensor_tensor(name):
    op = BINARY_OPS[name]
    cases = [(f"{name}({a}, {b})", lambda lib, a=a, b=b: op(lib, operand(lib, a), operand(lib, b, values=(2, 3))))
             for a in DTYPES for b in DTYPES]
    check(cases)


@pytest.mark.parametrize("name", BINARY_OPS)
def test_zero_dim_tensors(name):
    op = BINARY_OPS[name]
    cases = []
    for a in DTYPES:
        for b in DTYPES:
            for za, zb in ((True, False), (False, True), (True, True)):
                label = f"{name}({a}{'[0-d]' * za}, {b}{'[0-d]' * zb})"
                cases.append((label, lambda lib, a=a, b=b, za=za, zb=zb:
                              op(lib, operand(lib, a, za), operand(lib, b, zb, values=(2, 3)))))
    check(cases)


@pytest.mark.parametrize("name", BINARY_OPS)
def test_tensor_scalar(name):
    op = BINARY_OPS[name]
    cases = []
    for dt in DTYPES:
        for s in SCALARS:
            cases.append((f"{name}({dt}, {s!r})", lambda lib, dt=dt, s=s: op(lib, operand(lib, dt), s)))
            cases.append((f"{name}({s!r}, {dt})", lambda lib, dt=dt, s=s: op(lib, s, operand(lib, dt))))
    check(cases)


def operator_cases(symbol, op, reflected):
    """(label, call) for op on every two dtypes and on each dtype with each scalar on the
    right, and on the left too when the operator has a reflected form."""
    cases = []
    for a in DTYPES:
        for b in DTYPES:
            cases.append((f"{a} {symbol} {b}", lambda lib, a=a, b=b: op(operand(lib, a), operand(lib, b, values=(2, 3)))))
        for s in SCALARS:
            cases.append((f"{a} {symbol} {s!r}", lambda lib, a=a, s=s: op(operand(lib, a), s)))
            if reflected:
                cases.append((f"{s!r} {symbol} {a}", lambda lib, a=a, s=s: op(s, operand(lib, a))))
    return cases


@pytest.mark.parametrize("symbol", OPERATORS)
def test_operators(symbol):
    check(operator_cases(symbol, OPERATORS[symbol], reflected=True))


@pytest.mark.parametrize("symbol", IN_PLACE)
def test_in_place_operators(symbol):
    """In-place ops keep self's dtype and refuse results it cannot hold."""
    check(operator_cases(symbol, IN_PLACE[symbol], reflected=False))


def test_result_type_and_promote_types():
    cases = []
    for a in DTYPES:
        for b in DTYPES:
            cases.append((f"promote_types({a}, {b})", lambda lib, a=a, b=b: lib.empty(0, dtype=lib.promote_types(
                getattr(lib, a), getattr(lib, b)))))
            cases.append((f"result_type({a}, {b}[0-d])", lambda lib, a=a, b=b: lib.empty(0, dtype=lib.result_type(
                operand(lib, a), operand(lib, b, True)))))
        for s in SCALARS:
            cases.append((f"result_type({a}, {s!r})", lambda lib, a=a, s=s: lib.empty(0, dtype=lib.result_type(
                operand(lib, a), s))))
    check(cases)


def test_literal_expectations():
    """A few answers from the reference, literal, so the file says something without torch."""
    t = engine.tensor
    assert (t([1, 2], dtype=engine.uint8) + t([1, 2], dtype=engine.int8)).dtype is engine.int16
    assert (t([1, 2], dtype=engine.int32) + 1.5).dtype is engine.float32
    assert (t([1, 2]) + t(5., dtype=engine.float64)).dtype is engine.float64
    assert (t([1., 2.]) + t(5., dtype=engine.float64)).dtype is engine.float32
    assert (t([1, 2], dtype=engine.uint8) + 1000).tolist() == [233, 234]
    with pytest.raises(RuntimeError, match=r"^Subtraction, the `-` operator, with two bool tensors"):
        t([True]) - t([False])
    with pytest.raises(NotImplementedError, match=r'^"bitwise_and_cpu" not implemented for \'Float\'$'):
        t([1.]) & t([1])
    assert math.isinf((t([1., 2.]) // 0)[0].item())
