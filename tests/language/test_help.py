"""help: every function, tensor method and command has a page with a signature,
a description and an example, and every example runs.

The list of what must be documented is generated (helptext.documented_names),
so an op added to the engine without an example in help_examples.txt fails
here.
"""
import io
import re

import pytest

import engine
from tensorsh.language import helptext
from tensorsh.language.builtins.command_types import Command, SpecialForm
from tensorsh.language.interpreter import Session


@pytest.fixture(scope="module")
def interp():
    return Session(stdout=io.StringIO(), stderr=io.StringIO()).interp


@pytest.fixture(scope="module")
def documented(interp):
    return helptext.documented_names(interp)


def test_every_function_method_and_command_has_an_example(documented):
    examples = helptext.examples()
    missing = sorted(set(documented) - set(examples))
    assert not missing, f"add examples to {helptext.EXAMPLES_FILE} for: {', '.join(missing)}"
    stale = sorted(set(examples) - set(documented))
    assert not stale, f"examples of names that no longer exist: {', '.join(stale)}"
    assert {"add", "Tensor.add_", "Tensor.shape", "graph", "explain", "torch.linalg.vector_norm",
            "torch.nn.functional.cross_entropy", "torch.sum"} <= set(documented)


def test_every_page_has_a_signature_a_description_and_the_example(interp, documented):
    for name, obj in documented.items():
        text = helptext.page(name, obj, interp)
        head, *body = text.rstrip("\n").split("\n")
        assert head.startswith(name.split(".")[-1] if name in helptext.COMMANDS else name), name
        is_command = isinstance(obj, (Command, SpecialForm))
        if not is_command and callable(obj) and not isinstance(obj, property):
            assert head[len(name)] == "(" and "<object" not in head and "_stacklevel" not in head, head
        description = body[:body.index("    Example:") - 1]
        assert description and "(no documentation)" not in text, f"{name} has no description"
        assert "    >>> " + helptext.examples()[name].split("\n")[0] in text, name


def _run_example(name, code):
    out = io.StringIO()
    session = Session(stdout=out, stderr=out)
    result = session.run_source(code, f"<example of {name}>")
    assert result.ok, f"the example of {name} fails:\n{code}\n{out.getvalue()}"
    # An example leaves the process as it found it.
    assert engine.get_default_dtype() is engine.float32 and engine.is_grad_enabled(), name
    assert engine.get_printoptions()["precision"] == 4, name
    return out.getvalue()


# What may differ between two runs of the same example: timings and addresses.
_VARYING = re.compile(r"time: .*|0x[0-9a-f]+")


def test_every_example_runs_and_prints_the_same_twice(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "example.tsh").write_text('print("hello from example.tsh")\n')
    for name, code in helptext.examples().items():
        first, second = (_VARYING.sub("", _run_example(name, code)) for _ in range(2))
        assert first == second, f"the example of {name} is not deterministic"


def test_help_pages_and_did_you_mean(run):
    r = run("""
        help add
        help Tensor.add_
        ?unsqueeze
        help torch.linalg.vector_norm
        x = ones 2
        help x.sum
        help graph
    """)
    assert r.ok, r.err
    assert "add(input, other, *, alpha=1, out=None)\n" in r.out
    assert "    Example:\n    >>> add(tensor([1.0, 2.0, 3.0]), tensor([2.0, 2.0, 2.0]))\n" in r.out
    assert "Tensor.add_(" in r.out and "unsqueeze(input, dim)" in r.out and "torch.linalg.vector_norm(" in r.out
    assert "Tensor.sum(" in r.out
    assert "graph t [dot=\"file.dot\"]\n" in r.out and "    >>> graph out\n" in r.out
    r = run("help unsqeeze")
    assert "no help on 'unsqeeze'; did you mean 'unsqueeze'" in r.err
    r = run("help 'lnguage'")
    assert "did you mean 'language'?" in r.err
    r = run("help cumsum")
    assert "cumsum(input, dim, *, dtype=None" in r.out


def test_help_pages_are_text_to_read(run):
    """No reStructuredText markup, no doubled prefix, namespaces by their short
    name, and each example followed by what it prints."""
    r = run("help Tensor.view\nhelp torch\nhelp torch.nn\nhelp linalg\nhelp rand")
    assert r.ok, r.err
    assert "``" not in r.out and "`view(dtype)` reinterprets bits" in r.out
    assert "torch: a small PyTorch" in r.out and "engine:" not in r.out
    assert "torch.nn: Module and its layers" in r.out and "torch.nn: torch.nn" not in r.out
    assert ("torch.linalg: norms, inverse, determinant, decompositions and solvers.\n    LinAlgError cholesky cross "
            "det eig eigh eigvals eigvalsh inv" in r.out)
    assert "    >>> arange(6).view(3, 2)\n    tensor([[0, 1],\n            [2, 3],\n" in r.out
    assert "    >>> manual_seed(0); rand(2, 3)\n    tensor([[0.4963," in r.out      # no generator address
