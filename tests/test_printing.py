"""Tensor repr: literal cases from the PyTorch 2.13 reference, and exact comparison with real torch."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from engine import dtypes
from engine.device import Device
from engine.printing import format_array, get_printoptions, printoptions, set_printoptions, tensor_repr
from tests.oracle import torch_or_skip

CPU, CUDA0 = Device("cpu"), Device("cuda:0")


def FakeGradFn(name):
    """A grad_fn stand-in: printing shows the node's class name, as PyTorch does."""
    return type(name, (), {})()


class FakeTensor:
    """Just the attributes tensor_repr reads."""

    def __init__(self, data, dtype=None, device=CPU, requires_grad=False, grad_fn=None):
        self._data = np.asarray(data)
        self.dtype = dtypes.from_numpy_dtype(self._data.dtype) if dtype is None else dtype
        if dtype is not None:
            self._data = self._data.astype(dtype.np)
        self.device = device
        self.requires_grad = requires_grad or grad_fn is not None
        self.grad_fn = None if grad_fn is None else FakeGradFn(grad_fn)


def r(data, dtype=None, **kw):
    """repr of a stub tensor; python floats default to float32 like torch.tensor."""
    arr = np.asarray(data)
    if dtype is None and arr.dtype == np.float64:
        dtype = dtypes.float32
    return tensor_repr(FakeTensor(arr, dtype, **kw))


@pytest.fixture(autouse=True)
def _reset_printoptions():
    yield
    set_printoptions(profile="default")
    dtypes.set_default_dtype(dtypes.float32)
    try:
        import torch
    except ImportError:
        return
    torch.set_printoptions(profile="default")
    torch.set_default_dtype(torch.float32)


# ---------------------------------------------------------------------------
# literal cases from the reference (no torch needed)

nan, inf = float("nan"), float("inf")
LITERAL = [
    (([1., 2., 3.],), "tensor([1., 2., 3.])"),
    (([-1., 2., -3.],), "tensor([-1.,  2., -3.])"),
    (([1., 10., 100., 1000.],), "tensor([   1.,   10.,  100., 1000.])"),
    (([1., 1000., 1001.],), "tensor([1.0000e+00, 1.0000e+03, 1.0010e+03])"),
    (([100000001.],), "tensor([100000000.])"),
    (([123456789.],), "tensor([1.2346e+08])"),
    (([0., -0.],), "tensor([0., -0.])"),
    (([-0., 1.5],), "tensor([-0.0000, 1.5000])"),
    (([-0.5, 0.25, -100.125],), "tensor([  -0.5000,    0.2500, -100.1250])"),
    (([1.00005],), "tensor([1.0000])"),
    (([1.00006],), "tensor([1.0001])"),
    (([0.0001, 0.1],), "tensor([1.0000e-04, 1.0000e-01])"),
    (([1e5],), "tensor([100000.])"),
    (([1.5e8],), "tensor([1.5000e+08])"),
    (([1e-10, 1e10, -3.],), "tensor([ 1.0000e-10,  1.0000e+10, -3.0000e+00])"),
    ((12345678.9,), "tensor(12345679.)"),
    ((1e-5,), "tensor(1.0000e-05)"),
    (([1., nan, inf, -inf],), "tensor([1., nan, inf, -inf])"),
    (([1.5, nan],), "tensor([1.5000,    nan])"),
    (([inf, 1e-5],), "tensor([       inf, 1.0000e-05])"),
    (([100., nan],), "tensor([100.,  nan])"),
    (([[1., nan], [-inf, 2.5]],), "tensor([[1.0000,    nan],\n        [  -inf, 2.5000]])"),
    ((nan,), "tensor(nan)"),
    ((27.,), "tensor(27.)"),
    ((1 / 3,), "tensor(0.3333)"),
    ((3,), "tensor(3)"),
    ((True,), "tensor(True)"),
    ((3, dtypes.int32), "tensor(3, dtype=torch.int32)"),
    ((2.5, dtypes.float16), "tensor(2.5000, dtype=torch.float16)"),
    (([True, False, True],), "tensor([ True, False,  True])"),
    (([2**40, -1],), "tensor([1099511627776,            -1])"),
    (([255, 0], dtypes.uint8), "tensor([255,   0], dtype=torch.uint8)"),
    (([65504.], dtypes.float16), "tensor([65504.], dtype=torch.float16)"),
    (([1e-8], dtypes.float16), "tensor([0.], dtype=torch.float16)"),
    ((np.arange(12.).reshape(2, 3, 2),),
     "tensor([[[ 0.,  1.],\n         [ 2.,  3.],\n         [ 4.,  5.]],\n\n"
     "        [[ 6.,  7.],\n         [ 8.,  9.],\n         [10., 11.]]])"),
    ((np.arange(16).reshape(2, 2, 2, 2),),
     "tensor([[[[ 0,  1],\n          [ 2,  3]],\n\n         [[ 4,  5],\n          [ 6,  7]]],\n\n\n"
     "        [[[ 8,  9],\n          [10, 11]],\n\n         [[12, 13],\n          [14, 15]]]])"),
    ((np.zeros(0),), "tensor([])"),
    ((np.zeros((0, 3)),), "tensor([], size=(0, 3))"),
    ((np.zeros(0, np.int64),), "tensor([], dtype=torch.int64)"),
    ((np.zeros(0, bool),), "tensor([], dtype=torch.bool)"),
    ((np.zeros((0, 3), np.int64),), "tensor([], size=(0, 3), dtype=torch.int64)"),
    ((np.arange(1001),), "tensor([   0,    1,    2,  ...,  998,  999, 1000])"),
    ((np.arange(2000.) / 7,),
     "tensor([0.0000e+00, 1.4286e-01, 2.8571e-01,  ..., 2.8529e+02, 2.8543e+02,\n        2.8557e+02])"),
    ((np.arange(10000).reshape(100, 100),),
     "tensor([[   0,    1,    2,  ...,   97,   98,   99],\n"
     "        [ 100,  101,  102,  ...,  197,  198,  199],\n"
     "        [ 200,  201,  202,  ...,  297,  298,  299],\n"
     "        ...,\n"
     "        [9700, 9701, 9702,  ..., 9797, 9798, 9799],\n"
     "        [9800, 9801, 9802,  ..., 9897, 9898, 9899],\n"
     "        [9900, 9901, 9902,  ..., 9997, 9998, 9999]])"),
    ((np.arange(30.),),
     "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
     "        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n"
     "        28., 29.])"),
    ((np.arange(20.) * 1e5,),
     "tensor([      0.,  100000.,  200000.,  300000.,  400000.,  500000.,  600000.,\n"
     "         700000.,  800000.,  900000., 1000000., 1100000., 1200000., 1300000.,\n"
     "        1400000., 1500000., 1600000., 1700000., 1800000., 1900000.])"),
    ((np.arange(9.) / 7, dtypes.float64),
     "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429],\n"
     "       dtype=torch.float64)"),
    ((np.arange(14) * 100, dtypes.int32),
     "tensor([   0,  100,  200,  300,  400,  500,  600,  700,  800,  900, 1000, 1100,\n"
     "        1200, 1300], dtype=torch.int32)"),
]


@pytest.mark.parametrize("args, expected", LITERAL)
def test_reference_literal(args, expected):
    assert r(*args) == expected


def test_reference_grad_suffixes():
    x = np.arange(6.) / 7
    assert r(x, grad_fn="DivBackward0") == (
        "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143],\n       grad_fn=<DivBackward0>)")
    assert r(np.arange(10.) / 7, grad_fn="DivBackward0") == (
        "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n"
        "        1.2857], grad_fn=<DivBackward0>)")
    assert r(np.arange(6.) / 7, dtypes.float64, grad_fn="DivBackward0") == (
        "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143], dtype=torch.float64,\n"
        "       grad_fn=<DivBackward0>)")
    assert r(np.ones(3), dtypes.float64, requires_grad=True) == (
        "tensor([1., 1., 1.], dtype=torch.float64, requires_grad=True)")
    assert r(27., grad_fn="MeanBackward0") == "tensor(27., grad_fn=<MeanBackward0>)"
    assert r(np.zeros(0), grad_fn="MulBackward0") == "tensor([], grad_fn=<MulBackward0>)"
    assert r(np.zeros((0, 2)), dtypes.float64, requires_grad=True) == (
        "tensor([], size=(0, 2), dtype=torch.float64, requires_grad=True)")


def test_device_suffix():
    assert r([1., 2.], device=CUDA0) == "tensor([1., 2.], device='cuda:0')"
    assert r([1, 2], dtypes.int32, device=CUDA0) == "tensor([1, 2], device='cuda:0', dtype=torch.int32)"
    assert r([1., 2.], dtypes.float64, device=CUDA0, requires_grad=True) == (
        "tensor([1., 2.], device='cuda:0', dtype=torch.float64, requires_grad=True)")
    assert r(np.zeros((0, 3)), device=CUDA0) == "tensor([], device='cuda:0', size=(0, 3))"
    assert r([1., 2.], device=CPU) == "tensor([1., 2.])"


def test_printoptions_reference():
    set_printoptions(precision=2)
    assert r([1 / 3, 2 / 3]) == "tensor([0.33, 0.67])"
    assert r([1e-5, 1.]) == "tensor([1.00e-05, 1.00e+00])"
    set_printoptions(precision=4)
    set_printoptions(sci_mode=False)
    assert r([1e-5, 1e5]) == "tensor([     0.0000, 100000.0000])"
    set_printoptions(sci_mode=True)
    assert r([1., 2.]) == "tensor([1.0000e+00, 2.0000e+00])"
    assert r([0., 0.]) == "tensor([0., 0.])"   # no nonzero finite value: never sci
    set_printoptions(threshold=5)              # also resets sci_mode to None
    assert get_printoptions()["sci_mode"] is None
    assert r(np.arange(6)) == "tensor([0, 1, 2, 3, 4, 5])"
    assert r(np.arange(7)) == "tensor([0, 1, 2,  ..., 4, 5, 6])"
    set_printoptions(edgeitems=1)
    assert r(np.arange(7)) == "tensor([0,  ..., 6])"
    assert r(np.arange(16.).reshape(4, 4)) == "tensor([[ 0.,  ...,  3.],\n        ...,\n        [12.,  ..., 15.]])"
    set_printoptions(profile="default")
    set_printoptions(linewidth=40)
    assert r(np.arange(20.)) == (
        "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,\n         6.,  7.,  8.,  9., 10., 11.,\n"
        "        12., 13., 14., 15., 16., 17.,\n        18., 19.])")
    set_printoptions(profile="default")
    assert get_printoptions() == {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80,
                                  "sci_mode": None}
    set_printoptions(profile="full")
    assert get_printoptions()["threshold"] == float("inf")
    set_printoptions(profile="short")
    assert get_printoptions() == {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80,
                                  "sci_mode": None}


def test_printoptions_context_manager():
    with printoptions(precision=1, sci_mode=False):
        assert r([1 / 3]) == "tensor([0.3])"
        assert get_printoptions()["sci_mode"] is False
    assert get_printoptions() == {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80,
                                  "sci_mode": None}


def test_default_dtype_float64():
    dtypes.set_default_dtype(dtypes.float64)
    assert r([1.5], dtypes.float64) == "tensor([1.5000])"
    assert r([1.5], dtypes.float32) == "tensor([1.5000], dtype=torch.float32)"
    assert r(np.zeros(0), dtypes.float32) == "tensor([], dtype=torch.float32)"


def test_format_array_body():
    assert format_array(np.array([1.5, 2.0])) == "[1.5000, 2.0000]"
    assert format_array(np.array([[1, 2], [3, 4]], np.int32)) == "[[1, 2],\n        [3, 4]]"
    assert format_array(np.zeros((0, 2))) == "[]"


def test_summarisation_formats_only_shown_elements():
    # hidden elements (huge, non-integral) must not influence int/sci mode or width
    a = np.full(2001, 1e30)
    a[:3], a[-3:] = [0, 1, 2], [3, 4, 5]
    assert r(a, dtypes.float64) == "tensor([0., 1., 2.,  ..., 3., 4., 5.], dtype=torch.float64)"


def test_edgeitems_zero():
    set_printoptions(threshold=3, edgeitems=0)
    assert r(np.arange(5)) == "tensor([...], size=(5,))"
    assert r(np.arange(6.).reshape(2, 3)) == "tensor([...], size=(2, 3))"


# ---------------------------------------------------------------------------
# exact comparison with real torch

ALL_DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]
FLOAT_DTYPES = ALL_DTYPES[:3]
SHAPES = [(), (1,), (5,), (3, 4), (2, 3, 4), (2, 2, 2, 3), (0,), (0, 3), (2, 0, 3), (3, 0),
          (1001,), (40, 40), (3, 400), (11, 11, 11), (7, 12, 12), (1, 1001), (2, 3, 200)]
FLOAT_KINDS = ["ints", "uniform", "tiny", "huge", "mixed", "special", "zeros", "nonfinite", "neg"]
INT_KINDS = ["small", "wide", "neg"]
OPTION_SETS = [
    {}, {"precision": 2}, {"precision": 0}, {"precision": 7}, {"sci_mode": True}, {"sci_mode": False},
    {"threshold": 5}, {"threshold": 5, "edgeitems": 1}, {"edgeitems": 1}, {"edgeitems": 0},
    {"linewidth": 40}, {"linewidth": 10}, {"profile": "full"}, {"profile": "short"},
    {"profile": "short", "sci_mode": True, "linewidth": 120},
]


def make_array(dtype, shape, kind, rng):
    n = int(np.prod(shape))
    if dtype == "bool":
        return (rng.random(n) < 0.5).reshape(shape)
    if dtype in FLOAT_DTYPES:
        if kind == "ints":
            v = rng.integers(-50, 500, n).astype(float)
        elif kind == "uniform":
            v = rng.uniform(-3, 3, n)
        elif kind == "tiny":
            v = 10.0 ** rng.uniform(-10, -4, n) * rng.choice([-1, 1], n)
        elif kind == "huge":
            v = np.round(10.0 ** rng.uniform(5, 12, n))
        elif kind == "mixed":
            v = 10.0 ** rng.uniform(-10, 12, n) * rng.choice([-1, 1], n)
        elif kind == "special":
            v = rng.uniform(-100, 100, n)
            v[rng.random(n) < 0.3] = rng.choice([np.nan, np.inf, -np.inf, -0.0, 0.0])
        elif kind == "zeros":
            v = np.zeros(n) * rng.choice([-1, 1], n)
        elif kind == "nonfinite":
            v = rng.choice([np.nan, np.inf, -np.inf, 0.0, 7.0], n)
        else:   # "neg": negative values, some rounding to -0.0000
            v = -(10.0 ** rng.uniform(-6, 2, n))
        with np.errstate(over="ignore"):
            return v.astype(dtype).reshape(shape)
    info = np.iinfo(dtype)
    if kind == "small":
        lo, hi = max(info.min, -9), min(info.max, 99)
    elif kind == "wide":
        lo, hi = info.min, info.max
    else:
        lo, hi = max(info.min, -1000), 0
    return rng.integers(lo, hi, n, dtype=dtype, endpoint=True).reshape(shape)


def sample(dtype_names, shapes, seed):
    rng = np.random.default_rng(seed)
    for dt in dtype_names:
        kinds = FLOAT_KINDS if dt in FLOAT_DTYPES else INT_KINDS if dt != "bool" else ["bool"]
        for shape in shapes:
            for kind in kinds:
                yield make_array(dt, shape, kind, rng)


def torch_repr(torch, arr, requires_grad=False, grad_fn=False):
    t = torch.from_numpy(arr.copy())
    if requires_grad or grad_fn:
        t.requires_grad_(True)
    if grad_fn:
        t = t * 1   # MulBackward0, same values and dtype
    return repr(t)


def ours(arr, requires_grad=False, grad_fn=False):
    return tensor_repr(FakeTensor(arr, requires_grad=requires_grad,
                                  grad_fn="MulBackward0" if grad_fn else None))


def check_all(torch, arrays, **kw):
    bad = []
    for arr in arrays:
        want, got = torch_repr(torch, arr, **kw), ours(arr, **kw)
        if want != got:
            bad.append(f"{arr.dtype} {arr.shape}\n--- torch\n{want}\n--- ours\n{got}")
    assert not bad, f"{len(bad)} mismatches; first:\n" + "\n\n".join(bad[:3])


def apply_options(torch, opts):
    torch.set_printoptions(**opts)
    set_printoptions(**opts)
    assert get_printoptions() == torch._tensor_str.get_printoptions()


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_torch_default_options(dtype):
    torch = torch_or_skip()
    check_all(torch, sample([dtype], SHAPES, seed=ALL_DTYPES.index(dtype)))


@pytest.mark.parametrize("opts", OPTION_SETS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "none")
def test_torch_with_options(opts):
    torch = torch_or_skip()
    apply_options(torch, opts)
    shapes = [(), (5,), (3, 4), (2, 3, 4), (0, 3), (1001,), (40, 40), (11, 11, 11), (3, 9)]
    check_all(torch, sample(["float16", "float32", "float64", "int32", "int64", "bool"], shapes, seed=1))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("grad", ["requires_grad", "grad_fn"])
def test_torch_grad_suffix_wrapping(dtype, grad):
    torch = torch_or_skip()
    rng = np.random.default_rng(7)
    arrays = [(np.arange(n, dtype=dtype) / 7).astype(dtype) for n in range(1, 25)]
    arrays += [np.arange(n, dtype=dtype).reshape(1, n) * 11 for n in range(1, 25)]
    arrays += [rng.uniform(-1e3, 1e3, (2, n)).astype(dtype) for n in range(1, 12)]
    arrays += [np.zeros(s, dtype) for s in [(0,), (0, 4), (2, 0)]] + [np.array(2.5, dtype)]
    arrays += [make_array(dtype, s, "mixed", rng) for s in [(1001,), (3, 400), (2, 9)]]
    check_all(torch, arrays, **{grad: True})


def test_torch_int_suffix_wrapping():
    torch = torch_or_skip()
    arrays = [np.arange(n, dtype=dt) * m for dt in ["int8", "int16", "int32", "uint8"]
              for n in range(1, 30) for m in (1, 3)]
    check_all(torch, [a.astype(a.dtype) for a in arrays])


def test_torch_default_dtype_float64():
    torch = torch_or_skip()
    torch.set_default_dtype(torch.float64)
    dtypes.set_default_dtype(dtypes.float64)
    rng = np.random.default_rng(3)
    check_all(torch, [make_array(dt, s, "uniform", rng) for dt in FLOAT_DTYPES
                      for s in [(), (3,), (0,), (0, 2), (9,)]])


def test_torch_simulated_device(monkeypatch):
    """§1.14: with torch's default device patched to cuda, a cpu tensor shows device='cpu' exactly
    where ours shows a non-default device; a stub device printing as 'cpu' keeps the widths equal."""
    torch = torch_or_skip()

    class OtherDevice:
        type = "cuda"

        def __str__(self):
            return "cpu"

    monkeypatch.setattr(torch._C, "_get_default_device", lambda: "cuda")
    rng = np.random.default_rng(5)
    for arr in [np.arange(n, dtype=dt) / 7 for n in range(1, 12) for dt in ("float32", "float64")] + \
            [np.zeros((0, 3), "float32"), np.array(3.5), make_array("int32", (15,), "wide", rng)]:
        arr = arr.astype(arr.dtype)
        for grad in (False, True):
            want = torch_repr(torch, arr, requires_grad=grad and arr.dtype.kind == "f")
            got = tensor_repr(FakeTensor(arr, device=OtherDevice(), requires_grad=grad and arr.dtype.kind == "f"))
            assert got == want


# -- property test ------------------------------------------------------------

@st.composite
def tensors(draw):
    dt = draw(st.sampled_from(ALL_DTYPES))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=6))
    if dt in FLOAT_DTYPES:
        elems = st.one_of(
            st.floats(width=int(dt[-2:]), allow_subnormal=False),
            st.sampled_from([0.0, -0.0, 1.0, -2.0, 2.0 ** -17, 12344.0, 0.5]),
            st.integers(-1000, 1000).map(float),
            st.floats(-1e4, 1e4, width=int(dt[-2:])))
    elif dt == "bool":
        elems = st.booleans()
    else:
        info = np.iinfo(dt)
        elems = st.integers(int(info.min), int(info.max))
    arr = draw(hnp.arrays(dt, shape, elements=elems))
    grad = draw(st.sampled_from([None, "requires_grad", "grad_fn"])) if dt in FLOAT_DTYPES else None
    return arr, grad


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tensors(), st.sampled_from(OPTION_SETS[:12]))
def test_torch_property(case, opts):
    torch = torch_or_skip()
    arr, grad = case
    apply_options(torch, opts)
    try:
        kw = {grad: True} if grad else {}
        assert ours(arr, **kw) == torch_repr(torch, arr, **kw)
    finally:
        torch.set_printoptions(profile="default")
        set_printoptions(profile="default")


# -- the same comparison through real engine tensors ------------------------------

def real_tensor(arr):
    """An engine Tensor over ``arr``."""
    import engine
    return engine.from_numpy(arr)


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_torch_real_engine_tensors(dtype):
    torch = torch_or_skip()
    shapes = [(), (5,), (3, 4), (2, 3, 4), (0,), (0, 3), (1001,), (11, 11, 11)]
    bad = []
    for arr in sample([dtype], shapes, seed=11):
        grad = dtype in FLOAT_DTYPES
        t = real_tensor(arr.copy())
        if grad:
            t.requires_grad_(True)
        got, want = repr(t), torch_repr(torch, arr, requires_grad=grad)
        if got != want:
            bad.append(f"--- torch\n{want}\n--- ours\n{got}")
        assert str(t) == got
    assert not bad, f"{len(bad)} mismatches; first:\n" + "\n\n".join(bad[:3])


def test_torch_real_engine_grad_fn():
    torch = torch_or_skip()
    y = real_tensor(np.arange(10, dtype=np.float32)).requires_grad_(True) * 1
    assert repr(y) == torch_repr(torch, np.arange(10, dtype=np.float32), grad_fn=True)
