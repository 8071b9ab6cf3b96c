"""The op registry: one definition names an op, makes it a Tensor method, exports it, and says
whether it has a gradient.

PyTorch lists its ops once (``native_functions.yaml``, ``derivatives.yaml``); HIPS autograd has its
``defvjp`` table. Here that list is made by the :func:`defop` decorator::

    @defop("absolute", inplace=EXPORTED)   # torch.abs, torch.absolute, Tensor.abs, Tensor.absolute,
    def abs(input, *, out=None):         # Tensor.abs_, Tensor.absolute_, torch.abs_, torch.absolute_
        ...

Everything else is derived from it, never kept by hand: what ``import engine as torch`` offers
(:func:`exports`, also the ``__all__`` of ``torch.linalg`` and ``torch.nn.functional``), and through
those namespaces the shell's help index and completion; the tests' coverage check reads
:func:`ops` and fails when a differentiable op has no gradient spec or a name has no help example.
Values that are not ops (``torch.pi``, ``torch.Generator``, ``manual_seed``) are registered with
:func:`export`, so that they too are exported from one place.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

from ..tensor import Tensor
from ._util import inplace as run_inplace

__all__ = ["Op", "defop", "export", "exports", "ops", "METHOD", "EXPORTED"]

# Where an op's in-place form lives: a Tensor method only (``x.add_``), or also a torch function
# (``torch.abs_``), as PyTorch has it for most unary functions.
METHOD, EXPORTED = "method", "exported"


class Op(NamedTuple):
    name: str                  # torch.NAME (or NAMESPACE.NAME)
    fn: Callable
    namespace: str             # "torch", "torch.linalg", "torch.nn.functional"
    aliases: tuple             # other names of the same op: torch.absolute for torch.abs
    methods: tuple             # the Tensor methods that are this op
    inplace: tuple             # its in-place forms: Tensor.NAME_ ...
    inplace_exported: tuple    # ... those that are also torch functions
    function: bool             # exported as a function (else only a method, as Tensor.view)
    differentiable: bool       # False: the op has no gradient (its outputs never require grad)

    def names(self) -> tuple:
        """Every name the op is exported under in its namespace."""
        return ((self.name, *self.aliases) if self.function else ()) + self.inplace_exported


_ops: list[Op] = []
_values: dict[str, dict[str, object]] = {}   # namespace -> {name: value} for what is not an op


def defop(*aliases, method=True, function=True, inplace=None, exported_inplace=None, differentiable=True,
          namespace="torch", name=None):
    """Register the decorated function as an op.

    aliases: other exported names of it. method: True makes it a Tensor method under its name and
    aliases, False makes it none, a tuple of names chooses them. function: False for a method that
    PyTorch does not also offer as ``torch.NAME`` (``view``, ``expand``). inplace: METHOD or EXPORTED gives it
    the in-place forms ``NAME_`` of its method names (running it out of place and writing the result
    back, as ``_util.inplace`` does); a function instead is the in-place method. exported_inplace:
    which in-place forms are torch functions, where PyTorch exports only some (``torch.abs_`` but
    not ``torch.absolute_``). differentiable: False declares that it has no gradient.
    """
    def register(fn):
        op_name = name or fn.__name__
        method_names = (op_name, *aliases) if method is True else tuple(method or ())
        for method_name in method_names:
            setattr(Tensor, method_name, fn)
        inplace_names = ()
        if inplace is not None:
            inplace_names = tuple(m + "_" for m in (method_names or (op_name,)))
            for inplace_name in inplace_names:
                setattr(Tensor, inplace_name,
                        inplace if callable(inplace) else _inplace_method(inplace_name, fn))
        if exported_inplace is not None:
            exported = tuple(exported_inplace)
        else:
            exported = inplace_names if inplace == EXPORTED else ()
        _ops.append(Op(op_name, fn, namespace, tuple(aliases), method_names, inplace_names, exported,
                       function, differentiable))
        return fn
    return register


def _inplace_method(name, fn):
    def method_(self, *args, **kwargs):
        if not isinstance(self, Tensor):   # called as the torch function (torch.abs_): its argument parser's words
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(self).__name__}")
        return run_inplace(self, fn, *args, **kwargs)
    method_.__name__ = method_.__qualname__ = name
    method_.__doc__ = f"In-place version of :func:`{fn.__name__}`."
    return method_


def export(value=None, *, name=None, namespace="torch"):
    """Export a value that is not an op (a constant, a class, a function such as ``manual_seed``).
    Usable as a decorator."""
    def register(value):
        _values.setdefault(namespace, {})[name or value.__name__] = value
        return value
    return register if value is None else register(value)


def ops(namespace=None) -> list[Op]:
    """The registered ops, in definition order (of one namespace when given)."""
    return [o for o in _ops if namespace is None or o.namespace == namespace]


def exports(namespace="torch") -> dict[str, object]:
    """{name: value} of everything a namespace exports: its ops under every name, and its values."""
    found = {}
    for o in ops(namespace):
        for exported_name in o.names():
            found[exported_name] = getattr(Tensor, exported_name) if exported_name in o.inplace_exported else o.fn
    found.update(_values.get(namespace, {}))
    return found
