"""Refusing what tensorsh does not implement, in words that say so.

A function keeps PyTorch's signature so that scripts call it unchanged; an argument it
does not implement must not be silently ignored, so a value other than the default
(None or False) is refused, naming the argument. A few PyTorch names are left out on
purpose (``REFUSED_NAMES``): using one is an error that gives the reason, never a bare
"has no attribute".
"""
from __future__ import annotations


def refuse_unsupported(function, **arguments):
    """NotImplementedError for the first of ``arguments`` (name=value) whose value is set,
    that is neither None nor False."""
    for name, value in arguments.items():
        if value is not None and value is not False:
            raise NotImplementedError(f"{function}(): {name}={value!r} is not supported by tensorsh")


# PyTorch names tensorsh leaves out on purpose, each with its reason.
REFUSED_NAMES = {
    # NumPy has no bfloat16; PyTorch computes it in float32 and rounds each result to its 8-bit
    # mantissa, prints it with its own rules and draws its random numbers its own way: a partial
    # imitation would print numbers PyTorch does not, so it is refused everywhere instead.
    "bfloat16": "NumPy, which holds tensorsh's tensors, has no bfloat16 type; use torch.float16 or torch.float32",
}


def refusal(owner, name):
    """The error words for ``owner.name`` (``torch.bfloat16``) when tensorsh refuses that name, else None."""
    reason = REFUSED_NAMES.get(name)
    return None if reason is None else f"{owner}.{name} is not supported by tensorsh: {reason}"
