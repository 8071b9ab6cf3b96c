"""matmul and friends, norms, inverse and determinant: graph nodes, values, gradients and
errors compared with PyTorch (literal expectations from the reference where they exist)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import engine
from tests.oracle import assert_same, assert_same_gradients, is_tensor, outcome, torch_or_skip

MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (5, 3, 4)),
                 ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((3,), (5, 3, 4)), ((5, 2, 3), (3,)),
                 ((1, 2, 3), (5, 3, 4)), ((5, 2, 3), (1, 3, 4)), ((7, 1, 2, 3), (5, 3, 4)),
                 ((2, 5, 2, 3), (3, 4)), ((3,), (2, 5, 3, 4)), ((5, 2, 3), (2, 1, 3, 4)), ((4,), (2, 4, 1))]

MATMUL_ERRORS = [
    "f(2,3) @ f(3,2).double()", "f(3) @ f(3).double()", "f(2,3) @ f(3).double()", "f(5,2,3) @ f(5,3,2).double()",
    "f(5,2,3) @ f(3,2).double()", "f(3,2) @ f(5,2,3).double()", "f(5, 3,2) @ f(2).double()",
    "f(2,3).bool() @ f(3,2).bool()", "f(3).bool() @ f(3).bool()", "f(2,3).bool() @ f(3).bool()",
    "f(5,2,3).bool() @ f(5,3,2).bool()", "f(2,3,4) @ f(3,5,6)", "f(4) @ f(2, 3, 4)", "f(2,3,4) @ f(5,6)",
    "f(5,6) @ f(2,3,4)", "f(3) @ f(2,4,5)", "f(2,3,4) @ f(5)", "f(2,3,4) @ f(2,3,4)", "lib.tensor(2.) @ f(3)",
    "f(3) @ lib.tensor(2.)", "lib.mm(f(2,3), f(3))", "lib.mm(f(3), f(3,2))", "lib.bmm(f(2,3), f(2,3))",
    "lib.bmm(f(2,2,3), f(2,3))", "lib.bmm(f(2,2,3), f(3,3,2))", "lib.mv(f(2,3), f(2))", "lib.mv(f(3), f(3))",
    "lib.dot(f(2,3), f(3))", "lib.dot(f(3), f(4))", "lib.outer(f(2,3), f(3))", "lib.outer(f(3), f(2,2))",
    "lib.matmul(f(2,3), 2)", "f(2,3) @ 2",
    "lib.linalg.inv(lib.tensor([[1.,2],[2,4]]))", "lib.linalg.inv(lib.tensor([[1.,1,1],[1,1,1],[1,2,3]]))",
    "lib.linalg.inv(lib.zeros(3,2,2))", "lib.linalg.inv(f(2,3))", "lib.linalg.inv(f(2,2).long())",
    "lib.linalg.inv(f(3))", "lib.linalg.det(f(2,3))", "lib.linalg.det(f(2,2).long())", "lib.linalg.det(f(3))",
    "lib.linalg.norm(f(2,3).long())", "lib.linalg.norm(f(2,3,4), ord=2)", "lib.linalg.norm(f(2,3), 'nuc', dim=0)",
    "lib.linalg.norm(f(3), ord='fro')", "lib.linalg.norm(f(2,3), ord=3)", "lib.linalg.norm(f(2,3), ord='abc')",
]

NORMS = ["norm(A)", "norm(A, 'fro')", "norm(A, 'nuc')", "norm(A, 1)", "norm(A, -1)", "norm(A, math.inf)",
         "norm(A, -math.inf)", "norm(A, 2)", "norm(A, -2)", "norm(x)", "norm(x, 3)", "norm(A, dim=1)",
         "norm(A, 3, dim=1)", "norm(B, dim=(1, 2))", "norm(B, 1, dim=(1, 2))", "norm(B, 1, dim=(2, 1), keepdim=True)",
         "norm(B, 'nuc', dim=(0, 2), keepdim=True)", "norm(B, 2, dim=(2, 0))", "norm(B, math.inf, dim=(2, 0))",
         "norm(B)", "norm(A, keepdim=True)", "matrix_norm(A)", "matrix_norm(A, 1)", "vector_norm(A, 1, dim=0)",
         "svdvals(A)", "inv(A)", "inv(B)", "det(A)", "det(B)"]


def chain(fn):
    """A grad_fn and everything behind it, by class name."""
    if fn is None:
        return "None"
    if type(fn).__name__ == "AccumulateGrad":
        return "Acc"
    return f"{type(fn).__name__}({', '.join(chain(n) for n, _ in fn.next_functions)})"


def run(lib, make, expression):
    """Evaluate ``make`` then ``expression``; backward with ones. The result (or the error) and the
    gradients of the leaves."""
    names = make(lib)
    result = outcome(lambda: eval(expression, {"lib": lib, "math": math, **names}))
    grads = []
    if is_tensor(result) and result.requires_grad:
        result.backward(lib.ones_like(result))
        grads = [t.grad for t in names.values() if hasattr(t, "grad")]
    return result, grads


def assert_same_run(ours, theirs):
    """The same result, the same chain of graph nodes behind it, the same gradients."""
    assert_same(ours[0], theirs[0])
    if is_tensor(theirs[0]):
        assert chain(ours[0].grad_fn) == chain(theirs[0].grad_fn)
    assert_same_gradients(ours[1], theirs[1])


def operands(shapes, grads, seed=0):
    def make(lib):
        rng = np.random.default_rng(seed)
        return {f"t{i}": lib.from_numpy(rng.standard_normal(s)).requires_grad_(g)
                for i, (s, g) in enumerate(zip(shapes, grads))}
    return make


@pytest.mark.parametrize("grads", [(True, True), (False, True), (True, False)], ids=["both", "b", "a"])
@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=lambda s: "@".join("x".join(map(str, x)) for x in s))
def test_matmul_graph_values_and_gradients_match_pytorch(shapes, grads):
    torch = torch_or_skip()
    make = operands(shapes, grads)
    assert_same_run(run(engine, make, "t0 @ t1"), run(torch, make, "t0 @ t1"))


@pytest.mark.parametrize("expression", MATMUL_ERRORS)
def test_errors_match_pytorch(expression):
    torch = torch_or_skip()

    def make(lib):
        return {"f": lib.ones}
    assert_same_run(run(engine, make, expression), run(torch, make, expression))


@pytest.mark.parametrize("expression", NORMS)
def test_norms_inverse_det_match_pytorch(expression):
    torch = torch_or_skip()

    def make(lib):
        rng = np.random.default_rng(1)
        names = {n: lib.from_numpy(rng.standard_normal(s)).requires_grad_() for n, s in
                 (("A", (3, 3)), ("B", (2, 3, 3)), ("x", (3,)))}
        for fn in ("norm", "matrix_norm", "vector_norm", "svdvals", "inv", "det"):
            names[fn] = getattr(lib.linalg, fn)
        return names
    assert_same_run(run(engine, make, expression), run(torch, make, expression))


def test_reference_node_names():
    x = engine.randn(3, requires_grad=True)
    A = engine.randn(2, 3, requires_grad=True)
    B = engine.randn(3, 4, requires_grad=True)
    Bt, Bt2 = engine.randn(5, 2, 3, requires_grad=True), engine.randn(5, 3, 4, requires_grad=True)
    assert type((x @ x).grad_fn).__name__ == "DotBackward0"
    assert type((A @ x).grad_fn).__name__ == "MvBackward0"
    assert type((A @ B).grad_fn).__name__ == "MmBackward0"
    assert chain((x @ B).grad_fn) == "SqueezeBackward4(MmBackward0(UnsqueezeBackward0(Acc), Acc))"
    assert type((Bt @ Bt2).grad_fn).__name__ == "UnsafeViewBackward0"
    assert type(engine.bmm(Bt, Bt2).grad_fn).__name__ == "BmmBackward0"
    assert chain(engine.outer(x, x).grad_fn) == "MulBackward0(ViewBackward0(Acc), Acc)"
    assert type(engine.linalg.norm(x).grad_fn).__name__ == "LinalgVectorNormBackward0"


def test_reference_messages():
    f = engine.ones
    for expression, message in [
            ("f(2, 3) @ f(2, 3)", "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)"),
            ("f(3) @ f(4)", "inconsistent tensor size, expected tensor [3] and src [4] to have the same number of "
                            "elements, but got 3 and 4 elements respectively"),
            ("f(2, 3) @ f(4)", "size mismatch, got input (2), mat (2x3), vec (4)"),
            ("f(3) @ f(4, 2)", "mat1 and mat2 shapes cannot be multiplied (1x3 and 4x2)"),
            ("f(3).mm(f(3, 2))", "self must be a matrix"),
            ("f(2, 3, 4) @ f(3, 5, 6)", "The size of tensor a (2) must match the size of tensor b (3) at "
                                        "non-singleton dimension 0"),
            ("engine.tensor(2.) @ f(3)", "both arguments to matmul need to be at least 1D, but they are 0D and 1D")]:
        with pytest.raises(RuntimeError) as info:
            eval(expression, {"f": f, "engine": engine})
        assert str(info.value) == message


def test_singular_inverse_is_a_linalg_error():
    with pytest.raises(engine.linalg.LinAlgError, match="The diagonal element 2 is zero"):
        engine.linalg.inv(engine.tensor([[1., 2.], [2., 4.]]))


def test_matmul_out_and_speed_path():
    a, b = engine.randn(4, 5, 6), engine.randn(6, 3)
    out = engine.empty(4, 5, 3)
    assert engine.matmul(a, b, out=out) is out
    np.testing.assert_allclose(out.numpy(), a.numpy() @ b.numpy(), rtol=1e-6)
    with pytest.raises(RuntimeError, match=r"^matmul\(\): functions with out=\.\.\. arguments don't support"):
        engine.matmul(a.requires_grad_(), b, out=out)


# addmm's common case (beta = alpha = 1, one dtype) adds its input into the product's own array: the
# values, the input left as it was, and the graph must be those of the general path, PyTorch's.
def _addmm_in_place_sum(lib, bias_shape, dtype, beta=1, alpha=1):
    lib.manual_seed(0)
    bias = lib.randn(*bias_shape).to(dtype).requires_grad_()
    mat1 = lib.randn(4, 3).to(dtype).requires_grad_()
    mat2 = lib.randn(3, 5).to(dtype)
    before = bias.detach().clone()
    result = lib.addmm(bias, mat1, mat2, beta=beta, alpha=alpha)
    result.sum().backward()
    return (result, result.grad_fn.name(), lib.equal(bias.detach(), before), bias._version,
            result.data_ptr() == bias.data_ptr(), bias.grad, mat1.grad)


ADDMM_IN_PLACE_CASES = {
    "bias of a row": lambda L: _addmm_in_place_sum(L, (5,), L.float32),
    "bias of the result's shape": lambda L: _addmm_in_place_sum(L, (4, 5), L.float32),
    "bias of one element": lambda L: _addmm_in_place_sum(L, (1,), L.float32),
    "bias of a column": lambda L: _addmm_in_place_sum(L, (4, 1), L.float64),
    "float64": lambda L: _addmm_in_place_sum(L, (5,), L.float64),
    "beta and alpha": lambda L: _addmm_in_place_sum(L, (5,), L.float32, beta=0.5, alpha=2),
    "linear": lambda L: L.nn.functional.linear(L.ones(2, 3), L.ones(4, 3, requires_grad=True), L.arange(4.)),
}


@pytest.mark.parametrize("name", ADDMM_IN_PLACE_CASES)
def test_addmm_adding_into_the_product_matches_pytorch(name):
    torch = torch_or_skip()
    assert_same(outcome(lambda: ADDMM_IN_PLACE_CASES[name](engine)), outcome(lambda: ADDMM_IN_PLACE_CASES[name](torch)))
