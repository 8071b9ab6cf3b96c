"""The names a session starts with, before its commands: every public engine
function and dtype (`rand`, `add`, `long` ...), the namespaces `torch` and its
submodules, Python's harmless builtins (`print len range ...`, the ones that
could loop forever in C or build huge values replaced by guards.py's), and
`math` (with its integer functions size-checked).
"""
import builtins as _py
import math
import types

from .. import safe_numpy
from ..safe_numpy import Namespace
from .guards import (CONSUMERS, checked_filter, checked_fsum, checked_hash,
                     checked_lcm, checked_pow, checked_prod, checked_slice, int_result_checked,
                     interruptible_consumer, iterator_builtin, log2_comb, log2_factorial, log2_perm,
                     MAX_INT_BITS, named_as_builtin)


# ------------------------------------------------------------------ engine

_ENGINE_MODULE_NAMES = ("engine",)
# Engine names the language must not reach: files, pickling, and the
# limit that protects the machine.
_ENGINE_EXCLUDED = frozenset(("save", "load", "set_memory_limit", "from_file", "annotations",
                              "ops", "printing", "dtypes", "device_module", "hub", "jit",
                              "utils", "library", "multiprocessing", "storage"))
_ENGINE_SUBMODULES = {"cuda": "torch.cuda", "autograd": "torch.autograd", "nn": "torch.nn",
                      "linalg": "torch.linalg", "fft": "torch.fft", "special": "torch.special",
                      "optim": "torch.optim"}
# The namespaces inside those: torch.nn.functional, torch.nn.init, torch.optim.lr_scheduler
_ENGINE_NESTED = {"nn": ("functional", "init"), "optim": ("lr_scheduler",)}


def load_engine():
    """(the engine module, None), or (None, why it failed to import): the shell
    still runs plain Python-shaped code without it, and says why when a name is missing."""
    try:
        import engine
    except Exception as e:
        return None, f"{type(e).__name__}: {e}"
    return engine, None


def _from_engine(value):
    mod = getattr(value, "__module__", None) or ""
    if not isinstance(mod, str):
        return False
    return mod.split(".")[0] in _ENGINE_MODULE_NAMES


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
    modules = {}
    for attr, full in _ENGINE_SUBMODULES.items():
        sub = getattr(engine, attr, None)
        if isinstance(sub, types.ModuleType):
            entries = _public(sub)
            for nested in _ENGINE_NESTED.get(attr, ()):
                inner = getattr(sub, nested, None)
                if isinstance(inner, types.ModuleType):
                    ns = Namespace(f"{full}.{nested}", _public(inner))
                    entries[nested] = ns
                    modules[f"{full}.{nested}"] = ns
            ns = Namespace(full, entries, doc=(sub.__doc__ or "").strip())
            modules[full] = ns
            top_entry = ns
        else:
            top_entry = None
        if top_entry is not None:
            top[attr] = top_entry
    torch = Namespace("torch", dict(top), doc=(engine.__doc__ or "").strip())
    modules["torch"] = torch
    modules["engine"] = torch
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
                "tuple dict set frozenset sorted reversed any all map filter isinstance "
                "repr divmod pow callable iter next slice complex chr ord hex bin oct hash").split()

# Callables that must never run, however they were reached.
DENIED_CALLABLES = frozenset(
    f for f in (getattr(_py, n, None) for n in (
        "eval", "exec", "compile", "open", "getattr", "setattr", "delattr", "__import__",
        "globals", "locals", "vars", "input", "breakpoint", "help", "memoryview", "type",
        "object", "super", "classmethod", "staticmethod", "property", "dir", "id", "exit", "quit"))
    if f is not None) | safe_numpy.DENIED
# Names that people try: a clearer message than "not defined".
UNAVAILABLE = frozenset(("eval", "exec", "compile", "open", "getattr", "setattr", "delattr",
                         "globals", "locals", "input", "breakpoint", "type", "object", "super",
                         "dir", "id", "memoryview", "quit", "os", "sys", "subprocess", "importlib"))


def python_builtins(out):
    names = {n: getattr(_py, n) for n in PYTHON_NAMES}
    names.update(pow=checked_pow, slice=named_as_builtin(checked_slice, slice),
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
