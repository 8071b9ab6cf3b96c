"""Module forward hooks: register_forward_pre_hook and register_forward_hook, their removal handles,
and the call that runs them around forward in PyTorch's order (the pre-hooks, forward, the hooks, each
kind in registration order, a prepended hook first).

A module has no hook tables until its first hook is registered: Module.__call__ tests one class
attribute, so a model without hooks pays nothing for them."""
from __future__ import annotations

import itertools
from collections import OrderedDict

_next_id = itertools.count()


class RemovableHandle:
    """What registering a hook returns: remove() takes the hook away again (also on leaving a with
    block)."""

    def __init__(self, *tables):
        self._id = next(_next_id)
        self._tables = tables

    @property
    def id(self):
        """The hook's key in its module's tables (a property: the sandbox reads class attributes)."""
        return self._id

    def remove(self):
        for table in self._tables:
            table.pop(self._id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.remove()


def add_hook(module, kind, hook, prepend, with_kwargs):
    """Put ``hook`` in ``module``'s table of ``kind`` ("_forward_pre_hooks" or "_forward_hooks"), keyed
    by its handle's id; the ids of those that take keyword arguments are kept beside it."""
    if "_forward_hooks" not in module.__dict__:
        for name in ("_forward_pre_hooks", "_forward_hooks"):
            object.__setattr__(module, name, OrderedDict())
            object.__setattr__(module, name + "_with_kwargs", OrderedDict())
        object.__setattr__(module, "_has_forward_hooks", True)
    table, keyword_table = getattr(module, kind), getattr(module, kind + "_with_kwargs")
    handle = RemovableHandle(table, keyword_table)
    table[handle.id] = hook
    if with_kwargs:
        keyword_table[handle.id] = True
    if prepend:
        table.move_to_end(handle.id, last=False)
    return handle


def call_with_hooks(module, args, kwargs):
    """module.forward(*args, **kwargs) with its pre-hooks before (each may replace the arguments) and
    its hooks after (each may replace the result)."""
    for key, hook in list(module._forward_pre_hooks.items()):
        if key in module._forward_pre_hooks_with_kwargs:
            result = hook(module, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError("forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                                       f"but got {result}.")
                args, kwargs = result
        else:
            result = hook(module, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
    output = module.forward(*args, **kwargs)
    for key, hook in list(module._forward_hooks.items()):
        if key in module._forward_hooks_with_kwargs:
            result = hook(module, args, kwargs, output)
        else:
            result = hook(module, args, output)
        if result is not None:
            output = result
    return output
