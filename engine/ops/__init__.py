"""The op catalogue, grouped by family; importing this package registers every op (registry.py)."""
from . import creation, decompositions, distance, indexing, linalg, lu, pointwise, random, reduction, shape, views  # noqa: F401
