"""The `np` namespace: a safe subset of NumPy for the numpy bridge.

Only computation: no file, pickle, pointer or memory-layout functions
(load, save, fromfile, memmap, ctypeslib, lib.stride_tricks ...).  Functions
that allocate from a shape are wrapped to respect the shell's memory limit.
"""
import functools
import math

import numpy as np

from .errors import UserError, format_size

# Set by the session (bytes, or None for no limit).
LIMIT = [None]

_FUNCTIONS = """
array asarray asanyarray ascontiguousarray copy zeros_like ones_like empty_like full_like
arange linspace logspace geomspace diag diagonal trace tri tril triu meshgrid
stack concatenate vstack hstack dstack column_stack split array_split
reshape ravel transpose swapaxes moveaxis squeeze expand_dims broadcast_to broadcast_arrays
flip fliplr flipud roll rot90 where clip sort argsort argmax argmin searchsorted
max min amax amin sum prod mean std var median average cumsum cumprod percentile quantile
nansum nanmean nanmax nanmin dot vdot matmul outer inner einsum tensordot kron cross
allclose isclose array_equal array_equiv all any
abs absolute fabs sqrt cbrt square exp exp2 expm1 log log2 log10 log1p
sin cos tan arcsin arccos arctan arctan2 sinh cosh tanh arcsinh arccosh arctanh
hypot degrees radians deg2rad rad2deg
add subtract multiply divide true_divide floor_divide power float_power mod remainder fmod divmod
maximum minimum fmax fmin negative positive reciprocal sign signbit floor ceil trunc rint round around fix
isnan isinf isfinite nan_to_num real imag conj conjugate angle
logical_and logical_or logical_not logical_xor bitwise_and bitwise_or bitwise_xor invert
left_shift right_shift greater greater_equal less less_equal equal not_equal
unique count_nonzero nonzero flatnonzero argwhere histogram bincount digitize diff gradient
interp convolve polyfit polyval
shape ndim size result_type promote_types can_cast
dtype finfo iinfo set_printoptions get_printoptions printoptions array2string array_repr array_str
float16 float32 float64 half single double longdouble int8 int16 int32 int64 uint8 uint16 uint32 uint64
intp uintp bool_ complex64 complex128 generic number integer floating
pi e inf nan newaxis euler_gamma
""".split()

_SIZED = {
    # name: (numpy function, how the shape is found)
    "zeros": "shape", "ones": "shape", "empty": "shape", "full": "shape",
    "eye": "eye", "identity": "eye", "tile": None, "repeat": None,
}

_LINALG = "norm inv det solve eig eigh eigvals eigvalsh svd qr cholesky matrix_rank pinv lstsq slogdet matrix_power".split()
_RANDOM = "seed rand randn randint random normal uniform choice permutation shuffle standard_normal".split()


class Namespace:
    """A module of the shell: a name and a table of entries, nothing more."""

    __slots__ = ("name", "entries", "doc")

    def __init__(self, name, entries, doc=None):
        self.name = name
        self.entries = entries
        self.doc = doc

    def __repr__(self):
        return f"<module {self.name!r}>"


def _shape_of(arg):
    if isinstance(arg, (tuple, list)):
        return tuple(int(s) for s in arg)
    return (int(arg),)


def check_bytes(nbytes, what):
    limit = LIMIT[0]
    if limit is not None and nbytes > limit:
        raise MemoryError(f"refusing to allocate {format_size(nbytes)} for {what}: "
                          f"the memory limit is {format_size(limit)}")


def _itemsize(dtype, default=8):
    if dtype is None:
        return default
    try:
        return np.dtype(dtype).itemsize
    except TypeError:
        return default


def _sized(fn, kind):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            if kind == "shape":
                shape = _shape_of(args[0] if args else kwargs.get("shape", ()))
            elif kind == "eye":
                n = int(args[0] if args else kwargs.get("N", 0))
                m = args[1] if len(args) > 1 and args[1] is not None else kwargs.get("M") or n
                shape = (n, int(m))
            elif kind == "dims":
                shape = tuple(int(a) for a in args)
            elif kind == "size":
                size = kwargs.get("size")
                shape = () if size is None else _shape_of(size)
            else:
                shape = ()
        except (TypeError, ValueError, IndexError):
            shape = ()
        if any(s < 0 for s in shape):
            return fn(*args, **kwargs)
        dtype = kwargs.get("dtype")
        n = math.prod(shape)
        check_bytes(n * _itemsize(dtype), f"an array of shape {shape}")
        return fn(*args, **kwargs)
    return wrapper


def _linspace(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        num = args[2] if len(args) > 2 else kwargs.get("num", 50)
        try:
            check_bytes(int(num) * 8, f"an array of {int(num)} elements")
        except (TypeError, ValueError):
            pass
        return fn(*args, **kwargs)
    return wrapper


def _arange(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            a = [float(x) for x in args[:3]]
            start, stop, step = (0.0, a[0], 1.0) if len(a) == 1 else (a[0], a[1], a[2] if len(a) > 2 else 1.0)
            n = max(0, math.ceil((stop - start) / step)) if step else 0
            check_bytes(n * _itemsize(kwargs.get("dtype")), f"an array of {n} elements")
        except (TypeError, ValueError, OverflowError, IndexError):
            pass
        return fn(*args, **kwargs)
    return wrapper


def _refuse(name):
    def refused(*args, **kwargs):
        raise UserError(f"np.{name} is not available in tensorsh")
    refused.__name__ = name
    return refused


def build():
    """The `np` namespace."""
    entries = {}
    for name in _FUNCTIONS:
        if hasattr(np, name):
            entries[name] = getattr(np, name)
    for name, kind in _SIZED.items():
        if kind is not None:
            entries[name] = _sized(getattr(np, name), kind)
    entries["linspace"] = _linspace(np.linspace)
    entries["logspace"] = _linspace(np.logspace)
    entries["arange"] = _arange(np.arange)
    linalg = {n: getattr(np.linalg, n) for n in _LINALG if hasattr(np.linalg, n)}
    entries["linalg"] = Namespace("numpy.linalg", linalg)
    random = {n: getattr(np.random, n) for n in _RANDOM if hasattr(np.random, n)}
    random["rand"] = _sized(np.random.rand, "dims")
    random["randn"] = _sized(np.random.randn, "dims")
    for n in ("random", "normal", "uniform", "randint", "standard_normal"):
        random[n] = _sized(getattr(np.random, n), "size")
    entries["random"] = Namespace("numpy.random", random)
    return Namespace("numpy", entries, doc="A safe subset of NumPy (computation only, no files).")


# Callables that must never run, however they were reached.
DENIED = frozenset(
    getattr(np, n) for n in ("load", "save", "savez", "savez_compressed", "savetxt", "loadtxt",
                              "genfromtxt", "fromfile", "memmap", "fromregex", "info", "source",
                              "lookfor") if hasattr(np, n))
