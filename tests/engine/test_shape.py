"""Shape ops and reading by index against PyTorch: values, dtypes, views, node names, exact errors."""
from __future__ import annotations

import pytest

import engine
from .test_reduction import agree

SETUP = """
A = torch.arange(6.).view(2, 3).requires_grad_()
C = torch.arange(6.).view(2, 3)
x = torch.arange(3., requires_grad=True)
v = torch.arange(16.)
S = torch.tensor(2., requires_grad=True)
"""

SHAPE_OPS = [
    # view / reshape / flatten / unflatten (reference 3.10)
    "v.view(3, 5)", "v.view(-1, -1)", "v.view(-1, 8)", "v.view(4, -1).shape", "v.view(-1, 3)", "v.reshape(3, 5)",
    "v.view(2, 8).t().view(16)", "v.view(2, 8).t().reshape(16)", "v.view(2, 8).t().is_contiguous()",
    "v.view(torch.Size([4, 4]))", "v.view((4, 4))", "v.view(0, -1)", "torch.zeros(0).view(-1, 0)", "v.view(-2)",
    "v.unsqueeze(2)", "v.squeeze(1)", "v.transpose(0, 1)", "torch.ones(2, 3).transpose(0, 2)",
    "torch.ones(2, 2, 2).t()", "torch.ones(3).t()",
    "A.view(6)", "A.reshape(6)", "A.t().reshape(6)", "A.flatten()", "A.t().flatten()", "x.flatten()", "S.flatten()",
    "A.flatten(1)", "x.flatten(1)", "A.unflatten(1, (3, 1))", "A.unflatten(1, (-1,))", "A.unflatten(1, (3, 2))",
    "torch.ones(2, 1, 3, requires_grad=True).transpose(0, -1).reshape(3, 2)",
    "torch.ones(4, 4, requires_grad=True)[:, :2].reshape(8)",
    # transposes and permutes
    "A.t()", "A.T", "A.mT", "x.t()", "S.t()", "A.transpose(0, 1)", "A.transpose(0, 0)", "A.permute(1, 0)",
    "A.permute(0)", "A.permute(0, 0)", "A.movedim(0, 1)", "A.movedim((0, 1), (1, 0))", "torch.moveaxis(A, 0, -1)",
    "A.swapaxes(0, 1)",
    # squeeze / unsqueeze / expand / repeat
    "A.unsqueeze(0)", "A.unsqueeze(-1)", "S.unsqueeze(0)", "A.view(1, 2, 3).squeeze()", "A.view(1, 2, 3).squeeze(0)",
    "A.view(1, 2, 3).squeeze((0,))", "S.squeeze()", "x.squeeze(0)",
    "x.expand(2, 3)", "x.expand(2, -1)", "x.expand(-1, 3)", "A.expand(3, 3)", "S.expand(2)", "x.expand_as(A)",
    "A.repeat(2, 1)", "A.repeat(2, 1, 2)", "A.repeat(2)", "x.repeat()", "S.repeat(3)",
    "A.contiguous()", "A.t().contiguous()", "C.t().contiguous().is_contiguous()",
    # joins and splits
    "torch.cat([A, A])", "torch.cat([A, A], 1)", "torch.cat((x, x), dim=-1)", "torch.concat([A, C])",
    "torch.concatenate([A, C], 1)", "torch.cat([A, x])", "torch.cat([A, torch.ones(2, 2)])", "torch.cat([])",
    "torch.cat([S, S])", "torch.cat(A)", "torch.cat([A], 2)", "torch.cat([x, torch.ones(2, dtype=torch.int64)])",
    "torch.cat([C.long(), torch.ones(2, 3, dtype=torch.int32)])", "torch.cat([A, torch.tensor([])])",
    "torch.stack([x, x])", "torch.stack([A, C], 1)", "torch.stack([S, S])", "torch.stack([x, x], -1)",
    "torch.stack([x, torch.ones(2)])", "torch.stack([])", "torch.stack([x, x], 2)", "torch.stack([x, x.long()])",
    "A.split(2)", "A.split(2, 1)", "A.split([1, 2], 1)", "torch.split(A, [1, 1])", "A.split(0)", "A.split([1, 1], 1)",
    "A.chunk(2)", "A.chunk(2, 1)", "A.chunk(4, 1)", "A.chunk(0)", "torch.arange(5.).chunk(3)",
    "torch.arange(6.).chunk(4)", "A.unbind()", "A.unbind(1)", "torch.unbind(x)", "S.unbind()",
    "A.flip(0)", "A.flip(0, 1)", "A.flip((0, 1))", "A.flip()", "A.flip(0, 0)", "x.flip(())",
    "A.narrow(1, 1, 2)", "A.narrow(1, 1, 5)", "A.narrow(2, 0, 1)", "A.narrow(1, -1, 1)", "A.narrow(0, 3, 0)",
    "A.select(1, 2)", "A.select(1, -1)", "A.select(1, 5)", "S.select(0, 0)",
]


@pytest.mark.parametrize("expr", SHAPE_OPS)
def test_shape_op_matches_pytorch(expr):
    agree(expr, SETUP)


INDEXING = [
    "A[0]", "A[:, 0]", "A[0, 1]", "A[0:1]", "A[:, 1:]", "A[..., 0]", "A[[0, 1]]", "A[A > 2]", "x[1]", "x[None]",
    "A[:, None]", "x[...]", "x[:]", "A[:, :]", "x[0, None]", "x[None, 0]", "x[..., None, 0]", "x[0, ...]",
    "x[[True, False, True]]", "x[torch.tensor(1)]", "x[torch.tensor([2, 0])]", "A[[0, 1], [0, 1]]",
    "A[[[0], [1]], [0, 1]]", "A[1][None]", "A[True, 0]", "A[None, None]", "S[None]", "S[...]", "S[True]",
    "S[False]", "A[torch.tensor([True, False]), 1:]", "A[0, 1:]", "A[1:, 0]", "A[:, 1:][None]", "A[1::2]",
    "A[0, [0, 2]]", "A[:, torch.tensor([[0, 1]])]",
    # errors (reference 3.10)
    "v[16]", "v[20]", "torch.ones(2, 3)[0, 5]", "torch.ones(2, 3)[2]", "torch.ones(2, 3)[:, 3]",
    "torch.ones(2, 3)[0, 0, 0]", "x[1.5]", "x[torch.tensor([1.])]", "x[::-1]", "x[:, 0]", "S[0]",
    "x[torch.tensor([3])]", "x[[3]]", "x[torch.tensor([-4])]", "A[torch.tensor([[True, False, True]])]",
    "A[torch.tensor([True])]", "x[{}]",
]


@pytest.mark.parametrize("expr", INDEXING)
def test_getitem_matches_pytorch(expr):
    agree(expr, SETUP)


def test_literal_view_errors():
    v = engine.arange(16.)
    with pytest.raises(RuntimeError, match=r"^shape '\[3, 5\]' is invalid for input of size 16$"):
        v.view(3, 5)
    with pytest.raises(IndexError, match=r"^index 16 is out of bounds for dimension 0 with size 16$"):
        v[16]
    with pytest.raises(RuntimeError, match=r"^t\(\) expects a tensor with <= 2 dimensions, but self is 3D$"):
        engine.ones(2, 2, 2).t()


def test_pieces_share_one_node_and_storage():
    a = engine.arange(6.).view(2, 3).requires_grad_()
    first, second = a.split(2, 1)
    assert first.grad_fn is second.grad_fn and type(first.grad_fn).__name__ == "SplitBackward0"
    assert first.grad_fn.next_functions[0][0] is not None
    (second * 3).sum().backward()   # a piece with no gradient contributes zeros
    assert a.grad.tolist() == [[0., 0., 3.], [0., 0., 3.]]
    c = engine.arange(4.)
    c.chunk(2)[1][0] = 9   # the pieces are views
    assert c.tolist() == [0., 1., 9., 3.]


def test_T_warns_off_matrices():
    with pytest.warns(UserWarning, match="The use of `x.T` on tensors of dimension other than 2"):
        engine.ones(3).T
