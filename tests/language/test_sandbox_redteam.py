"""The red team's attacks on the sandbox, each a case that must end in a clear
error (status 1 or 2, `error: ...`, no traceback, no internal error) with no
effect: no file made or changed, no crash, bounded time and memory.

In-process cases run in a Session with a 256 MiB limit; those that would take
the machine down if a defence failed (allocations between the limit and the
machine's memory, C recursion, a Ctrl-C) run as `tensorsh -c` subprocesses
with a timeout.  Each attack names the hole it closed."""
import io
import os
import sys
import time

import numpy as np
import pytest

from tensorsh.language.builtins import npz
from tests.language.test_sandbox_limits import tensorsh
from tensorsh.language.interpreter import Session

LIMIT = 256 * 1024 ** 2

# {p}: a path that must not exist afterwards; {q}: a file whose content must not change.
ATTACKS = [
    # NumPy objects the engine hands out: a random Generator has no attributes here
    # (it could allocate past the memory limit, and its bit generator has a lock and a capsule)
    "r = torch.default_generator.rng()\nr.integers(0, 10, size=10)",
    "torch.default_generator.rng().bit_generator.lock",
    "torch.default_generator.rng().bytes(10)",
    "np.ones(2).data.tobytes()",
    "np.ones(2).flags.writeable = False",
    "t = np.dtype(float).type\nt.mro()",
    "np.dtype('O').type.mro()",
    # NumPy's files, pickles, pointers and callables-from-Python
    "np.lib", "np.ctypeslib", "np.ndarray((2,), buffer=np.ones(1))", "np.frombuffer(b'12345678')",
    "np.memmap('{p}', mode='w+', shape=(2,))", "np.fromfile('{q}')", "np.load('{q}', allow_pickle=True)",
    "np.save('{p}', np.ones(2))", "np.frompyfunc(print, 1, 1)", "np.vectorize(print)",
    "np.apply_along_axis(print, 0, np.ones(2))",
    "a = np.ones(2)\na.tofile('{p}')", "a = np.ones(2)\na.dump('{p}')", "np.ones(2).ctypes.data",
    "x = ones(2, requires_grad=True)\n(x * 2).grad_fn.next_functions[0][0].variable.numpy().ctypes",
    "np.zeros(2).view('O')", "np.zeros(2).getfield('O')",
    # memory: no raw buffers, strides or flags to set, no array that outlives its memory
    "np.ones(2).__array_interface__", "a = np.ones(4)\na.strides = (0,)", "np.lib.stride_tricks.as_strided",
    "np.as_strided(np.ones(2), (10**6,), (8,))", "np.ones(2).setflags(write=True)",
    "b = np.broadcast_to(np.ones(2), (3, 2))\nb.flags['WRITEABLE'] = True",
    "x = np.zeros(1000)\ny = x[:]\nx.resize(10**6, refcheck=False)", "np.ones(2).data",
    "np.ones(2).setfield(1, 'f8', 8)", "np.ones(2).newbyteorder()",
    # no object, void, structured or datetime dtype, however asked for
    "np.ones(2).astype('V8')", "np.float64(1).astype('O')", "np.ones(2).view(dtype='O')",
    "np.dtype('O')", "np.dtype([('a', 'O')])", "np.dtype('V8')", "np.dtype(list)",
    "np.empty(3, dtype='O')", "np.empty(3, dtype=object)", "np.zeros(3, list)", "np.zeros(3, 'O')",
    "np.full(3, None, dtype=dict)", "np.array([None])", "np.array([1, 'a', None])", "np.array({{'a': 1}})",
    "np.array([1, 2], dtype='O')", "np.asarray([print])", "np.zeros(3, dtype=[('a', 'O')])",
    "np.zeros(3, dtype=[('a', 'f8')])", "np.zeros(3, dtype='(2,)f8')", "np.zeros(3, dtype='M8[s]')",
    "np.ones(2).cumsum(dtype=list)", "np.ones(2).sum(dtype='O')", "np.add.reduce(np.ones(2), dtype='O')",
    "np.add.accumulate(np.ones(2), dtype='O')", "np.multiply.outer([None], [1])",
    "np.add(np.ones(2), 1, dtype='O')", "np.logical_or([None], [0])", "np.random.choice([None, 1], 3)",
    "np.linalg.norm([[None]])", "np.concatenate([[None], [1]])", "np.where([True], [None], [1])",
    "np.add.resolve_dtypes", "np.array([0, 0]).choose([[print, print]])", "torch.tensor([None])", "torch.from_numpy(np.array([None]))",
    "torch.tensor(np.array([print]))", "torch.default_generator.rng().random(3).view('O')",
    # formatting that would look up attributes or items
    "'{{0.real}}'.format(1)", "'{{0[0]}}'.format([1])", "'{{0:{{1.real}}}}'.format(1, 2)", "np.str_('{{0.real}}').format(1)",
    "str.format('{{0.real}}', 1)", "'{{a.real}}'.format_map({{'a': 1}})", "f'{{1:{{print}}}}'",
    # Python's internals through what the language makes
    "(lambda: 0).code", "def g(): return 1\ng.interp", "print.__self__", "help.run",
    "sorted([1, 2], key=eval)", "list(map(open, ['{p}']))", "type(np.ones(1))((2,), buffer=b'ab')", "vars(1)",
    "x = iter([1])\nx.__reduce__()", "g = (i for i in [1])\ng.gi_frame",
    # classes (issue 10): a class, its instances, methods, super(), classmethods and the
    # decorators reach no dunder beyond the protocol methods, no metaclass, no frame
    "class A: pass\nA.__dict__", "class A: pass\nA().__dict__", "class A: pass\nA().__class__",
    "class A: pass\nA.__subclasses__()", "class A: pass\nA.__mro__", "class A: pass\nA.mro()",
    "class A: pass\nA.__bases__", "class A: pass\nA.__name__",
    "class A:\n    def f(self): pass\nA().f.__func__", "class A:\n    def f(self): pass\nA.f.__globals__",
    "class A:\n    def f(self): pass\nA().f.__self__", "class A:\n    def f(self): pass\nA.f.code",
    "class A:\n    def f(self): return super().__class__\nA().f()",
    "class A:\n    def f(self): return super().__self__\nA().f()",
    "class A:\n    def f(self): return super().__thisclass__\nA().f()",
    "class A:\n    def f(self): return super().__getattribute__\nA().f()",
    "class A:\n    @classmethod\n    def c(cls): return cls.__dict__\nA.c()",
    "class A:\n    @classmethod\n    def c(cls): return cls.mro()\nA.c()",
    "class A:\n    @staticmethod\n    def s(): return 1\nA.__dict__['s'].__func__",
    "staticmethod(print).__func__", "classmethod(print).__func__", "property(print).__get__",
    # hooks into Python's machinery a class body must not define (descriptors among them)
    "class A:\n    def __getattribute__(self, n): return 1", "class A:\n    def __getattr__(self, n): return 1",
    "class A:\n    def __get__(self, o, t): return 1", "class A:\n    def __set__(self, o, v): pass",
    "class A:\n    def __init_subclass__(cls): pass", "class A:\n    def __set_name__(self, o, n): pass",
    "class A:\n    def __del__(self): pass", "class A:\n    def __reduce__(self): pass",
    "class A:\n    def __class_getitem__(cls, k): pass", "class A:\n    def __new__(cls): pass",
    "class A:\n    __slots__ = ()", "class A:\n    __call__ = print", "class A:\n    import os",
    # protocol methods Python calls from C, recursing: the call-depth cap stops each
    "class A:\n    def __repr__(self): return repr(self)\nrepr(A())",
    "class A:\n    def __eq__(self, o): return self == o\nA() == 1",
    "class A:\n    def __len__(self): return len(self)\nlen(A())", "class A:\n    def __init__(self): A()\nA()",
    "class A:\n    @property\n    def p(self): return self.p\nA().p",
    # metaclasses: type makes no class, and no class derives from type, a builtin or NumPy's
    "type('X', (), {{}})", "type(type(1))('X', (), {{}})", "class A: pass\ntype(A)('X', (), {{}})",
    "class A(metaclass=type): pass", "class M(type(int)): pass", "class A(int): pass",
    "class A(type(np.ones(1))): pass", "class A(torch.Tensor): pass", "class A(print): pass",
    # setting what the class machinery reads
    "class A: pass\nA().__init__ = print", "class A: pass\na = A()\na._hidden = 1",
    "class A: pass\nA.__call__ = print", "x = ones(2)\nx.anything = 1",
    # type(x) hands out no class to call behind the language's back
    "type(np.ones(1))((2,), 'O')", "list(map(type(np.ones(1)), [(2,)], ['O']))",
    "def f(): pass\ntype(f)('f', None, None, print, [], [], None, None, None)",
    "class A:\n    def f(self): pass\ntype(A().f)(print, 1)()", "list(map(type(b''), [10**12]))",
    "super(int, 1)", "s = super\ns(int, 1)",
    # the standard modules: no attribute getters, no shared generator state, no huge values
    "import operator\noperator.attrgetter('__class__')(1)", "import operator\noperator.methodcaller('mro')",
    "import random\nrandom.getrandbits(10**9)", "import random\nrandom.Random", "import random\nrandom.getstate()",
    "import functools\nfunctools.partial(print).__setstate__", "import collections\ncollections.namedtuple('P', '_x')",
    "import operator\noperator.mul([0], 10**10)", "import itertools\nitertools.tee",
    # files: only the shell's own kinds, never a device, a pipe or a foreign file
    "run '/etc/passwd'", "run '/dev/zero'", "run '{q}'", "load '/dev/zero'", "load '/dev/stdin'",
    "x = ones(2, requires_grad=True)\ngraph (x * 2) dot='{p}'",
    "x = ones(2, requires_grad=True)\ngraph (x * 2) dot='{q}'",
    "x = ones(2)\nsave '{q}' x",
    # sizes refused before anything is computed
    "'a' * 10**10", "[0] * 10**10", "10**9 * (0,)", "x = 'ab'\nx *= 10**10", "b'a' * 10**10",
    "10**10**8", "pow(10, 10**8)", "1 << 10**10", "x = 2**(2**19)\nx * x",
    "import math\nmath.factorial(10**8)", "import math\nmath.comb(10**7, 5 * 10**6)",
    "import math\nmath.perm(10**7)", "import math\nmath.prod(range(1, 10**6))",
    "import math\nmath.lcm(*[2**(2**19) + 1, 2**(2**19) + 3])",
    "np.zeros((10**6, 10**6))", "np.random.rand(10**6, 10**6)", "list(range(10**12))",
    "np.ones(1).repeat(10**11)", "x = rand 100000 100000", "ones(100000, 1) + ones(1, 100000)",
    # recursion ends in an error
    "def f(n): return f(n + 1)\nf(0)",
    "f = lambda x: list(map(f, [x]))\nf(1)",
    "f = lambda x: sorted([x], key=f)\nf(1)",
]


@pytest.fixture
def paths(tmp_path):
    p = tmp_path / "pwned"
    q = tmp_path / "precious.npz"
    q.write_text("precious")
    return p, q


def assert_clean_error(status, err):
    assert status in (1, 2)
    assert err.startswith("error: "), err
    assert "Traceback" not in err and "internal error" not in err, err


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_fails_cleanly_and_has_no_effect(attack, paths, tmp_path, monkeypatch):
    p, q = paths
    monkeypatch.chdir(tmp_path)
    code = attack.format(p=p, q=q)
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    result = Session(stdout=out, stderr=err, memory_limit=LIMIT).run_source(code, "attack.tsh")
    assert time.perf_counter() - start < 10, code
    assert_clean_error(result.exit_status, err.getvalue())
    assert sorted(os.listdir(tmp_path)) == ["precious.npz"]
    assert q.read_text() == "precious"


def test_parser_survives_100k_nesting():
    for code in ("x = " + "(" * 100_000 + "1" + ")" * 100_000, "x = " + "-" * 100_000 + "1",
                 "x = 1" + " + 1" * 10_000, "x = ones(1)" + ".T" * 30_000):
        err = io.StringIO()
        result = Session(stdout=io.StringIO(), stderr=err, memory_limit=LIMIT).run_source(code, "deep.tsh")
        assert_clean_error(result.exit_status, err.getvalue())


# ------------------------------------------------------------------ files

def test_save_through_a_symlink_to_a_foreign_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "victim.txt").write_text("precious")
    os.symlink("victim.txt", tmp_path / "link.npz")
    os.symlink(tmp_path / "elsewhere.npz", tmp_path / "dangling.npz")
    for name in ("link.npz", "dangling.npz"):
        err = io.StringIO()
        result = Session(stdout=io.StringIO(), stderr=err).run_source(f"x = ones(2)\nsave '{name}' x")
        assert_clean_error(result.exit_status, err.getvalue())
    assert (tmp_path / "victim.txt").read_text() == "precious"
    assert not (tmp_path / "elsewhere.npz").exists()


def test_save_never_fills_the_disk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    import shutil
    monkeypatch.setattr(npz, "DISK_RESERVE", shutil.disk_usage(tmp_path).free)
    err = io.StringIO()
    result = Session(stdout=io.StringIO(), stderr=err).run_source("x = ones(2)\nsave 'x.npz' x")
    assert_clean_error(result.exit_status, err.getvalue())
    assert "free on the disk" in err.getvalue()
    assert os.listdir(tmp_path) == []


def test_load_refuses_a_compressed_bomb_before_reading_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    np.savez_compressed(tmp_path / "bomb.npz", x=np.zeros((4096, 4096)))     # 128 MiB in 0.1 MiB
    err = io.StringIO()
    result = Session(stdout=io.StringIO(), stderr=err, memory_limit=2 ** 26).run_source("load 'bomb.npz'")
    assert_clean_error(result.exit_status, err.getvalue())
    assert "refusing to allocate 128 MiB" in err.getvalue()


def test_load_never_unpickles(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    np.savez(tmp_path / "pickled.npz", x=np.array([print], dtype=object))
    err = io.StringIO()
    result = Session(stdout=io.StringIO(), stderr=err).run_source("load 'pickled.npz'")
    assert_clean_error(result.exit_status, err.getvalue())


def test_run_refuses_a_symlinked_device(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.symlink("/dev/zero", tmp_path / "zero.tsh")
    err = io.StringIO()
    result = Session(stdout=io.StringIO(), stderr=err).run_source("run 'zero.tsh'")
    assert_clean_error(result.exit_status, err.getvalue())
    assert "not a regular file" in err.getvalue()


# ---------------------------------------------------- as a separate process

# tensorsh(code, cwd, ...): the same runner as the limits' tests (imported at the top)


# Allocations the checks made before allocating cannot foresee: each would
# fit in the machine (a few GiB) but not in the limit, and the backstop
# (RLIMIT_DATA while user code runs) turns them into a MemoryError.
UNFORESEEN_ALLOCATIONS = [
    "x = ones(1).expand(30000, 30000).contiguous()",
    "x = ones(1).expand(30000, 30000) * 2",
    "x = torch.outer(ones(30000), ones(30000))",
    "x = np.broadcast_to(np.ones(1), (20000, 20000)).copy()",
    "x = np.ones(10).repeat(4 * 10**8)",
    "x = np.outer(np.ones(20000), np.ones(20000))",
    "x = 'a'.ljust(3 * 10**9)",
    "x = f'{1:>{3 * 10**9}}'",
    "x = '%*d' % (3 * 10**9, 1)",
    "x = list(range(3 * 10**8))",
]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the backstop is RLIMIT_DATA (Linux)")
@pytest.mark.parametrize("code", UNFORESEEN_ALLOCATIONS)
def test_allocation_past_the_limit_is_a_memory_error(code, tmp_path):
    status, err = tensorsh(code, tmp_path)
    assert_clean_error(status, err)
    assert "memory limit is 256 MiB" in err, err


@pytest.mark.parametrize("code", [
    "a = []\nfor i in range(100000):\n    a = [a]\nprint(a)",
    "a = []\nb = []\nfor i in range(100000):\n    a = [a]\n    b = [b]\na == b",
    "a = []\nfor i in range(100000):\n    a = [a]\ntensor(a)",
])
def test_deep_data_ends_in_a_recursion_error(code, tmp_path):
    status, err = tensorsh(code, tmp_path)
    assert_clean_error(status, err)
    assert "recursion" in err


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
@pytest.mark.parametrize("code", [
    "sum(range(10**12))",                       # a C loop: fed through a generator
    "all(map(bool, range(1, 10**13)))",
    "while True:\n    print('x' * 100)",        # infinite output
])
def test_ctrl_c_stops_a_statement(code, tmp_path):
    status, err = tensorsh(code, tmp_path, timeout=10, interrupt_after=0.5)
    assert status == 130 and "KeyboardInterrupt" in err, err
