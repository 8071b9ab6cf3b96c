"""einsum's second call form, ``einsum(op1, [0, 1], op2, [1, 2], [0, 2])``: each operand followed by
its subscripts as integers (0-25 are A-Z, 26-51 are a-z; ``...`` is Ellipsis), and optionally the
output's subscripts last. PyTorch turns it into an equation string (torch/functional.py); so does
this."""
from __future__ import annotations


def _letter(subscript) -> str:
    if subscript is Ellipsis:
        return "..."
    if 0 <= subscript < 26:
        return chr(ord("A") + subscript)
    if 26 <= subscript < 52:
        return chr(ord("a") + subscript - 26)
    raise ValueError("einsum(): subscript in subscript list is not within the valid range [0, 52)")


def equation_of_sublists(args):
    """(equation, operands) of the interleaved ``args`` (operand, subscripts, operand, subscripts, ...
    [, output subscripts])."""
    equation = ",".join("".join(_letter(s) for s in subscripts) for subscripts in args[1::2])
    if len(args) % 2 == 1:
        return equation + "->" + "".join(_letter(s) for s in args[-1]), tuple(args[:-1:2])
    return equation, tuple(args[::2])
