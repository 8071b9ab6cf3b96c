"""The elementwise activations of engine/nn/activations.py against PyTorch's: values in half, single
and double precision, the first and second derivatives, the refusal of integer inputs."""
from __future__ import annotations

import numpy as np
import pytest

import engine
from tests.oracle import assert_same, assert_same_gradients, outcome, torch_or_skip

POINTS = np.array([-3.0, -1.5, -0.2, 0.0, 0.3, 1.0, 2.5, 7.0])
CALLS = [("leaky_relu", {}), ("leaky_relu", {"negative_slope": 0.2}), ("elu", {}), ("elu", {"alpha": 0.5}),
         ("selu", {}), ("silu", {}), ("mish", {}), ("hardtanh", {}), ("hardtanh", {"min_val": -2.0, "max_val": 0.5}),
         ("relu6", {}), ("logsigmoid", {})]


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("name, settings", CALLS)
def test_activation_and_its_two_derivatives_match_pytorch(name, settings, dtype):
    torch = torch_or_skip()
    results = []
    for lib in (engine, torch):
        x = lib.tensor(POINTS, dtype=getattr(lib, dtype), requires_grad=True)
        y = getattr(lib.nn.functional, name)(x, **settings)
        first, = lib.autograd.grad((y * y).sum(), x, create_graph=True)
        second, = lib.autograd.grad(first.sum(), x)
        # (the first derivative's own node: PyTorch's is EluBackwardBackward0 ..., ours the ops of the vjp)
        results.append([y, first.detach(), second])
    assert_same_gradients(*results)


@pytest.mark.parametrize("name, settings", CALLS)
def test_activation_of_integers_as_pytorch(name, settings):
    torch = torch_or_skip()
    assert_same(*[outcome(lambda: getattr(lib.nn.functional, name)(lib.arange(3), **settings))
                  for lib in (engine, torch)])


# F.relu is a function of its own, relu(input, inplace=False), over torch.relu and torch.relu_
RELU_CALLS = {
    "inplace=True": lambda lib, x: lib.nn.functional.relu(x.detach().clone(), inplace=True),
    "inplace as a position": lambda lib, x: lib.nn.functional.relu(x.detach().clone(), True),
    "inplace=False": lambda lib, x: lib.nn.functional.relu(x, inplace=False),
    "input by name": lambda lib, x: lib.nn.functional.relu(input=x),
    "in place on a leaf that requires grad": lambda lib, x: lib.nn.functional.relu(x, inplace=True),
    "integers in place": lambda lib, x: lib.nn.functional.relu(x.detach().long(), inplace=True),
    "bool": lambda lib, x: lib.nn.functional.relu(x.detach().bool()),
    "a number": lambda lib, x: lib.nn.functional.relu(3),
    "a number, in place": lambda lib, x: lib.nn.functional.relu(3, inplace=True),
    "torch.relu of a number": lambda lib, x: lib.relu(3),
    "out=": lambda lib, x: lib.nn.functional.relu(x, out=x),
}


@pytest.mark.parametrize("name", RELU_CALLS)
def test_functional_relu_as_pytorch(name):
    torch = torch_or_skip()
    ours, theirs = (outcome(lambda: RELU_CALLS[name](lib, lib.tensor(POINTS, requires_grad=True)))
                    for lib in (engine, torch))
    assert_same(ours, theirs)
