"""Shape ops and indexing. Views share storage, version counter and base with their input,
and remember how they were taken from it (for in-place writes through a view)."""
from __future__ import annotations

import warnings

import numpy as np

from .. import dtypes
from ..autograd.grad_mode import state
from ..autograd.graph import node_type, record, record_outputs
from .. import broadcasting
from ..broadcasting import sum_to
from ..tensor import Size, Tensor, _dim, wrap
from ..unsupported import refuse_unsupported
from ._util import _alias, _type_name, check_inference_write, check_inplace, rebind, transposed, write_out, xp_of
from .indexing import index_select
from .registry import METHOD, defop


def make_view(input, data, view_fn):
    """A tensor over ``data`` that views ``input``: same storage, version counter and base."""
    out = wrap(data)
    out._vcounter = input._vcounter
    out._base = input if input._base is None else input._base
    base_fn = getattr(input, "_view_fn", None) if input._base is not None else None
    out._view_fn = view_fn if base_fn is None else (lambda b: view_fn(base_fn(b)))
    out._view_version = input._vcounter[0]   # a later in-place change of the base makes its history stale
    return out


def _shape_arg(args, fn="view"):
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    for a in args:
        if not isinstance(a, (int, np.integer)) or isinstance(a, bool):
            kind = type(a).__name__
            raise TypeError(f"{fn}() received an invalid combination of arguments - got ({kind}), but expected one of:\n"
                            f" * (torch.dtype dtype)\n      didn't match because some of the arguments have invalid "
                            f"types: (!{kind}!)\n * (tuple of ints size)\n      didn't match because some of the "
                            f"arguments have invalid types: (!{kind}!)")
    return tuple(int(a) for a in args)


def infer_shape(shape, numel):
    """Resolve one -1 in ``shape`` for ``numel`` elements, with PyTorch's errors."""
    text = f"[{', '.join(map(str, shape))}]"
    unknown = None
    known = 1
    for i, s in enumerate(shape):
        if s == -1:
            if unknown is not None:
                raise RuntimeError("only one dimension can be inferred")
            unknown = i
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {text}")
        else:
            known *= s
    if unknown is None:
        if known != numel:
            raise RuntimeError(f"shape '{text}' is invalid for input of size {numel}")
        return shape
    if known == 0:
        if numel == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {text} because the unspecified "
                               "dimension size -1 can be any value and is ambiguous")
        raise RuntimeError(f"shape '{text}' is invalid for input of size {numel}")
    if numel % known:
        raise RuntimeError(f"shape '{text}' is invalid for input of size {numel}")
    return shape[:unknown] + (numel // known,) + shape[unknown + 1:]


def _view_data(x, shape):
    """``x`` with a new shape without copying, or None when the strides do not allow it."""
    if type(x) is np.ndarray:
        try:
            return np.reshape(x, shape, copy=False)
        except ValueError:
            return None
    v = x.view()   # CuPy: assigning the shape fails where a copy would be needed
    try:
        v.shape = shape
    except AttributeError:
        return None
    return v


@defop(function=False)
def view(self, *shape):
    """A view with another shape (one dim may be -1); never copies. ``view(dtype)`` reinterprets bits."""
    if len(shape) == 1 and isinstance(shape[0], dtypes.dtype):
        return wrap(self._data.view(shape[0].np))
    shape = infer_shape(_shape_arg(shape), self._data.size)
    data = _view_data(self._data, shape)
    if data is None:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    in_shape = self._data.shape
    out = make_view(self, data, lambda b: b.view(shape))
    return record(out, "ViewBackward0", (self,), lambda g: (g.reshape(in_shape),), on_arrays=True)


@defop(function=False, differentiable=False)
def resize_(self, *sizes, memory_format=None):
    """Give ``self`` the shape ``sizes`` in place, keeping its storage: a smaller size keeps the first
    elements, a larger one appends new elements (uninitialised in PyTorch; zero here)."""
    refuse_unsupported("resize_", memory_format=memory_format)
    shape = _shape_arg(sizes, "resize_")
    if self._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    if any(s < 0 for s in shape):
        raise RuntimeError("numel: integer multiplication overflow")
    check_inference_write(self)
    old = self._data
    if shape == old.shape:
        return self
    if self._base is not None or not old.flags.c_contiguous:
        raise NotImplementedError("resize_() to another shape of a view or a non-contiguous tensor is not "
                                  "supported by tensorsh")
    n = int(np.prod(shape))
    flat = old.reshape(-1)
    if n <= flat.size:
        self._data = flat[:n].reshape(shape)   # the same storage, as PyTorch keeps it
    else:
        grown = xp_of(self).zeros(n, dtype=old.dtype)
        grown[:flat.size] = flat
        self._data = grown.reshape(shape)
    self._bump_version()
    return self


@defop()
def reshape(input, *shape):
    """Like view when the strides allow, else a copy (recorded as UnsafeViewBackward0 over a clone)."""
    shape = infer_shape(_shape_arg(shape, "reshape"), input._data.size)
    if input._data.flags.c_contiguous:
        return view(input, shape)
    data = _view_data(input._data, shape)
    if data is not None:   # strides allow a view of a non-contiguous tensor: PyTorch's _reshape_alias
        in_shape = input._data.shape
        out = make_view(input, data, lambda b: b.reshape(shape))
        return record(out, "ReshapeAliasBackward0", (input,), lambda g: (g.reshape(in_shape),), on_arrays=True)
    return _unsafe_view(clone(input, memory_format=None), shape)


def _unsafe_view(input, shape):
    in_shape = input._data.shape
    return record(wrap(input._data.reshape(shape)), "UnsafeViewBackward0", (input,),
                  lambda g: (g.reshape(in_shape),), on_arrays=True)


@defop(function=False)
def view_as(self, other):
    return view(self, other.shape)


@defop(function=False)
def reshape_as(self, other):
    return reshape(self, other.shape)


@defop()
def clone(input, *, memory_format=None):
    """A copy with its own storage; gradients flow back unchanged."""
    refuse_unsupported("clone", memory_format=memory_format)
    return record(wrap(input._data.copy()), "CloneBackward0", (input,), lambda g: (g,))


@defop(function=False)
def contiguous(self, memory_format=None):
    """self when already C-contiguous, else a contiguous copy."""
    refuse_unsupported("contiguous", memory_format=memory_format)
    if self._data.flags.c_contiguous:
        return self
    return clone(self)


@defop(function=False, differentiable=False)
def is_contiguous(self, memory_format=None) -> bool:
    refuse_unsupported("is_contiguous", memory_format=memory_format)
    return bool(self._data.flags.c_contiguous)


@defop()
def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims start_dim..end_dim into one."""
    shape = input._data.shape
    if not shape:
        return reshape(input, (1,))
    s, e = _dim(start_dim, len(shape)), _dim(end_dim, len(shape))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    n = 1
    for d in shape[s:e + 1]:
        n *= d
    return reshape(input, shape[:s] + (n,) + shape[e + 1:])


@defop()
def t(input):
    """Transpose a tensor of at most 2 dims (TBackward0)."""
    nd = input._data.ndim
    if nd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")
    if nd < 2:
        return _noop_view(input)
    out = make_view(input, input._data.T, lambda b: b.t())
    return record(out, "TBackward0", (input,), lambda g: (transposed(g),), on_arrays=True)


def _noop_view(input):
    out = make_view(input, input._data.view(), lambda b: b)
    return record(out, "TBackward0", (input,), lambda g: (g,), on_arrays=True)


@defop("swapaxes", "swapdims")
def transpose(input, dim0, dim1):
    """Swap two dims (a view)."""
    nd = input._data.ndim
    d0, d1 = _dim(dim0, nd), _dim(dim1, nd)
    out = make_view(input, input._data.swapaxes(d0, d1) if nd else input._data.view(),
                    lambda b: b.transpose(d0, d1))
    return record(out, "TransposeBackward0", (input,), lambda g: (g.transpose(d0, d1),))




@defop()
def permute(input, *dims):
    """Reorder the dims (a view)."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    nd = input._data.ndim
    dims = tuple(_dim(d, nd) for d in dims)
    if len(dims) != nd:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {nd} is not equal "
                           f"to len(dims) = {len(dims)}")
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    inverse = tuple(np.argsort(dims).tolist())
    out = make_view(input, input._data.transpose(dims), lambda b: b.permute(dims))
    return record(out, "PermuteBackward0", (input,), lambda g: (g.permute(inverse),))


def _reversed_dims(self):
    """``.T``: all dims reversed (PyTorch deprecates it for anything but matrices)."""
    nd = self._data.ndim
    if nd == 0:
        warnings.warn("Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases. "
                      "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4321.)",
                      UserWarning, stacklevel=2)
    elif nd != 2:
        warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated "
                      "and it will throw an error in a future release. Consider `x.mT` to transpose batches of "
                      "matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a "
                      "tensor. (Triggered internally at "
                      "/__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4314.)", UserWarning, stacklevel=2)
    return permute(self, tuple(reversed(range(nd))))


Tensor.T = property(_reversed_dims, doc="The tensor with its dims reversed.")
def _matrix_transpose(self):
    if self._data.ndim < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got "
                           f"{self._data.ndim}-D tensor.")
    return transpose(self, -2, -1)


Tensor.mT = property(_matrix_transpose, doc="Transpose of the last two dims.")


@defop()
def unsqueeze(input, dim):
    """Insert a size-1 dim at ``dim`` (a view)."""
    d = _dim(dim, input._data.ndim + 1)
    out = make_view(input, _expand_dims(input._data, d), lambda b: b.unsqueeze(d))
    return record(out, "UnsqueezeBackward0", (input,), lambda g: (g.squeeze(d),), on_arrays=True)


def _expand_dims(x, d):
    return x.reshape(x.shape[:d] + (1,) + x.shape[d:])


@defop()
def squeeze(input, dim=None):
    """Remove size-1 dims (all of them, or those in ``dim``)."""
    shape = input._data.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
        name = "SqueezeBackward0"
    else:
        axes = [_dim(d, len(shape)) for d in ((dim,) if isinstance(dim, int) else dim)]
        repeated = next((a for i, a in enumerate(axes) if a in axes[:i]), None)
        if repeated is not None:
            raise RuntimeError(f"dim {repeated} appears multiple times in the list of dims")
        dims = set(axes) if shape else set()
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
        name = "SqueezeBackward1" if isinstance(dim, int) else "SqueezeBackward2"
    out = make_view(input, input._data.reshape(new), lambda b: b.squeeze(dim))
    return record(out, name, (input,), lambda g: (g.reshape(shape),), on_arrays=True)


def _reshape_self(self, node_name, view_op, *args):
    """The in-place shape ops (t_, transpose_, squeeze_, unsqueeze_): ``self`` takes the shape of
    ``view_op(self, *args)`` over the same storage. Its history gains a ``node_name`` node (PyTorch
    numbers the in-place overloads apart from the view ops, whose gradient they share)."""
    check_inplace(self)
    recording = state.enabled and self.requires_grad
    result = view_op(_alias(self) if recording else self, *args)
    self._data = result._data
    self._bump_version()
    if self._base is not None:   # still a view of its base, now one step further from it
        base_view = self._view_fn
        self._view_fn = lambda b: view_op(base_view(b), *args)
        self._view_version = self._vcounter[0]
    if recording:
        node = result._grad_fn
        node = node_type(node_name)(node.next_functions, node._vjp, None, node._input_meta)
        if self._base is None:
            rebind(self, node)
        else:   # a metadata change: the base's history stays as it was (no CopySlices)
            self._grad_fn, self._requires_grad, self._output_nr = node, True, 0
    return self


def _t_in_place(self):
    nd = self._data.ndim
    if nd > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {nd}D")
    return _reshape_self(self, "TBackward1", t)


def _squeeze_in_place(self, dim=None):
    number = 3 if dim is None else 4 if isinstance(dim, int) else 5
    return _reshape_self(self, f"SqueezeBackward{number}", squeeze, dim)


# In-place shape changes are methods of their own: they rewrite self's shape, not its values.
Tensor.t_ = _t_in_place
Tensor.transpose_ = Tensor.swapaxes_ = Tensor.swapdims_ = lambda self, dim0, dim1: _reshape_self(
    self, "TransposeBackward1", transpose, dim0, dim1)
Tensor.squeeze_ = _squeeze_in_place
Tensor.unsqueeze_ = lambda self, dim: _reshape_self(self, "UnsqueezeBackward1", unsqueeze, dim)


@defop(function=False)
def expand(input, *sizes):
    """Broadcast to ``sizes`` without copying (-1 keeps a dim)."""
    sizes = _shape_arg(sizes, "expand")
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand(torch.FloatTensor{{[{', '.join(map(str, shape))}]}}, size=[{', '.join(map(str, sizes))}]): "
                           f"the number of sizes provided ({len(sizes)}) must be greater or equal to the number of "
                           f"dimensions in the tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    target = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                                   "non-existing dimension 0")
            target.append(s)
        else:
            cur = shape[i - lead]
            if s == -1:
                s = cur
            elif cur != 1 and cur != s:
                raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({cur}) "
                                   f"at non-singleton dimension {i}.  Target sizes: [{', '.join(map(str, sizes))}].  "
                                   f"Tensor sizes: [{', '.join(map(str, shape))}]")
            target.append(s)
    target = tuple(target)
    if target == shape:
        data = input._data.view()
    else:
        data = xp_of(input).broadcast_to(input._data, target)
    out = make_view(input, data, lambda b: b.expand(target))
    return record(out, "ExpandBackward0", (input,), lambda g: (sum_to(g, shape),), on_arrays=True)


@defop(function=False)
def expand_as(self, other):
    return expand(self, other.shape)


@defop("moveaxis")
def movedim(input, source, destination):
    """Move dims ``source`` to positions ``destination`` (a permute: PermuteBackward0)."""
    nd = input._data.ndim
    src = [_dim(d, nd) for d in (source if isinstance(source, (tuple, list)) else (source,))]
    dst = [_dim(d, nd) for d in (destination if isinstance(destination, (tuple, list)) else (destination,))]
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) should contain the "
                           f"same number of dims as destination ({dst} dims)")
    rest = iter(d for d in range(nd) if d not in src)
    placed = dict(zip(dst, src))
    return permute(input, tuple(placed[i] if i in placed else next(rest) for i in range(nd)))




@defop()
def unflatten(input, dim, sizes):
    """Split dim ``dim`` into ``sizes`` (one of them may be -1): a view."""
    shape = input._data.shape
    if not shape:
        raise RuntimeError("unflatten got an unexpected error:\nDimension specified as 0 but tensor has no "
                           "dimensions")
    d = _dim(dim, len(shape))
    sizes = tuple(sizes)
    try:
        inferred = infer_shape(sizes, shape[d])
    except RuntimeError:
        raise RuntimeError(f"unflatten: Provided sizes [{', '.join(map(str, sizes))}] don't multiply up to the "
                           f"size of dim {dim} ({shape[d]}) in the input tensor") from None
    return view(input, shape[:d] + inferred + shape[d + 1:])


@defop(function=False)
def repeat(input, *repeats):
    """Tile the tensor ``repeats[i]`` times along each dim (a copy: RepeatBackward0)."""
    if not repeats:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    repeats = _shape_arg(repeats, "repeat")
    shape = input._data.shape
    if len(repeats) < len(shape):
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           "tensor")
    lead = len(repeats) - len(shape)
    padded = (1,) * lead + shape
    data = xp_of(input).tile(input._data.reshape(padded), repeats)

    def vjp(g):
        # view g as (r0, s0, r1, s1, ...) and sum the copies away
        split = tuple(x for r, s in zip(repeats, padded) for x in (r, s))
        return (g.reshape(split).sum(tuple(range(0, len(split), 2))).reshape(shape),)
    return record(wrap(data), "RepeatBackward0", (input,), vjp)


def _tensor_list(tensors, fn):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (tuple, list)):
        raise TypeError(f"{fn}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    return list(tensors)


def _common_dtype(tensors):
    dt = tensors[0].dtype
    for t in tensors[1:]:
        if t.dtype is not dt:
            dt = dtypes.promote_types(dt, t.dtype)
    return dt


@defop("concat", "concatenate", method=False)
def cat(tensors, dim=0, *, out=None):
    """Join tensors along an existing dim (dtypes promote; 1-d empty tensors are skipped, as in PyTorch)."""
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    parts = [t for t in tensors if t._data.shape != (0,)] or tensors[:1]
    ref = parts[0]._data.shape
    d = _dim(dim, len(ref))
    for i, t in enumerate(tensors):
        s = t._data.shape
        if s == (0,) and len(ref) != 1:
            continue
        if len(s) != len(ref):
            raise RuntimeError(f"Tensors must have same number of dimensions: got {len(ref)} and {len(s)}")
        for k, (a, b) in enumerate(zip(ref, s)):
            if k != d and a != b:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size {a} but "
                                   f"got size {b} for tensor number {i} in the list.")
    dt = _common_dtype(tensors)
    xp = xp_of(parts[0])
    data = xp.concatenate([t._data if t._data.dtype == dt.np else t._data.astype(dt.np) for t in parts], axis=d)
    sizes = [t._data.shape[d] if t._data.shape != (0,) or len(ref) == 1 else 0 for t in tensors]
    offsets = np.cumsum([0] + sizes).tolist()
    # which inputs took part (a legacy empty (0,) tensor did not); the vjp keeps this, not the tensors
    joined = [t._data.shape != (0,) or len(ref) == 1 for t in tensors]

    def vjp(g):
        return tuple(g.narrow(d, offsets[i], sizes[i]) if took_part else None
                     for i, took_part in enumerate(joined))
    result = record(wrap(data), "CatBackward0", tuple(tensors), vjp)
    return result if out is None else write_out(out, result, _castable_for_cat)


def _castable_for_cat(result_dtype, out_dtype):
    if not dtypes.can_cast(result_dtype, out_dtype):
        raise TypeError(f"torch.cat(): input types can't be cast to the desired output type "
                        f"{_type_name(out_dtype)}")




@defop(method=False)
def stack(tensors, dim=0, *, out=None):
    """Join equally shaped tensors along a new dim ``dim``."""
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    ref = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != ref:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got [{', '.join(map(str, ref))}] "
                               f"at entry 0 and [{', '.join(map(str, t._data.shape))}] at entry {i}")
    d = _dim(dim, len(ref) + 1)
    dt = _common_dtype(tensors)
    data = xp_of(tensors[0]).stack([t._data if t._data.dtype == dt.np else t._data.astype(dt.np)
                                    for t in tensors], axis=d)
    result = record(wrap(data), "StackBackward0", tuple(tensors), lambda g: tuple(g.unbind(d)))
    return result if out is None else write_out(out, result, _castable_for_cat)


# -- multi-output views: split, chunk, unbind --------------------------------------------------------
# One node serves all outputs (output_nr 0, 1, ...); its vjp receives {output_nr: grad} and
# fills the pieces that got no gradient with zeros.

def _record_pieces(pieces, name, input, join):
    """Give every piece one shared ``name`` node; join(list of grads) builds the input's gradient."""
    shapes = [p._data.shape for p in pieces]

    def vjp(grads):   # a piece with no gradient gets zeros like any arriving one (not input's: not kept)
        like = next(iter(grads.values()))
        return (join([grads[i] if i in grads else like.new_zeros(s) for i, s in enumerate(shapes)]),)
    record_outputs(pieces, name, (input,), vjp)
    return tuple(pieces)


def _slices_along(input, d, sizes):
    """Views of consecutive pieces of ``sizes`` along dim d."""
    pieces, start = [], 0
    for n in sizes:
        index = (slice(None),) * d + (slice(start, start + n),)
        pieces.append(make_view(input, input._data[index], lambda b, index=index: b[index]))
        start += n
    return pieces


@defop()
def split(tensor, split_size_or_sections, dim=0):
    """Pieces of ``split_size`` along dim (the last may be smaller), or of the given sizes."""
    shape = tensor._data.shape
    d = _dim(dim, len(shape))
    if not shape:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    n = shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                               f"dimension {d}), but got split_sizes=[{', '.join(map(str, sizes))}]")
        name = "SplitWithSizesBackward0"
    else:
        size = int(split_size_or_sections)
        if size == 0 and n != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
        if size < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={size}")
        sizes = [min(size, n - s) for s in range(0, n, size)] if size else [0]
        name = "SplitBackward0"
    return _record_pieces(_slices_along(tensor, d, sizes), name, tensor, lambda gs: cat(gs, d))



@defop()
def chunk(input, chunks, dim=0):
    """At most ``chunks`` pieces of equal size (ceil) along dim: a split (SplitBackward0)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    shape = input._data.shape
    if not shape:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    n = shape[_dim(dim, len(shape))]
    return split(input, max(1, -(-n // chunks)), dim)


@defop()
def unbind(input, dim=0):
    """The slices along dim, each without that dim (views; UnbindBackward0)."""
    shape = input._data.shape
    if not shape:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = _dim(dim, len(shape))
    pieces = []
    for i in range(shape[d]):
        index = (slice(None),) * d + (i,)
        pieces.append(make_view(input, input._data[index], lambda b, index=index: b[index]))
    return _record_pieces(pieces, "UnbindBackward0", input, lambda gs: stack(gs, d))


@defop()
def flip(input, *dims):
    """Reverse the order of elements along ``dims`` (a copy, as in PyTorch)."""
    if not dims:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    nd = input._data.ndim
    axes = tuple(_dim(d, nd) for d in dims)
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"dim {axes[0]} appears multiple times in the list of dims")
    axes = axes if nd else ()
    data = xp_of(input).flip(input._data, axes).copy() if axes else input._data.copy()
    return record(wrap(data), "FlipBackward0", (input,), lambda g: (g.flip(axes) if axes else g,))


@defop()
def narrow(input, dim, start, length):
    """The ``length`` elements from ``start`` along dim: a view (SliceBackward0)."""
    shape = input._data.shape
    if not shape:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = _dim(dim, len(shape))
    n = shape[d]
    start = int(start)
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    start = start + n if start < 0 else start
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    index = (slice(None),) * d + (slice(start, start + length),)
    out = make_view(input, input._data[index], lambda b: b[index])
    return record(out, "SliceBackward0", (input,), lambda g: (_index_put_zeros(g, shape, index),))


def _selected_dim(shape, dim, index):
    """dim made non-negative, once select's checks of it and of ``index`` passed (PyTorch's words)."""
    if not shape:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _dim(dim, len(shape))
    if not -shape[d] <= index < shape[d]:
        raise IndexError(f"select(): index {index} out of range for tensor of size [{', '.join(map(str, shape))}] "
                         f"at dimension {d}")
    return d


@defop()
def select(input, dim, index):
    """The slice at ``index`` along dim, without that dim: a view (SelectBackward0)."""
    shape = input._data.shape
    d = _selected_dim(shape, dim, index)
    np_index = (slice(None),) * d + (int(index),)
    out = make_view(input, input._data[np_index], lambda b: b[np_index])
    return record(out, "SelectBackward0", (input,), lambda g: (_index_put_zeros(g, shape, np_index),))


# -- indexing ---------------------------------------------------------------------------------

def _index_parts(index):
    return index if isinstance(index, tuple) else (index,)


def _convert_index(index, shape, xp):
    """A PyTorch index as a NumPy index, checking integer bounds with PyTorch's message; and
    whether it is an advanced index."""
    parts = _index_parts(index)
    out, dim, has_advanced = [], 0, False
    n_real = sum(1 for p in parts if p is not None and p is not Ellipsis)
    for p in parts:
        if p is None or p is Ellipsis:
            out.append(p)
            dim += len(shape) - n_real if p is Ellipsis else 0
            continue
        p, used, advanced = _convert_part(p, shape, dim, xp)
        out.append(p)
        dim += used
        has_advanced = has_advanced or advanced
    if dim > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    return tuple(out), has_advanced


def _convert_part(p, shape, dim, xp):
    """One entry of an index (not None or ...) that meets dim ``dim``: its NumPy form, how many dims
    it consumes, and whether it is advanced (an index array, or a bool)."""
    if isinstance(p, (list, tuple, range)):   # a range indexes as the list of its numbers
        p = xp.asarray(p)
        if p.dtype.kind not in "biu":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    elif isinstance(p, Tensor):
        if p.dtype.is_floating_point:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        p = int(p.item()) if p._data.ndim == 0 and p.dtype is not dtypes.bool else p._data
    if hasattr(p, "dtype") and not isinstance(p, np.generic):   # an index array
        if p.dtype == np.bool_:
            _check_mask(p.shape, shape, dim)
            return p, p.ndim, True
        if dim >= len(shape):
            raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
        _check_bounds(p, shape[dim], dim)
        return p, 1, True
    if isinstance(p, (bool, np.bool_)):
        return bool(p), 0, True
    if isinstance(p, (int, np.integer)):
        if not shape:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        if dim >= len(shape):
            raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
        size = shape[dim]
        if not -size <= p < size:
            raise IndexError(f"index {p} is out of bounds for dimension {dim} with size {size}")
        return int(p), 1, False
    if isinstance(p, slice):
        if p.step is not None and p.step <= 0:
            raise ValueError("step must be greater than zero")
        return p, 1, False
    if isinstance(p, str):
        raise TypeError("new(): invalid data type 'str'")
    raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                     "valid indices (got " + type(p).__name__ + ")")


def _check_mask(mask_shape, shape, dim):
    for i, m in enumerate(mask_shape):
        if dim + i >= len(shape) or shape[dim + i] != m:
            raise IndexError(f"The shape of the mask [{', '.join(map(str, mask_shape))}] at index {i} does not match "
                             f"the shape of the indexed tensor [{', '.join(map(str, shape))}] at index {dim + i}")


def _check_bounds(index, size, dim):
    """PyTorch's message for the first out-of-range entry of an integer index array."""
    if index.size and (index.min() < -size or index.max() >= size):
        bad = index[(index < -size) | (index >= size)].reshape(-1)[0]
        raise IndexError(f"index {int(bad)} is out of bounds for dimension {dim} with size {size}")


def _index_node_name(index):
    """PyTorch's node for a basic index: the last view op applied (Select for an int, Slice for a
    slice, Unsqueeze for None); full slices inside a tuple apply nothing, so only they give Alias."""
    if isinstance(index, slice):
        return "SliceBackward0"
    for p in reversed(_index_parts(index)):
        if p is Ellipsis or (isinstance(p, slice) and p == slice(None)):
            continue
        if p is None:
            return "UnsqueezeBackward0"
        return "SliceBackward0" if isinstance(p, slice) else "SelectBackward0"
    return "AliasBackward0"


def _split_index(np_index, shape):
    """(the basic parts of ``np_index`` as an index of self, its advanced parts as an index of
    that view, whether the basic parts keep all of self)."""
    consumed = sum(p.ndim if _is_mask(p) else 1 for p in np_index if p is not None and p is not Ellipsis)
    basic, rest = [], []
    whole = True
    dim = 0
    for p in np_index:
        if p is Ellipsis:
            basic.append(p)
            rest.append(p)
            dim += len(shape) - consumed
        elif p is None or isinstance(p, slice):
            basic.append(p)
            rest.append(slice(None))   # the view keeps this dim (None adds one)
            whole = whole and p is not None and _keeps_dim(p, shape[dim])
            dim += p is not None
        elif isinstance(p, int):
            basic.append(p)            # the view has no such dim
            whole = False
            dim += 1
        else:
            n = p.ndim if _is_mask(p) else 1
            basic.extend([slice(None)] * n)
            rest.append(p)
            dim += n
    return tuple(basic), tuple(rest), whole


def _keeps_dim(part, size):
    """PyTorch skips a slice that starts at 0 with step 1 and reaches the end, written so
    (``-n:`` covers the dim too, but is not skipped)."""
    return part.start in (None, 0) and part.step in (None, 1) and (part.stop is None or part.stop >= size)


def _is_mask(p):
    return getattr(p, "dtype", None) == bool and p.ndim > 0


def _is_plain(index):
    """An index of ints and forward slices only, where NumPy's basic indexing is PyTorch's
    (out-of-range ints aside, which NumPy reports and the general path words as PyTorch)."""
    if index.__class__ is tuple:
        return all(p.__class__ is int or (p.__class__ is slice and (p.step is None or (
            p.step.__class__ is int and p.step > 0))) for p in index)
    return index.__class__ is int or (index.__class__ is slice and index.step is None)


def getitem(self, index):
    """self[index]: basic indices give a view, tensors and lists a copy (IndexBackward0)."""
    data = None
    if _is_plain(index):   # the common x[0], x[:, 1], x[1:3]: no conversion needed
        try:
            data = self._data[index]
            np_index, advanced = (index if index.__class__ is tuple else (index,)), False
        except IndexError:
            data = None
    if data is None:
        np_index, advanced = _convert_index(index, self._data.shape, xp_of(self))
        data = self._data[np_index]
    shape = self._data.shape
    if advanced and not any(p.__class__ is bool for p in np_index):
        basic, rest, whole = _split_index(np_index, shape)
        if not whole:   # PyTorch takes the basic parts as a view first, then indexes that view
            return getitem(getitem(self, basic), rest)
    if advanced:   # the index holds arrays: saved (as PyTorch saves the indices), not captured
        def vjp_advanced(g, _, np_index):
            return (_index_put_zeros(g, shape, np_index),)
        return record(wrap(data), "IndexBackward0", (self,), vjp_advanced, saved=(self, np_index))
    if type(data) is not np.ndarray and isinstance(data, np.generic):
        data = self._data[np_index + (Ellipsis,)]   # keep a 0-d view, not a NumPy scalar
    out = make_view(self, data, lambda b: b[index])

    def vjp(g):
        return (_index_put_zeros(g, shape, np_index),)
    return record(out, _index_node_name(index), (self,), vjp)


def _index_put_zeros(g, shape, np_index):
    """Gradient of indexing: zeros of ``shape`` with ``g`` added at ``np_index`` (differentiably)."""
    out = wrap(xp_of(g).zeros(shape, dtype=g._data.dtype))
    xp = xp_of(g)
    if any(not isinstance(p, (int, slice, type(None), type(Ellipsis), bool)) for p in np_index):
        xp.add.at(out._data, np_index, g._data)
        return record(out, "IndexPutBackward0", (g,), lambda gg, index: (gg[index],), saved=(_tensorize(np_index),))
    out._data[np_index] = g._data
    return record(out, "IndexPutBackward0", (g,), lambda gg: (gg[_tensorize(np_index)],))   # ints and slices


def _tensorize(np_index):
    return tuple(wrap(p) if hasattr(p, "shape") and not isinstance(p, np.generic) else p for p in np_index)


Tensor.__getitem__ = getitem


# -- diagonals and triangles -----------------------------------------------------------------------

def _diagonal_data(x, offset, d1, d2, xp):
    """A writable view of the diagonal ``offset`` of dims d1, d2, moved last (NumPy's is read-only)."""
    view = xp.diagonal(x, offset, d1, d2)
    if type(x) is not np.ndarray or view.flags.writeable or not x.flags.writeable:
        return view
    start = x[(slice(None),) * d2 + (slice(offset, None),)] if offset >= 0 else \
        x[(slice(None),) * d1 + (slice(-offset, None),)]
    return np.lib.stride_tricks.as_strided(start, view.shape, view.strides) if view.size else view.copy()


def _into_diagonal(g, shape, offset, d1, d2):
    """Zeros of ``shape`` with g on the diagonal ``offset`` of dims d1, d2 (differentiably)."""
    xp = xp_of(g)
    data = xp.zeros(shape, dtype=g._data.dtype)
    _diagonal_data(data, offset, d1, d2, xp)[...] = g._data
    return record(wrap(data), "DiagonalBackwardBackward0", (g,), lambda gg: (gg.diagonal(offset, d1, d2),))


@defop()
def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal ``offset`` of the matrices in dims dim1, dim2, as a view (its dim last)."""
    nd = input._data.ndim
    d1, d2 = _dim(dim1, nd), _dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    shape = input._data.shape
    out = make_view(input, _diagonal_data(input._data, offset, d1, d2, xp_of(input)),
                    lambda b: b.diagonal(offset, d1, d2))
    return record(out, "DiagonalBackward0", (input,), lambda g: (_into_diagonal(g, shape, offset, d1, d2),))


@defop()
def diag(input, diagonal=0, *, out=None):
    """A 1-d tensor as the diagonal ``diagonal`` of a square matrix; a matrix's diagonal as a 1-d copy."""
    x = input._data
    if x.ndim == 1:
        n = x.shape[0] + abs(diagonal)
        data = xp_of(input).zeros((n, n), dtype=x.dtype)
        _diagonal_data(data, diagonal, 0, 1, xp_of(input))[...] = x
        result = record(wrap(data), "DiagEmbedBackward0", (input,), lambda g: (g.diagonal(diagonal),))
    elif x.ndim == 2:
        shape = x.shape
        result = record(wrap(xp_of(input).diagonal(x, diagonal).copy()), "DiagonalBackward0_copy", (input,),
                        lambda g: (_into_diagonal(g, shape, diagonal, 0, 1),))
    else:
        raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " f"{x.ndim}D")
    return result if out is None else write_out(out, result)


def _triangle(name, node, pick):
    def op(input, diagonal=0, *, out=None):
        x = input._data
        if x.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        result = record(wrap(pick(xp_of(input), x, diagonal)), node, (input,),
                        lambda g: (op(g, diagonal),))
        return result if out is None else write_out(out, result)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"The {'lower' if name == 'tril' else 'upper'} triangle of the matrices in the last two dims "
                  f"(from diagonal ``diagonal``), the rest zero.")
    return defop(name=name, inplace=METHOD)(op)


tril = _triangle("tril", "TrilBackward0", lambda xp, x, k: xp.tril(x, k))
triu = _triangle("triu", "TriuBackward0", lambda xp, x, k: xp.triu(x, k))


# -- roll, meshgrid ---------------------------------------------------------------------------------

@defop()
def roll(input, shifts, dims=None):
    """Rotate the elements by ``shifts`` along ``dims`` (of the flattened tensor when dims is None)."""
    shifts_t = tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,)
    dims_t = () if dims is None else tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    if (dims is None and len(shifts_t) != 1) or (dims is not None and len(shifts_t) != len(dims_t)):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts_t)}, dims:{len(dims_t)}")
    x = input._data
    axes = tuple(_dim(d, x.ndim) for d in dims_t) if x.ndim else ()
    xp = xp_of(input)
    data = xp.roll(x, shifts_t[0]) if dims is None else xp.roll(x, shifts_t, axes) if axes else x.copy()
    back = tuple(-s for s in shifts_t)
    return record(wrap(data), "RollBackward0", (input,),
                  lambda g: (g.roll(back[0]) if dims is None else g.roll(back, dims_t),))


@defop(method=False)
def meshgrid(*tensors, indexing=None):
    """Coordinate grids: output i holds tensors[i] along dim i, expanded over the others ('ij'; 'xy'
    swaps the roles of the first two dims)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument. "
                      "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4215.)",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
    # 'xy' puts the first tensor along dim 1 and the second along dim 0
    axis = [1, 0] + list(range(2, len(tensors))) if indexing == "xy" and len(tensors) >= 2 else range(len(tensors))
    sizes = [0] * len(tensors)
    for i, t in zip(axis, tensors):
        sizes[i] = t._data.size
    grids = []
    for i, t in zip(axis, tensors):
        grids.append(t.view(tuple(-1 if k == i else 1 for k in range(len(sizes)))).expand(sizes))
    return tuple(grids)


# -- NumPy-style composites: built from the ops above, so they need no gradient code of their own --

@defop()
def ravel(input):
    """The elements as a 1-d tensor (a view when contiguous; PyTorch's contiguous().view(-1))."""
    return view(contiguous(input), -1)


@defop()
def broadcast_to(input, size):
    """``input`` expanded to ``size`` (ExpandBackward0)."""
    return expand(input, size)



@defop(method=False, differentiable=False)
def broadcast_shapes(*shapes):
    """The shape tensors of the given shapes broadcast to (a number n stands for the shape (n,))."""
    sizes = [(s,) if isinstance(s, (int, np.integer)) else tuple(s) for s in shapes]
    result = [1] * max((len(s) for s in sizes), default=0)
    for i, shape in enumerate(sizes):   # ATen's order, so that the error names what it names
        for k in range(1, len(shape) + 1):
            if result[-k] == 1:
                result[-k] = shape[-k]
            elif shape[-k] not in (1, result[-k]):
                raise RuntimeError(f"Attempting to broadcast a dimension of length {shape[-k]} at -{k}! Mismatching "
                                   f"argument at index {i} had {shape}; but expected shape should be broadcastable to "
                                   f"{result}")
    return Size(result)


@defop(method=False)
def cartesian_prod(*tensors):
    """Every combination of one element from each 1-d tensor, one per row (as itertools.product)."""
    for t in tensors:
        if t._data.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape [{', '.join(map(str, t._data.shape))}]")
    if len(tensors) == 1:
        return tensors[0]
    return stack([grid.reshape(-1) for grid in meshgrid(*tensors, indexing="ij")], 1)


@defop(method=False)
def block_diag(*tensors):
    """The tensors (at most 2-d; 0-d and 1-d ones as one row) along the diagonal of a matrix of zeros."""
    blocks = []
    for i, t in enumerate(tensors):
        if t._data.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t._data.ndim} dimensions")
        blocks.append(t._data.reshape(1, -1) if t._data.ndim < 2 else t._data)
    if not tensors:
        return wrap(np.zeros((1, 0), dtype=dtypes.get_default_dtype().np))
    dt = _common_dtype(tensors)
    xp = xp_of(tensors[0])
    data = xp.zeros((sum(b.shape[0] for b in blocks), sum(b.shape[1] for b in blocks)), dtype=dt.np)
    corners = np.cumsum([(0, 0)] + [b.shape for b in blocks], axis=0).tolist()
    for (row, col), block in zip(corners, blocks):
        data[row:row + block.shape[0], col:col + block.shape[1]] = block
    places = [(r, c, b.shape, t._data.shape) for (r, c), b, t in zip(corners, blocks, tensors)]

    def vjp(g):   # each input's gradient is its block of g
        return tuple(g[r:r + rows, c:c + cols].reshape(shape) for r, c, (rows, cols), shape in places)
    return record(wrap(data), "BlockDiagBackward0", tensors, vjp)


@defop()
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element (or slice along ``dim``) repeated ``repeats`` times in place; a tensor of repeats
    gives each its own count. ``repeat_interleave(counts)`` alone: each index repeated by its count."""
    if repeats is None:
        counts = input._data
        return wrap(xp_of(input).repeat(xp_of(input).arange(len(counts), dtype=np.int64), counts))
    if dim is None:
        input, dim = input.reshape(-1), 0
    d = _dim(dim, input._data.ndim)
    if isinstance(repeats, Tensor) and repeats._data.ndim == 1 and repeats._data.size != 1:
        if repeats._data.shape[0] != input._data.shape[d]:
            raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                               f"{repeats._data.shape[0]} and input.size(0) = {input._data.shape[d]}")
        index = repeat_interleave(repeats)
        return index_select(input, d, index)
    times = int(repeats.item() if isinstance(repeats, Tensor) else repeats)
    if times < 0:
        raise RuntimeError("Repeats must be non-negative")
    shape = input._data.shape
    spread = unsqueeze(input, d + 1).expand(*shape[:d + 1], times, *shape[d + 1:])
    return clone(spread).view(*shape[:d], shape[d] * times, *shape[d + 1:])


@defop(method=False)
def broadcast_tensors(*tensors):
    """The tensors expanded to their common broadcast shape (those already of it returned as they are)."""
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    shape = broadcasting.broadcast_shapes(*(t._data.shape for t in tensors))
    return tuple(t if t._data.shape == shape else expand(t, shape) for t in tensors)


@defop()
def tile(input, dims):
    """``repeat`` with ``dims`` padded with leading 1s to the tensor's number of dims."""
    if not isinstance(dims, (tuple, list)):
        raise TypeError(f"tile(): argument 'dims' (position 2) must be tuple of ints, not {type(dims).__name__}")
    dims = tuple(dims)
    return repeat(input, (1,) * (input._data.ndim - len(dims)) + dims)


def _at_least(min_dims, reshape_one):
    """atleast_Nd: each tensor with at least ``min_dims`` dims (0-d ones viewed as all-ones shapes,
    ``reshape_one`` for the others that fall short); several tensors give a tuple."""
    def op(*tensors):
        if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
            return tuple(op(t) for t in tensors[0])
        if len(tensors) != 1:
            return tuple(op(t) for t in tensors)
        t = tensors[0]
        nd = t._data.ndim
        if nd >= min_dims:
            return t
        return view(t, (1,) * min_dims) if nd == 0 else reshape_one(t)
    op.__name__ = op.__qualname__ = f"atleast_{min_dims}d"
    op.__doc__ = f"The tensor(s) with at least {min_dims} dimension{'s' if min_dims > 1 else ''}."
    return defop(method=False)(op)


atleast_1d = _at_least(1, None)
atleast_2d = _at_least(2, lambda t: unsqueeze(t, 0))
atleast_3d = _at_least(3, lambda t: unsqueeze(unsqueeze(t, 0), -1) if t._data.ndim == 1 else unsqueeze(t, -1))


def _joined(name, lift, dim_of):
    """hstack, vstack, dstack, column_stack: ``cat`` of the tensors made ``lift``-shaped, along
    ``dim_of(first lifted tensor)``."""
    def op(tensors, *, out=None):
        tensors = _tensor_list(tensors, name)
        if not tensors:
            raise RuntimeError(f"{name} expects a non-empty TensorList")
        lifted = [lift(t) for t in tensors]
        return cat(lifted, dim_of(lifted[0]), out=out)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Join tensors as NumPy's {name} does (a cat: CatBackward0)."
    return defop(method=False)(op)


hstack = _joined("hstack", atleast_1d, lambda t: 0 if t._data.ndim == 1 else 1)
vstack = _joined("vstack", atleast_2d, lambda t: 0)
dstack = _joined("dstack", atleast_3d, lambda t: 2)
column_stack = _joined("column_stack", lambda t: t.reshape(t._data.size, 1) if t._data.ndim <= 1 else t,
                       lambda t: 1)


@defop()
def tensor_split(input, indices_or_sections, dim=0):
    """Views (SliceBackward0 each) split at ``indices``, or into ``sections`` nearly equal pieces."""
    shape = input._data.shape
    if not shape:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    d = _dim(dim, len(shape))
    n = shape[d]
    split_at = indices_or_sections
    if isinstance(split_at, Tensor):
        if split_at._data.ndim > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                               f"one-dimensional tensor, but got a tensor with {split_at._data.ndim} dims")
        if split_at.dtype is not dtypes.int64:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to have dtype of long, but got "
                               f"{_type_name(split_at.dtype)}")
        split_at = split_at.tolist()
    if isinstance(split_at, (tuple, list)):
        bounds = [min(max(i + n if i < 0 else i, 0), n) for i in split_at]
    else:
        sections = int(split_at)
        if sections <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
        size, extra = divmod(n, sections)
        bounds = np.cumsum([size + 1] * extra + [size] * (sections - extra - 1)).tolist()
    starts = [0] + bounds
    ends = bounds + [n]
    return tuple(narrow(input, d, s, max(e - s, 0)) for s, e in zip(starts, ends))


def _numpy_split(name, min_dims, dim_of):
    """hsplit, vsplit: tensor_split along ``dim_of(ndim)``; a number of sections must divide the dim."""
    def op(input, indices_or_sections):
        nd = input._data.ndim
        if nd < min_dims:
            raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dims} dimension, but got a "
                               f"tensor with {nd} dimensions!")
        d = dim_of(nd)
        n = input._data.shape[d]
        if isinstance(indices_or_sections, int) and (indices_or_sections == 0 or n % indices_or_sections):
            raise RuntimeError(f"torch.{name} attempted to split along dimension {d}, but the size of the "
                               f"dimension {n} is not divisible by the split_size {indices_or_sections}!")
        return tensor_split(input, indices_or_sections, d)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"NumPy's {name}: a tensor_split along dim " + {"hsplit": "0 of a 1-d tensor, else 1", "vsplit": "0",
                                                                 "dsplit": "2"}[name] + "."
    return defop()(op)


hsplit = _numpy_split("hsplit", 1, lambda nd: 0 if nd == 1 else 1)
vsplit = _numpy_split("vsplit", 2, lambda nd: 0)
dsplit = _numpy_split("dsplit", 3, lambda nd: 2)


@defop()
def fliplr(input):
    """Reverse the columns (dim 1) of a tensor of at least 2 dims."""
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


@defop()
def flipud(input):
    """Reverse the rows (dim 0) of a tensor of at least 1 dim."""
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


@defop()
def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``dims``, from the first towards the second
    (a copy: Rot90Backward0)."""
    dims = tuple(dims)
    nd = input._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if nd < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
    d0, d1 = _dim(dims[0], nd), _dim(dims[1], nd)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    data = xp_of(input).rot90(input._data, k, (d0, d1)).copy()
    return record(wrap(data), "Rot90Backward0", (input,), lambda g: (rot90(g, -k, (d0, d1)),))
