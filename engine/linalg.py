"""torch.linalg: norms, inverse, determinant, decompositions and solvers.

The decompositions (svd, qr, cholesky, eigh), the solvers (solve, lstsq) and what is built
on them (pinv, matrix_rank, slogdet, matrix_power, multi_dot) are ops among the engine's ops
(engine/ops/decompositions.py, engine/ops/linalg.py), registered in this namespace.

Matrix norms are built from other ops as ATen builds them, so their graphs carry PyTorch's
nodes: ord 1 / inf is AmaxBackward0 over LinalgVectorNormBackward0; ord 2 / 'nuc' reduce the
singular values (LinalgSvdBackward0).
"""
from __future__ import annotations

import math

from . import dtypes
from .ops._util import _type_name
from .ops.decompositions import svdvals
from .ops.linalg import _LinAlgError, det, inverse, linalg_cross as cross
from .ops.eig import eig, eigvals   # noqa: F401  (torch.linalg.eig and eigvals: complex results, in their own module)
from .ops.reduction import amax, amin, sum, vector_norm as _vector_norm
from .ops.registry import defop, export, exports
from .tensor import _dim

LINALG = "torch.linalg"
inv = export(inverse, name="inv", namespace=LINALG)
det = export(det, namespace=LINALG)
cross = export(cross, name="cross", namespace=LINALG)
LinAlgError = export(_LinAlgError, name="LinAlgError", namespace=LINALG)


def _floating(A, fn):
    if not dtypes.floating_or_complex(A.dtype):
        raise RuntimeError(f"{fn}: Expected a floating point or complex tensor as input. Got {_type_name(A.dtype)}")
    return A


@defop(method=False, namespace=LINALG)
def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """The ord-norm of x flattened, or over ``dim`` (LinalgVectorNormBackward0)."""
    return _vector_norm(_floating(x, "linalg.vector_norm"), ord, dim, keepdim, dtype)


@defop(method=False, namespace=LINALG)
def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """'fro', 'nuc', 1, -1, 2, -2, inf or -inf norm of the matrices in the two dims ``dim``."""
    if A._data.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {_dims_text(dim)}")
    A = _floating(A, "linalg.matrix_norm")
    rows, cols = (_dim(d, A._data.ndim) for d in dim)
    if ord == "fro":
        return _vector_norm(A, 2, (rows, cols), keepdim, dtype)
    if ord in (1, -1, math.inf, -math.inf):
        summed, extreme = (rows, cols) if ord in (1, -1) else (cols, rows)
        if not keepdim and extreme > summed:
            extreme -= 1
        pick = amax if ord > 0 else amin
        return pick(_vector_norm(A, 1, summed, keepdim, dtype), extreme, keepdim)
    if ord in (2, -2, "nuc"):
        last_two = [d for d in range(A._data.ndim) if d not in (rows, cols)] + [rows, cols]
        values = svdvals((A if dtype is None else A.to(dtypes.to_dtype(dtype))).permute(last_two))
        result = (sum if ord == "nuc" else amax if ord == 2 else amin)(values, -1, keepdim)
        if keepdim:
            inverse_order = sorted(range(len(last_two)), key=last_two.__getitem__)
            result = result.unsqueeze(-1).permute(inverse_order)
        return result
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def _dims_text(dim):
    return str(list(dim)) if isinstance(dim, (tuple, list)) else str(dim)


@defop(method=False, namespace=LINALG)
def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """A vector norm (1 dim, or all dims when ord is None) or a matrix norm (2 dims), as PyTorch chooses."""
    if isinstance(ord, str):
        return matrix_norm(A, ord, (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    if dim is not None and not isinstance(dim, (tuple, list)):
        dim = (dim,)
    if ord is None:
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    if dim is None:
        if A._data.ndim not in (1, 2):
            raise RuntimeError("linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                               f"Got {A._data.ndim}D.")
        dim = tuple(range(A._data.ndim))
    if len(dim) == 2:
        return matrix_norm(A, ord, dim, keepdim, dtype=dtype)
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


globals().update(exports(LINALG))   # the torch.linalg ops defined among the engine's ops (multi_dot ...)
__all__ = list(exports(LINALG))
