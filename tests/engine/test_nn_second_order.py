"""Second derivatives through convolution and pooling: their gradients are ops of their own
(ConvolutionBackwardBackward0, MaxPool2DWithIndicesBackwardBackward0 ...), so that
create_graph=True differentiates them again, as PyTorch's do. Each layer: gradgradcheck in float64,
and the first and second gradients, with their grad_fn names, against PyTorch's."""
from __future__ import annotations

import numpy as np
import pytest

import engine
from tests.oracle import assert_same_gradients, torch_or_skip


def F(lib):
    return lib.nn.functional


RNG = np.random.default_rng(14)
IMAGE, WEIGHT, BIAS = RNG.standard_normal((2, 4, 7, 6)), RNG.standard_normal((6, 2, 3, 2)), RNG.standard_normal(6)

LAYERS = {
    "conv2d": (lambda lib, x, w, b: F(lib).conv2d(x, w, b, stride=(2, 1), padding=1, dilation=(1, 2), groups=2),
               (IMAGE, WEIGHT, BIAS)),
    "conv2d_same": (lambda lib, x, w: F(lib).conv2d(x, w, padding="same"), (IMAGE[:1, :2], WEIGHT[:3, :, :, :1])),
    "conv1d_unbatched": (lambda lib, x, w, b: F(lib).conv1d(x, w, b, stride=2, padding=1),
                         (IMAGE[0, :2, 0], WEIGHT[:, :, 0], BIAS)),
    "max_pool2d": (lambda lib, x: F(lib).max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True), (IMAGE,)),
    "max_pool2d_unbatched": (lambda lib, x: F(lib).max_pool2d(x, 2, dilation=2, stride=1), (IMAGE[0],)),
    "avg_pool2d": (lambda lib, x: F(lib).avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True,
                                                    count_include_pad=False), (IMAGE,)),
    "avg_pool2d_divisor": (lambda lib, x: F(lib).avg_pool2d(x, 2, divisor_override=3), (IMAGE[0],)),
    "adaptive_avg_pool2d": (lambda lib, x: F(lib).adaptive_avg_pool2d(x, (3, 4)), (IMAGE,)),
}


def second_order(lib, layer, arrays):
    """The gradients of sum(layer(...)**3) built with create_graph=True, then the gradients of a
    weighted sum of their squares: the first carry the double-backward nodes, the second go through them."""
    inputs = [lib.tensor(a, dtype=lib.float64, requires_grad=True) for a in arrays]
    first = lib.autograd.grad((layer(lib, *inputs) ** 3).sum(), inputs, create_graph=True)
    second = lib.autograd.grad(sum((g ** 2).sum() * (i + 1) for i, g in enumerate(first)), inputs)
    return list(first), list(second)


@pytest.mark.parametrize("name", LAYERS)
def test_second_derivative_passes_gradgradcheck(name):
    layer, arrays = LAYERS[name]
    inputs = [engine.tensor(a, dtype=engine.float64, requires_grad=True) for a in arrays]
    assert engine.autograd.gradgradcheck(lambda *xs: layer(engine, *xs), inputs)


@pytest.mark.parametrize("name", LAYERS)
def test_second_derivative_matches_pytorch(name):
    torch = torch_or_skip()
    layer, arrays = LAYERS[name]
    (ours_first, ours_second), (theirs_first, theirs_second) = (second_order(lib, layer, arrays)
                                                                for lib in (engine, torch))
    assert_same_gradients(ours_first, theirs_first)    # grad_fn: ConvolutionBackwardBackward0 ...
    assert_same_gradients(ours_second, theirs_second)


def test_third_derivative_through_a_convolution_matches_pytorch():
    """The double-backward node differentiates through itself: any order works, as in PyTorch."""
    torch = torch_or_skip()
    layer, arrays = LAYERS["conv2d"]
    results = []
    for lib in (engine, torch):
        inputs = [lib.tensor(a, dtype=lib.float64, requires_grad=True) for a in arrays]
        gx = lib.autograd.grad((layer(lib, *inputs) ** 3).sum(), inputs[0], create_graph=True)[0]
        gw = lib.autograd.grad((gx ** 2).sum(), inputs[1], create_graph=True)[0]
        results.append(list(lib.autograd.grad((gw ** 2).sum(), inputs)))
    assert_same_gradients(*results)
