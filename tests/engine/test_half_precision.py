"""Half precision as PyTorch computes it: reductions and composite functions compute in float32 and
round once (ATen's opmath), so float16 results equal PyTorch's bit for bit."""
from __future__ import annotations

import numpy as np
import pytest

import engine
from tests.oracle import torch_or_skip

# Each: lib, x -> a float16 tensor; x is standard normal data of the shape given.
BIT_EXACT = {
    "sum": lambda lib, x: x.sum(1),
    "mean": lambda lib, x: x.mean(),
    "mean_dim": lambda lib, x: x.mean(0),
    "nanmean": lambda lib, x: x.nanmean(1),
    "var": lambda lib, x: x.var(1),
    "var_all": lambda lib, x: x.var(),
    "std": lambda lib, x: x.std(0),
    "std_unbiased_false": lambda lib, x: x.std(1, unbiased=False),
    "var_mean": lambda lib, x: lib.var_mean(x, 1)[0],
    "std_mean": lambda lib, x: lib.std_mean(x, 1)[0],
    "norm": lambda lib, x: x.norm(dim=1),
    "vector_norm_3": lambda lib, x: lib.linalg.vector_norm(x, 3, dim=1),
    "cumsum": lambda lib, x: x.cumsum(1),
    "cumprod": lambda lib, x: (x.abs() + 0.5).cumprod(1),
    "logcumsumexp": lambda lib, x: lib.logcumsumexp(x, 1),
    "logsumexp": lambda lib, x: lib.logsumexp(x, 1),
}
SHAPES = [(4, 7), (3, 50), (2, 300), (5, 1000)]


@pytest.mark.parametrize("name", BIT_EXACT)
def test_float16_results_equal_pytorchs_bit_for_bit(name):
    torch = torch_or_skip()
    op = BIT_EXACT[name]
    rng = np.random.default_rng(len(name))
    for shape in SHAPES * 3:
        data = rng.standard_normal(shape).astype(np.float16)
        ours, theirs = op(engine, engine.tensor(data)), op(torch, torch.tensor(data))
        assert ours.dtype is engine.float16
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy(), err_msg=f"{name} on {shape}")
