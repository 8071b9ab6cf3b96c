"""What the tensorsh interpreter costs: the same code run by tensorsh and by Python.

Each workload is one source text, valid in both languages.  Python runs it
with `exec` (module level, `torch` bound to the engine); tensorsh runs it
through a Session.  Parsing is left out of both.  The time shown is the best
of several runs, and the ratio tensorsh / Python is what the interpreter adds
(DESIGN.md: "the interpreter adds little over the same code written in
Python").  Usage: python scripts/bench_interpreter.py [--runs N] [--profile NAME]
"""
import argparse
import io
import os
import sys
import textwrap
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import engine  # noqa: E402
from tensorsh.language.interpreter import Session  # noqa: E402

WORKLOADS = {
    # The seed tutorial's autograd example, forward and backward, again and again.
    "autograd example x200": """
        for i in range(200):
            x = torch.ones(2, 2, requires_grad=True)
            y = x + 2
            z = y * y * 3
            out = z.mean()
            out.backward()
    """,
    # Tensor-heavy: gradient descent on a 100x100 least-squares problem.
    "gradient descent 100x100, 100 steps": """
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
    """,
    # Pure Python: arithmetic, comparisons and branches, no tensors.
    "pure Python loop, 100k iterations": """
        total = 0
        for i in range(100000):
            if i % 3 == 0:
                total += i * 2
            else:
                total -= 1
    """,
    # User functions, lists and attributes: what a helper-heavy script does.
    "function calls and lists, 20k": """
        def square(v, scale=1):
            return v * v * scale
        values = []
        for i in range(20000):
            values.append(square(i, scale=2))
        result = sum(v for v in values if v % 2 == 0)
    """,
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


def best_of(run, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", metavar="NAME", help="profile tensorsh on the workload whose "
                        "name starts with NAME instead of timing")
    args = parser.parse_args()
    if args.profile:
        import cProfile
        name = next(n for n in WORKLOADS if n.startswith(args.profile))
        run = tensorsh_runner(textwrap.dedent(WORKLOADS[name]))
        cProfile.runctx("run()", globals(), {"run": run}, sort="tottime")
        return
    print(f"{'workload':40} {'python':>10} {'tensorsh':>10} {'ratio':>7}")
    for name, source in WORKLOADS.items():
        source = textwrap.dedent(source)
        python = best_of(python_runner(source), args.runs)
        tensorsh = best_of(tensorsh_runner(source), args.runs)
        print(f"{name:40} {python * 1e3:8.2f}ms {tensorsh * 1e3:8.2f}ms {tensorsh / python:6.2f}x")


if __name__ == "__main__":
    main()
