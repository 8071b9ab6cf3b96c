"""Second derivatives through convolution, pooling, normalisation and padding: their gradients are ops of their
own (ConvolutionBackwardBackward0, MaxPool2DWithIndicesBackwardBackward0 ...), so that
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
    "layer_norm": (lambda lib, x, w, b: F(lib).layer_norm(x, (6,), w, b), (IMAGE[0], BIAS, WEIGHT[:, 0, 0, 0])),
    "layer_norm_plain": (lambda lib, x: F(lib).layer_norm(x, (7, 6)), (IMAGE[:, :2],)),
    "batch_norm": (lambda lib, x, w, b: F(lib).batch_norm(x, None, None, w, b, training=True),
                   (IMAGE[:, :, :2, 0], WEIGHT[:4, 0, 0, 0], BIAS[:4])),
    "batch_norm_eval": (lambda lib, x: F(lib).batch_norm(x, lib.tensor([0.1, 0.2, -0.3, 0.5], dtype=lib.float64),
                                                         lib.tensor([1.5, 0.5, 2.0, 1.0], dtype=lib.float64),
                                                         training=False), (IMAGE[:, :, 0],)),
    "pad": (lambda lib, x: F(lib).pad(x, (1, 2, -1, 1), value=0.5), (IMAGE[0],)),
    "pad_reflect": (lambda lib, x: F(lib).pad(x, (3, 2, 1, 0), mode="reflect"), (IMAGE,)),
    "pad_reflect_1d": (lambda lib, x: F(lib).pad(x, (-1, 4), mode="reflect"), (IMAGE[0, 0],)),
    "pad_replicate_3d": (lambda lib, x: F(lib).pad(x, (4, -1, 1, 0, 2, 2), mode="replicate"), (IMAGE,)),
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


@pytest.mark.parametrize("layer", ["layer_norm", "batch_norm"])
def test_a_third_derivative_through_normalisation_is_refused_not_wrong(layer):
    """Normalisation's second derivative is differentiated on detached copies (normalization.py says
    why): it has no history of its own, so create_graph=True through it is refused."""
    x = engine.tensor(IMAGE[:, :3, 0], requires_grad=True)
    calls = {"layer_norm": lambda: F(engine).layer_norm(x, (6,)),
             "batch_norm": lambda: F(engine).batch_norm(x, None, None, training=True)}
    gx = engine.autograd.grad((calls[layer]() ** 3).sum(), x, create_graph=True)[0]
    assert type(gx.grad_fn).__name__ == f"Native{layer.title().replace('_', '')}BackwardBackward0"
    with pytest.raises(NotImplementedError, match=f"the derivative of {layer}'s gradient's gradient"):
        engine.autograd.grad((gx ** 2).sum(), x, create_graph=True)
    assert engine.autograd.grad((gx ** 2).sum(), x)[0].shape == x.shape   # second order: fine
