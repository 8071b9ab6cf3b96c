"""The op catalogue, grouped by family; importing this package registers every op (registry.py)."""
from . import pointwise, reduction, shape, creation, random, indexing, linalg, views  # noqa: F401
