"""torch.autograd.forward_ad: dual tensors and their tangents, held against PyTorch.

The tangent of every op's output comes from the op's own vjp (the double-vjp trick in
engine/autograd/forward_ad.py), so the sweep below runs ops of every family through make_dual
and compares the tangents unpack_dual gives with PyTorch's, which come from its jvp formulas.
"""
from __future__ import annotations

import pytest

import engine
from tests.oracle import assert_same, outcome, torch_or_skip

# op(lib, x, y): x and y are dual tensors of shape (2, 3), with positive primals
OPS = {
    "sin": lambda lib, x, y: x.sin(),
    "exp_log": lambda lib, x, y: x.exp() + y.log(),
    "mul_div": lambda lib, x, y: x * y / (y + 1),
    "pow": lambda lib, x, y: x ** 3 + x.pow(y),
    "sqrt_tanh_sigmoid": lambda lib, x, y: x.sqrt() * y.tanh() + x.sigmoid(),
    "scalar_mul": lambda lib, x, y: 2 * x - y * 0.5,
    "matmul": lambda lib, x, y: x @ y.t(),
    "sum_mean": lambda lib, x, y: x.sum(0) + y.mean(1).sum(),
    "max_min": lambda lib, x, y: x.max() - y.amin(1).sum(),
    "softmax": lambda lib, x, y: x.softmax(1) * y.log_softmax(0),
    "views": lambda lib, x, y: x.view(3, 2)[1:] + y.t()[:2],
    "reshape_cat": lambda lib, x, y: lib.cat([x.reshape(-1), y.flatten()]),
    "broadcast": lambda lib, x, y: x + y[0],
    "where_clamp": lambda lib, x, y: lib.where(x > 0.5, x, y).clamp(0.2, 0.8),
    "relu_abs": lambda lib, x, y: lib.nn.functional.relu(x - 0.5) + (y - 0.5).abs(),
    "norm": lambda lib, x, y: x.norm() + lib.linalg.vector_norm(y, dim=1).sum(),
    "cumsum_prod": lambda lib, x, y: x.cumsum(1) * y.prod(1, keepdim=True),
    "round_is_flat": lambda lib, x, y: (x * 10).round(),
    "mse_loss": lambda lib, x, y: lib.nn.functional.mse_loss(x, y),
    "in_place": lambda lib, x, y: x.clone().mul_(y).add_(1),
    # ops with several outputs: one node for all, each output its own tangent
    "split_unbind_chunk": lambda lib, x, y: lib.cat([x.split(2, 1)[1].flatten(), y.unbind(0)[1],
                                                     x.chunk(3, 1)[2].flatten()]),
    "max_min_along_a_dim": lambda lib, x, y: x.max(1).values + y.min(0)[0][:2],
    "aminmax_var_mean": lambda lib, x, y: lib.aminmax(x, dim=1).max * lib.var_mean(y, 1)[1],
    "decompositions": lambda lib, x, y: lib.linalg.svd(x @ y.t()).S + lib.linalg.eigh(x @ x.t()).eigenvalues,
}

PRIMALS = ([[0.1, 0.7, 0.3], [0.9, 0.2, 0.6]], [[0.4, 0.8, 0.5], [0.25, 0.65, 0.35]])
TANGENTS = ([[1.0, 0.0, -1.0], [0.5, 2.0, 0.0]], [[0.0, 1.0, 0.5], [-1.0, 0.0, 3.0]])


def _tangent_of(lib, op, dtype):
    fwad = lib.autograd.forward_ad
    with fwad.dual_level():
        x, y = (fwad.make_dual(lib.tensor(p, dtype=dtype), lib.tensor(t, dtype=dtype))
                for p, t in zip(PRIMALS, TANGENTS))
        primal, tangent = fwad.unpack_dual(op(lib, x, y))
        return primal, tangent


@pytest.mark.parametrize("name", sorted(OPS))
def test_tangents_through_ops_are_pytorchs(name):
    torch = torch_or_skip()
    for dtype in ("float32", "float64"):
        assert_same(_tangent_of(engine, OPS[name], getattr(engine, dtype)),
                    _tangent_of(torch, OPS[name], getattr(torch, dtype)))


def test_dual_tensors_print_and_unpack_as_pytorchs():
    torch = torch_or_skip()

    def run(lib):
        fwad = lib.autograd.forward_ad
        primal, tangent = lib.tensor([1., 2., 3.]), lib.tensor([1., 0., 0.5])
        refused = outcome(lambda: fwad.make_dual(primal, tangent))
        with fwad.dual_level() as level:
            dual = fwad.make_dual(primal, tangent)
            out = dual.sin() * dual
            unpacked = fwad.unpack_dual(out)
            x = lib.tensor([1., 2.], requires_grad=True)
            y = fwad.make_dual(x, lib.ones(2)).exp()
            y.sum().backward()     # reverse mode still works on dual tensors
            facts = (level, repr(dual), dual._base is primal, dual.is_leaf, type(unpacked).__name__,
                     unpacked.primal, unpacked.tangent, unpacked.tangent is unpacked[1], fwad.unpack_dual(primal),
                     x.grad, y.grad_fn.name(), fwad.unpack_dual(y).tangent.detach(),
                     fwad.unpack_dual(dual > 1).tangent,
                     outcome(lambda: fwad.make_dual(primal, lib.ones(2))),
                     outcome(lambda: fwad.make_dual(lib.tensor([1, 2]), lib.tensor([1, 2]))),
                     outcome(lambda: fwad.make_dual(primal, lib.tensor([1, 2, 3]))))
        return facts, refused, fwad.unpack_dual(out)      # leaving the level drops the tangents

    assert_same(run(engine), run(torch))


def test_one_level_at_a_time():
    torch = torch_or_skip()

    def nested(lib):
        with lib.autograd.forward_ad.dual_level():
            with lib.autograd.forward_ad.dual_level():
                pass
    assert_same(outcome(lambda: nested(engine)), outcome(lambda: nested(torch)))
    with engine.autograd.forward_ad.dual_level():    # the failed nesting left no level open
        pass


def test_a_custom_function_gives_tangents_through_its_jvp():
    """Function.jvp(ctx, *tangents) reads what save_for_forward kept; a tensor input without a
    tangent arrives as zeros, a non-tensor as None; without jvp, PyTorch's NotImplementedError."""
    torch = torch_or_skip()

    def run(lib):
        seen = []

        class Cube(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, k):
                ctx.save_for_backward(x)
                ctx.save_for_forward(x)
                ctx.k = k
                return x ** 3 * k

            @staticmethod
            def backward(ctx, grad_output):
                (x,) = ctx.saved_tensors
                return 3 * x * x * grad_output * ctx.k, None

            @staticmethod
            def jvp(ctx, x_tangent, k_tangent):
                (x,) = ctx.saved_tensors
                seen.append(k_tangent)
                return 3 * x * x * x_tangent * ctx.k

        class Product(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, y):
                ctx.save_for_forward(x, y)
                return x * y

            @staticmethod
            def backward(ctx, grad_output):
                return grad_output, grad_output

            @staticmethod
            def jvp(ctx, x_tangent, y_tangent):
                x, y = ctx.saved_tensors
                seen.append(y_tangent)
                return x_tangent * y + x * y_tangent

        class NoJvp(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, grad_output):
                return grad_output * 2

        fwad = lib.autograd.forward_ad
        with fwad.dual_level():
            x = fwad.make_dual(lib.tensor([1., 2.]), lib.tensor([1., 0.5]))
            cube = Cube.apply(x, 2.0)
            product = Product.apply(x, lib.tensor([3., 4.]))
            a = lib.tensor([1., 2.], requires_grad=True)
            plain = Cube.apply(a, 1.0)
            return (cube, fwad.unpack_dual(cube).tangent, fwad.unpack_dual(product).tangent, seen,
                    outcome(lambda: NoJvp.apply(x)), NoJvp.apply(lib.ones(2)), plain, fwad.unpack_dual(plain).tangent)
    assert_same(run(engine), run(torch))
