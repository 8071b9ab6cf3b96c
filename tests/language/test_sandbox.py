"""Hostile scripts: every one ends in a clear error (status 1 or 2) and has
no effect; random token soup never lets anything but TshError out."""
import io
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tensorsh.language import syntax
from tensorsh.language.errors import TshError
from tensorsh.language.interpreter import Session

# {p} is a path that must not exist afterwards; {q} a file whose content
# ("precious") must not change.
HOSTILE = [
    # imports and Python's builtins
    "import os\nos.system('touch {p}')",
    "import subprocess",
    "import sys\nsys.modules['os'].system('touch {p}')",     # sys offers argv and exit only
    "from sys import modules",
    "import sys\nsys.stdout.write('x')",
    "from os import system",
    "import importlib",
    "import torch.utils",
    "__import__('os').system('touch {p}')",
    "eval(\"open('{p}', 'w')\")",
    "exec(\"open('{p}', 'w')\")",
    "compile('1', 'x', 'eval')",
    "open('{p}', 'w').write('x')",
    "getattr(1, 'real')",
    "setattr(ones(1), 'grad', None)",
    "globals()",
    "locals()",
    "type(type(1))('X', (), {{}})",
    "type('X', (), {{}})",
    "breakpoint()",
    "input()",
    "dir(1)[0].__class__",
    "__builtins__",
    "print.__self__",
    "print.__globals__",
    "len.__self__.open('{p}', 'w')",
    # attribute walks to Python's internals
    "().__class__.__bases__[0].__subclasses__()",
    "x = 1\nx.__class__",
    "[].__class__.__mro__",
    "str.mro()",
    "int.mro()",
    "(1).real.__class__",
    "torch.__dict__",
    "torch.Tensor.__init__",
    "np.__loader__",
    "math.__spec__",
    "torch.cuda.is_available.__globals__",
    # strings' format and f-strings
    "'{{0.__class__}}'.format(1)",
    "'{{0.__class__.__init__.__globals__}}'.format(print)",
    "'{{x.__class__}}'.format(x=1)",
    "'{{0[0]}}'.format([print])",
    "'{{a.real}}'.format_map({{'a': 1}})",
    "str.format('{{0.__class__}}', 1)",
    "f'{{(1).__class__}}'",
    "f'{{print.__self__}}'",
    "f'{{1:{{print.__globals__}}}}'",
    # lambdas' and functions' internals
    "(lambda: 0).__code__",
    "(lambda: 0).__globals__",
    "f = lambda: 0\nf.program",
    "f = lambda: 0\nf.interp.globals",
    "def g(): return 1\ng.closure",
    "def g(): return 1\ng.node",
    "g = (i for i in [1])\ng.gi_frame",
    # numpy's own files and pointers
    "np.load('{q}')",
    "np.save('{p}', np.ones(2))",
    "np.savetxt('{p}', np.ones(2))",
    "np.fromfile('{q}')",
    "np.memmap('{p}', mode='w+', shape=(2,))",
    "np.loadtxt('{q}')",
    "np.ctypeslib",
    "np.lib.stride_tricks.as_strided(np.ones(2), shape=(10**6,), strides=(8,))",
    "a = np.ones(2)\na.ctypes.data",
    "a = np.ones(2)\na.tofile('{p}')",
    "a = np.ones(2)\na.dump('{p}')",
    "a = np.ones(2)\na.dumps()",
    "a = ones(2).numpy()\na.ctypes",
    "a = np.ones(2)\na.strides = (0,)",
    "a = np.ones(2)\na.setflags(write=True)",
    "np.ndarray((2,), buffer=np.ones(1), offset=10**6)",
    "np.random.default_rng().bit_generator.ctypes",
    "np.info(np)",
    # the engine's files and internals
    "torch.save(ones(2), '{p}')",
    "torch.load('{q}')",
    "torch.ops",
    "torch.dtypes",
    "torch.set_memory_limit(None)",
    "set_memory_limit(None)",
    "x = ones(2)\nx._data",
    "x = ones(2)\nx.device.__reduce__()",
    "x = ones(2, requires_grad=True)\n(x * 2).grad_fn._saved",
    "x = ones(2)\nx.shape = (1, 2)",
    # the shell's own commands cannot be turned against files
    "x = ones(2)\nsave '{q}' x",
    "x = ones(2)\nsave('{q}', x=x)",
    "load '{q}'",
    "run '{q}'",
    "run '{p}'",
    # resources
    "def f(n): return f(n + 1)\nf(0)",
    "x = rand 100000 100000",
    "x = ones(100000, 1) + ones(1, 100000)",
    "np.zeros((10**6, 10**6))",
    "np.random.rand(10**6, 10**6)",
    "x = " + "(" * 500 + "1" + ")" * 500,
]


@pytest.fixture
def paths(tmp_path):
    p = tmp_path / "pwned"
    q = tmp_path / "precious.npz"
    q.write_text("precious")
    return p, q


@pytest.mark.parametrize("script", HOSTILE)
def test_hostile_script_fails_cleanly_and_has_no_effect(script, paths, tmp_path):
    p, q = paths
    code = script.format(p=p, q=q)
    out, err = io.StringIO(), io.StringIO()
    session = Session(stdout=out, stderr=err, memory_limit=2 ** 30)
    result = session.run_source(code, "hostile.tsh")
    assert result.exit_status in (1, 2), (code, out.getvalue())
    text = err.getvalue()
    assert text.startswith("error: "), text
    assert "Traceback" not in text and "internal error" not in text, text
    assert not p.exists() and not (tmp_path / "pwned.npz").exists()
    assert q.read_text() == "precious"
    assert sorted(os.listdir(tmp_path)) == ["precious.npz"]


def test_engine_limit_cannot_be_lifted_from_the_language():
    s = Session(stdout=io.StringIO(), stderr=io.StringIO(), memory_limit=2 ** 30)
    s.run_source("memory_limit", "t.tsh")
    assert s.stdout.getvalue() == f"{2 ** 30}\n"


# ------------------------------------------------------------ property test

VOCAB = (["x", "y", "t", "rand", "ones", "tensor", "print", "len", "range", "torch", "np", "help",
          "graph", "vars", "backward", "f", "lambda", "def", "return", "if", "else", "elif", "for",
          "in", "not", "and", "or", "is", "None", "True", "with", "no_grad", "import", "from",
          "as", "del", "pass", "break", "continue", "_", "__class__", "grad", "requires_grad",
          "0", "1", "2", "3", "0.5", "-1", "'s'", "f'{x}'", "'{0}'", "[", "]", "(", ")", "{", "}",
          ",", ":", ";", ".", "=", "==", "+", "-", "*", "/", "//", "%", "@", "<", ">", "+=",
          "?", "$", "\\", "\n", "\n    ", "#", "...", "**kw", "*", "time", "exit"])

_tmpdir = None


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(VOCAB), max_size=25), st.sampled_from(["", " "]))
def test_parser_raises_only_tsh_errors(tokens, sep):
    text = sep.join(tokens) if sep else " ".join(tokens)
    try:
        syntax.parse(text, "fuzz.tsh")
    except TshError:
        pass
    assert syntax.is_complete(text) in ("complete", "incomplete", "invalid")


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(VOCAB), max_size=25))
def test_evaluator_lets_nothing_but_tsh_errors_out(tokens):
    global _tmpdir
    import tempfile
    if _tmpdir is None:
        _tmpdir = tempfile.mkdtemp(prefix="tsh-fuzz-")
    text = " ".join(tokens)
    out, err = io.StringIO(), io.StringIO()
    session = Session(stdout=out, stderr=err, memory_limit=2 ** 26)
    session.run_source("x = ones(2, requires_grad=True)\ny = x * 2\nt = tensor([1, 2])\nf = lambda v: v",
                       "setup.tsh")
    cwd = os.getcwd()
    os.chdir(_tmpdir)
    try:
        result = session.run_source(text, "fuzz.tsh")
    finally:
        os.chdir(cwd)
    if result.error is not None:
        assert isinstance(result.error, TshError)
        assert not result.error.internal, (text, err.getvalue())
    assert "Traceback" not in err.getvalue()
    assert os.listdir(_tmpdir) == []
