"""The closure compiler: what it decides once (scopes, attribute policy per
call site, argument binding) must give what the language means every time."""
import io

import pytest

from tensorsh.language.interpreter import Session


def test_a_call_site_that_has_read_an_attribute_still_applies_the_policy(run):
    r = run("for o in [float32, float64, backward]:\n    print(o.name)")
    assert r.out == "float32\nfloat64\n"
    assert "attributes of 'Command' object are not available in tensorsh" in r.err
    r = run("for o in [1.5, 2, print]:\n    print(o.real)")
    assert r.out == "1.5\n2\n" and "'function' object has no attribute 'real'" in r.err
    r = run("for s in ['a', 'b', 5]:\n    print(s.upper())")
    assert r.out == "A\nB\n" and "'int' object has no attribute 'upper'" in r.err


@pytest.mark.parametrize("code, expected", [
    # comprehension variables live in the comprehension; the first iterable is read outside it
    ("x = [1, 2]\nprint([x for x in x], x)", "[1, 2] [1, 2]"),
    ("def f():\n    x = [[1, 2], [3]]\n    return [y for x in x for y in x]\nprint(f())", "[1, 2, 3]"),
    # closures read the enclosing scope when they run
    ("def f():\n    fs = [lambda: i for i in range(3)]\n    return [g() for g in fs]\nprint(f())", "[2, 2, 2]"),
    ("def outer():\n    def inner():\n        return a + 1\n    a = 1\n    return inner()\nprint(outer())", "2"),
    ("x = 10\ndef f():\n    return [x for _ in range(2)]\nprint(f())", "[10, 10]"),
    # a command evaluating its argument inside a function sees the function's variables
    ("def f(v):\n    q = 7\n    return time((lambda z: z + q + v)(1))\nprint(f(2))", "10"),
    ("def f(v):\n    return time([k * v for k in range(3)])\nprint(f(2))", "[0, 2, 4]"),
])
def test_names_resolve_to_their_scope(run, code, expected):
    r = run(code)
    assert r.ok, r.err
    assert r.out.splitlines()[-1] == expected


def test_a_local_read_before_assignment_names_the_function(run):
    r = run("x = 5\ndef f():\n    print(x)\n    x = 3\nf()")
    assert "local variable 'x' is used before it is assigned: it is assigned in f()" in r.err
    r = run("def outer():\n    def inner():\n        return a\n    r = inner()\n    a = 1\n    return r\nouter()")
    assert "local variable 'a' is used before it is assigned: it is assigned in outer()" in r.err


@pytest.mark.parametrize("call, message", [
    ("f(1)", None),
    ("f(1, c=5)", None),
    ("f(c=1, a=2)", None),
    ("f(1, a=2)", "f() got multiple values for argument 'a'"),
    ("f(b=2)", "f() missing 1 required positional argument: 'a'"),
    ("f(1, d=2)", "f() got an unexpected keyword argument 'd'"),
    ("f(1, 2, 3, 4)", "f() takes 3 positional arguments but 4 were given"),
    ("g(a=1)", "g() got an unexpected keyword argument 'a'"),
])
def test_arguments_bind_as_in_python(run, call, message):
    r = run(f"def f(a, b=2, c=3):\n    return (a, b, c)\ndef g(a, /, b=2):\n    return a\nprint({call})")
    if message is None:
        assert r.ok, r.err
    else:
        assert message in r.err and " --> t.tsh:5:7\n" in r.err, r.err


@pytest.mark.parametrize("last, message", [
    ("g", "g() got multiple values for argument 'k'"),
    ("h", "h() got an unexpected keyword argument 'k'"),
    ("m", "m() missing 1 required positional argument: 'c'"),
])
def test_one_call_site_binds_each_function_it_calls_by_its_own_parameters(run, last, message):
    # The site remembers how the last function it called takes `(3, k=2)`: a
    # different function, or the same name defined again, is worked out afresh.
    r = run(f"""
        def f(a, k=1, z=10):
            return (a, k, z)
        def g(k, a=5):
            return (k, a)
        def h(a, b, c):
            return a + b + c
        def j(a, *, k):
            return (a, k)
        def m(a, c, k=0):
            return a
        def call(fn):
            return fn(3, k=2)
        print([call(fn) for fn in [f, j, f, lambda a, k: a - k, f]])
        for scale in [1, 2]:
            def f(v, scale=scale):
                return v * scale
            print(f(3), f(3, scale=4), h(1, 2, 3))
        call({last})
    """)
    assert r.out == "[(3, 2, 10), (3, 2), (3, 2, 10), 1, (3, 2, 10)]\n3 12 6\n6 12 6\n"
    assert message in r.err and " --> t.tsh:13:12\n" in r.err, r.err


def test_calls_that_bind_in_line_keep_the_error_chain(run):
    r = run("def f(a, b):\n    return a / b\ndef g(a, k=0):\n    return f(a, k)\ng(1)")
    assert "ZeroDivisionError: division by zero" in r.err
    assert r.err.endswith(" = calls (most recent last):\n    t.tsh:5, in <module>\n      g(1)\n"
                          "    t.tsh:4, in g\n      return f(a, k)\n    t.tsh:2, in f\n      return a / b\n"), r.err


def test_defaults_are_evaluated_once_per_def(run):
    r = run("def f(a, b=[]):\n    b.append(a)\n    return b\nf(1);\nprint(f(2))")
    assert r.out == "[1, 2]\n"


@pytest.mark.parametrize("code, line, col", [
    # A shell command's own mistake is reported where the tree-walking evaluator
    # reported it: at the nearest enclosing node that locates its children's errors.
    ("def f():\n    return 1 + help(1, 2)\nf()", 3, 1),
    ("def f():\n    x = 1 + help(1, 2)\nf()", 2, 5),
    ("def f():\n    return [help(1, 2)]\nf()", 2, 12),
    ("def f():\n    return help(1, 2) < 1\nf()", 3, 1),
    ("def f():\n    return 1 < help(1, 2)\nf()", 2, 12),
    ("x = help(1, 2) and 1", 1, 5),
    ("help(1, 2)", 1, 1),
])
def test_command_errors_keep_their_place(run, code, line, col):
    r = run(code)
    assert "help takes one name" in r.err
    assert f" --> t.tsh:{line}:{col}\n" in r.err, r.err


def test_a_program_runs_again_and_in_another_session():
    def fresh():
        return Session(stdout=io.StringIO(), stderr=io.StringIO())
    first = fresh()
    program = first.parse("t = 0\nfor i in range(4):\n    t += i\nprint(t)", "t.tsh")
    first.execute(program)
    first.execute(program)
    second = fresh()
    second.execute(program)
    assert first.stdout.getvalue() == "6\n6\n" and second.stdout.getvalue() == "6\n"
    assert second.namespace["t"] == 6 and "t" in first.namespace


def test_literals_are_folded_without_changing_errors(run):
    assert run("print(-1, -(-2.5), not 0, (1, 2)[1], [1, 2, 3][1:], 'abc'[::-1])").out == \
        "-1 2.5 True 2 [2, 3] cba\n"
    r = run("x = ~1.5")
    assert "TypeError: bad operand type for unary ~: 'float'" in r.err and " --> t.tsh:1:5" in r.err


@pytest.mark.parametrize("code, message, line, col", [
    # An operator with a literal reads a plain name in line; `if` with such a
    # comparison compares in the statement.  Errors stay where they were.
    ("if 'a' < 1:\n    pass", "TypeError: '<' not supported between instances of 'str' and 'int'", 1, 4),
    ("t = ones(2)\nif t == 1:\n    pass", "Boolean value of Tensor with more than one value is ambiguous", 2, 1),
    ("def f():\n    if y == 1:\n        pass\n    y = 2\nf()",
     "local variable 'y' is used before it is assigned", 2, 8),
    ("if nope == 1:\n    pass", "name 'nope' is not defined", 1, 4),
    ("print(abs % 3)", "unsupported operand type(s) for %: 'builtin_function_or_method' and 'int'", 1, 7),
])
def test_operators_with_a_literal_keep_their_errors(run, code, message, line, col):
    r = run(code)
    assert message in r.err and f" --> t.tsh:{line}:{col}\n" in r.err, r.err


def test_operators_with_a_literal_read_globals_builtins_and_locals(run):
    r = run("""
        x = 5
        def f(n):
            if n > 2:
                return n % 2
            return len == 1
        if x > 2:
            print(x + 1, f(7), f(1), abs == abs, [v for v in range(4) if v % 2 == 1])
    """)
    assert r.out == "6 1 False True [1, 3]\n", r.err
