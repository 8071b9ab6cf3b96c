"""The common cases a training step runs through in few Python steps (linear on a matrix, an SGD
update) give what their general paths give, bit for bit, and what PyTorch gives: the same values,
the same graph, the same gradients; every other case still reaches the general path's checks."""
import itertools

import numpy as np
import pytest

import engine
from tests.oracle import assert_same, assert_same_gradients, outcome, torch_or_skip


def _layer(lib, dtype, wanted):
    """Input, weight and bias of a 4 -> 3 linear layer on 5 rows; ``wanted``: which require grad."""
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal(shape) for shape in ((5, 4), (3, 4), (3,))]
    return [lib.tensor(a, dtype=getattr(lib, dtype), requires_grad=w) for a, w in zip(arrays, wanted)]


def _graph(node):
    """A node's name and its inputs' graphs, down to the leaves (as nested tuples)."""
    if node is None:
        return None
    return type(node).__name__, tuple(_graph(next_node) for next_node, _ in node.next_functions)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("wanted", [w for w in itertools.product((False, True), repeat=3) if any(w)])
def test_linear_on_a_matrix_has_pytorchs_graph_and_gradients(wanted, dtype):
    """AddmmBackward0 over (bias, input, TBackward0 of the weight), as PyTorch records it."""
    torch = torch_or_skip()
    results = {}
    for lib in (engine, torch):
        x, w, b = _layer(lib, dtype, wanted)
        y = lib.nn.functional.linear(x, w, b)
        y.backward(lib.ones_like(y))
        results[lib] = y, _graph(y.grad_fn), [x.grad, w.grad, b.grad]
    (ours, our_graph, our_grads), (theirs, their_graph, their_grads) = results[engine], results[torch]
    assert_same(ours, theirs)
    assert our_graph == their_graph
    assert_same_gradients(our_grads, their_grads)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_linear_on_a_matrix_is_addmm_of_the_transposed_weight_bit_for_bit(dtype):
    def run(product):
        x, w, b = _layer(engine, dtype, (True, True, True))
        y = product(x, w, b)
        y.backward(engine.ones_like(y))
        return [t.detach().numpy() for t in (y, x.grad, w.grad, b.grad)]
    fast = run(engine.nn.functional.linear)
    general = run(lambda x, w, b: engine.addmm(b, x, w.t()))
    for mine, addmm_s in zip(fast, general):
        assert np.array_equal(mine, addmm_s)


# The cases linear's common path leaves to addmm: its errors must be PyTorch's
REFUSED = {
    "bias of another length": lambda lib: lib.nn.functional.linear(lib.ones(2, 4), lib.ones(3, 4), lib.ones(2)),
    "input rows too short": lambda lib: lib.nn.functional.linear(lib.ones(2, 5), lib.ones(3, 4), lib.ones(3)),
    "weight of another dtype": lambda lib: lib.nn.functional.linear(
        lib.ones(2, 4), lib.ones(3, 4, dtype=lib.float64), lib.ones(3)),
    "bias of another dtype": lambda lib: lib.nn.functional.linear(
        lib.ones(2, 4), lib.ones(3, 4), lib.ones(3, dtype=lib.float64)),
    "integers": lambda lib: lib.nn.functional.linear(
        lib.ones(2, 4, dtype=lib.int64), lib.ones(3, 4, dtype=lib.int64), lib.ones(3, dtype=lib.int64)),
    "a matrix bias": lambda lib: lib.nn.functional.linear(lib.ones(2, 4), lib.ones(3, 4), lib.ones(2, 3)),
    "a 3-d weight": lambda lib: lib.nn.functional.linear(lib.ones(2, 4), lib.ones(3, 4, 1), lib.ones(3)),
}


@pytest.mark.parametrize("name", REFUSED)
def test_linear_outside_its_common_case_is_pytorchs(name):
    torch = torch_or_skip()
    assert_same(outcome(lambda: REFUSED[name](engine)), outcome(lambda: REFUSED[name](torch)))


# addmm's dtype checks come before its shapes', in ATen's order: input's dtype against mat2's, then mat1's
ADDMM_DTYPES = {
    "input": lambda lib: lib.addmm(lib.ones(2, 2, dtype=lib.float64), lib.ones(2, 3), lib.ones(3, 2)),
    "mat2": lambda lib: lib.addmm(lib.ones(2, 2), lib.ones(2, 3), lib.ones(3, 2, dtype=lib.float64)),
    "mat1": lambda lib: lib.addmm(lib.ones(2, 2), lib.ones(2, 3, dtype=lib.float64), lib.ones(3, 2)),
    "mat1 and input": lambda lib: lib.addmm(lib.ones(2, 2, dtype=lib.float64), lib.ones(2, 3, dtype=lib.float64),
                                            lib.ones(3, 2)),
    "mat1, and the shapes": lambda lib: lib.addmm(lib.ones(2, 2), lib.ones(2, 3, dtype=lib.float64), lib.ones(4, 2)),
    "input, and a vector mat1": lambda lib: lib.addmm(lib.ones(2, 2, dtype=lib.float64), lib.ones(3), lib.ones(3, 2)),
    "integers against floats": lambda lib: lib.addmm(lib.ones(2, 2), lib.ones(2, 3, dtype=lib.int64),
                                                     lib.ones(3, 2, dtype=lib.int64)),
}


@pytest.mark.parametrize("name", ADDMM_DTYPES)
def test_addmm_checks_dtypes_first_in_atens_words(name):
    torch = torch_or_skip()
    assert_same(outcome(lambda: ADDMM_DTYPES[name](engine)), outcome(lambda: ADDMM_DTYPES[name](torch)))


SGD_SETTINGS = [dict(lr=0.1), dict(lr=1), dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01),
                dict(lr=0.1, momentum=0.9, nesterov=True, maximize=True)]


def _sgd_steps(lib, dtype, settings, steps=3):
    """Three SGD steps of two parameters on fixed gradients: their values after each."""
    rng = np.random.default_rng(5)
    params = [lib.tensor(rng.standard_normal(shape), dtype=getattr(lib, dtype), requires_grad=True)
              for shape in ((3, 4), (4,))]
    optimizer = lib.optim.SGD(params, **settings)
    seen = []
    for _ in range(steps):
        for p in params:
            p.grad = lib.tensor(rng.standard_normal(tuple(p.shape)), dtype=getattr(lib, dtype))
        optimizer.step()
        seen.append([p.detach().clone() for p in params])
    return seen


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("settings", SGD_SETTINGS, ids=str)
def test_sgd_steps_are_add_s_and_pytorchs(settings, dtype):
    """The update on arrays is the in-place add it stands for, bit for bit; and PyTorch's to the oracle's tolerance."""
    torch = torch_or_skip()
    ours, theirs = _sgd_steps(engine, dtype, settings), _sgd_steps(torch, dtype, settings)
    for our_step, their_step in zip(ours, theirs):
        for mine, pytorch in zip(our_step, their_step):
            assert_same(mine, pytorch)
    rng = np.random.default_rng(5)
    param = engine.tensor(rng.standard_normal((3, 4)), dtype=getattr(engine, dtype))
    update = engine.tensor(rng.standard_normal((3, 4)), dtype=getattr(engine, dtype))
    expected = param.clone().add_(update, alpha=-settings["lr"])
    with engine.no_grad():
        engine.optim.optimizer.add_scaled_(param, update, -settings["lr"])
    assert np.array_equal(param.numpy(), expected.numpy())


def test_an_sgd_step_moves_the_parameters_version():
    """A parameter saved for a backward and then stepped: the backward refuses it, as PyTorch's does."""
    torch = torch_or_skip()

    def run(lib):
        w = lib.ones(3, requires_grad=True)
        loss = (w * w).sum()
        w.grad = lib.ones(3)
        lib.optim.SGD([w], lr=0.1).step()
        return outcome(loss.backward), w._version
    (our_error, our_version), (their_error, their_version) = run(engine), run(torch)
    assert_same(our_error, their_error)
    assert our_version == their_version == 1
