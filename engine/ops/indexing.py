"""Indexing ops beyond ``t[...]``: masked_fill, index_select, gather, scatter, where ..."""
from __future__ import annotations

__all__: list[str] = []
