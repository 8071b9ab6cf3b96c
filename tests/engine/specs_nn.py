"""Specs for torch.nn.functional's layers: convolution, pooling, linear, normalisation, embedding,
padding, dropout, GELU, and the L1 and binary cross-entropy losses."""
import numpy as np

from .opspec import OpSpec


def F(lib):
    return lib.nn.functional


def constant(lib, x, values):
    """A tensor that does not require grad (a loss weight, running statistics) beside x."""
    return lib.tensor(values, dtype=x.dtype, device=x.device)


def probabilities(i, shape, rng):
    """binary_cross_entropy's input (0) and target (1): probabilities away from 0 and 1."""
    return rng.uniform(0.05, 0.95, size=shape) if i in (0, 1) else None


def target_probabilities(i, shape, rng):
    """binary_cross_entropy_with_logits' target (1): probabilities; its input is any logit."""
    return probabilities(i, shape, rng) if i == 1 else None


def indices(i, shape, rng):
    """embedding's indices (input 0), with repeats, into a table of four rows."""
    return np.array([[1, 0, 3], [3, 3, 2]])[: shape[0], : shape[1]] if i == 0 else None


def seeded(call):
    """dropout made repeatable: the same mask on every call (PyTorch's, from the same seed), so finite
    differences see a function."""
    def run(lib, *xs):
        lib.manual_seed(0)
        return call(lib, *xs)
    return run


def running_statistics(lib, x):
    """batch_norm in training with running statistics to update (their new values are compared in
    tests/engine/test_nn_modules.py: they move without a gradient, which finite differences would see)."""
    mean, var = constant(lib, x, [0.0, 0.5, -1.0]), constant(lib, x, [1.0, 2.0, 0.5])
    return F(lib).batch_norm(x, mean, var, training=True, momentum=0.3)


def batch_norm_eval(lib, x, w, b):
    mean, var = constant(lib, x, [0.1, 0.2, -0.3]), constant(lib, x, [1.5, 0.5, 2.0])
    return F(lib).batch_norm(x, mean, var, w, b, training=False)


IMAGE = [((2, 3, 7, 6), (4, 3, 3, 2), (4,))]
SPECS = [
    OpSpec("conv2d", lambda lib, x, w, b: F(lib).conv2d(x, w, b), shapes=IMAGE + [((3, 5, 5), (2, 3, 2, 2), (2,))]),
    OpSpec("conv2d_strided", lambda lib, x, w, b: F(lib).conv2d(x, w, b, stride=2, padding=1, dilation=(2, 1)),
           shapes=[((2, 3, 9, 8), (4, 3, 3, 2), (4,))]),
    OpSpec("conv2d_groups", lambda lib, x, w: F(lib).conv2d(x, w, stride=(1, 2), padding=(2, 1), groups=2),
           shapes=[((2, 4, 7, 6), (6, 2, 3, 3))]),
    OpSpec("conv2d_same", lambda lib, x, w: F(lib).conv2d(x, w, padding="same"), shapes=[((1, 2, 6, 5), (3, 2, 3, 3))]),
    OpSpec("conv1d", lambda lib, x, w, b: F(lib).conv1d(x, w, b, stride=2, padding=1, dilation=2),
           shapes=[((2, 3, 11), (4, 3, 3), (4,)), ((3, 6), (2, 3, 2), (2,))]),
    OpSpec("max_pool2d", lambda lib, x: F(lib).max_pool2d(x, 2), shapes=[((2, 3, 8, 6),), ((2, 5, 4),)]),
    OpSpec("max_pool2d_padded", lambda lib, x: F(lib).max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
           shapes=[((2, 3, 8, 7),)]),
    OpSpec("max_pool2d_dilated", lambda lib, x: F(lib).max_pool2d(x, (2, 3), stride=1, dilation=2),
           shapes=[((3, 8, 7),)]),
    OpSpec("avg_pool2d", lambda lib, x: F(lib).avg_pool2d(x, 2), shapes=[((2, 3, 8, 6),), ((2, 5, 4),)]),
    OpSpec("avg_pool2d_padded", lambda lib, x: F(lib).avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
           shapes=[((2, 3, 8, 7),)]),
    OpSpec("avg_pool2d_exclude_pad", lambda lib, x: F(lib).avg_pool2d(
        x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), shapes=[((2, 3, 8, 7),)]),
    OpSpec("avg_pool2d_divisor", lambda lib, x: F(lib).avg_pool2d(x, 2, divisor_override=3), shapes=[((3, 8, 7),)]),
    OpSpec("adaptive_avg_pool2d", lambda lib, x: F(lib).adaptive_avg_pool2d(x, (3, 4)),
           shapes=[((2, 3, 8, 7),), ((3, 5, 5),)]),
    OpSpec("adaptive_avg_pool2d_global", lambda lib, x: F(lib).adaptive_avg_pool2d(x, 1), shapes=[((2, 3, 4, 4),)]),
    OpSpec("linear", lambda lib, x, w, b: F(lib).linear(x, w, b),
           shapes=[((4,), (3, 4), (3,)), ((2, 4), (3, 4), (3,)), ((5, 2, 4), (3, 4), (3,))]),
    OpSpec("linear_no_bias", lambda lib, x, w: F(lib).linear(x, w), shapes=[((4,), (3, 4)), ((2, 4), (3, 4)),
                                                                          ((5, 2, 4), (3, 4))]),
    OpSpec("bilinear", lambda lib, x1, x2, w, b: F(lib).bilinear(x1, x2, w, b),
           shapes=[((5, 3), (5, 4), (2, 3, 4), (2,)), ((2, 6, 3), (2, 6, 4), (2, 3, 4), (2,)),
                   ((3,), (4,), (2, 3, 4), (2,))]),
    OpSpec("bilinear_no_bias", lambda lib, x1, x2, w: F(lib).bilinear(x1, x2, w),
           shapes=[((5, 3), (5, 4), (2, 3, 4))]),
    OpSpec("gelu", lambda lib, x: F(lib).gelu(x), any_shape=True),
    OpSpec("gelu_tanh", lambda lib, x: F(lib).gelu(x, approximate="tanh"), any_shape=True),
    OpSpec("leaky_relu", lambda lib, x: F(lib).leaky_relu(x, 0.2), any_shape=True, signed=True, domain=(0.1, 2.0)),
    OpSpec("elu", lambda lib, x: F(lib).elu(x, alpha=0.5), any_shape=True, signed=True, domain=(0.1, 2.0)),
    OpSpec("selu", lambda lib, x: F(lib).selu(x), any_shape=True, signed=True, domain=(0.1, 2.0)),
    OpSpec("silu", lambda lib, x: F(lib).silu(x), any_shape=True, signed=True, domain=(0.1, 2.0)),
    OpSpec("mish", lambda lib, x: F(lib).mish(x), any_shape=True, signed=True, domain=(0.1, 2.0)),
    OpSpec("hardtanh", lambda lib, x: F(lib).hardtanh(x, -0.5, 0.5), any_shape=True, signed=True, domain=(0.1, 1.0)),
    OpSpec("relu6", lambda lib, x: F(lib).relu6(x * 8), any_shape=True, signed=True, domain=(0.1, 1.0)),
    OpSpec("logsigmoid", lambda lib, x: F(lib).logsigmoid(x), any_shape=True, signed=True, domain=(0.1, 2.0)),
    OpSpec("dropout", seeded(lambda lib, x: F(lib).dropout(x, 0.4))),   # the same mask as PyTorch draws
    OpSpec("dropout_eval", lambda lib, x: F(lib).dropout(x, 0.4, training=False) * 2),
    OpSpec("layer_norm", lambda lib, x, w, b: F(lib).layer_norm(x, (3,), w, b), shapes=[((2, 4, 3), (3,), (3,))]),
    OpSpec("layer_norm_plain", lambda lib, x: F(lib).layer_norm(x, (4, 3)), shapes=[((2, 4, 3),)]),
    OpSpec("batch_norm", lambda lib, x, w, b: F(lib).batch_norm(x, None, None, w, b, training=True),
           shapes=[((4, 3, 2, 2), (3,), (3,)), ((4, 3), (3,), (3,))]),
    OpSpec("batch_norm_eval", batch_norm_eval, shapes=[((4, 3, 5), (3,), (3,))]),
    OpSpec("batch_norm_running", running_statistics, shapes=[((4, 3),)]),
    # (padding_idx takes a row's gradient away, which finite differences see: tests/engine/test_nn_modules.py)
    OpSpec("embedding", lambda lib, i, w: F(lib).embedding(i, w), shapes=[((2, 3), (4, 5))],
           make=indices, nondiff=(0,)),
    OpSpec("pad", lambda lib, x: F(lib).pad(x, (1, 2, -1, 1), value=0.5), shapes=[((2, 3, 4),)]),
    OpSpec("pad_reflect", lambda lib, x: F(lib).pad(x, (3, 2, 1, 0), mode="reflect"), shapes=[((2, 4, 5),)]),
    OpSpec("pad_reflect_1d", lambda lib, x: F(lib).pad(x, (-1, 4), mode="reflect"), shapes=[((2, 5),)]),
    OpSpec("pad_replicate", lambda lib, x: F(lib).pad(x, (4, -1, 1, 0, 2, 2), mode="replicate"),
           shapes=[((1, 2, 3, 4),)]),
    OpSpec("pad_last_dim", lambda lib, x: F(lib).pad(x, (2, 0)), shapes=[((3,),), ((2, 3),)]),
    OpSpec("l1_loss", lambda lib, a, b: F(lib).l1_loss(a, b), shapes=[((2, 3), (2, 3))], signed=True,
           domain=(0.1, 1.0)),
    OpSpec("l1_loss_sum", lambda lib, a, b: F(lib).l1_loss(a, b * 3, reduction="sum"), shapes=[((3,), (3,))],
           domain=(0.5, 1.0)),
    OpSpec("binary_cross_entropy", lambda lib, x, t: F(lib).binary_cross_entropy(x, t),
           shapes=[((2, 3), (2, 3)), ((), ())], make=probabilities),
    OpSpec("binary_cross_entropy_weighted", lambda lib, x, t: F(lib).binary_cross_entropy(
        x, t, weight=constant(lib, x, [1.0, 2.0, 0.5]), reduction="none"), shapes=[((2, 3), (2, 3))],
        make=probabilities),
    OpSpec("binary_cross_entropy_with_logits", lambda lib, x, t: F(lib).binary_cross_entropy_with_logits(x, t),
           shapes=[((2, 3), (2, 3))], make=target_probabilities),
    OpSpec("binary_cross_entropy_with_logits_pos_weight", lambda lib, x, t: F(lib).binary_cross_entropy_with_logits(
        x, t, weight=constant(lib, x, [1.0, 2.0, 0.5]), pos_weight=constant(lib, x, [3.0, 0.5, 1.0]),
        reduction="sum"), shapes=[((2, 3), (2, 3))], make=target_probabilities),
]
