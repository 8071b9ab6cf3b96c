"""The parser: command form, exact error positions, malformed lines."""
import ast

import pytest

from tensorsh.language.errors import TshSyntaxError
from tensorsh.language.syntax import MaybeCommand, parse


def unparse(src):
    prog = parse(src, "t.tsh")
    return ast.unparse(ast.Module(body=prog.body, type_ignores=[]))


@pytest.mark.parametrize("src, python", [
    ("rand 5 3", "rand(5, 3)"),
    ("x = zeros 5 3 dtype=long", "x = zeros(5, 3, dtype=long)"),
    ("x = ones 2 2 requires_grad=True", "x = ones(2, 2, requires_grad=True)"),
    ("backward out", "backward(out)"),
    ("backward y v", "backward(y, v)"),
    ("help add", "help(add)"),
    ("?add", "help(add)"),
    ("?x.add_", "help(x.add_)"),
    ("graph out", "graph(out)"),
    ("a = b = rand 2", "a = b = rand(2)"),
    ("rand 5 (3*2)", "rand(5, 3 * 2)"),
    ("rand (5) 3", "rand(5, 3)"),
    ("full [2, 2] 7", "full([2, 2], 7)"),
    ("f -1 2", "f(-1, 2)"),
    ("print x.grad y[0] f(1) 'a' \"b\"", "print(x.grad, y[0], f(1), 'a', 'b')"),
    ("for i in range(3): print i", "for i in range(3):\n    print(i)"),
    ("if c: rand 2; ones 3", "if c:\n    rand(2)\n    ones(3)"),
    ("x = rand 5 3  # comment", "x = rand(5, 3)"),
    ("save 'f.npz' x y", "save('f.npz', x, y)"),
    ("torch.rand 5 3", "torch.rand(5, 3)"),
    ("x.add_ 1", "x.add_(1)"),
    ("t = tensor []", "t = tensor([])"),
    ("x.grad [0]", "x.grad[0]"),
    ("x + 2", "x + 2"),
    ("x.add_(y)", "x.add_(y)"),
    ("f(a)", "f(a)"),
    ("x [0] [1]", "x[0][1]"),
    ("x [0] + 1", "x[0] + 1"),
    ("x = 5", "x = 5"),
    ("x == y", "x == y"),
    ("x if c else y", "x if c else y"),
    ("not x", "not x"),
    ("f = lambda x: x", "f = lambda x: x"),
    ("d = {'a': rand}", "d = {'a': rand}"),
])
def test_command_form_rewrites(src, python):
    assert unparse(src) == python


def test_ambiguous_forms_are_decided_when_run():
    for src in ("tensor [5.5, 3]", "x [0]", "f -1"):
        prog = parse(src, "t.tsh")
        assert isinstance(prog.body[0].value, MaybeCommand)


def test_columns_point_at_the_typed_text():
    prog = parse("x = zeros 5 3 dtype=long; y = rand 2", "t.tsh")
    call = prog.body[0].value
    assert (call.col_offset, call.end_col_offset) == (4, 24)
    call2 = prog.body[1].value
    assert (call2.col_offset, call2.end_col_offset) == (30, 36)
    kw = call.keywords[0]
    assert (kw.value.col_offset, kw.value.end_col_offset) == (20, 24)


def test_columns_are_characters_not_bytes():
    prog = parse("s = '张量' + rand(2)", "t.tsh")
    binop = prog.body[0].value
    assert (binop.right.col_offset, binop.right.end_col_offset) == (11, 18)
    prog = parse("# 注释\nx = '张量'; y = rand 2", "t.tsh")
    call = prog.body[1].value
    assert (call.col_offset, call.end_col_offset) == (14, 20)


def test_hidden_and_timed_statements():
    prog = parse("x.sum();\ny = 1; z = 2\ntime w = rand 3 3;", "t.tsh")
    assert [s.tsh_hidden for s in prog.body] == [True, False, False, True]
    assert [s.tsh_timed for s in prog.body] == [False, False, False, True]
    assert (prog.body[3].lineno, prog.body[3].col_offset) == (3, 5)


def err(src):
    with pytest.raises(TshSyntaxError) as info:
        parse(src, "t.tsh")
    e = info.value
    return e.message, e.line, e.col, e.end_col


def test_operator_between_arguments_shows_both_spellings():
    msg, line, col, end = err("x = rand 5 3 * 2")
    assert "`rand(5, 3) * 2`" in msg and "`rand 5 (3 * 2)`" in msg
    assert (line, col, end) == (1, 13, 14)
    msg, *_ = err("rand 5 3 + x.grad")
    assert "`rand(5, 3) + x.grad`" in msg and "`rand 5 (3 + x.grad)`" in msg


def test_commas_and_spaced_keywords_in_command_form():
    msg, line, col, end = err("rand 5, 3")
    assert "`rand 5 3`" in msg and "`rand(5, 3)`" in msg and (col, end) == (6, 7)
    msg, *_ = err("zeros 5 dtype = long")
    assert "dtype=" in msg


MALFORMED = [
    ("x = = 1", 1, 5),
    ("x = (1, 2", 1, 5),
    ("print(1))", 1, 9),
    ("def f(:\n    pass", 1, 7),
    ("if x\n    y = 1", 1, 5),
    ("for in range(3): pass", 1, 5),
    ("x = [1, 2,, 3]", 1, 11),
    ("  x = 1", 1, 3),
    ("x = 1\n    y = 2", 2, 5),
    ("x = 'unterminated", 1, 5),
    ("x = $", 1, 5),
    ("class A(metaclass=type): pass", 1, 9),
    ("try:\n    x = 1\nexcept: pass", 1, 1),
    ("raise ValueError", 1, 1),
    ("global x", 1, 1),
    ("async def f(): pass", 1, 1),
    ("x: int = 1", 1, 1),
    ("import os", 1, 1),
    ("from os import path", 1, 1),
    ("from torch import *", 1, 1),
    ("__import__('os')", 1, 1),
    ("x.__class__", 1, 1),
    ("_secret = 1", 1, 1),
    ("def f(_a): pass", 1, 7),
    ("f(_k=1)", 1, 3),
    ("class A:\n    x[0] = 1", 2, 5),
    ("yield 1", 1, 1),
    ("rand 5 3 *", 1, 10),
    ("print x if c else y", 1, 9),
    ("x = 1 +", 1, 8),
    ("lambda: (yield)", 1, 10),
]


@pytest.mark.parametrize("src, line, col", MALFORMED)
def test_malformed_lines_are_syntax_errors_with_a_position(src, line, col):
    msg, eline, ecol, end = err(src)
    assert msg
    assert (eline, ecol + 1) == (line, col), msg
    assert end > ecol
