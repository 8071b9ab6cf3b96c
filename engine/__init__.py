"""engine: a small PyTorch on NumPy (and CuPy for CUDA).

``import engine as torch`` runs PyTorch's tutorials: the same names, printing,
type promotion, errors and autograd.
"""
from __future__ import annotations

from . import autograd, cuda, dtypes
from .autograd import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
                       set_grad_enabled)
from .device import Device as device
from .dtypes import (bool, double, dtype, float, float16, float32, float64, get_default_dtype, half, int,
                     int8, int16, int32, int64, long, promote_types, result_type, set_default_dtype, short,
                     uint8, can_cast, is_floating_point)
from .tensor import Size, Tensor
from . import ops
from .ops.creation import *  # noqa: F401,F403
from .ops.indexing import *  # noqa: F401,F403
from .ops.linalg import *  # noqa: F401,F403
from .ops.pointwise import *  # noqa: F401,F403
from .ops.random import *  # noqa: F401,F403
from .ops.reduction import *  # noqa: F401,F403
from .ops.shape import *  # noqa: F401,F403
from .printing import get_printoptions, printoptions, set_printoptions
from . import linalg, nn  # noqa: E402  (after the ops they re-export)

__version__ = "2.13.0+tensorsh"


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def numel(input) -> int:
    return input.numel()
