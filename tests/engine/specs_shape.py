"""Specs for shape ops and indexing: views, joins, splits, gathers and scatters."""
from .opspec import BINARY_SHAPES, OpSpec

ANY = [((),), ((1,),), ((3,),), ((2, 3),), ((2, 1, 3),)]
AT_LEAST_1D = ANY[1:]
MATRICES = [((2, 3),), ((3, 4),)]
SAME = [((3,), (3,)), ((2, 3), (2, 3)), ((1,), (1,))]


def spec(name, call, shapes=ANY, **kw):
    return OpSpec(name, call, shapes=shapes, **kw)


SPECS = [
    spec("flatten", lambda lib, x: x.flatten(), any_shape=True),
    spec("flatten_range", lambda lib, x: lib.flatten(x.transpose(0, -1), 0, 1), shapes=[((2, 3),), ((2, 1, 3),)]),
    spec("unflatten", lambda lib, x: x.unflatten(-1, (1, -1)), shapes=AT_LEAST_1D),
    spec("squeeze", lambda lib, x: x.squeeze()),
    spec("squeeze_dim", lambda lib, x: lib.squeeze(x, 0)),
    spec("unsqueeze", lambda lib, x: lib.unsqueeze(x, -1), any_shape=True),
    spec("permute", lambda lib, x: x.permute(2, 0, 1), shapes=[((2, 1, 3),), ((1, 2, 2),)]),
    spec("T", lambda lib, x: x.T, shapes=[((2, 3),), ((1, 3),)]),
    spec("mT", lambda lib, x: x.mT, shapes=[((2, 3),), ((2, 1, 3),)]),
    spec("movedim", lambda lib, x: lib.movedim(x, 0, -1), shapes=[((2, 3),), ((2, 1, 3),)]),
    spec("expand", lambda lib, x: x.expand(2, *x.shape)),
    spec("expand_as", lambda lib, x: x.expand_as(lib.ones(4, 1, 1, 1) * 0 + x)),
    spec("repeat", lambda lib, x: x.repeat(2, *([1] * x.dim())), any_shape=True),
    spec("repeat_each", lambda lib, x: x.repeat(2, 3), shapes=[((1,),), ((3,),), ((2, 3),)]),
    spec("contiguous", lambda lib, x: x.t().contiguous(), shapes=MATRICES),
    spec("cat", lambda lib, a, b: lib.cat([a, b]), shapes=[((3,), (2,)), ((2, 3), (1, 3))]),
    spec("cat_dim", lambda lib, a, b: lib.cat((a, b, a), dim=-1), shapes=[((2, 3), (2, 1)), ((1,), (2,))]),
    spec("concat", lambda lib, a, b: lib.concat([a, b], 1), shapes=[((2, 3), (2, 2))]),
    spec("stack", lambda lib, a, b: lib.stack([a, b]), shapes=[((), ())] + SAME),
    spec("stack_last", lambda lib, a, b: lib.stack([a, b], -1), shapes=SAME),
    spec("split", lambda lib, x: x.split(2, -1)[-1], shapes=[((3,),), ((2, 5),)]),
    spec("split_sizes", lambda lib, x: lib.split(x, [1, 2], 0)[1], shapes=[((3,),), ((3, 2),)]),
    spec("split_all", lambda lib, x: (lambda p: p[0].sum() * p[1].sum())(x.split(1)), shapes=[((2,),), ((2, 3),)]),
    spec("chunk", lambda lib, x: x.chunk(2, -1)[0], shapes=[((3,),), ((2, 4),)]),
    spec("unbind", lambda lib, x: x.unbind(-1)[1], shapes=[((3,),), ((2, 3),)]),
    spec("unbind_all", lambda lib, x: (lambda p: p[0] * p[-1])(lib.unbind(x)), shapes=[((2,),), ((3, 2),)]),
    spec("flip", lambda lib, x: x.flip(-1), shapes=AT_LEAST_1D, any_shape=False),
    spec("flip_dims", lambda lib, x: lib.flip(x, (0, 1)), shapes=[((2, 3),), ((2, 1, 3),)]),
    spec("narrow", lambda lib, x: x.narrow(-1, 1, 2), shapes=[((3,),), ((2, 3),)]),
    spec("select", lambda lib, x: lib.select(x, -1, 1), shapes=[((3,),), ((2, 3),)]),
    # indexing
    spec("index_alias", lambda lib, x: x[...]),
    spec("index_full_slices", lambda lib, x: x[:, :], shapes=MATRICES),
    spec("index_mask", lambda lib, x: x[x > 0], domain=(-1.0, 1.0)),
    spec("index_tensor", lambda lib, x: x[lib.tensor([1, 0, 1])], shapes=[((2,),), ((2, 3),)]),
    spec("index_mixed", lambda lib, x: x[1:, [0, 2]], shapes=[((2, 3),), ((3, 4),)]),
    spec("index_pair", lambda lib, x: x[[0, 1], [2, 0]], shapes=MATRICES),
    spec("index_0d_tensor", lambda lib, x: x[lib.tensor(1)], shapes=[((2,),), ((2, 3),)]),
    spec("index_bool_scalar", lambda lib, x: x[True]),
    spec("masked_fill", lambda lib, x: x.masked_fill(x > 0, 0.5), domain=(-1.0, 1.0), any_shape=True),
    spec("masked_fill_tensor", lambda lib, x, v: lib.masked_fill(x, x > 0, v),
         shapes=[((3,), ()), ((2, 3), ()), ((), ())], domain=(-1.0, 1.0)),
    spec("masked_fill_broadcast", lambda lib, x: x.masked_fill(lib.tensor([[True], [False]]), 1.0),
         shapes=[((3,),), ((2, 3),)]),
    spec("index_select", lambda lib, x: x.index_select(-1, lib.tensor([2, 0, 2])), shapes=[((3,),), ((2, 3),)]),
    spec("index_select_0d", lambda lib, x: lib.index_select(x, 0, lib.tensor([0])), shapes=[((),)]),
    spec("gather", lambda lib, x: x.gather(1, lib.tensor([[0, 0], [2, 1]])), shapes=MATRICES),
    spec("gather_dim0", lambda lib, x: lib.gather(x, 0, lib.tensor([[1, 0, 1]])), shapes=MATRICES),
    spec("scatter", lambda lib, x, s: x.scatter(1, lib.tensor([[2, 0], [1, 2]]), s),
         shapes=[((2, 3), (2, 2)), ((3, 4), (2, 2))]),
    spec("scatter_value", lambda lib, x: lib.scatter(x, 0, lib.tensor([[1, 0]]), 0.5), shapes=MATRICES),
    spec("scatter_add", lambda lib, x, s: x.scatter_add(1, lib.tensor([[0, 0], [1, 0]]), s),
         shapes=[((2, 3), (2, 2)), ((3, 4), (2, 2))]),
    spec("where", lambda lib, a, b: lib.where(a > 0, a, b), shapes=BINARY_SHAPES, domain=(-1.0, 1.0),
         any_shape=True),
    spec("where_scalar", lambda lib, x: lib.where(x > 0, 1.0, x), domain=(-1.0, 1.0)),
    spec("where_method", lambda lib, x, y: x.where(x > 0, y), shapes=[((2, 3), (3,)), ((), (2,))],
         domain=(-1.0, 1.0)),
]
