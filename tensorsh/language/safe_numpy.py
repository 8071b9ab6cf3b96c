"""The `np` namespace: a safe subset of NumPy for the numpy bridge.

Only computation: no file, pickle, pointer or memory-layout functions
(load, save, fromfile, memmap, ctypeslib, lib.stride_tricks ...).  Functions
that allocate from a shape are wrapped to respect the shell's memory limit.

Only plain arrays of numbers, booleans and strings: an object array holds
pointers that a view as integers could read and forge, and a void or
structured one lets a view reinterpret bytes as those pointers.  So every
callable here (ufuncs through `SafeUfunc`) refuses such a dtype among its
arguments and such an array among its results (`check_dtype`, `check_value`);
allowlist.py hands out array methods behind the same checks (`CheckedCall`)
and array flags read-only (`ArrayFlags`).
"""
import contextvars
import functools
import math

import numpy as np

from .errors import UserError, format_size

# The memory limit of the session running code (bytes, or None for no limit).
# A session sets it around the code it runs and puts the previous value back
# (Interpreter.settings_in_force), so sessions in one process each have their own;
# outside a run nothing is limited.
RUNNING_LIMIT = contextvars.ContextVar("tensorsh_memory_limit", default=None)

# The dtype kinds an array may have: bool, signed and unsigned integers,
# floats, complex, bytes and str.  Not object (O), void or structured (V),
# datetime (M, m).
ALLOWED_DTYPE_KINDS = frozenset("biufcSU")
_REFUSED_KIND_WORDS = {"O": "object arrays", "V": "structured and void arrays",
                       "M": "datetime arrays", "m": "timedelta arrays"}

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
_FFT = "fft ifft fft2 ifft2 fftn ifftn rfft irfft rfft2 irfft2 rfftn irfftn hfft ihfft fftshift ifftshift".split()
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


def check_dtype(dtype_like, what="this"):
    """Raise UserError when dtype_like names a dtype an array may not have here.
    what: the call it was given to (its name, or the callable), for the message.
    Anything NumPy cannot read as a dtype is left to the function it is given to."""
    try:
        dtype = dtype_like if isinstance(dtype_like, np.dtype) else np.dtype(dtype_like)
    except (TypeError, ValueError, SyntaxError):
        return
    # The kind says it all: structured and subarray dtypes are of kind V, and
    # only those can hold an object field.
    if dtype.kind not in ALLOWED_DTYPE_KINDS:
        words = _REFUSED_KIND_WORDS.get(dtype.kind, f"arrays of dtype {dtype}")
        where = what if isinstance(what, str) else f"{getattr(what, '__name__', 'this')}()"
        raise UserError(f"{words} are not available in tensorsh (in {where}); "
                        f"use numbers, booleans or strings")


def check_array(array, what="this"):
    """array when it is a plain NumPy array (or scalar) of an allowed dtype; else UserError.
    The `load` command checks what it read with this."""
    if type(array) is not np.ndarray and not isinstance(array, np.generic):
        raise UserError(f"{type(array).__name__} values are not available in tensorsh (in {what}): "
                        f"only plain NumPy arrays")
    check_dtype(array.dtype, what)
    return array


# Results that need no look: Python's scalars and NumPy's of the allowed kinds.
_PLAIN_RESULTS = frozenset([int, float, complex, bool, str, bytes, type(None)] + [
    cls for cls in set(np.sctypeDict.values()) if np.dtype(cls).kind in ALLOWED_DTYPE_KINDS])


def check_value(value, what="this"):
    """value, after refusing any NumPy array, scalar or dtype in it (through
    tuples and lists, as functions return several) that a script may not hold."""
    cls = value.__class__
    if cls in _PLAIN_RESULTS:
        return value
    if cls is np.ndarray or isinstance(value, np.generic):
        if value.dtype.kind not in ALLOWED_DTYPE_KINDS:
            check_dtype(value.dtype, what)
    elif isinstance(value, np.dtype):
        check_dtype(value, what)
    elif isinstance(value, (tuple, list)):
        for item in value:
            check_value(item, what)
    elif isinstance(value, np.ndarray):
        check_array(value, what)
    return value


def _check_arguments(args, kwargs, what, dtype_at):
    """Refuse a forbidden dtype given to a call: as `dtype=` (or a ufunc's
    `signature=`), at the position dtype_at, or as a positional dtype or type
    (`np.zeros(3, list)`).  Other positional strings are not read as dtypes
    ('i,i' is also an einsum); what such a call makes is refused by check_value."""
    for i, arg in enumerate(args):
        if i == dtype_at or isinstance(arg, (type, np.dtype)):
            check_dtype(arg, what)
    if kwargs:
        for key in ("dtype", "signature"):
            if key in kwargs and kwargs[key] is not None:
                check_dtype(kwargs[key], what)


class CheckedCall:
    """fn behind the dtype checks: a forbidden dtype among its arguments
    (dtype_at: the position of its dtype argument, if it has one) or among its
    results is refused.  Namespace functions, ufuncs and the array methods
    allowlist.py hands out (made on every read) are wrapped in it: a small
    object, not a functools.wraps copy, which would read NumPy's long docstrings."""

    __slots__ = ("fn", "dtype_at", "what")

    def __init__(self, fn, dtype_at=None, what=None):
        self.fn = fn
        self.dtype_at = dtype_at
        self.what = what or fn      # how a refusal names the call

    def __call__(self, *args, **kwargs):
        if args or kwargs:
            _check_arguments(args, kwargs, self.what, self.dtype_at)
        result = self.fn(*args, **kwargs)
        return result if result.__class__ in _PLAIN_RESULTS else check_value(result, self.what)

    def __repr__(self):
        return repr(self.fn)

    # What `help` and the completer read: fn's name, documentation and signature.
    # (A property for __doc__ takes the place of this class's docstring.)
    __name__ = property(lambda self: self.fn.__name__)
    __doc__ = property(lambda self: self.fn.__doc__)
    __wrapped__ = property(lambda self: self.fn)


def checked(fn, what=None, dtype_at=None):
    """fn behind the dtype checks (what: how a refusal names it)."""
    return CheckedCall(fn, dtype_at, what)


def checked_method(method):
    """A bound NumPy method (`a.sum`, `u.reduce` ...) behind the checks."""
    return CheckedCall(method)


def checked_conversion(method):
    """`a.view` or `a.astype` behind the checks, its first argument read as a dtype."""
    return CheckedCall(method, dtype_at=0)


class ArrayFlags:
    """An array's flags to read (`a.flags.writeable`, `a.flags['C_CONTIGUOUS']`):
    NumPy's flags object would also set them, as setflags does."""

    __slots__ = ("_flags",)
    NAMES = ("aligned", "behaved", "c_contiguous", "carray", "contiguous", "f_contiguous", "farray",
             "fnc", "forc", "fortran", "num", "owndata", "writeable", "writebackifcopy")

    def __init__(self, flags):
        self._flags = flags

    def __getattr__(self, name):
        if name in ArrayFlags.NAMES:
            return getattr(self._flags, name)
        raise AttributeError(f"'flagsobj' object has no attribute {name!r}")

    def __getitem__(self, key):
        return self._flags[key]

    def __repr__(self):
        return repr(self._flags)


class SafeUfunc:
    """A NumPy ufunc whose calls and methods refuse forbidden dtypes, as every
    callable of the namespace does; it shows and behaves as the ufunc otherwise."""

    __slots__ = ("ufunc", "_call")

    def __init__(self, ufunc):
        self.ufunc = ufunc
        self._call = CheckedCall(ufunc)

    def __call__(self, *args, **kwargs):
        return self._call(*args, **kwargs)

    def __repr__(self):
        return repr(self.ufunc)

    __name__ = property(lambda self: self.ufunc.__name__)
    __doc__ = property(lambda self: self.ufunc.__doc__)
    __wrapped__ = property(lambda self: self.ufunc)

    # The ufunc's own data, and its methods behind the checks.
    nin = property(lambda self: self.ufunc.nin)
    nout = property(lambda self: self.ufunc.nout)
    nargs = property(lambda self: self.ufunc.nargs)
    ntypes = property(lambda self: self.ufunc.ntypes)
    types = property(lambda self: self.ufunc.types)
    identity = property(lambda self: self.ufunc.identity)
    signature = property(lambda self: self.ufunc.signature)
    reduce = property(lambda self: checked_method(self.ufunc.reduce))
    accumulate = property(lambda self: checked_method(self.ufunc.accumulate))
    reduceat = property(lambda self: checked_method(self.ufunc.reduceat))
    outer = property(lambda self: checked_method(self.ufunc.outer))
    at = property(lambda self: checked_method(self.ufunc.at))


def _shape_of(arg):
    if isinstance(arg, (tuple, list)):
        return tuple(int(s) for s in arg)
    return (int(arg),)


def check_bytes(nbytes, what):
    """Refuse to allocate nbytes for what when that is over the running session's limit."""
    limit = RUNNING_LIMIT.get()
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


def _fft_sized(fn):
    """An np.fft transform, with the length it pads to (`n`, or the sizes `s`) checked first."""
    @functools.wraps(fn)
    def wrapper(a, *args, **kwargs):
        lengths = kwargs.get("s", kwargs.get("n", args[0] if args else None))
        if lengths is not None:
            try:
                count = math.prod(lengths) if isinstance(lengths, (tuple, list)) else int(lengths)
                others = max(1, int(np.size(a)) // max(1, np.shape(a)[-1])) if np.ndim(a) else 1
                check_bytes(16 * count * others, f"a transform of length {count}")
            except (TypeError, ValueError, OverflowError):
                pass            # the transform reports its own argument errors
        return fn(a, *args, **kwargs)
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


# Where the namespace's creation functions take their dtype positionally.
_DTYPE_POSITION = {"dtype": 0, "zeros": 1, "ones": 1, "empty": 1, "full": 2, "identity": 1, "eye": 3,
                   "array": 1, "asarray": 1, "asanyarray": 1, "ascontiguousarray": 1,
                   "zeros_like": 1, "ones_like": 1, "empty_like": 1, "full_like": 2}


def _guarded(name, value):
    """A namespace entry behind the dtype checks.  Scalar types (np.float32 ...)
    stay themselves, to be passed as dtypes; what calling one makes has its dtype."""
    if isinstance(value, np.ufunc):
        return SafeUfunc(value)
    if isinstance(value, type) and issubclass(value, np.generic):
        return value
    if callable(value):
        return checked(value, f"np.{name}()", _DTYPE_POSITION.get(name))
    return value


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
    entries = {name: _guarded(name, value) for name, value in entries.items()}
    linalg = {n: checked(getattr(np.linalg, n), f"np.linalg.{n}()") for n in _LINALG if hasattr(np.linalg, n)}
    entries["linalg"] = Namespace("numpy.linalg", linalg)
    random = {n: getattr(np.random, n) for n in _RANDOM if hasattr(np.random, n)}
    random["rand"] = _sized(np.random.rand, "dims")
    random["randn"] = _sized(np.random.randn, "dims")
    for n in ("random", "normal", "uniform", "randint", "standard_normal"):
        random[n] = _sized(getattr(np.random, n), "size")
    random = {name: checked(fn, f"np.random.{name}()") for name, fn in random.items()}
    entries["random"] = Namespace("numpy.random", random)
    fft = {n: checked(_fft_sized(getattr(np.fft, n)), f"np.fft.{n}()") for n in _FFT}
    fft.update(fftfreq=checked(_sized(np.fft.fftfreq, "shape"), "np.fft.fftfreq()"),
               rfftfreq=checked(_sized(np.fft.rfftfreq, "shape"), "np.fft.rfftfreq()"))
    entries["fft"] = Namespace("numpy.fft", fft)
    return Namespace("numpy", entries, doc="A safe subset of NumPy (computation only, no files).")


# Callables that must never run, however they were reached.
DENIED = frozenset(
    getattr(np, n) for n in ("load", "save", "savez", "savez_compressed", "savetxt", "loadtxt",
                              "genfromtxt", "fromfile", "memmap", "fromregex", "info", "source",
                              "lookfor") if hasattr(np, n))
