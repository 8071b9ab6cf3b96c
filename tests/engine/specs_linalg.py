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
           domain=(0.5, 2.0)),
    OpSpec("matrix_norm_1", lambda lib, a: lib.linalg.norm(a, 1), shapes=[((2, 3),)], domain=(0.5, 2.0)),
    OpSpec("matrix_norm_inf", lambda lib, a: lib.linalg.norm(a, float("inf"), dim=(0, 1), keepdim=True),
           shapes=[((2, 3),)], domain=(0.5, 2.0)),
    OpSpec("matrix_norm_nuc", lambda lib, a: lib.linalg.norm(a, "nuc"), shapes=[((2, 3),), ((3, 3),)],
           make=distinct_singular_values),
    OpSpec("matrix_norm_2", lambda lib, a: lib.linalg.matrix_norm(a, 2), shapes=[((2, 3, 3),)],
           make=distinct_singular_values),
    OpSpec("vector_norm", lambda lib, a: lib.linalg.vector_norm(a, 3, dim=-1), shapes=[((2, 3),), ((3,),)],
           domain=(0.5, 2.0)),
]
