"""Specs for the ops real programs called that the engine lacked (issue 12 §1, §4): the
out-of-place scatters, diag_embed, quantile and the special functions."""
from .opspec import OpSpec

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
]
