"""torch.fft: discrete Fourier transforms over NumPy's (or CuPy's) FFT, with PyTorch's gradients.

Every transform is one of three kinds, as in ATen, and records its kind's node:

* complex to complex (``fft``, ``ifft``, ``fftn`` ... of a complex tensor): FftC2CBackward0, whose
  gradient is the opposite transform with the dual normalization (the adjoint of the transform);
* real to complex (``rfft``, ``rfftn``, and ``fft`` of a real tensor): FftR2CBackward0, the same with
  the missing half of the spectrum taken as zeros, and the real part kept;
* complex to real (``irfft``): FftC2RBackward0, whose gradient is ``rfft`` of the gradient with the
  frequencies that stand for two counted twice.

``n`` / ``s`` pad the input with zeros or cut it (at the end of each transformed dim), and the
gradient is cut or padded back. ``norm`` is "backward" (no scaling forward, 1/n back), "forward"
(the other way) or "ortho" (1/sqrt(n) both ways).
"""
from __future__ import annotations

import numpy as np

from . import dtypes
from .autograd.graph import record
from .ops._util import _type_name, check_tensor, xp_of
from .ops.complex import conj
from .ops.creation import _on, _finish, check_size, zeros
from .ops.registry import defop, exports
from .ops.shape import cat, narrow, roll
from .device import canonical
from .tensor import wrap

FFT = "torch.fft"
_DUAL = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


# -- arguments -------------------------------------------------------------------------------------

def _norm(norm):
    if norm is None:
        return "backward"
    if norm not in _DUAL:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
    return norm


def _operand(input, fn):
    """The tensor to transform: integers and bools in the default float dtype; half refused."""
    check_tensor(input, fn, "input", 1)
    if input.dtype is dtypes.float16:
        raise RuntimeError("Unsupported dtype Half")
    if input.dtype.category < dtypes.FLOATING:
        return input.to(dtypes.get_default_dtype())
    return input


def _axis(input, dim):
    ndim = input._data.ndim
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    if not -ndim <= dim < ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {dim})")
    return dim % ndim


def _axes(input, s, dim):
    """The dims an n-dimensional transform runs over and its sizes there (``s``, else the input's):
    all dims by default, the last len(s) when only ``s`` is given."""
    if dim is None:
        dims = tuple(range(input._data.ndim - (len(s) if s is not None else input._data.ndim), input._data.ndim))
    else:
        dims = tuple(_axis(input, d) for d in ((dim,) if isinstance(dim, int) else dim))
    sizes = tuple(s) if s is not None else tuple(input._data.shape[d] for d in dims)
    if len(sizes) != len(dims):
        raise RuntimeError("When given, dim and shape arguments must have the same length")
    for size in sizes:
        if size < 1:
            raise RuntimeError(f"Invalid number of data points ({size}) specified")
    return dims, sizes


def _fit(g, shape, dims):
    """A gradient of the input as the transform saw it (cut or padded to its sizes), made the
    gradient of the input itself: cut where it was padded, zeros where it was cut."""
    for d in dims:
        have, want = g._data.shape[d], shape[d]
        if have > want:
            g = narrow(g, d, 0, want)
        elif have < want:
            missing = list(g._data.shape)
            missing[d] = want - have
            g = cat([g, zeros(missing, dtype=g.dtype, device=g.device)], d)
    return g


# -- the three kinds -------------------------------------------------------------------------------

def _c2c(input, dims, sizes, norm, forward):
    """The complex transform of a complex tensor (FftC2CBackward0)."""
    xp = xp_of(input)
    data = (xp.fft.fftn if forward else xp.fft.ifftn)(input._data, s=sizes, axes=dims, norm=norm)
    shape = input._data.shape

    def vjp(g):   # the adjoint: the opposite transform, scaled the dual way
        return (_fit(_c2c(g, dims, None, _DUAL[norm], not forward), shape, dims),)
    result = wrap(data.astype(input.dtype.np, copy=False))
    return record(result, "FftC2CBackward0", (input,), vjp, holomorphic=False)


def _r2c(input, dims, sizes, norm, onesided):
    """The forward transform of a real tensor (FftR2CBackward0): the whole spectrum, or with
    ``onesided`` only the non-negative frequencies of the last dim (rfft)."""
    xp = xp_of(input)
    data = (xp.fft.rfftn if onesided else xp.fft.fftn)(input._data, s=sizes, axes=dims, norm=norm)
    shape = input._data.shape
    full = sizes[-1]

    def vjp(g, input):   # the missing frequencies are zeros; the real part is kept (fit_gradient)
        if onesided and g._data.shape[dims[-1]] < full:
            missing = list(g._data.shape)
            missing[dims[-1]] = full - g._data.shape[dims[-1]]
            g = cat([g, zeros(missing, dtype=g.dtype, device=g.device)], dims[-1])
        return (_fit(_c2c(g, dims, None, _DUAL[norm], False), shape, dims),)
    result = wrap(data.astype(dtypes.complex_of(input.dtype).np, copy=False))
    # saved as PyTorch saves it (for its sizes), so that a second backward is refused as there
    return record(result, "FftR2CBackward0", (input,), vjp, saved=(input,), holomorphic=False)


def _c2r(input, dim, n, norm):
    """The inverse of a one-sided spectrum: a real signal of length n (FftC2RBackward0)."""
    xp = xp_of(input)
    data = xp.fft.irfft(input._data, n=n, axis=dim, norm=norm)
    shape = input._data.shape
    half = n // 2 + 1
    doubled = n - half   # frequencies 1 .. n - half stand for themselves and their negatives

    def vjp(g):
        grad = _r2c(g, (dim,), (n,), _DUAL[norm], True)
        if doubled > 0:
            twice = xp_of(g).ones(half, dtype=g._data.dtype)
            twice[1:1 + doubled] = 2
            grad = grad * wrap(twice.reshape((half,) + (1,) * (len(shape) - 1 - dim)))
        return (_fit(grad, shape, (dim,)),)
    result = wrap(data.astype(input.dtype.to_real().np, copy=False))
    return record(result, "FftC2RBackward0", (input,), vjp, holomorphic=False)


def _transform(input, dims, sizes, norm, forward, fn, n_dimensional=False):
    """fft / ifft (one dim: a real signal takes the real-to-complex path) and fftn / ifftn (a real
    signal is made complex first), as ATen's fft_c2c and fft_r2c are chosen."""
    input = _operand(input, fn)
    if not input.is_complex() and n_dimensional:
        input = input.to(dtypes.complex_of(input.dtype))
    if input.is_complex():
        return _c2c(input, dims, sizes, norm, forward)
    if forward:
        return _r2c(input, dims, sizes, norm, False)
    # the inverse of a real signal is the conjugate of its forward transform, scaled the dual way
    return conj(_r2c(input, dims, sizes, _DUAL[norm], False))


def _check_output(input, dims, sizes):
    """The memory limit, before a transform pads its input to ``sizes``."""
    shape = list(input._data.shape)
    for d, size in zip(dims, sizes):
        shape[d] = size
    check_size(tuple(shape), dtypes.complex128)


# -- the transforms --------------------------------------------------------------------------------

@defop(method=False, namespace=FFT)
def fft(input, n=None, dim=-1, norm=None, *, out=None):
    """The discrete Fourier transform along ``dim`` (of length ``n``: padded with zeros or cut)."""
    dims, sizes = _axes(_operand(input, "fft_fft"), None if n is None else (n,), dim)
    _check_output(input, dims, sizes)
    return _transform(input, dims, sizes, _norm(norm), True, "fft_fft")


@defop(method=False, namespace=FFT)
def ifft(input, n=None, dim=-1, norm=None, *, out=None):
    """The inverse discrete Fourier transform along ``dim``."""
    dims, sizes = _axes(_operand(input, "fft_ifft"), None if n is None else (n,), dim)
    _check_output(input, dims, sizes)
    return _transform(input, dims, sizes, _norm(norm), False, "fft_ifft")


@defop(method=False, namespace=FFT)
def fft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """The two-dimensional discrete Fourier transform (over the last two dims by default)."""
    return fftn(input, s, dim, norm)


@defop(method=False, namespace=FFT)
def fftn(input, s=None, dim=None, norm=None, *, out=None):
    """The n-dimensional discrete Fourier transform over ``dim`` (every dim by default)."""
    dims, sizes = _axes(_operand(input, "fft_fftn"), s, dim)
    _check_output(input, dims, sizes)
    return _transform(input, dims, sizes, _norm(norm), True, "fft_fftn", n_dimensional=True)


@defop(method=False, namespace=FFT)
def ifftn(input, s=None, dim=None, norm=None, *, out=None):
    """The n-dimensional inverse discrete Fourier transform."""
    dims, sizes = _axes(_operand(input, "fft_ifftn"), s, dim)
    _check_output(input, dims, sizes)
    return _transform(input, dims, sizes, _norm(norm), False, "fft_ifftn", n_dimensional=True)


def _real_operand(input, fn, what="real"):
    input = _operand(input, fn)
    if input.is_complex():
        raise RuntimeError(f"{fn} expects a {what} input tensor, but got {_type_name(input.dtype)}")
    return input


@defop(method=False, namespace=FFT)
def rfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The transform of a real signal along ``dim``: its non-negative frequencies (n // 2 + 1 of them)."""
    input = _real_operand(input, "rfft")
    dims, sizes = _axes(input, None if n is None else (n,), dim)
    _check_output(input, dims, sizes)
    return _r2c(input, dims, sizes, _norm(norm), True)


@defop(method=False, namespace=FFT)
def rfftn(input, s=None, dim=None, norm=None, *, out=None):
    """The n-dimensional transform of a real signal, one-sided in the last dim."""
    input = _real_operand(input, "rfftn", "real-valued")
    dims, sizes = _axes(input, s, dim)
    _check_output(input, dims, sizes)
    return _r2c(input, dims, sizes, _norm(norm), True)


@defop(method=False, namespace=FFT)
def irfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The real signal whose rfft is ``input`` (of length ``n``, by default 2 * (length - 1))."""
    input = _operand(input, "irfft")
    axis = _axis(input, dim)
    if n is None:
        n = 2 * (input._data.shape[axis] - 1)
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")
    _check_output(input, (axis,), (n,))
    if not input.is_complex():
        input = input.to(dtypes.complex_of(input.dtype))
    return _c2r(input, axis, n, _norm(norm))


@defop(method=False, namespace=FFT)
def fftshift(input, dim=None):
    """The zero frequency moved to the middle of ``dim`` (every dim by default): a roll by half."""
    dims = tuple(range(input._data.ndim)) if dim is None else (dim,) if isinstance(dim, int) else tuple(dim)
    return roll(input, tuple(input._data.shape[d] // 2 for d in dims), dims)


@defop(method=False, namespace=FFT)
def ifftshift(input, dim=None):
    """fftshift undone: the zero frequency back to the start of ``dim``."""
    dims = tuple(range(input._data.ndim)) if dim is None else (dim,) if isinstance(dim, int) else tuple(dim)
    return roll(input, tuple((input._data.shape[d] + 1) // 2 for d in dims), dims)


def _frequencies(fn, count, values, d, dtype, device, requires_grad):
    dt = dtypes.get_default_dtype() if dtype is None else dtypes.dtype_arg(dtype, fn)
    data = (values.astype(dt.np) * dt.np.type(1.0 / (count * d))).astype(dt.np)
    return _finish(_on(canonical(device), data), requires_grad)


@defop(method=False, namespace=FFT, differentiable=False)
def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """The frequencies of an n-point transform's outputs, for samples ``d`` apart: 0, 1, ..., then
    the negative ones, over n * d."""
    values = np.arange(n, dtype=np.float64)
    values[(n + 1) // 2:] -= n
    return _frequencies("fftfreq", n, values, d, dtype, device, requires_grad)


@defop(method=False, namespace=FFT, differentiable=False)
def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """The non-negative frequencies of an n-point rfft's outputs, for samples ``d`` apart."""
    return _frequencies("rfftfreq", n, np.arange(n // 2 + 1, dtype=np.float64), d, dtype, device, requires_grad)


globals().update(exports(FFT))
__all__ = list(exports(FFT))
