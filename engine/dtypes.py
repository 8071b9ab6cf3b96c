"""dtypes: PyTorch's names over NumPy's dtypes, and PyTorch's type promotion.

Promotion follows ATen's ``ResultTypeState``: operands fall into three
groups (dimensioned tensors, 0-d tensors, Python scalars); each group is
promoted on its own, and a lower group only changes the result when it is
of a higher *category* (bool < integer < floating point).
"""
from __future__ import annotations

import numpy as np

__all__ = [
    "dtype", "float16", "float32", "float64", "int8", "int16", "int32", "int64",
    "uint8", "bool", "half", "float", "double", "short", "int", "long",
    "complex64", "complex128", "cfloat", "cdouble",
    "promote_types", "result_type", "get_default_dtype", "set_default_dtype",
    "is_floating_point", "can_cast",
]

_builtin_bool, _builtin_int, _builtin_float, _builtin_complex = bool, int, float, complex

BOOL, INTEGER, FLOATING, COMPLEX = 0, 1, 2, 3


class dtype:
    """A tensor element type, printed as PyTorch prints it (``torch.float32``)."""

    __slots__ = ("name", "np", "category", "itemsize", "legacy_name", "__weakref__")
    __module__ = "torch"        # type(torch.float32) prints as PyTorch's: <class 'torch.dtype'>

    def __init__(self, name, np_dtype, category, legacy_name):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.category = category
        self.itemsize = self.np.itemsize
        self.legacy_name = legacy_name   # used in autograd's version-counter error

    @property
    def is_floating_point(self):
        return self.category == FLOATING

    @property
    def is_complex(self):
        return self.category == COMPLEX

    @property
    def is_signed(self):
        return self.name != "uint8" and self.name != "bool"

    def to_real(self):
        """The type of a complex type's real and imaginary parts (complex64 -> float32); others
        are their own."""
        return _REAL_OF.get(self, self)

    def to_complex(self):
        """The complex type whose parts are this floating type (float32 -> complex64)."""
        if self.category == COMPLEX:
            return self
        if self not in _COMPLEX_OF:
            raise RuntimeError(f"Unsupported dtype {self.name[0].upper() + self.name[1:]}")
        return _COMPLEX_OF[self]

    def __repr__(self):
        return "torch." + self.name

    __str__ = __repr__

    def __reduce__(self):
        return self.name


float16 = dtype("float16", np.float16, FLOATING, "HalfTensor")
float32 = dtype("float32", np.float32, FLOATING, "FloatTensor")
float64 = dtype("float64", np.float64, FLOATING, "DoubleTensor")
int8 = dtype("int8", np.int8, INTEGER, "CharTensor")
int16 = dtype("int16", np.int16, INTEGER, "ShortTensor")
int32 = dtype("int32", np.int32, INTEGER, "IntTensor")
int64 = dtype("int64", np.int64, INTEGER, "LongTensor")
uint8 = dtype("uint8", np.uint8, INTEGER, "ByteTensor")
bool = dtype("bool", np.bool_, BOOL, "BoolTensor")
complex64 = dtype("complex64", np.complex64, COMPLEX, "ComplexFloatTensor")
complex128 = dtype("complex128", np.complex128, COMPLEX, "ComplexDoubleTensor")

half, float, double = float16, float32, float64
short, int, long = int16, int32, int64
cfloat, cdouble = complex64, complex128

_REAL_OF = {complex64: float32, complex128: float64}
# complex32 (two halves) has no NumPy type: half's complex type is refused where it would be made
_COMPLEX_OF = {float32: complex64, float64: complex128}

ALL = (bool, uint8, int8, int16, int32, int64, float16, float32, float64, complex64, complex128)
BY_NAME = {d.name: d for d in ALL} | {
    "half": half, "float": float, "double": double, "short": short, "int": int, "long": long,
    "cfloat": cfloat, "cdouble": cdouble,
}
_BY_NP = {d.np: d for d in ALL}


def from_numpy_dtype(np_dtype) -> dtype:
    """The dtype of an ndarray; PyTorch has no unsigned 16-64-bit or string types."""
    try:
        return _BY_NP[np_dtype]
    except KeyError:
        np_dtype = np.dtype(np_dtype)
        if np_dtype in _BY_NP:
            return _BY_NP[np_dtype]
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np_dtype.name}. The only supported types are: "
            "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint64, "
            "uint32, uint16, uint8, and bool.") from None


def to_dtype(obj) -> dtype:
    """Accept a dtype, a NumPy dtype, a Python type or a name (``'float32'``).

    As in PyTorch, ``dtype=float`` means float64 (Python's float is a double)."""
    if type(obj) is dtype:
        return obj
    if obj is _builtin_float:
        return float64
    if obj is _builtin_int:
        return int64
    if obj is _builtin_bool:
        return bool
    if obj is _builtin_complex:
        return complex128
    if isinstance(obj, str) and obj in BY_NAME:
        return BY_NAME[obj]
    try:
        return from_numpy_dtype(np.dtype(obj))
    except TypeError:
        raise TypeError(f"dtype must be a torch.dtype (got {type(obj).__name__})") from None


def dtype_arg(obj, fn) -> dtype:
    """The ``dtype=`` argument of the factory ``fn``: a dtype or Python's float, int or bool, as
    PyTorch's argument parser takes it (a name or a NumPy dtype is its TypeError)."""
    if type(obj) is dtype or obj in (_builtin_float, _builtin_int, _builtin_bool, _builtin_complex):
        return to_dtype(obj)
    raise TypeError(f"{fn}(): argument 'dtype' must be torch.dtype, not {type(obj).__name__}")


_default = [float32]


def get_default_dtype() -> dtype:
    return _default[0]


def set_default_dtype(d) -> None:
    d = to_dtype(d)
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


def default_complex_dtype() -> dtype:
    """The complex type of the default float type: complex128 when it is float64, else complex64
    (a Python complex number is of this type, as PyTorch's default complex dtype)."""
    return complex128 if _default[0] is float64 else complex64


def complex_of(d: dtype) -> dtype:
    """``d``'s complex type, or refusal where it would be complex32, which the engine lacks."""
    if d is float16:
        raise TypeError("complex32 (ComplexHalf) tensors are not supported by tensorsh's engine")
    return d.to_complex()


def floating_or_complex(d: dtype) -> _builtin_bool:
    """Whether ``d`` is a floating point or complex type: the types that can require gradients,
    and that mean, std and norm compute in."""
    return d.category >= FLOATING


def is_floating_point(t) -> _builtin_bool:
    return t.dtype.category == FLOATING


_INT_ORDER = {uint8: 0, int8: 0, int16: 1, int32: 2, int64: 3}
_FLOAT_ORDER = {float16: 0, float32: 1, float64: 2, complex64: 1, complex128: 2}


def _promote(a: dtype, b: dtype) -> dtype:
    if a is b:
        return a
    if COMPLEX in (a.category, b.category):
        # the complex type of the wider parts: complex64 with float64 is complex128; with
        # float16 (or any integer) it stays complex64
        complex_type, other = (a, b) if a.category == COMPLEX else (b, a)
        if other.category == FLOATING and _FLOAT_ORDER[other] > _FLOAT_ORDER[complex_type]:
            return other.to_complex()
        if other.category == COMPLEX and _FLOAT_ORDER[other] > _FLOAT_ORDER[complex_type]:
            return other
        return complex_type
    if a.category != b.category:
        return a if a.category > b.category else b
    if a.category == FLOATING:
        return a if _FLOAT_ORDER[a] >= _FLOAT_ORDER[b] else b
    # integers: uint8 with int8 needs int16; otherwise the wider type wins
    if {a, b} == {uint8, int8}:
        return int16
    return a if _INT_ORDER[a] >= _INT_ORDER[b] else b


_promote_cache: dict = {}


def promote_types(a, b) -> dtype:
    """torch.promote_types: the smallest type both can be converted to."""
    key = (a, b)
    hit = _promote_cache.get(key)
    if hit is None:
        hit = _promote_cache[key] = _promote(to_dtype(a), to_dtype(b))
    return hit


def scalar_dtype(value) -> dtype:
    """The dtype a Python scalar takes part in promotion as (floats as the default dtype)."""
    t = type(value)
    if t is _builtin_bool or t is np.bool_:
        return bool
    if t is _builtin_float or isinstance(value, np.floating):
        return _default[0]
    if t is _builtin_int or isinstance(value, np.integer):
        return int64
    if t is _builtin_complex or isinstance(value, np.complexfloating):
        return default_complex_dtype()
    raise TypeError(f"unsupported scalar type {t.__name__}")


def _combine_categories(higher, lower):
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.category == COMPLEX:
        return higher
    if lower.category == COMPLEX:   # a float keeps its width: float64 with a complex scalar is complex128
        return complex_of(higher) if higher.category == FLOATING else lower
    if higher.category == FLOATING:
        return higher
    if higher is bool or lower.category == FLOATING:
        return promote_types(higher, lower)
    return higher


def result_type(*operands) -> dtype:
    """torch.result_type over tensors and Python scalars, by PyTorch's three-group rule."""
    dim = zero = wrapped = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if type(d) is dtype:
            if x.ndim:
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        else:
            d = scalar_dtype(x)
            wrapped = d if wrapped is None else promote_types(wrapped, d)
    return _combine_categories(dim, _combine_categories(zero, wrapped))


def can_cast(from_, to) -> _builtin_bool:
    """torch.can_cast: same-kind casting (no complex->float, no float->int, no int->bool)."""
    return to_dtype(from_).category <= to_dtype(to).category
