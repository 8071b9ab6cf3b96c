"""tensorsh: a shell for tensors and autograd.

The language lives in ``syntax`` (text -> tree) and ``interpreter`` (tree ->
values); ``cli`` is the command line.  ``Session`` is the one entry point a
front end needs (see ``tensorsh.interpreter.Session``).
"""

__version__ = "0.1.0"

__all__ = ["__version__", "Session"]


def __getattr__(name):
    # Imported lazily so that `tensorsh --version` stays instant.
    if name == "Session":
        from .interpreter import Session
        return Session
    raise AttributeError(f"module 'tensorsh' has no attribute {name!r}")
