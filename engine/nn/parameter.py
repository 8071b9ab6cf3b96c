"""nn.Parameter: a tensor that a Module registers as one of its parameters when assigned to it."""
from __future__ import annotations

from .. import dtypes
from ..ops.creation import empty
from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor sharing ``data``'s storage, requiring grad by default; assigning one to a
    Module's attribute registers it (``module.parameters()`` lists it)."""
    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        source = empty(0) if data is None else data.detach()
        if requires_grad and not dtypes.floating_or_complex(source.dtype):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        param = object.__new__(cls)
        for slot in ("_data", "_vcounter", "_base", "_view_fn", "_view_version"):
            if hasattr(source, slot):
                setattr(param, slot, getattr(source, slot))
        param._base = None
        param._requires_grad = bool(requires_grad)
        param._grad_fn = None
        param._grad = None
        param._output_nr = 0
        param._grad_accumulator = None
        param._retains_grad = False
        return param

    def __init__(self, data=None, requires_grad=True):
        pass   # everything is set in __new__ (Tensor's own constructor is the legacy Tensor(2, 3))

    def __repr__(self, *, tensor_contents=None):
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo):
        return Parameter(self.detach().clone(), self.requires_grad)

    def __reduce_ex__(self, proto):
        return (Parameter, (self.detach(), self.requires_grad))
