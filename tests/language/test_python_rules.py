"""The display rule (only a top-level statement shows its value), `.py` files run
with Python's rules, script arguments, and the smaller language things of issue 10:
`match`, hints for unquoted file names and uncalled methods, the chain of user calls
in an error, prompt inputs named <input-N>, a closed pipe, `dir`."""
import io
import os
import subprocess
import sys

import pytest

from tensorsh.language.helptext import REFERENCE
from tensorsh.language.interpreter import Session
from tests.oracle import torch_or_skip

from .test_cli import ENV, ROOT, tsh


# ------------------------------------------------------------ the display rule

def test_only_a_top_level_statement_shows_its_value(run):
    r = run("""
        w = ones(2, requires_grad=True)
        (w * 2).sum().backward()
        for step in range(3):
            w.grad.zero_()
            step
        if True:
            1 + 1
        while False:
            2
        with no_grad():
            w * 3
        def f():
            4
            return 5
        f()
        w.grad
    """)
    assert r.ok, r.err
    assert r.out == "5\ntensor([0., 0.])\n"


def test_a_command_in_a_block_still_runs(run):
    r = run("""
        x = ones(2)
        for i in range(1):
            vars
    """)
    assert r.ok, r.err
    assert "x" in r.out and "[2]" in r.out


def test_underscore_is_the_last_value_shown_at_the_top_level(run):
    r = run("""
        7
        for i in range(2):
            i * 10
        print(_)
    """)
    assert r.out == "7\n7\n"


# ------------------------------------------------------------ .py files

PROGRAM = """\
import sys
import torch
torch.manual_seed(0)
x = torch.ones(2, requires_grad=True)
x.sum()
torch.ones(2).sum().item()


def main():
    print(__name__, sys.argv[1:])
    y = (x * 3).sum()
    y.backward()
    print(x.grad)


if __name__ == "__main__":
    main()
"""


def test_a_py_file_shows_no_bare_value(run):
    r = run(PROGRAM, filename="train.py", argv=["train.py", "--epochs", "2"])
    assert r.ok, r.err
    assert r.out == "__main__ ['--epochs', '2']\ntensor([3., 3.])\n"


def test_the_same_text_as_a_tsh_script_shows_top_level_values(run):
    r = run(PROGRAM, filename="train.tsh", argv=["train.tsh"])
    assert r.ok, r.err
    lines = r.out.splitlines()
    assert lines[0].startswith("<torch._C.Generator object at 0x")
    assert lines[1:] == ["tensor(2., grad_fn=<SumBackward0>)", "2.0", "__main__ []", "tensor([3., 3.])"]


def test_a_py_program_prints_what_python_with_pytorch_prints(tmp_path):
    torch_or_skip()         # the program runs under Python with the real PyTorch
    program = tmp_path / "prog.py"
    program.write_text(PROGRAM)
    expected = subprocess.run([sys.executable, str(program), "a", "--b"], capture_output=True, text=True,
                              timeout=120)
    assert expected.returncode == 0, expected.stderr
    rc, out, err = tsh(str(program), "a", "--b")
    assert (rc, out, err) == (0, expected.stdout, "")


def test_script_arguments_reach_a_tsh_script_and_options_after_the_file_are_its_own(tmp_path):
    script = tmp_path / "args.tsh"
    script.write_text("import sys\nprint(sys.argv)\n")
    rc, out, err = tsh(str(script), "a", "--debug", "-c", "1")
    assert (rc, out, err) == (0, f"{[str(script), 'a', '--debug', '-c', '1']}\n", "")
    code = "import sys\nprint(sys.argv)"      # argv[0] as Python's: -c, -, or "" for a plain pipe
    assert tsh("-c", code, "x")[1] == "['-c', 'x']\n"
    assert tsh("-", "y", input=code)[1] == "['-', 'y']\n"
    assert tsh(input=code)[1] == "['']\n"


@pytest.mark.parametrize("call, status, err", [
    ("sys.exit()", 0, ""),
    ("sys.exit(3)", 3, ""),
    ("sys.exit(None)", 0, ""),
    ("sys.exit('bad input')", 1, "bad input\n"),
])
def test_sys_exit_is_pythons(call, status, err):
    rc, out, got_err = tsh("-c", f"import sys\nprint('before')\n{call}\nprint('after')")
    assert (rc, out, got_err) == (status, "before\n", err)


def test_sys_offers_argv_and_exit_only(run):
    r = run("import sys\nsys.path")
    assert not r.ok
    assert "module 'sys' has no attribute 'path'" in r.err
    r = run("sys.argv")
    assert "name 'sys' is not defined (import sys first)" in r.err


def test_dunder_name_is_readable_but_not_assignable(run):
    assert run("print(__name__)").out == "__main__\n"
    r = run("__name__ = 'x'")
    assert not r.ok and "names starting with '_' are not available" in r.err


# ------------------------------------------------------------ smaller things

@pytest.mark.parametrize("header", ["match x:", "match (x):", "case 1:"])
def test_match_says_it_is_not_supported(run, header):
    r = run(f"x = 1\n{header}\n    pass\n", dedent=False)
    assert not r.ok
    word = header.split()[0]
    assert r.err.startswith(f"error: `{word}` statements are not supported in tensorsh")
    assert ":2:1\n" in r.err


def test_match_is_still_a_name(run):
    r = run("match = 3\nprint(match + 1)")
    assert (r.ok, r.out) == (True, "4\n")


@pytest.mark.parametrize("code, hint", [
    ("run ok.tsh", 'file names are strings: run "ok.tsh"'),
    ("load w.npz", 'file names are strings: load "w.npz"'),
    ("w = ones(1)\nsave w.npz w", 'file names are strings: save "w.npz"'),
])
def test_an_unquoted_file_name_gets_a_hint(run, code, hint):
    r = run(code)
    assert not r.ok
    assert f"  = help: {hint}\n" in r.err


def test_an_uncalled_method_gets_a_hint(run):
    r = run("x = ones(2, requires_grad=True)\ny = x.sum\ny.backward()")
    assert not r.ok
    assert "'method' object has no attribute 'backward'" in r.err
    assert "did you forget the parentheses? (.sum())" in r.err
    r = run("make = torch.ones\nmake.requires_grad")
    assert "this is the function 'ones' itself, not its result: did you forget the parentheses? (ones(...))" in r.err
    r = run("show = print\nshow.upper()")
    assert "= help:" not in r.err       # a string method: nothing a tensor has, so no hint


def test_an_error_in_a_function_shows_the_chain_of_user_calls(run):
    r = run("""
        def inner(v):
            return v + ones(3)
        def outer(v):
            return inner(v) * 2
        x = ones(2)
        outer(x)
    """, filename="chain.tsh")
    assert not r.ok
    assert r.err == (
        "error: RuntimeError: The size of tensor a (2) must match the size of tensor b (3) at non-singleton "
        "dimension 0\n"
        " --> chain.tsh:3:12\n"
        "  |\n"
        "3 |     return v + ones(3)\n"
        "  |            ^^^^^^^^^^^\n"
        "  = calls (most recent last):\n"
        "    chain.tsh:7, in <module>\n"
        "      outer(x)\n"
        "    chain.tsh:5, in outer\n"
        "      return inner(v) * 2\n"
        "    chain.tsh:3, in inner\n"
        "      return v + ones(3)\n")


def test_a_function_a_builtin_calls_is_placed_at_the_builtins_call(run):
    r = run("""
        def bad(v):
            return v + undefined_name
        total = sum(map(bad, [1, 2]))
    """, filename="m.tsh")
    assert not r.ok
    assert r.err.endswith("  = calls (most recent last):\n"
                          "    m.tsh:4, in <module>\n"
                          "      total = sum(map(bad, [1, 2]))\n"
                          "    m.tsh:3, in bad\n"
                          "      return v + undefined_name\n")


def test_an_error_at_the_top_level_has_no_chain(run):
    r = run("x = ones(2) + ones(3)")
    assert "calls (most recent last)" not in r.err


def test_a_deep_recursion_is_counted_not_listed(run):
    r = run("""
        def down(n):
            if n == 0:
                return undefined_name
            return down(n - 1)
        down(50)
    """)
    assert not r.ok
    assert r.err.count("in down\n") == 4      # three of the repeated frame, then the last one
    assert "    [the frame above repeated 47 more times]\n" in r.err


def test_prompt_inputs_are_named_one_by_one():
    err = io.StringIO()
    session = Session(stdout=io.StringIO(), stderr=err)
    session.run_source("x = 1")
    session.run_source("def f():\n    return undefined_name")
    session.run_source("f()")
    text = err.getvalue()
    assert " --> <input-2>:2:12\n" in text
    assert "    <input-3>:1, in <module>\n      f()\n    <input-2>:2, in f\n" in text


def test_a_closed_pipe_ends_quietly(tmp_path):
    """`tensorsh -c '...' | head -2`: status 0 and nothing on standard error, as
    the reader has all it wanted (Python itself prints a BrokenPipeError)."""
    code = "for i in range(10**6):\n    print(i)\nprint('never')"
    process = subprocess.Popen([sys.executable, "-m", "tensorsh", "-c", code], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=ENV, cwd=ROOT)
    first = process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read()
    assert (first, process.wait(timeout=60), err) == (b"0\n", 0, b"")


def test_dir_lists_the_public_names_a_script_may_use(run):
    r = run("""
        x = ones(2)
        names = dir(x)
        print('sum' in names, 'backward' in names, any(n.startswith('_') for n in names))
        print(dir('a') == sorted(dir('a')), 'format' in dir('a'), 'upper' in dir('a'))
        print('rand' in dir(torch), dir(1.5))
        y = 2
        print(dir())
    """)
    assert r.ok, r.err
    assert r.out.splitlines() == [
        "True True False",
        "True True True",
        "True ['as_integer_ratio', 'conjugate', 'fromhex', 'hex', 'imag', 'is_integer', 'real']",
        "['names', 'x', 'y']",
    ]


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_everything_dir_lists_can_be_read(session):
    session.run_source("x = ones(2, 2)\nz = ones(2, 2, dtype=cfloat)\nimport math", "t.tsh")
    interp = session.interp
    listing = session.builtins["dir"]
    for value in (session.namespace["x"], session.namespace["z"], "text", [1], {"a": 1}):
        for name in listing(value):
            if name == "imag" and not value.is_complex():
                continue   # a real tensor has no imaginary part: PyTorch's error, read on z instead
            interp.get_attribute(value, name, None)     # raises if the policy refused one
    math = interp.modules["math"]
    assert all(interp.get_attribute(math, name, None) is not None for name in listing(math))


def test_the_rule_goes_by_the_files_suffix(run):
    assert run("1 + 1", filename="notes.py").out == ""
    assert run("1 + 1", filename="notes.tsh").out == "2\n"


# ------------------------------------------------------------ the reference

def test_help_language_leads_to_the_reference_the_readme_links(run):
    r = run("help language")
    assert r.ok, r.err
    assert f"The whole reference (syntax, display, errors, safety): {REFERENCE}\n" in r.out
    with open(REFERENCE, encoding="utf-8") as f:
        reference = f.read()
    for section in ("## Running code", "## What is shown", "## Syntax", "### The command form", "## Errors",
                    "## Safety"):
        assert f"\n{section}\n" in reference
    readme = os.path.join(os.path.dirname(os.path.dirname(REFERENCE)), "README.md")
    with open(readme, encoding="utf-8") as f:
        assert "(docs/language.md)" in f.read()


def test_and_or_never_ask_the_truth_of_their_last_operand(run):
    """As in Python: `None or t` is t, even where t's truth would be an error (a tensor of two)."""
    r = run("""
        t = tensor([1., 2.])
        print(None or t, 1 and t, 0 and t, (lambda u: print(end='') or u)(t))
        print(None or 0 or t.sum())
    """)
    assert r.ok, r.err
    assert r.out == "tensor([1., 2.]) tensor([1., 2.]) 0 tensor([1., 2.])\ntensor(3.)\n"
