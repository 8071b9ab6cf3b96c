"""The op catalogue, grouped by family; importing this package registers every op (registry.py)."""
from . import (creation, indexing, legacy_types, linalg, pointwise, quantiles, random, reduction, scatters,  # noqa: F401
               settings, shape, views)
