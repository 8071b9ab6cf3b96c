"""What every op family shares: operand conversion, dtype checks, in-place writes."""
from __future__ import annotations

import numbers
import re
import sys

import numpy as np

from .. import dtypes
from ..autograd.grad_mode import state
from ..autograd import graph as _graph
from ..autograd.graph import CONSTANT
from ..broadcasting import broadcast_shapes
from ..device import module_of
from ..tensor import _C_TYPE_NAMES as C_TYPE_NAMES
from ..tensor import _SCALAR_TYPE_NAMES
from ..tensor import InferenceCounter, Tensor, _dim, wrap

ndarray = np.ndarray
_from_np = dtypes.from_numpy_dtype
_DTYPE_OF = dtypes._BY_NP   # NumPy dtype -> dtype, for the hot path (every op's arrays have one)


def xp_of(t):
    """The array module of a tensor's data (numpy, or cupy on cuda)."""
    a = t._data
    return np if type(a) is ndarray else module_of(a)


def opmath(x):
    """``x`` in the type ATen computes with: float32 for half, whose result is rounded once at the
    end (a reduction, a softmax, a composite function), as PyTorch's kernels do."""
    return x.astype(np.float32) if x.dtype == np.float16 else x


_HALF_VECTOR = 32   # float16 elements per step of ATen's AVX2 loop (two 16-lane vectors)


def vectorised_with_tail(xp, vectorised, scalar_path, *operands):
    """The result of ATen's ``cpu_kernel_vec`` on float16, whose two lambdas round differently: the
    vectorised one's values where its 32-element steps reach, the scalar one's for the elements left
    over at the end of each inner run (the whole tensor when contiguous operands coalesce, else each
    row). Both results have the broadcast shape of ``operands``; ``scalar_path`` is overwritten."""
    return _with_part_of_each_run(xp, scalar_path, vectorised, operands,
                                  lambda run, itemsize: slice(0, run - run % _HALF_VECTOR))


def with_compiled_tail(xp, fused, hoisted, *operands):
    """The result of ATen's AVX2 add kernel with one single-element operand (``x.add(2.0, alpha=0.5)``)
    in float32 or float64: ``fused`` (its vector loop's fused multiply-add) except in the tail of each
    inner run, the elements left after its 2-vector steps, which the compiler's code runs: the first one
    fused, then 128-bit groups (4 float32, 2 float64) with the product rounded once before the loop
    (``hoisted``), then the rest fused. Measured against PyTorch 2.13 on every tail length."""
    def hoisted_groups(run, itemsize):
        lanes = 16 // itemsize
        tail = run % (4 * lanes)
        start = run - tail + 1
        return slice(start, start + (tail - 1) // lanes * lanes if tail else start)
    return _with_part_of_each_run(xp, fused, hoisted, operands, hoisted_groups)


def _with_part_of_each_run(xp, result, source, operands, part):
    """``result`` with ``source``'s values at ``part(run, itemsize)`` (a slice) of each inner run of
    TensorIterator's loop over ``operands``, which walks the first in memory order (its dims by
    falling stride: a transposed tensor's whole length is one run). The result keeps that layout."""
    result = xp.asarray(result)
    if result.ndim == 0:
        return result
    first = operands[0]
    order = (sorted(range(result.ndim), key=lambda dim: -first.strides[dim])
             if getattr(first, "shape", None) == result.shape else list(range(result.ndim)))
    walked = xp.ascontiguousarray(result.transpose(order))
    run = _inner_run(walked.shape, *(xp.broadcast_to(x, result.shape).transpose(order) for x in operands))
    chosen = part(run, result.itemsize)
    runs = walked.reshape(-1, run)
    runs[:, chosen] = xp.broadcast_to(source, result.shape).transpose(order).reshape(runs.shape)[:, chosen]
    return walked.transpose(np.argsort(order))


def _inner_run(shape, *operands):
    """The length of TensorIterator's inner loop over C-ordered ``operands`` of ``shape``: the
    innermost dimensions it coalesces, those where every operand steps through memory evenly
    (contiguous there, or broadcast with stride 0)."""
    run, dim = shape[-1], len(shape) - 1
    while dim > 0 and all(x.strides[dim - 1] == x.strides[dim] * shape[dim] or 1 in shape[dim - 1:dim + 1]
                          for x in operands):
        dim -= 1
        run *= shape[dim]
    return run


def is_scalar(x) -> bool:
    return isinstance(x, (numbers.Number, np.bool_)) and not isinstance(x, Tensor)


def refuse_complex(input, message=None, *, kernel=None, error=RuntimeError):
    """PyTorch's refusal of a complex ``input`` by an op that needs an order (max, sort, clamp ...) or
    has no kernel for complex numbers: ``message`` as ``error``, or ATen's words for a ``kernel``."""
    if input._data.dtype.kind != "c":
        return
    if kernel is not None:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(input.dtype)}\'')
    raise error(message)


def check_tensor(x, fn, arg="other", pos=2):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument '{arg}' (position {pos}) must be Tensor, not {type(x).__name__}")
    return x


def binary_arrays(a, b):
    """The two operands of a binary op as arrays of PyTorch's result dtype, and that dtype.

    ``a`` is a Tensor (or scalar for reflected ops), ``b`` a Tensor or Python scalar.
    Python scalars stay Python scalars where NumPy's weak-scalar rule already gives
    PyTorch's answer, so the common cases cost one dtype comparison.
    """
    a_t, b_t = isinstance(a, Tensor), isinstance(b, Tensor)
    if a_t and b_t:
        ad, bd = a._data, b._data
        if ad.__class__ is not bd.__class__:   # a NumPy and a CuPy array
            ad, bd = same_device(a, b)
        if ad.shape != bd.shape:
            broadcast_shapes(ad.shape, bd.shape)
        if ad.dtype == bd.dtype:
            return ad, bd, _DTYPE_OF[ad.dtype]
        rt = dtypes.result_type(a, b)
        np_rt = rt.np
        return (ad if ad.dtype == np_rt else ad.astype(np_rt)), (bd if bd.dtype == np_rt else bd.astype(np_rt)), rt
    if a_t:
        return _with_scalar(a._data, b, a)
    if b_t:
        bd, scalar, rt = _with_scalar(b._data, a, b)
        return scalar, bd, rt
    raise TypeError("expected a Tensor operand")


def same_dtypes(rt, *operands) -> bool:
    """Every tensor among ``operands`` already has the result dtype ``rt`` (Python scalars are weak in
    NumPy as in PyTorch): then a vjp gives the same numbers on raw arrays as on Tensors, since
    NumPy's promotion has nothing to decide (record's on_arrays)."""
    np_rt = rt.np
    for x in operands:
        if isinstance(x, Tensor) and x._data.dtype != np_rt:
            return False
    return True


# -- one gradient formula on Tensors or raw arrays ----------------------------------------------------
# A vjp recorded with on_arrays runs on Tensors under create_graph (each step recorded, so a graph of
# the backward is built) and on raw arrays otherwise. Operators mean the same on both; these are the
# steps whose spelling differs.

def transposed(x):
    """A matrix's transpose: Tensor.t() (TBackward0 when recorded), or the array's .T."""
    return x.t() if isinstance(x, Tensor) else x.T


def summed_keeping(x, dim):
    """``x`` summed along ``dim``, which stays with size 1: Tensor.sum (SumBackward1 when recorded),
    or the array's sum (the two name the flag differently)."""
    return x.sum(dim, keepdim=True) if isinstance(x, Tensor) else x.sum(dim, keepdims=True)


def exponential(x):
    """exp(x): Tensor.exp (ExpBackward0 when recorded), or the array module's."""
    return x.exp() if isinstance(x, Tensor) else module_of(x).exp(x)


def unsqueezed(x, dim):
    """``x`` with a size-1 dim inserted at ``dim``: Tensor.unsqueeze (UnsqueezeBackward0 when
    recorded), or the array module's expand_dims."""
    return x.unsqueeze(dim) if isinstance(x, Tensor) else module_of(x).expand_dims(x, dim)


def same_device(a, b):
    """The data of tensors on different devices, as PyTorch allows them: a 0-d cpu tensor joins a
    cuda one as a scalar would; anything else is PyTorch's error."""
    if a.device.type == "cpu" and a._data.ndim == 0:
        return module_of(b._data).asarray(a._data), b._data
    if b.device.type == "cpu" and b._data.ndim == 0:
        return a._data, module_of(a._data).asarray(b._data)
    raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                       f"{a.device} and {b.device}!")


def _with_scalar(data, scalar, tensor):
    """Tensor data and a Python scalar, converted so NumPy computes in PyTorch's result dtype."""
    key = (data.dtype, scalar.__class__, dtypes._default[0])   # a Python float's dtype is the default one
    rt = _scalar_result.get(key)
    if rt is None:
        rt = _scalar_result[key] = dtypes.result_type(tensor, scalar)
    if data.dtype != rt.np:
        data = data.astype(rt.np)
    if rt.category == dtypes.INTEGER and scalar.__class__ is int and not _fits(scalar, rt.np):
        check_int_scalar(scalar)
        scalar = np.array(scalar).astype(rt.np)   # wraps around, as PyTorch's integer arithmetic does
    return data, scalar, rt


# (tensor's NumPy dtype, scalar's type, default dtype) -> result dtype: the same for every
# tensor of that dtype, 0-d or not, since a lone tensor outranks a scalar of its category
_scalar_result: dict = {}


def check_int_scalar(value):
    """PyTorch converts a Python int through int64 or uint64: anything wider is its OverflowError."""
    if isinstance(value, int) and not -2 ** 63 <= value < 2 ** 64:
        raise OverflowError("int too big to convert" if value > 0 else "can't convert negative int to unsigned")
    return value


def _fits(value, np_dtype):
    info = np.iinfo(np_dtype)
    return info.min <= value <= info.max


def normalize_dims(dim, ndim):
    """dim (int, tuple/list or None) as a sorted tuple of non-negative axes."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (tuple, list)):
        dims = tuple(_dim(d, ndim) for d in dim)
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"dim {dims[0]} appears multiple times in the list of dims")
        return tuple(sorted(dims))
    return (_dim(dim, ndim),)


def write_out(out, result, check=None):
    """The ``out=`` argument: copy ``result`` into ``out`` (resized when its shape differs).

    ``check(result_dtype, out_dtype)`` raises when ``out`` may not take the result. Each ATen op
    has its own rule: pointwise ops with type promotion allow a same-kind cast (the default,
    ``same_kind``); ops that keep their input's dtype (neg, abs, floor, clamp ...) want it exactly
    (``same_dtype``); structured kernels (matmul, gather, argmax ...) too, in other words
    (``exact_dtype``); a few ops say it in their own words.
    """
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    if state.enabled and (result._requires_grad or out._requires_grad):
        raise RuntimeError(
            f"{_op_name(result)}(): functions with out=... arguments don't support automatic differentiation, "
            "but one of the arguments requires grad.")
    check_inference_write(out)
    if result._data.dtype != out._data.dtype:
        (check or same_kind)(_DTYPE_OF[result._data.dtype], _DTYPE_OF[out._data.dtype])
    if out._data.shape != result._data.shape:
        out._data = result._data.astype(out._data.dtype, copy=True)
    else:
        xp_of(out).copyto(out._data, result._data, casting="unsafe")
    out._bump_version()
    return out


def _op_name(result):
    """The op's name for the out= error: from its node (AddBackward0 -> add), else the calling op."""
    node = result._grad_fn
    if node is not None:
        return re.sub(r"Backward\d*$", "", type(node).__name__).lower()
    frame = sys._getframe(2)   # write_out <- _finish <- the op, or write_out <- the op
    return frame.f_code.co_name if frame.f_code.co_name != "_finish" else sys._getframe(3).f_code.co_name


def same_kind(result_dtype, out_dtype):
    """TensorIterator's rule: no float into an integer tensor, nothing but bool into bool."""
    if not dtypes.can_cast(result_dtype, out_dtype):
        raise RuntimeError(f"result type {_type_name(result_dtype)} can't be cast to the desired output "
                           f"type {_type_name(out_dtype)}")


def same_dtype(result_dtype, out_dtype):
    """The rule of unary ops that keep their input's dtype (neg, abs, floor, clamp ...)."""
    raise RuntimeError(f"Found dtype {_type_name(out_dtype)} but expected {_type_name(result_dtype)}")


def exact_dtype(result_dtype, out_dtype):
    """The rule of structured kernels (matmul, mm, gather, scatter, argmax, max(dim) ...)."""
    raise RuntimeError(f"Expected out tensor to have dtype {C_TYPE_NAMES[result_dtype.name]}, but got "
                       f"{C_TYPE_NAMES[out_dtype.name]} instead")


def check_structured_inplace(self, shape, dtype):
    """ATen's check of ``self`` as the output of a structured kernel's in-place form (addmv_, baddbmm_,
    cumsum_ with a dtype): the dtype and then the shape that the kernel's meta function computes."""
    if dtype is not self.dtype:
        raise RuntimeError(f"Bad in-place call: input tensor dtype {C_TYPE_NAMES[self.dtype.name]} and output "
                           f"tensor dtype {C_TYPE_NAMES[dtype.name]} should match")
    if tuple(shape) != self._data.shape:
        raise RuntimeError(f"Bad in-place call: input tensor size [{', '.join(map(str, self._data.shape))}] and "
                           f"output tensor size [{', '.join(map(str, shape))}] should match")


def _type_name(dt):
    """ScalarType names used in ATen errors: Float, Double, Long, Int, Bool, ComplexFloat ..."""
    return _SCALAR_TYPE_NAMES[dt.name]


_INPLACE_INFERENCE = (
    "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a "
    "normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.")


def check_inplace(self):
    """PyTorch's refusals before an in-place op modifies ``self``: the graph's (when recording),
    then inference mode's."""
    if state.enabled:
        base = self._base
        if base is None:
            if self._requires_grad and self._grad_fn is None:
                raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        else:
            if _cut_from_multi_output(self):
                op = self.grad_fn.name().rsplit("Backward", 1)[0]
                raise RuntimeError(
                    f"Output {self._output_nr} of {op} is a view and is being modified inplace. This view is the "
                    "output of a function that returns multiple views. Such functions do not allow the output views "
                    "to be modified inplace. You should replace the inplace operation by an out-of-place one.")
            # a view whose base is a leaf: the base then requires grad, or the view itself does
            if base._grad_fn is None and (base._requires_grad or self.requires_grad):
                raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place "
                                   "operation.")
    check_inference_write(self)


def _cut_from_multi_output(view):
    """Whether ``view`` is an output of split/unbind/chunk, or a view taken from one: its history
    back to its base's passes a multi-output node (only views lie between a view and its base)."""
    stop = view._base._grad_fn
    node = view.grad_fn
    while node is not None and node is not stop:
        if node.multi_output:
            return True
        node = node.next_functions[0][0] if node.next_functions else None
    return False


def check_inference_write(self):
    """An inference tensor is written only inside inference mode."""
    if type(self._vcounter) is InferenceCounter and not state.inference:
        raise RuntimeError(_INPLACE_INFERENCE)


def inplace(self, op, *args, **kwargs):
    """Run ``op`` out of place, then write its result into ``self``'s storage.

    The result's grad_fn becomes self's (PyTorch rebinds grad_fn on in-place ops; through
    CopySlices for a view). The op sees self's old value through an alias, which keeps a
    copy of the old values only when the op saved it for backward, as PyTorch's in-place
    formulas save ``original_self`` only when they need it.
    """
    check_inplace(self)
    recording = state.enabled and (self._requires_grad or (self._base is not None and self.requires_grad) or any(
        isinstance(a, Tensor) and a._requires_grad for a in args))
    src = _alias(self) if recording else self
    if _graph.forward_mode is not None and src is not self:   # a forward_ad level: the alias has self's tangent
        _graph.forward_mode.alias(src, self)
    result = op(src, *args, **kwargs)
    if result is src:
        return self
    if result._data.shape != self._data.shape:
        raise RuntimeError(
            f"output with shape [{', '.join(map(str, self._data.shape))}] doesn't match the broadcast shape "
            f"[{', '.join(map(str, result._data.shape))}]")
    if result._data.dtype != self._data.dtype and not dtypes.can_cast(result.dtype, self.dtype):
        raise RuntimeError(f"result type {_type_name(result.dtype)} can't be cast to the desired output "
                           f"type {_type_name(self.dtype)}")
    node = result._grad_fn if recording else None
    if node is not None and node._saved and any(entry[0] is src for entry in node._saved):
        src._data = src._data.copy()   # its gradient reads self's old values: keep them
    xp_of(self).copyto(self._data, result._data, casting="unsafe")
    self._bump_version()
    if node is not None:
        rebind(self, node)
    if _graph.forward_mode is not None:
        _graph.forward_mode.written(self, result)
    return self


def rebind(self, node):
    """Make ``node``, the history of an in-place op's result, the history of ``self``."""
    if node._saved:   # the saved output is self now: later in-place changes to self must be caught
        node._saved = type(node._saved)(   # (PackedRecords stay packed)
            (None, self._vcounter, self._vcounter[0], data) if t is None and c is not CONSTANT
            else (t, c, v, data) for t, c, v, data in node._saved)
    if self._base is not None:
        self._rebase_view(self, node)   # views.py, above this module, supplies it
        return
    old = self._grad_fn
    if self._retains_grad and old is not None and old._before is not None:
        keep = old._before.retain.pop(self._output_nr, None)   # .grad follows the tensor's new value
        if keep is not None:
            node.before().retain[0] = keep
    self._grad_fn = node
    self._requires_grad = True
    self._output_nr = 0


def _alias(t):
    """A tensor standing for ``t``'s old value in the graph: the same data and history, and a
    version counter of its own (writing into ``t`` does not modify the old value it stands for)."""
    node = t.grad_fn
    a = wrap(t._data, t._requires_grad)
    a._grad_fn = node
    a._output_nr = t._output_nr
    return a
