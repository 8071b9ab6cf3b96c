"""The op catalogue, grouped by family; importing this package registers every op (registry.py)."""
from . import (creation, indexing, legacy_types, linalg, pointwise, quantiles,  # noqa: F401
               random, reduction, scatters, settings, shape, special_functions, views)
