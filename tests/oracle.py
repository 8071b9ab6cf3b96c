"""The oracle: what the engine does, compared with what PyTorch does.

Every test that holds the engine against PyTorch runs the same code on both libraries and
hands the two results to ``assert_same``: values, dtypes, shapes, ``requires_grad``, grad_fn
names, the types and lengths of tuples, and errors (same exception type, same words). Tests
that compare gradients pass the two lists to ``assert_same_gradients``; tests that gather every
mismatch before failing ask ``difference`` for each case's words ("" where they agree).

Tolerance policy (one for the whole suite, by the result's dtype):

- bool and integer tensors are compared exactly;
- float64 to rtol 1e-7, atol 1e-10: both libraries compute in double precision, and only the
  order of summation (or a LAPACK routine) may differ;
- float32 to rtol 1e-6, atol 1e-6: a few units in the last place of single precision;
- float16 and bfloat16 to 2e-3 and 1.6e-2 (rtol and atol): a couple of units in their
  last place, since one library may round an intermediate result the other keeps wider;
- complex64 and complex128 as float32 and float64, on the complex difference (both parts at once).

NaNs must sit in the same places, and -0.0 equals 0.0.

Errors compare their whole message; ``first_line=True`` compares only its first line, for
PyTorch messages whose later lines list C++ frames or overloads that the engine does not copy.

Where PyTorch is not installed, ``torch_or_skip`` skips the calling test cleanly.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

# (rtol, atol) per float dtype; dtypes not listed here are compared exactly
TOLERANCES = {
    "torch.float64": (1e-7, 1e-10),
    "torch.float32": (1e-6, 1e-6),
    "torch.float16": (2e-3, 2e-3),
    "torch.bfloat16": (1.6e-2, 1.6e-2),
    "torch.complex64": (1e-6, 1e-6),
    "torch.complex128": (1e-7, 1e-10),
}


def torch_or_skip():
    """PyTorch, or a clean skip of the calling test where it is not installed."""
    return pytest.importorskip("torch")


def outcome(fn):
    """What ``fn()`` gives: its result, or the exception it raised (the exception is the observation)."""
    try:
        return fn()
    except Exception as error:   # noqa: BLE001 - the error is the result being compared
        return error


def is_tensor(value):
    """An engine or a PyTorch tensor (the oracle never imports either library itself)."""
    return hasattr(value, "grad_fn") and hasattr(value, "dtype") and hasattr(value, "detach")


def assert_same(ours, theirs, *, first_line=False):
    """``ours`` (the engine's result or error) is ``theirs`` (PyTorch's), to the tolerance policy."""
    found = difference(ours, theirs, first_line=first_line)
    assert not found, found


def assert_same_gradients(ours, theirs):
    """Two lists of gradients (tensors or None) agree: None in the same places, the same tensors elsewhere."""
    assert len(ours) == len(theirs), f"{len(ours)} gradients, PyTorch gives {len(theirs)}"
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert (a is None) == (b is None), f"gradient {i}: engine gives {a!r}, PyTorch gives {b!r}"
        if b is not None:
            found = _tensor_difference(a, b)
            assert not found, f"gradient {i}: {found}"


def difference(ours, theirs, *, first_line=False):
    """The first way ``ours`` differs from ``theirs``, in words; "" when they agree."""
    if isinstance(theirs, BaseException) or isinstance(ours, BaseException):
        return _error_difference(ours, theirs, first_line)
    if is_tensor(theirs):
        return _tensor_difference(ours, theirs)
    if isinstance(theirs, (tuple, list)):
        return _sequence_difference(ours, theirs, first_line)
    if type(theirs).__module__.split(".")[0] == "torch":   # dtype, device, finfo ...: their printed forms
        return "" if repr(ours) == repr(theirs) else f"engine gives {ours!r}, PyTorch gives {theirs!r}"
    return _plain_difference(ours, theirs)


def _error_difference(ours, theirs, first_line):
    if not isinstance(theirs, BaseException):
        return f"engine raised {type(ours).__name__}: {ours}; PyTorch gives {theirs!r}"
    if not isinstance(ours, BaseException):
        return f"engine gives {ours!r}; PyTorch raised {type(theirs).__name__}: {theirs}"
    words = (str(ours), str(theirs))
    if first_line:
        words = tuple(text.split("\n")[0] for text in words)
    if (type(ours).__name__, words[0]) != (type(theirs).__name__, words[1]):
        return (f"engine raised {type(ours).__name__}: {words[0]!r}\n"
                f"PyTorch raised {type(theirs).__name__}: {words[1]!r}")
    return ""


def _tensor_difference(ours, theirs):
    if not is_tensor(ours):
        return f"engine gives {ours!r}, PyTorch gives a tensor"
    for what, mine, real in [("dtype", str(ours.dtype), str(theirs.dtype)),
                             ("shape", tuple(ours.shape), tuple(theirs.shape)),
                             ("requires_grad", ours.requires_grad, theirs.requires_grad),
                             ("grad_fn", type(ours.grad_fn).__name__, type(theirs.grad_fn).__name__)]:
        if mine != real:
            return f"{what}: engine {mine}, PyTorch {real}"
    return _values_difference(_numbers(ours), _numbers(theirs), str(theirs.dtype))


def _numbers(tensor):
    """The tensor's values as a NumPy array on the host (bfloat16, which NumPy lacks, widened to float32;
    PyTorch's lazily conjugated or negated views resolved, as numpy() wants them)."""
    tensor = tensor.detach()
    for resolve in ("resolve_conj", "resolve_neg"):
        if hasattr(tensor, resolve):
            tensor = getattr(tensor, resolve)()
    if str(tensor.dtype) == "torch.bfloat16":
        tensor = tensor.float()
    return np.asarray(tensor.cpu().numpy())


def _values_difference(ours, theirs, dtype):
    if dtype in TOLERANCES:
        rtol, atol = TOLERANCES[dtype]
        wide = np.complex128 if dtype.startswith("torch.complex") else np.float64
        agree = np.allclose(ours.astype(wide), theirs.astype(wide), rtol=rtol, atol=atol, equal_nan=True)
        rule = f"rtol {rtol}, atol {atol}"
    else:
        agree, rule = np.array_equal(ours, theirs), "exact"
    return "" if agree else f"values differ ({dtype}, {rule}):\nengine  {ours}\nPyTorch {theirs}"


def _sequence_difference(ours, theirs, first_line):
    if type(ours).__name__ != type(theirs).__name__ or len(ours) != len(theirs):
        return f"engine gives {type(ours).__name__} of {len(ours)}, PyTorch {type(theirs).__name__} of {len(theirs)}"
    for i, (a, b) in enumerate(zip(ours, theirs)):
        found = difference(a, b, first_line=first_line)
        if found:
            return f"item {i}: {found}"
    return ""


def _plain_difference(ours, theirs):
    if type(ours) is not type(theirs):
        return f"engine gives {type(ours).__name__} {ours!r}, PyTorch {type(theirs).__name__} {theirs!r}"
    both_nan = isinstance(theirs, float) and math.isnan(theirs) and math.isnan(ours)
    return "" if both_nan or ours == theirs else f"engine gives {ours!r}, PyTorch gives {theirs!r}"
