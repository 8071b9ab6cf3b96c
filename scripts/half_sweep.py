#!/usr/bin/env python3
"""How many float16 results differ from PyTorch's in any bit: 32 ops x 4 shapes x 3 draws.

    python scripts/half_sweep.py

Each case runs one op on the same standard normal float16 data in the engine and in torch
(installed as the oracle) and compares the results bit for bit; the count of cases that differ,
and which ops they are, is the figure issue 12 reports (3 of 384 after the half-precision work: one-bit exp differences, NumPy against Sleef).
"""
from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import engine  # noqa: E402
import torch   # noqa: E402

OPS = {
    "sum": lambda L, x: x.sum(1), "sum_all": lambda L, x: x.sum(), "nansum": lambda L, x: L.nansum(x, 1),
    "mean": lambda L, x: x.mean(), "mean_dim0": lambda L, x: x.mean(0), "mean_dim1": lambda L, x: x.mean(1),
    "nanmean": lambda L, x: x.nanmean(1), "var": lambda L, x: x.var(1), "var_all": lambda L, x: x.var(),
    "var_dim0": lambda L, x: x.var(0), "std": lambda L, x: x.std(0),
    "std_biased": lambda L, x: x.std(1, unbiased=False), "var_mean": lambda L, x: L.var_mean(x, 1)[0],
    "std_mean": lambda L, x: L.std_mean(x, 1)[0], "norm": lambda L, x: x.norm(dim=1), "norm_all": lambda L, x: x.norm(),
    "vector_norm_3": lambda L, x: L.linalg.vector_norm(x, 3, dim=1), "cumsum": lambda L, x: x.cumsum(1),
    "cumsum_dim0": lambda L, x: x.cumsum(0), "cumprod": lambda L, x: (x.abs() + 0.5).cumprod(1),
    "logcumsumexp": lambda L, x: L.logcumsumexp(x, 1), "logsumexp": lambda L, x: L.logsumexp(x, 1),
    "logsumexp_dim0": lambda L, x: L.logsumexp(x, 0), "prod": lambda L, x: (x.abs() + 0.5).prod(1),
    "prod_all": lambda L, x: (x.abs() * 0.1 + 0.95).prod(), "softmax": lambda L, x: L.softmax(x, 1),
    "softmax_dim0": lambda L, x: L.softmax(x, 0), "log_softmax": lambda L, x: L.log_softmax(x, 1),
    "log_softmax_dim0": lambda L, x: L.log_softmax(x, 0), "sigmoid": lambda L, x: L.sigmoid(x),
    "rsqrt": lambda L, x: L.rsqrt(x.abs() + 0.1), "sinc": lambda L, x: L.sinc(x),
}
SHAPES = [(4, 7), (3, 50), (2, 300), (5, 1000)]


def main():
    differing = {}
    for name, op in OPS.items():
        rng = np.random.default_rng(len(name))
        for shape in SHAPES * 3:
            data = rng.standard_normal(shape).astype(np.float16)
            ours, theirs = op(engine, engine.tensor(data)).numpy(), op(torch, torch.tensor(data)).numpy()
            if ours.dtype != theirs.dtype or not np.array_equal(ours.view(np.uint16), theirs.view(np.uint16)):
                differing[name] = differing.get(name, 0) + 1
    print(f"{sum(differing.values())} of {len(OPS) * len(SHAPES) * 3} float16 cases differ from PyTorch's: {differing}")


if __name__ == "__main__":
    main()
