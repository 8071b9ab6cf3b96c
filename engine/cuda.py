"""torch.cuda: is CUDA usable, and how many devices."""
from __future__ import annotations

from .device import _import_cupy, canonical, cuda_is_available, cuda_unavailable

__all__ = ["is_available", "device_count", "current_device", "set_device", "synchronize", "get_device_name"]


def is_available() -> bool:
    """True when CuPy is installed and a CUDA GPU is visible."""
    return cuda_is_available()


def device_count() -> int:
    return _import_cupy().cuda.runtime.getDeviceCount() if cuda_is_available() else 0


def _require():
    if not cuda_is_available():
        raise cuda_unavailable()
    return _import_cupy()


def current_device() -> int:
    return _require().cuda.runtime.getDevice()


def set_device(device) -> None:
    _require().cuda.Device(canonical(device).index).use()


def synchronize(device=None) -> None:
    _require().cuda.Device().synchronize()


def get_device_name(device=None) -> str:
    cp = _require()
    index = cp.cuda.runtime.getDevice() if device is None else int(str(device).rpartition(":")[2] or 0)
    name = cp.cuda.runtime.getDeviceProperties(index)["name"]
    return name.decode() if isinstance(name, bytes) else name
