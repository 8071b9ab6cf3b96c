"""The language's semantics, run in-process through Session.run_source."""
import pytest

from tensorsh.language.errors import TshError, TshSyntaxError
from tensorsh.language.interpreter import Session


def test_bare_expression_is_displayed_and_assignment_is_silent(run):
    r = run("""
        x = 1 + 2
        x
        'a' + 'b'
        None
    """)
    assert r.ok, r.err
    assert r.out == "3\n'ab'\n"


def test_trailing_semicolon_hides_and_underscore_holds_last_value(run):
    r = run("""
        40 + 2
        7;
        _
        _ + 1
    """)
    assert r.out == "42\n42\n43\n"


def test_command_form(run):
    r = run("""
        x = ones 2 2 requires_grad=True
        y = x + 2
        z = y * y * 3
        out = z.mean()
        out
        backward out
        x.grad
        t = tensor [5.5, 3]
        t
        zeros 2 3 dtype=long
    """)
    assert r.ok, r.err
    assert r.out == (
        "tensor(27., grad_fn=<MeanBackward0>)\n"
        "tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])\n"
        "tensor([5.5000, 3.0000])\n"
        "tensor([[0, 0, 0],\n        [0, 0, 0]])\n")


def test_command_form_with_gradient_argument(run):
    r = run("""
        x = ones 3 requires_grad=True
        y = x * 2
        v = tensor [0.1, 1.0, 0.0001]
        backward y v
        x.grad
    """)
    assert r.ok, r.err
    assert r.out == "tensor([2.0000e-01, 2.0000e+00, 2.0000e-04])\n"


def test_variable_is_never_a_command(run):
    r = run("""
        x = tensor [1, 2, 3]
        x [0]
        n = 5
        n -1
        print (n)
    """)
    assert r.ok, r.err
    assert r.out == "tensor(1)\n4\n5\n"


def test_command_form_inside_blocks_and_after_colon(run):
    r = run("""
        for i in range(2): print i
        if True:
            print "yes" 3
        def f(a, b=10):
            return a + b
        f 1
        f 1 2
    """)
    assert r.ok, r.err
    assert r.out == "0\n1\nyes 3\n11\n3\n"


def test_control_flow(run):
    r = run("""
        total = 0
        for i in range(10):
            if i % 2 == 0:
                continue
            elif i > 7:
                break
            else:
                total += i
        total
        n = 0
        while n < 100:
            n = n * 2 + 1
        else:
            print("done", n)
        for i in []:
            pass
        else:
            print("empty")
    """)
    assert r.ok, r.err
    assert r.out == "16\ndone 127\nempty\n"


def test_functions_defaults_closures_lambda_recursion(run):
    r = run("""
        def power(x, n=2, *rest, scale=1, **extra):
            return scale * x ** n + sum(rest) + len(extra)
        power(3)
        power(2, 3, 1, 1, scale=2, a=1)
        def make_adder(k):
            def add(v):
                return v + k
            return add
        make_adder(10)(5)
        sq = lambda v: v * v
        list(map(sq, [1, 2, 3]))
        def fact(n):
            if n <= 1:
                return 1
            return n * fact(n - 1)
        fact(10)
        sorted([3, 1, 2], key=lambda v: -v)
    """)
    assert r.ok, r.err
    assert r.out == "9\n19\n15\n[1, 4, 9]\n3628800\n[3, 2, 1]\n"


def test_function_argument_errors(run):
    r = run("""
        def f(a, b):
            return a
        f(1)
    """)
    assert not r.ok
    assert "error: TypeError: f() missing 1 required positional argument: 'b'" in r.err   # Python's class and words


def test_unpacking_and_subscript_and_attribute_assignment(run):
    r = run("""
        a, (b, c) = 1, [2, 3]
        first, *rest = [1, 2, 3, 4]
        print(a, b, c, first, rest)
        for i, (p, q) in enumerate(zip([1, 2], [3, 4])):
            print(i, p + q)
        x = zeros 3
        x[0] = 5
        x[1:] = 2
        x
        w = ones 2 requires_grad=True
        (w * 3).sum().backward()
        w.grad
        w.grad = None
        print(w.grad)
        w.requires_grad = False
        w.requires_grad
        d = {'k': 1}
        d['k'] += 1
        d
        m = [[1, 2], [3, 4]]
        m[1][0] = 9
        m
    """)
    assert r.ok, r.err
    assert r.out == ("1 2 3 1 [2, 3, 4]\n0 4\n1 6\n"
                     "tensor([5., 2., 2.])\ntensor([3., 3.])\nNone\nFalse\n{'k': 2}\n[[1, 2], [9, 4]]\n")


def test_augmented_assignment_is_in_place_on_tensors(run):
    r = run("""
        a = ones 3
        b = a
        a += 1
        b
        a is b
        n = 1
        m = n
        n += 1
        m
    """)
    assert r.ok, r.err
    assert r.out == "tensor([2., 2., 2.])\nTrue\n1\n"


def test_in_place_on_leaf_is_pytorchs_error(run):
    r = run("""
        x = ones 2 requires_grad=True
        x += 1
    """)
    assert not r.ok
    assert "a leaf Variable that requires grad is being used in an in-place operation." in r.err


def test_fstrings_comprehensions_and_literals(run):
    r = run("""
        x = 3.14159
        print(f"{x:.2f} {'s'!r} {x!s:>8} {[1, 2]}")
        [i * i for i in range(5) if i % 2]
        {k: v for k, v in zip('ab', [1, 2])}
        {i % 3 for i in range(9)}
        sum(i for i in range(4))
        (1, 2) + (3,)
        a = [1, 2, 3]
        a[::-1], a[1:], ...
        1 < 2 < 3, 1 < 3 < 2
        not 0 and 2 or 3
        3 if 0 else 4
        {**{'a': 1}, 'b': 2}
        [*a, 4]
        (y := 5) + y
        "{} and {}".format(1, 2)
        2 ** 10, 7 // 2, 7 % 3, -7 / 2, 5 & 3, 5 | 3, 5 ^ 3, ~5, 1 << 4
    """)
    assert r.ok, r.err
    assert r.out.splitlines() == [
        "3.14 's'  3.14159 [1, 2]", "[1, 9]", "{'a': 1, 'b': 2}", "{0, 1, 2}", "6", "(1, 2, 3)",
        "([3, 2, 1], [2, 3], Ellipsis)", "(True, False)", "2", "4", "{'a': 1, 'b': 2}", "[1, 2, 3, 4]",
        "10", "'1 and 2'", "(1024, 3, 1, -3.5, 1, 7, 6, -6, 16)"]


def test_with_no_grad_and_grad_fn(run):
    r = run("""
        import torch
        x = torch.randn(3, requires_grad=True)
        print(x.requires_grad)
        print((x ** 2).requires_grad)
        with torch.no_grad():
            print((x ** 2).requires_grad)
        with no_grad():
            y = x * 2
        y.requires_grad
        print((x + 1).grad_fn)
    """)
    assert r.ok, r.err
    assert r.out.startswith("True\nTrue\nFalse\nFalse\n<AddBackward0 object at 0x")


def test_with_restores_grad_mode_after_error(run):
    r = run("""
        with no_grad():
            1 / 0
    """)
    assert not r.ok and "ZeroDivisionError: division by zero" in r.err
    r2 = run("x = ones 1 requires_grad=True\n(x * 2).requires_grad", session=r.session)
    assert r2.out == "True\n"


def test_imports_bind_the_shells_namespaces(run):
    r = run("""
        from __future__ import print_function
        import torch
        import numpy as np
        import torch.nn.functional as F
        import math
        from torch import ones as o
        print(torch.ones(2), np.ones(2), math.sqrt(16.0), o(1))
        isinstance(torch.cuda.is_available(), bool)
        torch.float64, torch.long, long, float32
        torch.Size([5, 3])
    """)
    assert r.ok, r.err
    assert r.out == ("tensor([1., 1.]) [1. 1.] 4.0 tensor([1.])\nTrue\n"
                     "(torch.float64, torch.int64, torch.int64, torch.float32)\ntorch.Size([5, 3])\n")


def test_numpy_bridge_shares_memory(run):
    r = run("""
        import numpy as np
        a = np.ones(5)
        b = torch.from_numpy(a)
        np.add(a, 1, out=a);
        print(a)
        print(b)
        c = ones 3
        d = c.numpy()
        c.add_(1);
        d
    """)
    assert r.ok, r.err
    assert r.out == "[2. 2. 2. 2. 2.]\ntensor([2., 2., 2., 2., 2.], dtype=torch.float64)\narray([2., 2., 2.], dtype=float32)\n"


def test_python_builtins_keep_python_meaning(run):
    r = run("""
        int(3.7), float(2), bool(0), str(5), abs(-2), round(2.567, 2), max([1, 5]), min(3, 1)
        len([1, 2]), list(range(3)), tuple('ab'), dict(a=1), list(reversed([1, 2])), any([0, 1]), all([])
        isinstance(ones(1), torch.Tensor), list(filter(None, [0, 1, 2]))
        zeros(2, dtype=float).dtype, zeros(2, dtype=int).dtype
    """)
    assert r.ok, r.err
    assert r.out.splitlines() == [
        "(3, 2.0, False, '5', 2, 2.57, 5, 1)",
        "(2, [0, 1, 2], ('a', 'b'), {'a': 1}, [2, 1], True, True)",
        "(True, [1, 2])",
        "(torch.float64, torch.int64)"]


def test_del_and_reset(run):
    r = run("""
        x = 1
        del x
        y = 2
        reset
        y
    """)
    assert not r.ok
    assert "name 'y' is not defined" in r.err


def test_state_survives_an_error(session):
    from tests.language.conftest import run_code
    r1 = run_code("a = 5\nb = a + 'x'\nc = 1", session=session)
    assert not r1.ok and r1.status == 1
    r2 = run_code("a", session=session)
    assert r2.out == "5\n"
    assert "c" not in session.namespace and "b" not in session.namespace


def test_exit_statuses_in_process(run):
    assert run("exit 3").status == 3
    assert run("exit").status == 0
    assert run("1/0").status == 1
    assert run("x = (").status == 1
    r = run("print('a')\nexit 4\nprint('b')")
    assert r.out == "a\n" and r.status == 4


def test_syntax_errors_before_anything_runs(run):
    r = run("""
        print("first")
        x = = 2
    """)
    assert r.out == ""
    assert "invalid syntax" in r.err


def test_vars_graph_help_time(run):
    r = run("""
        x = ones 2 2 requires_grad=True
        y = x + 2
        out = (y * y).mean()
        vars
        graph out
        help add
        help add_
        ?zeros
        help vars
        time s = x.sum()
        time x.sum()
    """)
    assert r.ok, r.err
    out = r.out
    assert "name" in out and "requires_grad" in out and "AddBackward0" in out
    assert ("MeanBackward0  -> [] float32  out\n└── MulBackward0  -> [2, 2] float32\n"
            "    ├── AddBackward0 [1]  -> [2, 2] float32  y\n"
            "    │   └── AccumulateGrad  x  [2, 2] float32\n") in out
    assert "add(input, other" in out
    assert "Tensor.add_" in out
    assert "zeros(" in out
    assert "vars\n    A table" in out
    assert out.count("time: ") == 2
    assert "tensor(4., grad_fn=<SumBackward0>)" in out


def test_help_for_every_builtin_and_tensor_method():
    import io
    s = Session(stdout=io.StringIO(), stderr=io.StringIO())
    names = [n for n in s.builtins if n != "_"]
    methods = [n for n in dir(s.interp.tensor_class) if not n.startswith("_")]
    code = "\n".join(f"help {n}" for n in names + methods)
    r = s.run_source(code, "help.tsh")
    assert r.ok, s.stderr.getvalue()
    assert s.stdout.getvalue().count("\n") >= len(names) + len(methods)


def test_save_and_load_roundtrip(run, tmp_path):
    p = tmp_path / "w.npz"
    r = run(f"""
        x = tensor [1.5, 2.5]
        w = ones 2 requires_grad=True
        n = 3
        save "{p}" x w n
        save "{p}" x w n
        reset
        load "{p}"
        x
        w
        n
    """)
    assert r.ok, r.err
    assert r.out.splitlines()[-3:] == ["tensor([1.5000, 2.5000])", "tensor([1., 1.], requires_grad=True)", "3"]
    assert "reset: forgot 3 variables (x, w, n)\n" in r.out     # reset and load say what they did
    assert f"loaded x, w, n from {p}\n" in r.out


def test_quit_pwd_and_cd(run, tmp_path, monkeypatch):
    """quit and quit() leave as exit does; pwd and cd show and change the
    folder that save, load and run read relative names from."""
    assert run("quit").result.exit_code == 0 and run("quit(3)").result.exit_code == 3
    assert run("print(1)\nquit()\nprint(2)").out == "1\n"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    r = run('pwd\ncd "sub"\nx = ones 2\nsave "x.npz" x\ncd ".."\npwd')
    assert r.ok, r.err
    assert r.out.split("\n")[:2] == [str(tmp_path), str(tmp_path / "sub")]
    assert (tmp_path / "sub" / "x.npz").exists()
    r = run('cd "missing"')
    assert not r.ok and "cd: cannot enter missing: No such file or directory" in r.err
    assert run("reset").out == "reset: there were no variables\n"


def test_save_never_overwrites_a_foreign_file(run, tmp_path):
    p = tmp_path / "data.npz"
    p.write_text("precious")
    r = run(f'x = ones 2\nsave "{p}" x')
    assert not r.ok and "refusing to overwrite" in r.err
    assert p.read_text() == "precious"
    q = tmp_path / "notes"
    q.write_text("keep")
    r = run(f'x = ones 2\nsave "{q}" x')      # writes notes.npz, leaves notes alone
    assert r.ok and q.read_text() == "keep" and (tmp_path / "notes.npz").exists()


def test_run_file_shares_the_session(run, tmp_path):
    lib = tmp_path / "lib.tsh"
    lib.write_text("def double(v):\n    return v * 2\nk = 21\n")
    r = run(f'run "{lib}"\ndouble(k)')
    assert r.ok, r.err
    assert r.out == "42\n"
    bad = tmp_path / "bad.tsh"
    bad.write_text("a = 1\nb = a + missing\n")
    r = run(f'run "{bad}"')
    assert not r.ok
    assert f"{bad}:2:9" in r.err


def test_memory_limit_refuses_with_the_size(run):
    r = run("x = rand 100000 100000", memory_limit=2 ** 30)
    assert not r.ok
    assert "37.3 GiB" in r.err and "memory limit" in r.err
    r = run("np.zeros((50000, 50000))", memory_limit=2 ** 30)
    assert not r.ok and "18.6 GiB" in r.err
    r = run("a = rand(100000, 1)\nb = rand(1, 100000)\nc = a + b", memory_limit=2 ** 30)
    assert not r.ok and "37.3 GiB" in r.err
    assert "a" in r.session.namespace and "c" not in r.session.namespace


def test_user_recursion_ends_in_a_clear_error(run):
    r = run("""
        def f(n):
            return f(n + 1)
        f(0)
    """)
    assert not r.ok
    assert "maximum recursion depth exceeded" in r.err
    r = run("g = lambda n: g(n + 1)\ng(0)")
    assert "maximum recursion depth exceeded" in r.err


def test_deep_expression_nesting_is_an_error_not_a_crash(run):
    r = run("x = " + "-" * 100000 + "1")
    assert r.status == 1 and "too deeply nested" in r.err
    r = run("x = " + "(" * 300 + "1" + ")" * 300)
    assert r.status == 1


def test_interrupt_stops_the_statement_and_keeps_the_session(session):
    import _thread
    import threading
    from tests.language.conftest import run_code
    run_code("kept = 42", session=session)
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    try:
        r = run_code("i = 0\nwhile True:\n    i += 1\n", session=session)
    finally:
        timer.cancel()
    assert r.result.interrupted and r.status == 130
    assert "KeyboardInterrupt" in r.err
    assert run_code("kept", session=session).out == "42\n"


def test_warnings_are_shown_with_location(run):
    r = run("""
        x = ones 2 requires_grad=True
        y = x * 2
        y.grad
    """)
    assert r.ok
    assert r.err.startswith("warning: The .grad attribute of a Tensor that is not a leaf Tensor")
    assert " --> t.tsh:4:1" in r.err


def test_is_complete():
    from tensorsh.language.syntax import is_complete
    assert is_complete("x = 1") == "complete"
    assert is_complete("x = (1,") == "incomplete"
    assert is_complete("if x:") == "incomplete"
    assert is_complete("if x:\n    y = 1") == "incomplete"
    assert is_complete("if x:\n    y = 1\n") == "complete"
    assert is_complete("def f():\n    return 1\n") == "complete"
    assert is_complete("s = '''abc") == "incomplete"
    assert is_complete("x = 1 + \\") == "incomplete"
    assert is_complete("x = = 1") == "invalid"
    assert is_complete("rand 5 3 * 2") == "invalid"
    assert is_complete("") == "complete"


@pytest.mark.parametrize("code, expected", [
    ("x = rand(5, 3)\nx.size()", "torch.Size([5, 3])"),
    ("x = randn(4, 4)\ny = x.view(16)\nz = x.view(-1, 8)\nprint(x.size(), y.size(), z.size())",
     "torch.Size([4, 4]) torch.Size([16]) torch.Size([2, 8])"),
    ("a = tensor([[1., 2.], [3., 4.]])\na @ a", "tensor([[ 7., 10.],\n        [15., 22.]])"),
    ("torch.device('cpu')", "device(type='cpu')"),
])
def test_tensor_displays_as_pytorch(run, code, expected):
    r = run(code)
    assert r.ok, r.err
    assert r.out.rstrip("\n").splitlines()[-len(expected.splitlines()):] == expected.splitlines()


def test_example_scripts_run(run):
    import glob
    import os
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    scripts = sorted(glob.glob(os.path.join(root, "scripts", "*.tsh")))
    assert scripts
    for path in scripts:
        with open(path, encoding="utf-8") as f:
            r = run(f.read(), filename=path, dedent=False)
        assert r.ok, r.err


def test_eval_expression_is_the_public_way_to_compute_a_value(session):
    session.run_source("x = ones 2 3\nn = 4", "s.tsh")
    assert session.eval_expression("x.shape == (2, 3) and n + 1 == 5") is True
    assert session.eval_expression("zeros 2 n").shape == (2, 4)         # the command form too
    assert session.last_value is None and session.stdout.getvalue() == ""
    with pytest.raises(TshError, match="name 'y' is not defined"):
        session.eval_expression("y + 1")
    with pytest.raises(TshSyntaxError, match="expected one expression"):
        session.eval_expression("y = 1")
    with pytest.raises(TshSyntaxError, match="expected one expression"):
        session.eval_expression("1\n2")
    assert session.run_source("x.sum()", "after.tsh").ok                 # the session is intact


def test_a_local_read_before_assignment_is_an_error_not_the_global(run):
    r = run("""
        x = 10
        def f():
            print(x)
            x = 3
        f()
    """)
    assert not r.ok and r.out == ""
    assert r.err.startswith("error: local variable 'x' is used before it is assigned: it is assigned in "
                            "f(), so it is local to all of it (as in Python)\n --> t.tsh:4:11\n")
    r = run("""
        total = 0
        def add(v):
            total += v
        add(1)
    """)
    assert "local variable 'total' is used before it is assigned" in r.err
    r = run("""
        x = 10
        def reads_global():
            return x + 1
        def shadows(x=1):
            return x
        def assigns_then_reads():
            for i in range(2):
                y = i
            import math
            return y + math.floor(1.5)
        def closure():
            k = 5
            inner = lambda: k * 2
            return inner()
        def comprehension():
            return [x * v for v in range(3)]         # x is the global; v is the comprehension's
        reads_global(), shadows(), assigns_then_reads(), closure(), comprehension()
    """)
    assert r.ok, r.err
    assert r.out == "(11, 1, 2, 10, [0, 10, 20])\n"


def test_generator_expressions(run):
    r = run("""
        xs = [1, 2, 3]
        sum(x * x for x in xs)
        max(x for x in xs if x < 3)
        ", ".join(str(x) for x in xs)
        dict((x, x * x) for x in xs)
        any(x > 2 for x in xs), all(x > 2 for x in xs)
        def norm2(values):
            return sum(v * v for v in values)
        norm2(tensor([3.0, 4.0]))
        stack(tuple(ones(2) * k for k in range(2)))
        sorted((x for row in [[3, 1], [2]] for x in row), reverse=True)
    """)
    assert r.ok, r.err
    assert r.out.splitlines() == [
        "14", "2", "'1, 2, 3'", "{1: 1, 2: 4, 3: 9}", "(True, False)", "tensor(25.)",
        "tensor([[0., 0.],", "        [1., 1.]])", "[3, 2, 1]"]


def test_python_types_as_dtypes_are_pytorchs(run):
    """dtype=float is float64, int int64, bool bool: the engine's reading, as PyTorch's."""
    r = run("""
        zeros(2, dtype=float).dtype, ones(2, dtype=int).dtype, tensor([1, 0], dtype=bool).dtype
        ones(2).sum(dtype=float).dtype, arange(3, dtype=float).dtype, ones(2).new_zeros(2, dtype=int).dtype
    """)
    assert r.ok, r.err
    assert r.out == ("(torch.float64, torch.int64, torch.bool)\n"
                     "(torch.float64, torch.float64, torch.int64)\n")


def test_graph_and_explain_need_a_tensor(run):
    assert "graph needs a tensor, not int" in run("graph 5").err
    assert "explain backward needs a tensor, not int" in run("explain backward 5").err
    assert "explain takes `backward` and a tensor" in run("x = ones 2\nexplain x").err
    r = run("x = ones 2\ngraph x")
    assert r.ok and r.out == "no graph: this tensor does not require grad (no grad_fn)\n"
