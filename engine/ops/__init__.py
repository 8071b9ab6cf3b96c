"""The op catalogue, grouped by family; importing this package registers every op (registry.py)."""
from . import creation, decompositions, distance, indexing, linalg, lu, pointwise, random, reduction, shape, views  # noqa: F401
from . import complex, eig  # noqa: F401  (after the ops they build on)
