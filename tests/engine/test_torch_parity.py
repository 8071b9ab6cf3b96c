"""Ops a PyTorch user reaches for, compared with PyTorch expression by expression: the result's
type, dtypes, shapes, values and grad_fn names, the gradient of its first output, or the
exception's type and message. ``x`` is a 3x4 float64 leaf with distinct values."""
import pytest

import engine
from tests.oracle import assert_same, assert_same_gradients, outcome, torch_or_skip

EXPRESSIONS = [
    # sorting and order statistics
    "x.sort()", "x.sort(0, descending=True)", "lib.sort(x, stable=True)", "x.argsort(1)", "lib.msort(x)",
    "x.topk(2)", "x.topk(2, 0, largest=False)", "x.topk(5)", "x.kthvalue(2)", "x.kthvalue(1, 0, True)",
    "x.kthvalue(0)", "x.median()", "x.median(1)", "x.median(0, keepdim=True)", "x.nanmedian()",
    "x.nanmedian(1)", "x.mode()", "x[0, 0].sort()", "x[0, 0].topk(1)", "x[0, 0].median(0)",
    "lib.tensor([1, 5, 3]).sort()", "lib.tensor([True, False]).sort().values", "lib.tensor([1, 2, 2]).mode()",
    "lib.tensor([1., nan, 0., 2.]).median(0)", "lib.tensor([1., nan, 0., 2.]).nanmedian()",
    "lib.tensor([1., nan, 0.]).sort(descending=True)", "lib.tensor([[1., 2., 2., 1., 3.], [5., 5., 1., 1., 0.]]).mode(1)",
    "lib.tensor([]).median()",
    # NaN-ignoring reductions and moments with the mean
    "x.nansum()", "x.nansum(1)", "x.nanmean(0)", "x.nanmean()", "lib.tensor([[1., nan], [nan, nan]]).nanmean(1)",
    "lib.tensor([1, 2]).nansum()", "lib.tensor([1, 2]).nanmean()", "lib.std_mean(x)", "lib.var_mean(x, 1)",
    "lib.std_mean(x, 0, keepdim=True, correction=0)",
    # indexing
    "x.masked_select(x > 2)", "lib.masked_select(x, lib.tensor([True, False, True, True]))",
    "x.masked_select(lib.tensor([1, 0, 1, 1]))", "x.take(lib.tensor([[0, 5], [11, -1]]))",
    "x.take(lib.tensor([12]))", "x.take(lib.tensor([1], dtype=lib.int32))",
    "x.index_add(0, lib.tensor([2, 0, 2]), x * 2)", "x.index_add(1, lib.tensor([1]), x[:, :1], alpha=3)",
    "x.index_fill(1, lib.tensor([0, 2]), 2.5)", "x.index_copy(0, lib.tensor([2, 0]), x[:2] * 3)",
    "x.index_fill(1, lib.tensor([0, 2]), lib.tensor(2.5, dtype=lib.float64, requires_grad=True))",
    "(x * 1).index_add_(0, lib.tensor([2]), x[:1])", "(x * 1).index_fill_(0, lib.tensor([2]), -1)",
    "(x * 1).index_copy_(1, lib.tensor([3]), x[:, :1] * 2)",
    "x.index_add(0, lib.tensor([5]), x[:1])", "x.index_copy(0, lib.tensor([0]), x)",
    "x.index_add(0, lib.tensor([0]), x)", "x.index_fill(0, lib.tensor([1.]), 1.)",
    "x.index_copy(0, lib.tensor([5]), x[:1])", "x.index_copy(0, lib.tensor([1]), x[:1, :2])",
    "x.index_add(0, lib.tensor([1]), x[:1, :2])", "x.index_copy(0, lib.tensor([1.]), x[:1])",
    "x.index_add(0, lib.tensor([1.]), x[:1])", "x.index_add(0, lib.tensor([[1]]), x[:1])",
    "x.index_copy(0, lib.tensor([[1]]), x[:1])", "x.index_fill(0, lib.tensor([[1]]), 1)",
    "x.index_copy(0, lib.tensor([1]), x[:1].float())", "x.index_fill(0, lib.tensor([1], dtype=lib.int32), 1)",
    "x.index_add(0, lib.tensor(1), x[0])", "x.index_copy(0, lib.tensor([1]), x[0])",
    "x.index_add(0, lib.tensor([1]), x[:1].float())", "x.index_fill(0, lib.tensor([7]), 1.)",
    # fmod
    "x.fmod(1.5)", "lib.fmod(-x, x.flip(0))", "lib.fmod(lib.tensor([-7, 7]), 3)",
    "lib.fmod(lib.tensor([-7, 7]), lib.tensor([0, 2]))", "lib.fmod(lib.tensor([True]), lib.tensor([True]))",
    "(x * 1).fmod_(2)", "lib.fmod(lib.tensor([-7, 7]), 2.5)", "lib.fmod(2, x)",
    # diagonals, triangles, roll, meshgrid
    "x.diagonal(5)", "x.diagonal(0, 0, 0)", "lib.diag(x[None])", "x[0].tril()", "x.roll((1, 2))",
    "lib.tensor([[1, 2], [3, 4]]).diag()", "lib.meshgrid(x[0], x[1, :2], x[2], indexing='xy')",
    "lib.meshgrid([x[0], x[1, :2]], indexing='ij')", "lib.meshgrid(x[0, 0], x[1], indexing='ij')",
    "(x * 1).diagonal().mul_(2)", "x.roll(1, (0, 1))",
    # trace, cross, tensordot, einsum
    "lib.tensor([[1, 2], [3, 4]]).trace()", "x[0].trace()", "lib.linalg.cross(x, x)",
    "lib.linalg.cross(x[:, :3], x[:1, 1:])", "lib.tensordot(x, x[0], dims=0)",
    "lib.tensordot(x, x, dims=([1], [1]))", "lib.einsum('ij,jk', x, x)", "lib.einsum('ij,j->ij', x, x[0, :1])",
    "lib.einsum('ij,jk,k->', x, x.t(), x[:, 0])", "lib.einsum('ij,ji->', x, x.t())",
    "lib.einsum('i,i,i->i', x[0], x[1], x[2])", "lib.einsum('ij->ij', x)",
    # losses, norms and determinants
    "F.cross_entropy(x, lib.tensor([0, 3, 1]), label_smoothing=0.2)",
    "F.cross_entropy(x, lib.tensor([0, 3, 1]), label_smoothing=0.2, reduction='none', ignore_index=3)",
    "F.cross_entropy(x, lib.tensor([0, 3, 1]), weight=x[0].detach(), label_smoothing=0.1, ignore_index=0)",
    "F.cross_entropy(x, x.softmax(1).detach(), label_smoothing=0.3, reduction='sum')",
    "F.cross_entropy(x, lib.tensor([0, 3, 1]), label_smoothing=1.5)",
    "lib.linalg.norm(x.float(), dtype=lib.float64)", "lib.linalg.norm(x.float(), 1, dtype=lib.float64)",
    "lib.linalg.vector_norm(x, dtype=lib.float16)", "lib.linalg.norm(x, dtype=lib.int64)",
    "lib.linalg.vector_norm(lib.tensor([3, 4]), dtype=lib.float64)", "x.float().norm(dtype=lib.float64)",
    "lib.linalg.det(x[:, :3] * lib.tensor([1., 1., 0.], dtype=lib.float64))",
    "lib.linalg.det(lib.stack([x[:2, :2], x[:2, :2] * 0]))",
]


def run(lib, expression):
    """``expression`` evaluated with ``x`` a fresh leaf: (x, the result or the error)."""
    x = lib.tensor([[3., 1., 2., 7.], [0.5, 4., -4., 2.5], [1., 9., 8., 6.]], dtype=lib.float64,
                   requires_grad=True)
    names = {"lib": lib, "x": x, "nan": float("nan"), "inf": float("inf"), "F": lib.nn.functional}
    return x, outcome(lambda: eval(expression, names))


def assert_matches_pytorch(expression):
    """The same result (or error) as PyTorch's; for a result that requires grad, the same gradient of
    its first output's sum with respect to ``x``."""
    torch = torch_or_skip()
    (x_ours, ours), (x_theirs, theirs) = run(engine, expression), run(torch, expression)
    assert_same(ours, theirs)
    if isinstance(theirs, Exception):
        return
    if isinstance(theirs, tuple) and hasattr(theirs, "indices") and not theirs[0].requires_grad:
        assert repr(ours) == repr(theirs)   # a (values, indices) pair prints as PyTorch's named tuple
    first_ours, first_theirs = (ours[0], theirs[0]) if isinstance(theirs, tuple) else (ours, theirs)
    if "dtype=" in expression and first_theirs.grad_fn is not None:   # no copy node before a norm in a dtype
        assert [type(n).__name__ for n, _ in first_ours.grad_fn.next_functions] == \
            [type(n).__name__ for n, _ in first_theirs.grad_fn.next_functions]
    if first_theirs.requires_grad:
        assert_same_gradients(engine.autograd.grad(first_ours.sum(), x_ours, allow_unused=True),
                              torch.autograd.grad(first_theirs.sum(), x_theirs, allow_unused=True))


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_matches_pytorch(expression):
    assert_matches_pytorch(expression)


@pytest.mark.parametrize("expression", [
    "lib.tensor([1, 2]).clamp_(0.5)", "lib.tensor([1, 2]).clamp_(lib.tensor(0.5))", "lib.tensor([1, 2]).clip_(0, 1)",
    "lib.tensor([1, 2]).clamp_(max=0.5)", "lib.tensor([1, 2]) + 2**64", "lib.tensor([1, 2]) * 2**70",
    "lib.tensor([1, 2]) - (-2**64)", "lib.tensor([1, 2]).add_(2**63)", "lib.full((2,), 2**64)",
    "lib.tensor([1, 2]).fill_(2**64)", "lib.tensor([1.]).to(3.5)", "lib.tensor([1.]).to(3.5, copy=True)",
])
def test_messages_and_conversions_match_pytorch(expression):
    torch = torch_or_skip()

    def run(lib):
        try:
            r = eval(expression, {"lib": lib})
        except Exception as e:   # noqa: BLE001
            return type(e).__name__, str(e)
        return str(r.dtype), r.tolist()
    assert run(engine) == run(torch)
