"""The names a session starts with, before its commands: every public engine
function and dtype (`rand`, `add`, `long` ...), the namespaces `torch` and its
submodules, Python's harmless builtins (`print len range ...`, the ones that
could loop forever in C or build huge values replaced by guards.py's), and
`math` (with its integer functions size-checked).
"""
import builtins as _py
import math
import types

import numpy as np

from .. import safe_numpy
from ..safe_numpy import Namespace
from . import classes
from .command_types import Command, SpecialForm
from .guards import (CONSUMERS, FilterIterator, LanguageIterator, checked_filter, checked_fsum, checked_hash,
                     checked_lcm, checked_pow, checked_prod, checked_slice, int_result_checked,
                     interruptible_consumer, iterator_builtin, log2_comb, log2_factorial, log2_perm,
                     MAX_INT_BITS, named_as_builtin)


# ------------------------------------------------------------------ engine

_ENGINE_MODULE_NAMES = ("engine", "torch")    # the engine's classes say they are torch's
# Engine names the language must not reach: files, pickling, and the
# limit that protects the machine.
_ENGINE_EXCLUDED = frozenset(("save", "load", "set_memory_limit", "from_file", "annotations",
                              "ops", "printing", "dtypes", "device_module", "hub", "jit",
                              "utils", "library", "multiprocessing", "storage"))
# The engine's modules a script reaches, by PyTorch's name (the path from
# `engine`, the name), parents before children.  Each is a namespace of its
# public names; where the engine module's public names include its own
# machinery, PyTorch's names for it are listed (_PYTORCH_NAMES).
_ENGINE_SUBMODULES = (
    ("accelerator", "torch.accelerator"), ("cuda", "torch.cuda"), ("autograd", "torch.autograd"),
    ("autograd.function", "torch.autograd.function"),
    ("autograd.functional", "torch.autograd.functional"), ("autograd.graph", "torch.autograd.graph"),
    ("autograd.forward_ad", "torch.autograd.forward_ad"),
    ("autograd.grad_mode", "torch.autograd.grad_mode"), ("nn", "torch.nn"),
    ("nn.functional", "torch.nn.functional"), ("nn.init", "torch.nn.init"), ("linalg", "torch.linalg"),
    ("fft", "torch.fft"), ("random", "torch.random"), ("special", "torch.special"), ("optim", "torch.optim"),
    ("optim.lr_scheduler", "torch.optim.lr_scheduler"), ("return_types", "torch.return_types"))
_PYTORCH_NAMES = {"torch.autograd.graph": ("Node", "saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks")}


def load_engine():
    """(the engine module, None), or (None, why it failed to import): the shell
    still runs plain Python-shaped code without it, and says why when a name is missing."""
    try:
        import engine
    except Exception as e:
        return None, f"{type(e).__name__}: {e}"
    return engine, None


def _from_engine(value):
    """Defined by the engine: a grad_fn node's class says, as PyTorch's, that it is in no
    module ("builtins"), and is known by its base class."""
    for cls in value.__mro__ if isinstance(value, type) else (value,):
        mod = getattr(cls, "__module__", None) or ""
        if isinstance(mod, str) and mod.split(".")[0] in _ENGINE_MODULE_NAMES:
            return True
    return False


def _keep(name, value):
    if name.startswith("_") or name in _ENGINE_EXCLUDED:
        return False
    if isinstance(value, types.ModuleType):
        return False
    if isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, type):
        return _from_engine(value)
    if callable(value):
        return _from_engine(value)
    return _from_engine(type(value))       # dtypes, devices, generators


def _public(module):
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in dir(module) if not n.startswith("_")]
    out = {}
    for n in names:
        try:
            v = getattr(module, n)
        except AttributeError:
            continue
        if _keep(n, v):
            out[n] = v
    return out


def engine_namespaces(engine):
    """-> (bare names, {module name: Namespace})."""
    if engine is None:
        torch = Namespace("torch", {})
        return {}, {"torch": torch, "engine": torch}
    top = _public(engine)
    torch = Namespace("torch", top, doc=(engine.__doc__ or "").strip())
    modules = {"torch": torch, "engine": torch}
    for path, full in _ENGINE_SUBMODULES:
        module = engine
        for part in path.split("."):
            module = getattr(module, part, None)
        if not isinstance(module, types.ModuleType):
            continue
        entries = _public(module)
        if full in _PYTORCH_NAMES:
            entries = {n: v for n, v in entries.items() if n in _PYTORCH_NAMES[full]}
        ns = modules[full] = Namespace(full, entries, doc=(module.__doc__ or "").strip())
        parent, _, attr = full.rpartition(".")
        modules[parent].entries[attr] = ns
    bare = {k: v for k, v in top.items() if not isinstance(v, Namespace)}
    return bare, modules


def math_namespace():
    entries = {n: getattr(math, n) for n in dir(math) if not n.startswith("_")}
    # comb and perm take several times longer than factorial for a result of the same size
    entries.update(factorial=int_result_checked(math.factorial, log2_factorial),
                   comb=int_result_checked(math.comb, log2_comb, MAX_INT_BITS // 4),
                   perm=int_result_checked(math.perm, log2_perm, MAX_INT_BITS // 4),
                   prod=checked_prod, lcm=checked_lcm, pow=math.pow,
                   fsum=named_as_builtin(checked_fsum, math.fsum))
    return Namespace("math", entries, doc="Python's math functions.")


# ----------------------------------------------------------- Python's own

PYTHON_NAMES = ("len range enumerate zip sum min max abs round int float bool str list "
                "tuple dict set frozenset sorted reversed any all map filter isinstance issubclass "
                "repr divmod pow callable iter next slice complex chr ord hex bin oct hash id object "
                "staticmethod classmethod property").split()

# Callables that must never run, however they were reached; type(x) reaches classes
# too, and those below are not for a script to call: NumPy's raw array (a buffer, an
# object dtype), bytes and bytearray of a size (no memory check), the shell's own
# kinds of value, and the makers of methods, functions and super objects.
DENIED_CALLABLES = frozenset(
    f for f in (getattr(_py, n, None) for n in (
        "eval", "exec", "compile", "open", "getattr", "setattr", "delattr", "__import__",
        "globals", "locals", "vars", "input", "breakpoint", "help", "memoryview", "type",
        "super", "dir", "exit", "quit", "bytes", "bytearray"))
    if f is not None) | safe_numpy.DENIED | frozenset((
        np.ndarray, np.flatiter, types.MethodType, types.FunctionType, types.SimpleNamespace,
        Namespace, safe_numpy.ArrayFlags, safe_numpy.SafeUfunc, SpecialForm, Command,
        LanguageIterator, FilterIterator))
# Names that people try: a clearer message than "not defined".
UNAVAILABLE = frozenset(("eval", "exec", "compile", "open", "getattr", "setattr", "delattr",
                         "globals", "locals", "input", "breakpoint", "memoryview",
                         "os", "sys", "subprocess", "importlib"))


def python_builtins(out):
    names = {n: getattr(_py, n) for n in PYTHON_NAMES}
    names.update(super=classes.SUPER, pow=checked_pow, slice=named_as_builtin(checked_slice, slice),
                 hash=named_as_builtin(checked_hash, hash), filter=named_as_builtin(checked_filter, filter),
                 zip=iterator_builtin(_py.zip),
                 map=iterator_builtin(_py.map, lambda args: args[1:]),
                 enumerate=iterator_builtin(_py.enumerate, lambda args: args[:1]),
                 reversed=iterator_builtin(_py.reversed),
                 iter=iterator_builtin(_py.iter, lambda args: args[:1]))
    for n in CONSUMERS:
        names[n] = interruptible_consumer(getattr(_py, n))

    def print_(*args, sep=" ", end="\n", flush=False):
        """print(*values, sep=' ', end='\\n'): write the values to standard output."""
        if sep is not None and not isinstance(sep, str):
            raise TypeError(f"sep must be None or a string, not {type(sep).__name__}")
        if end is not None and not isinstance(end, str):
            raise TypeError(f"end must be None or a string, not {type(end).__name__}")
        stream = out()
        stream.write((" " if sep is None else sep).join(map(str, args)) + ("\n" if end is None else end))
        if flush:
            stream.flush()

    print_.__name__ = "print"
    print_.__qualname__ = "print"
    names["print"] = print_
    return names
