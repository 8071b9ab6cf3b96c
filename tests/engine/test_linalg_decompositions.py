"""Distances, chains of products, decompositions and solvers compared with PyTorch: values,
graph nodes (the whole chain behind a result), named result tuples as printed, errors and the
deprecation warning. Gradients are checked by the specs (tests/engine/specs_linalg2.py).

Singular vectors and eigenvectors are unique only up to sign, and NumPy's LAPACK (OpenBLAS)
and PyTorch's (MKL) sometimes choose differently: those are compared through what the sign does
not change (|U|, U diag(S) Vh), everything else as it is."""
from __future__ import annotations

import contextlib
import io
import math
import subprocess
import sys
import warnings

import numpy as np
import pytest

import engine
from tests.oracle import assert_same, difference, is_tensor, outcome, torch_or_skip

# f(*shape, dtype=..., grad=...) makes a float64 tensor that requires grad (other dtypes, or grad=False,
# do not), from a seed per expression, the same for both libraries
RESULTS = [
    # cdist: every p, both of ATen's routes, batches, empty inputs, and its errors
    "lib.cdist(f(3,2), f(4,2))", "lib.cdist(f(3,2), f(4,2), p=1)", "lib.cdist(f(3,2), f(4,2), p=0)",
    "lib.cdist(f(3,2), f(4,2), p=math.inf)", "lib.cdist(f(3,2), f(4,2), p=1.5)", "lib.cdist(f(3,2), f(4,2), p=3)",
    "lib.cdist(f(30,2), f(4,2))", "lib.cdist(f(2,30,2), f(1,4,2))", "lib.cdist(f(2,30,2), f(4,2))",
    "lib.cdist(f(3,2), f(4,2), compute_mode='use_mm_for_euclid_dist')",
    "lib.cdist(f(30,2), f(4,2), compute_mode='donot_use_mm_for_euclid_dist')",
    "lib.cdist(f(2,1,3,2), f(4,2,2))", "lib.cdist(f(0,2), f(3,2))", "lib.cdist(f(3,0), f(3,0))",
    "lib.cdist(f(40,5,dtype='float32'), f(30,5,dtype='float32'))",
    "lib.cdist(f(4,50,dtype='float32'), f(3,50,dtype='float32'))",
    "lib.cdist(f(3), f(3))", "lib.cdist(f(3,2), f(3))", "lib.cdist(f(3,2), f(3,3))",
    "lib.cdist(f(3,2,dtype='int64'), f(3,2))", "lib.cdist(f(3,2), f(3,2), p=-1)",
    "lib.cdist(f(3,2), f(3,2), compute_mode='x')", "lib.cdist(f(3,2), f(3,2,dtype='float32'))",
    "lib.cdist(f(30,2), f(3,2,dtype='float32'))", "lib.cdist(f(2,3,2), f(4,2,2))",
    "lib.cdist(f(3,2,dtype='float16'), f(3,2,dtype='float16'))",
    # dist
    "lib.dist(f(3), f(3))", "lib.dist(f(3), f(2,3), 3)", "lib.dist(f(3), f(3,dtype='float32'))",
    "lib.dist(f(3), f(3), math.inf)", "lib.dist(f(3), f(3), 0)", "lib.dist(f(3), f(3), 0.5)", "f(3).dist(f(3), 1)",
    "lib.dist(f(3,dtype='int64'), f(3,dtype='int64'))", "lib.dist(f(3), 2)", "lib.dist(f(3), f(3), 'fro')",
    "lib.dist(f(3), f(4))",
    # multi_dot and chain_matmul: the order of the products and the errors
    "lib.linalg.multi_dot([f(2,3), f(3,4)])", "lib.linalg.multi_dot([f(2,3), f(3,4), f(4,2)])",
    "lib.linalg.multi_dot([f(5,1), f(1,6), f(6,2)])", "lib.linalg.multi_dot([f(3), f(3,4), f(4)])",
    "lib.linalg.multi_dot([f(3), f(3,4), f(4,5), f(5,1), f(1,6)])", "lib.linalg.multi_dot([f(3), f(3)])",
    "lib.linalg.multi_dot([f(5,1), f(1,6), f(6,2), f(2,8)])", "lib.linalg.multi_dot((f(2,3), f(3,4)))",
    "lib.linalg.multi_dot([f(3)])", "lib.linalg.multi_dot([])", "lib.linalg.multi_dot([f(2,3), f(2,3)])",
    "lib.linalg.multi_dot([f(2,3,3), f(3,3)])", "lib.linalg.multi_dot([f(3,3), f(3,3,3), f(3)])",
    "lib.linalg.multi_dot([f(3,4), f(4,3,3)])", "lib.linalg.multi_dot([f(3,4), f(4,3,dtype='int64')])",
    "lib.chain_matmul(f(2,3), f(3,4), f(4,2))", "lib.chain_matmul(f(3,3))", "lib.chain_matmul()",
    "lib.chain_matmul(f(3))", "lib.chain_matmul(f(2,3), f(2,3))",
    # svd: what the signs do not change, the shapes of every option, and the errors
    "lib.svd(f(3,3)).S", "lib.svd(f(4,3)).U.abs()", "lib.svd(f(3,4)).V.abs()", "lib.svd(f(2,4,3), some=False).V.abs()",
    "lib.svd(f(2,3), compute_uv=False)", "lib.svd(f(0,3))", "lib.linalg.svd(f(0,3))",
    "lib.linalg.svd(f(3,0), full_matrices=False)", "lib.linalg.svd(f(2,3)).S", "lib.linalg.svdvals(f(2,3))",
    "lib.linalg.svdvals(f(0,3))", "lib.svd(f(3))", "lib.svd(f(3,3,dtype='int64'))", "lib.svd(f(3,2,dtype='float16'))",
    "lib.linalg.svd(f(3))", "lib.linalg.svd(f(3,3,dtype='int64'))", "lib.linalg.svd(f(2,3), driver='gesvd')",
    "lib.linalg.svdvals(f(3))",
    # solve
    "lib.linalg.solve(f(3,3), f(3,2))", "lib.linalg.solve(f(3,3), f(3))", "lib.linalg.solve(f(2,3,3), f(3))",
    "lib.linalg.solve(f(2,3,3), f(2,3))", "lib.linalg.solve(f(2,3,3), f(3,2))",
    "lib.linalg.solve(f(3,3), f(2,3), left=False)", "lib.linalg.solve(f(3,3), f(4,2))",
    "lib.linalg.solve(f(3,4), f(3,2))", "lib.linalg.solve(f(3,3), f(3,2,dtype='float32'))",
    "lib.linalg.solve(lib.zeros(3,3,dtype=lib.float64), f(3,2))",
    "lib.linalg.solve(f(3,3,dtype='int64'), f(3,2,dtype='int64'))",
    # qr (LAPACK's Householder signs are the same in both)
    "lib.linalg.qr(f(4,3))", "lib.linalg.qr(f(3,4))", "lib.linalg.qr(f(4,3), mode='complete')",
    "lib.linalg.qr(f(4,3), mode='r')", "lib.linalg.qr(f(2,4,3))", "lib.linalg.qr(f(4,3), mode='x')",
    # cholesky, eigh, eigvalsh
    "lib.linalg.cholesky(lib.eye(3, dtype=lib.float64) * 2 + 0.1)",
    "lib.linalg.cholesky(lib.eye(3, dtype=lib.float64) + 0.1, upper=True)",
    "lib.linalg.cholesky(lib.tensor([[1., 2], [2, 1]]))",
    "lib.linalg.cholesky(lib.tensor([[[1., 0], [0, 1]], [[1., 2], [2, 1]]]))", "lib.linalg.cholesky(f(2,3))",
    "lib.linalg.eigh(f(3,3)).eigenvalues", "lib.linalg.eigh(f(3,3), UPLO='U').eigenvectors.abs()",
    "lib.linalg.eigh(f(3,3), UPLO='X')", "lib.linalg.eigvalsh(f(2,3,3))",
    # slogdet, logdet, matrix_power
    "lib.linalg.slogdet(f(3,3))", "lib.slogdet(f(2,3,3))", "lib.logdet(f(3,3))", "lib.logdet(f(2,3,3))",
    "lib.linalg.slogdet(f(3,2))", "lib.linalg.matrix_power(f(3,3), 0)", "lib.linalg.matrix_power(f(3,3), 1)",
    "lib.linalg.matrix_power(f(3,3), 2)", "lib.linalg.matrix_power(f(3,3), 5)", "lib.linalg.matrix_power(f(3,3), 6)",
    "lib.linalg.matrix_power(f(3,3), -1)", "lib.linalg.matrix_power(f(3,3), -2)", "lib.matrix_power(f(2,3,3), 3)",
    "f(3,3).matrix_power(4)", "lib.linalg.matrix_power(f(3,3,dtype='int64'), 2)",
    "lib.linalg.matrix_power(f(3,3,dtype='int64'), -1)", "lib.linalg.matrix_power(f(3,2), 2)",
    "lib.linalg.matrix_power(f(3), 2)",
    # pinv, matrix_rank, lstsq
    "lib.linalg.pinv(f(3,2))", "lib.linalg.pinv(f(2,3))", "lib.linalg.pinv(f(2,3,3))",
    "lib.linalg.pinv(f(3,3), hermitian=True)", "lib.linalg.pinv(lib.ones(3,3,dtype=lib.float64))",
    "lib.linalg.matrix_rank(f(3,3))", "lib.linalg.matrix_rank(lib.ones(3,3))", "lib.linalg.matrix_rank(f(2,4,3))",
    "lib.linalg.matrix_rank(lib.ones(3,3), atol=1.0)", "lib.linalg.matrix_rank(lib.ones(3,3), hermitian=True)",
    "lib.linalg.matrix_rank(f(3,3), rtol=0.5)", "lib.linalg.pinv(f(3,3), atol=0.5)",
    "lib.linalg.matrix_rank(lib.ones(3,3), atol=0.0)", "lib.linalg.matrix_rank(f(3,3), atol=0.1, rtol=0.6)",
    "lib.linalg.matrix_rank(f(2,3,3), atol=lib.tensor([0.1, 5.0], dtype=lib.float64))",
    "lib.linalg.pinv(f(2,3,3), rtol=lib.tensor([0.1, 0.9], dtype=lib.float64))",
    "lib.linalg.pinv(f(2,3,3), atol=lib.tensor([0.1, 0.9], dtype=lib.float64), hermitian=True)",
    "lib.linalg.pinv(f(3,3,dtype='int64'))", "lib.linalg.pinv(f(3))", "lib.linalg.matrix_rank(f(3))",
    "lib.linalg.matrix_rank(f(3,3,dtype='int64'))",
    "lib.linalg.lstsq(f(3,3), f(3,2))", "lib.linalg.lstsq(f(5,3), f(5,2))", "lib.linalg.lstsq(f(5,3), f(5,2), driver='gelsd')",
    "lib.linalg.lstsq(f(3,5), f(3,2), driver='gelsd')", "lib.linalg.lstsq(f(5,3), f(5,2), driver='gels')",
    "lib.linalg.lstsq(f(5,3), f(5,2), driver='gelss')", "lib.linalg.lstsq(f(5,3), f(5))",
    "lib.linalg.lstsq(f(2,5,3), f(2,5,2))", "lib.linalg.lstsq(f(5,3), f(4,2))",
    "lib.linalg.lstsq(f(5,3), f(5,2), driver='x')",
    # out=: the tensors written, returned as torch.return_types.NAME_out
    "lib.linalg.qr(f(3,3), out=(lib.empty(3,3,dtype=lib.float64), lib.empty(3,3,dtype=lib.float64)))",
    "lib.linalg.qr(f(3,3,grad=False), out=(lib.empty(3,3,dtype=lib.float64), lib.empty(3,3,dtype=lib.float64)))",
    "lib.linalg.slogdet(f(3,3,grad=False), out=(lib.empty(0,dtype=lib.float64), lib.empty(0,dtype=lib.float64)))",
    "lib.linalg.lu_factor(f(3,3,grad=False), out=(lib.empty(0,dtype=lib.float64), lib.empty(0,dtype=lib.int32)))",
    "lib.linalg.eigh(f(3,3,grad=False), out=(lib.empty(0,dtype=lib.float64), lib.empty(0,dtype=lib.float64))).eigenvalues",
    "lib.linalg.solve(f(3,3,grad=False), f(3,grad=False), out=lib.empty(0,dtype=lib.float64))",
    "type(lib.svd(f(3,3,grad=False), out=[lib.empty(0,dtype=lib.float64) for _ in range(3)])).__name__",
    "lib.linalg.lu(f(3,3,grad=False), out=[lib.empty(0,dtype=lib.float64) for _ in range(3)])",
    "lib.lu_unpack(*lib.linalg.lu_factor(f(3,3,grad=False)), out=[lib.empty(0,dtype=lib.float64) for _ in range(3)])",
    # LU: lu_factor, the deprecated lu, linalg.lu, lu_unpack, lu_solve (pivots 1-based int32, as LAPACK)
    "lib.linalg.lu_factor(f(3,3))", "lib.linalg.lu_factor(f(2,4,4))", "lib.linalg.lu_factor(f(2,3))",
    "lib.linalg.lu_factor(f(4,2))", "lib.linalg.lu_factor(lib.zeros(2,2))", "lib.linalg.lu_factor(lib.ones(3,3))",
    "lib.linalg.lu_factor(f(3))", "lib.linalg.lu_factor(f(3,3,dtype='int64'))",
    "lib.linalg.lu_factor(f(3,3), pivot=False)", "lib.linalg.lu_factor(lib.tensor([[1.,2],[1,3]]))",
    "lib.linalg.lu_factor(lib.tensor([[-1.,2],[1,3]]))", "lib.lu(f(3,3))", "lib.lu(lib.zeros(2,2))",
    "lib.lu(lib.zeros(2,2), get_infos=True)", "lib.lu(f(2,3,3), get_infos=True)", "f(3,3).lu()",
    "lib.linalg.lu(f(3,2))", "lib.linalg.lu(f(2,3))", "lib.linalg.lu(f(2,3,3))", "lib.linalg.lu(f(3))",
    "lib.linalg.lu(f(3,3,dtype='int64'))", "lib.linalg.lu(f(2,2), pivot=False)",
    "lib.lu_unpack(*lib.linalg.lu_factor(f(3,3)))", "lib.lu_unpack(*lib.linalg.lu_factor(f(2,4,4)))",
    "lib.lu_unpack(*lib.linalg.lu_factor(f(4,2)))", "lib.lu_unpack(*lib.linalg.lu_factor(f(2,4)))",
    "lib.lu_unpack(f(3,3), lib.tensor([1,2,3],dtype=lib.int32))", "lib.lu_unpack(f(3,3), lib.tensor([1,2,3]))",
    "lib.lu_unpack(f(3,3), lib.tensor([1,2],dtype=lib.int32))",
    "lib.lu_unpack(f(3,3), lib.tensor([3,3,3],dtype=lib.int32), unpack_data=False)",
    "lib.lu_unpack(f(3,3), lib.tensor([2,3,3],dtype=lib.int32), unpack_pivots=False)",
    "lib.linalg.lu_solve(*lib.linalg.lu_factor(f(3,3)), f(3,2))",
    "lib.linalg.lu_solve(*lib.linalg.lu_factor(f(3,3)), f(2,3), left=False)",
    "lib.linalg.lu_solve(*lib.linalg.lu_factor(f(3,3)), f(3,2), adjoint=True)",
    "lib.linalg.lu_solve(*lib.linalg.lu_factor(f(3,3)), f(2,3), left=False, adjoint=True)",
    "lib.linalg.lu_solve(*lib.linalg.lu_factor(f(2,3,3)), f(3,2))",
    "lib.linalg.lu_solve(f(3,3), lib.tensor([1,2,3],dtype=lib.int32), f(3))",
    "lib.linalg.lu_solve(f(3,3), lib.tensor([1,2,3],dtype=lib.int32), f(2,2))",
    "lib.linalg.lu_solve(f(3,3), lib.tensor([1,2,3],dtype=lib.int32), f(3,2,dtype='float32'))",
    "lib.linalg.lu_solve(f(2,3), lib.tensor([1,2],dtype=lib.int32), f(2,2))",
]


def chain(fn):
    """A grad_fn and everything behind it, by class name."""
    if fn is None:
        return "None"
    if type(fn).__name__ == "AccumulateGrad":
        return "Acc"
    return f"{type(fn).__name__}({', '.join(chain(n) for n, _ in fn.next_functions)})"


def evaluate(lib, expression, seed):
    rng = np.random.default_rng(seed)

    def f(*shape, dtype="float64", grad=True):
        t = lib.from_numpy(rng.standard_normal(shape).astype(dtype))
        return t.requires_grad_() if dtype == "float64" and grad else t
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return outcome(lambda: eval(expression, {"lib": lib, "f": f, "math": math}))


def chains(result):
    parts = result if isinstance(result, tuple) else (result,)
    return [chain(p.grad_fn) for p in parts if is_tensor(p)]


@pytest.mark.parametrize("expression", RESULTS)
def test_results_graphs_and_errors_match_pytorch(expression):
    torch = torch_or_skip()
    seed = sum(map(ord, expression))
    ours, theirs = evaluate(engine, expression, seed), evaluate(torch, expression, seed)
    assert_same(ours, theirs)
    assert chains(ours) == chains(theirs)


@pytest.mark.parametrize("call", ["svd(A)", "svd(A, some=False)", "linalg.svd(A)", "linalg.svd(A, full_matrices=False)"])
@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 5), (2, 3, 4)])
def test_svd_factors_rebuild_the_matrix_with_pytorch_shapes(call, shape):
    """Whatever the signs, U diag(S) V^T is A, and U and V have orthonormal columns."""
    torch = torch_or_skip()
    data = np.random.default_rng(3).standard_normal(shape)
    ours = eval("torch." + call, {"torch": engine, "A": engine.from_numpy(data)})
    theirs = eval("torch." + call, {"torch": torch, "A": torch.from_numpy(data)})
    assert [tuple(t.shape) for t in ours] == [tuple(t.shape) for t in theirs]
    U, S, V = (t.numpy() for t in ours)
    V = np.swapaxes(V, -1, -2) if call.startswith("linalg") else V
    k = S.shape[-1]
    np.testing.assert_allclose((U[..., :k] * S[..., None, :]) @ np.swapaxes(V[..., :k], -1, -2), data, atol=1e-12)
    for Q in (U, V):
        np.testing.assert_allclose(np.swapaxes(Q, -1, -2) @ Q, np.broadcast_to(np.eye(Q.shape[-1]), Q.shape[:-2] +
                                                                            (Q.shape[-1],) * 2), atol=1e-12)


@pytest.mark.parametrize("expression", [
    "torch.svd(torch.tensor([[3.0, 0.0], [0.0, -4.0]], requires_grad=True))",
    "torch.linalg.svd(torch.tensor([[3.0, 0.0], [0.0, -4.0]]))",
    "torch.linalg.qr(torch.tensor([[3.0, 1.0], [4.0, 2.0]]))",
    "torch.linalg.eigh(torch.tensor([[2.0, 0.0], [0.0, 1.0]], requires_grad=True))",
    "torch.linalg.slogdet(torch.tensor([[0.0, 2.0], [1.0, 0.0]]))",
    "torch.slogdet(torch.tensor([[0.0, 2.0], [1.0, 0.0]]))",
    "torch.linalg.lstsq(torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), torch.tensor([[1.0], [2.0], [4.0]]))",
    "torch.cdist(torch.tensor([[0.9041, 0.0196], [-0.3108, -2.4423]]), torch.tensor([[-2.1763, -0.4713]]))",
    "torch.linalg.lu_factor(torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True))",
    "torch.linalg.lu(torch.tensor([[1.0, 2.0, 0.5], [3.0, 4.0, 1.0]], requires_grad=True))",
    "torch.lu(torch.zeros(2, 2), get_infos=True)"])
def test_printed_like_pytorch(expression):
    torch = torch_or_skip()
    assert repr(eval(expression, {"torch": engine})) == repr(eval(expression, {"torch": torch}))


@pytest.mark.parametrize("call,flag", [("torch.chain_matmul(torch.ones(2, 2), torch.ones(2, 2))", "_chain_matmul_warned"),
                                       ("torch.lu(torch.eye(2))", "_lu_warned")])
def test_deprecated_functions_warn_once_as_pytorch(call, flag):
    """PyTorch warns once per process (TORCH_WARN_ONCE): its warnings come from a fresh one."""
    torch_or_skip()
    import engine.ops.linalg
    import engine.ops.lu
    for module in (engine.ops.linalg, engine.ops.lu):
        getattr(module, flag, []).clear()
    program = ("import warnings\n"
               "with warnings.catch_warnings(record=True) as caught:\n"
               "    warnings.simplefilter('always')\n"
               f"    for _ in range(2): {call}\n"
               "print(repr([(w.category.__name__, str(w.message)) for w in caught]))\n")
    theirs = subprocess.run([sys.executable, "-c", "import torch\n" + program], capture_output=True, text=True,
                            check=True).stdout
    with contextlib.redirect_stdout(io.StringIO()) as ours:
        exec(program, {"torch": engine})
    assert ours.getvalue() == theirs and "deprecated" in theirs


def test_a_backward_through_what_qr_cannot_differentiate_fails_in_pytorch_words():
    torch = torch_or_skip()
    for expression in ["lib.linalg.qr(A, mode='r').R.sum().backward()",
                       "lib.linalg.qr(A, mode='complete').Q.sum().backward()"]:
        found = []
        for lib in (engine, torch):
            A = lib.from_numpy(np.random.default_rng(0).standard_normal((4, 3))).requires_grad_()
            found.append(outcome(lambda: eval(expression, {"lib": lib, "A": A})))
        assert not difference(*found), difference(*found)


@pytest.mark.parametrize("expression", ["lib.linalg.svd(A).U[:, :2].sum()", "lib.linalg.svd(A).Vh.sum()",
                                        "lib.svd(A).V[:, 0].abs().sum() + lib.svd(A).S.sum()"])
def test_gradient_through_one_factor_of_a_tall_or_wide_svd(expression):
    """full_matrices=True: the vectors beyond min(m, n) carry no gradient, as in PyTorch."""
    torch = torch_or_skip()
    grads = []
    for lib in (engine, torch):
        A = lib.from_numpy(np.diag([3.0, 2.0, 1.0])[:, :2] + 0.1).requires_grad_()
        eval(expression, {"lib": lib, "A": A}).backward()
        grads.append(A.grad)
    assert_same(*grads)


@pytest.mark.parametrize("shape", [(5, 6, 6), (3, 7, 4), (3, 4, 7), (2, 2, 9, 9)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_lu_pivots_and_factors_are_lapacks_on_random_batches(shape, dtype):
    torch = torch_or_skip()
    data = np.random.default_rng(11).standard_normal(shape).astype(dtype)
    ours, theirs = engine.linalg.lu_factor(engine.from_numpy(data)), torch.linalg.lu_factor(torch.from_numpy(data))
    assert ours.pivots.tolist() == theirs.pivots.tolist()
    assert_same(ours, theirs)


def test_lu_pivots_on_ties_take_the_first_row_of_largest_magnitude():
    torch = torch_or_skip()
    data = np.array([[1.0, 2.0, 3.0], [-1.0, 5.0, 1.0], [1.0, -5.0, 2.0]])
    assert engine.linalg.lu_factor(engine.from_numpy(data)).pivots.tolist() == \
        torch.linalg.lu_factor(torch.from_numpy(data)).pivots.tolist() == [1, 2, 3]
