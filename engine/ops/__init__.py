"""The op catalogue, grouped by family; importing this package attaches every op to Tensor."""
from . import pointwise, reduction, shape, creation, random, indexing, linalg, views  # noqa: F401
