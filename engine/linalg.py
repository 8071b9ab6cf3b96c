"""torch.linalg: norms, inverse, determinant."""
from __future__ import annotations

from .ops.reduction import vector_norm

__all__ = ["vector_norm"]
