"""Augmented assignment (`target op= value`) evaluates in Python's order: the
target's container and index (or object), then the target's current value,
then the right side, then the operation and the store.  Each program records
its order of evaluation through side effects and runs both in CPython (with
`torch` bound to the engine, as scripts/bench_interpreter.py does) and in
tensorsh; the two must print the same."""
import contextlib
import io
import textwrap

import pytest

import engine

# `rec(tag, v)` logs tag and gives v back: it marks when an operand is evaluated.
PRELUDE = """
log = []
def rec(tag, v):
    log.append(tag)
    return v
"""

PROGRAMS = {
    # the review's case: the item is read before the right side changes it
    "dict item": """
        d = {'a': 1}
        d['a'] += d.update(a=10) or 0
        print(d)
    """,
    "list item, order": """
        xs = [1, 2, 3]
        rec('container', xs)[rec('index', 0)] += rec('rhs', 5)
        print(xs, log)
    """,
    "list item changed by the right side": """
        xs = [1, 2, 3]
        xs[0] += rec('rhs', xs.pop(0) * 0)
        print(xs, log)
    """,
    "slice item": """
        xs = [1, 2, 3, 4]
        xs[rec('lower', 1):rec('upper', 3)] += rec('rhs', [xs.clear()])
        print(xs, log)
    """,
    "module-level name": """
        x = 1
        x += (x := 10) * 0
        print(x)
    """,
    "function-local name": """
        def f():
            x = 1
            x += (x := 10) * 0
            return x
        print(f())
    """,
    "list name, in place": """
        a = [1]
        b = a
        a += rec('rhs', [2])
        print(a, b, a is b, log)
    """,
    # a tensor's attribute: the old gradient is read, then added to in place
    "tensor attribute": """
        t = torch.zeros(2)
        t.grad = torch.ones(2)
        old = t.grad
        def replace():
            log.append('rhs')
            t.grad = torch.full((2,), 10.0)
            return 1
        rec('object', t).grad += replace()
        print(t.grad, old, t.grad is old, log)
    """,
    # a tensor item: PyTorch's in-place add on the view, stored back through __setitem__
    "tensor item, in place": """
        x = torch.zeros(3)
        row = x[1]
        rec('container', x)[rec('index', 1)] += rec('rhs', 2)
        print(x, row, log)
    """,
    "tensor item changed by the right side": """
        x = torch.zeros(3)
        def bump():
            log.append('rhs')
            x[0] = 10
            return 1
        x[0] += bump()
        print(x, log)
    """,
    "tensor item with autograd": """
        a = torch.ones(3, requires_grad=True)
        b = a * 2
        b[0] += a[1] * 3
        b.sum().backward()
        print(b, a.grad)
    """,
    "tensor slice, in place": """
        x = torch.arange(6.0).reshape(2, 3)
        x[:, rec('index', 1)] *= rec('rhs', torch.tensor([2.0, 3.0]))
        print(x, log)
    """,
}


def in_python(source):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<python>", "exec"), {"torch": engine, "__builtins__": __builtins__})
    return out.getvalue()


@pytest.mark.parametrize("name", PROGRAMS)
def test_augmented_assignment_evaluates_in_pythons_order(run, name):
    source = PRELUDE + textwrap.dedent(PROGRAMS[name])
    r = run(source)
    assert r.ok, r.err
    assert r.out == in_python(source)


# A target that cannot be read fails before the right side runs, as in Python.
FAILING_TARGETS = {
    "undefined name": ("missing += rec('rhs', 1)", NameError),
    "missing key": ("d = {}\nd['k'] += rec('rhs', 1)", KeyError),
    "index out of range": ("xs = []\nxs[0] += rec('rhs', 1)", IndexError),
    "missing attribute": ("t = torch.zeros(2)\nt.nothing += rec('rhs', 1)", AttributeError),
}


@pytest.mark.parametrize("name", FAILING_TARGETS)
def test_a_target_that_cannot_be_read_fails_before_the_right_side(session, run, name):
    code, python_error = FAILING_TARGETS[name]
    source = PRELUDE + code
    namespace = {"torch": engine, "__builtins__": __builtins__}
    with pytest.raises(python_error):
        exec(compile(source, "<python>", "exec"), namespace)
    assert namespace["log"] == []
    r = run(source, session=session)
    assert not r.ok and r.err.startswith("error:")
    assert run("print(log)", session=session).out == "[]\n"
