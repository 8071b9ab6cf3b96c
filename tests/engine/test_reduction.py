"""Reductions against PyTorch: values, dtypes, return types, errors (exact messages), out= and
in-place variants. ``agree`` is shared by the other op-family tests of this directory."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import engine
from tests.oracle import assert_same, outcome, torch_or_skip

SETUP = """
A = torch.tensor([[1., 5, 3], [4, 2, 6]])
I = torch.tensor([[1, 5, 3], [4, 2, 6]])
B = I > 2
E = torch.zeros(0, 3)
S = torch.tensor(3.)
x = torch.tensor([0.5, -1.5, 2.0])
"""


def _run(lib, expr, setup):
    env = {"torch": lib, "np": np}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(setup, env)
        return outcome(lambda: eval(expr, env))


def agree(expr, setup=SETUP):
    """``expr`` gives the same result (or the same error) with engine as with PyTorch."""
    torch = torch_or_skip()
    assert_same(_run(engine, expr, setup), _run(torch, expr, setup))


REDUCTIONS = [
    # sum / mean / prod: dtypes, dims, tuple and empty dims, keepdim, axis alias, errors
    "A.sum()", "I.sum()", "B.sum()", "I.int().sum()", "I.sum(dtype=torch.int32)", "A.sum(dtype=torch.float64)",
    "A.sum(1)", "A.sum((0, 1))", "A.sum([])", "A.sum(())", "A.sum(-1, keepdim=True)", "A.sum(dim=None, keepdim=True)",
    "A.sum(axis=1)", "A.sum((0, 0))", "A.sum(2)", "S.sum(0)", "S.sum(-1)", "S.sum(1)", "E.sum()", "E.sum(0)",
    "torch.sum(A, 1, True)", "A.half().sum().dtype",
    "A.mean()", "A.mean(0)", "A.mean((0, 1), keepdim=True)", "I.mean()", "I.mean(1)", "I.mean(dtype=torch.float32)",
    "E.mean()", "A.mean(axis=0)",
    "A.prod()", "A.prod(1)", "A.prod(1, keepdim=True)", "I.prod()", "B.prod()", "I.prod(1, dtype=torch.float32)",
    "E.prod()", "S.prod(0)",
    # max / min and friends
    "A.max()", "A.min()", "I.max()", "B.max()", "A.max(1)", "A.max(1, keepdim=True)", "torch.max(A, dim=0)",
    "torch.min(A, 1, True)", "A.max(dim=-1)", "A.max(axis=1)", "A.max(1)[1]", "A.max(1).values", "A.min(0).indices",
    "tuple(A.max(1))", "len(A.min(1))", "S.max(0)", "S.max(0, keepdim=True)", "I.max(0)", "E.max()", "E.max(1)",
    "E.max(0)", "A.max(2)",
    "A.amax()", "A.amax(1)", "A.amax((0, 1))", "A.amax(())", "A.amin(0, True)", "I.amax()", "E.amax()", "E.amax(1)",
    "S.amax(0)",
    "A.argmax()", "A.argmin()", "A.argmax(1)", "A.argmax(1, keepdim=True)", "A.argmax(keepdim=True)",
    "A.argmax(dim=None)", "S.argmax(0)", "E.argmax()", "B.argmax()", "torch.argmin(I, 0)",
    # var / std
    "A.var()", "A.std()", "A.var(1)", "A.std(1, unbiased=False)", "A.var(0, True)", "A.var(0, False, True)",
    "A.var(True)", "A.std(False)", "A.var(correction=0.5)", "A.std(correction=2)", "A.std(dim=None, correction=0)",
    "A.var(None, True)", "A.var((0, 1))", "A.std(())", "torch.var(A, 1)", "torch.std(A, dim=1, correction=0)",
    "I.std()", "I.var()", "S.std()", "torch.tensor([1.]).std()", "E.std()",
    # logsumexp
    "A.logsumexp(1)", "A.logsumexp((0, 1))", "A.logsumexp(1, keepdim=True)", "torch.logsumexp(A, 1)",
    "I.logsumexp(0)", "E.logsumexp(0)", "S.logsumexp(0)", "A.logsumexp()", "A.logsumexp(None)",
    "torch.tensor([-float('inf'), -float('inf')]).logsumexp(0)", "torch.tensor([1000., 1000.]).logsumexp(0)",
    # all / any
    "A.all()", "I.any(1)", "B.all(0)", "B.any((0, 1))", "B.all(dim=(0, 1))", "B.all(())", "E.all()", "E.any()",
    "torch.tensor([1, 2], dtype=torch.uint8).all()", "torch.tensor([1, 2], dtype=torch.uint8).any(0)",
    "torch.tensor([0.5]).all()", "A.all(5)", "S.all(0)",
    # cumulative
    "A.cumsum(1)", "A.cumsum(0)", "I.cumsum(0)", "B.cumsum(0)", "I.int().cumsum(0).dtype", "A.cumsum(dim=0, dtype=torch.float64)",
    "I.cumsum(0, dtype=torch.float32)", "A.cumsum()", "A.cumsum(2)", "S.cumsum(0)", "A.cumsum(axis=1)",
    "A.cumprod(1)", "I.cumprod(0)", "I.int().cumprod(0).dtype", "S.cumprod(0)",
    # softmax
    "A.softmax(1)", "A.softmax(0)", "A.softmax(dim=-1)", "torch.softmax(A, 1, dtype=torch.float64)", "A.softmax()",
    "torch.softmax(A)", "I.softmax(0)", "I.softmax(1)", "I.log_softmax(0)", "I.log_softmax(1)", "S.softmax(0)",
    "torch.tensor(1).softmax(0)", "I.softmax(0, dtype=torch.float32)", "A.log_softmax(1)", "torch.log_softmax(A, 0)",
    "A.softmax(2)", "torch.tensor([1000., 0.]).softmax(0)", "torch.tensor([-1000., 0.]).log_softmax(0)",
    # norm
    "A.norm()", "A.norm(dim=1)", "A.norm(dim=1, keepdim=True)", "A.norm(p=1)", "A.norm(p=float('inf'), dim=0)",
    "I.norm()",
]


@pytest.mark.parametrize("expr", REDUCTIONS)
def test_reduction_matches_pytorch(expr):
    agree(expr)


GRAPH = """
A = torch.tensor([[1., 5, 3], [4, 2, 6]], requires_grad=True)
S = torch.tensor(3., requires_grad=True)
"""


@pytest.mark.parametrize("expr", [
    "A.sum()", "A.sum(1)", "A.sum(())", "A.mean()", "A.mean(1)", "A.prod()", "A.prod(1)", "A.max()", "A.max(1)",
    "A.min(0)", "A.amax(1)", "A.amin(())", "A.argmax(1)", "A.std()", "A.var(1)", "A.norm()", "A.logsumexp(1)",
    "A.all()", "A.cumsum(0)", "A.cumprod(1)", "A.softmax(1)", "A.log_softmax(0)", "S.max(0)", "S.sum(0)",
])
def test_graph_node_names_match_pytorch(expr):
    agree(expr, GRAPH)


def test_max_with_dim_prints_like_pytorch():
    a = engine.tensor([[1., 5, 3], [4, 2, 6]])
    assert repr(a.max(1)) == ("torch.return_types.max(\nvalues=tensor([5., 6.]),\nindices=tensor([1, 2]))")
    values, indices = a.min(dim=0)
    assert values.tolist() == [1., 2., 3.] and indices.tolist() == [0, 1, 0]
    assert type(a.max(1)) is engine.return_types.max
    assert repr(type(a.max(1))) == "<class 'torch.return_types.max'>"


def test_literal_messages():
    a = engine.tensor([1, 2])
    with pytest.raises(RuntimeError, match=r"^mean\(\): could not infer output dtype. Input dtype must be either a "
                                           r"floating point or complex dtype. Got: Long$"):
        a.mean()
    with pytest.raises(RuntimeError, match=r"^linalg.vector_norm: Expected a floating point or complex tensor as "
                                           r"input. Got Long$"):
        a.norm()
    with pytest.raises(NotImplementedError, match=r'^"softmax_lastdim_kernel_impl" not implemented for \'Long\'$'):
        a.softmax(0)
    assert a.sum().dtype is engine.int64 and engine.tensor([1., 2.]).argmax().item() == 1


def test_var_with_no_degrees_of_freedom_warns_and_gives_nan():
    with pytest.warns(UserWarning, match=r"std\(\): degrees of freedom is <= 0"):
        assert engine.tensor(1.).std().isnan().item()


def test_out_and_inplace_variants():
    agree("(lambda o: (torch.sum(A, 1, out=o), o))(torch.empty(2))")
    agree("(lambda o: (torch.cumsum(A, 1, out=o), o))(torch.empty(2, 3))")
    agree("(lambda v, i: (tuple(torch.max(A, 1, out=(v, i))), v, i))(torch.empty(2), torch.empty(2, dtype=torch.long))")
    agree("A.clone().cumsum_(0)")
    agree("I.clone().cumprod_(1)")
    agree("A.clone().cumsum_(0, dtype=torch.float64)")
    agree("torch.tensor([[1, 2]], dtype=torch.int32).cumsum_(1)")


def test_gradient_of_max_goes_to_the_selected_element_only():
    a = engine.tensor([[1., 5, 5], [4, 2, 6]], requires_grad=True)
    a.max(1).values.sum().backward()
    assert a.grad.tolist() == [[0., 1., 0.], [0., 0., 1.]]
    b = engine.tensor([1., 5, 5], requires_grad=True)
    b.max().backward()   # ties share the gradient of a full reduction, as in PyTorch
    assert b.grad.tolist() == [0., 0.5, 0.5]


@pytest.mark.parametrize("shape,dims", [((5000,), None), ((300, 40), (1,)), ((64, 64, 3), (1, 2)),
                                        ((40, 300), (0,)), ((100, 100), (0, 1)), ((1030,), None)])
def test_fast_sum_paths_agree_with_numpy(shape, dims):
    data = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    t = engine.from_numpy(data)
    np.testing.assert_allclose(t.sum(dims).numpy() if dims else t.sum().numpy(),
                               data.astype(np.float64).sum(axis=dims), rtol=1e-5, atol=1e-3)
    np.testing.assert_allclose(t.mean(dims, keepdim=True).numpy() if dims else t.mean().numpy(),
                               data.astype(np.float64).mean(axis=dims, keepdims=dims is not None), rtol=1e-5,
                               atol=1e-5)


@pytest.mark.parametrize("ufunc", ["maximum", "minimum", "logaddexp"])
@pytest.mark.parametrize("shape", [(1,), (3,), (2, 3), (2, 1, 3), (5, 17), (4, 33, 2)])
def test_the_gpu_running_scan_matches_numpys_accumulate(ufunc, shape):
    """CuPy has no maximum/minimum/logaddexp.accumulate: cummax, cummin and logcumsumexp use a
    log-step scan there; it is checked here with NumPy standing in for CuPy."""
    import types
    from engine.ops.reduction import _accumulate
    stand_in = types.SimpleNamespace(moveaxis=np.moveaxis, **{ufunc: getattr(np, ufunc)})
    x = np.random.default_rng(0).standard_normal(shape)
    for axis in range(len(shape)):
        np.testing.assert_allclose(_accumulate(stand_in, ufunc, x, axis),
                                   getattr(np, ufunc).accumulate(x, axis=axis), rtol=1e-12)


def test_sum_over_a_broadcast_view_is_the_sum_of_one_copy_times_the_count():
    import time
    import engine
    start = time.perf_counter()
    big = engine.ones(1).expand(2 ** 30, 2 ** 30)
    assert big.sum().item() == 2.0 ** 60 and big.mean().item() == 1.0
    assert time.perf_counter() - start < 1
    x = engine.tensor([1, 2, 3]).expand(4, 3)
    assert x.sum().item() == 24 and x.sum(0).tolist() == [4, 8, 12] and x.sum(1).tolist() == [6, 6, 6, 6]
    assert engine.tensor([[1.0], [2.0]]).expand(2, 5).mean(1).tolist() == [1.0, 2.0]
