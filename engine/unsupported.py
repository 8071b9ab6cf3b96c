"""Refusing PyTorch arguments that tensorsh accepts but does not implement.

A function keeps PyTorch's signature so that scripts call it unchanged; an argument it
does not implement must not be silently ignored, so a value other than the default
(None or False) is refused, naming the argument.
"""
from __future__ import annotations


def refuse_unsupported(function, **arguments):
    """NotImplementedError for the first of ``arguments`` (name=value) whose value is set,
    that is neither None nor False."""
    for name, value in arguments.items():
        if value is not None and value is not False:
            raise NotImplementedError(f"{function}(): {name}={value!r} is not supported by tensorsh")
