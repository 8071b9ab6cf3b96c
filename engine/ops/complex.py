"""Complex numbers: making them (complex, polar), taking them apart (real, imag, view_as_real,
angle, abs), conjugating them (conj, adjoint, mH), and the ops that are not holomorphic.

PyTorch's gradient of a function of complex numbers is the conjugate Wirtinger one: for a
holomorphic f, ``g * conj(f'(z))`` (record in autograd/graph.py makes the real-number formulas
give it). The ops here are not holomorphic, so each vjp is written for complex numbers and its
node is recorded with ``holomorphic=False``. A real input of a complex output gets the real
part of its gradient (fit_gradient, as PyTorch's validate_outputs).

PyTorch's ``conj`` is lazy: a view with a conjugate bit that later ops resolve. NumPy has no such
bit, so here ``conj`` computes the conjugate at once: its values, dtype and grad_fn are PyTorch's,
but it is not a view (writing into it leaves its input alone) and ``is_conj()`` is False.
"""
from __future__ import annotations


import math

from .. import dtypes
from ..autograd.graph import record
from ..broadcasting import broadcast_shapes
from ..tensor import Tensor, wrap
from ._util import _type_name, check_tensor, write_out, xp_of
from .indexing import where
from .pointwise import sgn
from .registry import EXPORTED, defop
from .shape import make_view, select, transpose


def _finish(result, out):
    return result if out is None else write_out(out, result)


# -- making complex numbers ------------------------------------------------------------------------

def _check_parts(fn, first, second, names):
    """complex and polar take two float tensors of one dtype, and refuse anything else in ATen's words."""
    check_tensor(first, fn, names[0], 1)
    check_tensor(second, fn, names[1], 2)
    if first.dtype.category != dtypes.FLOATING or second.dtype.category != dtypes.FLOATING:
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{_type_name(first.dtype)} and {_type_name(second.dtype)}")
    if first.dtype is not second.dtype:
        raise RuntimeError(f"Expected object of scalar type {_type_name(first.dtype)} but got scalar type "
                           f"{_type_name(second.dtype)} for second argument")
    xp = xp_of(first)
    shape = broadcast_shapes(first._data.shape, second._data.shape)
    return xp, xp.empty(shape, dtype=dtypes.complex_of(first.dtype).np)


@defop(method=False)
def complex(real, imag, *, out=None):
    """real + imag * 1j, elementwise (two float tensors of one dtype, broadcast together)."""
    xp, data = _check_parts("complex", real, imag, ("real", "imag"))
    data.real, data.imag = real._data, imag._data
    # saved as PyTorch saves them (it reads their dtypes), so that a second backward is refused as there
    result = record(wrap(data), "ComplexBackward0", (real, imag), lambda g, real, imag: (g.real, g.imag),
                    saved=(real, imag), holomorphic=False)
    return _finish(result, out)


@defop(method=False)
def polar(abs, angle, *, out=None):
    """abs * (cos(angle) + sin(angle) * 1j), elementwise."""
    xp, data = _check_parts("polar", abs, angle, ("abs", "angle"))
    r, theta = abs._data, angle._data
    data.real, data.imag = r * xp.cos(theta), r * xp.sin(theta)
    result = wrap(data)

    def vjp(g, result):   # ATen's polar_backward: the parts of g along the result and across it
        g_conj = g.conj()
        return ((g_conj * sgn(result)).real, (g_conj * (result * 1j)).real)
    return _finish(record(result, "PolarBackward0", (abs, angle), vjp, saved=(result,), holomorphic=False), out)


# -- views of the parts ----------------------------------------------------------------------------

@defop(method=False)
def view_as_real(input):
    """A complex tensor as a real one with a last dim of 2 (real, imaginary): a view of its storage."""
    if not input.is_complex():
        raise RuntimeError("view_as_real is only supported for complex tensors")
    z = input._data
    part = z.real   # a view of the real parts, with the complex tensor's strides
    data = xp_of(input).lib.stride_tricks.as_strided(part, shape=z.shape + (2,),
                                                     strides=z.strides + (part.itemsize,))
    out = make_view(input, data, view_as_real)
    return record(out, "ViewAsRealBackward0", (input,), lambda g: (view_as_complex(g.contiguous()),),
                  holomorphic=False)


@defop(method=False)
def view_as_complex(input):
    """A real tensor whose last dim is 2 (real, imaginary) as a complex one: a view of its storage."""
    x = input._data
    if input.dtype not in (dtypes.float16, dtypes.float32, dtypes.float64):
        raise RuntimeError(f"view_as_complex is only supported for half, float and double tensors, but got a "
                           f"tensor of scalar type: {_type_name(input.dtype)}")
    if x.ndim == 0 or x.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if x.strides[-1] != x.itemsize:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(stride % (2 * x.itemsize) for stride in x.strides[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    data = x.view(dtypes.complex_of(input.dtype).np)[..., 0]
    out = make_view(input, data, view_as_complex)
    return record(out, "ViewAsComplexBackward0", (input,), lambda g: (view_as_real(g.contiguous()),),
                  holomorphic=False)


@defop(method=False)
def real(input):
    """The real parts, a view that writes through (``x.real.add_(1)``); a real tensor is its own."""
    if not input.is_complex():
        return input
    return select(view_as_real(input), -1, 0)


@defop(method=False)
def imag(input):
    """The imaginary parts, a view that writes through; only complex tensors have them."""
    if not input.is_complex():
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return select(view_as_real(input), -1, 1)


Tensor.real = property(real, doc="The real parts (a view).")
Tensor.imag = property(imag, doc="The imaginary parts (a view).")


# -- conjugates ----------------------------------------------------------------------------------

@defop()
def conj(input):
    """The complex conjugate; a real tensor is its own. (PyTorch returns a lazily conjugated view;
    here the values are computed at once: see the module's notes.)"""
    if not input.is_complex():
        return input
    return record(wrap(xp_of(input).conj(input._data)), "ConjBackward0", (input,), lambda g: (g.conj(),),
                  holomorphic=False)


@defop(inplace=EXPORTED)
def conj_physical(input, *, out=None):
    """The complex conjugate, computed (a real tensor's values, copied)."""
    x = input._data
    data = xp_of(input).conj(x) if input.is_complex() else x.copy()
    result = record(wrap(data), "ConjPhysicalBackward0", (input,), lambda g: (g.conj_physical(),),
                    holomorphic=False)
    return _finish(result, out)


@defop(differentiable=False)
def resolve_conj(input):
    """The tensor with its conjugation done: every tensor here already is."""
    return input


@defop(differentiable=False)
def resolve_neg(input):
    """The tensor with its negation done: every tensor here already is."""
    return input


@defop(differentiable=False)
def is_conj(input) -> bool:
    """Whether the tensor is a lazily conjugated view: never here (see the module's notes)."""
    return False


@defop(differentiable=False)
def is_neg(input) -> bool:
    """Whether the tensor is a lazily negated view: never here."""
    return False


def _check_matrices(input, what):
    if input._data.ndim < 2:
        raise RuntimeError(f"tensor.{what} is only supported on matrices or batches of matrices. Got "
                           f"{input._data.ndim}-D tensor.")


@defop()
def adjoint(input):
    """The conjugate transpose of the last two dims."""
    _check_matrices(input, "adjoint()")
    return conj(transpose(input, -2, -1))


def _matrix_adjoint(self):
    _check_matrices(self, "mH")
    return conj(transpose(self, -2, -1))


def _hermitian_transpose(self):
    if self._data.ndim != 2:
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {self._data.ndim}-D tensor.")
    return conj(transpose(self, 0, 1))


Tensor.mH = property(_matrix_adjoint, doc="The conjugate transpose of the last two dims.")
Tensor.H = property(_hermitian_transpose, doc="The conjugate transpose of a matrix.")


# -- angles and tests ------------------------------------------------------------------------------

@defop()
def angle(input, *, out=None):
    """The argument of each element, in radians (of a real number: 0, or pi for negatives)."""
    x = input._data
    xp = xp_of(input)
    if input.is_complex():
        data = xp.angle(x)
    else:
        if input.dtype.category != dtypes.FLOATING:
            x = x.astype(dtypes.get_default_dtype().np)
        data = xp.where(x < 0, x.dtype.type(math.pi), x.dtype.type(0))
        data = xp.where(xp.isnan(x), x, data)

    def vjp(g, input):   # ATen's angle_backward: of z, across the radius; of a real number, 0
        if not input.is_complex():
            return (g * 0,)
        return (where(input == 0, 0, g * input / (input.abs() ** 2) * 1j),)
    return _finish(record(wrap(data), "AngleBackward0", (input,), vjp, saved=(input,), holomorphic=False), out)


@defop(differentiable=False)
def isreal(input):
    """True where the imaginary part is 0 (everywhere, for a real tensor)."""
    x = input._data
    xp = xp_of(input)
    return wrap(x.imag == 0 if input.is_complex() else xp.ones(x.shape, dtype=bool))
