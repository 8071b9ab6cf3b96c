"""Specs for the in-place shape ops and the NumPy-style shape composites (ravel, tile, hstack ...)."""
from .opspec import OpSpec

ANY = [((),), ((1,),), ((3,),), ((2, 3),), ((2, 1, 3),)]
UP_TO_2D = ANY[:4]
AT_LEAST_1D = ANY[1:]
AT_LEAST_2D = [((1, 1),), ((2, 3),), ((2, 1, 3),)]
PAIRS = [((), ()), ((1,), (1,)), ((3,), (3,)), ((2, 3), (2, 3))]


def spec(name, call, shapes=ANY, **kw):
    return OpSpec(name, call, shapes=shapes, **kw)


def in_place(name, *args, shapes=ANY):
    """An in-place shape op on a non-leaf (a leaf requiring grad may not be changed in place)."""
    return spec(name, lambda lib, x: getattr(x * 1, name)(*args) * 1, shapes)


def seeded(call):
    """A random op made repeatable: the same draws on every call, so finite differences see a function.
    The draws are PyTorch's own (the CPU streams are bit for bit), so values compare with it too."""
    def run(lib, *xs):
        lib.manual_seed(0)
        return call(lib, *xs)
    return run


SPECS = [
    in_place("t_", shapes=UP_TO_2D),
    in_place("transpose_", 0, -1, shapes=AT_LEAST_1D),
    in_place("swapaxes_", -1, 0, shapes=AT_LEAST_1D),
    in_place("swapdims_", 0, -1, shapes=AT_LEAST_1D),
    in_place("squeeze_"),
    in_place("squeeze_", 0),
    in_place("squeeze_", (0, -1), shapes=AT_LEAST_2D),
    in_place("unsqueeze_", -1),
    spec("ravel", lambda lib, x: lib.ravel(x), any_shape=True),
    spec("ravel_strided", lambda lib, x: x.t().ravel(), shapes=[((2, 3),), ((1, 3),)]),
    spec("broadcast_to", lambda lib, x: lib.broadcast_to(x, (2,) + tuple(x.shape)), any_shape=True),
    spec("broadcast_tensors", lambda lib, a, b: (lambda p: p[0] * 2 + p[1])(lib.broadcast_tensors(a, b)),
         shapes=[((), ()), ((3,), ()), ((2, 1), (1, 3)), ((1,), (2, 3))]),
    spec("tile", lambda lib, x: lib.tile(x, (2,)), any_shape=True),
    spec("tile_more_dims", lambda lib, x: x.tile((2, 1, 2)), any_shape=True),
    spec("hstack", lambda lib, a, b: lib.hstack([a, b, a]), shapes=PAIRS + [((2, 1), (2, 3))]),
    spec("vstack", lambda lib, a, b: lib.vstack((a, b)), shapes=PAIRS + [((3,), (2, 3))]),
    spec("dstack", lambda lib, a, b: lib.dstack([a, b]), shapes=PAIRS + [((2, 3), (2, 3, 2))]),
    spec("column_stack", lambda lib, a, b: lib.column_stack([a, b]), shapes=PAIRS + [((2,), (2, 3))]),
    spec("tensor_split", lambda lib, x: (lambda p: p[0].sum() * 2 + p[-1].sum())(lib.tensor_split(x, 2, -1)),
         shapes=AT_LEAST_1D),
    spec("tensor_split_indices", lambda lib, x: lib.tensor_split(x, [1, -1])[1], shapes=[((1,),), ((3,),), ((4, 2),)]),
    spec("hsplit", lambda lib, x: lib.hsplit(x, [1])[1] * 2, shapes=[((1,),), ((3,),), ((2, 3),)]),
    spec("vsplit", lambda lib, x: x.vsplit(1)[0] * 2, shapes=AT_LEAST_2D),
    spec("fliplr", lambda lib, x: lib.fliplr(x), shapes=AT_LEAST_2D),
    spec("flipud", lambda lib, x: x.flipud(), shapes=AT_LEAST_1D),
    spec("rot90", lambda lib, x: lib.rot90(x), shapes=AT_LEAST_2D),
    spec("rot90_k", lambda lib, x: x.rot90(-3, (-1, 0)), shapes=AT_LEAST_2D),
    spec("atleast_1d", lambda lib, x: lib.atleast_1d(x) * 1),
    spec("atleast_2d", lambda lib, x: lib.atleast_2d(x) * 1),
    spec("atleast_3d", lambda lib, x: lib.atleast_3d(x) * 1),
    # running extremes and log-sum-exp
    spec("cummax", lambda lib, x: lib.cummax(x, -1).values, any_shape=True),
    spec("cummin", lambda lib, x: x.cummin(0)[0], any_shape=True),
    spec("logcumsumexp", lambda lib, x: lib.logcumsumexp(x, -1), any_shape=True),
    spec("logcumsumexp_dim0", lambda lib, x: x.logcumsumexp(0), domain=(-30.0, 30.0), eps=1e-7, atol=1e-4),
    spec("view_as", lambda lib, x, y: x.view_as(y), shapes=[((2, 3), (3, 2)), ((), (1,))], nondiff=(1,)),
    spec("reshape_as", lambda lib, x, y: x.t().reshape_as(y), shapes=[((2, 3), (6,))], nondiff=(1,)),
    spec("clone", lambda lib, x: lib.clone(x) * x, any_shape=True),
    # in-place writers on a non-leaf: the overwritten values pass no gradient back, the others do
    spec("zero_", lambda lib, x: (x * 1).zero_() + x),
    spec("fill_", lambda lib, x: (x * 1).fill_(2.0) * x),
    spec("fill_tensor", lambda lib, x, v: (x * 1).fill_(v) * x, shapes=[((3,), ()), ((2, 3), ())]),
    spec("copy_", lambda lib, x, y: (x * 1).copy_(y) * x, shapes=[((3,), (3,)), ((2, 3), (3,)), ((2, 3), ())]),
    spec("bernoulli", seeded(lambda lib, p: lib.bernoulli(p) * p), domain=(0.1, 0.9)),
    # PyTorch defines normal's gradient as zero (its samples move with mean and std, yet NormalBackward
    # passes nothing back); finite differences would see the move, so the samples enter times zero
    spec("normal", seeded(lambda lib, m, s: lib.normal(m, s) * 0 + m * s), shapes=[((3,), (3,)), ((2, 3), (3,))],
         domain=(0.5, 2.0)),
    spec("normal_", seeded(lambda lib, x: (x * 1).normal_() * x)),
    spec("uniform_", seeded(lambda lib, x: (x * 1).uniform_() * x)),
    spec("bernoulli_", seeded(lambda lib, x: (x * 1).bernoulli_(0.5) * x)),
    spec("random_", seeded(lambda lib, x: (x * 1).random_(0, 5) * x)),
    spec("exponential_", seeded(lambda lib, x: (x * 1).exponential_() * x)),
    spec("float_power", lambda lib, x: lib.float_power(x, 2), any_shape=True),
    spec("float_power_tensor", lambda lib, x, y: x.float_power(y), shapes=PAIRS, domain=(0.5, 2.0)),
    spec("vdot", lambda lib, a, b: lib.vdot(a, b), shapes=[((3,), (3,)), ((1,), (1,))]),
    spec("cartesian_prod", lambda lib, a, b: lib.cartesian_prod(a, b), shapes=[((3,), (2,)), ((1,), (2,))]),
    spec("block_diag", lambda lib, a, b, c: lib.block_diag(a, b, c), shapes=[((2, 2), (3,), ()), ((1, 3), (2, 1), (2,))]),
    spec("repeat_interleave", lambda lib, x: lib.repeat_interleave(x, 2), shapes=[((),), ((3,),), ((2, 3),)]),
    spec("repeat_interleave_counts", lambda lib, x: x.repeat_interleave(lib.tensor([1, 0, 2], device=x.device), dim=1),
         shapes=[((2, 3),)]),
    spec("inner", lambda lib, a, b: lib.inner(a, b), shapes=[((3,), (3,)), ((2, 3), (4, 3)), ((2, 3), ())]),
    spec("kron", lambda lib, a, b: lib.kron(a, b), shapes=[((2, 2), (2, 3)), ((3,), (2, 2))]),
    spec("take_along_dim", lambda lib, x: lib.take_along_dim(x, lib.tensor([[0, 2], [1, 1]], device=x.device), dim=1),
         shapes=[((2, 3),)]),
    spec("take_along_dim_flat", lambda lib, x: x.take_along_dim(lib.tensor([4, 0], device=x.device)), shapes=[((2, 3),)]),
    spec("aminmax", lambda lib, x: sum(part * k for k, part in enumerate(lib.aminmax(x, dim=1), 1)), shapes=[((2, 3),)]),
    spec("dsplit", lambda lib, x: lib.dsplit(x, 2)[1], shapes=[((2, 2, 4),)]),
]
