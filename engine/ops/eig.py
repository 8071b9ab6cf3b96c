"""torch.linalg.eig and eigvals: the eigenvalues and eigenvectors of a general square matrix,
which are complex numbers even for a real matrix.

NumPy's eig runs LAPACK's geev, as PyTorch's CPU kernel does, so the eigenvalues come in the
same order and each eigenvector is scaled alike (unit norm, its largest component real). The
gradient is ATen's ``linalg_eig_backward``; it holds when the loss does not depend on the phase
of the eigenvectors (each is defined only up to one), as PyTorch requires.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..autograd.graph import record_outputs
from ..tensor import wrap
from ._util import _type_name, check_tensor, xp_of
from .indexing import where
from .linalg import inverse, matmul
from .reduction import _return_type, return_types
from .registry import defop

LINALG = "torch.linalg"
return_types.linalg_eig = _return_type("linalg_eig", ("eigenvalues", "eigenvectors"))


def _check_square(A, fn):
    check_tensor(A, fn, "input", 1)
    if A._data.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor A must have at least 2 dimensions.")
    rows, cols = A._data.shape[-2:]
    if rows != cols:
        raise RuntimeError(f"{fn}: A must be batches of square matrices, but they are {rows} by {cols} matrices")
    if A.dtype.category < dtypes.FLOATING:
        raise RuntimeError(f"Unknown Complex ScalarType for {_type_name(A.dtype)}")
    if A.dtype is dtypes.float16:
        raise NotImplementedError("\"linalg_eig_out_cpu\" not implemented for 'Half'")


def _eig_data(A):
    """(eigenvalues, eigenvectors) arrays of A's complex type (NumPy gives real ones when they are)."""
    x = A._data
    complex_type = dtypes.complex_of(A.dtype).np
    if x.shape[-1] == 0:
        xp = xp_of(A)
        return xp.zeros(x.shape[:-1], complex_type), xp.zeros(x.shape, complex_type)
    if xp_of(A) is not np:   # CuPy has no general eig: LAPACK's geev runs on the host, as in PyTorch's MAGMA path
        import cupy
        values, vectors = np.linalg.eig(cupy.asnumpy(x))
        return cupy.asarray(values.astype(complex_type)), cupy.asarray(vectors.astype(complex_type))
    values, vectors = np.linalg.eig(x)
    return values.astype(complex_type), vectors.astype(complex_type)


@defop(method=False, namespace=LINALG)
def eig(A, *, out=None):
    """The eigenvalues and eigenvectors of square matrices (complex), as (eigenvalues, eigenvectors):
    ``A @ V == V * L.unsqueeze(-2)``."""
    _check_square(A, "linalg.eig")
    if out is not None:
        raise RuntimeError("linalg.eig: out= is not supported by tensorsh's engine")
    values, vectors = _eig_data(A)
    L, V = wrap(values), wrap(vectors)
    # V's values, sharing its version counter (an in-place change of V is caught at backward);
    # kept without V's history, so the node does not hold its own output
    V_saved = wrap(vectors)
    V_saved._vcounter = V._vcounter
    record_outputs((L, V), "LinalgEigBackward0", (A,), _eig_vjp, saved=(L, V_saved))
    return return_types.linalg_eig((L, V))


def _eig_vjp(grads, L, V):
    """ATen's linalg_eig_backward: A's gradient from those of the eigenvalues (gL) and vectors (gV)."""
    gL, gV = grads.get(0), grads.get(1)
    Vh = V.mH
    if gV is None:
        return (matmul(inverse(Vh), gL.unsqueeze(-1) * Vh),)
    n = L.shape[-1]
    on_diagonal = wrap(xp_of(L).eye(n, dtype=bool))
    VhgV = matmul(Vh, gV)
    projected = VhgV - matmul(Vh, V * VhgV.real.diagonal(0, -2, -1).unsqueeze(-2))
    L_conj = L.conj()
    gaps = where(on_diagonal, 1, L_conj.unsqueeze(-2) - L_conj.unsqueeze(-1))   # conj(L_j - L_i) off the diagonal
    inner = projected / gaps
    if gL is not None:
        inner = where(on_diagonal, gL.unsqueeze(-1) * on_diagonal, inner)
    return (matmul(inverse(Vh), matmul(inner, Vh)),)


@defop(method=False, namespace=LINALG)
def eigvals(A, *, out=None):
    """The eigenvalues of square matrices (complex): the first of :func:`eig`'s results."""
    _check_square(A, "linalg.eig")
    if out is not None:
        raise RuntimeError("linalg.eigvals: out= is not supported by tensorsh's engine")
    return eig(A).eigenvalues
