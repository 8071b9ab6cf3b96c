"""torch.accelerator: the device-generic questions PyTorch 2.13 asks of whichever accelerator the
machine has. tensorsh knows one, CUDA (engine.cuda); on a machine without it there is none, and
these answer as PyTorch's CPU build does."""
from __future__ import annotations

from . import cuda
from .device import Device

__all__ = ["is_available", "current_accelerator", "device_count", "current_device_index", "set_device_index",
           "synchronize"]


def is_available() -> bool:
    """True when the machine has an accelerator that tensors can go to (a CUDA GPU)."""
    return cuda.is_available()


def current_accelerator(check_available=False):
    """The accelerator's device type, ``device(type='cuda')``, or None when there is none."""
    return Device("cuda") if cuda.is_available() else None


def device_count() -> int:
    """The number of accelerator devices (0 without one)."""
    return cuda.device_count()


def _require():
    if not cuda.is_available():
        raise RuntimeError("Cannot access accelerator device when none is available.")


def current_device_index() -> int:
    """The index of the accelerator device tensors go to by default."""
    _require()
    return cuda.current_device()


def set_device_index(device) -> None:
    """Make the accelerator device with this index (or this device) the default one."""
    _require()
    cuda.set_device(device)


def synchronize(device=None) -> None:
    """Wait until the accelerator has finished the work queued on it."""
    _require()
    cuda.synchronize(device)
