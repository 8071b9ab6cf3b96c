"""torch.nn.functional: the activation and loss functions a tensor tutorial meets."""
from __future__ import annotations

from ..ops.pointwise import relu, sigmoid, tanh  # noqa: F401

__all__ = ["relu", "sigmoid", "tanh"]
