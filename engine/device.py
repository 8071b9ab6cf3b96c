"""Devices, and the one place that picks the array module: NumPy for cpu, CuPy for cuda.

CuPy is imported only when a CUDA device is first used (or asked about), so
that starting the engine, and a script run, never pays for it.
"""
from __future__ import annotations

import importlib.util

import numpy as np

# PyTorch computes 1/0, log(0) and overflows silently (inf, nan); so does the engine.
np.seterr(all="ignore")

__all__ = ["device", "Device", "array_module", "module_of", "to_numpy", "cuda_is_available"]


# The device types PyTorch names. Tensors live on the first two here; the others are refused where
# a tensor would be made, in PyTorch's words for a build without them.
DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
                "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


class Device:
    """``device(type='cuda', index=0)``; ``str()`` gives ``cuda:0``."""

    __slots__ = ("type", "index")
    __module__, __qualname__ = "torch", "device"    # type(d) prints as PyTorch's: <class 'torch.device'>

    def __init__(self, type_or_str="cpu", index=None):
        if isinstance(type_or_str, Device):
            self.type, self.index = type_or_str.type, type_or_str.index
            return
        if isinstance(type_or_str, int) and not isinstance(type_or_str, bool):
            type_or_str, index = "cuda", type_or_str
        if not isinstance(type_or_str, str):
            raise TypeError(f"device() received an invalid combination of arguments - got ({type(type_or_str).__name__})")
        kind, sep, idx = type_or_str.partition(":")
        if kind not in DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(DEVICE_TYPES)} device type at start of device string: "
                               f"{type_or_str}")
        if sep:
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type_or_str}'")
            if index is not None:
                raise RuntimeError("type (string) must not include an index because index was passed explicitly: "
                                   + type_or_str)
            index = int(idx)
        if kind == "cpu" and index not in (None, 0):
            raise RuntimeError(f"CPU device index must be -1 or zero, got {index}")
        self.type = kind
        self.index = None if kind == "cpu" else index

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = Device(other)
        return isinstance(other, Device) and self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (Device, (str(self),))


device = Device
CPU = Device("cpu")

_cupy = None
_cuda_available = None
_cuda_missing = None   # why CUDA cannot be used here, in words (when it cannot)


def _import_cupy():
    global _cupy
    if _cupy is None:
        import cupy   # the only import of cupy in the project
        _cupy = cupy
    return _cupy


def cuda_is_available() -> bool:
    """True when cupy is installed and sees at least one GPU; answered once, quickly, without a GPU."""
    global _cuda_available, _cuda_missing
    if _cuda_available is None:
        _cuda_available = False
        if importlib.util.find_spec("cupy") is None:
            _cuda_missing = "CuPy, which tensorsh uses for CUDA, is not installed"
        else:
            try:
                _cuda_available = _import_cupy().cuda.runtime.getDeviceCount() > 0
                _cuda_missing = None if _cuda_available else "CuPy sees no CUDA GPU"
            except Exception as e:
                _cuda_missing = f"CuPy could not start CUDA ({type(e).__name__}: {e})"
    return _cuda_available


def cuda_unavailable() -> AssertionError:
    """The error for using CUDA where it cannot be used: PyTorch's type, with the cause and where to
    look next (PyTorch's own words, "Torch not compiled with CUDA enabled", would mislead here)."""
    cuda_is_available()
    return AssertionError(f"CUDA is not available: {_cuda_missing}. Run `tensorsh check-cuda` to see what this "
                          "machine has and how to fix it.")


# Where factories put a tensor when no device= is given: torch.set_default_device's setting (a
# Device as given, resolved when used, as PyTorch resolves it).
_default_device = None


def set_default_device(dev) -> None:
    """Make ``dev`` the device of new tensors (None: the cpu again)."""
    global _default_device
    if isinstance(dev, int) and not isinstance(dev, bool) and not cuda_is_available():
        raise RuntimeError("Cannot access accelerator device when none is available.")
    _default_device = None if dev is None else Device(dev)


def get_default_device() -> Device:
    """The device of new tensors: the cpu unless set_default_device said otherwise."""
    dev = _default_device
    return CPU if dev is None else dev if dev.type == "cpu" else canonical(dev)


def canonical(dev) -> Device:
    """A Device from a str/int/Device, with ``cuda`` resolved to the current index and checked;
    None is the default device."""
    if dev is None:
        dev = _default_device
        if dev is None:
            return CPU
    if type(dev) is not Device:
        dev = Device(dev)
    if dev.type == "cpu":
        return CPU
    if dev.type != "cuda":
        raise RuntimeError(f"PyTorch is not linked with support for {dev.type} devices")
    if not cuda_is_available():
        raise cuda_unavailable()
    cp = _cupy
    index = cp.cuda.runtime.getDevice() if dev.index is None else dev.index
    count = cp.cuda.runtime.getDeviceCount()
    if index >= count:
        raise RuntimeError("CUDA error: invalid device ordinal")
    return Device("cuda", index)


def array_module(dev: Device):
    """numpy for cpu, cupy for cuda: the single switch between the two backends."""
    if dev.type == "cpu":
        return np
    return _import_cupy()


def module_of(array):
    """The array module an ndarray belongs to (numpy or cupy)."""
    if isinstance(array, np.ndarray) or _cupy is None:
        return np
    return _cupy if isinstance(array, _cupy.ndarray) else np


def device_of(array) -> Device:
    if isinstance(array, np.ndarray) or _cupy is None:
        return CPU
    return Device("cuda", array.device.id)


def to_numpy(array) -> np.ndarray:
    """A NumPy view (cpu) or copy (cuda) of an array of either backend."""
    if isinstance(array, np.ndarray):
        return array
    return array.get() if hasattr(array, "get") else np.asarray(array)


def move(array, dev: Device):
    """Copy an array to ``dev`` (cpu or a cuda index)."""
    if dev.type == "cpu":
        return to_numpy(array)
    cp = _import_cupy()
    with cp.cuda.Device(dev.index):
        return cp.asarray(array)
