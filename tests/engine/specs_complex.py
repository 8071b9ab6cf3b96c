"""Specs for complex numbers: each a function of real inputs that builds complex numbers, computes
with them and takes them apart again, so that the float64 finite-difference check and the comparison
with PyTorch see every complex gradient rule on the way. A function of complex numbers is checked
through the real and imaginary parts of its inputs and outputs, as PyTorch's gradcheck checks one.

The ``*_complex`` specs check ops whose gradient formulas are written once for real and complex
numbers: given complex values, their vjps read the conjugates of what they saved (record, in
engine/autograd/graph.py)."""
from .opspec import BINARY_SHAPES, UNARY_SHAPES, OpSpec

MATRICES = [((2, 2),), ((2, 3),), ((4, 2, 3),)]
SQUARE_PAIRS = [((2, 2), (2, 2)), ((3, 3), (3, 3))]
FFT_SHAPES = [((4,),), ((2, 3),), ((2, 2, 5),)]
FFT_PAIRS = [((3, 4), (3, 4)), ((2, 3), (1, 3))]
EIG_SHAPES = [((2, 2),), ((3, 3),), ((2, 3, 3),)]


def spec(name, call, shapes=UNARY_SHAPES, **kw):
    return OpSpec(name, call, shapes=shapes, **kw)


def of_z(name, f, shapes=BINARY_SHAPES, **kw):
    """``f`` of z = a + b*1j, its complex result returned as the real tensor of its parts."""
    return spec(name, lambda lib, a, b: lib.view_as_real(f(lib, lib.complex(a, b))), shapes, **kw)


def of_z_to_real(name, f, shapes=BINARY_SHAPES, **kw):
    """``f`` of z = a + b*1j, where ``f`` gives a real result."""
    return spec(name, lambda lib, a, b: f(lib, lib.complex(a, b)), shapes, **kw)


def of_zw(name, f, shapes=BINARY_SHAPES, **kw):
    """``f`` of two complex numbers z = a + b*1j and w = b - a*0.5j (broadcast together)."""
    return spec(name, lambda lib, a, b: lib.view_as_real(f(lib, lib.complex(a, b), lib.complex(b, a * -0.5))),
                shapes, **kw)


SPECS = [
    # making and taking apart
    spec("complex", lambda lib, a, b: lib.view_as_real(lib.complex(a, b) * lib.complex(b, a)), BINARY_SHAPES),
    spec("polar", lambda lib, r, theta: lib.view_as_real(lib.polar(r, theta) ** 2), BINARY_SHAPES,
         domain=(0.5, 2.0)),
    spec("view_as_real", lambda lib, x: lib.view_as_real(lib.complex(x, x * x).sin())),
    spec("view_as_complex", lambda lib, x: lib.view_as_complex(lib.stack([x, x * 2], -1)).exp().abs()),
    spec("real", lambda lib, x: lib.real(lib.complex(x, x.exp()) ** 2)),
    spec("real_of_a_real_tensor", lambda lib, x: lib.real(x * 2)),
    spec("imag", lambda lib, x: lib.imag(lib.complex(x, x.exp()) ** 2)),
    spec("conj", lambda lib, x: lib.view_as_real(lib.complex(x, x.cos()).conj() * lib.complex(x.sin(), x))),
    spec("conj_physical", lambda lib, x: lib.view_as_real(lib.conj_physical(lib.complex(x, x.cos()) ** 2))),
    spec("adjoint", lambda lib, x: lib.view_as_real(lib.complex(x, x.exp()).adjoint().tanh()), MATRICES),
    spec("adjoint_mH", lambda lib, x: lib.view_as_real(lib.complex(x, x * 3).mH * 2), MATRICES),
    of_z_to_real("angle", lambda lib, z: z.angle(), signed=True, domain=(0.2, 2.0)),
    spec("angle_of_a_real_tensor", lambda lib, x: lib.angle(x) + x, signed=True, domain=(0.2, 2.0)),
    # the rules of their own: abs and sgn of complex numbers
    of_z_to_real("abs_complex", lambda lib, z: z.abs(), signed=True, domain=(0.2, 2.0)),
    of_z("sgn_complex", lambda lib, z: z.sgn(), signed=True, domain=(0.2, 2.0)),
    # real formulas given conjugates
    of_zw("mul_complex", lambda lib, z, w: z * w),
    of_zw("div_complex", lambda lib, z, w: z / w, signed=True, domain=(0.3, 2.0)),
    of_zw("add_complex", lambda lib, z, w: lib.add(z, w, alpha=2)),
    of_zw("sub_complex", lambda lib, z, w: z - w * 3),
    of_zw("pow_complex", lambda lib, z, w: z ** w, domain=(0.3, 2.0)),
    of_z("pow_complex_scalar", lambda lib, z: z ** 3),
    of_z("mul_complex_scalar", lambda lib, z: z * (2 - 1j)),
    spec("mul_complex_by_real", lambda lib, x, y: lib.view_as_real(lib.complex(x, y) * y.exp()), BINARY_SHAPES),
    of_z("exp_complex", lambda lib, z: z.exp()),
    of_z("log_complex", lambda lib, z: z.log(), domain=(0.3, 2.0)),
    of_z("sqrt_complex", lambda lib, z: z.sqrt(), domain=(0.3, 2.0)),
    of_z("sin_complex", lambda lib, z: z.sin()),
    of_z("cos_complex", lambda lib, z: z.cos()),
    of_z("tanh_complex", lambda lib, z: z.tanh(), domain=(-1.0, 1.0)),
    of_z("sigmoid_complex", lambda lib, z: z.sigmoid(), domain=(-1.0, 1.0)),
    of_z("reciprocal_complex", lambda lib, z: z.reciprocal(), domain=(0.3, 2.0)),
    of_z("sum_complex", lambda lib, z: z.sum(-1) * z.sum()),
    of_z("mean_complex", lambda lib, z: z.mean() * z),
    of_z("prod_complex", lambda lib, z: z.prod(), domain=(0.5, 1.5)),
    # eig: eigenvalues, and the moduli of the eigenvector components (a function of A that does not
    # depend on the phase LAPACK picks for each eigenvector, as PyTorch requires of a loss)
    spec("eig", lambda lib, A: (lambda e: lib.cat([lib.view_as_real(e.eigenvalues).flatten(),
                                                   (e.eigenvectors.abs() ** 2).flatten()]))(lib.linalg.eig(A)),
         EIG_SHAPES),
    spec("eigvals", lambda lib, A: lib.view_as_real(lib.linalg.eigvals(A)), EIG_SHAPES),
    # torch.fft: complex to complex, real to complex (padded, cut, normalized), complex to real
    spec("fft", lambda lib, x: lib.view_as_real(lib.fft.fft(x)), FFT_SHAPES),
    of_z("fft_complex_padded", lambda lib, z: lib.fft.fft(z, n=5, norm="ortho"), FFT_PAIRS),
    of_z("fft_complex_cut", lambda lib, z: lib.fft.fft(z, n=2, dim=0), FFT_PAIRS),
    spec("ifft", lambda lib, x: lib.view_as_real(lib.fft.ifft(x, norm="forward").resolve_conj()), FFT_SHAPES),
    of_z("ifft_complex", lambda lib, z: lib.fft.ifft(z, n=4), FFT_PAIRS),
    spec("rfft", lambda lib, x: lib.view_as_real(lib.fft.rfft(x)), FFT_SHAPES),
    spec("rfft_padded", lambda lib, x: lib.view_as_real(lib.fft.rfft(x, n=7, norm="ortho")), FFT_SHAPES),
    of_z_to_real("irfft", lambda lib, z: lib.fft.irfft(z), FFT_PAIRS),
    of_z_to_real("irfft_odd_length", lambda lib, z: lib.fft.irfft(z, n=5, norm="forward"), FFT_PAIRS),
    of_z("fft2", lambda lib, z: lib.fft.fft2(z), FFT_PAIRS),
    of_z("fftn", lambda lib, z: lib.fft.fftn(z, s=(3, 2)), FFT_PAIRS),
    spec("fftn_real", lambda lib, x: lib.view_as_real(lib.fft.fftn(x)), FFT_SHAPES),
    of_z("ifftn", lambda lib, z: lib.fft.ifftn(z, norm="ortho"), FFT_PAIRS),
    spec("rfftn", lambda lib, x: lib.view_as_real(lib.fft.rfftn(x, s=(2, 4))), FFT_SHAPES[1:]),
    of_z("fftshift", lambda lib, z: lib.fft.fftshift(z) * 2, FFT_PAIRS),
    spec("ifftshift", lambda lib, x: lib.fft.ifftshift(x, dim=-1) * x, FFT_SHAPES),
    spec("matmul_complex", lambda lib, a, b: lib.view_as_real(lib.complex(a, b) @ lib.complex(b, a.exp())),
         SQUARE_PAIRS),
]
