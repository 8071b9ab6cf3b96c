"""Tensor creation: tensor, zeros, ones, empty, full, arange, linspace, eye, *_like, new_*,
and the NumPy bridge (from_numpy, as_tensor)."""
from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from .. import dtypes
from ..autograd.graph import record
from ..device import CPU, array_module, canonical, move
from ..tensor import _SCALAR_TYPE_NAMES, Size, Tensor, wrap
from ..unsupported import refuse_unsupported
from ._util import check_int_scalar, check_tensor, inplace, xp_of
from .indexing import _broadcast_shape
from .float_kernels import fma64
from .registry import defop, export

# A tensor larger than this many bytes is refused before it is allocated (None: no limit).
_limit = None


@export
def set_memory_limit(nbytes):
    """Refuse to create tensors larger than ``nbytes`` (None removes the limit).

    This is the engine's own setting, for Python code that uses the engine.  A
    tensorsh Session never changes it for good: while a session runs code, that
    session's limit is in force in its place (none when the session has none),
    and this setting is back when the session returns."""
    global _limit
    _limit = None if nbytes is None else int(nbytes)


@export
def memory_limit():
    """The limit in force (bytes, or None)."""
    return _limit


def _human(n):
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.1f} {unit}" if unit != "bytes" else f"{n} bytes"
        n /= 1024
    return f"{n} bytes"


def check_size(shape, dtype):
    """Refuse negative sizes (PyTorch's message) and tensors over the memory limit."""
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"[{', '.join(map(str, shape))}]")
    limit = _limit
    if limit is not None:
        nbytes = math.prod(shape) * dtype.itemsize
        if nbytes > limit:
            raise MemoryError(f"refusing to allocate {_human(nbytes)} for a tensor of shape "
                              f"[{', '.join(map(str, shape))}] and dtype {dtype}: the memory limit is "
                              f"{_human(limit)}")


def size_arg(size, fn, keyword=None):
    """``(2, 3)``, ``((2, 3),)`` or ``(Size([2, 3]),)`` as a tuple of ints; or the ``size=`` keyword
    (``keyword``) where the sizes were not given one by one."""
    if keyword is not None:
        if size:
            raise TypeError(f"{fn}() got multiple values for argument 'size'")
        size = (keyword,)
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            if isinstance(s, Tensor) and s.numel() == 1 and not s.dtype.is_floating_point:
                continue
            got = ", ".join(type(x).__name__ for x in size)
            raise TypeError(f"{fn}() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                            f" * (tuple of ints size, *, tuple of names names, torch.dtype dtype = None, "
                            f"torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
                            f"bool requires_grad = False)")
    return tuple(int(s) for s in size)


def _on(dev, data):
    """Host (NumPy) data moved to ``dev``: itself on the cpu (or when it is there already)."""
    if dev.type == "cpu" or type(data) is not np.ndarray:
        return data
    return move(data, dev)


def _finish(data, requires_grad):
    t = wrap(data)
    return _require_grad(t) if requires_grad else t


def _require_grad(t):
    """requires_grad=True at creation (its message differs from requires_grad_()'s: capital O)."""
    if not dtypes.floating_or_complex(t.dtype):
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    t._requires_grad = True
    return t


def _factory(fn, size, dtype, device, requires_grad, fill, size_keyword=None):
    shape = size_arg(size, fn, size_keyword)
    if fn == "zeros" and len(shape) == 1 and shape[0] < 0:   # PyTorch's 1-d zeros has its own message
        raise RuntimeError("zeros: Dimension size must be non-negative.")
    dt = dtypes.get_default_dtype() if dtype is None else dtypes.dtype_arg(dtype, fn)
    check_size(shape, dt)
    dev = canonical(device)
    xp = array_module(dev)
    if dev.type == "cpu":
        data = fill(xp, shape, dt.np)
    else:
        with xp.cuda.Device(dev.index):
            data = fill(xp, shape, dt.np)
    return _finish(data, requires_grad)


@defop(method=False, differentiable=False)
def zeros(*sizes, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """A tensor of zeros of the given size (the default float dtype unless ``dtype``)."""
    shape = _plain_shape(sizes) if _defaults(size, out, dtype, layout, device, pin_memory) else None
    if shape is not None:
        return _finish(np.zeros(shape, dtypes.get_default_dtype().np), requires_grad)
    refuse_unsupported("zeros", out=out, layout=layout, pin_memory=pin_memory)
    return _factory("zeros", sizes, dtype, device, requires_grad, lambda xp, s, d: xp.zeros(s, d), size)


@defop(method=False, differentiable=False)
def ones(*sizes, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """A tensor of ones of the given size."""
    shape = _plain_shape(sizes) if _defaults(size, out, dtype, layout, device, pin_memory) else None
    if shape is not None:
        return _finish(_ones(np, shape, dtypes.get_default_dtype().np), requires_grad)
    refuse_unsupported("ones", out=out, layout=layout, pin_memory=pin_memory)
    return _factory("ones", sizes, dtype, device, requires_grad, _ones, size)


def _defaults(size, out, dtype, layout, device, pin_memory):
    """A factory call that sets none of these: the sizes one by one (or as a tuple), the default
    dtype, layout and device, no ``out``."""
    return size is None and out is None and dtype is None and layout is None and device is None and not pin_memory


def _plain_shape(sizes):
    """The shape of a factory call's ``sizes`` in the common case, ints one by one or a tuple of
    them, none negative, when tensors are made on the cpu by default, within the memory limit (a
    tensorsh session always has one): the general path (_factory) would find nothing to refuse in
    them. None for anything else, and the general path says what is wrong."""
    if len(sizes) == 1 and sizes[0].__class__ is tuple:
        sizes = sizes[0]
    if canonical(None) is not CPU:
        return None
    for s in sizes:
        if s.__class__ is not int or s < 0:
            return None
    if _limit is not None and math.prod(sizes) * dtypes.get_default_dtype().itemsize > _limit:
        return None
    return sizes


def _ones(xp, shape, np_dtype):
    """xp.ones, without its Python-level generality (a third of ones(2, 2)'s time)."""
    data = xp.empty(shape, np_dtype)
    data.fill(1)
    return data


@defop(method=False, differentiable=False)
def empty(*sizes, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None):
    """An uninitialised tensor (here: zero-filled, so that nothing leaks from old memory)."""
    refuse_unsupported("empty", out=out, layout=layout, pin_memory=pin_memory, memory_format=memory_format)
    return _factory("empty", sizes, dtype, device, requires_grad, lambda xp, s, d: xp.zeros(s, d), size)


@defop(method=False, differentiable=False)
def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """A tensor filled with ``fill_value``; its dtype follows the value (int64, bool, or default float)."""
    refuse_unsupported("full", out=out, layout=layout)
    if dtype is None:
        dtype = dtypes.scalar_dtype(fill_value.item() if isinstance(fill_value, Tensor) else fill_value)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    check_int_scalar(fill_value)
    dt = dtypes.dtype_arg(dtype, "full")
    if isinstance(fill_value, complex) and dt.category != dtypes.COMPLEX and fill_value.imag != 0:
        raise RuntimeError(f"value cannot be converted to type {_CONVERSION_NAMES.get(dt.name, dt.name + '_t')} "
                           "without overflow")
    return _factory("full", (size,) if isinstance(size, (tuple, list)) else (size,), dtype, device,
                    requires_grad, lambda xp, s, d: xp.full(s, fill_value, d))


# how c10's checked scalar conversion names its target types (int64 -> int64_t)
_CONVERSION_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bool": "bool", "int32": "int"}


def _like(input, dtype, device):
    return (input.dtype if dtype is None else dtype), (input.device if device is None else device)


@defop(method=False, differentiable=False)
def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """Zeros with the shape (and by default dtype and device) of ``input``."""
    refuse_unsupported("zeros_like", layout=layout, memory_format=memory_format)
    dt, dev = _like(input, dtype, device)
    return zeros(input.shape, dtype=dt, device=dev, requires_grad=requires_grad)


@defop(method=False, differentiable=False)
def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """Ones with the shape of ``input``."""
    refuse_unsupported("ones_like", layout=layout, memory_format=memory_format)
    dt, dev = _like(input, dtype, device)
    return ones(input.shape, dtype=dt, device=dev, requires_grad=requires_grad)


@defop(method=False, differentiable=False)
def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """An uninitialised tensor with the shape of ``input``."""
    refuse_unsupported("empty_like", layout=layout, memory_format=memory_format)
    dt, dev = _like(input, dtype, device)
    return empty(input.shape, dtype=dt, device=dev, requires_grad=requires_grad)


@defop(method=False, differentiable=False)
def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """``fill_value`` everywhere, with the shape of ``input``."""
    refuse_unsupported("full_like", layout=layout, memory_format=memory_format)
    dt, dev = _like(input, dtype, device)
    return full(input.shape, fill_value, dtype=dt, device=dev, requires_grad=requires_grad)


# -- new_* methods: the dtype and device of self by default --------------------------------------

def _legacy_constructor(cls, *args, device=None):
    """PyTorch's legacy constructor: ``Tensor(2, 3)`` is an (here zero-filled) float32 tensor
    of that size, ``Tensor([1, 2])`` float32 data, ``Tensor()`` an empty one. Ops make
    tensors with ``wrap``, which does not come through here."""
    if len(args) == 1 and isinstance(args[0], (list, tuple, np.ndarray)) and not isinstance(args[0], Size):
        return tensor(args[0], dtype=dtypes.float32, device=device)
    if len(args) == 1 and not isinstance(args[0], (int, np.integer, Size)):
        if isinstance(args[0], str):
            raise TypeError("new(): invalid data type 'str'")
        raise TypeError(f"new(): data must be a sequence (got {type(args[0]).__name__})")
    return empty(*(args or (0,)), dtype=dtypes.float32, device=device)


Tensor.__new__ = _legacy_constructor


def _new(factory):
    def new_method(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
        refuse_unsupported(new_method.__name__, layout=layout, pin_memory=pin_memory)
        dt, dev = _like(self, dtype, device)
        return factory(*size, dtype=dt, device=dev, requires_grad=requires_grad)
    new_method.__name__ = "new_" + factory.__name__
    new_method.__doc__ = f"Like ``{factory.__name__}``, with this tensor's dtype and device unless given."
    return defop(function=False, differentiable=False)(new_method)


new_zeros, new_ones, new_empty = _new(zeros), _new(ones), _new(empty)


@defop(function=False, differentiable=False)
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None,
             pin_memory=False):
    """``full`` with this tensor's dtype and device unless given."""
    refuse_unsupported("new_full", layout=layout, pin_memory=pin_memory)
    dt, dev = _like(self, dtype, device)
    return full(size, fill_value, dtype=dt, device=dev, requires_grad=requires_grad)


@defop(function=False, differentiable=False)
def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """``tensor(data)`` with this tensor's dtype and device unless given."""
    refuse_unsupported("new_tensor", layout=layout, pin_memory=pin_memory)
    dt, dev = _like(self, dtype, device)
    return tensor(data, dtype=dt, device=dev, requires_grad=requires_grad)


# -- from data ------------------------------------------------------------------------------------

def _infer(data):
    """The dtype torch.tensor infers for nested Python data, and the data as a NumPy array."""
    kinds = set()
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        elif isinstance(x, Tensor):
            kinds.add(x.dtype)
        elif isinstance(x, (bool, np.bool_)):
            kinds.add(dtypes.bool)
        elif isinstance(x, numbers.Integral):
            if not -2**63 <= int(x) < 2**63:
                raise ValueError("Overflow when unpacking long long")
            kinds.add(dtypes.int64)
        elif isinstance(x, numbers.Real):
            kinds.add(dtypes.get_default_dtype())
        elif isinstance(x, numbers.Complex):
            kinds.add(dtypes.default_complex_dtype())
        elif x is None:
            raise RuntimeError("Could not infer dtype of NoneType")
        else:
            raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
    result = None
    for k in kinds:
        result = k if result is None else dtypes.promote_types(result, k)
    return result or dtypes.get_default_dtype()


def _nested_to_array(data):
    try:
        return np.array(_unwrap(data))
    except ValueError as exc:
        if "inhomogeneous" in str(exc) or "sequence" in str(exc):
            raise ValueError(f"expected sequence of length {_first_len(data)} at dim 1 (got "
                             f"{_bad_len(data)})") from None
        raise


def _unwrap(data):
    """Nested data with each tensor in it as the one number it must hold (as PyTorch reads them)."""
    if isinstance(data, Tensor):
        if data._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return data.detach().cpu()._data.reshape(())
    if isinstance(data, (list, tuple)):
        return [_unwrap(x) for x in data]
    return data


def _first_len(data):
    for x in data:
        if isinstance(x, (list, tuple)):
            return len(x)
    return 0


def _bad_len(data):
    n = _first_len(data)
    for x in data:
        if isinstance(x, (list, tuple)) and len(x) != n:
            return len(x)
    return 0


@defop(method=False, differentiable=False)
def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor copied from ``data`` (nested lists, numbers, NumPy arrays or tensors)."""
    refuse_unsupported("tensor", pin_memory=pin_memory)
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
        src = data.detach()
        dt = src.dtype if dtype is None else dtypes.dtype_arg(dtype, "tensor")
        dev = src.device if device is None else canonical(device)
        out = src.to(dev, dt, copy=True)
        out = wrap(out._data)
        return _require_grad(out) if requires_grad else out
    if isinstance(data, np.ndarray) or isinstance(data, np.generic):
        arr = np.asarray(data)
        dt = dtypes.from_numpy_dtype(arr.dtype) if dtype is None else dtypes.dtype_arg(dtype, "tensor")
        arr = arr.astype(dt.np, copy=True)
    else:
        dt = _infer(data) if dtype is None else dtypes.dtype_arg(dtype, "tensor")
        arr = _nested_to_array(data)
        if arr.dtype == object:
            raise TypeError("can't convert the given data to a tensor")
        arr = _cast(arr, dt)
    check_size(arr.shape, dt)
    return _finish(_on(canonical(device), arr), requires_grad)


def _cast(arr, dt):
    """Cast as PyTorch does: floats to ints truncate, anything to bool is ``!= 0``; complex
    numbers go only into complex types (and bool)."""
    if dt is dtypes.bool:
        return arr != 0
    if arr.dtype.kind == "c" and dt.category != dtypes.COMPLEX:
        raise TypeError("must be real number, not complex" if dt.category == dtypes.FLOATING
                        else "'complex' object cannot be interpreted as an integer")
    with np.errstate(over="ignore", invalid="ignore"):
        return arr.astype(dt.np)   # integers wrap around, floats truncate, as in PyTorch


@defop(method=False, differentiable=False)
def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    return tensor(s, dtype=dtype or dtypes.get_default_dtype(), device=device, requires_grad=requires_grad)


@defop(method=False, differentiable=False)
def as_tensor(data, dtype=None, device=None):
    """Like ``tensor`` but shares memory with a NumPy array or tensor when it can."""
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype) if (dtype or device) else data
    if isinstance(data, np.ndarray) and (dtype is None or dtypes.to_dtype(dtype).np == data.dtype) \
            and canonical(device) == CPU:
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


@defop(method=False, differentiable=False)
def from_numpy(ndarray):
    """A tensor sharing memory with ``ndarray`` and keeping its dtype."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dtypes.from_numpy_dtype(ndarray.dtype)   # PyTorch's error for unsupported dtypes
    return wrap(ndarray)


# -- ranges -----------------------------------------------------------------------------------------

@defop(method=False, differentiable=False, name="range")   # not named range here: Python's stays usable
def inclusive_range(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Deprecated in PyTorch: start to end *inclusive* by step, in the default float dtype."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    steps = max(int(math.floor((end - start) / step)) + 1, 0)
    dt = dtypes.get_default_dtype() if dtype is None else dtypes.dtype_arg(dtype, "range")
    check_size((steps,), dt)
    data = (np.arange(steps, dtype=np.float64) * step + start).astype(dt.np)
    return _finish(_on(canonical(device), data), requires_grad)


@defop(method=False, differentiable=False)
def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Values from start (default 0) up to, not including, end, every ``step``."""
    refuse_unsupported("arange", out=out, layout=layout)
    if end is None:
        start, end = 0, start
    start, end, step = (x.item() if isinstance(x, Tensor) else x for x in (start, end, step))
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is None:
        dtype = dtypes.result_type(start, end, step)
    dt = dtypes.dtype_arg(dtype, "arange")
    if dt.is_complex:
        raise NotImplementedError(f"\"arange_cpu\" not implemented for '{_SCALAR_TYPE_NAMES[dt.name]}'")
    n = max(0, math.ceil((end - start) / step))
    check_size((n,), dt)
    data = (np.arange(n, dtype=np.float64) * step + start) if dt.is_floating_point else \
        np.arange(start, start + n * step, step, dtype=np.int64)[:n]
    data = data.astype(dt.np)
    return _finish(_on(canonical(device), data), requires_grad)


@defop(method=False, differentiable=False)
def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values from start to end inclusive."""
    refuse_unsupported("linspace", out=out, layout=layout)
    if not isinstance(steps, (int, np.integer)) or steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt = dtypes.get_default_dtype() if dtype is None else dtypes.dtype_arg(dtype, "linspace")
    check_size((steps,), dt)
    data = _evenly_spaced(start, end, steps, dt)
    return _finish(_on(canonical(device), data), requires_grad)


def _evenly_spaced(start, end, steps, dt):
    """linspace's values as PyTorch's kernel computes them: the first half from start, the second
    from end (symmetric rounding), each ``start + step * i`` a fused multiply-add in the dtype."""
    if dt.is_complex:   # each part spaced evenly in its own real type
        parts = dt.to_real()
        start, end = complex(start), complex(end)
        real = _evenly_spaced(start.real, end.real, steps, parts)
        return (real + 1j * _evenly_spaced(start.imag, end.imag, steps, parts)).astype(dt.np)
    if steps <= 1:
        return np.full(steps, start, dtype=np.float64).astype(dt.np)
    if dt.np == np.float64 or dt.np == np.float32:
        start, end = dt.np.type(start), dt.np.type(end)
        step = dt.np.type((end - start) / dt.np.type(steps - 1))
        idx = np.arange(steps, dtype=np.float64)
        from_start = fma64(step, idx, start)                   # exact in float64 for float32's operands,
        from_end = fma64(-step, steps - 1 - idx, end)          # then rounded once to the dtype
        return np.where(idx < steps // 2, from_start, from_end).astype(dt.np)
    step = (end - start) / (steps - 1)
    idx = np.arange(steps, dtype=np.float64)
    data = np.where(idx < steps // 2, start + step * idx, end - step * (steps - 1 - idx))
    return data.astype(dt.np) if dt.is_floating_point else np.trunc(data).astype(dt.np)


@defop(method=False, differentiable=False)
def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """``base ** linspace(start, end, steps)``."""
    refuse_unsupported("logspace", out=out, layout=layout)
    dt = dtypes.get_default_dtype() if dtype is None else dtypes.dtype_arg(dtype, "logspace")
    exps = linspace(start, end, steps, dtype=dtypes.float64)._data
    data = (float(base) ** exps).astype(dt.np)
    return _finish(_on(canonical(device), data), requires_grad)


@defop(method=False, differentiable=False)
def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """An n x m identity matrix."""
    refuse_unsupported("eye", out=out, layout=layout)
    m = n if m is None else m
    for name, v in (("n", n), ("m", m)):
        if v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    return _factory("eye", (n, m), dtype, device, requires_grad, lambda xp, s, d: xp.eye(s[0], s[1], dtype=d))


# -- in-place fills: the old values get no gradient, a tensor value gets the summed gradient ------------

@defop()
def zero_(self):
    """Fill self with zeros, in place (ZeroBackward0)."""
    return inplace(self, lambda src: record(wrap(xp_of(src).zeros_like(src._data)), "ZeroBackward0", (src,),
                                            lambda g: (g * 0,)))


@defop()
def fill_(self, value):
    """Fill self with ``value`` (a number, or a 0-d tensor), in place."""
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value._data.ndim} dimensions.")
        return inplace(self, lambda src, v: record(_filled(src, v._data), "FillBackward3", (src, v),
                                                   lambda g: (g * 0, g.sum())), value)
    check_int_scalar(value)
    return inplace(self, lambda src: record(_filled(src, value), "FillBackward2", (src,), lambda g: (g * 0,)))


def _filled(like, value):
    data = like._data
    xp = xp_of(like)
    if data.dtype == np.bool_:
        return wrap(xp.full(data.shape, bool(value)))
    with np.errstate(invalid="ignore", over="ignore"):   # 2.7 into an int tensor truncates, as in PyTorch
        return wrap(xp.full(data.shape, xp.asarray(value).astype(data.dtype)))


@defop(function=False)
def copy_(self, src, non_blocking=False):
    """Copy ``src``'s values into self (broadcasting src, converting dtype and device)."""
    shape = self._data.shape
    if _broadcast_shape(None, shape, src._data.shape) != shape:
        raise RuntimeError(f"output with shape [{', '.join(map(str, shape))}] doesn't match the broadcast shape "
                           f"[{', '.join(map(str, _broadcast_shape(None, shape, src._data.shape)))}]")
    np_dtype = self._data.dtype

    def copy(dst, s):
        data = s._data if s.device == dst.device else s.to(dst.device)._data
        with np.errstate(invalid="ignore", over="ignore"):
            data = xp_of(dst).broadcast_to(data.astype(np_dtype, copy=False), shape).copy()
        return record(wrap(data), "CopyBackwards", (dst, s), lambda g: (g * 0, g))
    return inplace(self, copy, src)


# -- questions about a tensor, as torch.* functions (the methods live on Tensor) -------------------

@defop(method=False, differentiable=False)
def is_inference(input) -> bool:
    """Whether ``input`` was made inside inference_mode (or views a tensor that was)."""
    return check_tensor(input, "is_inference", "input", 1).is_inference()
