"""Distances: torch.cdist (every pair of rows of two batches of matrices) and torch.dist (the
p-norm of a difference), each beside its gradient.

cdist takes ATen's two routes. The direct one (CdistBackward0) adds up |x1_k - x2_k|^p column
by column, in the input's dtype and in that order, as ATen's kernel does for each pair. For p = 2
with more than 25 rows on either side (or ``compute_mode='use_mm_for_euclid_dist'``) ATen
instead writes the squared distance as one matrix product, ``|x|^2 - 2 x.y + |y|^2``
(EuclideanDistBackward0 under a ViewBackward0): faster, and with the rounding of that product.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from ..autograd.graph import record
from ..broadcasting import broadcast_shapes
from ..tensor import wrap
from ._util import C_TYPE_NAMES, _type_name, check_tensor, xp_of
from .reduction import vector_norm
from .registry import defop

# compute_mode's words, and the mode number ATen gives each
_COMPUTE_MODES = {"use_mm_for_euclid_dist_if_necessary": 0, "use_mm_for_euclid_dist": 1,
                  "donot_use_mm_for_euclid_dist": 2}
_MM_ROWS = 25   # more rows than this on either side, and p = 2 goes through the matrix product


@defop(method=False)
def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """The p-norm distance between each row of x1 (..., R1, M) and each row of x2 (..., R2, M):
    shape (..., R1, R2), the batch dims broadcast."""
    if compute_mode not in _COMPUTE_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    check_tensor(x1, "cdist", "x1", 1)
    check_tensor(x2, "cdist", "x2", 2)
    for name, x in (("X1", x1), ("X2", x2)):
        if x._data.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {x._data.ndim}D")
    if x1._data.shape[-1] != x2._data.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1._data.shape[-1]} "
                           f"X2: {x2._data.shape[-1]}")
    for name, x in (("X1", x1), ("X2", x2)):
        if not x.dtype.is_floating_point:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {_type_name(x.dtype)}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    mode = _COMPUTE_MODES[compute_mode]
    rows1, rows2 = x1._data.shape[-2], x2._data.shape[-2]
    by_product = p == 2 and (mode == 1 or (mode == 0 and (rows1 > _MM_ROWS or rows2 > _MM_ROWS)))
    if by_product and x1._data.size and x2._data.size:
        return _cdist_by_product(x1, x2)
    return _cdist_direct(x1, x2, float(p))


def _cdist_direct(x1, x2, p):
    """ATen's _cdist_forward: each distance summed column by column in the input's dtype."""
    if x1._data.dtype == np.float16:
        raise NotImplementedError("\"cdist\" not implemented for 'Half'")
    if x1.dtype is not x2.dtype:
        raise RuntimeError(f"expected scalar type {_type_name(x1.dtype)} but found {_type_name(x2.dtype)}")
    xp = xp_of(x1)
    batch = broadcast_shapes(x1._data.shape[:-2], x2._data.shape[:-2])
    a = xp.broadcast_to(x1._data, batch + x1._data.shape[-2:])[..., :, None, :]
    b = xp.broadcast_to(x2._data, batch + x2._data.shape[-2:])[..., None, :, :]
    dtype = x1._data.dtype
    total = xp.zeros(batch + (a.shape[-3], b.shape[-2]), dtype=dtype)
    for k in range(a.shape[-1]):   # one column at a time: the kernel's order of addition
        gap = xp.abs(a[..., k] - b[..., k])
        if p == 0:
            total += (gap != 0).astype(dtype)
        elif p == math.inf:
            total = xp.maximum(total, gap)
        else:
            total += gap if p == 1 else gap * gap if p == 2 else gap ** dtype.type(p)
    if p not in (0, 1, math.inf):
        total = xp.sqrt(total) if p == 2 else total ** dtype.type(1 / p)
    result = wrap(total)
    return record(result, "CdistBackward0", (x1, x2), _cdist_vjp(p), saved=(x1, x2, result))


def _cdist_vjp(p):
    def vjp(g, x1, x2, result):
        weight = _pairwise_weight(x1.unsqueeze(-2) - x2.unsqueeze(-3), result.unsqueeze(-1), g.unsqueeze(-1), p)
        return weight.sum(-2), -weight.sum(-3)
    return vjp


def _pairwise_weight(diff, dist, g, p):
    """d dist / d diff times the incoming gradient, as ATen's _cdist_backward computes it (a zero
    distance, or for p < 2 a zero difference, contributes nothing)."""
    if p == 0:
        return diff * 0
    if p == 1:
        return g * diff.sign()
    if p == math.inf:
        return g * diff.sign() * (diff.abs() == dist)
    nonzero = dist != 0
    safe_dist = dist + (~nonzero)
    if p == 2:
        return g * diff / safe_dist * nonzero
    if p < 2:
        keep = (diff != 0) & (nonzero if p < 1 else True)
        return diff.sign() * (diff.abs() + (diff == 0)) ** (p - 1) * g / safe_dist ** (p - 1) * keep
    return diff * diff.abs() ** (p - 2) * g / safe_dist ** (p - 1) * nonzero


def _cdist_by_product(x1, x2):
    """ATen's route for p = 2 through one matrix product per batch element: the batch dims
    broadcast and flattened into one, the distances viewed back to them."""
    (rows1, cols), rows2 = x1._data.shape[-2:], x2._data.shape[-2]
    if x1._data.ndim == 2 and x2._data.ndim == 2:
        return _euclidean_dist(x1, x2).view(rows1, rows2)
    batch = broadcast_shapes(x1._data.shape[:-2], x2._data.shape[:-2])
    flat = math.prod(batch)
    a = x1.expand(*batch, rows1, cols).contiguous().view(flat, rows1, cols)
    b = x2.expand(*batch, rows2, cols).contiguous().view(flat, rows2, cols)
    return _euclidean_dist(a, b).view(*batch, rows1, rows2)


def _euclidean_dist(x1, x2):
    """sqrt(|x1|^2 - 2 x1.x2 + |x2|^2) for every pair of rows, as ATen's _euclidean_dist writes it:
    [-2 x1, |x1|^2, 1] @ [x2, 1, |x2|^2]^T, clamped at 0 (EuclideanDistBackward0)."""
    a, b = x1._data, x2._data
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {C_TYPE_NAMES[x1.dtype.name]} "
                           f"!= {C_TYPE_NAMES[x2.dtype.name]}")
    xp = xp_of(x1)
    norms1, norms2 = (xp.sum(m * m, axis=-1, keepdims=True) for m in (a, b))
    left = xp.concatenate([a * a.dtype.type(-2), norms1, xp.ones_like(norms1)], axis=-1)
    right = xp.concatenate([b, xp.ones_like(norms2), norms2], axis=-1)
    squared = xp.matmul(left, xp.swapaxes(right, -1, -2))
    result = wrap(xp.sqrt(xp.maximum(squared, 0)))
    return record(result, "EuclideanDistBackward0", (x1, x2), _euclidean_dist_vjp, saved=(x1, x2, result))


def _euclidean_dist_vjp(g, x1, x2, result):
    ratio = g / (result + (result == 0)) * (result != 0)   # a zero distance takes the zero subgradient
    return (x1 * ratio.sum(-1, keepdim=True) - ratio.matmul(x2),
            x2 * ratio.sum(-2).unsqueeze(-1) - ratio.mT.matmul(x1))


@defop()
def dist(input, other, p=2):
    """The p-norm of ``input - other`` (broadcast), a 0-d tensor (DistBackward0)."""
    check_tensor(other, "dist", "other", 2)
    if not isinstance(p, numbers.Number) or isinstance(p, bool):
        raise TypeError(f"dist(): argument 'p' (position 3) must be Number, not {type(p).__name__}")
    broadcast_shapes(input._data.shape, other._data.shape)   # PyTorch's words when they do not broadcast
    difference = input.detach() - other.detach()
    if not difference.dtype.is_floating_point:
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                           f"{_type_name(difference.dtype)} instead.")
    result = wrap(vector_norm(difference, p)._data)

    def vjp(g, input, other, result):
        grad = _norm_gradient(input - other, result, g, p)
        return grad, -grad
    return record(result, "DistBackward0", (input, other), vjp, saved=(input, other, result))


def _norm_gradient(x, norm, g, p):
    """d |x|_p / dx times g, as ATen's norm_backward: ties of the largest share an inf-norm's
    gradient; a zero norm has the zero subgradient."""
    if p == 0:
        return x * 0
    if p == 1:
        return g * x.sign()
    if p in (math.inf, -math.inf):
        mask = x.abs() == norm
        return x.sign() * g / mask.sum() * mask
    nonzero = norm != 0
    safe_norm = norm + (~nonzero)
    if p == 2:
        return x * g / safe_norm * nonzero
    if p < 2:
        return x.sign() * (x.abs() + (x == 0)) ** (p - 1) * (x != 0) * g / safe_norm ** (p - 1) * nonzero
    return x * x.abs() ** (p - 2) * g / safe_norm ** (p - 1) * nonzero
