"""Linear algebra: matmul and friends, each beside its gradient."""
from __future__ import annotations

__all__: list[str] = []
