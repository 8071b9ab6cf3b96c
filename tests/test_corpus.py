"""The corpus: real PyTorch programs, nobody's test cases, run by PyTorch and by tensorsh.

Each program in tests/corpus/programs (their origins and licences: tests/corpus/README.md) runs twice:
as `python prog.py` with PyTorch installed, and as `tensorsh prog.py`. It matches when tensorsh exits as
Python does and prints the same characters (memory addresses, as in "<AddBackward0 object at
0x7f...>", excepted: they differ between two runs of PyTorch too). Both runs go through
tests/corpus/runner.py, one process per library that forks a child per program, so that the corpus
costs seconds, not minutes; `test_the_runner_runs_a_program_as_the_command_line_does` holds a few
of its results against the real command lines.

The test records the present state, truthfully:

- one test per program; a program that fails today is listed in tests/corpus/known_failures.txt with
  the reason and runs as xfail(strict=True), so the suite stays green while it fails and turns red the
  day it starts to match (then its line comes off the list);
- `test_the_figure` prints "N of M in-scope programs match" and the same figure for the programs that
  need `torch.nn` or `torch.optim` (out of the engine's scope today, listed, not hidden), with the
  failures grouped by reason, and writes every program's verdict to corpus-report.txt in the run's
  temporary folder;
- a program that PyTorch itself cannot run is a broken corpus entry, and fails
  `test_pytorch_runs_every_program`.

Without PyTorch every test here skips, except the check that known_failures.txt names programs.
"""
import collections
import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

from tests.oracle import torch_or_skip

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
PROGRAMS = CORPUS / "programs"
KNOWN_FAILURES = CORPUS / "known_failures.txt"
LIBRARIES = ("torch", "tensorsh")
# the whole corpus costs about 40 s of CPU, both libraries side by side; this only stops a hang
RUN_LIMIT_SECONDS = 600
# an object's memory address ("<AddBackward0 object at 0x7f...>") differs from run to run, even
# between two runs of PyTorch; it is the one thing compared as a pattern, not as characters
MEMORY_ADDRESS = re.compile(r" at 0x[0-9a-f]+")
# what puts a program out of the engine's scope today: PyTorch's neural-network or optimiser modules
NEEDS_NN_OR_OPTIM = re.compile(r"\btorch\.(nn|optim)\b|from torch import [^\n]*\b(nn|optim)\b")


def program_names():
    return sorted(path.relative_to(PROGRAMS).as_posix() for path in PROGRAMS.rglob("*.py"))


def needs_nn_or_optim(name):
    """Whether the program uses torch.nn or torch.optim, which puts it out of scope today."""
    return bool(NEEDS_NN_OR_OPTIM.search((PROGRAMS / name).read_text(encoding="utf-8")))


def known_failures():
    """{program name: the reason it fails today}, from tests/corpus/known_failures.txt."""
    reasons = {}
    for line in KNOWN_FAILURES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.partition(" | ")
            reasons[name.strip()] = reason.strip()
    return reasons


def feature(reason):
    """The missing feature a known reason names: the words before its first colon."""
    return reason.partition(":")[0]


@pytest.fixture(scope="session")
def outputs(tmp_path_factory):
    """{library: {program name: {"stdout", "stderr", "status", "seconds"}}}, both run side by side."""
    torch_or_skip()
    folder = tmp_path_factory.mktemp("corpus")
    paths = [str(PROGRAMS / name) for name in program_names()]
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    runs = {library: subprocess.Popen(
        [sys.executable, str(CORPUS / "runner.py"), library, str(folder / f"{library}.json"), *paths],
        cwd=ROOT, env=environment) for library in LIBRARIES}
    for library, run in runs.items():
        assert run.wait(timeout=RUN_LIMIT_SECONDS) == 0, f"the {library} runner itself failed"
    results = {}
    for library in LIBRARIES:
        by_path = json.loads((folder / f"{library}.json").read_text(encoding="utf-8"))
        results[library] = {pathlib.Path(path).relative_to(PROGRAMS).as_posix(): result
                            for path, result in by_path.items()}
    results["folder"] = folder
    return results


def mismatch(name, outputs):
    """How tensorsh's run of the program differs from PyTorch's, in words; "" when it matches."""
    theirs, ours = outputs["torch"][name], outputs["tensorsh"][name]
    if theirs["status"] != 0:
        return f"PyTorch itself fails: {_error_line(theirs['stderr'])}"
    if ours["status"] != 0:
        return f"tensorsh exits with {ours['status']}: {_error_line(ours['stderr'])}"
    expected, found = (MEMORY_ADDRESS.sub(" at 0x...", result["stdout"]) for result in (theirs, ours))
    if found != expected:
        return _first_difference(expected, found)
    return ""


def _error_line(text):
    """The line of an error report that names the error: tensorsh's first line, Python's last."""
    lines = text.strip().splitlines()
    if not lines:
        return "(nothing on standard error)"
    return next((line for line in lines if line.startswith("error:")), lines[-1])


def _first_difference(expected, found):
    expected_lines, found_lines = expected.splitlines(), found.splitlines()
    for number, (want, got) in enumerate(zip(expected_lines, found_lines), start=1):
        if want != got:
            return f"output line {number}: PyTorch prints {want!r}, tensorsh {got!r}"
    return (f"PyTorch prints {len(expected_lines)} lines, tensorsh {len(found_lines)}"
            if len(expected_lines) != len(found_lines) else "the output differs in its line endings")


def _marked(name, reasons):
    """The program's test parameter: a strict xfail with its reason when it is known to fail."""
    if name in reasons:
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=reasons[name]))
    return name


@pytest.mark.parametrize("name", [_marked(name, known_failures()) for name in program_names()])
def test_program_prints_what_pytorch_prints(name, outputs):
    found = mismatch(name, outputs)
    assert not found, found


def test_pytorch_runs_every_program(outputs):
    broken = {name: _error_line(result["stderr"])
              for name, result in outputs["torch"].items() if result["status"] != 0}
    assert not broken, f"corpus programs that PyTorch itself cannot run: {broken}"


# a program that matches, one that differs in its output and one that stops with an error under
# tensorsh; PyTorch's three-second start is paid once, for the one that draws random numbers
SAMPLES = (("torch", "docs/torch.all.py"), ("tensorsh", "docs/torch.arange.py"),
           ("tensorsh", "docs/torch.all.py"), ("tensorsh", "tutorials/polynomial_custom_function.py"))
COMMANDS = {"torch": [sys.executable], "tensorsh": [sys.executable, "-m", "tensorsh"]}


@pytest.mark.parametrize("library, name", SAMPLES)
def test_the_runner_runs_a_program_as_the_command_line_does(library, name, outputs):
    """The fork-per-program runner sees what `python prog.py` or `python -m tensorsh prog.py` shows."""
    ran = subprocess.run(COMMANDS[library] + [str(PROGRAMS / name)], capture_output=True, text=True,
                         cwd=outputs["folder"], env=dict(os.environ, PYTHONPATH=str(ROOT)),
                         timeout=RUN_LIMIT_SECONDS)
    seen = outputs[library][name]
    assert (ran.returncode, MEMORY_ADDRESS.sub("", ran.stdout)) == \
        (seen["status"], MEMORY_ADDRESS.sub("", seen["stdout"]))


def test_every_known_failure_names_a_program():
    assert not set(known_failures()) - set(program_names())


def test_the_figure(outputs, capsys):
    reasons = known_failures()
    verdicts = {name: mismatch(name, outputs) for name in program_names()}
    lines = (_figure(verdicts, reasons, nn_or_optim=False, label="in-scope programs")
             + _figure(verdicts, reasons, nn_or_optim=True, label="out-of-scope (nn/optim) programs"))
    report = outputs["folder"] / "corpus-report.txt"
    report.write_text("\n".join(lines + [""] + [
        f"{name}: {verdicts[name] or 'matches'}" + (f"  [{reasons[name]}]" if name in reasons else "")
        for name in verdicts]) + "\n", encoding="utf-8")
    with capsys.disabled():
        print("\n" + "\n".join(lines) + f"\n(every program's verdict: {report})")
    unexplained = [name for name, found in verdicts.items() if found and name not in reasons]
    assert not unexplained, f"failing programs with no reason in known_failures.txt: {unexplained}"


def _figure(verdicts, reasons, *, nn_or_optim, label):
    """"N of M LABEL match", then the failures counted by the feature their known reason names."""
    names = [name for name in verdicts if needs_nn_or_optim(name) == nn_or_optim]
    failing = [name for name in names if verdicts[name]]
    by_feature = collections.Counter(feature(reasons.get(name, "not yet listed")) for name in failing)
    return ([f"{len(names) - len(failing)} of {len(names)} {label} match"]
            + [f"  {count:4d}  {reason}" for reason, count in by_feature.most_common()])
