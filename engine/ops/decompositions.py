"""Matrix decompositions and the solvers built on them: svd, qr, cholesky, eigh, solve, lstsq,
pinv, matrix_rank, slogdet, matrix_power, each beside its gradient (real dtypes).

The factors come from the device's array module (numpy.linalg, or cupy.linalg on cuda): the
same LAPACK algorithms PyTorch calls. Where a factorisation is unique (qr with LAPACK's
Householder signs, cholesky, the solvers) the values are PyTorch's; singular vectors and
eigenvectors are unique only up to sign, and NumPy's LAPACK (OpenBLAS) and PyTorch's (MKL)
sometimes choose different signs, as two PyTorch builds may.

Every gradient is PyTorch's formula (torch/csrc/autograd/FunctionsManual.cpp) written with
engine ops. A decomposition's outputs share one node (LinalgSvdBackward0 ...); its vjp
receives {output_nr: grad} and the factors saved as constants, so first derivatives are exact
and a second derivative does not see the factors move.
"""
from __future__ import annotations

import numpy as np

from ..autograd.graph import record, record_outputs
from ..broadcasting import broadcast_shapes
from ..tensor import wrap
from ._util import _type_name, check_tensor, xp_of
from .linalg import _LinAlgError, _finish, inverse, matmul
from .indexing import where
from .reduction import _return_type, return_types
from .registry import defop
from .shape import cat

LINALG = "torch.linalg"

for _name, _fields in (("svd", ("U", "S", "V")), ("linalg_svd", ("U", "S", "Vh")), ("linalg_qr", ("Q", "R")),
                       ("linalg_eigh", ("eigenvalues", "eigenvectors")), ("slogdet", ("sign", "logabsdet")),
                       ("linalg_slogdet", ("sign", "logabsdet")),
                       ("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))):
    setattr(return_types, _name, _return_type(_name, _fields))
    setattr(return_types, _name + "_out", _return_type(_name + "_out", _fields))   # what out= returns


# -- shared checks and helpers ---------------------------------------------------------------------

def _matrices(A, fn, square=False, kernel=None):
    """A's checks as ATen's linalg functions make them: a tensor of matrices, floating, square where
    asked; half precision has no LAPACK kernel (``kernel`` names the one PyTorch's error names)."""
    check_tensor(A, fn.split(".")[-1], "A" if fn.startswith("linalg") else "input", 1)
    if A._data.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor A must have at least 2 dimensions.")
    if not A.dtype.is_floating_point:
        raise RuntimeError(f"{fn}: Expected a floating point or complex tensor as input. Got {_type_name(A.dtype)}")
    if square and A._data.shape[-1] != A._data.shape[-2]:
        raise RuntimeError(f"{fn}: A must be batches of square matrices, but they are {A._data.shape[-2]} by "
                           f"{A._data.shape[-1]} matrices")
    if A._data.dtype == np.float16:
        raise NotImplementedError(f"\"{kernel or fn.replace('.', '_') + '_cpu'}\" not implemented for 'Half'")
    return A


def _constant(data, dtype):
    """A factor as a tensor saved for the vjp: a constant, not part of any graph."""
    return wrap(data.astype(dtype, copy=False))


def _eye_like(t, n):
    return wrap(xp_of(t).eye(n, dtype=t._data.dtype))


def _finish_all(results, out, fn):
    """A named result, or with out= its tensors written into the given ones, under out='s rules for
    each, and returned as PyTorch does (torch.return_types.NAME_out)."""
    if out is None:
        return results
    written = tuple(_finish(r, o, fn) for r, o in zip(results, out))
    return getattr(return_types, type(results).__name__ + "_out", type(results))(written)


def _skew(X):
    return X - X.mT


# -- svd --------------------------------------------------------------------------------------------

@defop(method=False, namespace=LINALG, name="svd")
def linalg_svd(A, full_matrices=True, *, driver=None, out=None):
    """A = U diag(S) Vh: U (..., m, m or k), S (..., k) descending, Vh (..., n or k, n), k = min(m, n)."""
    _matrices(A, "linalg.svd", kernel="linalg_svd_cpu")
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with "
                           "cuSOLVER backend.")
    return _finish_all(return_types.linalg_svd(_svd(A, full_matrices)), out, "linalg_svd")


def _svd(A, full_matrices):
    """(U, S, Vh) sharing one LinalgSvdBackward0 node."""
    x = A._data
    xp = xp_of(A)
    m, n = x.shape[-2:]
    if x.size:
        u, s, vh = xp.linalg.svd(x, full_matrices=full_matrices)
    else:   # LAPACK is not called on an empty matrix: identity factors where a side has rows
        k = min(m, n)

        def eye(rows, cols):
            return xp.broadcast_to(xp.eye(rows, cols, dtype=x.dtype), x.shape[:-2] + (rows, cols)).copy()
        u, s = eye(m, m if full_matrices else k), xp.zeros(x.shape[:-2] + (k,), dtype=x.dtype)
        vh = eye(n if full_matrices else k, n)
    U, S, Vh = (wrap(f.astype(x.dtype, copy=False)) for f in (u, s, vh))
    record_outputs((U, S, Vh), "LinalgSvdBackward0", (A,), _svd_vjp(m, n),
                    saved=(_constant(u, x.dtype), _constant(s, x.dtype), _constant(vh, x.dtype)))
    return U, S, Vh


def _svd_vjp(m, n):
    k = min(m, n)

    def vjp(grads, U, S, Vh):
        gU, gS, gVh = grads.get(0), grads.get(1), grads.get(2)
        U, Vh = U[..., :, :k], Vh[..., :k, :]   # full_matrices: the extra vectors carry no gradient
        gU = None if gU is None else gU[..., :, :k]
        gV = None if gVh is None else gVh[..., :k, :].mT
        if gU is None and gV is None:
            return ((U * gS.unsqueeze(-2)) @ Vh,)
        squares = S * S
        E = squares.unsqueeze(-2) - squares.unsqueeze(-1) + _eye_like(S, k)   # S_j^2 - S_i^2, 1 on the diagonal
        inner = 0
        if gU is not None:
            inner = _skew(U.mT @ gU) * S.unsqueeze(-2)
        if gV is not None:
            inner = inner + S.unsqueeze(-1) * _skew(Vh @ gV)
        inner = inner / E
        if gS is not None:
            inner = inner + gS.unsqueeze(-1) * _eye_like(S, k)
        if m > k and gU is not None:
            gU_over_S = gU / S.unsqueeze(-2)
            return ((U @ inner + gU_over_S - U @ (U.mT @ gU_over_S)) @ Vh,)
        if n > k and gV is not None:
            gVh_over_S = gV.mT / S.unsqueeze(-1)
            return (U @ (inner @ Vh + gVh_over_S - (gVh_over_S @ Vh.mT) @ Vh),)
        return (U @ inner @ Vh,)
    return vjp


@defop(method=False, namespace=LINALG)
def svdvals(A, *, driver=None, out=None):
    """The singular values of the matrices in the last two dims, in descending order (LinalgSvdBackward0).

    The gradient U diag(g) V^T treats the singular vectors as constants: exact for first
    derivatives with distinct singular values."""
    _matrices(A, "linalg.svd", kernel="linalg_svd_cpu")
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with "
                           "cuSOLVER backend.")
    x = A._data
    if x.size:
        u, s, vh = xp_of(A).linalg.svd(x, full_matrices=False)
    else:
        u, s, vh = (factor._data for factor in _svd(A.detach(), False))
    result = wrap(s.astype(x.dtype, copy=False))
    return _finish(record(result, "LinalgSvdBackward0", (A,), lambda g, u, vh: ((u * g.unsqueeze(-2)) @ vh,),
                          saved=(_constant(u, x.dtype), _constant(vh, x.dtype))), out, "linalg_svdvals")


@defop()
def svd(input, some=True, compute_uv=True, *, out=None):
    """The older svd: V, not Vh (V = Vh.mT); some=False gives square U and V; compute_uv=False
    gives zero U and V of full size beside the singular values."""
    check_tensor(input, "svd", "input", 1)
    if input._data.ndim < 2:
        raise RuntimeError(f"linalg.svd: input should have at least 2 dimensions, but has {input._data.ndim} "
                           "dimensions instead")
    _matrices(input, "linalg.svd", kernel="linalg_svd_cpu")
    if not compute_uv:
        S = svdvals(input)
        batch, (m, n) = input._data.shape[:-2], input._data.shape[-2:]
        xp = xp_of(input)
        U, V = (wrap(xp.zeros(batch + (size, size), dtype=input._data.dtype)) for size in (m, n))
        return _finish_all(return_types.svd((U, S, V)), out, "svd")
    U, S, Vh = _svd(input, not some)
    return _finish_all(return_types.svd((U, S, Vh.transpose(-2, -1))), out, "svd")


# -- solve ------------------------------------------------------------------------------------------

def _is_vector_rhs(A, B):
    """B is a (batch of) vector(s), as ATen's linalg_solve_is_vector_rhs decides: 1-d, or A's batch
    shape followed by one dim."""
    return B._data.ndim == 1 or (B._data.ndim == A._data.ndim - 1 and B._data.shape == A._data.shape[:-1])


@defop(method=False, namespace=LINALG)
def solve(A, B, *, left=True, out=None):
    """X with A X = B (left) or X A = B (left=False); B a matrix, or a vector (LinalgSolveExBackward0)."""
    _matrices(A, "linalg.solve", square=True, kernel="linalg_lu_factor_ex_cpu")
    check_tensor(B, "solve", "B", 2)
    if A.dtype is not B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{_type_name(A.dtype)} and B of type {_type_name(B.dtype)} instead")
    vector = _is_vector_rhs(A, B)
    a, b = A._data, B._data[..., None] if vector else B._data
    if not left:
        a, b = a.swapaxes(-1, -2), b.swapaxes(-1, -2)
    n = a.shape[-1]
    if b.shape[-2] != n:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation {'AX = B' if left else 'XA = B'} "
                           f"({n}x{n} and {'x'.join(map(str, B._data.shape[-2:]))})")
    xp = xp_of(A)
    batch = broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a, b = xp.broadcast_to(a, batch + a.shape[-2:]), xp.broadcast_to(b, batch + b.shape[-2:])
    singular = _LinAlgError("torch.linalg.solve: The solver failed because the input matrix is singular.")
    try:
        x = xp.linalg.solve(a, b) if a.size and b.size else xp.zeros(b.shape, dtype=b.dtype)
    except np.linalg.LinAlgError:
        raise singular from None
    if xp is not np and not bool(xp.isfinite(x).all()):   # backends that do not raise on singular input
        raise singular
    if not left:
        x = x.swapaxes(-1, -2)
    result = wrap((x[..., 0] if vector else x).astype(A._data.dtype, copy=False))

    def vjp(g, A, result):   # X = A^-1 B: gB = A^-T g, gA = -gB X^T (transposed for left=False)
        if not left:
            gB = solve(A, g.mT).mT
            return -(result.mT @ gB), gB
        gB = solve(A.mT, g)
        if vector:
            return -gB.unsqueeze(-1) * result.unsqueeze(-2), gB
        return -(gB @ result.mT), gB
    return _finish(record(result, "LinalgSolveExBackward0", (A, B), vjp, saved=(A, result)), out, "linalg_solve")


# -- qr ---------------------------------------------------------------------------------------------

@defop(method=False, namespace=LINALG)
def qr(A, mode="reduced", *, out=None):
    """A = QR, Q with orthonormal columns and R upper triangular; mode 'reduced' (k = min(m, n)
    columns of Q), 'complete' (m), or 'r' (R only; Q empty)."""
    _matrices(A, "linalg.qr", kernel="geqrf_cpu")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           "or 'complete'")
    x = A._data
    xp = xp_of(A)
    m, n = x.shape[-2:]
    if x.size:
        q, r = xp.linalg.qr(x, mode="complete" if mode == "complete" else "reduced")
    else:
        k = m if mode == "complete" else min(m, n)
        q = xp.broadcast_to(xp.eye(m, k, dtype=x.dtype), x.shape[:-2] + (m, k)).copy()
        r = xp.zeros(x.shape[:-2] + (k, n), dtype=x.dtype)
    if mode == "r":
        q = xp.zeros((0,), dtype=x.dtype)
    Q, R = wrap(q.astype(x.dtype, copy=False)), wrap(r.astype(x.dtype, copy=False))
    record_outputs((Q, R), "LinalgQrBackward0", (A,), _qr_vjp(mode, m, n),
                    saved=(_constant(q, x.dtype), _constant(r, x.dtype)))
    return _finish_all(return_types.linalg_qr((Q, R)), out, "linalg_qr")


def _qr_vjp(mode, m, n):
    def vjp(grads, Q, R):
        if mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                               "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through "
                               "linalg.qr.")
        if mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        gQ, gR = grads.get(0), grads.get(1)
        if m >= n:
            return (_square_qr_gradient(Q, R, gQ, gR),)
        # A = Q [X | Y] with X square: Y = Q R_Y adds gQ += Y gR_Y^T and gives gY = Q gR_Y
        X_R, Y_R = R[..., :, :m], R[..., :, m:]
        if gR is None:
            return (cat([_square_qr_gradient(Q, X_R, gQ, None), (Q @ Y_R) * 0], -1),)
        gR_Y = gR[..., :, m:]
        gQ = (Q @ Y_R) @ gR_Y.mT + (0 if gQ is None else gQ)
        return (cat([_square_qr_gradient(Q, X_R, gQ, gR[..., :, :m]), Q @ gR_Y], -1),)
    return vjp


def _square_qr_gradient(Q, R, gQ, gR):
    """gA for A = QR with m >= n: (gQ + Q copyltu(M)) R^-T, M = R gR^T - gQ^T Q."""
    M = 0
    if gR is not None:
        M = R @ gR.mT
    if gQ is not None:
        M = M - gQ.mT @ Q
    lower = M.tril()
    copied = lower + lower.tril(-1).mT
    total = Q @ copied if gQ is None else gQ + Q @ copied
    return solve(R, total.mT).mT   # total R^-T, as a triangular solve


# -- cholesky and eigh: symmetric positive-definite and symmetric matrices ---------------------------

def _batch_words(x, index):
    return f"(Batch element {index}): " if x.ndim > 2 else ""


@defop(method=False, namespace=LINALG)
def cholesky(A, *, upper=False, out=None):
    """L lower triangular with A = L L^T (or U = L^T with upper=True), A symmetric positive-definite;
    only A's lower triangle is read (LinalgCholeskyExBackward0)."""
    _matrices(A, "linalg.cholesky", square=True, kernel="linalg_cholesky_ex_cpu")
    x = A._data
    xp = xp_of(A)
    lower_half = xp.tril(x) + xp.swapaxes(xp.tril(x, -1), -1, -2)   # LAPACK reads one triangle only
    try:
        factor = xp.linalg.cholesky(lower_half) if x.size else x.copy()
    except np.linalg.LinAlgError:
        raise _not_positive_definite(lower_half) from None
    if xp is not np and not bool(xp.isfinite(factor).all()):   # backends that do not raise
        raise _not_positive_definite(xp.asnumpy(lower_half))
    result = wrap((xp.swapaxes(factor, -1, -2) if upper else factor).astype(x.dtype, copy=False))

    def vjp(g, result):   # Phi(L^T gL) sandwiched by L^-T, L^-1, then symmetrised
        L, gL = (result.mT, g.mT) if upper else (result, g)
        L_inverse = inverse(L)
        phi = (L.mT @ gL).tril()
        phi = phi - 0.5 * phi * _eye_like(L, L.shape[-1])
        grad = L_inverse.mT @ phi @ L_inverse
        return (0.5 * (grad + grad.mT),)
    return _finish(record(result, "LinalgCholeskyExBackward0", (A,), vjp, saved=(result,)), out, "linalg_cholesky")


def _not_positive_definite(x):
    """LinAlgError naming the first batch element and the order of its first leading minor that is
    not positive-definite, as LAPACK's potrf reports it."""
    flat = x.reshape((-1,) + x.shape[-2:])
    for index, matrix in enumerate(flat):
        for order in range(1, matrix.shape[-1] + 1):
            try:
                np.linalg.cholesky(matrix[:order, :order])
            except np.linalg.LinAlgError:
                return _LinAlgError(f"linalg.cholesky: {_batch_words(x, index)}The factorization could not be "
                                    f"completed because the input is not positive-definite (the leading minor of "
                                    f"order {order} is not positive-definite).")
    return _LinAlgError("linalg.cholesky: The factorization could not be completed because the input is not "
                        "positive-definite.")


def _symmetric_data(A, fn, UPLO):
    _matrices(A, fn, square=True, kernel="linalg_eigh_cpu")
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return A._data


@defop(method=False, namespace=LINALG)
def eigh(A, UPLO="L", *, out=None):
    """Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix, from the triangle
    UPLO names (LinalgEighBackward0)."""
    x = _symmetric_data(A, "linalg.eigh", UPLO)
    xp = xp_of(A)
    values, vectors = xp.linalg.eigh(x, UPLO=UPLO) if x.size else (xp.zeros(x.shape[:-1], x.dtype), x.copy())
    L, V = wrap(values.astype(x.dtype, copy=False)), wrap(vectors.astype(x.dtype, copy=False))

    def vjp(grads, L, V):   # V (skew(V^T gV) / E + diag(gL)) V^T, E_ij = L_j - L_i
        gL, gV = grads.get(0), grads.get(1)
        n = L.shape[-1]
        inner = 0
        if gV is not None:
            inner = 0.5 * _skew(V.mT @ gV) / (L.unsqueeze(-2) - L.unsqueeze(-1) + _eye_like(L, n))
        if gL is not None:
            inner = inner + gL.unsqueeze(-1) * _eye_like(L, n)
        return (V @ inner @ V.mT,)
    record_outputs((L, V), "LinalgEighBackward0", (A,), vjp,
                    saved=(_constant(values, x.dtype), _constant(vectors, x.dtype)))
    return _finish_all(return_types.linalg_eigh((L, V)), out, "linalg_eigh")


@defop(method=False, namespace=LINALG)
def eigvalsh(A, UPLO="L", *, out=None):
    """The eigenvalues (ascending) of a symmetric matrix (LinalgEighBackward0)."""
    x = _symmetric_data(A, "linalg.eigvalsh", UPLO)
    xp = xp_of(A)
    values, vectors = xp.linalg.eigh(x, UPLO=UPLO) if x.size else (xp.zeros(x.shape[:-1], x.dtype), x.copy())
    result = wrap(values.astype(x.dtype, copy=False))
    return _finish(record(result, "LinalgEighBackward0", (A,), lambda g, V: ((V * g.unsqueeze(-2)) @ V.mT,),
                          saved=(_constant(vectors, x.dtype),)), out, "linalg_eigvalsh")


# -- determinants' logarithms -------------------------------------------------------------------------

def _slogdet(A, fn):
    _matrices(A, fn, square=True, kernel="linalg_lu_factor_ex_cpu")
    x = A._data
    xp = xp_of(A)
    if x.shape[-1]:
        sign, logabsdet = xp.linalg.slogdet(x)
    else:
        sign, logabsdet = xp.ones(x.shape[:-2], x.dtype), xp.zeros(x.shape[:-2], x.dtype)
    sign, logabsdet = wrap(xp.asarray(sign, dtype=x.dtype)), wrap(xp.asarray(logabsdet, dtype=x.dtype))

    def vjp(grads, A):   # d log|det A| / dA = A^-T; the sign is piecewise constant
        g = grads.get(1)
        if g is None:
            return (A * 0,)
        return (g.unsqueeze(-1).unsqueeze(-1) * inverse(A).mT,)
    record_outputs((sign, logabsdet), "LinalgSlogdetBackward0", (A,), vjp, saved=(A,))
    return sign, logabsdet


@defop(method=False, namespace=LINALG, name="slogdet")
def linalg_slogdet(A, *, out=None):
    """(sign, log|det A|) of square matrices, the log finite where det itself would overflow."""
    return _finish_all(return_types.linalg_slogdet(_slogdet(A, "linalg.slogdet")), out, "linalg_slogdet")


@defop()
def slogdet(input):
    """torch.slogdet: (sign, log|det|) as torch.return_types.slogdet."""
    return return_types.slogdet(_slogdet(input, "linalg.slogdet"))


@defop()
def logdet(input):
    """log det(input): NaN where the determinant is negative, -inf where it is zero."""
    sign, logabsdet = _slogdet(input, "linalg.slogdet")
    nan = wrap(xp_of(input).asarray(np.nan, dtype=input._data.dtype))
    return where(sign == -1, nan, logabsdet)


# -- powers, the pseudo-inverse, rank and least squares ------------------------------------------------

@defop(namespace=LINALG, method=False, name="matrix_power")
def linalg_matrix_power(A, n, *, out=None):
    """A multiplied by itself n times (n < 0: of its inverse), by ATen's binary decomposition of n,
    so that the graph is PyTorch's chain of MmBackward0 nodes."""
    return _finish(_matrix_power(A, n, "linalg.matrix_power"), out, "linalg_matrix_power")


@defop()
def matrix_power(input, n):
    """torch.matrix_power, Tensor.matrix_power: torch.linalg.matrix_power."""
    return _matrix_power(input, n, "linalg.matrix_power")


def _matrix_power(A, n, fn):
    check_tensor(A, fn.split(".")[-1], "input", 1)
    if A._data.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor A must have at least 2 dimensions.")
    if A._data.shape[-1] != A._data.shape[-2]:
        raise RuntimeError(f"{fn}: A must be batches of square matrices, but they are {A._data.shape[-2]} by "
                           f"{A._data.shape[-1]} matrices")
    if n == 0:
        eye = wrap(xp_of(A).eye(A._data.shape[-1], dtype=A._data.dtype))
        return A.clone().copy_(eye.expand_as(A))
    if n < 0:
        A, n = inverse(A), -n
        if n == 1:
            return A
    if n == 1:
        return A.clone()
    if n <= 3:
        return matmul(A, A) if n == 2 else matmul(matmul(A, A), A)
    square = result = None
    while n > 0:   # ATen's order: the running square, and the product of the squares n's bits pick
        bit, n = n % 2, n // 2
        square = A if square is None else matmul(square, square)
        if bit:
            result = square if result is None else matmul(result, square)
    return result


def _tolerance(S, atol, rtol, dims):
    """max(atol, rtol * the largest singular value) per matrix, as (..., 1). rtol defaults to
    eps * max(m, n), or to 0 where an atol above 0 is given; atol and rtol may be tensors over the batch."""
    xp = xp_of(S)
    dtype = S._data.dtype

    def per_matrix(value):
        return xp.asarray(value._data if hasattr(value, "_data") else value, dtype=dtype)[..., None]
    atol_values = per_matrix(0 if atol is None else atol)
    if rtol is not None:
        rtol_values = per_matrix(rtol)
    else:
        default = per_matrix(np.finfo(dtype).eps * max(dims))
        rtol_values = default if atol is None else xp.where(atol_values > 0, 0, default)
    largest = S._data.max(axis=-1, keepdims=True) if S._data.shape[-1] else xp.zeros(S._data.shape[:-1] + (1,), dtype)
    return xp.maximum(atol_values, rtol_values * largest)


@defop(method=False, namespace=LINALG)
def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """The Moore-Penrose pseudo-inverse: V diag(1/S) U^T over the singular values above the
    tolerance (LinalgPinvBackward0)."""
    check_tensor(A, "pinv", "input", 1)
    if A._data.ndim < 2 or not A.dtype.is_floating_point:
        raise RuntimeError(f"linalg.pinv({_type_name(A.dtype)}{{{list(A._data.shape)}}}): expected a tensor with 2 or "
                           "more dimensions of float, double, cfloat or cdouble types")
    _matrices(A, "linalg.pinv", kernel="linalg_svd_cpu")
    x = A._data
    xp = xp_of(A)
    if hermitian:   # from the eigendecomposition of the lower triangle: |eigenvalues| are the singular values
        values, vectors = xp.linalg.eigh(x) if x.size else (xp.zeros(x.shape[:-1], x.dtype), x.copy())
        u, s, vh = vectors * xp.sign(values)[..., None, :], xp.abs(values), xp.swapaxes(vectors, -1, -2)
    else:
        u, s, vh = (factor._data for factor in _svd(A.detach(), False))
    S = wrap(s)
    data = _pseudo_inverse(xp, u, s, vh, _tolerance(S, atol, rtol, x.shape[-2:]))
    result = wrap(data.astype(x.dtype, copy=False))
    return _finish(record(result, "LinalgPinvBackward0", (A,), _pinv_vjp, saved=(result, A)), out, "linalg_pinv")


def _pinv_vjp(g, pinvA, A):
    """ATen's pinv_backward, arranged for the smaller of m and n."""
    m, n = A.shape[-2:]
    pinvAh, gh = pinvA.mT, g.mT
    if m <= n:
        K = gh @ pinvA
        KpinvAh = K @ pinvAh
        return (-(pinvA @ K).mT + KpinvAh - (A @ pinvA) @ KpinvAh + (pinvAh @ pinvA) @ (gh - K @ A),)
    K = pinvA @ gh
    pinvAhK = pinvAh @ K
    return (-(K @ pinvA).mT + (gh - A @ K) @ pinvA @ pinvAh + pinvAhK - pinvAhK @ pinvA @ A,)


@defop(method=False, namespace=LINALG, differentiable=False)
def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """The number of singular values above max(atol, rtol * the largest), an int64 tensor."""
    check_tensor(A, "matrix_rank", "input", 1)
    if A._data.ndim < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at least 2 dimensions.")
    if not A.dtype.is_floating_point:
        raise RuntimeError("This function doesn't handle types other than float and double")
    _matrices(A, "linalg.matrix_rank", kernel="linalg_svd_cpu")
    x = A._data
    xp = xp_of(A)
    values = xp.abs(xp.linalg.eigvalsh(x)) if hermitian else xp.linalg.svd(x, compute_uv=False)
    S = wrap(xp.sort(values, axis=-1)[..., ::-1].astype(x.dtype) if x.size else xp.zeros(x.shape[:-2] + (0,), x.dtype))
    rank = (S._data > _tolerance(S, atol, rtol, x.shape[-2:])).sum(axis=-1)
    return _finish(wrap(xp.asarray(rank, dtype=np.int64)), out, "linalg_matrix_rank")


_LSTSQ_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


@defop(method=False, namespace=LINALG)
def lstsq(A, B, rcond=None, *, driver=None):
    """The least-squares solution X of A X = B (the minimum-norm one where A lacks rank), with what
    the CPU driver reports: gelsy (default) the rank, gelsd and gelss the rank and the singular
    values, and the squared residuals where A is tall and of full rank (gels, gelsd, gelss)."""
    _matrices(A, "linalg.lstsq", kernel="linalg_lstsq_cpu")
    check_tensor(B, "lstsq", "B", 2)
    if A.dtype is not B.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got "
                           f"input's dtype {_type_name(A.dtype)} and other's dtype {_type_name(B.dtype)}")
    driver = "gelsy" if driver is None else driver
    if driver not in _LSTSQ_DRIVERS:
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    vector = _is_vector_rhs(A, B)
    x, b = A._data, B._data[..., None] if vector else B._data
    m, n = x.shape[-2:]
    if b.shape[-2] != m:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    xp = xp_of(A)
    batch = broadcast_shapes(x.shape[:-2], b.shape[:-2])
    x, b = xp.broadcast_to(x, batch + x.shape[-2:]), xp.broadcast_to(b, batch + b.shape[-2:])
    if x.size:
        u, S, vh = xp.linalg.svd(x, full_matrices=False)
    else:
        S = xp.zeros(batch + (min(m, n),), x.dtype)
    tolerance = (np.finfo(x.dtype).eps * max(m, n) if rcond is None else rcond) * S[..., :1]
    rank = (S > tolerance).sum(axis=-1)
    pinv_data = _pseudo_inverse(xp, u, S, vh, tolerance) if x.size else xp.zeros(batch + (n, m), x.dtype)
    solution = xp.matmul(pinv_data, b).astype(x.dtype)
    full_rank_tall = m > n and driver != "gelsy" and bool((rank == n).all())
    residuals = (((xp.matmul(x, solution) - b) ** 2).sum(axis=-2) if full_rank_tall
                 else xp.zeros((0,), x.dtype)).astype(x.dtype)
    X, R = wrap(solution[..., 0] if vector else solution), wrap(residuals[..., 0] if vector and residuals.size else residuals)
    rank_out = wrap(xp.asarray(rank, dtype=np.int64)) if driver != "gels" else wrap(xp.zeros((0,), np.int64))
    values = wrap(S.astype(x.dtype) if driver in ("gelsd", "gelss") else xp.zeros((0,), x.dtype))

    def vjp(grads, A, B):   # X = pinv(A) B: ATen's linalg_lstsq_backward
        gX = grads.get(0)
        if gX is None:
            return None, None
        wants_A, wants_B = A.requires_grad, B.requires_grad
        gX, B = (gX.unsqueeze(-1), B.unsqueeze(-1)) if vector else (gX, B)
        pinvA = pinv(A)
        gA = _pinv_vjp(gX @ B.mT, pinvA, A)[0] if wants_A else None
        gB = pinvA.mT @ gX if wants_B else None
        return gA, (gB[..., 0] if vector and gB is not None else gB)
    record_outputs((X, R), "LinalgLstsqBackward0", (A, B), vjp, saved=(A, B))
    return return_types.linalg_lstsq((X, R, rank_out, values))


def _pseudo_inverse(xp, u, s, vh, tolerance):
    """V diag(1/s) U^T over the singular values above ``tolerance`` (the others count as zero)."""
    kept = s > tolerance
    inverted = xp.where(kept, 1 / xp.where(kept, s, 1), 0).astype(s.dtype)
    return xp.matmul(xp.swapaxes(vh, -1, -2) * inverted[..., None, :], xp.swapaxes(u, -1, -2))
