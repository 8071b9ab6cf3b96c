#!/usr/bin/env python3
"""Engine speed against raw NumPy and PyTorch (CPU), measured in one run.

    python scripts/bench_engine.py [--device cuda] [--quick]

Each row times the same work three ways and prints the ratios engine/NumPy and
engine/PyTorch (below 1.0 means the engine is faster). PyTorch is optional: its
column is blank where it is not installed. Single-threaded BLAS is advised for
stable numbers: OMP_NUM_THREADS=1.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import timeit

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import engine  # noqa: E402
from engine.device import array_module, canonical  # noqa: E402

try:
    import torch
    torch.set_num_threads(1)
except ImportError:
    torch = None


def best(fn, number):
    """Best-of-5 time per call, in microseconds."""
    return min(timeit.repeat(fn, number=number, repeat=5)) / number * 1e6


def row(name, ours, numpy_fn, torch_fn, number):
    t_e = best(ours, number)
    t_n = best(numpy_fn, number) if numpy_fn else None
    t_t = best(torch_fn, number) if (torch_fn and torch is not None) else None
    cells = [f"{name:<34}", f"{t_e:10.2f}", f"{t_n:10.2f}" if t_n else " " * 10, f"{t_t:10.2f}" if t_t else " " * 10,
             f"{t_e / t_n:8.2f}" if t_n else " " * 8, f"{t_e / t_t:8.2f}" if t_t else " " * 8]
    print("  ".join(cells), flush=True)
    return t_e, t_n, t_t


def tutorial(lib):
    def run():
        x = lib.ones(2, 2, requires_grad=True)
        out = ((x + 2) * (x + 2) * 3).mean()
        out.backward()
    return run


def tutorial_numpy():
    x = np.ones((2, 2), np.float32)
    y = x + 2
    z = y * y * 3
    out = z.mean()
    # the hand-written backward of the same graph
    g = np.full_like(x, 1 / x.size)
    gz = g * 3
    gy = gz * y + gz * y
    return out, gy


def startup(cmd):
    times = []
    for _ in range(5):
        t0 = timeit.default_timer()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(timeit.default_timer() - t0)
    return statistics.median(times) * 1e3


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cpu", help="cpu or cuda (PyTorch on the same device where it can)")
    p.add_argument("--quick", action="store_true", help="fewer, faster rows")
    args = p.parse_args()
    dev = args.device
    on_gpu = dev != "cpu"
    xp = array_module(canonical(dev))
    # PyTorch runs on the same device when its build can; its row is then GPU against GPU
    t_dev = dev if torch is not None and (not on_gpu or torch.cuda.is_available()) else "cpu"

    print(f"engine vs {'CuPy' if on_gpu else 'NumPy'} vs PyTorch {torch.__version__ if torch else '(not installed)'}"
          f" (on {t_dev}); device={dev}; times in µs per call (best of 5)")
    print("  ".join([f"{'work':<34}", f"{'engine':>10}", f"{'numpy' if not on_gpu else 'cupy':>10}",
                     f"{'torch':>10}", f"{'/numpy':>8}", f"{'/torch':>8}"]))

    a_np, b_np = np.random.rand(5, 3).astype(np.float32), np.random.rand(5, 3).astype(np.float32)
    a, b = engine.from_numpy(a_np).to(dev), engine.from_numpy(b_np).to(dev)
    a_x, b_x = a._data, b._data
    ta, tb = (torch.from_numpy(a_np).to(t_dev), torch.from_numpy(b_np).to(t_dev)) if torch else (None, None)
    row("add 5x3 float32", lambda: a + b, lambda: a_x + b_x, lambda: ta + tb, 20000)
    row("mul by Python scalar 5x3", lambda: a * 2.5, lambda: a_x * 2.5, lambda: ta * 2.5, 20000)
    row("exp 5x3", lambda: a.exp(), lambda: xp.exp(a_x), lambda: ta.exp(), 20000)
    row("sum 5x3", lambda: a.sum(), lambda: a_x.sum(), lambda: ta.sum(), 20000)
    row("index x[:, 0]", lambda: a[:, 0], lambda: a_x[:, 0], lambda: ta[:, 0], 20000)
    ag = engine.ones(5, 3, requires_grad=True, device=dev)
    tg = torch.ones(5, 3, requires_grad=True, device=t_dev) if torch else None
    row("add 5x3, recording the graph", lambda: ag + ag, lambda: a_x + a_x, lambda: tg + tg, 20000)
    if not on_gpu:
        row("tutorial forward+backward", tutorial(engine), tutorial_numpy, tutorial(torch) if torch else None,
            3000)

    n = 1000 if args.quick else 2000
    m_np = np.random.rand(n, n).astype(np.float32)
    m = engine.from_numpy(m_np).to(dev)
    m_x = m._data
    tm = torch.from_numpy(m_np).to(t_dev) if torch else None
    sync = (lambda: xp.cuda.Device().synchronize()) if on_gpu else (lambda: None)
    t_sync = torch.cuda.synchronize if torch is not None and t_dev != "cpu" else (lambda: None)
    row(f"matmul {n}x{n} float32", lambda: (m @ m, sync()), lambda: (m_x @ m_x, sync()),
        lambda: (tm @ tm, t_sync()), 5)
    row(f"sum {n}x{n} float32", lambda: (m.sum(), sync()), lambda: (m_x.sum(), sync()),
        lambda: (tm.sum(), t_sync()), 50)
    row(f"sum(dim=0) {n}x{n} float32", lambda: (m.sum(0), sync()), lambda: (m_x.sum(0), sync()),
        lambda: (tm.sum(0), t_sync()), 50)
    row(f"exp {n}x{n} float32", lambda: (m.exp(), sync()), lambda: (xp.exp(m_x), sync()),
        lambda: (tm.exp(), t_sync()), 20)

    depth = 10_000
    def chain(lib, device):
        def run():
            x = lib.ones(3, requires_grad=True, device=device)
            y = x
            for _ in range(depth):
                y = y * 1.0001
            y.sum().backward()
        return run
    row(f"chain of {depth} muls + backward", chain(engine, dev), None, chain(torch, t_dev) if torch else None, 1)

    if not args.quick and not on_gpu:
        print()
        t_cli = startup([sys.executable, "-m", "tensorsh", "-c", "1"])
        t_torch = startup([sys.executable, "-c", "import torch"]) if torch else None
        t_engine = startup([sys.executable, "-c", "import engine"])
        print(f"start-up: `tensorsh -c 1` {t_cli:.0f} ms, `import engine` {t_engine:.0f} ms"
              + (f", `import torch` {t_torch:.0f} ms; tensorsh/torch = {t_cli / t_torch:.2f}" if t_torch else ""))


if __name__ == "__main__":
    main()
