"""What the tensorsh interpreter costs: the same code run by tensorsh and by Python.

Each workload is one source text, valid in both languages.  Python runs it
with `exec` (module level, `torch` bound to the engine); tensorsh runs it
through a Session.  Parsing is left out of both.  The two run in turn (Python,
tensorsh, Python, tensorsh ...) so that a busy moment of the machine falls on
both alike; the time shown is the best of each, the ratio tensorsh / Python is
what the interpreter adds (DESIGN.md: "the interpreter adds little over the
same code written in Python"), and the noise is the larger median/best of the
two.  Each workload has its target (issue 13), and the table says whether it
is met.  --bytecodes counts instead of timing: the Python bytecodes each side
executes in one run of each workload, and the Python-level calls (the engine's
included, NumPy's C code not), which, unlike a time, are the same on every run
and every machine: what the interpreter adds, step by step.
Usage: python scripts/bench_interpreter.py [--runs N] [--profile NAME] [--bytecodes]
"""
import argparse
import io
import os
import statistics
import sys
import textwrap
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import engine  # noqa: E402
from tensorsh.language.interpreter import Session  # noqa: E402

# name: (target ratio tensorsh/Python, source)
WORKLOADS = {
    # The seed tutorial's autograd example, forward and backward, again and again.
    "autograd example x200": (1.2, """
        for i in range(200):
            x = torch.ones(2, 2, requires_grad=True)
            y = x + 2
            z = y * y * 3
            out = z.mean()
            out.backward()
    """),
    # Tensor-heavy: gradient descent on a 100x100 least-squares problem.
    "gradient descent 100x100, 100 steps": (1.2, """
        torch.manual_seed(0)
        A = torch.randn(100, 100)
        b = torch.randn(100)
        w = torch.zeros(100, requires_grad=True)
        for step in range(100):
            loss = ((A @ w - b) ** 2).mean()
            loss.backward()
            with torch.no_grad():
                w -= 0.01 * w.grad
            w.grad = None
    """),
    # Pure Python: arithmetic, comparisons and branches, no tensors.
    "pure Python loop, 100k iterations": (2.0, """
        total = 0
        for i in range(100000):
            if i % 3 == 0:
                total += i * 2
            else:
                total -= 1
    """),
    # User functions, lists and attributes: what a helper-heavy script does.
    "function calls and lists, 20k": (3.0, """
        def square(v, scale=1):
            return v * v * scale
        values = []
        for i in range(20000):
            values.append(square(i, scale=2))
        result = sum(v for v in values if v % 2 == 0)
    """),
    # Methods of a class the script defines, and an nn.Module's forward called through
    # the module (the engine's __call__ in between, as every model call has it).
    "method calls on user classes, 20k": (3.0, """
        class Scaler:
            def __init__(self, scale):
                self.scale = scale

            def apply(self, v):
                return v * self.scale

        class Affine(torch.nn.Module):
            def __init__(self, scale, shift):
                super().__init__()
                self.scale = scale
                self.shift = shift

            def forward(self, v):
                return v * self.scale + self.shift

        scaler = Scaler(3)
        affine = Affine(2, 1)
        total = 0
        for i in range(10000):
            total += scaler.apply(i) + affine(i)
    """),
}


def python_runner(source):
    code = compile(source, "<bench>", "exec")

    def run():
        exec(code, {"torch": engine, "__builtins__": __builtins__})
    return run


def tensorsh_runner(source):
    session = Session(stdout=io.StringIO(), stderr=io.StringIO())
    program = session.parse(source, "<bench>")

    def run():
        session.reset()
        result = session.execute(program)
        if not result.ok:
            raise SystemExit(f"tensorsh failed: {result.error}")
    return run


def interleaved(runners, rounds):
    """Each runner's times over rounds, the runners taking turns within each round."""
    times = [[] for _ in runners]
    for _ in range(rounds):
        for run, taken in zip(runners, times):
            start = time.perf_counter()
            run()
            taken.append(time.perf_counter() - start)
    return times


def executed(run):
    """(bytecodes, calls): what Python executes for run(), counted by a tracer."""
    counts = [0, 0]

    def tracer(frame, event, arg):
        if event == "opcode":
            counts[0] += 1
        elif event == "call":
            counts[1] += 1
            frame.f_trace_opcodes = True
        return tracer
    sys.settrace(tracer)
    try:
        run()
    finally:
        sys.settrace(None)
    return counts


def count_bytecodes():
    print("bytecodes (and Python-level calls) executed in one run, after a first run; the ratio is tensorsh / Python")
    print(f"{'workload':38} {'python':>18} {'tensorsh':>18} {'ratio':>6}")
    for name, (_, source) in WORKLOADS.items():
        source = textwrap.dedent(source)
        counted = []
        for runner in (python_runner, tensorsh_runner):
            run = runner(source)
            run()                       # first-run work (a site's look-ups, caches) left out
            counted.append(executed(run))
        (py_ops, py_calls), (tsh_ops, tsh_calls) = counted
        print(f"{name:38} {py_ops:>10,} ({py_calls:>5,}) {tsh_ops:>10,} ({tsh_calls:>5,}) {tsh_ops / py_ops:5.2f}x",
              flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="rounds of each workload (default 15)")
    parser.add_argument("--profile", metavar="NAME", help="profile tensorsh on the workload whose "
                        "name starts with NAME instead of timing")
    parser.add_argument("--bytecodes", action="store_true", help="count the bytecodes each side executes "
                        "instead of timing")
    args = parser.parse_args()
    if args.bytecodes:
        count_bytecodes()
        return
    if args.profile:
        import cProfile
        name = next(n for n in WORKLOADS if n.startswith(args.profile))
        run = tensorsh_runner(textwrap.dedent(WORKLOADS[name][1]))
        cProfile.runctx("run()", globals(), {"run": run}, sort="tottime")
        return
    print(f"tensorsh vs Python on the engine, interleaved, best of {args.runs}; noise = median/best")
    print(f"{'workload':38} {'python':>9} {'tensorsh':>9} {'ratio':>6}  verdict")
    all_met = True
    for name, (target, source) in WORKLOADS.items():
        source = textwrap.dedent(source)
        python, tensorsh = interleaved([python_runner(source), tensorsh_runner(source)], args.runs)
        ratio = min(tensorsh) / min(python)
        noise = max(statistics.median(t) / min(t) for t in (python, tensorsh))
        met = ratio <= target
        all_met = all_met and met
        print(f"{name:38} {min(python) * 1e3:7.2f}ms {min(tensorsh) * 1e3:7.2f}ms {ratio:5.2f}x  "
              f"{'met' if met else 'MISSED'} (target <= {target}x)  noise {noise:.2f}", flush=True)
    print("every target met" if all_met else "some targets missed (rows marked MISSED)")


if __name__ == "__main__":
    main()
