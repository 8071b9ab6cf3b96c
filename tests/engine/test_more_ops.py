"""Ops real programs called that the engine lacked (issue 12, section 4), compared with PyTorch
through the oracle: values, dtypes, grad_fn names, and error type and words."""
from __future__ import annotations

import pytest

import engine
from tests.oracle import assert_same, outcome, torch_or_skip


def _leaf(lib, values):
    return lib.tensor(values, requires_grad=True)


CASES = {
    "broadcast_shapes": lambda L: L.broadcast_shapes((2, 1), (3,)),
    "broadcast_shapes of a number": lambda L: L.broadcast_shapes(3, (2, 1)),
    "broadcast_shapes of nothing": lambda L: L.broadcast_shapes(),
    "broadcast_shapes mismatch": lambda L: L.broadcast_shapes((2, 1), (3, 2)),
    "unravel_index": lambda L: L.unravel_index(L.tensor([4, 5, 7]), (2, 3)),
    "unravel_index of a 0-d index": lambda L: L.unravel_index(L.tensor(4), (2, 3)),
    "unravel_index in 3 dims": lambda L: L.unravel_index(L.tensor([[10, 3]]), (2, 3, 2)),
    "cartesian_prod": lambda L: L.cartesian_prod(_leaf(L, [1., 2., 3.]), L.tensor([4., 5.])),
    "cartesian_prod of three": lambda L: L.cartesian_prod(L.tensor([1, 2]), L.tensor([3]), L.tensor([4, 5])),
    "cartesian_prod of one": lambda L: L.cartesian_prod(L.tensor([1, 2])),
    "cartesian_prod of a matrix": lambda L: L.cartesian_prod(L.ones(2, 2)),
    "block_diag": lambda L: L.block_diag(_leaf(L, [[1., 2.], [3., 4.]]), L.tensor([4., 5.]), L.tensor(7.)),
    "block_diag promotes": lambda L: L.block_diag(L.tensor([1, 2]), L.tensor([[3.]])),
    "block_diag of nothing": lambda L: L.block_diag(),
    "block_diag of 3-d": lambda L: L.block_diag(L.ones(2, 2, 2)),
    "repeat_interleave": lambda L: L.repeat_interleave(_leaf(L, [[1., 2.], [3., 4.]]), 2),
    "repeat_interleave along dim 0": lambda L: L.repeat_interleave(_leaf(L, [[1., 2.], [3., 4.]]), 2, dim=0),
    "repeat_interleave method": lambda L: L.tensor([[1., 2.], [3., 4.]]).repeat_interleave(3, dim=1),
    "repeat_interleave by counts": lambda L: L.repeat_interleave(_leaf(L, [[1., 2.], [3., 4.]]), L.tensor([1, 2]),
                                                               dim=0),
    "repeat_interleave of counts": lambda L: L.repeat_interleave(L.tensor([2, 3])),
    "repeat_interleave negative": lambda L: L.repeat_interleave(L.ones(2), -1),
    "repeat_interleave mismatch": lambda L: L.repeat_interleave(L.ones(2), L.tensor([1, 2, 3])),
    "unique_consecutive": lambda L: L.unique_consecutive(L.tensor([1, 1, 2, 2, 3, 1, 1, 2]), return_inverse=True,
                                                         return_counts=True),
    "unique_consecutive along dim": lambda L: L.unique_consecutive(L.tensor([[1, 1], [2, 2], [2, 2]]), dim=0,
                                                                   return_counts=True),
    "vdot": lambda L: L.vdot(_leaf(L, [1., 2.]), L.tensor([3., 4.])),
    "vdot of a matrix": lambda L: L.vdot(L.ones(2, 2), L.ones(2)),
    "float_power": lambda L: L.float_power(_leaf(L, [1., 2.]), 2),
    "float_power of integers": lambda L: L.float_power(L.tensor([2, 3]), 2),
    "float_power of a number": lambda L: L.float_power(2, _leaf(L, [1., 2.])),
    "inner": lambda L: L.inner(_leaf(L, [[1., 2., 3.], [4., 5., 6.]]), L.ones(2, 4, 3)),
    "inner with a number": lambda L: L.inner(_leaf(L, [1., 2.]), L.tensor(2.)),
    "inner mismatch": lambda L: L.inner(L.ones(2), L.ones(3)),
    "kron": lambda L: L.kron(L.eye(2, requires_grad=True), L.arange(1., 5.).reshape(2, 2)),
    "kron of ranks 1 and 2": lambda L: L.kron(L.tensor([1, 2]), L.ones(2, 2, dtype=L.int64)),
    "take_along_dim": lambda L: L.take_along_dim(_leaf(L, [[1., 2., 3.], [4., 5., 6.]]), L.tensor([[0], [2]]), dim=1),
    "take_along_dim flat": lambda L: L.take_along_dim(L.tensor([[10, 30, 20], [60, 40, 50]]), L.tensor(3)),
    "aminmax": lambda L: L.aminmax(_leaf(L, [[1., 3., 3.], [0., 5., 0.]]), dim=1),
    "aminmax of nan": lambda L: L.aminmax(L.tensor([1., -3., L.nan])),
    "aminmax of nothing": lambda L: L.aminmax(L.tensor([])),
    "dsplit": lambda L: L.dsplit(L.arange(16.0).reshape(2, 2, 4), [3, 6]),
    "range": lambda L: L.range(1, 4, 0.5),
    "remainder keeps -0.": lambda L: L.remainder(L.tensor([-3., -2, -1, 1, 2, 3]), 2),
    "remainder by a negative": lambda L: L.remainder(L.tensor([1, 2, 3, 4, 5]), -1.5),
}


@pytest.mark.parametrize("name", CASES)
def test_matches_pytorch(name):
    torch = torch_or_skip()
    case = CASES[name]
    assert_same(outcome(lambda: case(engine)), outcome(lambda: case(torch)))
