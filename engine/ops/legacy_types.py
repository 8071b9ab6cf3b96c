"""PyTorch's legacy tensor types, ``torch.FloatTensor`` and its kin: each calls like a constructor
of its dtype (``torch.LongTensor([1, 2])``, ``torch.FloatTensor(2, 3)``), and ``isinstance``
answers whether a tensor is a cpu tensor of that dtype. Their type is ``torch.tensortype``."""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..device import Device
from ..tensor import _C_TYPE_NAMES, Size, Tensor
from .creation import empty, tensor
from .registry import export

_NEW_SIGNATURES = (
    " * (*, torch.device device = None)\n"
    " * (torch.Storage storage)\n"
    " * (Tensor other)\n"
    " * (tuple of ints size, *, torch.device device = None)\n"
    " * (object data, *, torch.device device = None)\n")


def _options(dtype) -> str:
    return (f"TensorOptions(dtype={_C_TYPE_NAMES[dtype.name]}, device=cpu, layout=Strided, requires_grad=false "
            "(default), pinned_memory=false (default), memory_format=(nullopt))")


def _is_size(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def legacy_new(of_dtype, args, device=None, **keywords):
    """What ``torch.<Type>Tensor(*args)`` makes: a tensor of those sizes (uninitialised in PyTorch,
    zero here), of that data, or another tensor of the same dtype seen anew (sharing its storage)."""
    if keywords:
        raise _no_signature(args, keywords)
    if device is not None and Device(device).type != "cpu":
        raise RuntimeError(f"legacy constructor expects device type: cpu but device type: {Device(device).type} "
                           "was passed")
    if len(args) == 1 and isinstance(args[0], Tensor):
        other = args[0]
        if other.dtype is not of_dtype:
            raise TypeError(f"expected {_options(of_dtype)} (got {_options(other.dtype)})")
        return other.detach()
    if len(args) == 1 and isinstance(args[0], (list, tuple, np.ndarray)) and not isinstance(args[0], Size):
        return tensor(args[0], dtype=of_dtype, device=device)
    if all(_is_size(a) for a in args) or (len(args) == 1 and isinstance(args[0], Size)):
        return empty(*(args or (0,)), dtype=of_dtype, device=device)
    if len(args) == 1:
        if isinstance(args[0], str):
            raise TypeError("new(): invalid data type 'str'")
        raise TypeError(f"new(): data must be a sequence (got {type(args[0]).__name__})")
    raise _no_signature(args, {})


def _no_signature(args, keywords):
    """PyTorch's error for arguments no overload takes (its first lines: the overloads it lists then
    say why each did not match)."""
    got = [type(a).__name__ for a in args] + [f"{k}={type(v).__module__}.{type(v).__name__}"
                                              for k, v in keywords.items()]
    return TypeError(f"new() received an invalid combination of arguments - got ({', '.join(got)}), but "
                     f"expected one of:\n{_NEW_SIGNATURES}")


class tensortype(type):
    """The type of the legacy tensor types: calling one makes a tensor of its dtype."""
    __module__ = "torch"

    def __call__(cls, *args, device=None, **keywords):
        return legacy_new(cls.dtype, args, device, **keywords)

    def __instancecheck__(cls, value):
        return isinstance(value, Tensor) and value.dtype is cls.dtype and value.device.type == "cpu"


def _legacy_type(dtype):
    cls = tensortype(dtype.legacy_name, (), {
        "__module__": "torch", "dtype": dtype, "is_cuda": False, "is_sparse": False,
        "__doc__": f"The legacy constructor of {dtype} cpu tensors: ``torch.{dtype.legacy_name}(2, 3)`` "
                   f"(sizes) or ``torch.{dtype.legacy_name}([1, 2])`` (data)."})
    return export(cls, name=dtype.legacy_name)


FloatTensor, DoubleTensor, HalfTensor = (_legacy_type(d) for d in (dtypes.float32, dtypes.float64, dtypes.float16))
LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor = (
    _legacy_type(d) for d in (dtypes.int64, dtypes.int32, dtypes.int16, dtypes.int8, dtypes.uint8, dtypes.bool))
