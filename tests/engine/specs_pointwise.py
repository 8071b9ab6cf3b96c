"""Specs for the pointwise ops beyond the tutorial's, and for nn.functional's activations and losses.
Domains keep inputs away from the points where an op is not differentiable (integers for floor,
the bounds for clamp, ties for maximum)."""
import numpy as np

from .opspec import BINARY_SHAPES, OpSpec, binary, unary

TERNARY_SHAPES = [((), (), ()), ((3,), (3,), (3,)), ((2, 3), (3,), ()), ((2, 1), (1, 3), (2, 3))]


def classes(i, shape, rng):
    """Class indices for the target of nll_loss / cross_entropy (input 1 of the call)."""
    return rng.integers(0, 3, size=shape) if i == 1 else None


def probabilities(i, shape, rng):
    return rng.dirichlet(np.ones(shape[-1]), size=shape[:-1]) if i == 1 else None


SPECS = [
    unary("exp2"),
    unary("expm1"),
    unary("log2", domain=(0.5, 3.0)),
    unary("log10", domain=(0.5, 3.0)),
    unary("log1p", domain=(0.5, 3.0)),
    unary("rsqrt", domain=(0.5, 3.0)),
    unary("tan", domain=(-1.0, 1.0)),
    unary("asin", domain=(-0.9, 0.9)),
    unary("acos", domain=(-0.9, 0.9)),
    unary("atan"),
    unary("sinh"),
    unary("cosh"),
    unary("sign", domain=(0.1, 2.0), signed=True),
    unary("floor", domain=(0.1, 0.9), signed=True),
    unary("ceil", domain=(0.1, 0.9), signed=True),
    unary("trunc", domain=(0.1, 0.9), signed=True),
    unary("round", domain=(0.1, 0.4), signed=True),
    unary("frac", domain=(0.1, 0.9), signed=True),
    OpSpec("round_decimals", lambda lib, x: lib.round(x, decimals=1), domain=(0.11, 0.14), signed=True),
    OpSpec("abs_method_inplace", lambda lib, x: (x * 1).abs_(), domain=(0.1, 2.0), signed=True),
    OpSpec("sin_then_exp_in_place", lambda lib, x: (x * 1).sin_().exp_()),
    binary("atan2", domain=(0.5, 2.0), signed=True),
    binary("maximum"),
    binary("minimum"),
    binary("remainder", domain=(0.5, 2.0)),
    OpSpec("remainder_scalar", lambda lib, x: x % 0.7, domain=(0.1, 0.6), signed=True),
    OpSpec("true_divide", lambda lib, a, b: lib.true_divide(a, b), shapes=BINARY_SHAPES, domain=(0.5, 2.0),
           signed=True),
    OpSpec("div_floor", lambda lib, a, b: lib.div(a, b, rounding_mode="floor"), shapes=BINARY_SHAPES,
           domain=(0.5, 2.0)),
    OpSpec("where", lambda lib, a, b: lib.where(a > 0, a, b), shapes=BINARY_SHAPES, any_shape=True),
    OpSpec("where_scalar", lambda lib, a: lib.where(a > 0, a, 0.5)),
    OpSpec("lerp", lambda lib, a, b: lib.lerp(a, b, 0.3), shapes=BINARY_SHAPES, any_shape=True),
    OpSpec("lerp_tensor_weight", lambda lib, a, b, w: lib.lerp(a, b, w), shapes=TERNARY_SHAPES, any_shape=True),
    OpSpec("clamp", lambda lib, x: lib.clamp(x, -0.5, 0.5), any_shape=True),
    OpSpec("clamp_min", lambda lib, x: x.clamp(min=0.2), any_shape=True),
    OpSpec("clip_max", lambda lib, x: lib.clip(x, max=0.2)),
    OpSpec("clamp_tensors", lambda lib, x, lo, hi: lib.clamp(x, lo, hi), shapes=TERNARY_SHAPES, any_shape=True),
    OpSpec("clamp_tensor_min", lambda lib, x, lo: lib.clamp(x, lo), shapes=BINARY_SHAPES),
    OpSpec("clamp_min_function", lambda lib, x: lib.clamp_min(x, 0.3)),
    OpSpec("clamp_max_tensor", lambda lib, x, hi: lib.clamp_max(x, hi), shapes=BINARY_SHAPES),
    OpSpec("softplus", lambda lib, x: lib.nn.functional.softplus(x), any_shape=True),
    OpSpec("softplus_beta", lambda lib, x: lib.nn.functional.softplus(x, beta=2, threshold=1),
           domain=(-2.0, 0.4)),
    OpSpec("mse_loss", lambda lib, a, b: lib.nn.functional.mse_loss(a, b), shapes=[((3,), (3,)), ((2, 3), (2, 3))]),
    OpSpec("mse_loss_sum", lambda lib, a, b: lib.nn.functional.mse_loss(a, b, reduction="sum"),
           shapes=[((2, 3), (2, 3))]),
    OpSpec("mse_loss_none", lambda lib, a, b: lib.nn.functional.mse_loss(a, b, reduction="none"),
           shapes=[((2, 3), (2, 3)), ((), ())]),
    OpSpec("nll_loss", lambda lib, x, t: lib.nn.functional.nll_loss(x, t), shapes=[((4, 3), (4,)), ((3,), ())],
           make=classes, nondiff=(1,)),
    OpSpec("nll_loss_weight_none", lambda lib, x, t: lib.nn.functional.nll_loss(
        x, t, weight=lib.tensor([1., 2., 3.], dtype=lib.float64, device=x.device), reduction="none"),
        shapes=[((4, 3), (4,))], make=classes, nondiff=(1,)),
    OpSpec("nll_loss_2d", lambda lib, x, t: lib.nn.functional.nll_loss(x, t), shapes=[((2, 3, 4), (2, 4))],
           make=classes, nondiff=(1,)),
    OpSpec("cross_entropy", lambda lib, x, t: lib.nn.functional.cross_entropy(x, t),
           shapes=[((4, 3), (4,)), ((3,), ()), ((2, 3, 2, 2), (2, 2, 2))], make=classes, nondiff=(1,)),
    OpSpec("cross_entropy_sum_ignore", lambda lib, x, t: lib.nn.functional.cross_entropy(
        x, t, reduction="sum", ignore_index=0), shapes=[((4, 3), (4,))], make=classes, nondiff=(1,)),
    OpSpec("cross_entropy_probabilities", lambda lib, x, p: lib.nn.functional.cross_entropy(x, p),
           shapes=[((4, 3), (4, 3))], make=probabilities),
    OpSpec("log_softmax_functional", lambda lib, x: lib.nn.functional.log_softmax(x, dim=-1),
           shapes=[((2, 3),)]),
    binary("fmod", domain=(0.5, 2.0)),
    OpSpec("fmod_scalar", lambda lib, x: x.fmod(0.7), domain=(0.1, 0.6), signed=True),
    OpSpec("cross_entropy_label_smoothing", lambda lib, x, t: lib.nn.functional.cross_entropy(
        x, t, label_smoothing=0.2, ignore_index=2), shapes=[((4, 3), (4,)), ((2, 3, 2), (2, 2))], make=classes,
        nondiff=(1,)),
    OpSpec("cross_entropy_probabilities_smoothing", lambda lib, x, p: lib.nn.functional.cross_entropy(
        x, p, label_smoothing=0.1), shapes=[((4, 3), (4, 3))], make=probabilities),
]
