"""The parity sweep's ops against PyTorch, expression by expression (as
test_torch_parity.assert_matches_pytorch compares them): integer and bool inputs, scalar
arguments, in-place variants, and the errors."""
import pytest

import engine
from tests.oracle import torch_or_skip

from .test_torch_parity import assert_matches_pytorch

I = "lib.tensor([1, -2, 0])"
SPECIAL = "lib.tensor([nan, inf, -inf, 1.5, -0.0])"

EXPRESSIONS = [
    # special and inverse hyperbolic functions: integers compute in floats
    f"lib.asinh({I})", f"lib.arccosh({I})", f"lib.atanh({I})", f"lib.deg2rad({I})", f"lib.rad2deg({I})",
    f"lib.erf({I})", f"lib.erfc({I})", "lib.erfinv(lib.tensor([-1., -0.5, 0., 0.999, 1., 2.]))", f"lib.sinc({I})",
    "lib.erfc(x)", "lib.erfinv(x / 10)", "lib.tensor([1., 2.]).arcsinh_()", "x[0].erf()",
    # sgn and predicates
    f"lib.sgn({I})", f"lib.sgn({I} > 0)", f"lib.signbit({I})", f"lib.signbit({SPECIAL})", f"lib.signbit({I} > 0)",
    f"lib.isreal({I})", f"lib.isposinf({SPECIAL})", f"lib.isneginf({SPECIAL})", f"lib.isneginf({I})",
    f"lib.positive({I})", f"lib.positive({I} > 0)",
    # nan_to_num
    f"lib.nan_to_num({SPECIAL})", f"lib.nan_to_num({SPECIAL}, nan=1., posinf=2., neginf=-3.)", f"lib.nan_to_num({I})",
    f"lib.nan_to_num({SPECIAL}.double())", f"{SPECIAL}.nan_to_num_(0.5)", "lib.nan_to_num(x / 0)",
    # binary functions
    "lib.hypot(x, x.flip(0))", f"lib.hypot({I}, {I})", "lib.hypot(x, 2.)", "lib.logaddexp(x, x[0])",
    f"lib.logaddexp({I}, {I})", "lib.logaddexp2(x, x[1])", "lib.fmax(x, x.flip(1))",
    f"lib.fmax({I}, x[0, :3])", "lib.fmin(lib.tensor([nan, 1., nan]), lib.tensor([0., nan, nan]))",
    "lib.fmax(x, 1.)", "lib.copysign(x, -1.)", "lib.copysign(x, x.flip(0) - 4)", f"lib.copysign({I}, {I})",
    f"lib.copysign({I}, -1)", "lib.xlogy(x, x.flip(0))", "lib.xlogy(x, 2.)", "lib.xlogy(2., x)", f"lib.xlogy({I}, {I})",
    "lib.xlogy(lib.tensor([0., 0., 1.]), lib.tensor([0., nan, 2.]))",
    "lib.heaviside(x.detach(), x[0].detach())", f"lib.heaviside({I}, {I})", "lib.heaviside(x, 1.)", "lib.heaviside(x, x.float())",
    "(x * 1).hypot_(x)", "(x * 1).copysign_(-2.)", "(x * 1).xlogy_(2.)", f"{I}.gcd({I} * 3)", f"lib.lcm({I}, {I} + 5)",
    "lib.gcd(x, x)", f"lib.gcd({I} > 0, {I} > 0)", f"{I}.gcd_(lib.tensor(4))",
    # addcmul / addcdiv
    "lib.addcmul(x, x, x[0], value=0.5)", "lib.addcdiv(x[0], x, x + 10, value=2)", f"lib.addcmul({I}, {I}, {I})",
    f"lib.addcdiv({I}, {I}, {I})", "lib.addcmul(x, x, x.float())", "(x * 1).addcmul_(x, x)",
    "(x * 1).addcdiv_(x, x + 10, value=-1)", "lib.addcmul(x, x, lib.ones(5))",
    # products added to a tensor
    "lib.addmm(x[0], x.t(), x)", "lib.addmm(x[0, :3], x.t(), x)", "lib.addmm(x[0].float(), x.t(), x)",
    "lib.addmm(x[0], x[0], x)", "lib.addmm(x[0], x.t(), x.t())", "lib.addmm(x, x, x.t()[:, :3], beta=0)",
    "lib.addmm(lib.tensor([1, 2]), lib.tensor([[1, 2], [3, 4]]), lib.tensor([[1, 0], [0, 1]]), beta=2, alpha=3)",
    "lib.addmv(x[:, 0], x, x[0])", "lib.addmv(x[0], x, x[0])", "lib.addr(x, x[:, 0], x[0], alpha=2)",
    "lib.addr(lib.zeros(2, 3), lib.ones(2, dtype=lib.long), lib.ones(3, dtype=lib.long))",
    "lib.baddbmm(x[0, :3], x[None], x.t()[None, :, :3])", "lib.addbmm(x[0, :3], x[None], x.t()[None, :, :3])",
    "(x * 1).addmm_(x[:, :3], x.t()[:4, :4])", "(x.t() @ x).addmm_(x.t(), x)",
    # diff
    "x.diff()", "lib.diff(x, dim=0)", "lib.diff(x, n=2, prepend=x[:, :1], append=x[:, :2])", "lib.diff(x, n=9)",
    f"lib.diff({I})", f"lib.diff({I} > 0)", "lib.diff(x[0, 0])", "lib.diff(x, n=-1)",
]


def test_positive_is_its_input_and_xlogy_wants_a_tensor():
    x = engine.ones(2)
    assert engine.positive(x) is x
    with pytest.raises(TypeError) as info:
        engine.xlogy(1, 2)
    assert str(info.value) == (
        "xlogy() received an invalid combination of arguments - got (int, int), but expected one of:\n"
        " * (Tensor input, Tensor other, *, Tensor out = None)\n * (Number self, Tensor other, *, Tensor out = None)\n"
        " * (Tensor input, Number other, *, Tensor out = None)\n")


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_matches_pytorch(expression):
    assert_matches_pytorch(expression)


@pytest.mark.parametrize("expression", [
    "x.is_same_size(lib.ones(3, 4))", "x.is_same_size(lib.ones(4))", "x.is_signed()",
    "lib.ones(2, dtype=lib.uint8).is_signed()", "(x > 0).is_signed()", "x[0, 0].is_nonzero()", "x.is_nonzero()",
    "lib.ones(0).is_nonzero()", "x.get_device()", "repr(lib.arange(3).type_as(x))",
    "x.float().type_as(x).grad_fn.name()", "x.type_as(x) is x",
])
def test_tensor_questions_match_pytorch(expression):
    def run(lib):
        x = lib.tensor([[3., 1., 2., 7.], [0.5, 4., -4., 2.5], [1., 9., 8., 6.]], dtype=lib.float64,
                       requires_grad=True)
        try:
            return eval(expression, {"lib": lib, "x": x})
        except Exception as e:   # noqa: BLE001
            return type(e).__name__, str(e)
    torch = torch_or_skip()
    assert run(engine) == run(torch)
