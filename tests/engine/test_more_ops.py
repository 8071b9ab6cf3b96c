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
}


@pytest.mark.parametrize("name", CASES)
def test_matches_pytorch(name):
    torch = torch_or_skip()
    case = CASES[name]
    assert_same(outcome(lambda: case(engine)), outcome(lambda: case(torch)))
