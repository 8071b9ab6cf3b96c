"""The process-wide settings PyTorch scripts make: the device new tensors go to
(``set_default_device``) and the number of threads intra-op work may use (``set_num_threads``).
The engine's kernels are NumPy's, so the thread count changes nothing in how they run; it is kept
and answered as PyTorch keeps and answers it. The shell keeps both per session, as it keeps the
default dtype (tensorsh/language/interpreter.py)."""
from __future__ import annotations

import os

from .. import device as _device
from .registry import export


@export
def set_default_device(device) -> None:
    """Make ``device`` the device factory functions put new tensors on (None: the cpu)."""
    _device.set_default_device(device)


def default_device_setting():
    """The default device as set (None, or a Device not yet resolved), for the shell to keep per
    session: get_default_device resolves it, and raises where a cuda setting cannot be used."""
    return _device._default_device


@export
def get_default_device():
    """The device new tensors go to: ``device(type='cpu')`` unless set_default_device changed it."""
    return _device.get_default_device()


def _physical_cores() -> int:
    """The machine's physical cores, as cpuinfo counts them for PyTorch (logical CPUs where the
    kernel does not say which share a core)."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            cores, physical_id = set(), None
            for line in cpuinfo:
                key, _, value = line.partition(":")
                if key.strip() == "physical id":
                    physical_id = value.strip()
                elif key.strip() == "core id":
                    cores.add((physical_id, value.strip()))
    except OSError:
        cores = set()
    return len(cores) or os.cpu_count() or 1


def _default_threads() -> int:
    """PyTorch's default: OMP_NUM_THREADS, overridden by MKL_NUM_THREADS, else the physical cores."""
    threads = 0
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        value = os.environ.get(variable, "")
        if value.isdigit() and int(value) > 0:
            threads = int(value)
    return threads or _physical_cores()


_num_threads = None   # None until asked or set: reading /proc/cpuinfo waits for the first question


@export
def set_num_threads(threads) -> None:
    """Set the number of threads intra-op parallelism may use (a positive int)."""
    global _num_threads
    if not isinstance(threads, int) or isinstance(threads, bool):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(threads).__name__}")
    if threads <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    if threads >= 2 ** 63:
        raise ValueError("Overflow when unpacking long")
    _num_threads = threads


@export
def get_num_threads() -> int:
    """The number of threads intra-op parallelism may use (the physical cores unless set)."""
    global _num_threads
    if _num_threads is None:
        _num_threads = _default_threads()
    return _num_threads
