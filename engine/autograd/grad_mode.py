"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode.

Each is a context manager and a decorator, as in PyTorch. The state is one
module-level flag that every op reads (``state.enabled``), so checking it is
a single attribute load.
"""
from __future__ import annotations

import functools

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "is_grad_enabled", "is_inference_mode_enabled"]


class _State:
    __slots__ = ("enabled", "inference")

    def __init__(self):
        self.enabled = True
        self.inference = False


state = _State()


def is_grad_enabled() -> bool:
    return state.enabled


def is_inference_mode_enabled() -> bool:
    return state.inference


class _GradMode:
    """Base: sets the grad flag on enter, restores it on exit; usable as a decorator."""

    _target = True

    def __enter__(self):
        self._prev = state.enabled, state.inference
        self._apply()

    def _apply(self):
        state.enabled = self._target

    def __exit__(self, *exc):
        state.enabled, state.inference = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return type(self)()

    def __repr__(self):
        return f"<torch.autograd.grad_mode.{type(self).__name__} object at {id(self):#x}>"


class no_grad(_GradMode):
    """Disable gradient recording: results computed inside are leaves that do not require grad."""
    _target = False


class enable_grad(_GradMode):
    """Enable gradient recording inside a ``no_grad`` block."""
    _target = True


class set_grad_enabled(_GradMode):
    """Set gradient recording on or off; works as a function, a context manager and a decorator."""

    def __init__(self, mode: bool):
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled(): argument 'mode' (position 1) must be bool, not {type(mode).__name__}")
        self._target = mode
        self._prev = state.enabled, state.inference
        state.enabled = mode   # takes effect even when not used with `with`

    def __enter__(self):
        pass

    def clone(self):
        return type(self)(self._target)


class inference_mode(_GradMode):
    """Like no_grad; tensors made inside are inference tensors (here: plain leaves)."""

    def __init__(self, mode: bool = True):
        self.mode = mode

    def _apply(self):
        if self.mode:
            state.enabled, state.inference = False, True

    def clone(self):
        return type(self)(self.mode)
