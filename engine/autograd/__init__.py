"""torch.autograd: backward, grad, the grad-mode switches, gradcheck, custom Functions and the functional API."""
from __future__ import annotations

from . import forward_ad, function, functional, graph
from .function import Function
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
                        set_grad_enabled)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .gradients import backward, grad
from .graph import AccumulateGrad, Node

__all__ = ["backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "is_grad_enabled", "is_inference_mode_enabled", "Node", "AccumulateGrad", "gradcheck",
           "gradgradcheck", "GradcheckError", "Function", "function", "functional", "graph", "forward_ad"]
