"""Error display: exact line, column and caret width; never a traceback."""
import pytest

from tensorsh.language.display import format_error
from tensorsh.language.errors import TshError


def test_format_matches_the_spec():
    e = TshError("The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1",
                 "demo.tsh", 4, 4, 9, "z = x + y")
    assert format_error(e) == (
        "error: The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1\n"
        " --> demo.tsh:4:5\n"
        "  |\n"
        "4 | z = x + y\n"
        "  |     ^^^^^\n")


def test_gutter_grows_with_the_line_number():
    e = TshError("boom", "f.tsh", 120, 0, 3, "abc = 1")
    assert format_error(e) == "error: boom\n   --> f.tsh:120:1\n    |\n120 | abc = 1\n    | ^^^\n"


def test_wide_characters_take_two_cells():
    e = TshError("boom", "f.tsh", 1, 6, 9, "s = '张量' + 1")
    assert format_error(e).splitlines()[-1] == "  |        ^^^^"
    e = TshError("boom", "f.tsh", 1, 5, 7, "s = '张量' + 1")
    assert format_error(e).splitlines()[-1] == "  |      ^^^^"


def test_colour_only_when_asked():
    e = TshError("boom", "f.tsh", 1, 0, 1, "x")
    assert "\x1b[" not in format_error(e)
    assert "\x1b[" in format_error(e, color=True)


def caret_of(err_text):
    """(line, col, caret width, caret start) from a rendered error."""
    lines = err_text.splitlines()
    loc = [ln for ln in lines if "-->" in ln][0]
    _, line, col = loc.rsplit(":", 2)
    caret_line = next(ln for ln in lines if ln.rstrip().endswith("^"))
    bar = caret_line.index("|")
    body = caret_line[bar + 2:]
    start = len(body) - len(body.lstrip(" "))
    return int(line), int(col), body.count("^"), start


@pytest.mark.parametrize("code, line, col, width", [
    ("x = rand(3, 3)\ny = rand(3, 4)\nz = x + y", 3, 5, 5),
    ("x = rand(3, 3)\ny = rand(3, 4)\nz = add(x, y)", 3, 5, 9),
    ("x = rand(3, 3)\ny = rand(3, 4)\nz = add x y", 3, 5, 7),
    ("x = rand(3, 3)\ny = rand(3, 4)\nz = x.add_(y)", 3, 5, 9),
    ("z = 1 + undefined_name", 1, 9, 14),
    ("x = ones(2)\nx.no_such_method()", 2, 1, 16),
    ("x = [1, 2]\nx[5]", 2, 1, 4),
    ("s = '张量'; t = s + 1", 1, 15, 5),
    ("def f(a):\n    return a / 0\nf(1)", 2, 12, 5),
    ("for i in range(3):\n    y = i + 'a'", 2, 9, 7),
    ("x = ones 2 2\nbackward x", 2, 1, 10),
    ("x = rand 5 3 * 2", 1, 14, 1),
    ("x = (1,\n     2", 1, 5, 1),
    ("print(1)\nx = = 2", 2, 5, 1),
])
def test_error_positions(run, code, line, col, width):
    r = run(code, dedent=False)
    assert not r.ok
    assert "Traceback" not in r.err
    got_line, got_col, got_width, start = caret_of(r.err)
    assert (got_line, got_col, got_width) == (line, col, width), r.err
    src = code.split("\n")[line - 1]
    import unicodedata
    cells = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in src[:col - 1])
    assert start == cells


def test_engine_errors_keep_pytorchs_wording(run):
    r = run("x = rand(3, 3)\ny = rand(3, 4)\nz = x + y")
    assert r.err.startswith("error: RuntimeError: The size of tensor a (3) must match the size of tensor b (4) "
                            "at non-singleton dimension 1\n")


@pytest.mark.parametrize("code, head", [
    ("ones(2) + ones(3)", "error: RuntimeError: The size of tensor a (2) must match"),
    ("torch.linalg.inv(zeros(2, 2))", "error: LinAlgError: linalg.inv: The diagonal element 1 is zero"),
    ("x = ones 2\nx.foo", "error: AttributeError: 'Tensor' object has no attribute 'foo'"),
    ("len(3)", "error: TypeError: object of type 'int' has no len()"),
    ("[1][5]", "error: IndexError: list index out of range"),
    ("assert 1 == 2", "error: AssertionError"),
    ("backward 3", "error: backward needs a tensor, not int"),           # tensorsh's own words: no class
])
def test_one_error_style_python_and_pytorch_errors_name_their_class(run, code, head):
    """Python's and PyTorch's exceptions show their class, as both print them
    (and IPython); tensorsh's own errors are words alone."""
    assert run(code).err.startswith(head)


def test_did_you_mean(run):
    r = run("tensr([1, 2])")
    assert "name 'tensr' is not defined; did you mean 'tensor'?" in r.err
    r = run("value = 1\nvalu + 1")
    assert "did you mean 'value'?" in r.err
    r = run("x = ones(2)\nx.ad_(1)")
    assert "'Tensor' object has no attribute 'ad_'; did you mean 'add_'?" in r.err
    r = run("torch.zerso(2)")
    assert "module 'torch' has no attribute 'zerso'; did you mean 'zeros'?" in r.err
    r = run("from torch import onez")
    assert "did you mean 'ones'?" in r.err


def _assert_reported_as_internal(run):
    r = run("x = 1")
    assert not r.ok
    assert "internal error: AttributeError" in r.err
    assert "please report it" in r.err and "--debug" in r.err
    assert "Traceback" not in r.err
    r = run("x = 1", debug=True)
    assert "Traceback" in r.err


def test_internal_errors_say_where_to_report(run, monkeypatch):
    import ast
    from tensorsh.language.compiler import Compiler

    # A compiler that trips over the wrong node type: a bug in tensorsh itself.
    monkeypatch.setitem(Compiler._expr, ast.Constant, Compiler._name)
    _assert_reported_as_internal(run)


def test_internal_errors_while_running_say_where_to_report(run, monkeypatch):
    import ast
    import operator
    from tensorsh.language.compiler import Compiler

    # Code that compiles, and when it runs asks its frame (None at the top level) for an
    # attribute no frame has: the bug shows when it runs, in the statement's own code.
    monkeypatch.setitem(Compiler._expr, ast.Constant,
                        lambda compiler, node, context: operator.attrgetter("variables"))
    _assert_reported_as_internal(run)


@pytest.mark.parametrize("code, caret", [
    ("torch.bfloat16", "torch.bfloat16"),
    ("x = ones(2)\nx.to(torch.bfloat16)", "torch.bfloat16"),
    ("from torch import bfloat16", "bfloat16"),
    ("x = ones(2)\nx.bfloat16()", "x.bfloat16"),
])
def test_bfloat16_is_refused_with_its_reason(run, code, caret):
    r = run(code)
    owner = "Tensor" if caret == "x.bfloat16" else "torch"
    assert f"{owner}.bfloat16 is not supported by tensorsh: NumPy, which holds tensorsh's tensors, has no " \
           "bfloat16 type; use torch.float16 or torch.float32" in r.err.splitlines()[0]
    assert r.err.splitlines()[-1].strip(" |") == "^" * len(caret)
