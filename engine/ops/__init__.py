"""The op catalogue, grouped by family; importing this package registers every op (registry.py)."""
from . import (creation, decompositions, distance, indexing, legacy_types, linalg, lu, pointwise,  # noqa: F401
               quantiles, random, reduction, scatters, settings, shape, special_functions, views)
from . import complex, eig  # noqa: F401  (after the ops they build on)
