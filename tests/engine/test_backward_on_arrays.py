"""Backward on raw arrays: without create_graph, the nodes whose vjps run on arrays (record's
on_arrays) get ndarrays, and everything a user can see stays as it is on the Tensor path.

The same graphs run three ways: a plain backward (arrays where the nodes allow), a backward under
create_graph (every vjp on Tensors) and PyTorch; their gradients must agree. Hooks, retained
gradients and autograd.grad's results must be Tensors whichever path produced them.
"""
import numpy as np
import pytest

import engine
from tests.oracle import assert_same, assert_same_gradients, torch_or_skip


def _leaves(lib):
    rng = np.random.default_rng(7)
    a = lib.tensor(rng.standard_normal((4, 3)).astype(np.float32), requires_grad=True)
    b = lib.tensor(rng.standard_normal((3, 5)).astype(np.float32), requires_grad=True)
    c = lib.tensor(rng.standard_normal(5).astype(np.float32), requires_grad=True)
    return a, b, c


# Each graph mixes nodes that run on arrays (add, sub, mul, div, mm, addmm, t, expand, sum, mean,
# relu, mse_loss) with nodes that do not (exp, tanh, a custom reshape), broadcasting and scalars.
GRAPHS = {
    "linear, relu, mse": lambda lib, a, b, c: lib.nn.functional.mse_loss(
        lib.relu(lib.nn.functional.linear(a, b.t(), c)), lib.ones(4, 5)),
    "products and quotients": lambda lib, a, b, c: ((a @ b) * c / (c * c + 1) - 2.5 * c).mean(),
    "through exp and tanh": lambda lib, a, b, c: (lib.exp(a @ b).tanh() + c).sum(dim=1).mean(),
    "expand and keepdim sums": lambda lib, a, b, c: (a.sum(0, keepdim=True).t().expand(3, 5) * b).sum(),
    "scalar on the left": lambda lib, a, b, c: (1 - a * 3).reshape(2, 6).mean(1).sum(),
}


@pytest.mark.parametrize("name", GRAPHS)
def test_plain_backward_matches_create_graph_and_pytorch(name):
    torch = torch_or_skip()
    graph = GRAPHS[name]
    plain = _leaves(engine)
    graph(engine, *plain).backward()
    recorded = _leaves(engine)
    recorded_grads = engine.autograd.grad(graph(engine, *recorded), recorded, create_graph=True, allow_unused=True)
    theirs = _leaves(torch)
    graph(torch, *theirs).backward()
    assert_same_gradients([t.grad for t in plain], [t.grad for t in theirs])
    for p, r in zip(plain, recorded_grads):   # the two engine paths compute the same numbers
        assert (p.grad is None) == (r is None)
        assert r is None or np.array_equal(p.grad.numpy(), r.detach().numpy())


def test_the_common_nodes_run_on_arrays_and_the_others_do_not():
    a, b, c = _leaves(engine)
    assert (a + c.reshape(1, 5)[:, :3]).grad_fn._on_arrays
    assert (a @ b).grad_fn._on_arrays
    assert (a * 2).mean().grad_fn._on_arrays
    assert not a.exp().grad_fn._on_arrays
    # mixed dtypes: NumPy would promote where PyTorch does not, so the Tensor path is kept
    assert not (a * engine.tensor(2.0, dtype=engine.float64)).grad_fn._on_arrays


def test_hooks_and_retained_gradients_see_tensors():
    torch = torch_or_skip()

    def run(lib):
        a, b, c = _leaves(lib)
        seen = []
        h = a @ b
        h.retain_grad()
        h.register_hook(lambda g: seen.append(type(g).__name__) or g * 2)
        y = h + c
        y.grad_fn.register_hook(lambda grad_in, grad_out: seen.append(
            [type(g).__name__ for g in grad_in + grad_out]))
        y.sum().backward()
        return a.grad, b.grad, c.grad, h.grad, seen
    ours, theirs = run(engine), run(torch)
    assert_same(ours[:4], theirs[:4])
    assert ours[4] == theirs[4]


def test_autograd_grad_returns_tensors():
    torch = torch_or_skip()

    def run(lib):
        a, b, c = _leaves(lib)
        h = a @ b
        return lib.autograd.grad((h * c).sum(), (a, h, c))
    assert_same(run(engine), run(torch))


def test_accumulates_into_an_existing_grad_and_counts_a_version():
    a, b, _ = _leaves(engine)
    (a @ b).sum().backward()
    first = a.grad.clone()
    version = a.grad._version
    (a @ b).sum().backward()
    assert np.array_equal(a.grad.numpy(), 2 * first.numpy())
    assert a.grad._version == version + 1


def test_a_gradient_of_the_wrong_shape_is_the_same_error():
    class Bad(engine.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return engine.ones(7)
    a = _leaves(engine)[0]
    with pytest.raises(RuntimeError, match=r"returned an invalid gradient at index 0 - got \[7\] but expected shape "
                                           r"compatible with \[4, 3\]"):
        (Bad.apply(a) * 2).sum().backward()
