"""The Optimizer base class: parameter groups, per-parameter state, zero_grad and state_dict.

An optimizer holds its parameters in ``param_groups``: dicts of {"params": [...], "lr": ..., ...}, each
group's settings defaulting to the optimizer's. ``state`` maps a parameter to what the algorithm keeps
for it (a momentum buffer, Adam's moving averages). ``step`` is each algorithm's own, written as
PyTorch's single-tensor implementation so that the updates (and their rounding) match its.
"""
from __future__ import annotations

import copy
from collections import defaultdict

import numpy as np

from ..autograd import graph as _graph
from ..autograd.grad_mode import enable_grad, no_grad
from ..autograd.grad_mode import state as _grad_mode
from ..dtypes import _BY_NP as _DTYPE_OF
from ..ops.pointwise import plus_scaled
from ..tensor import Tensor


class Optimizer:
    """Base class of the optimizers: ``Optimizer(params, defaults)``; params is an iterable of tensors
    or of dicts that each make a parameter group."""

    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got torch.{params.dtype.legacy_name}")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        """Add a group of parameters with its own settings (the rest from the defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        param_group["params"] = [params] if isinstance(params, Tensor) else list(params)
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + type(param).__module__ + "." + type(param).__name__)
            if not param.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        if any(id(p) in seen for p in param_group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        """Forget every parameter's gradient (or zero it in place, with set_to_none=False)."""
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is None:
                    continue
                if set_to_none:
                    param.grad = None
                else:
                    param.grad = param.grad.detach() if param.grad.grad_fn is not None else param.grad
                    param.grad.zero_()

    def step(self, closure=None):
        """One update of every parameter that has a gradient; ``closure`` (re-evaluating the loss) is
        called first, under grad mode, and its loss returned."""
        loss = None
        self._opt_called = True   # what lr_scheduler checks before its first step
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                for param in group["params"]:
                    if param.grad is None:
                        continue
                    state = self.state[param]
                    self._update(param, param.grad, group, state)
                    if not state:   # plain SGD keeps nothing, and PyTorch lists no state for it
                        del self.state[param]
        return loss

    def _update(self, param, grad, group, state):
        """One parameter's step; ``state`` is its (initially empty) dict of what the algorithm keeps."""
        raise NotImplementedError

    # -- saving and loading -------------------------------------------------------------------------
    def state_dict(self):
        """{'state': {index: state}, 'param_groups': [settings with 'params' as indices]}: parameters
        numbered in the order the groups list them, as PyTorch numbers them."""
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: s for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Take the settings and state of a saved optimizer over the same parameter layout (tensors moved
        to each parameter's device, and its dtype but for 'step')."""
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(a["params"]) != len(b["params"]) for a, b in zip(self.param_groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        params = [p for group in self.param_groups for p in group["params"]]
        by_index = dict(zip((i for group in saved_groups for i in group["params"]), params))
        self.state = defaultdict(dict)
        for i, saved in state_dict["state"].items():
            param = by_index[i]
            self.state[param] = {key: _placed(value, param, key) for key, value in saved.items()}
        for group, saved in zip(self.param_groups, saved_groups):
            group.update({k: v for k, v in saved.items() if k != "params"})

    def __repr__(self):
        text = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            text += "".join(f"    {key}: {group[key]}\n" for key in sorted(group) if key != "params")
        return text + ")"


def _placed(value, param, key):
    """A saved state value on ``param``'s device (and in its dtype, for floating tensors but 'step')."""
    if not isinstance(value, Tensor):
        return copy.deepcopy(value)
    floating = value.dtype.is_floating_point and key != "step"
    return value.to(param.device, param.dtype if floating else value.dtype)


def add_scaled_(param, update, alpha):
    """``param.add_(update, alpha=alpha)``; under the step's no_grad, its commonest case on the arrays:
    NumPy float tensors (not half, whose sum ATen rounds its own way) of one dtype and shape, a
    parameter that is no view nor inference tensor, a number alpha, no forward_ad level open. The
    same sum as add_'s general path (ATen's fused multiply-add, ``plus_scaled``), written into the
    parameter's array, whose version moves on; every other case is add_ itself."""
    data, values = param._data, update._data
    if (data.__class__ is np.ndarray and values.__class__ is np.ndarray and data.dtype is values.dtype
            and data.dtype.kind == "f" and data.dtype.itemsize > 2 and data.shape == values.shape
            and param._base is None and param._vcounter.__class__ is list
            and (alpha.__class__ is float or alpha.__class__ is int) and not _grad_mode.enabled
            and _graph.forward_mode is None):
        data[...] = plus_scaled(data, values, alpha, _DTYPE_OF[data.dtype])
        param._vcounter[0] += 1
        return param
    return param.add_(update, alpha=alpha)


def _check_non_negative(value, what):
    if not 0.0 <= value:
        raise ValueError(f"Invalid {what}: {value}")
