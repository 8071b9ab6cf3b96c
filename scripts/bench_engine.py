#!/usr/bin/env python3
"""Engine speed against raw NumPy and PyTorch (CPU), measured in one run.

    python scripts/bench_engine.py [--device cuda] [--quick]

Each row times the same work three ways and prints the ratios engine/NumPy and
engine/PyTorch (below 1.0 means the engine is faster). PyTorch is optional: its
column is blank where it is not installed. Single-threaded BLAS is advised for
stable numbers: OMP_NUM_THREADS=1.

With --device cuda the table is the GPU's: the engine against raw CuPy and
PyTorch on CUDA (where its build has CUDA) on large work (a 4096x4096 matmul,
a 1e8-element sum), per-op overhead (a chain of small ops) and a training step
of a small MLP, each row checked against its target (large work within 1.1x of
CuPy; per-op overhead, and the MLP step it dominates, within 1.5x of CuPy's).
"""
from __future__ import annotations

import argparse
import inspect
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


# -- the targets of issue 13: the engine against PyTorch, interleaved ---------------------------------

def side_by_side(fns, number, rounds=15):
    """Per-call times in µs of ``fns``, run in turn ``rounds`` times (so that a busy machine slows each
    alike): the best of each, and the noise, the median over the best of the slowest-varying one."""
    runs = [[] for _ in fns]
    for _ in range(rounds):
        for times, fn in zip(runs, fns):
            times.append(timeit.timeit(fn, number=number) / number * 1e6)
    noise = max(statistics.median(t) / min(t) for t in runs)
    return [min(t) for t in runs], noise


def target_row(name, ours, theirs, number, target, against="torch"):
    """One row of the targets table: engine and ``against`` side by side, their ratio and the verdict."""
    (t_e, t_o), noise = side_by_side([ours, theirs], number)
    ratio = t_e / t_o
    met = ratio <= target
    print("  ".join([f"{name:<46}", f"{t_e:10.2f}", f"{t_o:10.2f}", f"{ratio:7.2f}x {against:<5}",
                     f"{'met' if met else 'MISSED'} (target <= {target}x)", f"noise {noise:.2f}"]), flush=True)
    return met


def training_step(lib, steps=None):
    """The issue's training step: a 256x8 linear model, MSE, backward, SGD under no_grad, grad = None."""
    rng = np.random.default_rng(0)
    x = lib.from_numpy(rng.standard_normal((256, 8)).astype(np.float32))
    y = lib.from_numpy(rng.standard_normal((256, 1)).astype(np.float32))
    model = lib.nn.Linear(8, 1)
    mse = lib.nn.functional.mse_loss

    def step():
        loss = mse(model(x), y)
        loss.backward()
        with lib.no_grad():
            for p in model.parameters():
                p -= 0.01 * p.grad
                p.grad = None
    return step


def mlp_forward_backward(lib, batch=64):
    """MLP 64x128x256x10 (Linear and ReLU), forward and backward of the output's sum."""
    nn = lib.nn
    lib.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 256), nn.ReLU(), nn.Linear(256, 10))
    x = lib.from_numpy(np.random.default_rng(0).random((batch, 64), dtype=np.float32))
    return lambda: model(x).sum().backward()


# The training loop whose memory is measured, in a process of its own that imports only its library
_PEAK_RSS = """
import sys
sys.path.insert(0, {root!r})
import numpy as np
import {lib} as lib
if hasattr(lib, "set_num_threads"):
    lib.set_num_threads(1)
{training_step}
step = training_step(lib)
for i in range(1000):
    step()
    if i in (99, 999):
        # the high-water mark of this process's memory (getrusage's would include the parent's before exec)
        print(next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")) / 1024)
"""


def peak_rss(lib):
    """Peak RSS (MiB) of a process after 100 and after 1,000 training steps (Linux's /proc)."""
    code = _PEAK_RSS.format(root=os.path.join(os.path.dirname(__file__), ".."), lib=lib,
                            training_step=inspect.getsource(training_step))
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return tuple(float(v) for v in out.split())


def target_rows():
    """Every row of issue 13's table, each with its target and whether it is met; True when all are."""
    print(f"targets (issue 13): engine vs PyTorch {torch.__version__}, one thread, interleaved runs; "
          "best of 15 in µs; noise = median/best")
    a_np = np.random.default_rng(0).random((5, 3), dtype=np.float32)
    a, ta = engine.from_numpy(a_np), torch.from_numpy(a_np)
    ag, tg = engine.ones(5, 3, requires_grad=True), torch.ones(5, 3, requires_grad=True)
    met = [target_row("add 5x3 float32", lambda: a + a, lambda: ta + ta, 20000, 0.8),
           target_row("add 5x3, recording the graph", lambda: ag + ag, lambda: tg + tg, 20000, 1.0),
           target_row("tutorial autograd example", tutorial(engine), tutorial(torch), 2000, 0.5),
           target_row("training step, 256x8 linear, MSE, SGD", training_step(engine), training_step(torch),
                      500, 1.0),
           target_row("MLP 64x128x256x10 fwd+bwd, batch 64", mlp_forward_backward(engine),
                      mlp_forward_backward(torch), 100, 1.0)]
    m_np = np.random.default_rng(0).random((512, 512), dtype=np.float32)
    m = engine.from_numpy(m_np)
    v_np = np.ones(10 ** 6, np.float32)
    v = engine.from_numpy(v_np)
    met += [target_row("matmul 512x512 float32", lambda: m @ m, lambda: m_np @ m_np, 50, 1.1, "numpy"),
            target_row("sum of 1e6 float32", lambda: v.sum(), lambda: v_np.sum(), 200, 1.1, "numpy")]
    ours, theirs = peak_rss("engine"), peak_rss("torch")
    flat = ours[1] <= ours[0] * 1.05
    print(f"peak RSS of the training loop after 100 / 1000 steps: engine {ours[0]:.0f} / {ours[1]:.0f} MiB, "
          f"torch {theirs[0]:.0f} / {theirs[1]:.0f} MiB: {'flat' if flat else 'GROWING'}", flush=True)
    print("every target met" if all(met) and flat else "some targets missed (rows marked MISSED)")
    print()
    return all(met) and flat


def startup(cmd):
    times = []
    for _ in range(5):
        t0 = timeit.default_timer()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(timeit.default_timer() - t0)
    return statistics.median(times) * 1e3


# -- the GPU table ----------------------------------------------------------------------------------

# The sizes of the GPU rows; the CPU dry run of this table passes smaller ones
GPU_SIZES = {"matmul": 4096, "sum": 10 ** 8, "chain": 1000, "batch": 512, "mlp": (784, 1024, 1024, 10)}
TARGET_LARGE, TARGET_PER_OP = 1.1, 1.5


def gpu_row(name, cells, target, number, per=1):
    """Time engine, raw array module and torch (a cell is None where absent), ``per`` units a call;
    print the row with its verdict against the raw array module and return whether it met ``target``."""
    times = {lib: best(fn, number) / per if fn else None for lib, fn in cells.items()}
    t_e, t_x, t_t = times["engine"], times["array"], times["torch"]
    ratio = t_e / t_x
    print("  ".join([f"{name:<34}", f"{t_e:10.2f}", f"{t_x:10.2f}", f"{t_t:10.2f}" if t_t else " " * 10,
                     f"{ratio:8.2f}", f"{t_e / t_t:8.2f}" if t_t else " " * 8,
                     f"{'ok' if ratio <= target else 'SLOWER'} (target {target}x)"]), flush=True)
    return ratio <= target


def mlp_params(lib, widths, device, seed=0):
    """The benchmark MLP's weights (in x out, so that x @ w + b) and biases: the same numbers for every library."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        w = (rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)).astype(np.float32)
        params += [w, np.zeros(fan_out, np.float32)]
    return [lib(p, device) for p in params]


def mlp_step_autograd(torch_like, params, x, labels, lr=0.01):
    """One SGD step of the MLP through an autograd library (the engine or PyTorch): forward, backward, update."""
    F = torch_like.nn.functional
    h = x
    for i in range(0, len(params), 2):
        h = h @ params[i] + params[i + 1]
        if i + 2 < len(params):
            h = F.relu(h)
    loss = F.cross_entropy(h, labels)
    loss.backward()
    with torch_like.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad = None
    return loss


def mlp_step_raw(xp, params, x, labels, lr=0.01):
    """The same step written by hand against the array module: what the engine's overhead is measured against."""
    acts, h = [x], x
    for i in range(0, len(params), 2):
        h = h @ params[i] + params[i + 1]
        if i + 2 < len(params):
            h = xp.maximum(h, 0)
        acts.append(h)
    shifted = h - h.max(axis=1, keepdims=True)
    exp = xp.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    rows = xp.arange(len(labels))
    loss = -(shifted[rows, labels] - xp.log(total[:, 0])).mean()
    grad = exp / total
    grad[rows, labels] -= 1
    grad /= len(labels)
    for i in range(len(params) - 2, -1, -2):
        below = acts[i // 2]
        grad_w, grad_b = below.T @ grad, grad.sum(axis=0)
        if i:
            grad = (grad @ params[i].T) * (below > 0)   # relu's gradient, from its output
        params[i] -= lr * grad_w
        params[i + 1] -= lr * grad_b
    return loss


class GpuBench:
    """The GPU rows: engine on ``dev`` against the raw array module ``xp`` and PyTorch on ``t_dev``.
    ``xp`` is CuPy; NumPy (with dev and t_dev 'cpu') runs the same code as a dry run without a GPU."""

    def __init__(self, xp, dev, t_dev, sync):
        self.xp, self.dev, self.t_dev, self.sync = xp, dev, t_dev, sync
        # torch only where it runs on the same kind of device: never GPU work against torch on the CPU
        self.on_torch = torch is not None and (t_dev != "cpu" or dev == "cpu")
        self.t_sync = torch.cuda.synchronize if self.on_torch and t_dev != "cpu" else (lambda: None)

    def torch_cell(self, fn):
        return (lambda: (fn(), self.t_sync())) if self.on_torch else None

    def large_rows(self, n, length):
        xp, sync = self.xp, self.sync
        m_np = np.random.default_rng(0).random((n, n), dtype=np.float32)
        m, m_x = engine.from_numpy(m_np).to(self.dev), xp.asarray(m_np)
        tm = torch.from_numpy(m_np).to(self.t_dev) if self.on_torch else None
        met = gpu_row(f"matmul {n}x{n} float32", {"engine": lambda: (m @ m, sync()),
                      "array": lambda: (m_x @ m_x, sync()), "torch": self.torch_cell(lambda: tm @ tm)},
                      TARGET_LARGE, 10)
        v, v_x = engine.ones(length, device=self.dev), xp.ones(length, dtype=xp.float32)
        tv = torch.ones(length, device=self.t_dev) if self.on_torch else None
        return gpu_row(f"sum of {length:.0e} float32", {"engine": lambda: (v.sum(), sync()),
                       "array": lambda: (v_x.sum(), sync()), "torch": self.torch_cell(lambda: tv.sum())},
                       TARGET_LARGE, 20) and met

    def per_op_row(self, length):
        """Per-op overhead: a chain of adds on a 5x3 tensor, synchronised once at its end, timed per op."""
        def chain(x, sync_fn):
            def run():
                y = x
                for _ in range(length):
                    y = y + x
                sync_fn()
            return run
        a, a_x = engine.ones(5, 3, device=self.dev), self.xp.ones((5, 3), dtype=self.xp.float32)
        ta = torch.ones(5, 3, device=self.t_dev) if self.on_torch else None
        return gpu_row("add 5x3, µs per op in a chain", {"engine": chain(a, self.sync), "array": chain(a_x, self.sync),
                       "torch": chain(ta, self.t_sync) if self.on_torch else None}, TARGET_PER_OP, 1, per=length)

    def mlp_row(self, batch, widths):
        """One SGD training step of the MLP, forward and backward; the first step also checks the losses agree."""
        rng = np.random.default_rng(1)
        x_np, y_np = rng.standard_normal((batch, widths[0])).astype(np.float32), rng.integers(0, widths[-1], batch)
        leaf = lambda lib: lambda a, d: lib.from_numpy(a).to(d).requires_grad_()   # noqa: E731
        params_e = mlp_params(leaf(engine), widths, self.dev)
        x_e, y_e = engine.from_numpy(x_np).to(self.dev), engine.from_numpy(y_np).to(self.dev)
        params_x = mlp_params(lambda a, d: self.xp.asarray(a), widths, self.dev)
        x_x, y_x = self.xp.asarray(x_np), self.xp.asarray(y_np)
        loss_e, loss_x = mlp_step_autograd(engine, params_e, x_e, y_e).item(), float(mlp_step_raw(
            self.xp, params_x, x_x, y_x))
        if not np.isclose(loss_e, loss_x, rtol=1e-4):
            print(f"warning: the engine's MLP loss {loss_e} differs from the hand-written step's {loss_x}")
        cells = {"engine": lambda: (mlp_step_autograd(engine, params_e, x_e, y_e), self.sync()),
                 "array": lambda: (mlp_step_raw(self.xp, params_x, x_x, y_x), self.sync()), "torch": None}
        if self.on_torch:
            params_t = mlp_params(leaf(torch), widths, self.t_dev)
            x_t, y_t = torch.from_numpy(x_np).to(self.t_dev), torch.from_numpy(y_np).to(self.t_dev)
            cells["torch"] = self.torch_cell(lambda: mlp_step_autograd(torch, params_t, x_t, y_t))
        # at this size a step is some thirty kernels of tens of microseconds: launch overhead, not arithmetic,
        # dominates on an H200, so the step is held to the per-op target
        return gpu_row(f"MLP {'-'.join(map(str, widths))} step, batch {batch}", cells, TARGET_PER_OP, 20)

    def run(self, sizes=GPU_SIZES):
        """Every row (each is run even when an earlier one missed its target); True when all met theirs."""
        met = [self.large_rows(sizes["matmul"], sizes["sum"]), self.per_op_row(sizes["chain"]),
               self.mlp_row(sizes["batch"], sizes["mlp"])]
        return all(met)


def gpu_main(dev):
    if not engine.cuda.is_available():
        sys.exit("no usable CUDA GPU here: `tensorsh check-cuda` says why")
    xp = array_module(canonical(dev))
    t_dev = dev if torch is not None and torch.cuda.is_available() else "cpu"
    print(f"engine vs CuPy {xp.__version__} vs PyTorch {torch.__version__ if torch else '(not installed)'}"
          f"{'' if t_dev != 'cpu' else ' (no CUDA in its build: its column is blank)'}; device={dev}; "
          "times in µs per call (best of 5)")
    print("  ".join([f"{'work':<34}", f"{'engine':>10}", f"{'cupy':>10}", f"{'torch':>10}", f"{'/cupy':>8}",
                     f"{'/torch':>8}", "verdict"]))
    met = GpuBench(xp, dev, t_dev, lambda: xp.cuda.Device().synchronize()).run()
    print("every GPU target met" if met else "some GPU targets missed (rows marked SLOWER)")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cpu", help="cpu or cuda (PyTorch on the same device where it can)")
    p.add_argument("--quick", action="store_true", help="fewer, faster rows")
    args = p.parse_args()
    if args.device != "cpu":
        return gpu_main(args.device)
    if torch is not None:
        target_rows()
    print(f"engine vs NumPy vs PyTorch {torch.__version__ if torch else '(not installed)'}"
          " (on cpu); device=cpu; times in µs per call (best of 5)")
    print("  ".join([f"{'work':<34}", f"{'engine':>10}", f"{'numpy':>10}",
                     f"{'torch':>10}", f"{'/numpy':>8}", f"{'/torch':>8}"]))
    small_rows()
    large_rows(1000 if args.quick else 2000)
    lenet_rows()
    if not args.quick:
        print()
        t_cli = startup([sys.executable, "-m", "tensorsh", "-c", "1"])
        t_torch = startup([sys.executable, "-c", "import torch"]) if torch else None
        t_engine = startup([sys.executable, "-c", "import engine"])
        print(f"start-up: `tensorsh -c 1` {t_cli:.0f} ms, `import engine` {t_engine:.0f} ms"
              + (f", `import torch` {t_torch:.0f} ms; tensorsh/torch = {t_cli / t_torch:.2f}" if t_torch else ""))


def small_rows():
    """Per-op overhead on 5x3 tensors, and the tutorial's forward and backward."""
    a_np, b_np = np.random.rand(5, 3).astype(np.float32), np.random.rand(5, 3).astype(np.float32)
    a, b = engine.from_numpy(a_np), engine.from_numpy(b_np)
    ta, tb = (torch.from_numpy(a_np), torch.from_numpy(b_np)) if torch else (None, None)
    row("add 5x3 float32", lambda: a + b, lambda: a_np + b_np, lambda: ta + tb, 20000)
    row("mul by Python scalar 5x3", lambda: a * 2.5, lambda: a_np * 2.5, lambda: ta * 2.5, 20000)
    row("exp 5x3", lambda: a.exp(), lambda: np.exp(a_np), lambda: ta.exp(), 20000)
    row("sum 5x3", lambda: a.sum(), lambda: a_np.sum(), lambda: ta.sum(), 20000)
    row("index x[:, 0]", lambda: a[:, 0], lambda: a_np[:, 0], lambda: ta[:, 0], 20000)
    ag = engine.ones(5, 3, requires_grad=True)
    tg = torch.ones(5, 3, requires_grad=True) if torch else None
    row("add 5x3, recording the graph", lambda: ag + ag, lambda: a_np + a_np, lambda: tg + tg, 20000)
    row("tutorial forward+backward", tutorial(engine), tutorial_numpy, tutorial(torch) if torch else None, 3000)


def large_rows(n, depth=10_000):
    """Large work at the backend's speed, and a deep graph's backward."""
    m_np = np.random.rand(n, n).astype(np.float32)
    m = engine.from_numpy(m_np)
    tm = torch.from_numpy(m_np) if torch else None
    row(f"matmul {n}x{n} float32", lambda: m @ m, lambda: m_np @ m_np, lambda: tm @ tm, 5)
    row(f"sum {n}x{n} float32", lambda: m.sum(), lambda: m_np.sum(), lambda: tm.sum(), 50)
    row(f"sum(dim=0) {n}x{n} float32", lambda: m.sum(0), lambda: m_np.sum(0), lambda: tm.sum(0), 50)
    row(f"exp {n}x{n} float32", lambda: m.exp(), lambda: np.exp(m_np), lambda: tm.exp(), 20)

    def chain(lib):
        def run():
            x = lib.ones(3, requires_grad=True)
            y = x
            for _ in range(depth):
                y = y * 1.0001
            y.sum().backward()
        return run
    row(f"chain of {depth} muls + backward", chain(engine), None, chain(torch) if torch else None, 1)


def lenet(lib):
    """The blitz's "Neural Networks" LeNet, as an nn.Sequential of the same layers."""
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                         nn.Linear(84, 10))


def lenet_step(lib, model, x, target):
    def run():
        model.zero_grad()
        lib.nn.functional.mse_loss(model(x), target).backward()
    return run


def lenet_rows():
    """LeNet forward+backward on 32x32 inputs (convolution and pooling by im2col over BLAS)."""
    for batch in (1, 64):
        x_np = np.random.rand(batch, 1, 32, 32).astype(np.float32)
        y_np = np.random.rand(batch, 10).astype(np.float32)
        ours = lenet_step(engine, lenet(engine), engine.from_numpy(x_np), engine.from_numpy(y_np))
        theirs = (lenet_step(torch, lenet(torch), torch.from_numpy(x_np), torch.from_numpy(y_np))
                  if torch else None)
        row(f"LeNet fwd+bwd 32x32, batch {batch}", ours, None, theirs, 200 if batch == 1 else 10)


if __name__ == "__main__":
    main()
