"""Linear algebra: matmul and its cases (dot, mv, mm, bmm), outer, inverse and det, each beside
its gradient.

The products call the backend's matmul directly. ``matmul`` takes PyTorch's route through
dot / mv / mm / bmm (folding batches into mm where PyTorch does) only when the result
joins the graph, so that its grad_fn chain is PyTorch's; without autograd it is one call.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .. import dtypes
from ..autograd.grad_mode import no_grad
from ..autograd import graph as _graph
from ..autograd.graph import needs_grad, record, wants_gradient
from ..broadcasting import broadcast_shapes, broadcasts_to
from ..tensor import Tensor, _dim, wrap
from ._util import (C_TYPE_NAMES, _type_name, binary_arrays, check_structured_inplace, check_tensor, exact_dtype,
                    same_kind, transposed, write_out, xp_of)
from ._util import inplace as run_inplace
from .einsum_sublists import equation_of_sublists
from .pointwise import mul
from .shape import _unsafe_view
from .shape import t as matrix_transpose
from .registry import METHOD, defop


def _finish(result, out, fn, check=exact_dtype):
    if out is None:
        return result
    if needs_grad(result):
        raise _out_with_grad(fn)
    return write_out(out, result, check)


def _out_with_grad(fn):
    return RuntimeError(f"{fn}(): functions with out=... arguments don't support automatic differentiation, but "
                        "one of the arguments requires grad.")


def _dot_out(result_dtype, out_dtype):
    raise RuntimeError(f"result dtype {_type_name(out_dtype)} does not match input dtype {_type_name(result_dtype)}")


def _dims(shape):
    return "x".join(map(str, shape))


def _not_implemented(kernel, dtype):
    return NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(dtype)}\'')


# -- the four products matmul is made of ---------------------------------------------------------

@defop()
def dot(input, other, *, out=None):
    """The inner product of two 1-d tensors (DotBackward0)."""
    return _finish(_vector_product(input, other, "dot", "DotBackward0"), out, "dot", _dot_out)


@defop()
def vdot(input, other, *, out=None):
    """The inner product of two 1-d tensors, the first conjugated (the same for real dtypes)."""
    return _finish(_vector_product(input, other, "vdot", "VdotBackward0"), out, "vdot", _dot_out)


def _vector_product(input, other, name, node):
    """dot and vdot of real tensors: the checks and errors PyTorch's dot makes, then the product."""
    check_tensor(input, name, "input", 1)
    check_tensor(other, name, "tensor" if name == "dot" else "other")
    a, b = input._data, other._data
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to "
                           f"have the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements "
                           "respectively")
    if a.dtype != b.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {_type_name(input.dtype)} "
                           f"and {_type_name(other.dtype)}")
    if a.dtype == np.bool_:
        raise _not_implemented("dot", input.dtype)
    if name == "vdot":   # sum(conj(input) * other): antiholomorphic in input, so its own rule
        result = wrap(xp_of(input).matmul(xp_of(input).conj(a), b))
        return record(result, node, (input, other), lambda g, input, other: (g.conj() * other, g * input),
                      saved=(input, other), holomorphic=False)
    result = wrap(xp_of(input).matmul(a, b))
    return record(result, node, (input, other), lambda g, input, other: (g * other, g * input), saved=(input, other))


@defop()
def mv(input, vec, *, out=None):
    """Matrix @ vector (MvBackward0)."""
    check_tensor(input, "mv", "input", 1)
    check_tensor(vec, "mv", "vec")
    a, v = input._data, vec._data
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}")
    _check_mv(a.shape, v.shape, input.dtype, vec.dtype)
    result = wrap(xp_of(input).matmul(a, v))
    record(result, "MvBackward0", (input, vec), lambda g, input, vec: (outer(g, vec), mv(input.t(), g)),
           saved=(input, vec))
    return _finish(result, out, "mv")


@defop()
def mm(input, mat2, *, out=None):
    """Matrix @ matrix (MmBackward0)."""
    check_tensor(input, "mm", "input", 1)
    check_tensor(mat2, "mm", "mat2")
    a, b = input._data, mat2._data
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _check_mm(a.shape, b.shape, input.dtype, mat2.dtype)
    result = wrap(xp_of(input).matmul(a, b))
    needed = (wants_gradient(input), wants_gradient(mat2))
    record(result, "MmBackward0", (input, mat2), lambda g, input, mat2: _mm_grads(g, input, mat2, needed),
           saved=(input, mat2), on_arrays=True)
    return _finish(result, out, "mm")


def _mm_grads(g, a, b, needed):
    """The gradients of a @ b (two matrices of one dtype, as mm checks) on Tensors or raw arrays;
    ``needed``: whether a and b require grad (a product nobody needs is not computed, as in PyTorch).
    The gradient of a factor stored column by column (a transposed matrix: linear's weight.t()) is
    the transpose of the product in the other order, as PyTorch's mm_mat1/mat2_backward compute it,
    so that it comes out in the factor's own layout: a weight's gradient is then row-major like the
    weight, and adds into its .grad in one contiguous pass instead of a strided one."""
    grad_a = grad_b = None
    if needed[0]:
        grad_a = transposed(_mm_either(b, transposed(g))) if _column_major(a) else _mm_either(g, transposed(b))
    if needed[1]:
        grad_b = transposed(_mm_either(transposed(g), a)) if _column_major(b) else _mm_either(transposed(a), g)
    return grad_a, grad_b


def _mm_either(x, y):
    """mm on Tensors (MmBackward0 when recorded), the array product on raw arrays."""
    return mm(x, y) if isinstance(x, Tensor) else x @ y


def _column_major(matrix):
    """PyTorch's test of a column-major matrix: strides (1, rows), as a transposed row-major one has."""
    data = getattr(matrix, "_data", matrix)   # a Tensor, or a raw array in a backward on arrays
    size = data.itemsize
    return data.strides[0] == size and data.strides[1] == data.shape[0] * size


# The checks of mv, mm and bmm on shapes and dtypes, shared with matmul's batched routes.

def _check_mv(mat, vec, mat_dtype, vec_dtype):
    """ATen's mv is addmv into a fresh result as long as mat's rows, of vec's dtype: addmv's checks."""
    if mat[1] != vec[0]:
        raise RuntimeError(f"size mismatch, got input ({mat[0]}), mat ({_dims(mat)}), vec ({vec[0]})")
    _check_addmv_dtypes(vec_dtype, mat_dtype, vec_dtype)
    if mat_dtype is dtypes.bool:
        raise _not_implemented("addmv_impl_cpu", mat_dtype)


def _check_addmv_dtypes(input_dtype, mat_dtype, vec_dtype):
    """One message for the three dtypes, whichever of them differs."""
    if not (input_dtype is mat_dtype is vec_dtype):
        names = ", ".join(map(_type_name, (input_dtype, mat_dtype))) + ", and " + _type_name(vec_dtype)
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {names}")


def _check_mm(a, b, a_dtype, b_dtype):
    if a[1] != b[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_dims(a)} and {_dims(b)})")
    if a_dtype is not b_dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {C_TYPE_NAMES[a_dtype.name]} != "
                           f"{C_TYPE_NAMES[b_dtype.name]}")
    if a_dtype is dtypes.bool:
        raise _not_implemented("addmm_impl_cpu_", a_dtype)


def _check_bmm(a, b, a_dtype, b_dtype):
    _check_bmm_sizes(a, b)
    if a_dtype is not b_dtype:
        raise _scalar_type_mismatch(a_dtype, b_dtype)
    if a_dtype is dtypes.bool:
        raise _not_implemented("bmm", a_dtype)


def _check_bmm_dims(batch1, batch2):
    if batch1.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if batch2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")


def _check_bmm_sizes(a, b):
    if b[:2] != (a[0], a[2]):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{a[0]}, {a[2]}] but "
                           f"got: [{b[0]}, {b[1]}].")


def _scalar_type_mismatch(expected, found):
    """The words of a batched-product kernel that reads a tensor of another dtype than the one it dispatched on."""
    return RuntimeError(f"expected scalar type {_type_name(expected)} but found {_type_name(found)}")




@defop()
def bmm(input, mat2, *, out=None):
    """Batched matrix @ matrix of two 3-d tensors with equal batch sizes (BmmBackward0)."""
    check_tensor(input, "bmm", "input", 1)
    check_tensor(mat2, "bmm", "mat2")
    a, b = input._data, mat2._data
    _check_bmm_dims(a, b)
    _check_bmm(a.shape, b.shape, input.dtype, mat2.dtype)
    result = wrap(xp_of(input).matmul(a, b))
    record(result, "BmmBackward0", (input, mat2),
           lambda g, input, mat2: (bmm(g, mat2.transpose(1, 2)), bmm(input.transpose(1, 2), g)),
           saved=(input, mat2))
    return _finish(result, out, "bmm")


# -- matmul ---------------------------------------------------------------------------------------

@defop()
def matmul(input, other, *, out=None):
    """The matrix product with NumPy's (and PyTorch's) rules for 1-d operands and batch broadcasting."""
    check_tensor(input, "matmul", "input", 1)
    check_tensor(other, "matmul")
    a, b = input._data, other._data
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D")
    if a.ndim <= 2 and b.ndim <= 2:
        result = _small_matmul(input, other)
    elif needs_grad(input, other):
        result = _batched_matmul(input, other)
    else:   # no graph to build: one call to the backend, after PyTorch's checks
        _check_batched(input, other)
        result = wrap(xp_of(input).matmul(a, b))
    return _finish(result, out, "matmul")


def _small_matmul(input, other):
    """1-d and 2-d operands: dot, mv, mm, or a row vector through mm (SqueezeBackward4 over MmBackward0)."""
    na, nb = input._data.ndim, other._data.ndim
    if na == 1 and nb == 1:
        return dot(input, other)
    if na == 2 and nb == 1:
        return mv(input, other)
    if na == 2:
        return mm(input, other)
    product = mm(input.unsqueeze(0), other)
    return record(wrap(product._data[0]), "SqueezeBackward4", (product,), lambda g: (g.unsqueeze(0),))


def _check_batched(input, other):
    """The errors PyTorch's route for 3-d and more raises (folded into mm / mv, or through bmm),
    checked on shapes alone."""
    a, b = input._data, other._data
    if _should_fold(input, other):
        if b.ndim > a.ndim:
            big, small = b.shape[:-2] + b.shape[-1:] + b.shape[-2:-1], a.shape[::-1] if a.ndim == 2 else a.shape
        else:
            big, small = a.shape, b.shape
        folded = (int(np.prod(big[:-1])), big[-1])
        check = _check_mm if len(small) == 2 else _check_mv
        return check(folded, small, input.dtype, other.dtype) if b.ndim <= a.ndim else \
            check(folded, small, other.dtype, input.dtype)
    batch = broadcast_shapes(a.shape[:-2], b.shape[:-2])
    count = int(np.prod(batch))
    n, m1 = (a.shape[-2] if a.ndim > 1 else 1), a.shape[-1]
    m2, p = (b.shape[-2], b.shape[-1]) if b.ndim > 1 else (b.shape[0], 1)
    _check_bmm((count, n, m1), (count, m2, p), input.dtype, other.dtype)


def _should_fold(input, other):
    """PyTorch folds the batch dims of the larger operand into mm/mv when the smaller one is a
    vector or matrix and it needs no copy (or the smaller one requires grad)."""
    larger_first = input._data.ndim >= other._data.ndim
    big = input._data if larger_first else other._data.swapaxes(-1, -2)
    small_ndim = other._data.ndim if larger_first else input._data.ndim
    if big.ndim < 3 or small_ndim > 2:
        return False
    if (other if larger_first else input)._requires_grad:
        return True
    if input._data.ndim == 2:
        return False
    if big.size == 0:
        return True
    strides, shape = big.strides, big.shape
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(big.ndim - 2))


def _batched_matmul(input, other):
    """ATen's _matmul_impl for 3-d and more, op by op, so the graph has PyTorch's nodes."""
    _check_batched(input, other)
    na, nb = input._data.ndim, other._data.ndim
    if _should_fold(input, other):
        transpose = nb > na
        big = other.mT if transpose else input
        small = (input.t() if na == 2 else input) if transpose else other
        out_shape = big.shape[:-1] + ((small.shape[1],) if small.ndim == 2 else ())
        folded = big.reshape(-1, big.shape[-1])
        if small.ndim == 2:
            output = _unsafe_view(mm(folded, small), out_shape)
            return output.mT.contiguous() if transpose else output
        return _unsafe_view(mv(folded, small), out_shape)
    if na == 3 and nb == 3 and input.shape[0] != other.shape[0]:
        if input.shape[0] == 1 and input._requires_grad:
            return matmul(input.squeeze(0), other)
        if other.shape[0] == 1 and other._requires_grad:
            return matmul(input, other.squeeze(0))
    n = input.shape[-2] if na > 1 else 1
    m1 = input.shape[-1]
    m2, p = (other.shape[-2], other.shape[-1]) if nb > 1 else (other.shape[0], 1)
    batch = broadcast_shapes(tuple(input.shape[:-2]), tuple(other.shape[:-2]))
    count = int(np.prod(batch))
    left = input.expand(*batch, n, m1).reshape(count, n, m1)
    if nb == 1:
        right = other.expand(*batch, m2).reshape(count, m2).unsqueeze(2)
    else:
        right = other.expand(*batch, m2, p).reshape(count, m2, p)
    out_shape = batch + ((n,) if na > 1 else ()) + ((p,) if nb > 1 else ())
    product = bmm(left, right)
    return _unsafe_view(product.squeeze(-1) if nb == 1 else product, out_shape)


Tensor.__matmul__ = lambda self, other: matmul(self, other) if isinstance(other, Tensor) else NotImplemented
Tensor.__rmatmul__ = lambda self, other: matmul(other, self) if isinstance(other, Tensor) else NotImplemented


@defop("ger")
def outer(input, vec2, *, out=None):
    """The outer product of two 1-d tensors: input.reshape(-1, 1) * vec2, as PyTorch computes it."""
    check_tensor(input, "outer", "input", 1)
    check_tensor(vec2, "outer", "vec2")
    for name, t in (("self", input), ("vec2", vec2)):
        if t._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t._data.ndim}-D")
    return mul(input.reshape(-1, 1), vec2, out=out)


# -- chains of products: multi_dot and the deprecated chain_matmul ---------------------------------

@defop(method=False, namespace="torch.linalg")
def multi_dot(tensors, *, out=None):
    """The product of a list of matrices (the first may be a row vector, the last a column
    vector), multiplied in the order that costs the fewest multiplications, as ATen chooses it."""
    count = len(tensors)
    if count < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {count}")
    matrices, shape = _as_chain(list(tensors))
    if count == 2:
        product = mm(*matrices)
    elif count == 3:
        a, b, (c, d) = matrices[0].shape[0], matrices[1].shape[0], matrices[2].shape
        first_pair_cost, last_pair_cost = a * c * (b + d), b * d * (a + c)
        product = (mm(matrices[0], mm(matrices[1], matrices[2])) if first_pair_cost > last_pair_cost
                   else mm(mm(matrices[0], matrices[1]), matrices[2]))
    else:
        product = _chain_product(matrices, _cheapest_splits(matrices), 0, count - 1)
    return _finish(product.view(shape), out, "linalg_multi_dot")


def _as_chain(tensors):
    """The tensors as matrices (a 1-d first one a row, a 1-d last one a column), after ATen's
    checks, and the shape of their product."""
    first, last = tensors[0], tensors[-1]
    for position, t in (("first", first), ("last", last)):
        if t._data.ndim not in (1, 2):
            raise RuntimeError(f"multi_dot(): the {position} tensor must be 1D or 2D but got {t._data.ndim}D")
    matrices = [first.unsqueeze(0) if first._data.ndim == 1 else first, *tensors[1:-1],
                last.unsqueeze(-1) if last._data.ndim == 1 else last]
    shape = ([first.shape[0]] if first._data.ndim == 2 else []) + ([last.shape[1]] if last._data.ndim == 2 else [])
    for i, t in enumerate(tensors[1:-1], 1):
        if t._data.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t._data.ndim}D")
    for i in range(1, len(matrices)):
        if matrices[i].dtype is not matrices[0].dtype:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                               f"{C_TYPE_NAMES[matrices[0].dtype.name]} and tensor {i} "
                               f"{C_TYPE_NAMES[matrices[i].dtype.name]}")
        if matrices[i - 1].shape[-1] != matrices[i].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i - 1} and {i} with shapes {list(tensors[i - 1].shape)} and "
                               f"{list(tensors[i].shape)} cannot be multiplied")
    return matrices, shape


def _cheapest_splits(matrices):
    """split[i][j]: where the product of matrices i..j splits in the cheapest order (the textbook
    dynamic programme, ties kept at the first split, as ATen's matrix_chain_order)."""
    n = len(matrices)
    sizes = [m.shape[0] for m in matrices] + [matrices[-1].shape[1]]
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = math.inf
            for k in range(i, j):
                candidate = cost[i][k] + cost[k + 1][j] + sizes[i] * sizes[k + 1] * sizes[j + 1]
                if candidate < cost[i][j]:
                    cost[i][j], split[i][j] = candidate, k
    return split


def _chain_product(matrices, split, i, j):
    if i == j:
        return matrices[i]
    k = split[i][j]
    return mm(_chain_product(matrices, split, i, k), _chain_product(matrices, split, k + 1, j))


_chain_matmul_warned = []   # ATen warns once per process


@defop(method=False)
def chain_matmul(*matrices, out=None):
    """The product of matrices given as arguments (deprecated: torch.linalg.multi_dot takes a list)."""
    if not _chain_matmul_warned:
        _chain_matmul_warned.append(True)
        warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
                      "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than "
                      "multiple parameters. (Triggered internally at "
                      "/__w/pytorch/pytorch/aten/src/ATen/native/LinearAlgebra.cpp:1102.)", UserWarning, stacklevel=2)
    for m in matrices:
        if m._data.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m._data.ndim}, expected 2 instead.")
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    if len(matrices) == 1:
        return _finish(matrices[0].clone(), out, "chain_matmul")
    return multi_dot(matrices, out=out)


# -- inverse and determinant ----------------------------------------------------------------------

class _LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a matrix that is singular where an inverse is needed."""


_LinAlgError.__module__ = "torch._C"


def _square_matrices(input, fn):
    if input._data.ndim < 2:
        raise RuntimeError(f"linalg.{fn}: The input tensor A must have at least 2 dimensions.")
    rows, cols = input._data.shape[-2:]
    if rows != cols:
        raise RuntimeError(f"linalg.{fn}: A must be batches of square matrices, but they are {rows} by {cols} "
                           "matrices")
    if not dtypes.floating_or_complex(input.dtype):
        raise RuntimeError(f"linalg.{fn}: Expected a floating point or complex tensor as input. Got "
                           f"{_type_name(input.dtype)}")


def _first_zero_pivot(matrix):
    """The 1-based index of LAPACK getrf's first zero pivot (LU with partial pivoting), or None."""
    a = np.array(matrix, dtype=np.float64)
    n = a.shape[0]
    for k in range(n):
        p = k + int(np.argmax(np.abs(a[k:, k])))
        if a[p, k] == 0:
            return k + 1
        a[[k, p]] = a[[p, k]]
        a[k + 1:, k:] -= np.outer(a[k + 1:, k] / a[k, k], a[k, k:])
    return None


def _singular_error(x):
    """PyTorch's message for the first singular matrix of a (batch of) matrices."""
    flat = np.asarray(x.get() if hasattr(x, "get") else x).reshape(-1, *x.shape[-2:])
    for i, matrix in enumerate(flat):
        pivot = _first_zero_pivot(matrix)
        if pivot is not None:
            where = f"(Batch element {i}): " if x.ndim > 2 else ""
            return _LinAlgError(f"linalg.inv: {where}The diagonal element {pivot} is zero, the inversion could not "
                                "be completed because the input matrix is singular.")
    return _LinAlgError("linalg.inv: The input matrix is singular.")


@defop()
def inverse(input, *, out=None):
    """The inverse of a square matrix or a batch of them (LinalgInvExBackward0)."""
    _square_matrices(input, "inv")
    x = input._data
    xp = xp_of(input)
    try:
        data = xp.linalg.inv(x) if x.size else x.copy()
    except np.linalg.LinAlgError:
        raise _singular_error(x) from None
    if xp is not np and not bool(xp.isfinite(data).all()):   # backends that do not raise on singular input
        raise _singular_error(x)
    result = wrap(data.astype(x.dtype, copy=False))

    def vjp(g, result):
        inv_t = result.mT
        return (-matmul(matmul(inv_t, g), inv_t),)
    return _finish(record(result, "LinalgInvExBackward0", (input,), vjp, saved=(result,)), out, "inverse")


@defop()
def det(input):
    """The determinant of a square matrix or a batch of them (LinalgDetBackward0)."""
    _square_matrices(input, "det")
    x = input._data
    xp = xp_of(input)
    result = wrap(xp.asarray(xp.linalg.det(x) if x.shape[-1] else xp.ones(x.shape[:-2]), dtype=x.dtype))

    def vjp(g, input, result):   # d det(A) / dA = det(A) * inv(A)^T
        scale = (g * result).unsqueeze(-1).unsqueeze(-1)
        if bool((result._data == 0).any()):
            # a singular matrix has no inverse: PyTorch's gradient is det(A) (zero) times a finite
            # stand-in for it, so zero; the pseudo-inverse is that stand-in here (not differentiated)
            return (scale * wrap(xp_of(input).linalg.pinv(input._data)).mT,)
        return (scale * inverse(input).mT,)
    return record(result, "LinalgDetBackward0", (input,), vjp, saved=(input, result))


# -- trace, cross, tensordot, einsum ---------------------------------------------------------------

@defop()
def trace(input):
    """The sum of a matrix's diagonal (integers sum in int64)."""
    x = input._data
    if x.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {x.ndim}")
    rt = x.dtype if x.dtype.kind in "fc" else np.int64
    shape = x.shape
    result = wrap(xp_of(input).asarray(xp_of(input).trace(x, dtype=rt)))

    def vjp(g):
        eye = wrap(xp_of(g).eye(*shape, dtype=g._data.dtype))
        return (g * eye,)
    return record(result, "TraceBackward0", (input,), vjp)


def _cross(input, other, d):
    """The cross product along dim d of two broadcast tensors (LinalgCrossBackward0)."""
    a, b, _ = binary_arrays(input, other)
    xp = xp_of(input)
    result = wrap(xp.cross(xp.moveaxis(a, d, -1), xp.moveaxis(b, d, -1)))
    result._data = xp.moveaxis(result._data, -1, d)
    return record(result, "LinalgCrossBackward0", (input, other),
                  lambda g, input, other: (_cross(other, g, d), _cross(g, input, d)), saved=(input, other))


def _cross_dim(input, other, dim, fn):
    check_tensor(input, fn, "input", 1)
    check_tensor(other, fn)
    a, b = input._data.shape, other._data.shape
    if len(a) != len(b):
        raise RuntimeError(f"{fn}: inputs must have the same number of dimensions.")
    shape = broadcast_shapes(a, b)
    d = _dim(dim, len(shape))
    if a[d] != 3 or b[d] != 3:
        raise RuntimeError(f"{fn}: inputs dimension {dim} must have length 3. Got {a[d]} and {b[d]}")
    return d


def linalg_cross(input, other, *, dim=-1, out=None):
    """torch.linalg.cross: the cross product along ``dim`` (size 3), broadcasting the other dims."""
    return _finish(_cross(input, other, _cross_dim(input, other, dim, "linalg.cross")), out, "cross")


@defop()
def cross(input, other, dim=None, *, out=None):
    """The cross product along ``dim``; without it, along the first dim of size 3 (deprecated)."""
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release. (Triggered internally at "
                      "/__w/pytorch/pytorch/aten/src/ATen/native/Cross.cpp:63.)", UserWarning, stacklevel=2)
        shape = broadcast_shapes(input._data.shape, other._data.shape)
        dim = next((i for i, s in enumerate(shape) if s == 3), -1)
    return _finish(_cross(input, other, _cross_dim(input, other, dim, "linalg.cross")), out, "cross")


@defop()
def inner(input, other, *, out=None):
    """The sums of products over the last dim of both (a 0-d operand scales the other)."""
    check_tensor(input, "inner", "input", 1)
    check_tensor(other, "inner", "other")
    if input._data.ndim == 0 or other._data.ndim == 0:
        return mul(input, other, out=out)
    if input._data.shape[-1] != other._data.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"[{', '.join(map(str, input._data.shape))}] and [{', '.join(map(str, other._data.shape))}]")
    return _finish(tensordot(input, other, dims=([-1], [-1])), out, "inner")


@defop()
def kron(input, other, *, out=None):
    """The Kronecker product: every element of input times the whole of other, laid out in blocks."""
    check_tensor(input, "kron", "input", 1)
    check_tensor(other, "kron", "other")
    nd = max(input._data.ndim, other._data.ndim)
    a_shape = (1,) * (nd - input._data.ndim) + input._data.shape
    b_shape = (1,) * (nd - other._data.ndim) + other._data.shape
    a = input.reshape(*(s for size in a_shape for s in (size, 1)))   # a's dims interleaved with b's
    b = other.reshape(*(s for size in b_shape for s in (1, size)))
    return _finish(_unsafe_view(a * b, tuple(x * y for x, y in zip(a_shape, b_shape))), out, "kron")


@defop(method=False)
def tensordot(a, b, dims=2, out=None):
    """Contract the last ``dims`` dims of a with the first of b, or the dims in the pair of lists ``dims``."""
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    dims_a = [_dim(d, a.ndim) for d in dims_a]
    dims_b = [_dim(d, b.ndim) for d in dims_b]
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    for da, db in zip(dims_a, dims_b):
        if a.shape[da] != b.shape[db]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[da]} in dim "
                               f"{da} and second has size {b.shape[db]} in dim {db}")
    free_a = [d for d in range(a.ndim) if d not in dims_a]
    free_b = [d for d in range(b.ndim) if d not in dims_b]
    k = math.prod(a.shape[d] for d in dims_a)
    left = a.permute(free_a + dims_a).reshape(-1, k)
    right = b.permute(dims_b + free_b).reshape(k, -1)
    result = mm(left, right).reshape([a.shape[d] for d in free_a] + [b.shape[d] for d in free_b])
    return result if out is None else write_out(out, result)


@defop(method=False)
def einsum(equation, *operands):
    """Sum of products over the subscripts of ``equation`` ('ij,jk->ik'; '...' for leading dims):
    each operand's own diagonals and sums first, then pairwise contractions through bmm. The sublist
    form, ``einsum(a, [0, 1], b, [1, 2], [0, 2])``, is read as PyTorch reads it."""
    if isinstance(equation, Tensor):
        equation, operands = equation_of_sublists((equation,) + operands)
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    inputs, output = _parse_einsum(equation.replace(" ", ""), operands)
    # letters an operand shares with nothing else are summed away first
    terms = []
    for i, (t, letters) in enumerate(zip(operands, inputs)):
        t, letters = _einsum_diagonals(t, letters)
        others = set(output).union(*(inputs[j] for j in range(len(inputs)) if j != i))
        alone = [k for k, c in enumerate(letters) if c not in others]
        if alone:
            t = t.sum(alone)
            letters = [c for c in letters if c in others]
        terms.append((t, letters))
    t, letters = terms[0]
    for i, (u, u_letters) in enumerate(terms[1:], 1):
        later = set(output).union(*(terms[j][1] for j in range(i + 1, len(terms))))
        t, letters = _einsum_pair(t, letters, u, u_letters, later)
    order = [letters.index(c) for c in output]
    if order and (len(operands) == 1 or order != list(range(len(order)))):
        t = t.permute(order)
    return t


def _parse_einsum(equation, operands):
    """The letters of each operand and of the output, '...' replaced by one letter per dim."""
    lhs, arrow, rhs = equation.partition("->")
    specs = lhs.split(",")
    if len(specs) != len(operands):
        raise RuntimeError(f"einsum(): {len(specs)} operands were provided but {len(operands)} "
                           "operands were specified in the equation" if len(specs) > len(operands) else
                           "einsum(): more operands were provided than specified in the equation")
    ellipsis_dims = 0
    for spec, t in zip(specs, operands):
        if "..." in spec:
            ellipsis_dims = max(ellipsis_dims, t.ndim - len(spec.replace("...", "")))
    fill = [chr(0x100 + k) for k in range(ellipsis_dims)]   # private letters for the '...' dims

    def expand(spec, ndim=None):
        if "..." not in spec:
            return list(spec)
        head, tail = spec.split("...")
        n = ellipsis_dims if ndim is None else ndim - len(head) - len(tail)
        return list(head) + fill[ellipsis_dims - n:] + list(tail)

    inputs = []
    for spec, t in zip(specs, operands):
        letters = expand(spec, t.ndim)
        if len(letters) != t.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(letters)}) does not "
                               f"match the number of dimensions ({t.ndim}) for operand {len(inputs)}"
                               + ("" if "..." in spec else " and no ellipsis was given"))
        inputs.append(letters)
    seen = {}
    for i, (letters, t) in enumerate(zip(inputs, operands)):
        for c, n in zip(letters, t.shape):
            if seen.get(c, 1) not in (1, n) and n != 1:
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {i} which does not broadcast "
                                   f"with previously seen size {seen[c]}")
            seen[c] = n if seen.get(c, 1) == 1 else seen[c]
    if arrow:
        output = expand(rhs)
    else:
        counts = {}
        for letters in inputs:
            for c in letters:
                counts[c] = counts.get(c, 0) + 1
        output = fill + sorted(c for c, n in counts.items() if n == 1 and c not in fill)
    return inputs, output


def _einsum_diagonals(t, letters):
    """An operand with each repeated letter reduced to its diagonal (the letter kept once, last)."""
    letters = list(letters)
    while len(set(letters)) != len(letters):
        c = next(c for c in letters if letters.count(c) > 1)
        i = letters.index(c)
        j = letters.index(c, i + 1)
        t = t.diagonal(0, i, j)
        letters = [x for k, x in enumerate(letters) if k not in (i, j)] + [c]
    return t, letters


def _einsum_pair(a, la, b, lb, later):
    """a and b contracted over the letters they share that nothing later needs (a bmm of
    (batch, a's own, shared) by (batch, shared, b's own))."""
    batch = [c for c in la if c in lb and c in later]
    summed = [c for c in la if c in lb and c not in later]
    left = [c for c in la if c not in lb]
    right = [c for c in lb if c not in la]
    size = {c: s for letters, t in ((la, a), (lb, b)) for c, s in zip(letters, t.shape) if s != 1}

    if not summed:   # nothing to contract: a broadcast product, as PyTorch does it
        letters = la + [c for c in lb if c not in la]
        def placed(t, own):
            t = t.permute([own.index(c) for c in own if c in letters]) if t.ndim else t
            present = [c for c in letters if c in own]
            return t.reshape([t.shape[present.index(c)] if c in own else 1 for c in letters])
        return placed(a, la) * placed(b, lb), letters

    def arranged(t, own, groups):
        order = [c for g in groups for c in g]
        if order:
            t = t.permute([own.index(c) for c in order])
            t = t.expand([size.get(c, 1) for c in order])
        return t.reshape([math.prod(size.get(c, 1) for c in g) for g in groups])
    product = bmm(arranged(a, la, (batch, left, summed)), arranged(b, lb, (batch, summed, right)))
    letters = batch + left + right
    return product.reshape([size.get(c, 1) for c in letters]), letters


# -- products added to a tensor: beta * input + alpha * (product) ----------------------------------

def _add_product(name, node, arg_names, product, product_grads, prepare, promotes=False, on_arrays=False,
                 output=None):
    """addmm, addmv, addr, baddbmm, addbmm: ``beta * input + alpha * product(a, b)``, input
    broadcast to the product's shape (beta = 0 ignores it, NaN and all). Only addr promotes
    input's dtype with the product's; the others' result has the product's dtype.
    product_grads(g, a, b, needed): the gradients of a and b, ``needed`` saying which of them
    require grad (one that does not may be None). on_arrays: product_grads runs on raw arrays too.
    prepare(input, a, b, out): the op's own checks, which ATen makes before the product's, in its
    order (out: the out= tensor, or None); it returns the three tensors the sum is made of.
    output(a, b): the shape and dtype of the result that a structured kernel's meta function
    computes, which its in-place form checks self against (addmv_, baddbmm_)."""
    def check_arguments(input, a, b):
        check_tensor(input, name, "input", 1)
        check_tensor(a, name, arg_names[0], 2)
        check_tensor(b, name, arg_names[1], 3)

    def op(input, a, b, *, beta=1, alpha=1, out=None):
        check_arguments(input, a, b)
        if out is not None:
            _check_out_argument(name, out, input, a, b)
        input, a, b = prepare(input, a, b, out)
        with no_grad():
            prod = product(a, b)   # the product's own checks (shapes, dtypes of a and b)
        if not broadcasts_to(input._data.shape, prod._data.shape):
            input.expand(*prod.shape)   # expand's message when input does not broadcast
        result = _sum_with_product(input, prod, beta, alpha, dtypes.result_type(input, prod) if promotes else
                                   prod.dtype)
        needed = (wants_gradient(a), wants_gradient(b))

        def vjp(g, a, b):
            grad_a, grad_b = product_grads(g, a, b, needed)
            return _scaled(g, beta), _scaled(grad_a, alpha), _scaled(grad_b, alpha)
        return _finish(record(result, node, (input, a, b), vjp, saved=(a, b), on_arrays=on_arrays), out, name,
                       same_kind if promotes else exact_dtype)   # (addr's out=, as TensorIterator's, may cast)

    def op_(self, a, b, *, beta=1, alpha=1):
        check_arguments(self, a, b)
        prepare(self, a, b, None)
        check_structured_inplace(self, *output(a, b))
        return run_inplace(self, op, a, b, beta=beta, alpha=alpha)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"beta * input + alpha * {product.__name__}({', '.join(arg_names)}), input broadcast to the product."
    op_.__name__ = op_.__qualname__ = name + "_"
    op_.__doc__ = f"In-place version of :func:`{name}`."
    exported_inplace = ("addmv_",) if name == "addmv" else ()   # the one torch function among them
    return defop(name=name, inplace=METHOD if output is None else op_, exported_inplace=exported_inplace)(op)


def _check_out_argument(fn, out, *inputs):
    """What PyTorch checks of out= before any kernel's checks: that it is a Tensor (its argument
    parser), then that no argument requires grad (its autograd layer)."""
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    if needs_grad(out, *inputs):
        raise _out_with_grad(fn)


def _check_out_dtype(out, dtype):
    """A structured kernel's check of out= against the dtype its meta function gives the result."""
    if out is not None and out.dtype is not dtype:
        exact_dtype(dtype, out.dtype)


def _sum_with_product(input, prod, beta, alpha, dtype):
    """beta * input + alpha * prod in ``dtype``, input broadcast to the product's shape (beta = 0
    ignores it). In the common case, linear's (beta = alpha = 1, one dtype), input is added into the
    product's own fresh array, where a new one would be a second pass over memory: the same sums, one
    allocation fewer.
    (Not while a forward_ad level is open: there the product carries a tangent of its own.)"""
    data = prod._data
    if (beta.__class__ is int and beta == 1 and alpha.__class__ is int and alpha == 1
            and data.__class__ is np.ndarray and data.dtype == input._data.dtype and data.flags.owndata
            and data.flags.writeable and _graph.forward_mode is None):
        data += input._data
        return prod
    # (NumPy broadcasts input to the product's shape in the sum)
    data = _scaled(data, alpha) if beta == 0 else _scaled(input._data, beta) + _scaled(data, alpha)
    return wrap(xp_of(input).asarray(data, dtype=dtype.np))


def _scaled(x, factor):
    """x * factor, and x itself for a factor of 1 (PyTorch's maybe_multiply: no pass over the data,
    and no MulBackward0 in a graph of the backward)."""
    return x if factor == 1 or x is None else x * factor


def _matrix_product(mat1, mat2):
    """addmm's product: mm's checks and its array, with none of the recording mm would do (addmm
    records the whole sum itself): linear's forward, every layer of every step."""
    a, b = mat1._data, mat2._data
    for arg, data in (("mat1", a), ("mat2", b)):
        if data.ndim != 2:
            raise RuntimeError(f"{arg} must be a matrix, got {data.ndim}-D tensor")
    _check_mm(a.shape, b.shape, mat1.dtype, mat2.dtype)
    return wrap(xp_of(mat1).matmul(a, b))


def _batches_summed(batch1, batch2):
    return bmm(batch1, batch2).sum(0, dtype=batch2.dtype)   # (sum's own would widen small integers)


def _baddbmm_product(batch1, batch2):
    """baddbmm's product in batch2's dtype, the result's. ATen's kernel returns before its dtype
    checks when the result is empty or its sums are (of no term): their dtypes may differ then."""
    a, b = batch1._data, batch2._data
    if a.shape[2] == 0 or 0 in (a.shape[0], a.shape[1], b.shape[2]):
        return wrap(xp_of(batch1).matmul(a, b).astype(b.dtype, copy=False))
    if batch1.dtype is dtypes.bool:   # the kernel dispatches on batch1's dtype, then reads batch2 as it
        raise _not_implemented("baddbmm", batch1.dtype)
    if batch1.dtype is not batch2.dtype:
        raise _scalar_type_mismatch(batch1.dtype, batch2.dtype)
    return wrap(xp_of(batch1).matmul(a, b))


def _check_addmm_dtypes(input, mat1, mat2):
    """ATen's addmm compares input's dtype and then mat1's with mat2's, before any shape."""
    for arg, t in (("self", input), ("mat1", mat1)):
        if t.dtype is not mat2.dtype:
            raise RuntimeError(f"{arg} and mat2 must have the same dtype, but got {_type_name(t.dtype)} and "
                               f"{_type_name(mat2.dtype)}")


# Each op's checks before its product's, in ATen's order (the prepare of _add_product).

def _prepare_addmm(input, mat1, mat2, out):
    _check_addmm_dtypes(input, mat1, mat2)
    return input, mat1, mat2


def _prepare_addr(input, vec1, vec2, out):
    return input, vec1, vec2   # addr checks what its product, outer, checks; it promotes the dtypes


def _prepare_addmv(input, mat, vec, out):
    """addmv's meta function: the dimensions, the sizes (input as long as mat's rows, or of one
    element), the three dtypes in one message, then out's against the result's (vec's)."""
    i, m, v = input._data, mat._data, vec._data
    if not (m.ndim == 2 and v.ndim == 1 and i.ndim <= 1):
        raise RuntimeError(f"vector + matrix @ vector expected, got {i.ndim}, {m.ndim}, {v.ndim}")
    (rows, columns), count = m.shape, i.size
    if columns != v.shape[0] or (count != rows and count != 1):
        raise RuntimeError(f"size mismatch, got input ({input.size(0)}), mat ({rows}x{columns}), vec ({v.shape[0]})")
    _check_addmv_dtypes(input.dtype, mat.dtype, vec.dtype)
    _check_out_dtype(out, vec.dtype)
    return input, mat, vec


def _prepare_baddbmm(input, batch1, batch2, out):
    """baddbmm's meta function: input broadcasts to the result's shape, has batch1's dtype; the
    batches' shapes; then out's dtype against the result's, batch2's (the kernel compares batch1's
    with batch2's later, in _baddbmm_product)."""
    a, b = batch1._data.shape, batch2._data.shape
    if len(a) < 2 or len(b) < 3:
        batch1.size(0), batch1.size(1), batch2.size(2)   # size's IndexError: ATen reads them first
    shape = (a[0], a[1], b[2])
    if not broadcasts_to(input._data.shape, shape):
        input.expand(*shape)   # expand's message
    if input.dtype is not batch1.dtype:
        raise RuntimeError(f"Input dtypes must be the same, got: input {C_TYPE_NAMES[input.dtype.name]}, batch1: "
                           f"{C_TYPE_NAMES[batch1.dtype.name]}, batch2: {C_TYPE_NAMES[batch2.dtype.name]}")
    _check_bmm_dims(batch1._data, batch2._data)
    _check_bmm_sizes(a, b)
    _check_out_dtype(out, batch2.dtype)
    return input, batch1, batch2


def _prepare_addbmm(input, batch1, batch2, out):
    """addbmm's checks of the shapes: input broadcasts to the result's, the batches are 3-d, as many,
    their matrices multiply. ATen then copies input into the result (out, else a tensor of input's
    dtype) and adds each batch's product into it with addmm_: addmm's dtype checks, the result as
    its input. With no batch it adds nothing and checks no dtype: the empty batches take the result's."""
    a, b = batch1._data.shape, batch2._data.shape
    if len(a) < 2 or len(b) < 3:
        batch1.size(1), batch2.size(2)   # size's IndexError: ATen reads them first
    if not broadcasts_to(input._data.shape, (a[1], b[2])):
        input.expand(a[1], b[2])   # expand's message
    _check_bmm_dims(batch1._data, batch2._data)
    (count, rows, inner), (count2, inner2, columns) = a, b
    if count != count2:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {count} and {count2}")
    if inner != inner2:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({rows}x{inner} and {inner2}x{columns})")
    if out is not None:
        input = input.to(out.dtype)
    if count == 0:
        return input, batch1.to(input.dtype), batch2.to(input.dtype)
    _check_addmm_dtypes(input, batch1, batch2)
    if input.dtype is dtypes.bool:
        raise _not_implemented("addmm_impl_cpu_", input.dtype)
    return input, batch1, batch2


addmm = _add_product("addmm", "AddmmBackward0", ("mat1", "mat2"), _matrix_product, _mm_grads, _prepare_addmm,
                     on_arrays=True)
addmv = _add_product("addmv", "AddmvBackward0", ("mat", "vec"), mv,
                     lambda g, a, b, needed: (outer(g, b), mv(a.t(), g)), _prepare_addmv,
                     output=lambda mat, vec: ((mat.shape[0],), vec.dtype))
addr = _add_product("addr", "AddrBackward0", ("vec1", "vec2"), outer,
                    lambda g, a, b, needed: (mv(g, b), mv(g.t(), a)), _prepare_addr,
                    promotes=True)
baddbmm = _add_product("baddbmm", "BaddbmmBackward0", ("batch1", "batch2"), _baddbmm_product,
                       lambda g, a, b, needed: (bmm(g, b.transpose(1, 2)), bmm(a.transpose(1, 2), g)),
                       _prepare_baddbmm, output=lambda batch1, batch2: (
                           (batch1.shape[0], batch1.shape[1], batch2.shape[2]), batch2.dtype))
addbmm = _add_product("addbmm", "AddbmmBackward0", ("batch1", "batch2"), _batches_summed,
                      lambda g, a, b, needed: (bmm(g.expand(a.shape[0], *g.shape), b.transpose(1, 2)),
                                       bmm(a.transpose(1, 2), g.expand(a.shape[0], *g.shape))),
                      _prepare_addbmm)


def addmm_transposed(bias, input, weight):
    """``addmm(bias, input, weight.t())``: linear's forward on a matrix, every layer of every step.

    Its common case (NumPy float arrays of one dtype, a matrix input whose rows are as long as the
    weight's, a bias as long as its columns, no forward_ad level open) takes as few Python steps as
    PyTorch's graph allows: the weight's transpose (TBackward0, as linear makes it), one matmul, the
    bias added into the product's fresh array, and one AddmmBackward0 node over the three, whose
    gradients are addmm's with beta = alpha = 1. Anything else is addmm's own path, its checks and errors."""
    a, w, b = input._data, weight._data, bias._data
    if not (a.__class__ is np.ndarray and w.__class__ is np.ndarray and b.__class__ is np.ndarray
            and a.dtype.kind == "f" and a.dtype == w.dtype == b.dtype and a.ndim == 2 and w.ndim == 2
            and b.ndim == 1 and a.shape[1] == w.shape[1] and b.shape[0] == w.shape[0]
            and _graph.forward_mode is None):
        return addmm(bias, input, weight.t())
    weight_t = matrix_transpose(weight)
    data = a @ weight_t._data
    data += b
    needed = (input._requires_grad, weight._requires_grad)
    sums_bias = bias._requires_grad

    def vjp(g, a, b):
        # the bias's gradient: on arrays its column sums here, where backward's undoing of the
        # broadcast would find the same sums by a longer road; on Tensors g, as addmm gives it
        bias_grad = g if isinstance(g, Tensor) or not sums_bias else g.sum(0)
        return (bias_grad, *_mm_grads(g, a, b, needed))
    return record(wrap(data), "AddmmBackward0", (bias, input, weight_t), vjp, saved=(input, weight_t),
                  on_arrays=True)
