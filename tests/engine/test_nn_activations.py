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
