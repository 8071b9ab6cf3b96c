"""Runs corpus programs the way `python prog.py` or `tensorsh prog.py` would, many in one process.

    python tests/corpus/runner.py torch    RESULTS.json PROGRAM.py ...
    python tests/corpus/runner.py tensorsh RESULTS.json PROGRAM.py ...

Starting PyTorch takes about three seconds and the corpus has well over a hundred programs, so the
library is imported once, here, and each program runs in a child forked from this process: a fresh
interpreter state for every program (its own globals, its own seed, its own changes to `torch`) without
paying for the import again. The child's standard output and error go to files, its standard input is
empty and its working folder is a fresh temporary folder, as for a script run from a clean checkout.

- torch: the child runs the file with `runpy.run_path(..., run_name="__main__")`, which is what
  `python prog.py` does, with `sys.argv` set to the program's name and the program's folder first
  on `sys.path`.
- tensorsh: the child calls the command line's own entry point, `tensorsh.cli.command.main([prog])`,
  so the program goes through everything `tensorsh prog.py` does (its walls included).

RESULTS.json maps each program's path to {"stdout", "stderr", "status", "seconds"}; status is the exit
status, or "timeout" when the program ran past TIME_LIMIT seconds and was killed.
"""
import json
import os
import signal
import sys
import tempfile
import time

TIME_LIMIT = 30


def run_with_torch(path):
    import runpy
    sys.argv = [path]
    sys.path[0] = os.path.dirname(path)     # as `python prog.py` puts the script's folder first
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except BaseException:       # noqa: BLE001 - Python's own report of an uncaught error, status 1
        import traceback
        traceback.print_exc()
        return 1
    return 0


def run_with_tensorsh(path):
    from tensorsh.cli import command
    sys.argv = ["tensorsh", path]
    return command.main([path])


def run_in_child(runner, path, folder):
    """Fork; the child runs one program with its output in `folder`; -> (stdout, stderr, status)."""
    out_path, err_path = os.path.join(folder, ".stdout"), os.path.join(folder, ".stderr")
    sys.stdout.flush()
    sys.stderr.flush()
    child = os.fork()
    if child == 0:
        status = 1
        try:
            _redirect(out_path, err_path, folder)
            status = runner(path)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status if isinstance(status, int) else 1)
    status = _wait(child)
    with open(out_path, encoding="utf-8", errors="replace") as out, \
            open(err_path, encoding="utf-8", errors="replace") as err:
        return out.read(), err.read(), status


def _redirect(out_path, err_path, folder):
    os.chdir(folder)
    for fd, name, mode in ((0, os.devnull, os.O_RDONLY), (1, out_path, os.O_WRONLY | os.O_CREAT),
                           (2, err_path, os.O_WRONLY | os.O_CREAT)):
        opened = os.open(name, mode, 0o600)
        os.dup2(opened, fd)
        os.close(opened)


def _wait(child):
    """The child's exit status; "timeout" after TIME_LIMIT seconds (the child is then killed)."""
    deadline = time.monotonic() + TIME_LIMIT
    while time.monotonic() < deadline:
        pid, status = os.waitpid(child, os.WNOHANG)
        if pid:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.005)
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    return "timeout"


def main(library, results_path, paths):
    if library == "torch":
        import torch  # noqa: F401 - imported once here, inherited by every child
        # autograd.functional's helpers load torch.func and, through it, sympy: 1.5 s per program
        import torch.func  # noqa: F401
        import torch.fx.experimental.symbolic_shapes  # noqa: F401
        # an optimiser's first step loads torch._dynamo: 6 s per program that uses torch.optim
        import torch._dynamo  # noqa: F401
        runner = run_with_torch
    else:
        # the same for the engine, the interpreter and what a run loads on its way (measured)
        import numpy.random  # noqa: F401
        import engine  # noqa: F401
        import tensorsh.cli.confine  # noqa: F401
        import tensorsh.language.files  # noqa: F401
        import tensorsh.language.interpreter  # noqa: F401
        runner = run_with_tensorsh
    results = {}
    for path in paths:
        path = os.path.abspath(path)
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="corpus-") as folder:
            stdout, stderr, status = run_in_child(runner, path, folder)
        results[path] = {"stdout": stdout, "stderr": stderr, "status": status,
                         "seconds": round(time.monotonic() - started, 3)}
    with open(results_path, "w", encoding="utf-8") as out:
        json.dump(results, out, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
