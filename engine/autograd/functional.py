"""torch.autograd.functional: jacobian, hessian, vjp, jvp."""
from __future__ import annotations

__all__: list[str] = []
