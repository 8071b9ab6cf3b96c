"""Half precision as PyTorch computes it: reductions and composite functions compute in float32 and
round once (ATen's opmath), so float16 results equal PyTorch's bit for bit."""
from __future__ import annotations

import numpy as np
import pytest

import engine
from tests.oracle import torch_or_skip

# Each: lib, x -> a float16 tensor; x is standard normal data of the shape given.
BIT_EXACT = {
    "sum": lambda lib, x: x.sum(1),
    "mean": lambda lib, x: x.mean(),
    "mean_dim": lambda lib, x: x.mean(0),
    "nanmean": lambda lib, x: x.nanmean(1),
    "var": lambda lib, x: x.var(1),
    "var_all": lambda lib, x: x.var(),
    "std": lambda lib, x: x.std(0),
    "std_unbiased_false": lambda lib, x: x.std(1, unbiased=False),
    "var_mean": lambda lib, x: lib.var_mean(x, 1)[0],
    "std_mean": lambda lib, x: lib.std_mean(x, 1)[0],
    "norm": lambda lib, x: x.norm(dim=1),
    "vector_norm_3": lambda lib, x: lib.linalg.vector_norm(x, 3, dim=1),
    "cumsum": lambda lib, x: x.cumsum(1),
    "cumprod": lambda lib, x: (x.abs() + 0.5).cumprod(1),
    "logcumsumexp": lambda lib, x: lib.logcumsumexp(x, 1),
    "logsumexp": lambda lib, x: lib.logsumexp(x, 1),
    "prod": lambda lib, x: (x.abs() + 0.5).prod(1),
    "prod_all": lambda lib, x: (x.abs() * 0.1 + 0.95).prod(),
    "prod_dim0": lambda lib, x: (x.abs() + 0.5).prod(0),
    "log_softmax": lambda lib, x: lib.log_softmax(x, 1),
    "log_softmax_dim0": lambda lib, x: lib.log_softmax(x, 0),
    "rsqrt": lambda lib, x: lib.rsqrt(x.abs() + 0.1),
    "gelu": lambda lib, x: lib.nn.functional.gelu(x * 2),
    "softplus": lambda lib, x: lib.nn.functional.softplus(x * 2),
    "softplus_beta": lambda lib, x: lib.nn.functional.softplus(x, beta=2.0, threshold=3.0),
    "batch_norm_training": lambda lib, x: lib.nn.functional.batch_norm(
        x * 2 + 0.5, lib.zeros(x.shape[1], dtype=x.dtype), lib.ones(x.shape[1], dtype=x.dtype), training=True),
    "batch_norm_affine": lambda lib, x: lib.nn.functional.batch_norm(
        x.t().contiguous(), lib.zeros(x.shape[0], dtype=x.dtype), lib.ones(x.shape[0], dtype=x.dtype),
        x[:, 0].contiguous(), x[:, 1].contiguous(), training=True),
    "batch_norm_eval": lambda lib, x: lib.nn.functional.batch_norm(
        x * 3, x[0] / 4, x[1].abs() + 0.5, x[0].contiguous(), x[1].contiguous()),
    "batch_norm_strided": lambda lib, x: lib.nn.functional.batch_norm(   # ATen's generic kernel, in half
        x.t().contiguous(), lib.zeros(x.shape[0], dtype=x.dtype), lib.ones(x.shape[0], dtype=x.dtype), x[:, 0],
        x[:, 1], training=True),
    "batch_norm_eval_strided": lambda lib, x: lib.nn.functional.batch_norm(
        x * 3, x[0] / 4, x[1].abs() + 0.5, lib.stack([x[0], x[1]], 1)[:, 0], lib.stack([x[0], x[1]], 1)[:, 1]),
}
SHAPES = [(4, 7), (3, 50), (2, 300), (5, 1000)]


@pytest.mark.parametrize("name", BIT_EXACT)
def test_float16_results_equal_pytorchs_bit_for_bit(name):
    torch = torch_or_skip()
    op = BIT_EXACT[name]
    rng = np.random.default_rng(len(name))
    for shape in SHAPES * 3:
        data = rng.standard_normal(shape).astype(np.float16)
        ours, theirs = op(engine, engine.tensor(data)), op(torch, torch.tensor(data))
        assert ours.dtype is engine.float16
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy(), err_msg=f"{name} on {shape}")


@pytest.mark.parametrize("affine", [False, True])
def test_float16_layer_norm_is_within_a_unit_of_pytorchs(affine):
    """layer_norm computes in float32 and rounds once, as ATen's kernel; its row statistics add in
    another order than ATen's Welford cascade, which moves about one value in a thousand by one unit."""
    torch = torch_or_skip()
    rng = np.random.default_rng(7)
    mismatched = total = 0
    for shape in SHAPES * 3:
        data = (rng.standard_normal(shape) * 2 + 0.5).astype(np.float16)
        params = rng.standard_normal((2, shape[-1])).astype(np.float16) if affine else ()
        ours, theirs = (lib.nn.functional.layer_norm(lib.tensor(data), shape[-1:], *map(lib.tensor, params)).numpy()
                        for lib in (engine, torch))
        ulps = np.abs(ours.view(np.int16).astype(int) - theirs.view(np.int16).astype(int))
        assert ulps.max() <= 1, shape
        mismatched, total = mismatched + int((ulps > 0).sum()), total + ulps.size
    assert mismatched <= total // 500


# A float16 tensor with a number: ATen's reduced-float mul and div keep the number in float32
# (NumPy would round 0.1 to half first), addcmul/addcdiv/lerp compute in float32 with fused
# multiply-adds, add/sub round alpha to half and compute the vectorised part in float32.
# Each: lib, x, y, z -> a float16 tensor (x, y standard normal, z positive), s the number.
WITH_A_NUMBER = {
    "mul": lambda lib, x, y, z, s: x * s,
    "rmul": lambda lib, x, y, z, s: s * x,
    "mul_0d_tensor": lambda lib, x, y, z, s: x * lib.tensor(s),
    "mul_": lambda lib, x, y, z, s: x.mul_(s),
    "div": lambda lib, x, y, z, s: x / s,
    "rdiv": lambda lib, x, y, z, s: s / x,
    "div_0d_float64": lambda lib, x, y, z, s: x / lib.tensor(s, dtype=lib.float64),
    "div_trunc": lambda lib, x, y, z, s: lib.div(x, s, rounding_mode="trunc"),
    "floor_divide": lambda lib, x, y, z, s: x // s,
    "add": lambda lib, x, y, z, s: x + s,
    "rsub": lambda lib, x, y, z, s: s - x,
    "add_alpha": lambda lib, x, y, z, s: lib.add(x, y, alpha=s),
    "sub_alpha": lambda lib, x, y, z, s: lib.sub(x, y, alpha=s),
    "rsub_alpha": lambda lib, x, y, z, s: lib.rsub(x, y, alpha=s),
    "pow": lambda lib, x, y, z, s: z ** s,
    "addcmul": lambda lib, x, y, z, s: lib.addcmul(x, y, z, value=s),
    "addcdiv": lambda lib, x, y, z, s: lib.addcdiv(x, y, z, value=s),
    "lerp": lambda lib, x, y, z, s: lib.lerp(x, y, s),
    "lerp_tensor_weight": lambda lib, x, y, z, s: lib.lerp(x, y, z / 4),
    "remainder": lambda lib, x, y, z, s: x % s,
}
NUMBERS = [0.1, 1 / 3, 0.7, 7.77, 2049]
# contiguous runs (inner loop of 5003 and of 12), rows with a tail, broadcast rows and planes
OPERAND_SHAPES = [((5003,), (5003,)), ((4, 3), (4, 3)), ((7, 45), (45,)), ((7, 45), (7, 1)), ((2, 3, 70), (3, 70))]


@pytest.mark.parametrize("name", WITH_A_NUMBER)
def test_float16_with_a_number_equals_pytorchs_bit_for_bit(name):
    torch = torch_or_skip()
    op = WITH_A_NUMBER[name]
    rng = np.random.default_rng(len(name))
    for x_shape, y_shape in OPERAND_SHAPES:
        x = (rng.standard_normal(x_shape) * 3).astype(np.float16)
        y = rng.standard_normal(y_shape).astype(np.float16)
        z = (rng.random(x_shape) * 4 + 0.25).astype(np.float16)
        for s in NUMBERS:
            ours = op(engine, *(engine.tensor(a) for a in (x, y, z)), s)
            theirs = op(torch, *(torch.tensor(a) for a in (x, y, z)), s)
            assert ours.dtype is engine.float16
            np.testing.assert_array_equal(ours.numpy().view(np.uint16), theirs.numpy().view(np.uint16),
                                          err_msg=f"{name} on {x_shape} and {y_shape} with {s}")


def test_bfloat16_is_refused_with_its_reason():
    with pytest.raises(AttributeError, match=r"^torch\.bfloat16 is not supported by tensorsh: NumPy, which holds "
                                             r"tensorsh's tensors, has no bfloat16 type; use torch\.float16 or "
                                             r"torch\.float32$"):
        engine.bfloat16
    assert not hasattr(engine, "bfloat16") and hasattr(engine, "float16")
    with pytest.raises(AttributeError, match=r"^module 'engine' has no attribute 'not_a_name'$"):
        engine.not_a_name


@pytest.mark.parametrize("shape, dim", [((4, 7), 0), ((3, 50), 0), ((64, 33), 0), ((3, 5, 40), 1), ((2, 3, 37), 0),
                                        ((7, 64), -2)])
def test_float16_softmax_along_a_dim_not_the_last_equals_pytorchs(shape, dim):
    """ATen's kernel moves positions between its vectorised and scalar paths by how it shares them
    among threads: torch runs on as many threads as the engine assumes."""
    torch = torch_or_skip()
    data = np.random.default_rng(sum(shape)).standard_normal(shape).astype(np.float16)
    threads = torch.get_num_threads()
    torch.set_num_threads(engine.get_num_threads())
    try:
        theirs = torch.softmax(torch.tensor(data), dim).numpy()
    finally:
        torch.set_num_threads(threads)
    ours = engine.softmax(engine.tensor(data), dim).numpy()
    np.testing.assert_array_equal(ours.view(np.uint16), theirs.view(np.uint16))
