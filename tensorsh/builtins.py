"""The names a session starts with.

Layers, later ones winning a clash of names:
  1. every public engine function and dtype (`rand`, `add`, `long` ...);
  2. Python's harmless builtins (`print len range ... float int bool`);
  3. the shell's commands (`help vars graph time run save load reset exit`).
Plus the namespaces `torch`, `np`/`numpy` (and `math`, by import).

Shell commands are Command objects (called with values) or SpecialForm
objects (given the unevaluated argument nodes, because they need names or
must time the evaluation).  Both read well in command form.
"""
import builtins as _py
import math
import os
import sys
import time as _time
import types

from . import safe_numpy
from .errors import UserError, format_size, parse_size
from .safe_numpy import Namespace


class Command:
    """A shell command: an ordinary callable with a name and a help text."""

    __slots__ = ("name", "fn", "doc", "bare")

    def __init__(self, name, fn, doc, bare=False):
        self.name = name
        self.fn = fn
        self.doc = doc
        self.bare = bare     # a bare `vars` runs it rather than showing it

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def __repr__(self):
        return f"<shell command {self.name}>"


class SpecialForm:
    """A command that receives its arguments unevaluated (as syntax nodes)."""

    __slots__ = ("name", "run", "doc", "bare")

    def __init__(self, name, run, doc, bare=False):
        self.name = name
        self.run = run        # run(interpreter, call_node) -> value
        self.doc = doc
        self.bare = bare

    def __repr__(self):
        return f"<shell command {self.name}>"


# ------------------------------------------------------------------ engine

_ENGINE_MODULE_NAMES = ("engine",)
# Engine names the language must not reach: files, pickling, and the
# limit that protects the machine.
_ENGINE_EXCLUDED = frozenset(("save", "load", "set_memory_limit", "from_file", "annotations",
                              "ops", "printing", "dtypes", "device_module", "hub", "jit",
                              "utils", "library", "multiprocessing", "storage"))
_ENGINE_SUBMODULES = {"cuda": "torch.cuda", "autograd": "torch.autograd", "nn": "torch.nn",
                      "linalg": "torch.linalg", "fft": "torch.fft", "special": "torch.special"}


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
            if attr == "nn":
                f = getattr(sub, "functional", None)
                if isinstance(f, types.ModuleType):
                    ns = Namespace("torch.nn.functional", _public(f))
                    entries["functional"] = ns
                    modules["torch.nn.functional"] = ns
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


# ---- sizes of Python values: an integer or a repeated sequence can ask for
# more memory or time than any tensor, and Python's own arithmetic cannot be
# interrupted by Ctrl-C.  The operators that grow them are checked first.

MAX_INT_BITS = 1 << 20      # about 315,000 decimal digits: any operation on them takes well under a second
_REPEATED = frozenset((str, bytes, bytearray, list, tuple))


def _refuse_int(bits, what, limit=MAX_INT_BITS):
    raise UserError(f"refusing to compute {what}: the result would have about {int(bits):,} bits, "
                    f"and integers in tensorsh are limited to {limit:,}" + (" here" if limit != MAX_INT_BITS else ""))


def _check_repeat(seq, times):
    import operator
    try:
        n = operator.index(times)
    except TypeError:
        return
    unit = 8 if isinstance(seq, (list, tuple)) else 1
    safe_numpy.check_bytes(len(seq) * max(n, 0) * unit, f"a {type(seq).__name__} repeated {n:,} times")


def _check_product(a, b):
    ca, cb = a.__class__, b.__class__
    if ca is int and cb is int:
        if a.bit_length() + b.bit_length() > MAX_INT_BITS:
            _refuse_int(a.bit_length() + b.bit_length(), "this product")
    elif ca in _REPEATED:
        _check_repeat(a, b)
    elif cb in _REPEATED:
        _check_repeat(b, a)


def _check_power(a, b):
    if a.__class__ is int and b.__class__ is int and b > 0 and abs(a) > 1:
        bits = math.log2(abs(a)) * b
        if bits > MAX_INT_BITS:
            _refuse_int(bits, "this power")


def _check_shift(a, b):
    if a.__class__ is int and b.__class__ is int and a and b > 0 and a.bit_length() + b > MAX_INT_BITS:
        _refuse_int(a.bit_length() + b, "this shift")


# The operators as the language runs them: checked, then Python's (in place for `x *= y`).
def checked_mul(a, b):
    _check_product(a, b)
    return a * b


def checked_imul(a, b):
    _check_product(a, b)
    a *= b
    return a


def checked_pow(a, b, mod=None):
    """a ** b, and the language's pow(a, b[, mod])."""
    if mod is not None:
        return pow(a, b, mod)
    _check_power(a, b)
    return a ** b


def checked_ipow(a, b):
    _check_power(a, b)
    a **= b
    return a


def checked_lshift(a, b):
    _check_shift(a, b)
    return a << b


def checked_ilshift(a, b):
    _check_shift(a, b)
    a <<= b
    return a


def _int_result_checked(fn, bits_of, limit=MAX_INT_BITS):
    """fn with the size of its integer result estimated (from lgamma) before it runs."""
    import functools

    @functools.wraps(fn)
    def checked(*args):
        try:
            bits = bits_of(*args)
        except (TypeError, ValueError, OverflowError):
            bits = 0            # fn reports its own argument errors
        if bits > limit:
            _refuse_int(bits, f"{fn.__name__}()", limit)
        return fn(*args)
    return checked


def _log2_factorial(n):
    return math.lgamma(int(n) + 1) / math.log(2) if n > 1 else 0


def _log2_comb(n, k):
    n, k = int(n), int(k)
    if not 0 <= k <= n:
        return 0
    return _log2_factorial(n) - _log2_factorial(k) - _log2_factorial(n - k)


def _log2_perm(n, k=None):
    n = int(n)
    k = n if k is None else int(k)
    return _log2_factorial(n) - _log2_factorial(n - k) if 0 <= k <= n else 0


def _checked_prod(iterable, /, *, start=1):
    """math.prod as a loop of checked products (Ctrl-C stops it; no huge integers)."""
    result = start
    for v in iterable:
        result = checked_mul(result, v)
    return result


def _checked_lcm(*integers):
    result = 1
    for v in integers:
        if result.__class__ is int and v.__class__ is int \
                and result.bit_length() + v.bit_length() > MAX_INT_BITS:
            _refuse_int(result.bit_length() + v.bit_length(), "this lcm")
        result = math.lcm(result, v)
    return result


def math_namespace():
    entries = {n: getattr(math, n) for n in dir(math) if not n.startswith("_")}
    # comb and perm take several times longer than factorial for a result of the same size
    entries.update(factorial=_int_result_checked(math.factorial, _log2_factorial),
                   comb=_int_result_checked(math.comb, _log2_comb, MAX_INT_BITS // 4),
                   perm=_int_result_checked(math.perm, _log2_perm, MAX_INT_BITS // 4),
                   prod=_checked_prod, lcm=_checked_lcm, pow=math.pow,
                   fsum=_named(_fsum, math.fsum))
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


# ---- iteration Ctrl-C can stop, nesting that cannot overflow the C stack
#
# Python's iterators and the builtins that consume an iterable loop in C, where
# Ctrl-C is never looked at: `set(iter(int, 1))`, `next(filter(None, ...))`,
# `sum(range(10**12))`.  So every builtin that returns an iterator returns one
# whose `__next__` is Python code (the interrupt is checked each time it runs),
# and a consumer given a lazy iterable of C's own (a range) is fed it through a
# generator.  Iterators made of iterators are also how C recursion is reached
# (`next` of 300,000 nested zips overflows the C stack): their nesting is capped.

MAX_ITERATOR_NESTING = 100
_IN_MEMORY = frozenset((list, tuple, str, bytes, dict, set, frozenset))


class LanguageIterator:
    """What zip, map, enumerate, reversed and iter return: Python's iterator
    (`steps`), stepped from Python code; `nesting` counts the iterators of
    this kind inside it."""

    __slots__ = ("steps", "nesting")

    def __init__(self, steps, sources):
        nesting = 1
        for source in sources:
            if source.__class__ in ITERATOR_CLASSES and source.nesting >= nesting:
                nesting = source.nesting + 1
        if nesting > MAX_ITERATOR_NESTING:
            raise UserError(f"iterators nested more than {MAX_ITERATOR_NESTING} deep are not supported")
        self.steps = steps
        self.nesting = nesting

    def __iter__(self):
        return self

    def __next__(self):
        return next(self.steps)

    def __repr__(self):
        return f"<{type(self.steps).__name__} object>"


class FilterIterator(LanguageIterator):
    """filter's iterator: the items skipped are skipped in Python code too."""

    __slots__ = ("keep",)

    def __init__(self, keep, iterable):
        super().__init__(iter(iterable), (iterable,))
        self.keep = bool if keep is None else keep

    def __next__(self):
        keep = self.keep
        for item in self.steps:
            if keep(item):
                return item
        raise StopIteration

    def __repr__(self):
        return "<filter object>"


ITERATOR_CLASSES = frozenset((LanguageIterator, FilterIterator))


def _iterator_builtin(real, sources_of=lambda args: args):
    """The language's version of the builtin `real`: the same arguments and errors,
    stepped from Python; sources_of(args) are the iterables it reads from."""
    import functools

    @functools.wraps(real)
    def builtin(*args, **kwargs):
        return LanguageIterator(real(*args, **kwargs), sources_of(args))
    return builtin


def _filter(function, iterable, /):
    return FilterIterator(function, iterable)


def _fsum(iterable, /):
    return math.fsum(reachable(iterable))


def _named(fn, real):
    """fn, shown in help and errors as Python's builtin real."""
    fn.__name__ = fn.__qualname__ = real.__name__
    fn.__doc__ = real.__doc__
    return fn


def _one_by_one(iterable):
    for item in iterable:
        yield item


def reachable(iterable):
    """iterable, or a generator over it when looping over it in C would not see Ctrl-C."""
    cls = iterable.__class__
    if cls in _IN_MEMORY or cls in ITERATOR_CLASSES or isinstance(iterable, tuple(_IN_MEMORY)):
        return iterable
    return _one_by_one(iter(iterable))


# Builtins that run a whole iterable through in C.
_CONSUMERS = ("sum", "min", "max", "any", "all", "sorted")


def _interruptible_consumer(fn):
    import functools

    @functools.wraps(fn)
    def consume(*args, **kwargs):
        if len(args) == 1:
            args = (reachable(args[0]),)
        return fn(*args, **kwargs)
    return consume


def construct(cls, args, kwargs):
    """cls(*args, **kwargs) for the types that consume an iterable, fed one item at a time.
    A list or tuple of a range is left to Python: it allocates its whole length at once
    and fails at once when that is too much."""
    if len(args) == 1 and not (args[0].__class__ is range and (cls is list or cls is tuple)):
        args = (reachable(args[0]),)
    made = cls(*args, **kwargs)
    return checked_tuple(made) if cls is tuple else made


# The language calls these through `construct` (compiler and interpreter call sites):
# the names stay Python's types, so isinstance(x, list) and list.append work.
CONSUMING_TYPES = frozenset((list, tuple, set, frozenset, dict))


def checked_contains(container, item):
    """`item in container`.  A range answers an int at once but scans for anything
    else (`0.5 in range(10**15)`): that scan is made where Ctrl-C reaches it."""
    if container.__class__ is range and item.__class__ is not int:
        return item in _one_by_one(container)
    return item in container


# ---- nesting that Python's C code recurses through without a depth check

MAX_NESTING = 1000


def _too_deep(what):
    return UserError(f"{what} nested more than {MAX_NESTING:,} deep are not supported "
                     "(Python's C code would overflow its stack on them)")


def check_tuple_nesting(items):
    """Refuse a tuple of items nested more than MAX_NESTING deep: hashing one
    recurses in C, unchecked, and a deep enough one kills the process.  Each
    tuple inside is measured once (`t = (t, t)` shares them)."""
    heights = {}        # id(tuple) -> how many tuples deep it goes
    stack = [(items, False)]
    while stack:
        node, measured_inside = stack.pop()
        if measured_inside:
            height = 1 + max((heights[id(v)] for v in node if v.__class__ is tuple), default=0)
            if height > MAX_NESTING:
                raise _too_deep("tuples")
            heights[id(node)] = height
        elif id(node) not in heights:
            stack.append((node, True))
            stack.extend((v, False) for v in node if v.__class__ is tuple and id(v) not in heights)


def checked_tuple(values):
    """tuple(values) for a tuple display: measured only when it holds a tuple."""
    for v in values:
        if v.__class__ is tuple:
            check_tuple_nesting(values)
            break
    return tuple(values)


def check_slice_parts(parts):
    """A slice may hold a slice, but not one that holds another: freeing a deep
    chain of them recurses in C.  (Every slice the language makes is checked, so
    none is deeper than two.)"""
    for part in parts:
        if part.__class__ is slice and slice in (part.start.__class__, part.stop.__class__,
                                                 part.step.__class__):
            raise UserError("a slice cannot hold a slice that holds a slice")


def _slice(*args):
    check_slice_parts(args)
    return slice(*args)


def _hash(obj, /):
    """hash(obj), refusing what would overflow the C stack."""
    if obj.__class__ is tuple:
        check_tuple_nesting(obj)
    return hash(obj)


def python_builtins(out):
    names = {n: getattr(_py, n) for n in PYTHON_NAMES}
    names.update(pow=checked_pow, slice=_named(_slice, slice), hash=_named(_hash, hash),
                 filter=_named(_filter, filter),
                 zip=_iterator_builtin(_py.zip),
                 map=_iterator_builtin(_py.map, lambda args: args[1:]),
                 enumerate=_iterator_builtin(_py.enumerate, lambda args: args[:1]),
                 reversed=_iterator_builtin(_py.reversed),
                 iter=_iterator_builtin(_py.iter, lambda args: args[:1]))
    for n in _CONSUMERS:
        names[n] = _interruptible_consumer(getattr(_py, n))

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


# ------------------------------------------------------------ shell commands

def shell_commands(interp):
    """The shell's commands, bound to one interpreter."""
    from . import display, helptext

    def out():
        return interp.stdout()

    def backward(tensor, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        method = getattr(tensor, "backward", None)
        if method is None or isinstance(tensor, (int, float, list, tuple)):
            raise UserError(f"backward needs a tensor, not {type(tensor).__name__}")
        kwargs = {}
        if retain_graph is not None:
            kwargs["retain_graph"] = retain_graph
        if create_graph:
            kwargs["create_graph"] = create_graph
        if inputs is not None:
            kwargs["inputs"] = inputs
        return method(gradient, **kwargs) if gradient is not None else method(**kwargs)

    def vars_():
        rows = display.variable_rows(interp.globals)
        if not rows:
            out().write("(no variables)\n")
            return None
        out().write(display.format_table(rows))
        return None

    def graph(tensor=None, dot=None):
        drawn, note = graph_command(tensor, dot, interp.globals)
        out().write(note + "\n" if note else str(drawn))
        return None

    def run(path):
        if not isinstance(path, str):
            raise UserError("run needs a file name: run \"file.tsh\"")
        interp.run_file(path)
        return None

    def load(path):
        if not isinstance(path, str):
            raise UserError("load needs a file name: load \"file.npz\"")
        for name, value in _load_npz(path, interp).items():
            interp.globals[name] = value
        return None

    def reset():
        interp.reset()
        return None

    def exit_(code=0):
        from .errors import ExitRequest
        if not isinstance(code, int) or isinstance(code, bool):
            raise UserError("exit takes an integer status, e.g. exit 1")
        raise ExitRequest(code)

    def memory_limit():
        return interp.memory_limit

    cmds = [
        Command("backward", backward, helptext.COMMANDS["backward"]),
        Command("vars", vars_, helptext.COMMANDS["vars"], bare=True),
        Command("graph", graph, helptext.COMMANDS["graph"]),
        SpecialForm("explain", _explain_form, helptext.COMMANDS["explain"]),
        Command("run", run, helptext.COMMANDS["run"]),
        Command("load", load, helptext.COMMANDS["load"]),
        Command("reset", reset, helptext.COMMANDS["reset"], bare=True),
        Command("exit", exit_, helptext.COMMANDS["exit"], bare=True),
        SpecialForm("tutorial", _tutorial_form, helptext.COMMANDS["tutorial"], bare=True),
        Command("memory_limit", memory_limit, helptext.COMMANDS["memory_limit"], bare=True),
        SpecialForm("help", _help_form, helptext.COMMANDS["help"], bare=True),
        SpecialForm("time", _time_form, helptext.COMMANDS["time"]),
        SpecialForm("save", _save_form, helptext.COMMANDS["save"]),
    ]
    return {c.name: c for c in cmds}


# ---- graph, explain backward, tutorial: the script's plain text; the prompt draws
# the same data with rich (repl.py) after the same argument checks.

DOT_SUFFIXES = (".dot", ".gv")     # graph writes only files of its own kind


def graph_command(tensor, dot, namespace):
    """What `graph t [dot="f.dot"]` does -> (Graph, note).

    With dot= the DOT file is written and note says where; otherwise note is None
    and the Graph is what to show."""
    from . import graph_view
    if tensor is None or not hasattr(tensor, "grad_fn"):
        what = "" if tensor is None else f", not {type(tensor).__name__}"
        raise UserError(f'graph needs a tensor{what}: graph t   (or graph t dot="graph.dot")')
    if dot is not None and not (isinstance(dot, str) and dot.endswith(DOT_SUFFIXES)):
        raise UserError('dot= takes a file name ending in .dot or .gv: graph t dot="graph.dot"')
    drawn = graph_view.build_graph(tensor, namespace)
    if dot is None:
        return drawn, None
    drawn.write_dot(dot)
    return drawn, f"wrote {dot} ({len(drawn.nodes)} nodes); draw it with: dot -Tsvg {dot} -o graph.svg"


def explain_arguments(interp, node):
    """`explain backward t [gradient]` -> (t, gradient), evaluated."""
    import ast
    args = node.args if node is not None else []
    if (node is None or node.keywords or not 2 <= len(args) <= 3
            or not (isinstance(args[0], ast.Name) and args[0].id == "backward")):
        raise UserError("explain takes `backward` and a tensor: explain backward out "
                        "(or explain backward y v with a gradient v)")
    return interp.eval(args[1]), (interp.eval(args[2]) if len(args) == 3 else None)


def _explain_form(interp, node):
    from . import graph_view
    tensor, gradient = explain_arguments(interp, node)
    interp.stdout().write(str(graph_view.explain_backward(tensor, gradient, interp.globals)))
    return None


def tutorial_language(node):
    """The language `tutorial [en|zh]` asks for (a bare word or a string)."""
    import ast
    from .tutorial import Tutorial
    language = "en"
    if node is not None and (node.args or node.keywords):
        arg = node.args[0] if len(node.args) == 1 and not node.keywords else None
        language = arg.id if isinstance(arg, ast.Name) else getattr(arg, "value", None)
    if not isinstance(language, str) or language not in Tutorial.languages():
        raise UserError(f"tutorial takes a language: {', '.join(Tutorial.languages())} (e.g. tutorial zh)")
    return language


def _tutorial_form(interp, node):
    """In a script, `tutorial` prints every step; the prompt walks through them instead."""
    from .tutorial import Tutorial
    interp.stdout().write(Tutorial(tutorial_language(node)).as_text())
    return None


# ---- help

def _help_form(interp, node):
    from . import helptext
    import ast
    if node is None or (not node.args and not node.keywords):
        interp.stdout().write(helptext.overview(interp))
        return None
    if len(node.args) != 1 or node.keywords:
        raise UserError("help takes one name: help rand")
    arg = node.args[0]
    word = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else \
        arg.id if isinstance(arg, ast.Name) and not interp.is_defined(arg.id) else None
    if word is not None:
        text = helptext.topic(word, interp)
        if text is None:
            raise UserError(f"no help on {word!r}{helptext.suggestion(word, interp)} "
                            "(help with no name lists the topics)")
        interp.stdout().write(text)
        return None
    value = interp.eval(arg)
    interp.stdout().write(helptext.help_text(value, interp))
    return None


# ---- time

def format_duration(seconds):
    if seconds < 1e-6:
        return f"{seconds * 1e9:.0f} ns"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.3g} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def _time_form(interp, node):
    if node is None or len(node.args) != 1 or node.keywords:
        raise UserError("time takes one statement: time x @ y")
    start = _time.perf_counter()
    value = interp.eval(node.args[0])
    elapsed = _time.perf_counter() - start
    interp.stdout().write(f"time: {format_duration(elapsed)}\n")
    return value


# ---- save / load

MARKER = "__tensorsh__"
SAVE_FORMAT = "tensorsh-save-1"


def _save_form(interp, node):
    import ast
    if node is None or not node.args:
        raise UserError('save needs a file name: save "file.npz" x y')
    path = interp.eval(node.args[0])
    if not isinstance(path, str):
        raise UserError('save needs a file name first: save "file.npz" x y')
    items = {}
    for a in node.args[1:]:
        if not isinstance(a, ast.Name):
            raise UserError("save takes variable names (save \"f.npz\" x y) or name=value")
        items[a.id] = interp.eval(a)
    for kw in node.keywords:
        if kw.arg is None:
            raise UserError("save takes variable names or name=value")
        items[kw.arg] = interp.eval(kw.value)
    if not items:
        items = {k: v for k, v in interp.globals.items() if _savable(v)}
        if not items:
            raise UserError("there are no tensors or arrays to save")
    written = save_npz(path, items)
    interp.stdout().write(f"saved {', '.join(items)} to {written}\n")
    return None


def _savable(v):
    import numpy as np
    if isinstance(v, (bool, int, float, np.ndarray)):
        return True
    return hasattr(v, "detach") and hasattr(v, "numpy")


def _is_own_file(f):
    """Was the open file f written by save (an .npz holding the marker)?"""
    import zipfile
    try:
        with zipfile.ZipFile(f) as z:
            return MARKER + ".npy" in z.namelist()
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return False


DISK_RESERVE = 1024 ** 3      # save leaves at least this much of the disk free


def _check_disk_space(directory, nbytes):
    """A save (or a loop of them) never fills the disk."""
    import shutil
    try:
        free = shutil.disk_usage(directory).free
    except OSError:
        return          # the write itself reports a missing directory
    if nbytes + DISK_RESERVE > free:
        raise UserError(f"refusing to save {format_size(nbytes)}: it would leave less than "
                        f"{format_size(DISK_RESERVE)} free on the disk ({format_size(free)} free now)")


def save_npz(path, items):
    """Write items to path (.npz added if missing); never overwrite a foreign file."""
    import json
    import numpy as np
    from . import files
    if not path.endswith(".npz"):
        path += ".npz"
    arrays, meta = {}, {}
    for name, v in items.items():
        if isinstance(v, np.ndarray):
            arrays[name], meta[name] = v, {"kind": "ndarray"}
        elif isinstance(v, (bool, int, float)):
            arrays[name], meta[name] = np.asarray(v), {"kind": type(v).__name__}
        elif hasattr(v, "detach") and hasattr(v, "numpy"):
            t = v.detach()
            if hasattr(t, "cpu"):
                t = t.cpu()
            arrays[name] = np.asarray(t.numpy())
            meta[name] = {"kind": "tensor", "dtype": str(v.dtype).replace("torch.", ""),
                          "requires_grad": bool(getattr(v, "requires_grad", False))}
        else:
            raise UserError(f"cannot save {name!r}: a {type(v).__name__} is not a tensor, array or number")
        if arrays[name].dtype == object:
            raise UserError(f"cannot save {name!r}: it holds Python objects")
    arrays[MARKER] = np.array(json.dumps({"format": SAVE_FORMAT, "items": meta}))
    _check_disk_space(os.path.dirname(os.path.abspath(path)), sum(a.nbytes for a in arrays.values()))
    files.write_file(path, lambda f: np.savez(f, **arrays), _is_own_file,
                     "save to", "a file written by tensorsh's save")
    return path


def _check_member_size(data, name):
    """Refuse an array whose header asks for more than the memory limit, before
    reading it (a compressed .npz member can expand a thousandfold)."""
    import math
    import numpy as np
    fmt = np.lib.format
    try:
        with data.zip.open(name + ".npy") as f:
            version = fmt.read_magic(f)
            shape, _, dtype = (fmt.read_array_header_1_0(f) if version == (1, 0)
                               else fmt.read_array_header_2_0(f))
    except (KeyError, ValueError, OSError, EOFError) as e:
        raise UserError(f"cannot load {name!r}: {e}") from None
    safe_numpy.check_bytes(math.prod(shape) * dtype.itemsize, f"{name!r} of shape {shape}")


ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")     # a zip file's first bytes (an empty zip's)
_SCALAR_KINDS = {"int": (int, "iu"), "float": (float, "f"), "bool": (bool, "b")}
SAVED_KINDS = frozenset(("tensor", "ndarray")) | frozenset(_SCALAR_KINDS)


def _load_npz(path, interp):
    """The variables of an .npz file, name -> value: tensors, unless save recorded
    an array or a number.  Any file, however crafted, ends in UserError or values."""
    import zipfile
    import numpy as np
    from . import files
    with files.open_for_reading(path, "load", (".npz",)) as f:
        # Only the zip reader: np.load would read a whole .npy (or a pickle) at once.
        if f.read(4) not in ZIP_MAGIC:
            raise UserError(f"cannot load {path!r}: not an .npz file")
        f.seek(0)
        try:
            data = np.load(f, allow_pickle=False)
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:
            raise UserError(f"cannot load {path!r}: {e}") from None
        with data:
            record = _saved_record(data, path)
            return {name: _loaded_value(data, name, record.get(name), path, interp)
                    for name in data.files if name != MARKER}


def _malformed(path, why):
    return UserError(f"cannot load {path!r}: its tensorsh record is malformed ({why})")


def _saved_record(data, path):
    """What save recorded about each item, name -> {"kind", "dtype", "requires_grad"};
    {} for an .npz from elsewhere.  A record that is not as save writes it is refused,
    not guessed at."""
    import json
    if MARKER not in data.files:
        return {}
    marker = _read_member(data, MARKER, path)
    if marker.shape != () or marker.dtype.kind != "U":
        raise _malformed(path, "not a string")
    try:
        record = json.loads(str(marker))
    except (ValueError, RecursionError):
        raise _malformed(path, "not JSON") from None
    items = record.get("items") if isinstance(record, dict) else None
    if not isinstance(items, dict):
        raise _malformed(path, "no table of items")
    return items


def _check_record(path, name, info):
    if not isinstance(info, dict) or info.get("kind") not in SAVED_KINDS:
        raise _malformed(path, f"{name!r} has no known kind")
    if not isinstance(info.get("requires_grad", False), bool):
        raise _malformed(path, f"requires_grad of {name!r} is not true or false")
    if not isinstance(info.get("dtype", ""), str):
        raise _malformed(path, f"the dtype of {name!r} is not a name")


def _loaded_value(data, name, info, path, interp):
    import keyword
    if not name.isidentifier() or name.startswith("_") or keyword.iskeyword(name):
        raise UserError(f"cannot load {path!r}: {name!r} is not a valid variable name")
    info = {"kind": "tensor"} if info is None else info
    _check_record(path, name, info)
    arr = _read_member(data, name, path)
    kind = info["kind"]
    if kind == "ndarray":
        return arr
    if kind in _SCALAR_KINDS:
        convert, dtype_kinds = _SCALAR_KINDS[kind]
        if arr.shape != () or arr.dtype.kind not in dtype_kinds:
            raise _malformed(path, f"{name!r} is recorded as one {kind} "
                                   f"but holds {arr.dtype.name} of shape {arr.shape}")
        return convert(arr)
    if info.get("dtype", arr.dtype.name) != arr.dtype.name:
        raise _malformed(path, f"the recorded dtype of {name!r} is not that of its data, {arr.dtype.name}")
    requires_grad = info.get("requires_grad", False)
    if requires_grad and arr.dtype.kind not in "fc":
        raise _malformed(path, f"{name!r} requires grad but holds {arr.dtype.name} values")
    try:
        return interp.make_tensor(arr, requires_grad)
    except TypeError as e:          # a dtype tensors do not have (strings, records)
        raise UserError(f"cannot load {name!r} from {path!r} as a tensor: {e}") from None


def _read_member(data, name, path):
    """The array stored as name, after checking its size against the memory limit."""
    import zipfile
    import zlib
    if name + ".npy" not in data.zip.namelist():
        raise UserError(f"cannot load {path!r}: {name!r} is not an array")
    _check_member_size(data, name)
    try:
        array = data[name]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as e:
        raise UserError(f"cannot load {path!r}: {name!r} is damaged ({e})") from None
    return safe_numpy.check_array(array, f"load of {name!r} from {path!r}")   # no record or void arrays


# ---------------------------------------------------------------- the table

def default_memory_limit():
    env = os.environ.get("TENSORSH_MEMORY_LIMIT")
    if env:
        if env.strip().lower() in ("none", "off", "0"):
            return None
        try:
            return parse_size(env)
        except ValueError:
            sys.stderr.write(f"tensorsh: ignoring TENSORSH_MEMORY_LIMIT={env!r} (not a size)\n")
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        return max(total // 2, 256 * 1024 ** 2)
    except (ValueError, OSError, AttributeError):
        return 8 * 1024 ** 3


def describe_limit(limit):
    return "none" if limit is None else format_size(limit)
