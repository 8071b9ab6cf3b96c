"""How fast tensorsh starts: to the first prompt in a pseudo-terminal, and `tensorsh -c "1"`.

`import torch` is timed too, where torch is installed, for comparison (the
design's budget: `tensorsh -c` in under a fifth of `import torch`).  Each
measurement is the median of several fresh processes, in one run on one
machine.  Usage: python scripts/bench_startup.py [--runs N]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def timed_process(argv, env):
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def time_to_prompt(env):
    """Seconds from spawning `tensorsh` in a pty until its prompt is drawn."""
    import pexpect
    start = time.perf_counter()
    child = pexpect.spawn(sys.executable, ["-m", "tensorsh"], env=env, encoding="utf-8",
                          dimensions=(24, 80), timeout=60)
    child.expect_exact(">>> ")
    elapsed = time.perf_counter() - start
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="tensorsh-bench-")     # never the user's history
    env = dict(os.environ, HOME=home, XDG_DATA_HOME=os.path.join(home, "data"), TERM="xterm",
               PROMPT_TOOLKIT_NO_CPR="1", NO_COLOR="1")
    python = [sys.executable]
    script_start = 'tensorsh -c "1"'
    first_prompt = "tensorsh: first prompt in a pty"
    import_torch = "python -c 'import torch'"
    rows = [("python -c pass (interpreter start)", lambda: timed_process(python + ["-c", "pass"], env)),
            (script_start, lambda: timed_process(python + ["-m", "tensorsh", "-c", "1"], env))]
    try:
        import pexpect  # noqa: F401
        rows.append((first_prompt, lambda: time_to_prompt(env)))
    except ImportError:
        print("(pexpect is not installed: time to first prompt not measured)")
    has_torch = subprocess.run(python + ["-c", "import importlib.util, sys; "
                                         "sys.exit(importlib.util.find_spec('torch') is None)"]).returncode == 0
    if has_torch:
        rows.append((import_torch, lambda: timed_process(python + ["-c", "import torch"], env)))

    results = {}
    for label, measure in rows:
        samples = [measure() for _ in range(args.runs)]
        results[label] = statistics.median(samples)
        print(f"{label:<40} {results[label] * 1000:8.0f} ms   (median of {args.runs})")
    if has_torch:
        torch_time = results[import_torch]
        print(f"\n{script_start} takes {results[script_start] / torch_time:.0%} of import torch "
              "(budget: under 20%)")
        if first_prompt in results:
            print(f"the first prompt takes {results[first_prompt] / torch_time:.0%} of import torch")


if __name__ == "__main__":
    main()
