"""The LU decomposition with partial pivoting, A = P L U, and what uses it: torch.linalg.lu_factor,
torch.linalg.lu, the deprecated torch.lu, torch.lu_unpack and torch.linalg.lu_solve.

NumPy has no LU, so the factorisation is written here: LAPACK's getrf, right-looking and
vectorised over the batch. Each column's pivot is the first row of largest absolute value
(LAPACK's idamax), so the factors and the 1-based int32 pivots are PyTorch's; a zero pivot
leaves its column unscaled and is reported as LAPACK's info.

Gradients follow A = P L U (torch/csrc/autograd/FunctionsManual.cpp, linalg_lu_backward),
with general solves where ATen calls triangular ones.
"""
from __future__ import annotations

import warnings

import numpy as np

from ..autograd.graph import record, record_outputs
from ..tensor import wrap
from ._util import _type_name, check_tensor, xp_of
from .decompositions import _finish_all, solve
from .linalg import _finish
from .reduction import _return_type, return_types
from .registry import defop
from .shape import cat

LINALG = "torch.linalg"

for _name, _fields in (("linalg_lu_factor", ("LU", "pivots")), ("linalg_lu", ("P", "L", "U")),
                       ("lu_unpack", ("P", "L", "U")), ("_lu_with_info", ("LU", "pivots", "info"))):
    setattr(return_types, _name, _return_type(_name, _fields))
    setattr(return_types, _name + "_out", _return_type(_name + "_out", _fields))   # what out= returns


def _getrf(xp, a):
    """(LU, pivots, info) of a (..., m, n) array: LAPACK getrf's partial pivoting, one column at a
    time for the whole batch."""
    batch, (m, n) = a.shape[:-2], a.shape[-2:]
    k = min(m, n)
    lu = a.reshape((-1, m, n)).copy()
    rows = xp.arange(lu.shape[0])
    pivots = xp.zeros((lu.shape[0], k), dtype=np.int32)
    info = xp.zeros(lu.shape[0], dtype=np.int32)
    for j in range(k):
        p = xp.argmax(xp.abs(lu[:, j:, j]), axis=1) + j   # the first row of largest |value|
        pivots[:, j] = p + 1
        row_j, row_p = lu[rows, j].copy(), lu[rows, p].copy()
        lu[rows, j], lu[rows, p] = row_p, row_j
        pivot = lu[:, j, j]
        zero = pivot == 0
        info = xp.where((info == 0) & zero, j + 1, info)
        lu[:, j + 1:, j] /= xp.where(zero, 1, pivot)[:, None]
        lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j:j + 1] * lu[:, j:j + 1, j + 1:]
    return lu.reshape(a.shape), pivots.reshape(batch + (k,)), info.reshape(batch)


def _factor(A, fn, pivot=True):
    """A's checks (as ATen words them for ``fn``) and its (LU, pivots, info) arrays."""
    check_tensor(A, fn.split(".")[-1], "A", 1)
    if A._data.ndim < 2:
        raise RuntimeError(f"{fn}: Expected tensor with 2 or more dimensions. Got size: {list(A._data.shape)} instead")
    if not A.dtype.is_floating_point or A._data.dtype == np.float16:
        raise NotImplementedError(f"\"lu_cpu\" not implemented for '{_type_name(A.dtype)}'")
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    return _getrf(xp_of(A), A._data)


def _unpacked(xp, lu, pivots, m, n):
    """(P, L, U) arrays of an LU factorisation: A = P L U."""
    k = min(m, n)
    L = xp.tril(lu[..., :, :k], -1) + xp.eye(m, k, dtype=lu.dtype)
    U = xp.triu(lu[..., :k, :])
    return _permutation(xp, pivots, m, lu.dtype), L, U


def _permutation(xp, pivots, m, dtype):
    """P with A = P L U from LAPACK's row swaps (row i swapped with row pivots[i] - 1, in order)."""
    flat = pivots.reshape((-1, pivots.shape[-1])) - 1
    order = xp.broadcast_to(xp.arange(m), (flat.shape[0], m)).copy()
    rows = xp.arange(flat.shape[0])
    for i in range(flat.shape[1]):
        at_i, at_p = order[rows, i].copy(), order[rows, flat[:, i]].copy()
        order[rows, i], order[rows, flat[:, i]] = at_p, at_i
    P = xp.zeros((flat.shape[0], m, m), dtype=dtype)
    P[rows[:, None], order, xp.arange(m)[None, :]] = 1   # (P^T A)[i] = A[order[i]]
    return P.reshape(pivots.shape[:-1] + (m, m))


def _lu_gradient(gL, gU, P, L, U):
    """gA of A = P L U from the gradients of L (m, k) and U (k, n): ATen's linalg_lu_backward,
    for square, wide and tall A."""
    m, n = L.shape[-2], U.shape[-1]
    k = min(m, n)
    if m <= n:   # square or wide: U = [U1 | U2], U1 square
        U1 = U[..., :, :k]
        inner = 0 if gL is None else L.mT @ gL
        if gU is not None:
            inner = inner - gU.triu() @ U.mT
        grad = solve(U1.mT, inner.tril(-1), left=False)
        if gU is not None:
            grad = cat([grad + gU[..., :, :k].triu(), gU[..., :, k:]], -1) if n > k else grad + gU.triu()
        grad = solve(L.mT, grad)
        if gU is None and n > k:
            grad = cat([grad, U[..., :, k:] * 0], -1)
    else:        # tall: L = [L1; L2], L1 square
        L1 = L[..., :k, :]
        inner = 0 if gU is None else gU @ U.mT
        if gL is not None:
            inner = inner - L.mT @ gL.tril(-1)
        grad = solve(L1.mT, inner.triu())
        if gL is not None:
            grad = cat([grad + gL[..., :k, :].tril(-1), gL[..., k:, :]], -2)
        grad = solve(U.mT, grad, left=False)
        if gL is None:
            grad = cat([grad, L[..., k:, :] * 0], -2)
    return P @ grad


@defop(method=False, namespace=LINALG)
def lu_factor(A, *, pivot=True, out=None):
    """(LU, pivots): L below the diagonal (its unit diagonal implied) and U on and above it, and
    the 1-based int32 row swaps; an exactly singular U is refused, as lu_solve would divide by it
    (LinalgLuFactorExBackward0)."""
    lu, pivots, info = _factor(A, "torch.lu_factor", pivot)
    singular = np.asarray(info.get() if hasattr(info, "get") else info).reshape(-1)
    for index, first_zero in enumerate(singular):
        if first_zero:
            where = f"(Batch element {index}): " if A._data.ndim > 2 else ""
            raise RuntimeError(f"torch.linalg.lu_factor: {where}U[{first_zero},{first_zero}] is zero and using it on "
                               "lu_solve would result in a division by zero. If you still want to perform the "
                               "factorization, consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")
    return _finish_all(return_types.linalg_lu_factor(_factored(A, lu, pivots)), out, "linalg_lu_factor")


def _factored(A, lu, pivots):
    """(LU, pivots) tensors, LU on a LinalgLuFactorExBackward0 node."""
    xp = xp_of(A)
    m, n = lu.shape[-2:]
    LU = wrap(lu)
    P, L, U = (wrap(f) for f in _unpacked(xp, lu, pivots, m, n))
    k = min(m, n)

    def vjp(g, P, L, U):
        return (_lu_gradient(g[..., :, :k].tril(-1), g[..., :k, :].triu(), P, L, U),)
    return record(LU, "LinalgLuFactorExBackward0", (A,), vjp, saved=(P, L, U)), wrap(pivots)


@defop()
def lu(A, pivot=True, get_infos=False, out=None):
    """The deprecated torch.lu: (LU, pivots) as torch.linalg.lu_factor, or with get_infos=True also
    LAPACK's info (0, or the first zero pivot's 1-based index), without refusing a singular A."""
    if not _lu_warned:   # ATen warns once per process
        _lu_warned.append(True)
        warnings.warn(_LU_DEPRECATED, UserWarning, stacklevel=2)
    lu_data, pivots, info = _factor(A, "torch.lu_factor", pivot)
    LU, pivots = _factored(A, lu_data, pivots)
    if get_infos:
        return _finish_all(return_types._lu_with_info((LU, pivots, wrap(info))), out, "_lu_with_info")
    return _finish_all((LU, pivots), out, "_lu_with_info")


_lu_warned = []
_LU_DEPRECATED = (
    "torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and will be removed in a "
    "future PyTorch release.\nLU, pivots = torch.lu(A, compute_pivots)\nshould be replaced with\nLU, pivots = "
    "torch.linalg.lu_factor(A, compute_pivots)\nand\nLU, pivots, info = torch.lu(A, compute_pivots, get_infos=True)"
    "\nshould be replaced with\nLU, pivots, info = torch.linalg.lu_factor_ex(A, compute_pivots) (Triggered "
    "internally at /__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp:2073.)")


@defop(method=False, namespace=LINALG, name="lu")
def linalg_lu(A, *, pivot=True, out=None):
    """(P, L, U) with A = P L U: P a permutation matrix, L (m, k) unit lower triangular, U (k, n)
    upper triangular, k = min(m, n) (LinalgLuBackward0)."""
    lu_data, pivots, _ = _factor(A, "linalg.lu", pivot)
    xp = xp_of(A)
    m, n = lu_data.shape[-2:]
    P, L, U = (wrap(f) for f in _unpacked(xp, lu_data, pivots, m, n))
    saved = tuple(wrap(t._data) for t in (P, L, U))

    def vjp(grads, P, L, U):
        return (_lu_gradient(grads.get(1), grads.get(2), P, L, U),)
    record_outputs((P, L, U), "LinalgLuBackward0", (A,), vjp, saved=saved, constant=(0,))
    return _finish_all(return_types.linalg_lu((P, L, U)), out, "linalg_lu")


def _padded(t, rows, cols):
    """t (..., r, c) with zero rows and columns after it up to (..., rows, cols)."""
    *batch, r, c = t.shape
    if c < cols:
        t = cat([t, t.new_zeros((*batch, r, cols - c))], -1)
    if r < rows:
        t = cat([t, t.new_zeros((*batch, rows - r, cols))], -2)
    return t


@defop(method=False)
def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """(P, L, U) from lu_factor's (LU, pivots); what is not unpacked is an empty tensor (LuUnpackBackward0)."""
    if LU_pivots.dtype.name != "int32":
        raise RuntimeError("torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype.\n"
                           "Note: this function is intended to be used with the output produced by "
                           "torch.linalg.lu_factor")
    xp = xp_of(LU_data)
    lu_data, pivots = LU_data._data, LU_pivots._data
    m, n = lu_data.shape[-2:]
    if pivots.shape[-1] != min(m, n) or (pivots.size and (pivots.min() < 1 or pivots.max() > m)):
        raise RuntimeError("pivots passed to lu_unpack must be between 1 and LU.size(-2) inclusive.Did you properly "
                           "pass the result of lu_factor?")
    P, L, U = _unpacked(xp, lu_data, pivots, m, n)
    empty = xp.zeros((0,), dtype=lu_data.dtype)
    P, L, U = wrap(P if unpack_pivots else empty), wrap(L if unpack_data else empty), wrap(U if unpack_data else empty)
    shape = lu_data.shape

    def vjp(grads):   # L's strict lower part and U's upper part are where they came from in LU
        if not unpack_data:   # the empty L and U came from no part of LU
            return (next(iter(grads.values())).new_zeros(shape),)
        parts = []
        if 1 in grads:
            parts.append(_padded(grads[1].tril(-1), m, n))
        if 2 in grads:
            parts.append(_padded(grads[2].triu(), m, n))
        return (parts[0] if len(parts) == 1 else parts[0] + parts[1],)
    record_outputs((P, L, U), "LuUnpackBackward0", (LU_data,), vjp, constant=(0,))
    return _finish_all(return_types.lu_unpack((P, L, U)), out, "lu_unpack")


@defop(method=False, namespace=LINALG)
def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    """X with A X = B from lu_factor's (LU, pivots) of A (A^H X = B with adjoint=True; X A = B with
    left=False) (LinalgLuSolveBackward0)."""
    if B._data.ndim < 2:
        raise RuntimeError("linalg.lu_solve: The input tensor B must have at least 2 dimensions.")
    m, n = LU._data.shape[-2:]
    if m != n:
        raise RuntimeError(f"torch.linalg.lu_solve: A must be batches of square matrices, but they are {m} by {n} "
                           "matrices")
    rows = B._data.shape[-2] if left else B._data.shape[-1]
    if rows != n:
        equation = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.lu_solve: Incompatible shapes of A and B for the equation {equation} ({n}x{n} and "
                           f"{B._data.shape[-2]}x{B._data.shape[-1]})")
    if LU.dtype is not B.dtype:
        raise RuntimeError(f"linalg.lu_solve: Expected LU and B to have the same dtype, but found LU of type "
                           f"{_type_name(LU.dtype)} and B of type {_type_name(B.dtype)} instead")
    xp = xp_of(LU)
    P, L, U = _unpacked(xp, LU._data, pivots._data, n, n)
    A = xp.matmul(P, xp.matmul(L, U))
    A = xp.swapaxes(A, -1, -2) if adjoint else A
    b = B._data if left else xp.swapaxes(B._data, -1, -2)
    a = A if left else xp.swapaxes(A, -1, -2)
    batch = tuple(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]))
    x = xp.linalg.solve(xp.broadcast_to(a, batch + a.shape[-2:]), xp.broadcast_to(b, batch + b.shape[-2:]))
    result = wrap((x if left else xp.swapaxes(x, -1, -2)).astype(B._data.dtype, copy=False))

    def vjp(g, LU, pivots, result):
        gB = lu_solve(LU, pivots, g, left=left, adjoint=not adjoint)
        X = result
        gA = (-(gB @ X.mT) if not adjoint else -(X @ gB.mT)) if left else (-(X.mT @ gB) if not adjoint else -(gB.mT @ X))
        P, L, U = (wrap(f) for f in _unpacked(xp_of(LU), LU._data, pivots._data, n, n))
        gA_P = P.mT @ gA   # A = P L U: gL = (P^T gA U^T) below the diagonal, gU = (L^T P^T gA) on and above
        return (gA_P @ U.mT).tril(-1) + (L.mT @ gA_P).triu(), gB
    return _finish(record(result, "LinalgLuSolveBackward0", (LU, B), vjp, saved=(LU, pivots, result)), out,
                   "linalg_lu_solve")
