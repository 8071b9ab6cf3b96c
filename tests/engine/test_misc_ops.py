"""The functions and methods of issue 12 §1 and §4 that corpus programs called (the scatters,
diag_embed, resize_, quantile, einsum's sublists, torch.accelerator, ...), compared with PyTorch
through the oracle: values, dtypes, grad_fn names, and error type and words."""
from __future__ import annotations

import pytest

import engine
from tests.oracle import assert_same, outcome, torch_or_skip


def _leaf(lib, values):
    return lib.tensor(values, requires_grad=True)


def _square(lib):
    return lib.arange(9.).reshape(3, 3).requires_grad_()


SCATTERS = {
    "diag_embed": lambda L: L.diag_embed(_leaf(L, [[1., 2.], [3., 4.]])),
    "diag_embed offset dims": lambda L: L.diag_embed(L.arange(6.).reshape(2, 3), offset=1, dim1=0, dim2=2),
    "diag_embed negative offset": lambda L: L.arange(6).reshape(2, 3).diag_embed(-2, -1, 0),
    "diag_embed of a number": lambda L: L.diag_embed(L.tensor(2.)),
    "diag_embed same dims": lambda L: L.diag_embed(L.ones(3), dim1=0, dim2=0),
    "diag_embed dim out of range": lambda L: L.diag_embed(L.ones(3), dim1=2),
    "diagonal_scatter": lambda L: L.diagonal_scatter(_square(L), _leaf(L, [1., 2., 3.])),
    "diagonal_scatter offset": lambda L: L.diagonal_scatter(L.zeros(3, 3), L.ones(2), -1),
    "diagonal_scatter casts src": lambda L: L.zeros(2, 2).diagonal_scatter(L.tensor([1, 2])),
    "diagonal_scatter wrong size": lambda L: L.diagonal_scatter(L.zeros(3, 3), L.ones(2)),
    "diagonal_scatter same dims": lambda L: L.diagonal_scatter(L.zeros(3, 3), L.ones(3), 0, 1, 1),
    "select_scatter": lambda L: L.select_scatter(_square(L), _leaf(L, [1., 2., 3.]), 1, -1),
    "select_scatter of a vector": lambda L: L.zeros(3).select_scatter(L.tensor(5.), 0, 2),
    "select_scatter wrong size": lambda L: L.zeros(2, 2).select_scatter(L.ones(3), 0, 0),
    "select_scatter index out of range": lambda L: L.zeros(2, 2).select_scatter(L.ones(2), 0, 2),
    "select_scatter of a number": lambda L: L.tensor(1.).select_scatter(L.tensor(2.), 0, 0),
    "slice_scatter": lambda L: L.slice_scatter(_square(L), _leaf(L, [[1., 2., 3.]]), start=1, end=2),
    "slice_scatter step": lambda L: L.zeros(3, 5).slice_scatter(L.ones(3, 2), dim=1, start=1, step=3),
    "slice_scatter clamps": lambda L: L.zeros(3).slice_scatter(L.ones(2), start=-10, end=2),
    "slice_scatter empty": lambda L: L.zeros(3).slice_scatter(L.ones(0), start=5),
    "slice_scatter wrong size": lambda L: L.zeros(8, 8).slice_scatter(L.ones(3, 8), start=6),
    "slice_scatter step 0": lambda L: L.zeros(3).slice_scatter(L.ones(3), step=0),
}
CASES = {**SCATTERS}


@pytest.mark.parametrize("name", CASES)
def test_matches_pytorch(name):
    torch = torch_or_skip()
    case = CASES[name]
    assert_same(outcome(lambda: case(engine)), outcome(lambda: case(torch)))
