"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode.

Each is a context manager and a decorator, as in PyTorch (``no_grad``, ``enable_grad`` and
``inference_mode`` also decorate without parentheses); ``set_grad_enabled(False)`` also works
as a plain call. The state is one module-level object that every op reads
(``state.enabled``: record graphs), so checking it is a single attribute load.

Inference mode is grad mode off and more: ``enable_grad`` inside it turns the grad mode
flag back on (``is_grad_enabled()`` is True) without recording anything, so the flag the
user sees (``state.grad``) and the one ops read (``state.enabled``) are kept apart.
Tensors made inside inference mode are inference tensors (see ``Tensor.is_inference``).
"""
from __future__ import annotations

import functools
import inspect

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "is_grad_enabled", "is_inference_mode_enabled"]


class _State:
    __slots__ = ("enabled", "grad", "inference")

    def __init__(self):
        self.enabled = True      # record graphs: grad mode on and not inside inference_mode
        self.grad = True         # the grad mode flag (is_grad_enabled)
        self.inference = False   # inside inference_mode

    def set(self, grad, inference):
        self.grad, self.inference = grad, inference
        self.enabled = grad and not inference


state = _State()


def is_grad_enabled() -> bool:
    return state.grad


def is_inference_mode_enabled() -> bool:
    """True inside an ``inference_mode()`` block."""
    return state.inference


class _GradMode:
    """Sets the mode on enter and restores the previous one on exit; decorates functions
    (and generators, whose body runs lazily) by running each call inside a fresh copy."""

    def __new__(cls, *args, **kwargs):
        # @no_grad without parentheses: the "argument" is the function to decorate
        if cls._bare_decorator and len(args) == 1 and not kwargs and callable(args[0]) \
                and not isinstance(args[0], bool):
            return cls()(args[0])
        return super().__new__(cls)

    _bare_decorator = True

    def __enter__(self):
        self._prev = state.grad, state.inference
        self._apply()

    def _apply(self):
        raise NotImplementedError

    def __exit__(self, *exc):
        state.set(*self._prev)
        return False

    def __call__(self, fn):
        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def generator(*args, **kwargs):
                gen = fn(*args, **kwargs)
                with self.clone():
                    value = gen.send(None)
                while True:
                    try:
                        sent = yield value
                    except GeneratorExit:
                        gen.close()
                        raise
                    with self.clone():
                        try:
                            value = gen.send(sent)
                        except StopIteration as stop:
                            return stop.value
            return generator

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

    def _apply(self):
        state.set(False, state.inference)


class enable_grad(_GradMode):
    """Enable gradient recording inside a ``no_grad`` block."""

    def _apply(self):
        state.set(True, state.inference)


class set_grad_enabled(_GradMode):
    """Set gradient recording on or off: a plain call, a context manager and a decorator."""

    _bare_decorator = False

    def __init__(self, mode: bool):
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled(): argument 'enabled' (position 1) must be bool, not "
                            f"{type(mode).__name__}")
        self.mode = mode
        self._prev = state.grad, state.inference
        state.set(mode, state.inference)   # takes effect at once, even without `with`

    def __enter__(self):
        pass

    def __call__(self, fn):
        # as a decorator the call above must not change the mode: put it back
        state.set(*self._prev)
        return super().__call__(fn)

    def clone(self):
        return type(self)(self.mode)


class inference_mode(_GradMode):
    """Grad mode off, and tensors made inside are inference tensors: they may not be saved for
    backward or modified in place outside inference mode. ``inference_mode(False)`` leaves it
    (grad mode on), as a nested block may."""

    def __init__(self, mode: bool = True):
        self.mode = mode

    def _apply(self):
        state.set(not self.mode, self.mode)

    def clone(self):
        return type(self)(self.mode)
