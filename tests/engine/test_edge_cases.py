"""Edge cases found by differential fuzzing against PyTorch (issue 12, section 5): each compared
with torch through the oracle, values or error type and words."""
from __future__ import annotations

import math

import numpy as np
import pytest

import engine
from tests.oracle import assert_same, outcome, torch_or_skip

CASES = {
    "softmax of an empty tensor": lambda L: L.softmax(L.ones(0, 3), 0),
    "softmax over an empty dim": lambda L: L.softmax(L.ones(2, 0), 1),
    "log_softmax of an empty tensor": lambda L: L.log_softmax(L.ones(0, 3), 0),
    "remainder of nothing by zero": lambda L: L.remainder(L.ones(0, dtype=L.int64), 0),
    "fmod of nothing by zero": lambda L: L.fmod(L.ones(0, dtype=L.int64), 0),
    "floor_divide of nothing by zero": lambda L: L.floor_divide(L.ones(0, dtype=L.int64), 0),
    "remainder by a zero tensor": lambda L: L.remainder(L.ones(2, dtype=L.int64), L.zeros(2, dtype=L.int64)),
    "linspace to 2 pi": lambda L: L.linspace(0., 2 * math.pi, 25),
    "tensor + str": lambda L: L.ones(2) + "a",
    "str + tensor": lambda L: "a" + L.ones(2),
    "tensor * None": lambda L: L.ones(2) * None,
    "tensor - list": lambda L: L.ones(2) - [1],
    "tensor < str": lambda L: L.ones(2) < "a",
    "tensor == None": lambda L: L.ones(2) == None,   # noqa: E711 - the comparison is the case
    "tensor + ndarray": lambda L: L.ones(2) + np.ones(2),
    "dtype as a name": lambda L: L.ones(2, dtype="float32"),
    "dtype as NumPy's": lambda L: L.zeros(2, dtype=np.float32),
    "tensor(dtype as a name)": lambda L: L.tensor([1, 2], dtype="int64"),
    "full(dtype as a name)": lambda L: L.full((2,), 1, dtype="int32"),
    "dtype=float": lambda L: L.ones(2, dtype=float),
    "sqrt of a number": lambda L: L.sqrt(2.0),
    "exp of a list": lambda L: L.exp([1.0]),
    "to mps": lambda L: L.ones(2).to("mps"),
    "device mps": lambda L: L.device("mps"),
    "unknown device": lambda L: L.device("gpu"),
}


@pytest.mark.parametrize("name", CASES)
def test_matches_pytorch(name):
    torch = torch_or_skip()
    case = CASES[name]
    assert_same(outcome(lambda: case(engine)), outcome(lambda: case(torch)))


def test_augmented_assignment_with_a_non_number_is_pythons_error():
    torch = torch_or_skip()

    def add_str(lib):
        x = lib.ones(2)
        x += "a"
    assert_same(outcome(lambda: add_str(engine)), outcome(lambda: add_str(torch)))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("start,end,steps", [(-math.pi, math.pi, 2000), (0., 2 * math.pi, 25), (-3.3, 7.1, 101),
                                             (1e-3, 5e4, 1001), (3, -2, 50), (0, 1, 7)])
def test_linspace_is_pytorchs_bit_for_bit(start, end, steps, dtype):
    """Each value a fused multiply-add from the nearer end, as PyTorch's kernel computes it."""
    torch = torch_or_skip()
    ours = engine.linspace(start, end, steps, dtype=getattr(engine, dtype)).numpy()
    theirs = torch.linspace(start, end, steps, dtype=getattr(torch, dtype)).numpy()
    np.testing.assert_array_equal(ours, theirs)
