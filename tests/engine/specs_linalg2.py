"""Specs for distances, chains of products and the decompositions. A decomposition's factors are
unique only up to the sign of each singular vector or eigenvector (and NumPy's LAPACK and
PyTorch's may choose differently), so the specs differentiate what does not depend on the sign,
as PyTorch's own gradcheck of them does: the singular values, |U| and |Vh|, the projector
U U^T, eigenvalues and |eigenvectors|; Q and R of qr, cholesky's factor and the solvers are unique."""
import numpy as np

from .opspec import OpSpec
from .specs_linalg import distinct_singular_values, well_conditioned


def symmetric_distinct_eigenvalues(i, shape, rng):
    """Symmetric matrices whose eigenvalues are well apart (eigh's gradient divides by their gaps)."""
    q, _ = np.linalg.qr(rng.standard_normal(shape))
    n = shape[-1]
    return (q * (np.arange(n) * 1.5 - n / 2 + 0.25)) @ np.swapaxes(q, -1, -2)


def positive_definite(i, shape, rng):
    a = rng.uniform(-1, 1, size=shape)
    return a @ np.swapaxes(a, -1, -2) + np.eye(shape[-1]) * shape[-1]


def full_rank(i, shape, rng):
    """Matrices of full rank with singular values well above the pseudo-inverse's cut."""
    return distinct_singular_values(i, shape, rng) if i == 0 else None


def apart(i, shape, rng):
    """Points whose coordinates differ by more than finite differences reach (cdist's kinks)."""
    return rng.uniform(-2, 2, size=shape) + (3 * i)


def _svd_invariants(lib, r, U_field="U", V_field="Vh"):
    """S, |U| and |V or Vh| flattened into one tensor: what the signs of the vectors do not change."""
    U, S, V = getattr(r, U_field), r.S, getattr(r, V_field)
    return lib.cat([S.flatten(), U.abs().flatten(), V.abs().flatten()])


def _eigh_invariants(lib, r):
    return lib.cat([r.eigenvalues.flatten(), r.eigenvectors.abs().flatten()])


SPECS = [
    OpSpec("cdist", lambda lib, a, b: lib.cdist(a, b), shapes=[((3, 2), (4, 2)), ((2, 3, 2), (1, 4, 2))], make=apart),
    OpSpec("cdist_p1", lambda lib, a, b: lib.cdist(a, b, p=1), shapes=[((3, 2), (4, 2))], make=apart),
    OpSpec("cdist_p3", lambda lib, a, b: lib.cdist(a, b, p=3), shapes=[((3, 2), (4, 2))], make=apart),
    OpSpec("cdist_p_half", lambda lib, a, b: lib.cdist(a, b, p=0.5), shapes=[((3, 2), (4, 2))], make=apart),
    OpSpec("cdist_inf", lambda lib, a, b: lib.cdist(a, b, p=float("inf")), shapes=[((3, 2), (4, 2))], make=apart),
    OpSpec("cdist_mm", lambda lib, a, b: lib.cdist(a, b, compute_mode="use_mm_for_euclid_dist"),
           shapes=[((3, 2), (4, 2)), ((2, 3, 2), (4, 2))], make=apart),
    OpSpec("cdist_many_rows", lambda lib, a, b: lib.cdist(a, b), shapes=[((30, 2), (2, 2))], make=apart),
    OpSpec("dist", lambda lib, a, b: lib.dist(a, b), shapes=[((3,), (3,)), ((2, 3), (3,))], make=apart),
    OpSpec("dist_p", lambda lib, a, b: lib.dist(a, b, 3.5), shapes=[((2, 3), (2, 3))], make=apart),
    OpSpec("dist_p1", lambda lib, a, b: a.dist(b, 1), shapes=[((2, 3), (2, 3))], make=apart),
    OpSpec("dist_inf", lambda lib, a, b: lib.dist(a, b, float("inf")), shapes=[((2, 3), (2, 3))], make=apart),
    OpSpec("multi_dot", lambda lib, a, b, c: lib.linalg.multi_dot([a, b, c]),
           shapes=[((2, 3), (3, 4), (4, 2)), ((3,), (3, 4), (4,)), ((5, 1), (1, 4), (4, 2))]),
    OpSpec("multi_dot_four", lambda lib, a, b, c, d: lib.linalg.multi_dot([a, b, c, d]),
           shapes=[((3,), (3, 4), (4, 5), (5, 1))]),
    OpSpec("chain_matmul", lambda lib, a, b, c: lib.chain_matmul(a, b, c), shapes=[((2, 3), (3, 4), (4, 2))]),
    OpSpec("svd", lambda lib, a: _svd_invariants(lib, lib.svd(a), V_field="V"),
           shapes=[((3, 3),), ((4, 3),), ((2, 3, 4),)], make=distinct_singular_values),
    OpSpec("svd_values", lambda lib, a: lib.svd(a, compute_uv=False).S, shapes=[((3, 4),)],
           make=distinct_singular_values),
    OpSpec("svd_projector", lambda lib, a: (lambda r: r.U @ r.U.mT + r.V @ r.V.mT)(lib.svd(a, some=True)),
           shapes=[((3, 3),)], make=distinct_singular_values),
    OpSpec("linalg_svd", lambda lib, a: _svd_invariants(lib, lib.linalg.svd(a, full_matrices=False)),
           shapes=[((3, 3),), ((4, 2),), ((2, 2, 3),)], make=distinct_singular_values),
    OpSpec("linalg_svd_full", lambda lib, a: lib.linalg.svd(a).S + lib.linalg.svd(a).U[..., :1, :2].abs().sum(-1),
           shapes=[((4, 2),)], make=distinct_singular_values),
    OpSpec("solve", lambda lib, a, b: lib.linalg.solve(a, b), shapes=[((3, 3), (3, 2)), ((3, 3), (3,)),
           ((2, 3, 3), (3, 2)), ((2, 3, 3), (2, 3))], make=lambda i, s, rng: well_conditioned(i, s, rng) if i == 0 else None),
    OpSpec("solve_right", lambda lib, a, b: lib.linalg.solve(a, b, left=False), shapes=[((3, 3), (2, 3))],
           make=lambda i, s, rng: well_conditioned(i, s, rng) if i == 0 else None),
    OpSpec("qr", lambda lib, a: lib.cat([t.flatten() for t in lib.linalg.qr(a)]),
           shapes=[((3, 3),), ((4, 3),), ((3, 4),), ((2, 3, 2),)], make=distinct_singular_values),
    OpSpec("qr_q", lambda lib, a: lib.linalg.qr(a).Q, shapes=[((4, 3),), ((2, 4),)], make=distinct_singular_values),
    OpSpec("qr_r", lambda lib, a: lib.linalg.qr(a).R, shapes=[((3, 4),)], make=distinct_singular_values),
    OpSpec("cholesky", lambda lib, a: lib.linalg.cholesky(a @ a.mT + lib.eye(a.shape[-1], dtype=a.dtype, device=a.device)),
           shapes=[((3, 3),), ((2, 2, 2),)]),
    OpSpec("cholesky_upper", lambda lib, a: lib.linalg.cholesky((a + a.mT) / 2, upper=True), shapes=[((3, 3),)],
           make=positive_definite),
    OpSpec("eigh", lambda lib, a: _eigh_invariants(lib, lib.linalg.eigh(a + a.mT)),
           shapes=[((3, 3),), ((2, 3, 3),)], make=symmetric_distinct_eigenvalues),
    OpSpec("eigh_upper", lambda lib, a: _eigh_invariants(lib, lib.linalg.eigh(a + a.mT, UPLO="U")),
           shapes=[((3, 3),)], make=symmetric_distinct_eigenvalues),
    OpSpec("eigvalsh", lambda lib, a: lib.linalg.eigvalsh(a + a.mT), shapes=[((3, 3),), ((2, 2, 2),)],
           make=symmetric_distinct_eigenvalues),
    OpSpec("slogdet", lambda lib, a: lib.linalg.slogdet(a).logabsdet * lib.linalg.slogdet(a).sign,
           shapes=[((3, 3),), ((2, 2, 2),)], make=well_conditioned),
    OpSpec("slogdet_torch", lambda lib, a: lib.slogdet(a)[1], shapes=[((3, 3),)], make=well_conditioned),
    OpSpec("logdet", lambda lib, a: lib.logdet(a @ a.mT), shapes=[((3, 3),), ((2, 2, 2),)], make=well_conditioned),
    OpSpec("matrix_power", lambda lib, a: lib.linalg.matrix_power(a, 5), shapes=[((3, 3),), ((2, 2, 2),)],
           domain=(-1.0, 1.0)),
    OpSpec("matrix_power_negative", lambda lib, a: lib.matrix_power(a, -2), shapes=[((3, 3),)], make=well_conditioned),
    OpSpec("matrix_power_zero", lambda lib, a: a.matrix_power(0) + a.matrix_power(1), shapes=[((3, 3),)]),
    OpSpec("pinv", lambda lib, a: lib.linalg.pinv(a), shapes=[((3, 3),), ((4, 2),), ((2, 4),), ((2, 3, 2),)],
           make=distinct_singular_values),
    OpSpec("pinv_hermitian", lambda lib, a: lib.linalg.pinv(a + a.mT, hermitian=True), shapes=[((3, 3),)],
           make=symmetric_distinct_eigenvalues),
    OpSpec("lstsq", lambda lib, a, b: lib.linalg.lstsq(a, b).solution,
           shapes=[((3, 3), (3, 2)), ((5, 3), (5, 2)), ((3, 5), (3,)), ((2, 4, 3), (2, 4, 1))], make=full_rank),
    OpSpec("lstsq_gelsd", lambda lib, a, b: lib.linalg.lstsq(a, b, driver="gelsd").solution,
           shapes=[((5, 3), (5, 2))], make=full_rank),
]


def clear_pivots(i, shape, rng):
    """Matrices whose partial pivoting is far from a tie (finite differences never change the row
    swaps): rows of a diagonally dominant matrix, permuted."""
    if i != 0:
        return None
    m, n = shape[-2:]
    dominant = np.eye(m, n) * 4 + rng.uniform(-1, 1, size=shape)
    return dominant[..., rng.permutation(m), :]


def _lu_parts(lib, r):
    return lib.cat([r.L.flatten(), r.U.flatten()])


SPECS += [
    OpSpec("lu_factor", lambda lib, a: lib.linalg.lu_factor(a).LU, shapes=[((3, 3),), ((2, 3, 3),), ((4, 2),), ((2, 4),)],
           make=clear_pivots),
    OpSpec("lu", lambda lib, a: lib.lu(a)[0], shapes=[((3, 3),)], make=clear_pivots),
    OpSpec("linalg_lu", lambda lib, a: _lu_parts(lib, lib.linalg.lu(a)), shapes=[((3, 3),), ((4, 2),), ((2, 4),),
           ((2, 3, 3),)], make=clear_pivots),
    OpSpec("linalg_lu_L", lambda lib, a: lib.linalg.lu(a).L, shapes=[((3, 3),), ((4, 2),), ((2, 4),)], make=clear_pivots),
    OpSpec("linalg_lu_U", lambda lib, a: lib.linalg.lu(a).U, shapes=[((3, 3),), ((4, 2),), ((2, 4),)], make=clear_pivots),
    OpSpec("lu_unpack", lambda lib, a: _lu_parts(lib, lib.lu_unpack(*lib.linalg.lu_factor(a))),
           shapes=[((3, 3),), ((4, 2),), ((2, 4),)], make=clear_pivots),
    OpSpec("lu_solve", lambda lib, a, b: lib.linalg.lu_solve(*lib.linalg.lu_factor(a), b),
           shapes=[((3, 3), (3, 2)), ((2, 3, 3), (3, 1))], make=clear_pivots),
    OpSpec("lu_solve_right", lambda lib, a, b: lib.linalg.lu_solve(*lib.linalg.lu_factor(a), b, left=False),
           shapes=[((3, 3), (2, 3))], make=clear_pivots),
    OpSpec("lu_solve_adjoint", lambda lib, a, b: lib.linalg.lu_solve(*lib.linalg.lu_factor(a), b, adjoint=True),
           shapes=[((3, 3), (3, 2))], make=clear_pivots),
    OpSpec("lu_solve_right_adjoint",
           lambda lib, a, b: lib.linalg.lu_solve(*lib.linalg.lu_factor(a), b, left=False, adjoint=True),
           shapes=[((3, 3), (2, 3))], make=clear_pivots),
]
