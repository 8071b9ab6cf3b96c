"""Complex numbers as PyTorch 2.13 has them: complex64 and complex128 tensors made, printed, promoted,
computed with, refused where PyTorch refuses them, and differentiated by the conjugate Wirtinger rule.
Everything is held against torch through tests/oracle.py. (The gradients of every complex op are
also checked by finite differences and against torch through tests/engine/specs_complex.py.)"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import engine
from tests.language.conftest import run_code
from tests.oracle import assert_same, assert_same_gradients, difference, outcome, torch_or_skip

RNG = np.random.default_rng(12)
Z = RNG.standard_normal((3, 4)) + 1j * RNG.standard_normal((3, 4))
R = RNG.standard_normal((3, 4))


def both(torch, expression, dtype="complex64"):
    """``expression`` evaluated with engine and with torch as ``lib``, z complex and r real data."""
    results = []
    for lib in (engine, torch):
        z = lib.from_numpy(Z.astype(dtype))
        r = lib.from_numpy(R.astype("float32" if dtype == "complex64" else "float64"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results.append(outcome(lambda: eval(expression, {"lib": lib, "z": z, "r": r, "inf": float("inf")})))
    return results


def mismatches(torch, expressions, dtype="complex64", first_line=True):
    found = []
    for expression in expressions:
        ours, theirs = both(torch, expression, dtype)
        words = difference(ours, theirs, first_line=first_line)
        if words:
            found.append(f"{expression}: {words}")
    return found


# -- dtypes and creation ---------------------------------------------------------------------------

def test_complex_dtypes_have_pytorchs_names_and_properties():
    torch = torch_or_skip()
    for name in ("complex64", "complex128", "cfloat", "cdouble"):
        ours, theirs = getattr(engine, name), getattr(torch, name)
        assert repr(ours) == repr(theirs)
        assert (ours.is_complex, ours.is_floating_point, ours.itemsize) == \
               (theirs.is_complex, theirs.is_floating_point, theirs.itemsize)
        assert repr(ours.to_real()) == repr(theirs.to_real())
    assert repr(engine.float64.to_complex()) == repr(torch.float64.to_complex())


CREATION = [
    "lib.tensor([1+2j, 3-1j])", "lib.tensor(1+2j)", "lib.tensor([1, 2.5, 3j])", "lib.tensor([[1j], [2]])",
    "lib.tensor([1+1j], dtype=lib.complex128)", "lib.tensor([1+1j], dtype=lib.float32)",
    "lib.tensor([1+1j], dtype=lib.int64)", "lib.tensor([1+1j, 0], dtype=lib.bool)",
    "lib.zeros(2, 3, dtype=lib.cfloat)", "lib.ones(2, dtype=lib.cdouble)", "lib.empty(2, dtype=lib.cfloat).shape",
    "lib.full((2,), 1+1j)", "lib.full((2,), 2, dtype=lib.cdouble)", "lib.full((2,), 1j, dtype=lib.float32)",
    "lib.full((2,), 1j, dtype=lib.int64)", "lib.zeros_like(z)", "lib.ones_like(r, dtype=lib.cfloat)",
    "z.new_zeros(2)", "lib.eye(2, dtype=lib.cfloat)", "lib.linspace(0, 1, 5, dtype=lib.cfloat)",
    "lib.linspace(1j, 2 + 1j, 4, dtype=lib.cdouble)", "lib.arange(3, dtype=lib.cfloat)",
    "lib.complex(r, r * 2)", "lib.complex(r, r.double())", "lib.complex(r.long(), r.long())",
    "lib.complex(r[0], r[:, :1])", "lib.polar(r.abs(), r)", "lib.polar(r.abs(), r.double())",
    "r.to(lib.cfloat)", "r.to(complex)", "z.to(lib.complex128)", "z.cfloat()", "r.cdouble()", "z.float()",
    "z.double()", "z.long()", "z.bool()", "z.type()", "z.double().type()", "z.type(lib.float64)",
    "z.is_complex()", "r.is_complex()", "lib.is_complex(z)", "z.is_floating_point()", "z.is_signed()",
    "z.element_size()", "z[0, 0].item()", "float(z[0, 0])", "int(z[0, 0])", "float(z[0, 0].real + 0j)",
    "int(z[0, 0].real.long() + 0j)", "bool(z[0, 0])", "z.tolist()[1][2]", "complex(z[1, 1])", "z.numpy().dtype",
    "lib.ones(2, dtype=lib.cfloat, requires_grad=True)", "lib.tensor([1j]).requires_grad_()",
    "lib.randint(3, (2,), dtype=lib.cfloat)", "lib.randperm(3, dtype=lib.cfloat)",
]


def test_creation_matches_pytorch():
    torch = torch_or_skip()
    assert not mismatches(torch, CREATION)


def test_python_complex_numbers_take_the_default_complex_dtype():
    torch = torch_or_skip()
    for default in ("float32", "float64"):
        engine.set_default_dtype(getattr(engine, default))
        torch.set_default_dtype(getattr(torch, default))
        try:
            assert not mismatches(torch, ["lib.tensor([1+2j])", "lib.tensor([1, 2]) + 1j", "r + 1j",
                                          "lib.full((1,), 1j)", "lib.result_type(lib.tensor([1]), 1j)"])
        finally:
            engine.set_default_dtype(engine.float32)
            torch.set_default_dtype(torch.float32)


@pytest.mark.parametrize("dtype", ["cfloat", "cdouble"])
def test_rand_and_randn_of_complex_dtypes_are_pytorchs_bit_for_bit(dtype):
    """ATen draws into the real view (real, then imaginary part); randn's parts have variance 1/2."""
    torch = torch_or_skip()
    for seed, shape in [(0, (1,)), (1, (7,)), (2, (8,)), (3, (9,)), (4, (3, 5)), (5, (100,))]:
        for fn in ("randn", "rand"):
            torch.manual_seed(seed)
            engine.manual_seed(seed)
            ours = getattr(engine, fn)(*shape, dtype=getattr(engine, dtype))
            theirs = getattr(torch, fn)(*shape, dtype=getattr(torch, dtype))
            assert np.array_equal(ours.numpy(), theirs.numpy()), (fn, shape)
            assert repr(ours) == repr(theirs)


def test_casting_complex_to_real_warns_as_pytorch_does():
    from engine.tensor import _COMPLEX_TO_REAL, _warned
    _warned.discard(_COMPLEX_TO_REAL)   # PyTorch warns once per process, and so does the engine
    with pytest.warns(UserWarning, match="Casting complex values to real discards the imaginary part"):
        engine.tensor([1 + 1j, 2 - 3j]).to(engine.float64)
    ours = engine.tensor([1 + 1j, 2 - 3j]).float()
    assert ours.tolist() == [1.0, 2.0]


# -- printing --------------------------------------------------------------------------------------

PRINTED = ["[1+2j, 3-1j]", "1+2j", "[1e10+1j, 1]", "[0.001+1j]", "[1.123456+1e-5j]", "[[1+1j, 2], [3, 4j]]",
           "[float('nan')+1j, float('inf')-2j]", "[-0.0-0.0j, 0.0+0.0j]", "[complex(0, -0.0)]", "[]", "[1j]",
           "[-1.5-2.25j, 100+0.5j]", "[1e-5+1e5j]", "0j", "[[1e-10+1j]]", "[2+2j, 1-0.5j]"]


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_printing_is_pytorchs_character_for_character(dtype):
    torch = torch_or_skip()
    data = [eval(text) for text in PRINTED] + [
        RNG.standard_normal((40, 40)) + 1j * RNG.standard_normal((40, 40)),   # summarised
        RNG.standard_normal((3, 4, 5)) * 1000 + 1j,                             # scientific
        RNG.standard_normal(30) + 1j * RNG.standard_normal(30)]                 # wrapped lines
    for value in data:
        ours = repr(engine.tensor(value, dtype=getattr(engine, dtype)))
        theirs = repr(torch.tensor(value, dtype=getattr(torch, dtype)))
        assert ours == theirs


@pytest.mark.parametrize("options", [{"precision": 2}, {"sci_mode": True}, {"linewidth": 40},
                                     {"threshold": 5, "edgeitems": 1}, {"edgeitems": 0, "threshold": 5}])
def test_printing_follows_the_print_options(options):
    torch = torch_or_skip()
    data = RNG.standard_normal(30) + 1j * RNG.standard_normal(30)
    try:
        engine.set_printoptions(**options)
        torch.set_printoptions(**options)
        assert repr(engine.tensor(data)) == repr(torch.tensor(data))
        assert repr(engine.tensor(data[0])) == repr(torch.tensor(data[0]))
    finally:
        engine.set_printoptions(profile="default")
        torch.set_printoptions(profile="default")


def test_printing_shows_requires_grad_grad_fn_and_non_default_complex_dtypes():
    torch = torch_or_skip()
    assert not mismatches(torch, [
        "repr(lib.ones(2, dtype=lib.cfloat, requires_grad=True))",
        "repr(lib.ones(2, dtype=lib.cfloat, requires_grad=True) * 2)",
        "repr(lib.ones(2, dtype=lib.cdouble))", "repr(lib.zeros(0, dtype=lib.cfloat))",
        "repr(lib.zeros(2, 0, dtype=lib.cdouble))"])


# -- promotion -------------------------------------------------------------------------------------

PROMOTION = [
    "z + r", "z + r.double()", "z.cdouble() + r", "z * 2", "z * 2.5", "z + True", "r + 1j", "r.double() + 1j",
    "r.long() + 1j", "r.int() * (1+1j)", "lib.tensor(1.5, dtype=lib.float64) * z", "z[0, 0] + r",
    "lib.tensor(1j) + r.double()", "lib.promote_types(lib.float64, lib.complex64)",
    "lib.promote_types(lib.float16, lib.complex64)", "lib.promote_types(lib.int64, lib.complex128)",
    "lib.result_type(r, 1j)", "lib.result_type(z, 1.0)", "lib.can_cast(lib.complex64, lib.float64)",
    "lib.can_cast(lib.float64, lib.complex64)", "lib.can_cast(lib.int64, lib.complex64)",
]


def test_promotion_matches_pytorch():
    torch = torch_or_skip()
    assert not mismatches(torch, PROMOTION)


def test_half_with_complex_would_be_complex32_which_the_engine_refuses_by_name():
    with pytest.raises(TypeError, match="complex32"):
        engine.ones(2, dtype=engine.float16) + 1j


# -- ops -------------------------------------------------------------------------------------------

COMPUTED = [
    "z + z", "z - r", "z * r", "z / r", "r / z", "z ** 2", "z ** 0.5", "z ** z", "2 ** z", "z ** (1+1j)",
    "(1+2j) ** z", "z * (1-1j)", "z + 1j", "1j - z", "z / 2j", "-z", "z @ z.mT", "z.abs()", "abs(z)",
    "z.angle()", "r.angle()", "lib.angle(r.long())", "z.exp()", "z.log()", "z.sqrt()", "z.rsqrt()", "z.sin()",
    "z.cos()", "z.tan()", "z.tanh()", "z.sigmoid()", "z.sinh()", "z.cosh()", "z.asin()", "z.acos()",
    "z.atan()", "z.asinh()", "z.acosh()", "z.atanh()", "z.log2()", "z.log10()", "z.log1p()", "z.expm1()",
    "z.exp2()", "z.sgn()", "z.reciprocal()", "z.square()", "z.sinc()", "z.sum()", "z.sum(0)", "z.mean()",
    "z.mean(1)", "z.prod()", "z.prod(1)", "z.cumsum(0)", "z.cumprod(1)", "z.var()", "z.std()", "z.var(0)",
    "z.var(correction=0)", "lib.var_mean(z)", "lib.std_mean(z, 1)", "z.norm()", "lib.linalg.norm(z)",
    "lib.linalg.vector_norm(z, 1)", "lib.linalg.vector_norm(z, inf)", "lib.linalg.vector_norm(z, 3, dim=0)",
    "lib.linalg.matrix_norm(z)", "z.logsumexp(0)", "z.real", "z.imag", "r.real", "r.imag", "z.conj()",
    "r.conj()", "z.conj_physical()", "lib.view_as_real(z)", "lib.view_as_complex(lib.view_as_real(z))",
    "lib.view_as_complex(r[:, :2].contiguous())", "lib.view_as_real(r)", "lib.view_as_complex(r)",
    "lib.view_as_complex(r.t()[:2].t())", "lib.view_as_complex(r.long()[:, :2])", "z.isreal()",
    "lib.isreal(lib.tensor([1, 1+1j, 2+0j]))", "lib.isreal(r)", "z.isnan()", "z.isinf()", "z.isfinite()",
    "z == z", "z != 1", "z.eq(z.conj())", "lib.isclose(z, z)", "lib.allclose(z, z)", "lib.equal(z, z)",
    "z.t()", "z.T", "z.mT", "z.mH", "z.H", "z.adjoint()", "z[0].mT", "z[0].H", "z[0].adjoint()",
    "z.reshape(4, 3)", "z[0]", "z[:, 1:]", "z[z.real > 0]", "lib.cat([z, z])", "lib.stack([z, r])",
    "lib.where(r > 0, z, r)", "lib.where(r > 0, z, 0)", "z.flip(0)", "z.roll(1)", "z.diag()", "z.trace()",
    "z.triu()", "lib.outer(z[0], z[1])", "lib.dot(z[0], z[1])", "lib.vdot(z[0], z[1])", "lib.inner(z[0], z[1])",
    "lib.kron(z[:1], z[:1])", "z.mv(z[0])", "z.mm(z.mT)", "lib.einsum('ij,jk->ik', z, z.mT)",
    "lib.linalg.det(z[:, :3])", "lib.linalg.inv(z[:, :3])", "z.clone()", "z.is_conj()", "z.resolve_conj()",
    "z.is_neg()", "z.resolve_neg()", "lib.nn.functional.dropout(z, 0.0)",
]


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_ops_compute_what_pytorch_computes(dtype):
    torch = torch_or_skip()
    assert not mismatches(torch, [e for e in COMPUTED if e != "z.is_conj()"], dtype)


# Complex numbers have no order, and many kernels have no complex loop: PyTorch's words for each.
REFUSED = [
    "z < 1", "z.le(z)", "z > r", "z >= 1", "z.max()", "z.min()", "z.max(0)", "z.min(0)", "z.amax()", "z.amin()",
    "z.aminmax()", "z.argmax()", "z.argmin(0)", "z.sort()", "z.argsort()", "lib.msort(z)", "z.topk(1)",
    "z.kthvalue(1)", "z.median()", "z.median(0)", "z.nanmedian()", "z.mode()", "z.cummax(0)", "z.cummin(0)",
    "z.unique()", "lib.unique_consecutive(z)", "z.clamp(0, 1)", "z.clamp(min=0)", "z.clamp_min(0)",
    "z.clamp_max(0)", "z.relu()", "lib.maximum(z, z)", "lib.minimum(z, z)", "lib.fmax(z, z)", "lib.fmin(z, z)",
    "z % 2", "z // 2", "z.div(2, rounding_mode='trunc')", "z.div(2, rounding_mode='floor')", "z.fmod(2)",
    "z.atan2(z)", "lib.hypot(z, z)", "lib.copysign(z, z)", "lib.xlogy(z, z)", "lib.heaviside(z, z)",
    "z.nansum()", "z.nanmean()", "z.sign()", "z.signbit()", "z.isposinf()", "z.isneginf()", "z.floor()",
    "z.ceil()", "z.trunc()", "z.round()", "z.frac()", "z.erf()", "z.erfc()", "z.erfinv()", "z.deg2rad()",
    "z.rad2deg()", "z.logit()", "z.bitwise_not()", "z & z", "lib.searchsorted(z[0], z[0])",
    "lib.bucketize(z[0], z[0])", "z.softmax(0)", "lib.nn.functional.relu(z)", "z.sum().backward()",
    "lib.ones(2, dtype=lib.cfloat).requires_grad_().sum().backward()",
]


def test_refusals_are_pytorchs():
    torch = torch_or_skip()
    assert not mismatches(torch, REFUSED)


# -- views -----------------------------------------------------------------------------------------

def test_real_and_imag_are_views_that_write_through():
    torch = torch_or_skip()
    for lib in (engine, torch):
        z = lib.tensor([1 + 2j, 3 - 1j])
        z.real.add_(1)
        z.imag.mul_(2)
        z.real[0] = 10
        view = lib.view_as_real(z)
        view[1, 1] = -7
        if lib is engine:
            ours = z
    assert_same(ours, z)
    assert repr(ours) == repr(z) == "tensor([10.+4.j,  4.-7.j])"


def test_a_view_as_real_of_a_transposed_complex_tensor_views_its_storage():
    z = engine.tensor(Z).t()
    parts = engine.view_as_real(z)
    parts[0, 1, 1] = 5.0
    assert z[0, 1].item() == complex(Z[1, 0].real, 5.0)


def test_conj_is_computed_at_once_not_a_lazy_view():
    """PyTorch's conj is a lazy view (is_conj() True, writes reach the input); NumPy has no conjugate
    bit, so the engine's conj has PyTorch's values, dtype and grad_fn, but is a new tensor."""
    torch = torch_or_skip()
    ours, theirs = engine.tensor([1 + 2j]).conj(), torch.tensor([1 + 2j]).conj()
    assert repr(ours) == repr(theirs)
    assert ours.is_conj() is False and theirs.is_conj() is True


# -- autograd --------------------------------------------------------------------------------------

# Functions of a complex leaf z (and a real leaf r): each gives a tensor, differentiated with a complex
# (or real) cotangent; the gradients are compared with PyTorch's.
GRADIENTS = [
    "z * z", "z * r", "z / (r + 3)", "r / z", "z ** 3", "z ** (1+1j)", "2 ** z", "z.exp()", "z.log()",
    "z.sqrt()", "z.sin() * z.cos()", "z.tanh()", "z.sigmoid()", "z.reciprocal()", "z.sum(0)", "z.mean()",
    "z.prod(1)", "z @ z.mT", "z.abs()", "z.angle()", "z.sgn()", "z.real * 2", "z.imag * z.real", "z.conj() * z",
    "z.conj_physical()", "lib.view_as_real(z)", "lib.view_as_complex(lib.stack([r, r * 2], -1)) * z",
    "lib.complex(r, r * r)", "lib.polar(r.abs() + 1, r)", "z.var(0)", "z.std()", "z.norm()",
    "lib.linalg.vector_norm(z, 1)", "lib.linalg.vector_norm(z, 3, dim=1)", "z.mH @ z", "z.adjoint() * 2",
    "lib.vdot(z[0], z[1])", "lib.dot(z[0], z[1])", "z.to(lib.complex128)", "r.to(lib.complex64) * z",
    "z.real.exp() + z.imag", "lib.where(r > 0, z, z * 2)", "z.cumsum(1)", "z[1:, :2].exp()",
    "lib.linalg.det(z[:, :3])", "lib.linalg.inv(z[:, :3])", "z.square()", "z * (2 - 1j) + 1j * r",
]


@pytest.mark.parametrize("expression", GRADIENTS)
def test_gradients_are_pytorchs_conjugate_wirtinger_ones(expression):
    torch = torch_or_skip()
    grads, outputs = [], []
    for lib in (engine, torch):
        z = lib.from_numpy(Z.copy()).requires_grad_()
        r = lib.from_numpy(R.copy()).requires_grad_()
        out = eval(expression, {"lib": lib, "z": z, "r": r})
        cotangent = np.asarray(np.random.default_rng(3).standard_normal(tuple(out.shape) + (2,)) @ np.array([1, 1j]))
        if not out.is_complex():
            cotangent = cotangent.real
        g = lib.from_numpy(cotangent).to(out.dtype)
        outputs.append(out)
        grads.append(lib.autograd.grad(out, (z, r), g, allow_unused=True))
    assert_same(outputs[0], outputs[1])
    assert_same_gradients(grads[0], grads[1])


def test_backward_of_a_complex_scalar_needs_a_gradient():
    torch = torch_or_skip()
    assert not mismatches(torch, ["(z.requires_grad_() * 2).sum().backward()"], first_line=False)


def test_double_backward_through_complex_ops():
    torch = torch_or_skip()
    results = []
    for lib in (engine, torch):
        z = lib.from_numpy(Z[0].copy()).requires_grad_()
        loss = (z.exp() * z).abs().sum()
        (g,) = lib.autograd.grad(loss, z, create_graph=True)
        results.append(lib.autograd.grad(g.abs().sum(), z))
    assert_same_gradients(results[0], results[1])


# -- eig -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float64", "complex128", "float32"])
def test_eig_matches_pytorch_up_to_the_phase_of_each_eigenvector(dtype):
    torch = torch_or_skip()
    A = RNG.standard_normal((2, 4, 4)) + (1j * RNG.standard_normal((2, 4, 4)) if dtype == "complex128" else 0)
    ours = engine.linalg.eig(engine.from_numpy(A.astype(dtype)))
    theirs = torch.linalg.eig(torch.from_numpy(A.astype(dtype)))
    assert type(ours).__name__ == type(theirs).__name__ == "linalg_eig"
    assert_same(ours.eigenvalues, theirs.eigenvalues)
    assert_same(engine.linalg.eigvals(engine.from_numpy(A.astype(dtype))), theirs.eigenvalues)
    # LAPACK scales each eigenvector to norm 1 with its largest component real; its sign is free
    V, W = ours.eigenvectors.numpy(), theirs.eigenvectors.numpy()
    phases = (np.conj(V) * W).sum(-2, keepdims=True)
    tolerance = 1e-4 if dtype == "float32" else 1e-10
    assert np.allclose(np.abs(phases), 1, atol=tolerance) and np.allclose(V * phases, W, atol=tolerance)


def test_eig_refuses_what_pytorch_refuses():
    torch = torch_or_skip()
    assert not mismatches(torch, ["lib.linalg.eig(r)", "lib.linalg.eig(r[0])", "lib.linalg.eig(r[:, :3].long())",
                                  "lib.linalg.eig(r[:, :3].half())", "lib.linalg.eig(lib.ones(0, 0))"])


# -- the shell -------------------------------------------------------------------------------------

def test_complex_literals_in_tensorsh():
    ran = run_code("""
        z = tensor([1+2j, 3-1j])
        print(z, z.dtype)
        z.real.add_(1)
        print(z, abs(z))
        print(torch.complex(ones(2), zeros(2)) * (2+1j))
        print(view_as_real(z).shape, isreal(tensor([1, 1+1j, 2+0j])))
    """)
    assert ran.status == 0, ran.err
    assert ran.out == ("tensor([1.+2.j, 3.-1.j]) torch.complex64\n"
                       "tensor([2., 4.])\n"   # the shell shows the value of z.real.add_(1)
                       "tensor([2.+2.j, 4.-1.j]) tensor([2.8284, 4.1231])\n"
                       "tensor([2.+1.j, 2.+1.j])\n"
                       "torch.Size([2, 2]) tensor([ True, False,  True])\n")


# -- torch.fft -------------------------------------------------------------------------------------

TRANSFORMS = [
    "lib.fft.fft(r)", "lib.fft.fft(z)", "lib.fft.fft(r, n=8)", "lib.fft.fft(z, n=3, norm='ortho')",
    "lib.fft.fft(z, dim=0, norm='forward')", "lib.fft.ifft(z)", "lib.fft.ifft(r, norm='forward').resolve_conj()",
    "lib.fft.ifft(z, n=6, dim=0)", "lib.fft.rfft(r)", "lib.fft.rfft(r, n=7)", "lib.fft.irfft(z)",
    "lib.fft.irfft(z, n=5)", "lib.fft.irfft(r)", "lib.fft.irfft(z, norm='ortho')", "lib.fft.fft2(z)",
    "lib.fft.fft2(r, norm='forward')", "lib.fft.fftn(z)", "lib.fft.fftn(z, s=(4, 2))", "lib.fft.ifftn(z)",
    "lib.fft.rfftn(r)", "lib.fft.rfftn(r, s=(2, 6))", "lib.fft.fftshift(z)", "lib.fft.fftshift(z, dim=1)",
    "lib.fft.ifftshift(r)", "lib.fft.fftfreq(7)", "lib.fft.fftfreq(8, 0.3)", "lib.fft.rfftfreq(5)",
    "lib.fft.rfftfreq(8, dtype=lib.float64)", "lib.fft.fft(lib.arange(4))",
    # refused as PyTorch refuses
    "lib.fft.rfft(z)", "lib.fft.rfftn(z)", "lib.fft.fft(r, n=0)", "lib.fft.irfft(r[0, :1])",
    "lib.fft.fftn(r, s=(2,), dim=(0, 1))", "lib.fft.fft(r, dim=2)", "lib.fft.fft(r[0, 0])", "lib.fft.fft(r.half())",
    "lib.fft.fft(r, norm='bad')",
]


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_fft_matches_pytorch(dtype):
    torch = torch_or_skip()
    assert not mismatches(torch, TRANSFORMS, dtype)


def test_fft_nodes_are_pytorchs():
    torch = torch_or_skip()
    nodes = ["lib.fft.fft(r.requires_grad_())", "lib.fft.fft(z.requires_grad_())", "lib.fft.ifft(r.requires_grad_())",
             "lib.fft.rfft(r.requires_grad_())", "lib.fft.irfft(z.requires_grad_())",
             "lib.fft.fftshift(z.requires_grad_())"]
    assert not mismatches(torch, [f"type({made}.grad_fn).__name__" for made in nodes])
