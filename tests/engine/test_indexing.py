"""masked_fill, index_select, gather, scatter, scatter_add, where and nonzero against PyTorch."""
from __future__ import annotations

import pytest

import engine
from tests.oracle import torch_or_skip

from .test_reduction import agree

SETUP = """
A = torch.arange(6.).view(2, 3)
G = torch.arange(6.).view(2, 3).requires_grad_()
x = torch.arange(3.)
S = torch.tensor(2.)
Z = torch.zeros(2, 3)
"""

EXPRESSIONS = [
    "A.masked_fill(A > 2, -1)", "A.masked_fill(torch.tensor([True, False, True]), 9.)",
    "A.masked_fill(A > 2, torch.tensor(7.))", "A.masked_fill(A > 2, torch.tensor([7.]))", "A.masked_fill(A, 1.)",
    "A.long().masked_fill(A > 2, 1.5)", "A.masked_fill(torch.ones(4, dtype=torch.bool), 1.)",
    "A.clone().masked_fill_(A > 2, 0)", "x.masked_fill(torch.ones(2, 3, dtype=torch.bool), 1.)",
    "(A > 2).masked_fill(A < 1, True)", "G.masked_fill(G > 2, 0.)", "G.masked_fill(G > 2, torch.tensor(7., requires_grad=True))",
    "G.clone().masked_fill_(G > 2, 0)",
    "A.index_select(1, torch.tensor([2, 0, 2]))", "A.index_select(1, torch.tensor([[0]]))",
    "A.index_select(1, torch.tensor([5]))", "A.index_select(1, torch.tensor([0.]))", "A.index_select(1, [0])",
    "S.index_select(0, torch.tensor([0]))", "S.index_select(0, torch.tensor(0))",
    "torch.index_select(A, 0, torch.tensor(1))", "G.index_select(0, torch.tensor([1]))",
    "A.gather(1, torch.tensor([[0, 0], [1, 0]]))", "A.gather(1, torch.tensor([[5]]))", "A.gather(1, torch.tensor([0]))",
    "A.gather(1, torch.tensor([[0.]]))", "A.gather(0, torch.tensor([[0, 1, 0, 1]]))",
    "A.gather(1, torch.tensor([[0], [1], [0]]))", "G.gather(1, torch.tensor([[0]]))",
    "torch.gather(A, 0, torch.tensor([[1, 0, 1]]))",
    "Z.scatter(1, torch.tensor([[2], [0]]), A)", "Z.scatter(1, torch.tensor([[2], [0]]), 5.)",
    "Z.scatter(1, torch.tensor([[2], [0]]), 5)", "Z.scatter(1, torch.tensor([[0, 0], [0, 0]]), A, reduce='add')",
    "Z.scatter(1, torch.tensor([[0, 1], [0, 0]]), A + 1, reduce='multiply')",
    "Z.scatter_add(1, torch.tensor([[0, 0], [0, 0]]), A)", "Z.scatter_add(1, torch.tensor([[9]]), A)",
    "Z.scatter_add(1, torch.tensor([[0]]), A.long())", "Z.scatter(1, torch.tensor([[0]]), A.long())",
    "torch.zeros(2, 3, dtype=torch.long).scatter(1, torch.tensor([[0]]), 1.5)",
    "Z.clone().scatter_(0, torch.tensor([[1, 0, 1]]), A)", "Z.clone().scatter_add_(1, torch.tensor([[1, 1]]), A)",
    "G.clone().scatter_(1, torch.tensor([[0]]), 1.)", "G.clone().scatter_add_(1, torch.tensor([[0]]), G)",
    "G.scatter(1, torch.tensor([[0]]), G)",
    "torch.where(A > 2)", "torch.where(torch.tensor(True))", "torch.where(A > 2, A, 0)", "torch.where(A > 2, 1, 0)",
    "torch.where(A > 2, 1., 0)", "torch.where(A > 2, A.long(), 0.)", "torch.where(A > 2, A, A.double())",
    "torch.where(A, A, 0.)", "torch.where(A > 2, torch.ones(3), S.double())",
    "torch.where(A > 2, 1.5, torch.tensor(2, dtype=torch.int32))", "A.where(A > 2, 0.)",
    "A.where(A > 2, torch.ones(3))", "torch.where(A > 2, x)", "G.where(G > 2, 0.)", "torch.where(G > 2, 1., G)",
    "A.nonzero()", "torch.nonzero(A, as_tuple=True)", "S.nonzero()", "torch.tensor(0.).nonzero()",
]


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_indexing_op_matches_pytorch(expr):
    agree(expr, SETUP)


def test_where_next_functions_skip_numbers():
    a = engine.ones(3, requires_grad=True)
    node = engine.where(a > 0, 1., a).grad_fn
    assert type(node).__name__ == "WhereBackward0"
    assert node.next_functions[0] == (None, 0) and node.next_functions[1][0] is not None


def test_literal_messages():
    a = engine.arange(6.).view(2, 3)
    with pytest.raises(RuntimeError, match=r"^index 5 is out of bounds for dimension 1 with size 3$"):
        a.gather(1, engine.tensor([[5]]))
    with pytest.raises(RuntimeError, match=r"^masked_fill_ only supports boolean masks, but got mask with dtype float$"):
        a.masked_fill(a, 1.)


MIXED_INDICES = ["[0, :, [0, 1]]", "[[0, 1], :, 0]", "[0, [0, 1]]", "[:, 0, [1, 2]]", "[1, [0, 2], 1:]",
                 "[[0, 1], 0]", "[[0, 1]]", "[:, [0, 1]]", "[x > 3]", "[..., [0, 3]]", "[None, 0, [1, 2]]"]


@pytest.mark.parametrize("index", MIXED_INDICES)
def test_basic_parts_apply_first_as_in_pytorch(index):
    """PyTorch takes ints, slices and None as a view first, then the advanced parts: shapes,
    grad_fn chains and gradients follow (x[0, :, [0, 1]] is [3, 2], not NumPy's [2, 3])."""
    torch = torch_or_skip()
    results = []
    for lib in (engine, torch):
        x = lib.arange(24.0).reshape(2, 3, 4).requires_grad_()
        y = eval("x" + index)
        chain = [type(y.grad_fn).__name__] + [type(n).__name__ for n, _ in y.grad_fn.next_functions]
        (y * y).sum().backward()
        results.append((tuple(y.shape), chain, y.detach().numpy().tolist(), x.grad.numpy().tolist()))
    assert results[0] == results[1]
