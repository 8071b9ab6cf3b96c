"""The functions and methods of issue 12 §1 and §4 that corpus programs called (the scatters,
diag_embed, resize_, quantile, einsum's sublists, torch.accelerator, ...), compared with PyTorch
through the oracle: values, dtypes, grad_fn names, and error type and words."""
from __future__ import annotations

import pytest

import engine
from tests.oracle import assert_same, outcome, torch_or_skip


def _leaf(lib, values):
    return lib.tensor(values, requires_grad=True)


def _square(lib):
    return lib.arange(9.).reshape(3, 3).requires_grad_()


SCATTERS = {
    "diag_embed": lambda L: L.diag_embed(_leaf(L, [[1., 2.], [3., 4.]])),
    "diag_embed offset dims": lambda L: L.diag_embed(L.arange(6.).reshape(2, 3), offset=1, dim1=0, dim2=2),
    "diag_embed negative offset": lambda L: L.arange(6).reshape(2, 3).diag_embed(-2, -1, 0),
    "diag_embed of a number": lambda L: L.diag_embed(L.tensor(2.)),
    "diag_embed same dims": lambda L: L.diag_embed(L.ones(3), dim1=0, dim2=0),
    "diag_embed dim out of range": lambda L: L.diag_embed(L.ones(3), dim1=2),
    "diagonal_scatter": lambda L: L.diagonal_scatter(_square(L), _leaf(L, [1., 2., 3.])),
    "diagonal_scatter offset": lambda L: L.diagonal_scatter(L.zeros(3, 3), L.ones(2), -1),
    "diagonal_scatter casts src": lambda L: L.zeros(2, 2).diagonal_scatter(L.tensor([1, 2])),
    "diagonal_scatter wrong size": lambda L: L.diagonal_scatter(L.zeros(3, 3), L.ones(2)),
    "diagonal_scatter same dims": lambda L: L.diagonal_scatter(L.zeros(3, 3), L.ones(3), 0, 1, 1),
    "select_scatter": lambda L: L.select_scatter(_square(L), _leaf(L, [1., 2., 3.]), 1, -1),
    "select_scatter of a vector": lambda L: L.zeros(3).select_scatter(L.tensor(5.), 0, 2),
    "select_scatter wrong size": lambda L: L.zeros(2, 2).select_scatter(L.ones(3), 0, 0),
    "select_scatter index out of range": lambda L: L.zeros(2, 2).select_scatter(L.ones(2), 0, 2),
    "select_scatter of a number": lambda L: L.tensor(1.).select_scatter(L.tensor(2.), 0, 0),
    "slice_scatter": lambda L: L.slice_scatter(_square(L), _leaf(L, [[1., 2., 3.]]), start=1, end=2),
    "slice_scatter step": lambda L: L.zeros(3, 5).slice_scatter(L.ones(3, 2), dim=1, start=1, step=3),
    "slice_scatter clamps": lambda L: L.zeros(3).slice_scatter(L.ones(2), start=-10, end=2),
    "slice_scatter empty": lambda L: L.zeros(3).slice_scatter(L.ones(0), start=5),
    "slice_scatter wrong size": lambda L: L.zeros(8, 8).slice_scatter(L.ones(3, 8), start=6),
    "slice_scatter step 0": lambda L: L.zeros(3).slice_scatter(L.ones(3), step=0),
}


def _resized(lib, *sizes):
    x = lib.arange(1., 7.)
    x.resize_(*sizes)
    return x, x._version


RESIZE = {
    "resize_ to fewer": lambda L: _resized(L, 2, 2),
    "resize_ to a tuple": lambda L: _resized(L, (3, 2)),
    "resize_ to the same": lambda L: _resized(L, 6),
    "resize_ to a 0-d": lambda L: _resized(L, ()),
    "resize_ keeps the storage": lambda L: (lambda x: (x.resize_(2), x.add_(10), x)[2])(L.arange(4)),
    "resize_ negative": lambda L: _resized(L, 2, -1),
    "resize_ of a leaf requiring grad": lambda L: L.ones(2, requires_grad=True).resize_(2),
    "resize_ of a result requiring grad": lambda L: (L.ones(2, requires_grad=True) * 2).resize_(1, 2),
}


def _rows(lib):
    return lib.tensor([[3., 1., 2., 7.], [4., 1., 1., 2.], [0.5, -1., 9., 2.5]], requires_grad=True)


def _nan_rows(lib):
    return lib.tensor([[3., 1., lib.nan, 7.], [4., 1., 1., 2.], [lib.nan, lib.nan, lib.nan, lib.nan]],
                      dtype=lib.float64, requires_grad=True)


QUANTILES = {
    "quantile": lambda L: L.quantile(_rows(L), 0.3),
    "quantile along dim": lambda L: L.quantile(_rows(L), 0.3, dim=1),
    "quantile of many q": lambda L: L.quantile(_rows(L), L.tensor([0.25, 0.5, 1.]), dim=0, keepdim=True),
    "quantile keepdim without dim": lambda L: _rows(L).quantile(L.tensor([0.1, 0.9]), keepdim=True),
    "quantile of a 0-d": lambda L: L.quantile(L.tensor(3.), 0.5),
    "quantile with nan": lambda L: L.quantile(_nan_rows(L), 0.5, dim=-1),
    "nanquantile": lambda L: L.nanquantile(_nan_rows(L), L.tensor([0.3, 0.5], dtype=L.float64), dim=1),
    "nanquantile flat": lambda L: _nan_rows(L).nanquantile(0.75),
    **{f"quantile {how}": (lambda how: lambda L: L.quantile(L.arange(4.), L.tensor([0.4, 0.5, 0.6]),
                                                            interpolation=how))(how)
       for how in ("linear", "lower", "higher", "midpoint", "nearest")},
    "quantile of integers": lambda L: L.quantile(L.arange(4), 0.5),
    "quantile q out of range": lambda L: L.quantile(L.ones(3), 1.5),
    "quantile q tensor out of range": lambda L: L.quantile(L.ones(3), L.tensor([0.5, 2.])),
    "quantile q of 2 dims": lambda L: L.quantile(L.ones(3), L.tensor([[0.5]])),
    "quantile q of another dtype": lambda L: L.quantile(L.ones(3), L.tensor([0.5], dtype=L.float64)),
    "quantile unknown interpolation": lambda L: L.quantile(L.ones(3), 0.5, interpolation="cubic"),
    "quantile of nothing": lambda L: L.quantile(L.ones(2, 0), 0.5, dim=1),
    "quantile q as a list": lambda L: L.quantile(L.ones(3), [0.5]),
    "quantile dim out of range": lambda L: L.quantile(L.ones(3), 0.5, dim=1),
}
EINSUM_SUBLISTS = {
    "einsum sublists": lambda L: L.einsum(L.arange(6.).reshape(2, 3).requires_grad_(), [0, 1],
                                          L.arange(3.), [1], [0]),
    "einsum sublists with an ellipsis": lambda L: L.einsum(L.ones(3, 2, 5), [..., 0, 1], L.ones(3, 5, 4),
                                                           [..., 1, 2], [..., 0, 2]),
    "einsum sublists without an output": lambda L: L.einsum(L.arange(4.).reshape(2, 2), [27, 27]),
    "einsum sublist out of range": lambda L: L.einsum(L.ones(2), [52]),
}
LEGACY_CONSTRUCTORS = {
    "FloatTensor of sizes": lambda L: L.FloatTensor(2, 3).shape,
    "FloatTensor of a Size": lambda L: L.FloatTensor(L.Size([2])).shape,
    "DoubleTensor of nothing": lambda L: L.DoubleTensor(),
    "LongTensor of data": lambda L: L.LongTensor([1.5, 2.7]),
    "IntTensor of data": lambda L: L.IntTensor([[1, 2]]),
    "BoolTensor of data": lambda L: L.BoolTensor([1, 0]),
    "ByteTensor of sizes": lambda L: L.ByteTensor(2).dtype,
    "HalfTensor of data": lambda L: L.HalfTensor([1.5]),
    "FloatTensor on the cpu": lambda L: L.FloatTensor([1.], device="cpu"),
    "FloatTensor of a float tensor": lambda L: L.FloatTensor(L.ones(2)),
    "LongTensor of a float tensor": lambda L: L.LongTensor(L.ones(2)),
    "FloatTensor of a string": lambda L: L.FloatTensor("a"),
    "FloatTensor of a float": lambda L: L.FloatTensor(2.5),
    "FloatTensor of two lists": lambda L: L.FloatTensor([1], [2]),
    "FloatTensor with a dtype": lambda L: L.FloatTensor([1.], dtype=L.float64),
    "FloatTensor of a negative size": lambda L: L.FloatTensor(-1),
    "isinstance of a legacy type": lambda L: (isinstance(L.ones(2), L.FloatTensor),
                                              isinstance(L.ones(2), L.DoubleTensor),
                                              isinstance(L.arange(2), L.LongTensor), isinstance(2, L.LongTensor)),
    "a legacy type's attributes": lambda L: (L.FloatTensor.dtype, L.BoolTensor.is_cuda, repr(L.LongTensor),
                                             repr(type(L.HalfTensor))),
}
SETTINGS = {
    "get_default_device": lambda L: L.get_default_device(),
    "set_num_threads zero": lambda L: L.set_num_threads(0),
    "set_num_threads of a float": lambda L: L.set_num_threads(2.5),
    "set_num_threads of a bool": lambda L: L.set_num_threads(True),
    "set_default_device unknown": lambda L: L.set_default_device("foo"),
}


def _gamma_points(lib, dtype="float64"):
    """Poles, both zeros, both sides of the recurrence's and the series' switch points, large values."""
    return lib.tensor([0., -0., -1., -2.5, -1.5, 1e-8, 0.3, 1.4616321449683623, 2., 5.999, 6., 9.99, 10., 10.5,
                       123.4, 1e20, lib.inf, -lib.inf, lib.nan], dtype=getattr(lib, dtype))


SPECIAL = {
    **{f"{name} {dtype}": (lambda name, dtype: lambda L: getattr(L, name)(_gamma_points(L, dtype)))(name, dtype)
       for name in ("lgamma", "digamma") for dtype in ("float64", "float32")},
    **{f"polygamma {n}": (lambda n: lambda L: L.polygamma(n, _gamma_points(L)))(n) for n in range(5)},
    "polygamma of float32": lambda L: L.polygamma(2, _gamma_points(L, "float32")),
    "polygamma of integers": lambda L: L.polygamma(1, L.arange(1, 5)),
    "polygamma method": lambda L: L.tensor([0.5, 2.]).polygamma(3),
    "polygamma negative n": lambda L: L.polygamma(-1, L.ones(2)),
    "digamma of integers": lambda L: L.digamma(L.tensor([1, 2, 0])),
    "lgamma grad_fn": lambda L: L.lgamma(_leaf(L, [0.5, 3.])),
    "digamma grad_fn": lambda L: _leaf(L, [0.5, 3.]).digamma(),
    "mvlgamma": lambda L: L.mvlgamma(_leaf(L, [2.5, 3., 10.]), 3),
    "mvlgamma float64": lambda L: L.tensor([[1.5, 7.25]], dtype=L.float64).mvlgamma(p=2),
    "mvlgamma below its domain": lambda L: L.mvlgamma(L.tensor([1.0, 0.3, -0.75]), 3),
    "mvlgamma p 0": lambda L: L.mvlgamma(L.tensor([1.0]), 0),
    "special.psi": lambda L: L.special.psi(L.tensor([0.25, 4.])),
    "special.gammaln": lambda L: L.special.gammaln(L.tensor([0.25, 4.])),
    "special.multigammaln": lambda L: L.special.multigammaln(L.tensor([2.25, 4.]), 2),
    "special.polygamma": lambda L: L.special.polygamma(2, L.tensor([0.25, 4.])),
    "special.entr": lambda L: L.special.entr(L.tensor([0., -1., 0.5, 2., L.nan, L.inf], requires_grad=True)),
    "special.entr of integers": lambda L: L.special.entr(L.tensor([0, 1, 3])),
    "special.xlog1py": lambda L: L.special.xlog1py(_leaf(L, [0., 1., 2., 0.]), L.tensor([0., -1., 2., L.nan])),
    "special.xlog1py of a number": lambda L: L.special.xlog1py(2, _leaf(L, [0., 1.])),
    "special.xlog1py by a number": lambda L: L.special.xlog1py(_leaf(L, [0., 1.]), 3.),
    "special.zeta": lambda L: L.special.zeta(L.tensor([2., 3., 1., 0.5, 4., 2.5, 30., 2.]),
                                             L.tensor([1., 2., -1., 2., -2.5, -2.5, 0.5, 1e-3])),
    "special.zeta of numbers": lambda L: (L.special.zeta(2., _leaf(L, [1., 7.])), L.special.zeta(_leaf(L, [3.]), 2.)),
    **{f"special.{name} {dtype}": (lambda name, dtype: lambda L: getattr(L.special, name)(L.tensor(
        [0., -0., 1e-3, -2.5, 7., 29.9, 30., 30.1, -45., 100., 700., 720., L.inf, -L.inf, L.nan],
        dtype=getattr(L, dtype))))(name, dtype)
       for name in ("i0", "i0e", "i1", "i1e") for dtype in ("float64", "float32")},
    "i0 of integers": lambda L: L.i0(L.tensor([1, -2])),
    **{f"special.{name} {dtype}": (lambda name, dtype: lambda L: getattr(L.special, name)(L.tensor(
        [-40., -20., -5., -1.5, -1., -0.3, 0., 0.7, 5., 9.9, 10., 30., 1e10, L.inf, -L.inf, L.nan],
        dtype=getattr(L, dtype))))(name, dtype)
       for name in ("ndtr", "log_ndtr", "erfcx") for dtype in ("float64", "float32")},
    **{f"special.ndtri {dtype}": (lambda dtype: lambda L: L.special.ndtri(L.tensor(
        [0., 1e-300, 1e-20, 0.02, 0.3, 0.5, 0.7, 1 - 1e-16, 1., 1.5, -0.1, L.nan], dtype=getattr(L, dtype))))(dtype)
       for dtype in ("float64", "float32")},
    "normal functions' grad_fn": lambda L: tuple(getattr(L.special, name)(_leaf(L, [0.3]))
                                                 for name in ("ndtr", "log_ndtr", "ndtri", "erfcx")),
    "ndtr of integers": lambda L: L.special.ndtr(L.tensor([0, 1])),
    "i0 grad_fn": lambda L: (L.i0(_leaf(L, [1., -2.])), L.special.i1e(_leaf(L, [0.5]))),
}
CASES = {**SCATTERS, **RESIZE, **QUANTILES, **EINSUM_SUBLISTS, **LEGACY_CONSTRUCTORS, **SETTINGS, **SPECIAL}


def test_zeta_has_no_derivative_in_its_first_argument():
    torch = torch_or_skip()

    def backward(lib):
        x = lib.tensor([3., 4.], requires_grad=True)
        lib.special.zeta(x, 2.).sum().backward()
    assert_same(outcome(lambda: backward(engine)), outcome(lambda: backward(torch)))


def test_the_default_device_is_where_factories_put_tensors():
    torch = torch_or_skip()
    try:
        for lib in (engine, torch):
            lib.set_default_device("cpu")
        assert_same(engine.get_default_device(), torch.get_default_device())
        assert_same(engine.ones(2).device, torch.ones(2).device)
        assert_same(engine.arange(2).device, torch.arange(2).device)
    finally:
        for lib in (engine, torch):
            lib.set_default_device(None)
    assert_same(engine.get_default_device(), torch.get_default_device())


def test_the_thread_count_is_pytorchs_and_can_be_set():
    torch = torch_or_skip()
    assert engine.get_num_threads() == torch.get_num_threads()
    before = engine.get_num_threads()
    try:
        engine.set_num_threads(before + 3)
        assert engine.get_num_threads() == before + 3
    finally:
        engine.set_num_threads(before)


def test_torch_accelerator_answers_as_pytorch_on_this_machine():
    """Without a GPU PyTorch's CPU build has no accelerator; with one, engine.cuda is it."""
    torch = torch_or_skip()
    if engine.cuda.is_available():
        assert engine.accelerator.is_available() and engine.accelerator.current_accelerator().type == "cuda"
        assert engine.accelerator.device_count() == engine.cuda.device_count()
        assert engine.accelerator.current_device_index() == engine.cuda.current_device()
        return
    for name in ("is_available", "current_accelerator", "device_count", "current_device_index", "synchronize"):
        assert_same(outcome(getattr(engine.accelerator, name)), outcome(getattr(torch.accelerator, name)))
    assert_same(outcome(lambda: engine.accelerator.set_device_index(0)),
                outcome(lambda: torch.accelerator.set_device_index(0)))


def test_resize_to_more_elements_keeps_the_first():
    """PyTorch leaves the new elements uninitialised; the old ones stay in front."""
    torch = torch_or_skip()
    ours, theirs = engine.arange(1., 5.).resize_(2, 3), torch.arange(1., 5.).resize_(2, 3)
    assert ours.shape == theirs.shape and ours.flatten()[:4].tolist() == theirs.flatten()[:4].tolist()


# PyTorch's overload errors go on to say why each overload did not match; the engine lists them
FIRST_LINE_ONLY = {"FloatTensor of two lists", "FloatTensor with a dtype", "quantile q as a list"}


@pytest.mark.parametrize("name", CASES)
def test_matches_pytorch(name):
    torch = torch_or_skip()
    case = CASES[name]
    assert_same(outcome(lambda: case(engine)), outcome(lambda: case(torch)), first_line=name in FIRST_LINE_ONLY)
