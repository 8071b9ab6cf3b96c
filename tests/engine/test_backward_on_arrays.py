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
# relu, mse_loss, exp, tanh, views) with nodes that do not, broadcasting and scalars.
GRAPHS = {
    "linear, relu, mse": lambda lib, a, b, c: lib.nn.functional.mse_loss(
        lib.relu(lib.nn.functional.linear(a, b.t(), c)), lib.ones(4, 5)),
    "products and quotients": lambda lib, a, b, c: ((a @ b) * c / (c * c + 1) - 2.5 * c).mean(),
    "through exp, tanh and sin": lambda lib, a, b, c: (lib.exp(a @ b).tanh().sin() + c).sum(dim=1).mean(),
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
    assert not a.sin().grad_fn._on_arrays
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


# Every node marked to run on arrays, alone over a leaf x (4x3, with zeros and negative values): its
# gradient on arrays (a plain backward) and on Tensors (under create_graph) must agree bit for bit,
# -0. and NaN included, in each float dtype, and with PyTorch's.
MARKED = {
    "relu": lambda lib, x: x.relu(),
    "exp": lambda lib, x: x.exp(),
    "tanh": lambda lib, x: x.tanh(),
    "sigmoid": lambda lib, x: x.sigmoid(),
    "neg": lambda lib, x: -x,
    "pow by an int": lambda lib, x: x ** 3,
    "view": lambda lib, x: x.view(2, 6),
    "reshape of a transpose (a copy)": lambda lib, x: x.t().reshape(12),
    "reshape alias": lambda lib, x: x.t()[:, :2].reshape(3, 1, 2),
    "flatten": lambda lib, x: x.unsqueeze(0).flatten(),
    "unsqueeze": lambda lib, x: x.unsqueeze(1),
    "squeeze": lambda lib, x: x.reshape(4, 1, 3).squeeze(1),
    "mm, a transposed factor": lambda lib, x: lib.mm(x, x.t()),
    "linear": lambda lib, x: lib.nn.functional.linear(x, x, x[:, 0]),
    "softmax": lambda lib, x: x.softmax(0),
    "log_softmax": lambda lib, x: x.log_softmax(1),
    "nll_loss": lambda lib, x: lib.nn.functional.nll_loss(x, lib.tensor([2, 0, 1, 2])),
    "nll_loss, no reduction": lambda lib, x: lib.nn.functional.nll_loss(x, lib.tensor([2, 0, 1, 2]), reduction="none"),
    "cross_entropy (log_softmax then nll_loss)": lambda lib, x: lib.nn.functional.cross_entropy(
        x, lib.tensor([1, 0, 1, 2]), reduction="sum"),
}


# On half, pow's Tensor path keeps the exponent in float32 where NumPy would round it to half, and
# (log_)softmax's Tensor sum adds half in float32: they stay on Tensors there.
HALF_ON_TENSORS = {"pow by an int", "softmax", "log_softmax"}


def _leaf_and_gradient(lib, dtype, make):
    rng = np.random.default_rng(11)
    values = rng.standard_normal((4, 3))
    values[0, :2] = 0.0, -0.0
    x = lib.tensor(values, dtype=getattr(lib, dtype), requires_grad=True)
    y = make(lib, x)
    g = lib.tensor(rng.standard_normal(tuple(y.shape)), dtype=getattr(lib, dtype))
    return x, y, g


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("name", MARKED)
def test_each_marked_node_gives_the_same_gradient_on_arrays_and_on_tensors(name, dtype):
    torch = torch_or_skip()
    make = MARKED[name]
    x, y, g = _leaf_and_gradient(engine, dtype, make)
    assert y.grad_fn._on_arrays == (dtype != "float16" or name not in HALF_ON_TENSORS)
    on_arrays, = engine.autograd.grad(y, x, g)
    x, y, g = _leaf_and_gradient(engine, dtype, make)
    on_tensors, = engine.autograd.grad(y, x, g, create_graph=True)
    a, t = on_arrays.numpy(), on_tensors.detach().numpy()
    assert np.array_equal(a, t, equal_nan=True) and np.array_equal(np.signbit(a), np.signbit(t))
    x, y, g = _leaf_and_gradient(torch, dtype, make)
    assert_same_gradients([on_arrays], torch.autograd.grad(y, x, g))


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("size", [5, 1003])   # (PyTorch's vectorised loop, and its scalar tail)
def test_relu_keeps_minus_zero_and_passes_the_gradient_where_its_output_is_nan(size, dtype):
    """PyTorch's relu (clamp_min) keeps -0. and NaN; threshold_backward gives +0. where the output
    is <= 0 and the gradient itself elsewhere: where the output is NaN too."""
    torch = torch_or_skip()

    def run(lib, create_graph):
        x = lib.tensor(np.resize([-0.0, float("nan"), -2.0, 3.0, 0.0], size), dtype=getattr(lib, dtype),
                       requires_grad=True)
        y = x.relu()
        g = lib.tensor(np.resize([-5.0, 7.0, float("nan"), -0.0, 4.0], size), dtype=getattr(lib, dtype))
        grad, = lib.autograd.grad(y, x, g, create_graph=create_graph)
        return [np.asarray(t.detach().numpy()) for t in (y, grad)]
    theirs = run(torch, False)
    for ours in (run(engine, False), run(engine, True)):
        for mine, pytorch in zip(ours, theirs):
            assert np.array_equal(mine, pytorch, equal_nan=True)
            assert np.array_equal(np.signbit(mine), np.signbit(pytorch))


def test_a_linear_weights_gradient_is_row_major_as_the_weight():
    """mm computes the gradient of a transposed factor (linear's weight.t()) in the factor's own
    layout, as PyTorch does, so .grad has the weight's strides."""
    torch = torch_or_skip()
    for lib in (engine, torch):
        lib.manual_seed(0)
        layer = lib.nn.Linear(3, 5)
        layer(lib.ones(4, 3)).sum().backward()
        assert layer.weight.grad.is_contiguous() and layer.weight.grad.stride() == (3, 1)
