"""Shape ops and indexing. Views share storage, version counter and base with their input,
and remember how they were taken from it (for in-place writes through a view)."""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..autograd.graph import record
from ..tensor import Size, Tensor, _dim, wrap
from ._util import method, xp_of

__all__ = ["reshape", "t", "transpose", "swapaxes", "unsqueeze", "squeeze", "flatten", "permute"]


def make_view(input, data, view_fn):
    """A tensor over ``data`` that views ``input``: same storage, version counter and base."""
    out = wrap(data)
    out._vcounter = input._vcounter
    out._base = input if input._base is None else input._base
    base_fn = getattr(input, "_view_fn", None) if input._base is not None else None
    out._view_fn = view_fn if base_fn is None else (lambda b: view_fn(base_fn(b)))
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
    v = x.view()
    try:
        v.shape = shape
    except AttributeError:
        return None
    return v


@method()
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
    return record(out, "ViewBackward0", (self,), lambda g: (g.reshape(in_shape),))


@method()
def reshape(input, *shape):
    """Like view when the strides allow, else a copy (recorded as UnsafeViewBackward0 over a clone)."""
    shape = infer_shape(_shape_arg(shape, "reshape"), input._data.size)
    if _view_data(input._data, shape) is not None:
        return view(input, shape)
    return _unsafe_view(clone(input, memory_format=None), shape)


def _unsafe_view(input, shape):
    in_shape = input._data.shape
    return record(wrap(input._data.reshape(shape)), "UnsafeViewBackward0", (input,),
                  lambda g: (g.reshape(in_shape),))


@method()
def view_as(self, other):
    return view(self, other.shape)


@method()
def reshape_as(self, other):
    return reshape(self, other.shape)


@method()
def clone(input, *, memory_format=None):
    """A copy with its own storage; gradients flow back unchanged."""
    return record(wrap(input._data.copy()), "CloneBackward0", (input,), lambda g: (g,))


@method()
def contiguous(self, memory_format=None):
    """self when already C-contiguous, else a contiguous copy."""
    if self._data.flags.c_contiguous:
        return self
    return clone(self)


@method()
def is_contiguous(self, memory_format=None) -> bool:
    return bool(self._data.flags.c_contiguous)


@method()
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


@method()
def t(input):
    """Transpose a tensor of at most 2 dims (TBackward0)."""
    nd = input._data.ndim
    if nd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")
    if nd < 2:
        return _noop_view(input)
    out = make_view(input, input._data.T, lambda b: b.t())
    return record(out, "TBackward0", (input,), lambda g: (g.t(),))


def _noop_view(input):
    out = make_view(input, input._data.view(), lambda b: b)
    return record(out, "TBackward0", (input,), lambda g: (g,))


@method("transpose", "swapaxes", "swapdims")
def transpose(input, dim0, dim1):
    """Swap two dims (a view)."""
    nd = input._data.ndim
    d0, d1 = _dim(dim0, nd), _dim(dim1, nd)
    out = make_view(input, input._data.swapaxes(d0, d1) if nd else input._data.view(),
                    lambda b: b.transpose(d0, d1))
    return record(out, "TransposeBackward0", (input,), lambda g: (g.transpose(d0, d1),))


swapaxes = swapdims = transpose


@method()
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
    inverse = tuple(np.argsort(dims).tolist())
    out = make_view(input, input._data.transpose(dims), lambda b: b.permute(dims))
    return record(out, "PermuteBackward0", (input,), lambda g: (g.permute(inverse),))


Tensor.T = property(lambda self: permute(self, tuple(reversed(range(self._data.ndim)))),
                    doc="The tensor with its dims reversed.")
Tensor.mT = property(lambda self: transpose(self, -2, -1), doc="Transpose of the last two dims.")


@method()
def unsqueeze(input, dim):
    """Insert a size-1 dim at ``dim`` (a view)."""
    d = _dim(dim, input._data.ndim + 1)
    out = make_view(input, _expand_dims(input._data, d), lambda b: b.unsqueeze(d))
    return record(out, "UnsqueezeBackward0", (input,), lambda g: (g.squeeze(d),))


def _expand_dims(x, d):
    return x.reshape(x.shape[:d] + (1,) + x.shape[d:])


@method()
def squeeze(input, dim=None):
    """Remove size-1 dims (all of them, or those in ``dim``)."""
    shape = input._data.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
        name = "SqueezeBackward0"
    else:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        dims = {_dim(d, len(shape)) for d in dims} if shape else set()
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
        name = "SqueezeBackward1" if isinstance(dim, int) else "SqueezeBackward2"
    out = make_view(input, input._data.reshape(new), lambda b: b.squeeze(dim))
    return record(out, name, (input,), lambda g: (g.reshape(shape),))


@method()
def expand(input, *sizes):
    """Broadcast to ``sizes`` without copying (-1 keeps a dim)."""
    sizes = _shape_arg(sizes, "expand")
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand(torch.FloatTensor{{[{', '.join(map(str, shape))}]}}, size=[{', '.join(map(str, sizes))}]): "
                           "the number of sizes provided ({}) must be greater or equal to the number of dimensions "
                           "in the tensor ({})".format(len(sizes), len(shape)))
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
    from .reduction import sum_to
    return record(out, "ExpandBackward0", (input,), lambda g: (sum_to(g, shape),))


@method()
def expand_as(self, other):
    return expand(self, other.shape)


# -- indexing ---------------------------------------------------------------------------------

def _index_parts(index):
    return index if isinstance(index, tuple) else (index,)


def _convert_index(index, shape, xp):
    """A PyTorch index as a NumPy index, checking integer bounds with PyTorch's message."""
    parts = _index_parts(index)
    out = []
    dim = 0
    has_advanced = False
    n_real = sum(1 for p in parts if p is not None and p is not Ellipsis)
    for p in parts:
        if p is None:
            out.append(None)
            continue
        if p is Ellipsis:
            out.append(Ellipsis)
            dim += len(shape) - n_real
            continue
        if isinstance(p, Tensor):
            if p.dtype is dtypes.bool or p.dtype.category == dtypes.INTEGER:
                has_advanced = True
                if p._data.ndim == 0 and p.dtype is not dtypes.bool:
                    p = int(p.item())
                else:
                    out.append(p._data)
                    dim += p._data.ndim if p.dtype is dtypes.bool else 1
                    continue
            else:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if isinstance(p, (bool, np.bool_)):
            out.append(p)
            continue
        if isinstance(p, (int, np.integer)):
            if dim >= len(shape):
                raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
            size = shape[dim]
            if not -size <= p < size:
                raise IndexError(f"index {p} is out of bounds for dimension {dim} with size {size}")
            out.append(int(p))
            dim += 1
            continue
        if isinstance(p, slice):
            if p.step is not None and p.step <= 0:
                raise ValueError("step must be greater than zero")
            out.append(p)
            dim += 1
            continue
        if isinstance(p, (list, tuple)):
            has_advanced = True
            out.append(xp.asarray(p))
            dim += 1
            continue
        raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                         "valid indices (got " + type(p).__name__ + ")")
    if dim > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    return tuple(out), has_advanced


def _index_node_name(index):
    """PyTorch's node for a basic index: Select for ints, Slice for slices, Unsqueeze for None."""
    parts = [p for p in _index_parts(index) if p is not Ellipsis]
    last = parts[-1] if parts else None
    for p in reversed(parts):
        if isinstance(p, slice) and p == slice(None):
            continue
        last = p
        break
    if isinstance(last, (int, np.integer)):
        return "SelectBackward0"
    if last is None and parts:
        return "UnsqueezeBackward0"
    if isinstance(last, slice):
        return "SliceBackward0"
    return "AliasBackward0"


def getitem(self, index):
    """self[index]: basic indices give a view, tensors and lists a copy (IndexBackward0)."""
    xp = xp_of(self)
    np_index, advanced = _convert_index(index, self._data.shape, xp)
    data = self._data[np_index]
    shape, dtype = self._data.shape, self.dtype
    if advanced:
        def vjp(g):
            return (_index_put_zeros(g, shape, np_index),)
        return record(wrap(data), "IndexBackward0", (self,), vjp, saved=(self,))
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
    else:
        out._data[np_index] = g._data
    return record(out, "IndexPutBackward0", (g,), lambda gg: (gg[_tensorize(np_index)],))


def _tensorize(np_index):
    return tuple(wrap(p) if hasattr(p, "shape") and not isinstance(p, np.generic) else p for p in np_index)


Tensor.__getitem__ = getitem
