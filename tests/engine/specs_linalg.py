"""Specs for the linear-algebra ops: the products (every matmul route), outer, norms, inverse, det."""
import numpy as np

from .opspec import OpSpec


def well_conditioned(i, shape, rng):
    """Square matrices far from singular: 3 I plus noise."""
    return np.eye(shape[-1]) * 3 + rng.uniform(-1, 1, size=shape)


def distinct_singular_values(i, shape, rng):
    """Matrices whose singular values are well apart (svd's gradient is unstable near ties)."""
    u, _ = np.linalg.qr(rng.standard_normal(shape[:-2] + (shape[-2], shape[-2])))
    v, _ = np.linalg.qr(rng.standard_normal(shape[:-2] + (shape[-1], shape[-1])))
    k = min(shape[-2:])
    s = np.zeros(shape)
    s[..., range(k), range(k)] = np.arange(k, 0, -1) + 0.5
    return u @ s @ v


MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((2, 2, 3), (2, 3, 4)),
                 ((2, 2, 3), (3, 4)), ((2, 3), (2, 3, 4)), ((3,), (2, 3, 4)), ((2, 2, 3), (3,)),
                 ((1, 2, 3), (2, 3, 4)), ((2, 1, 2, 3), (3, 3, 2)), ((1, 3), (3, 1))]

SPECS = [
    OpSpec("matmul", lambda lib, a, b: lib.matmul(a, b), shapes=MATMUL_SHAPES),
    OpSpec("rmatmul_operator", lambda lib, a, b: a.__rmatmul__(b), shapes=[((3, 4), (2, 3))]),
    OpSpec("mm", lambda lib, a, b: lib.mm(a, b), shapes=[((2, 3), (3, 4)), ((1, 1), (1, 1))]),
    OpSpec("bmm", lambda lib, a, b: lib.bmm(a, b), shapes=[((2, 2, 3), (2, 3, 4)), ((1, 1, 1), (1, 1, 1))]),
    OpSpec("mv", lambda lib, a, b: lib.mv(a, b), shapes=[((2, 3), (3,)), ((1, 1), (1,))]),
    OpSpec("dot", lambda lib, a, b: lib.dot(a, b), shapes=[((3,), (3,)), ((1,), (1,))]),
    OpSpec("outer", lambda lib, a, b: lib.outer(a, b), shapes=[((3,), (2,)), ((1,), (1,))]),
    OpSpec("inverse", lambda lib, a: lib.linalg.inv(a), shapes=[((3, 3),), ((2, 2, 2),), ((1, 1),)],
           make=well_conditioned),
    OpSpec("det", lambda lib, a: lib.linalg.det(a), shapes=[((3, 3),), ((2, 2, 2),), ((1, 1),)],
           make=well_conditioned),
    OpSpec("linalg_norm", lambda lib, a: lib.linalg.norm(a), shapes=[((2, 3),), ((3,),), ((2, 2, 2),)],
           domain=(0.5, 2.0), signed=True),
    OpSpec("matrix_norm_1", lambda lib, a: lib.linalg.norm(a, 1), shapes=[((2, 3),)], domain=(0.5, 2.0),
           signed=True),
    OpSpec("matrix_norm_inf", lambda lib, a: lib.linalg.norm(a, float("inf"), dim=(0, 1), keepdim=True),
           shapes=[((2, 3),)], domain=(0.5, 2.0), signed=True),
    OpSpec("matrix_norm_nuc", lambda lib, a: lib.linalg.norm(a, "nuc"), shapes=[((2, 3),), ((3, 3),)],
           make=distinct_singular_values),
    OpSpec("matrix_norm_2", lambda lib, a: lib.linalg.matrix_norm(a, 2), shapes=[((2, 3, 3),)],
           make=distinct_singular_values),
    OpSpec("vector_norm", lambda lib, a: lib.linalg.vector_norm(a, 3, dim=-1), shapes=[((2, 3),), ((3,),)],
           domain=(0.5, 2.0), signed=True),
    OpSpec("trace", lambda lib, a: a.trace(), shapes=[((3, 3),), ((2, 3),), ((1, 1),)]),
    OpSpec("cross", lambda lib, a, b: lib.cross(a, b, dim=-1), shapes=[((3,), (3,)), ((2, 3), (2, 3)), ((2, 3), (1, 3))]),
    OpSpec("linalg_cross_dim0", lambda lib, a, b: lib.linalg.cross(a, b, dim=0), shapes=[((3, 2), (3, 2))]),
    OpSpec("tensordot", lambda lib, a, b: lib.tensordot(a, b, dims=([1], [0])), shapes=[((2, 3), (3, 4))]),
    OpSpec("tensordot_2", lambda lib, a, b: lib.tensordot(a, b), shapes=[((2, 2, 3), (2, 3, 4)), ((2, 3), (2, 3))]),
    OpSpec("einsum_matmul", lambda lib, a, b: lib.einsum("ij,jk->ik", a, b), shapes=[((2, 3), (3, 4))]),
    OpSpec("einsum_batch", lambda lib, a, b: lib.einsum("bij,bkj->bik", a, b), shapes=[((2, 2, 3), (2, 4, 3))]),
    OpSpec("einsum_outer", lambda lib, a, b: lib.einsum("i,j->ij", a, b), shapes=[((3,), (2,))]),
    OpSpec("einsum_dot", lambda lib, a, b: lib.einsum("i,i", a, b), shapes=[((3,), (3,))]),
    OpSpec("einsum_sum", lambda lib, a: lib.einsum("ij->", a), shapes=[((2, 3),)]),
    OpSpec("einsum_trace", lambda lib, a: lib.einsum("ii", a), shapes=[((3, 3),)]),
    OpSpec("einsum_diagonal", lambda lib, a: lib.einsum("ii->i", a), shapes=[((3, 3),)]),
    OpSpec("einsum_transpose", lambda lib, a: lib.einsum("ij->ji", a), shapes=[((2, 3),)]),
    OpSpec("einsum_ellipsis", lambda lib, a, b: lib.einsum("...ij,...jk", a, b), shapes=[((2, 2, 3), (2, 3, 2))]),
    OpSpec("svdvals", lambda lib, a: lib.linalg.svdvals(a), shapes=[((2, 3),), ((2, 3, 3),)],
           make=distinct_singular_values),
    OpSpec("einsum_three", lambda lib, a, b, c: lib.einsum("ij,jk,k->i", a, b, c),
           shapes=[((2, 3), (3, 4), (4,))]),
]
