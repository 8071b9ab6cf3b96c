"""The op catalogue, grouped by family; importing this package registers every op (registry.py)."""
from . import creation, indexing, linalg, pointwise, random, reduction, scatters, shape, views  # noqa: F401
