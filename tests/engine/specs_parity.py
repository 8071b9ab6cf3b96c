"""Specs for the ops of the parity sweep (what a learner reaches for beyond the tutorial):
special functions, NaN-aware and sign-aware binary functions, fused multiply-adds, BLAS-style
products and differences. Domains keep away from the points where an op is not differentiable."""
from .opspec import OpSpec, binary, unary
from .specs_pointwise import TERNARY_SHAPES

SPECS = [
    unary("asinh"),
    unary("acosh", domain=(1.2, 3.0)),
    unary("atanh", domain=(-0.9, 0.9)),
    unary("deg2rad"),
    unary("rad2deg"),
    unary("sinc"),
    OpSpec("sinc_at_zero", lambda lib, x: lib.sinc(x * 0), shapes=[((3,),)]),
    unary("erf"),
    unary("erfc"),
    unary("erfinv", domain=(-0.9, 0.9)),
    unary("logit", domain=(0.05, 0.95)),
    # sgn alone has a ZeroTensor for its gradient in PyTorch
    OpSpec("sgn", lambda lib, x: lib.sgn(x) * x, domain=(0.1, 2.0), signed=True),
    unary("nan_to_num"),
    binary("hypot", domain=(0.5, 2.0)),
    binary("logaddexp"),
    binary("logaddexp2"),
    binary("fmax"),
    binary("fmin"),
    binary("copysign", domain=(0.5, 2.0), signed=True),
    OpSpec("copysign_scalar", lambda lib, a: lib.copysign(a, -1.), domain=(0.5, 2.0), signed=True),
    binary("xlogy", domain=(0.5, 2.0)),
    OpSpec("xlogy_scalar_other", lambda lib, a: lib.xlogy(a, 3.), domain=(0.5, 2.0)),
    OpSpec("xlogy_scalar_self", lambda lib, b: lib.xlogy(2., b), domain=(0.5, 2.0)),
    OpSpec("addcmul", lambda lib, a, b, c: lib.addcmul(a, b, c, value=0.5), shapes=TERNARY_SHAPES),
    OpSpec("addcdiv", lambda lib, a, b, c: lib.addcdiv(a, b, c, value=2), shapes=TERNARY_SHAPES, domain=(0.5, 2.0),
           signed=True),
    OpSpec("positive", lambda lib, x: lib.positive(x) * 1),
    OpSpec("diff", lambda lib, x: lib.diff(x), shapes=[((3,),), ((2, 3),)]),
    OpSpec("diff_n2_dim0", lambda lib, x, p: lib.diff(x, n=2, dim=0, prepend=p), shapes=[((2, 3), (1, 3))]),
    OpSpec("addmm", lambda lib, i, a, b: lib.addmm(i, a, b, beta=0.5, alpha=2), shapes=[((2, 3), (2, 4), (4, 3)),
                                                                                    ((3,), (2, 4), (4, 3)), ((), (1, 1), (1, 2))]),
    OpSpec("addmv", lambda lib, i, a, b: lib.addmv(i, a, b, alpha=-1), shapes=[((2,), (2, 3), (3,)), ((), (2, 3), (3,))]),
    OpSpec("addr", lambda lib, i, a, b: lib.addr(i, a, b, beta=2), shapes=[((2, 3), (2,), (3,)), ((1, 3), (2,), (3,))]),
    OpSpec("baddbmm", lambda lib, i, a, b: lib.baddbmm(i, a, b, alpha=0.5), shapes=[((2, 2, 3), (2, 2, 4), (2, 4, 3)),
                                                                                     ((3,), (2, 2, 4), (2, 4, 3))]),
    OpSpec("addbmm", lambda lib, i, a, b: lib.addbmm(i, a, b), shapes=[((2, 3), (4, 2, 5), (4, 5, 3))]),
    OpSpec("addmm_beta0", lambda lib, i, a, b: lib.addmm(i, a, b, beta=0), shapes=[((2, 2), (2, 3), (3, 2))]),
]
