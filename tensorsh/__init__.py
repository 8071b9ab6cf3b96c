"""tensorsh: a shell for tensors and autograd.

Three layers, each a package, each importing only those below it:
``language`` (text -> tree -> values, the sandbox, the commands),
``terminal`` (the interactive prompt) and ``cli`` (the command line).
``Session`` is the one entry point a front end needs (see
``tensorsh.language.interpreter.Session``).
"""

__version__ = "0.1.0"

__all__ = ["__version__", "Session"]


def __getattr__(name):
    # Imported lazily so that `tensorsh --version` stays instant.
    if name == "Session":
        from .language.interpreter import Session
        return Session
    raise AttributeError(f"module 'tensorsh' has no attribute {name!r}")
