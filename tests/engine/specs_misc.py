"""Specs for the ops real programs called that the engine lacked (issue 12 §1, §4): the
out-of-place scatters, diag_embed, quantile and the special functions."""
from .opspec import BINARY_SHAPES, OpSpec, unary

VECTORS = [((1,),), ((3,),), ((2, 3),), ((2, 1, 3),)]


def spec(name, call, shapes=VECTORS, **kw):
    return OpSpec(name, call, shapes=shapes, **kw)


SPECS = [
    spec("diag_embed", lambda lib, x: lib.diag_embed(x)),
    spec("diag_embed_offset", lambda lib, x: x.diag_embed(offset=-1, dim1=0, dim2=-1)),
    spec("diagonal_scatter", lambda lib, x, s: lib.diagonal_scatter(x, s) * x,
         shapes=[((2, 2), (2,)), ((2, 3), (2,)), ((2, 3, 3), (3, 2))]),
    spec("diagonal_scatter_offset", lambda lib, x, s: x.diagonal_scatter(s, 1, -1, 0),
         shapes=[((3, 2), (2,)), ((2, 3, 3), (3, 1))]),
    spec("select_scatter", lambda lib, x, s: lib.select_scatter(x, s, 0, -1) * x,
         shapes=[((1,), ()), ((3,), ()), ((2, 3), (3,)), ((2, 1, 3), (1, 3))]),
    spec("select_scatter_dim", lambda lib, x, s: x.select_scatter(s, -1, 1), shapes=[((2, 3), (2,))]),
    spec("slice_scatter", lambda lib, x, s: lib.slice_scatter(x, s, start=1) * x,
         shapes=[((3,), (2,)), ((3, 2), (2, 2))]),
    spec("slice_scatter_step", lambda lib, x, s: x.slice_scatter(s, dim=1, start=-4, end=None, step=2),
         shapes=[((2, 4), (2, 2)), ((1, 5, 1), (1, 2, 1))]),
    # quantile: the drawn values are distinct, so the sort (and the gradient) is well defined
    spec("quantile", lambda lib, x: lib.quantile(x, 0.3), shapes=[((1,),), ((3,),), ((2, 3),)]),
    spec("quantile_dim", lambda lib, x: x.quantile(x.new_tensor([0.2, 0.5, 1.0]), dim=0, keepdim=True),
         shapes=[((3,),), ((4, 2),)]),
    spec("quantile_midpoint", lambda lib, x: lib.quantile(x, 0.5, -1, interpolation="midpoint"),
         shapes=[((2, 4),)]),
    spec("nanquantile", lambda lib, x: lib.nanquantile(x, 0.4, dim=1, interpolation="nearest"),
         shapes=[((3, 5),)]),
    # the gamma family, away from its poles (digamma's derivative is trigamma, and so on)
    unary("lgamma", domain=(0.5, 3.0)),
    unary("digamma", domain=(0.5, 3.0)),
    spec("polygamma", lambda lib, x: lib.polygamma(2, x), domain=(0.5, 3.0)),
    spec("polygamma_method", lambda lib, x: x.polygamma(1), domain=(0.5, 3.0)),
    spec("polygamma_negative", lambda lib, x: lib.polygamma(1, x), domain=(-0.9, -0.1), atol=1e-4),
    spec("mvlgamma", lambda lib, x: lib.mvlgamma(x, 3), domain=(1.2, 3.0)),
    spec("mvlgamma_method", lambda lib, x: x.mvlgamma(p=1), domain=(0.5, 3.0)),
    spec("entr", lambda lib, x: lib.special.entr(x), domain=(0.2, 2.0)),
    spec("zeta", lambda lib, q: lib.special.zeta(3.0, q), domain=(0.5, 3.0)),
    spec("zeta_tensors", lambda lib, x, q: lib.special.zeta(x + 1.5, q), shapes=[((3,), (3,)), ((2, 1), (3,))],
         domain=(0.5, 3.0), nondiff=(0,)),
    OpSpec("xlog1py", lambda lib, x, y: lib.special.xlog1py(x, y), shapes=BINARY_SHAPES, domain=(0.1, 2.0)),
    spec("xlog1py_number", lambda lib, y: lib.special.xlog1py(2.0, y), domain=(0.1, 2.0)),
    # the modified Bessel functions: both signs, across the series-asymptotic switch at 30 for i0e and i1e
    unary("i0", domain=(0.1, 3.0), signed=True),
    spec("i0e", lambda lib, x: lib.special.i0e(x), domain=(0.1, 40.0), signed=True),
    spec("i1", lambda lib, x: lib.special.i1(x), domain=(0.1, 3.0), signed=True),
    spec("i1e", lambda lib, x: lib.special.i1e(x), domain=(0.1, 40.0), signed=True),
    # the normal distribution's functions and erfcx, over both branches of each
    spec("ndtr", lambda lib, x: lib.special.ndtr(x), domain=(-3.0, 3.0)),
    spec("log_ndtr", lambda lib, x: lib.special.log_ndtr(x), domain=(-4.0, 2.0)),
    spec("ndtri", lambda lib, p: lib.special.ndtri(p), domain=(0.05, 0.95)),
    spec("erfcx", lambda lib, x: lib.special.erfcx(x), domain=(-2.0, 12.0)),
]
