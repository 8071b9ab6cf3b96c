"""engine: a small PyTorch on NumPy (and CuPy for CUDA).

``import engine as torch`` runs PyTorch's tutorials: the same names, printing,
type promotion, errors and autograd.
"""
from __future__ import annotations

from . import accelerator, autograd, cuda, dtypes
from .autograd import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
                       set_grad_enabled)
from .device import Device as device
from .dtypes import (bool, double, dtype, float, float16, float32, float64, get_default_dtype, half, int,
                     int8, int16, int32, int64, long, promote_types, result_type, set_default_dtype, short,
                     uint8, can_cast, is_floating_point, complex64, complex128, cfloat, cdouble)
from .tensor import Size, Tensor
from . import ops
from .ops import registry as _registry
from .printing import get_printoptions, printoptions, set_printoptions
from .unsupported import refusal as _refusal
from . import fft, linalg, nn, optim, random, special  # noqa: E402  (after the ops they re-export)

__version__ = "2.13.0+tensorsh"


@_registry.export
def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


@_registry.export
def numel(input) -> int:
    return input.numel()


# Tensor methods PyTorch also offers as functions: torch.detach(x) is x.detach()
for _name in ("detach", "detach_", "get_device", "is_complex", "is_nonzero", "is_same_size", "is_signed"):
    _registry.export(getattr(Tensor, _name), name=_name)

# torch.NAME for every op and value the registry exports (engine/ops/registry.py)
globals().update(_registry.exports("torch"))


def __getattr__(name):
    """A name tensorsh refuses on purpose (torch.bfloat16) is an AttributeError that says why."""
    raise AttributeError(_refusal("torch", name) or f"module {__name__!r} has no attribute {name!r}")
