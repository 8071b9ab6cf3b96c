"""Tensor: a thin object over an ndarray (NumPy on cpu, CuPy on cuda).

The ops live in ``engine/ops`` and attach themselves to Tensor as methods and
operators; this module holds only what a tensor *is*: its data, dtype, device,
autograd state, version counter, conversions and the Python protocols.
"""
from __future__ import annotations

import warnings
import weakref

import numpy as np

from . import dtypes
from .autograd.grad_mode import state as _mode
from .autograd.graph import RemovableHandle, edge_of, record
from .device import CPU, Device, canonical, device_of, move, to_numpy
from .printing import tensor_repr

__all__ = ["Tensor", "Size", "wrap"]

ndarray = np.ndarray
_from_np = dtypes.from_numpy_dtype
_DTYPE_OF = dtypes._BY_NP   # NumPy dtype -> dtype (_from_np for the rest: non-native byte orders, and its error)


_NON_LEAF_FLAG = ("you can only change requires_grad flags of leaf variables. If you want to use a computed "
                  "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
_NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be "
    "populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf "
    "Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure "
    "you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more information. "
    "(Triggered internally at /__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h:493.)")
_SCALAR_GRAD = ("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                "Consider using tensor.detach() first. (Triggered internally at "
                "/__w/pytorch/pytorch/torch/csrc/autograd/generated/python_variable_methods.cpp:822.)")
# How ATen's messages name element types: the C++ type, and the ScalarType.
_C_TYPE_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
                 "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
                 "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
                 "complex128": "c10::complex<double>"}
_SCALAR_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
                      "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                      "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


_INFERENCE_FLAG = "Setting requires_grad=True on inference tensor outside InferenceMode is not allowed."


class InferenceCounter(list):
    """The version counter of an inference tensor (one made inside inference_mode).

    Its type is the mark: views and detach()es share the counter, so they are inference
    tensors too, as in PyTorch, and ordinary tensors pay nothing for the check, which is
    made only where a tensor is saved for backward, modified in place or made to require grad.
    """
    __slots__ = ()


class Size(tuple):
    """torch.Size: a tuple of ints printed as ``torch.Size([5, 3])``."""

    __slots__ = ()
    __module__ = "torch"        # type(x.shape) prints as PyTorch's: <class 'torch.Size'>

    def __repr__(self):
        return f"torch.Size([{', '.join(map(str, self))}])"

    __str__ = __repr__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return Size(r) if isinstance(item, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))


class Tensor:
    """A multi-dimensional array with PyTorch's semantics and autograd.

    This module is the data layer: storage, dtype, device, versions and the autograd fields. The
    layers above add the methods they own: every op through the registry (engine/ops), the legacy
    constructor ``Tensor(2, 3)`` (ops/creation.py), ``backward`` (engine/autograd)."""

    # _vcounter: the version counter, a one-element list shared by a tensor, its views and
    # detach()es; _base and _view_fn: for a view, the tensor it views and how to take the view
    # again from it; _view_version: the version at which a view's grad_fn was made.
    __slots__ = ("_data", "_requires_grad", "_grad_fn", "_grad", "_vcounter", "_base",
                 "_output_nr", "_grad_accumulator", "_retains_grad", "_view_fn", "_view_version",
                 "__weakref__")

    # Python's reflected operators must not defer to NumPy's: make ndarray + Tensor call Tensor.__radd__.
    __array_priority__ = 1000
    __module__ = "torch"        # type(t) prints as PyTorch's: <class 'torch.Tensor'>


    # -- identity and metadata ---------------------------------------------------------
    @property
    def dtype(self):
        try:   # the dict's lookup inline: ops read a tensor's dtype often
            return _DTYPE_OF[self._data.dtype]
        except KeyError:
            return _from_np(self._data.dtype)

    @property
    def device(self) -> Device:
        return device_of(self._data)

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim=None):
        shape = self._data.shape
        if dim is None:
            return Size(shape)
        if not shape:   # size wraps no dimension of a 0-d tensor, where most ops take 0 and -1 for its one
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return shape[_dim(dim, len(shape))]

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    def is_same_size(self, other) -> bool:
        """Whether ``other`` has this tensor's shape."""
        return self._data.shape == other._data.shape

    def is_signed(self) -> bool:
        """Whether the dtype holds negative numbers (not bool, not uint8)."""
        return self._data.dtype.kind in "ifc"

    def is_nonzero(self) -> bool:
        """The truth of a one-element tensor (PyTorch's error otherwise)."""
        return self.__bool__()

    def get_device(self) -> int:
        """The CUDA device index, -1 on the cpu."""
        index = self.device.index
        return -1 if self.device.type == "cpu" else (index or 0)

    def type_as(self, other) -> Tensor:
        """This tensor in ``other``'s dtype (itself when it already is)."""
        return _to(self, None, other.dtype, False)

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def is_complex(self) -> bool:
        return self._data.dtype.kind == "c"

    def stride(self, dim=None):
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        return strides if dim is None else strides[_dim(dim, self._data.ndim)]

    def data_ptr(self) -> int:
        a = self._data
        return a.__array_interface__["data"][0] if isinstance(a, ndarray) else a.data.ptr

    def is_inference(self) -> bool:
        """Whether this tensor was made inside inference_mode (or views one that was)."""
        return type(self._vcounter) is InferenceCounter

    @property
    def _version(self) -> int:
        if type(self._vcounter) is InferenceCounter:
            raise RuntimeError("Inference tensors do not track version counter.")
        return self._vcounter[0]

    @_version.setter
    def _version(self, value):
        raise AttributeError("attribute '_version' of 'torch._C.TensorBase' objects is not writable")

    def _bump_version(self):
        self._vcounter[0] += 1

    # -- autograd state ------------------------------------------------------------------
    @property
    def grad_fn(self):
        """The node that made this tensor (None for a leaf). A view whose base was modified in
        place since gets a fresh history from its base (AsStridedBackward0), as in PyTorch."""
        if self._base is not None:
            return self._view_history(self)
        return self._grad_fn

    # How a view remakes its history, and takes on the history of an in-place op written into it
    # (installed by engine.ops.views, with indexing assignment)
    _view_history = None
    _rebase_view = None

    @grad_fn.setter
    def grad_fn(self, node):
        self._grad_fn = node

    @property
    def requires_grad(self) -> bool:
        if self._base is not None and not self._requires_grad:
            self.grad_fn   # a view of a tensor that came to require grad in place requires grad too
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        if self.grad_fn is not None:
            raise RuntimeError(_NON_LEAF_FLAG if not flag else "you can only change requires_grad flags of "
                               "leaf variables.")
        if flag and not dtypes.floating_or_complex(self.dtype):
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        if flag:
            _check_inference_flag(self)
        self._requires_grad = bool(flag)

    def requires_grad_(self, requires_grad=True):
        """Set requires_grad in place (leaves only; a non-leaf already requires grad)."""
        if self.grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(_NON_LEAF_FLAG)
            return self
        if requires_grad and not dtypes.floating_or_complex(self.dtype):
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if requires_grad:
            _check_inference_flag(self)
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def output_nr(self) -> int:
        return self._output_nr

    @property
    def grad(self):
        if self._grad_fn is not None and not self._retains_grad:
            warnings.warn(_NON_LEAF_GRAD, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value.device != self.device:
                raise RuntimeError(
                    f"attempting to assign a gradient with device type '{value.device.type}' to a tensor with "
                    f"device type '{self.device.type}'. Please ensure that the gradient and the tensor are on "
                    "the same device")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{_C_TYPE_NAMES[value.dtype.name]}' to a tensor "
                    f"with grad_dtype '{_SCALAR_TYPE_NAMES[self.dtype.name]}'. The gradient must match the "
                    "tensor's grad_dtype (defaults to the tensor's dtype). You can set the tensor's grad_dtype "
                    "attribute with a specific dtype, or None to allow any dtype. Set grad_dtype with caution. "
                    "Diverging the dtypes of a tensor and its gradient may break downstream systems that assume "
                    "they match.")
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '[{', '.join(map(str, value._data.shape))}]' to a "
                    f"tensor of size '[{', '.join(map(str, self._data.shape))}]'. Please ensure that the "
                    "gradient and the tensor are the same size")
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self):
        """Keep the gradient that reaches this non-leaf tensor in ``.grad`` (a no-op on leaves)."""
        node = self.grad_fn
        if node is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self._retains_grad:
            return
        self._retains_grad = True
        ref = weakref.ref(self)

        def keep(g):
            t = ref()
            if t is not None:
                # under create_graph grad mode is on, so .grad keeps its history (CloneBackward0)
                t._grad = g.clone() if t._grad is None else t._grad + g
        node.before().retain[self._output_nr] = keep

    def register_hook(self, hook):
        """hook(grad) runs when the gradient for this tensor is computed; it may return a new gradient."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        node, nr = edge_of(self)

        def pre(grads):
            if nr in grads:
                new = hook(grads[nr])
                if new is not None:
                    if new._data.shape != grads[nr]._data.shape:
                        raise RuntimeError(f"hook '{getattr(hook, '__name__', type(hook).__name__)}' has changed "
                                           "the size of value")
                    grads = dict(grads)
                    grads[nr] = new
            return grads
        return RemovableHandle(node.before().tensor, pre)

    def register_post_accumulate_grad_hook(self, hook):
        """hook(tensor) runs once backward has accumulated this leaf's gradient into ``.grad``."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        node, _ = edge_of(self)
        return RemovableHandle(node.post_accumulate_hooks, hook)

    def detach(self) -> Tensor:
        """The same data, cut from the graph (shares storage and version counter)."""
        out = wrap(self._data)
        out._vcounter = self._vcounter
        return out

    def detach_(self) -> Tensor:
        """Cut this tensor from the graph in place (not allowed on views)."""
        if self._base is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead. If you are using "
                               "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is "
                               "set as True, gradients are views of DDP buckets, and hence detach_() cannot "
                               "be called on these gradients. To fix this error, please refer to the "
                               "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")
        self._grad_fn = None
        self._requires_grad = False
        self._output_nr = 0
        return self

    @property
    def data(self) -> Tensor:
        """A tensor sharing storage, outside autograd: its changes bump no version of ``self``."""
        return wrap(self._data)

    @data.setter
    def data(self, value):
        self._data = value._data

    # -- conversions ----------------------------------------------------------------------
    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item() if isinstance(self._data, ndarray) else to_numpy(self._data).item()

    def tolist(self):
        return to_numpy(self._data).tolist()

    def numpy(self, *, force=False) -> np.ndarray:
        """The data as a NumPy array sharing memory (cpu only)."""
        if force:
            return to_numpy(self.detach()._data).copy() if not isinstance(self._data, ndarray) else self._data
        if self._requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        if not isinstance(self._data, ndarray):
            raise TypeError(f"can't convert {self.device} device type tensor to numpy. Use Tensor.cpu() "
                            "to copy the tensor to host memory first.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()
        return a if dtype is None else a.astype(dtype, copy=False)

    def to(self, *args, **kwargs) -> Tensor:
        """to(device), to(dtype), to(device, dtype), to(other): the same tensor when nothing changes."""
        dev, dt, copy = _parse_to(self, args, kwargs)
        return _to(self, dev, dt, copy)

    def cpu(self) -> Tensor:
        return _to(self, CPU, None, False)

    def cuda(self, device=None) -> Tensor:
        return _to(self, canonical("cuda" if device is None else (Device("cuda", device) if isinstance(device, int) else device)), None, False)

    def type(self, dtype=None):
        if dtype is None:
            prefix = "torch.cuda." if self.is_cuda else "torch."
            return prefix + self.dtype.legacy_name
        if isinstance(dtype, str):
            name = dtype.rsplit(".", 1)[-1]
            legacy = {d.legacy_name: d for d in dtypes.ALL}
            if name not in legacy:
                raise ValueError(f"invalid type: '{dtype}'")
            dtype = legacy[name]
        return _to(self, None, dtypes.to_dtype(dtype), False)

    def float(self): return _to(self, None, dtypes.float32, False)
    def double(self): return _to(self, None, dtypes.float64, False)
    def half(self): return _to(self, None, dtypes.float16, False)
    def long(self): return _to(self, None, dtypes.int64, False)
    def int(self): return _to(self, None, dtypes.int32, False)
    def short(self): return _to(self, None, dtypes.int16, False)
    def char(self): return _to(self, None, dtypes.int8, False)
    def byte(self): return _to(self, None, dtypes.uint8, False)
    def bool(self): return _to(self, None, dtypes.bool, False)
    def cfloat(self): return _to(self, None, dtypes.complex64, False)
    def cdouble(self): return _to(self, None, dtypes.complex128, False)

    # -- Python protocols -------------------------------------------------------------------
    def __repr__(self, *, tensor_contents=None):
        return tensor_repr(self)

    def __str__(self):
        return self.__repr__()

    def __format__(self, spec):
        if self._data.ndim == 0:
            return format(self.item(), spec)
        return object.__format__(self, spec)

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self):
        n = self._data.size
        if n != 1:
            raise RuntimeError(f"Boolean value of Tensor with {'no values' if n == 0 else 'more than one value'} "
                               "is ambiguous")
        return bool(self.item())

    def __float__(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        if self._requires_grad:
            _warn_once(_SCALAR_GRAD)
        return float(_real_number(self.item(), "double"))

    def __int__(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(_real_number(self.item(), "int64_t"))

    def __index__(self):
        if self._data.size != 1 or self.dtype.category != dtypes.INTEGER:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __complex__(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        if self._requires_grad:
            _warn_once(_SCALAR_GRAD)
        return complex(self.item())

    __hash__ = object.__hash__

    def __deepcopy__(self, memo):
        out = self.clone().detach() if self.grad_fn is None else self.clone()
        out._requires_grad = self._requires_grad
        return out

    def __reduce_ex__(self, proto):
        return (_rebuild, (to_numpy(self._data), self._requires_grad))


def _real_number(value, c_type):
    """A complex number as the real one it must be to convert (c10's checked conversion)."""
    if isinstance(value, complex):
        if value.imag != 0:
            raise RuntimeError(f"value cannot be converted to type {c_type} without overflow")
        return value.real
    return value


def _check_inference_flag(t):
    if type(t._vcounter) is InferenceCounter and not _mode.inference:
        raise RuntimeError(_INFERENCE_FLAG)


_warned = set()


def _warn_once(message):
    """A warning PyTorch gives once per process (TORCH_WARN_ONCE)."""
    if message not in _warned:
        _warned.add(message)
        warnings.warn(message, UserWarning, stacklevel=3)


def _rebuild(array, requires_grad):
    t = wrap(array)
    t._requires_grad = requires_grad
    return t


_new_tensor = object.__new__   # a bare Tensor, without the legacy constructor


def wrap(data, requires_grad=False) -> Tensor:
    """The fast constructor every op uses: a Tensor over ``data`` (0-d NumPy scalars become arrays)."""
    if data.__class__ is not ndarray and isinstance(data, np.generic):
        data = np.asarray(data)
    t = _new_tensor(Tensor)
    t._data = data
    t._requires_grad = requires_grad
    t._grad_fn = None
    t._grad = None
    t._vcounter = [0] if not _mode.inference else InferenceCounter((0,))
    t._base = None
    t._output_nr = 0
    t._grad_accumulator = None
    t._retains_grad = False
    return t


def _dim(dim, ndim):
    """Normalise a possibly negative dim, with PyTorch's error."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim


_TO_SIGNATURES = (
    " * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n"
    " * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = "
    "None)\n"
    " * (Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n")


def _parse_to(t, args, kwargs):
    """(device, dtype, copy) from the three forms of ``to``: (device, dtype), (dtype), (other tensor),
    each followed by non_blocking and copy."""
    def invalid():
        def name(v):
            return ("Tensor" if isinstance(v, Tensor) else "torch.dtype" if isinstance(v, dtypes.dtype)
                    else "torch.device" if isinstance(v, Device) else type(v).__name__)
        got = ", ".join([name(a) for a in args] + [f"{k}={name(kwargs[k])}" for k in sorted(kwargs)])
        if kwargs and not args:
            got += ", "   # sic: PyTorch's text for keyword-only calls
        return TypeError(f"to() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                         + _TO_SIGNATURES)

    def is_device(v):
        return isinstance(v, (str, Device)) or (isinstance(v, int) and not isinstance(v, bool))

    def is_dtype(v):   # Python's float, int, bool and complex name dtypes too (float is float64, as is 3.5)
        return isinstance(v, (dtypes.dtype, float)) or v in (float, int, bool, complex)

    if set(kwargs) - {"device", "dtype", "non_blocking", "copy", "memory_format"}:
        raise invalid()
    dev, dt = kwargs.get("device"), kwargs.get("dtype")
    rest = list(args)
    if rest and isinstance(rest[0], Tensor):
        other = rest.pop(0)
        dev, dt = other.device, other.dtype
    elif rest and is_dtype(rest[0]):
        dt = rest.pop(0)
    elif rest and (rest[0] is None or is_device(rest[0])):
        dev = rest.pop(0)
        if rest and (rest[0] is None or is_dtype(rest[0])):
            dt = rest.pop(0)
    flags = rest + [kwargs.get("non_blocking", False), kwargs.get("copy", False)][len(rest):]
    if len(flags) != 2 or not all(isinstance(f, bool) for f in flags) or (args and "dtype" in kwargs and dt
                                                                         is not kwargs["dtype"]):
        raise invalid()
    if isinstance(dt, float):
        dt = float
    return (None if dev is None else canonical(dev)), (None if dt is None else dtypes.to_dtype(dt)), flags[1]


_COMPLEX_TO_REAL = ("Casting complex values to real discards the imaginary part (Triggered internally at "
                    "/__w/pytorch/pytorch/aten/src/ATen/native/Copy.cpp:307.)")


def cast(data, dt):
    """``data`` as dtype ``dt``; a complex array cast to a real type keeps its real part (PyTorch's
    cast, which NumPy makes with a ComplexWarning)."""
    if data.dtype.kind == "c" and dt.category != dtypes.COMPLEX:
        data = data.real
    return data.astype(dt.np)


def _to(t, dev, dt, copy, quiet=False) -> Tensor:
    """Change device and/or dtype; returns ``t`` itself when neither changes (as PyTorch does).
    ``quiet``: a gradient cast back to a real input's type takes its real part without a warning."""
    same_dev = dev is None or dev == t.device
    same_dt = dt is None or dt is t.dtype
    if same_dev and same_dt and not copy:
        return t
    data = t._data
    if not same_dev:
        data = move(data, dev)
    if not same_dt:
        if data.dtype.kind == "c" and dt.category != dtypes.COMPLEX and not quiet:
            _warn_once(_COMPLEX_TO_REAL)
        data = cast(data, dt)
    elif same_dev:
        data = data.copy()
    out = wrap(data)
    # the vjp keeps where t lived and its dtype, not t: the node saves nothing and is never released
    back_dev, back_dt = t.device, t.dtype
    return record(out, "ToCopyBackward0", (t,), lambda g: (_to(g, back_dev, back_dt, False, quiet=True),))
