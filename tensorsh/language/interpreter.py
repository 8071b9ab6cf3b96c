"""The interpreter: holds a session's variables and enforces the safety
rules; compiler.py turns the syntax tree into the closures that run.

Python's `eval`/`exec` are never used: every node type in syntax._ALLOWED
has a compiler, and nothing else runs.  Attribute access goes through one
policy (`get_attribute`): only the attributes allowlist.py lists for the
value's type, some behind a guard; a module object is never handed to the
language.  Calls go through `call_value` (no denied callable) and
`call_user`; results of arithmetic through the memory limit
(`check_result_size`).

Errors: any exception raised while running a node becomes a TshError
located at the innermost node that failed (the whole call or operator),
keeping the engine's (PyTorch's) wording.
"""
import ast
import collections
import contextlib
import difflib
import math
import operator
import sys
import types
import warnings

from . import safe_numpy, syntax
from .display import PlainFormatter
from .builtins import classes, commands, guards, stdlib, torch_files
from .builtins import namespace as builtin_names
from .allowlist import allowed_attributes, policy  # noqa: F401  (allowed_attributes: the completer's)
from .builtins.command_types import SpecialForm
from .compiler import DYNAMIC, NO_DEFAULT, Compiler, UserFunction, _Signal
from .errors import CallFrame, ExitRequest, TshError, TshSyntaxError, UserError, format_size
from .frames import ENCLOSING, FUNCTION, variables_of
from .safe_numpy import Namespace

PLAIN_FORMATTER = PlainFormatter()      # what scripts and pipes show commands with

MAX_CALL_DEPTH = 800        # user-function recursion
MAX_RUN_DEPTH = 16          # `run "file"` inside run

if sys.getrecursionlimit() < 30000:
    sys.setrecursionlimit(30000)

# Python's C code recurses without a check in places (hashing nested tuples,
# stepping nested iterators, freeing chains of objects).  The language caps the
# nesting it builds, and the main thread's stack may grow well past the usual
# 8 MiB as a second wall: at 30,000 Python frames some C paths (a generator in a
# generator) need about 100 MiB, and a tuple nested by a path the caps do not see
# (dict.items(), zip) overflows 8 MiB at about 130,000 deep, 256 MiB at about 4
# million.  The stack grows up to the soft limit of the moment; the room below it
# is set at exec (at least 128 MiB on Linux), so a higher limit is never worse.
C_STACK_BYTES = 256 * 1024 ** 2


def _let_the_c_stack_grow(nbytes):
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
        wanted = nbytes if hard == resource.RLIM_INFINITY else min(nbytes, hard)
        if soft != resource.RLIM_INFINITY and soft < wanted:
            resource.setrlimit(resource.RLIMIT_STACK, (wanted, hard))
    except (ImportError, ValueError, OSError):
        pass        # not on this system: the caps alone


_let_the_c_stack_grow(C_STACK_BYTES)


class _SafeFormatter:
    """str.format without attribute or index lookups in the fields."""

    def __init__(self):
        import string

        class F(string.Formatter):
            def get_field(self, field_name, args, kwargs):
                if "." in field_name or "[" in field_name:
                    raise UserError("format fields cannot look up attributes or items in tensorsh")
                return super().get_field(field_name, args, kwargs)

        self.formatter = F()

    def bound(self, s):
        fmt = self.formatter

        def format(*args, **kwargs):
            return fmt.vformat(s, args, kwargs)
        format.__name__ = "format"
        format.__doc__ = str.format.__doc__
        return format


_SAFE_FORMATTER = _SafeFormatter()

# ------------------------------------------------------- attribute policy

# What attributes each type offers is allowlist.py's; here is what is never
# handed out whatever type it was read from.
DENIED_RESULT_TYPES = (types.ModuleType, types.FrameType, types.CodeType, types.TracebackType,
                        types.GeneratorType, types.CoroutineType, types.AsyncGeneratorType)


def _type_label(obj):
    if isinstance(obj, Namespace):
        return f"module '{obj.name}'"
    if isinstance(obj, type):
        return f"type object '{obj.__name__}'"
    return f"'{type(obj).__name__}' object"


# The kinds of callables DENIED_CALLABLES can hold (a cheap test before the set).
_CHECKED_CALLABLE_TYPES = frozenset((types.BuiltinFunctionType, types.FunctionType, type))


# ------------------------------------------------------------ interpreter

class Interpreter:
    def __init__(self, session):
        self.session = session
        self.globals = {}
        engine, self.engine_error = builtin_names.load_engine()
        self.engine = engine
        self.tensor_class = getattr(engine, "Tensor", None) if engine is not None else None
        self._array_classes = tuple(c for c in (self.tensor_class,) if c is not None)
        import numpy as np
        self._np = np
        # How the binary operators read the shape of an operand with one (a tuple), to check
        # the size of a broadcast result: a tensor's from its array (its .shape makes a torch.Size).
        self.shape_readers = {np.ndarray: operator.attrgetter("shape")}
        self.shape_readers.update((cls, operator.attrgetter("_data.shape")) for cls in self._array_classes)
        bare, modules = builtin_names.engine_namespaces(engine)
        np_ns = safe_numpy.build()
        modules.update({"numpy": np_ns, "numpy.fft": np_ns.entries["fft"], "math": builtin_names.math_namespace()})
        modules.update(stdlib.stdlib_modules())
        modules.setdefault("torch.nn", Namespace("torch.nn", {}))
        modules.setdefault("torch.nn.functional", Namespace("torch.nn.functional", {}))
        self.modules = modules
        self.builtins = {}
        self.builtins.update(bare)
        self.builtins.update(builtin_names.python_builtins(self.stdout))
        self.builtins["torch"] = modules["torch"]
        self.builtins["np"] = np_ns
        self.builtins["numpy"] = np_ns
        self.builtins["__name__"] = "__main__"     # the program run is the main one, as `python FILE` runs it
        self.builtins["dir"] = commands.dir_builtin(self)
        self.builtins.update(commands.shell_commands(self))
        if engine is not None:      # PyTorch's files, in tensorsh's .npz format
            modules["torch"].entries.update(save=torch_files.save, load=torch_files.torch_load(self))
        self.scope = None
        self.program = None
        self.fn_depth = 0
        self.run_depth = 0
        self.current = None         # the node being evaluated, for warnings and Ctrl-C
        self.memory_limit = None
        # The engine's settings as this session left them (see settings_in_force), and
        # its own random stream: a generator whose state is exchanged with the engine's
        # default generator's while the session runs (starting as a copy of the process's).
        self.engine_settings = _engine_settings(engine) if engine is not None else None
        self.random_generator = None
        self.running = 0        # how many runs of this session's code are under way (settings_in_force)
        if engine is not None:
            self.random_generator = engine.Generator()
            self.random_generator.set_state(engine.default_generator.get_state())
        self._str_format = _SAFE_FORMATTER.bound
        self.checked_callable_types = _CHECKED_CALLABLE_TYPES
        # The language's own functions are made by `def`, never by calling their class
        # (which type(f) reaches): one made by hand would run what its fields name.
        self.denied_callables = builtin_names.DENIED_CALLABLES | {UserFunction}
        withheld = {cls: repr(cls) for cls in self.denied_callables if isinstance(cls, type)}
        withheld[UserFunction] = "<class 'function'>"       # as Python prints a def's type
        self.builtins["type"] = classes.type_builtin(withheld)
        self.denied_result_types = DENIED_RESULT_TYPES
        self.compiler = Compiler(self)

    # -- session plumbing
    def stdout(self):
        return self.session.stdout or sys.stdout

    def is_defined(self, name):
        scope = self.scope
        while scope is not None:
            if name in scope:
                return True
            scope = scope[ENCLOSING]
        return name in self.globals or name in self.builtins

    def reset(self):
        """Forget every variable and turn gradients back on, in this session's settings only:
        the engine's own while it runs code (the `reset` command), else those it keeps."""
        self.globals.clear()
        self.builtins.pop("_", None)
        if self.engine is None:
            return
        if self.running:
            self.engine.set_grad_enabled(True)
        else:
            self.engine_settings = self.engine_settings._replace(grad_enabled=True)

    def set_memory_limit(self, nbytes):
        """This session's limit (bytes, or None): in force while it runs code (settings_in_force)."""
        self.memory_limit = nbytes

    @contextlib.contextmanager
    def settings_in_force(self):
        """While this session runs code, its own settings are the ones in force:
        its memory limit for the shell's checks (safe_numpy.check_bytes) and the
        engine's, and the engine settings it made (grad mode, default dtype, print
        options, the random generator's state).  What was in force before is put
        back when it returns, so sessions in one process never share them however
        they alternate, and the engine's own settings, a Python user's, are not
        changed by any of them.  A run within a run of this session finds them in force."""
        engine = self.engine if not self.running else None
        if engine is not None:
            engine_limit, outside = engine.memory_limit(), _engine_settings(engine)
            engine.set_memory_limit(self.memory_limit)
            _apply_engine_settings(engine, self.engine_settings)
            engine.default_generator.exchange_state(self.random_generator)
        running = safe_numpy.RUNNING_LIMIT.set(self.memory_limit)
        self.running += 1
        try:
            yield
        finally:
            self.running -= 1
            safe_numpy.RUNNING_LIMIT.reset(running)
            if engine is not None:
                engine.default_generator.exchange_state(self.random_generator)
                self.engine_settings = _engine_settings(engine)
                _apply_engine_settings(engine, outside)
                engine.set_memory_limit(engine_limit)

    def make_tensor(self, array, requires_grad=False):
        engine = self.engine
        if engine is None:
            return array
        t = engine.from_numpy(array.copy()) if hasattr(engine, "from_numpy") else engine.tensor(array)
        if requires_grad:
            t.requires_grad_(True)
        return t

    def run_file(self, path):
        if self.run_depth >= MAX_RUN_DEPTH:
            raise UserError(f"run is nested more than {MAX_RUN_DEPTH} deep")
        from .files import read_script
        source = read_script(path, "run", suffixes=(".tsh",))
        program = syntax.parse(source, path)
        self.run_depth += 1
        saved = self.program, self.scope
        self.scope = None       # the call depth goes on counting: a script run from a function is deeper
        try:
            self.exec_program(program, display=self.session.display_value)
        finally:
            self.run_depth -= 1
            self.program, self.scope = saved

    # -- errors
    def error_at(self, node, message, cls=TshError, **kw):
        hint = getattr(node, "tsh_hint", None)     # set by the parser where a mistake is likely
        if hint is not None and not kw.get("hint"):
            kw["hint"] = hint
        program = self.program
        lines = program.lines if program is not None else []
        line = getattr(node, "lineno", None)
        if line is None:
            return cls(message, program.filename if program else None, **kw)
        col = node.col_offset
        src = lines[line - 1] if 0 < line <= len(lines) else ""
        if node.end_lineno == line and node.end_col_offset is not None:
            end = node.end_col_offset
        else:
            end = len(src.rstrip())
        return cls(message, program.filename, line, col, max(end, col + 1), src, **kw)

    def convert(self, exc, node):
        """A Python exception raised at node -> the TshError the user sees."""
        internal = False
        if isinstance(exc, UserError):
            msg = str(exc)
        elif isinstance(exc, RecursionError):
            msg = "maximum recursion depth exceeded (too deeply nested)"
        elif isinstance(exc, MemoryError):
            # The frames that failed may hold what filled the memory (a half-built list): let it go.
            import traceback
            traceback.clear_frames(exc.__traceback__)
            msg = self.memory_message(str(exc))
        elif (isinstance(exc, (AttributeError, NameError, UnboundLocalError, AssertionError))
              or (isinstance(exc, KeyError) and exc.args and isinstance(exc.args[0], type))) \
                and _raised_by_tensorsh(exc):
            internal = True
            msg = f"internal error: {type(exc).__name__}: {exc}"
        else:       # Python's and PyTorch's errors with their class, as both print them
            text = str(exc)
            name = type(exc).__name__.lstrip("_")       # torch's _LinAlgError is torch.linalg.LinAlgError
            msg = f"{name}: {text}" if text else name
        err = self.error_at(node, msg, internal=internal)
        err.python_exception = exc
        return err

    def memory_message(self, text):
        """The words for a MemoryError: NumPy's say how much was asked for; the
        memory limit (when it was the backstop that refused) is added."""
        limit = self.memory_limit
        if limit is None:
            return text or "out of memory (the operation needed more memory than the machine has)"
        if "memory limit" in text:
            return text
        return f"{text or 'out of memory'} ({limit_advice(limit)})"

    def name_error(self, node, name, scope):
        """The error for reading name, undefined in scope (a frame, see frames.py; None at the top level)."""
        if name in self.modules:
            return self.error_at(node, f"name {name!r} is not defined (import {name} first)")
        if name in builtin_names.UNAVAILABLE:
            return self.error_at(node, f"{name!r} is not available in tensorsh")
        if name == "_":
            return self.error_at(node, "`_` holds the last value shown, and none has been shown yet")
        candidates = set(self.globals) | set(self.builtins)
        while scope is not None:
            candidates |= set(variables_of(scope))
            scope = scope[ENCLOSING]
        msg = f"name {name!r} is not defined"
        close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.7)
        if close:
            msg += f"; did you mean {close[0]!r}?"
        elif self.tensor_class is not None and hasattr(self.tensor_class, name) and not name.startswith("_"):
            msg += f" (it is a tensor method: x.{name}(...))"
        elif self.engine_error is not None:
            msg += f" (the tensor engine failed to load: {self.engine_error})"
        return self.error_at(node, msg)

    def unassigned_error(self, node, name, owner):
        return self.error_at(node, f"local variable {name!r} is used before it is assigned: it is "
                                   f"assigned in {owner}(), so it is local to all of it (as in Python)")

    # -- running
    def exec_program(self, program, display):
        """Run a parsed program's statements at the top level (each compiled once)."""
        self.program = program
        compiled = self.compiler.top_level
        for stmt in program.body:
            self.program = program
            self.current = stmt
            r = compiled(stmt)(None)
            if r is not None:
                raise self.error_at(stmt, f"'{r.name}' outside a loop" if isinstance(r, _Signal)
                                    else "'return' outside a function", TshSyntaxError)

    def eval(self, node):
        """The value of an expression node in the current scope (errors raised as located
        TshErrors): what shell commands use to evaluate the arguments they are given."""
        return self.compiler.expression(node, DYNAMIC)(self.scope)

    # -- attributes
    def get_attribute(self, obj, name, node):
        if obj.__class__ is Namespace:
            try:
                return obj.entries[name]
            except KeyError:
                refused = self.refusal(obj.name, name)
                if refused:
                    raise self.error_at(node, refused) from None
                close = difflib.get_close_matches(name, list(obj.entries), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise self.error_at(node, f"module '{obj.name}' has no attribute {name!r}{hint}") from None
        rules = policy(obj)
        if name not in rules.names:
            if isinstance(obj, str) and name == "format":
                return self._str_format(obj)
            raise self._attribute_error(obj, name, node, rules.names)
        self.current = node
        try:
            value = getattr(obj, name)
        except TshError:
            raise
        except Exception as e:
            raise self.attribute_failure(e, node) from e
        if isinstance(value, DENIED_RESULT_TYPES):
            raise self.denied_attribute(obj, name, node)
        guard = rules.guarded.get(name) if rules.guarded else None
        return value if guard is None else guard(value)

    def attribute_failure(self, exc, node):
        """The error for an exception raised while reading an allowed attribute."""
        if isinstance(exc, AttributeError):
            return self.error_at(node, f"AttributeError: {exc}")
        return self.convert(exc, node)

    def denied_attribute(self, obj, name, node):
        return self.error_at(node, f"{_type_label(obj)} attribute {name!r} is not available in tensorsh")

    @staticmethod
    def reading_class(obj, name):
        """type(obj) when the policy lets every instance of it read attribute name
        (what a call site may remember), else None."""
        cls = type(obj)
        if cls is Namespace or isinstance(obj, type):
            return None
        rules = policy(obj)
        if name not in rules.names or name in rules.guarded:
            return None         # a guarded method is wrapped on every read
        return cls

    def refusal(self, owner, name):
        """The engine's words for a PyTorch name tensorsh refuses on purpose (``torch.bfloat16``,
        ``Tensor.bfloat16``), or None; only torch and its Tensor have such names."""
        if self.engine is None or owner not in ("torch", "Tensor"):
            return None
        from engine.unsupported import refusal
        return refusal(owner, name)

    def _attribute_error(self, obj, name, node, allowed):
        refused = self.tensor_class is not None and isinstance(obj, self.tensor_class) and self.refusal("Tensor", name)
        if refused:
            return self.error_at(node, f"AttributeError: {refused}")
        if not name.startswith("_") and hasattr(obj, name):
            if not allowed and not isinstance(obj, type):
                return self.error_at(node, f"attributes of {_type_label(obj)} are not available in tensorsh")
            return self.denied_attribute(obj, name, node)
        msg = f"AttributeError: {_type_label(obj)} has no attribute {name!r}"
        close = difflib.get_close_matches(name, sorted(allowed), n=1, cutoff=0.6)
        if close:
            msg += f"; did you mean {close[0]!r}?"
        return self.error_at(node, msg, hint=self._uncalled_method_hint(obj, name))

    def _uncalled_method_hint(self, obj, name):
        """`y = x.sum` then `y.backward()`: y holds the method (or function), not
        the tensor it returns; the hint when name is something a tensor has."""
        if self.tensor_class is None or not hasattr(self.tensor_class, name):
            return None
        if isinstance(obj, (types.MethodType, types.BuiltinMethodType)) and not isinstance(
                getattr(obj, "__self__", None), types.ModuleType):
            kind, call = "method", f".{obj.__name__}()"
        elif isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
            kind, call = "function", f"{obj.__name__}(...)"
        else:
            return None
        return f"this is the {kind} {obj.__name__!r} itself, not its result: did you forget the parentheses? ({call})"

    _SETTABLE = frozenset(("requires_grad", "grad", "data"))

    def set_attribute(self, obj, name, value, node):
        tensor_cls = self.tensor_class
        # `w.grad = None` (the commonest) is asked about first
        if (tensor_cls is not None and isinstance(obj, tensor_cls) and name in self._SETTABLE) or \
                (classes.takes_attributes(obj) and not name.startswith("_")):
            self.current = node
            try:
                setattr(obj, name, value)       # an nn.Module subclass files it by its own rules
            except TshError:
                raise
            except Exception as e:
                raise self.convert(e, node) from e
            return
        if isinstance(obj, Namespace):
            if name.startswith("_"):
                raise self.error_at(node, f"cannot set attribute {name!r} of module '{obj.name}'")
            obj.entries[name] = value       # the session's own namespace (`torch.pi = ...`)
            return
        what = "a tensor's " + ", ".join(sorted(self._SETTABLE)) if tensor_cls is not None else ""
        raise self.error_at(node, f"cannot set attribute {name!r} of {_type_label(obj)}"
                            + (f" (only {what} can be set)" if what else ""))

    def make_class(self, node, bases, members, docstring):
        """The class a `class` statement defines (see builtins/classes.py)."""
        try:
            return classes.make_class(node.name, bases, members, docstring)
        except classes.ClassError as e:
            raise self.error_at(node, str(e)) from None

    # -- the memory limit and calls

    def check_result_size(self, a, b, sa, sb, op, node):
        """Refuse `a op b` (shapes sa and sb, tuples) when its result would be over the memory limit."""
        limit = self.memory_limit
        if sa == sb or limit is None:
            return
        if op is ast.MatMult:
            if len(sa) < 2 or len(sb) < 2:
                return      # a vector's product is no larger than the other operand
            if len(sa) == 2 and len(sb) == 2 and sa[0] * sb[1] * 16 <= limit:
                return      # (no element is over 16 bytes)
            try:
                batch = self._np.broadcast_shapes(sa[:-2], sb[:-2])
            except ValueError:
                return
            shape = batch + (sa[-2], sb[-1])
        else:
            if math.prod(sa) * math.prod(sb) * 16 <= limit:
                return      # a broadcast result has no more elements than the operands' counts multiplied
            try:
                shape = self._np.broadcast_shapes(sa, sb)
            except ValueError:
                return          # the engine reports the mismatch in PyTorch's words
        itemsize = max(getattr(a.dtype, "itemsize", 8), getattr(b.dtype, "itemsize", 8))
        nbytes = math.prod(shape) * itemsize
        if nbytes > limit:
            raise self.error_at(node, f"refusing to allocate {format_size(nbytes)} for the result of shape "
                                      f"{list(shape)}: the memory limit is {format_size(limit)}")

    def not_callable(self, func, node):
        what = type(func).__name__
        f = node.func
        if f.__class__ is ast.Name:
            msg = f"{f.id!r} is a {what}, not a function"
            lines = self.program.lines if self.program else []
            src = lines[f.lineno - 1] if 0 < f.lineno <= len(lines) else ""
            if src[f.end_col_offset:f.end_col_offset + 1] == " " and node.args:
                msg += f" (a variable is never a command; to index it write {f.id}[...])"
            return self.error_at(node, msg)
        return self.error_at(node, f"TypeError: '{what}' object is not callable")

    def denied_error(self, func, node):
        return self.error_at(node, f"{getattr(func, '__name__', 'this function')!r} is not available in tensorsh")

    def call_value(self, func, args, kwargs, node):
        fc = func.__class__
        if fc in _CHECKED_CALLABLE_TYPES and func in self.denied_callables:
            raise self.denied_error(func, node)
        if fc is types.MethodType and func.__func__ in self.denied_callables:
            raise self.denied_error(func.__func__, node)
        if fc is SpecialForm:
            raise self.error_at(node, f"{func.name} must be called by name")
        if fc is UserFunction:
            return self.call_user(func, args, kwargs)
        if fc is type and func in guards.CONSUMING_TYPES:
            return guards.construct(func, args, kwargs)
        return func(*args, **kwargs)

    def call_user(self, fn, args, kwargs, node=None):
        """fn(*args, **kwargs) for a function defined in the language; node is the
        call, for the error chain.  When a builtin calls fn (map, sorted's key) there
        is no call node: the call being run, the builtin's, stands for it."""
        params = fn.params
        if kwargs or len(args) != params.count or not params.simple:
            local = self._bind_common(fn, params, args, kwargs)
        else:
            local = params.binders[len(args)](args)       # f(a, b): the commonest call
        return self.run_user(fn, local, node if node is not None else self.current)

    def run_user(self, fn, local, site):
        """fn's body run with its arguments already bound (local: {name: value});
        the compiled call sites that bind in line call it directly."""
        depth = self.fn_depth
        if depth >= MAX_CALL_DEPTH:
            raise UserError(f"maximum recursion depth exceeded: more than {MAX_CALL_DEPTH} nested calls "
                            f"(in {fn.name!r})")
        saved = self.program
        self.program = fn.program
        self.fn_depth = depth + 1
        local[ENCLOSING] = fn.closure       # local becomes the call's frame
        local[FUNCTION] = fn
        try:
            return fn.code(local)
        except TshError as e:
            self._add_call(e, fn, site, saved)
            raise
        finally:
            self.fn_depth = depth
            self.program = saved

    @staticmethod
    def _add_call(error, fn, node, caller_program):
        """As an error leaves a user function, the chain of calls that led to it
        grows by one at its start: the call of fn (node, in caller_program).
        The frame that was first until now ran inside fn."""
        calls = error.calls
        if error.internal or isinstance(error, TshSyntaxError):
            return
        if not calls:       # where it happened, inside fn
            calls.append(CallFrame(error.filename, error.line, error.source_line))
        if calls[0].function is None:
            calls[0].function = fn.name
        line = getattr(node, "lineno", None)
        if line is not None and caller_program is not None:
            lines = caller_program.lines
            calls.insert(0, CallFrame(caller_program.filename, line,
                                      lines[line - 1] if 0 < line <= len(lines) else ""))

    def _bind_common(self, fn, params, args, kwargs):
        """f(a), f(a, scale=2) with defaults filled in, when all is well; anything
        else (and every mistake) is _bind's, with Python's messages."""
        if params.simple and len(args) <= params.count:
            local = params.binders[len(args)](args)
            if kwargs:
                by_keyword = params.by_keyword
                for k in kwargs:
                    if k in local or k not in by_keyword:
                        return self._bind(fn, params, args, kwargs)
                local.update(kwargs)
            if len(local) < params.count:
                for name, default in fn.named_defaults:
                    if name not in local:
                        local[name] = default
                if len(local) < params.count:
                    return self._bind(fn, params, args, kwargs)
            return local
        return self._bind(fn, params, args, kwargs)

    @staticmethod
    def _bind(fn, params, args, kwargs):
        """Python's rules for matching arguments to parameters, with its TypeErrors and words."""
        names, n = params.names, params.count
        called = f"{fn.qualname}()"
        local = {}
        if len(args) > n and params.vararg is None:
            keyword_only_given = sum(1 for k in kwargs if k in params.keyword_only)
            raise TypeError(_too_many_positional(called, n, len(fn.defaults), len(args), keyword_only_given))
        for name, v in zip(names, args):
            local[name] = v
        if params.vararg is not None:
            local[params.vararg] = guards.checked_tuple(args[n:])
        extra = {}
        for k, v in kwargs.items():
            if k in local and k in names:
                raise TypeError(f"{called} got multiple values for argument {k!r}")
            if (k in names and k not in params.positional_only) or k in params.keyword_only:
                local[k] = v
            elif params.kwarg is not None:
                extra[k] = v
            else:
                raise TypeError(f"{called} got an unexpected keyword argument {k!r}")
        nd = len(fn.defaults)
        missing = []
        for i, name in enumerate(names):
            if name not in local:
                j = i - (n - nd)
                if j >= 0:
                    local[name] = fn.defaults[j]
                else:
                    missing.append(name)
        _refuse_missing(called, missing, "positional")
        missing = []
        for name, d in zip(params.keyword_only, fn.kw_defaults):
            if name not in local:
                if d is NO_DEFAULT:
                    missing.append(name)
                else:
                    local[name] = d
        _refuse_missing(called, missing, "keyword-only")
        if params.kwarg is not None:
            local[params.kwarg] = extra
        return local



def _raised_by_tensorsh(exc):
    """True when exc was raised by the shell's own code (a bug), not by user operations."""
    import os
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    if last is None:
        return False
    tensorsh_folder = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # above language/
    return os.path.abspath(last.tb_frame.f_code.co_filename).startswith(tensorsh_folder + os.sep)


# ------------------------------------------------------ the memory backstop

MEMORY_HEADROOM = 1024 ** 3     # what the shell itself may need beyond the limit (imports, BLAS buffers)


def limit_advice(limit):
    return (f"the memory limit is {format_size(limit)}; raise it with --memory-limit SIZE "
            "or TENSORSH_MEMORY_LIMIT")


class MemoryBackstop:
    """While user code runs, the process may grow its private memory by at most
    the memory limit (plus headroom for the shell itself): RLIMIT_DATA's soft
    limit, put back afterwards.  The checks made before allocating give the
    clearer messages; this catches what they cannot foresee (an expanded view
    made contiguous, a NumPy method, a Python list or string) as a MemoryError
    instead of the machine running out of memory.  Linux only (elsewhere a no-op).

    RLIMIT_DATA alone is not enough for memory made of many small objects
    (`[i for i in range(10**9)]`): when it is reached every allocation fails, even
    the few Python needs to handle the MemoryError, and CPython 3.11 then loops
    forever unwinding it.  So a watcher thread also polls the process's size and,
    once it has grown by the limit, has the main thread raise a MemoryError (the
    way Ctrl-C raises KeyboardInterrupt) while the headroom is still free."""

    SIGNAL = getattr(__import__("signal"), "SIGUSR1", None)

    def __init__(self, limit):
        self.limit = limit
        self.saved = None
        self.watching = False
        self.outer_ceiling = None
        self.saved_handler = None
        self.armed = False

    @staticmethod
    def _data_size():
        """The process's private data in bytes (Linux's VmData + stack), or None."""
        import os
        try:
            fd = os.open("/proc/self/statm", os.O_RDONLY)     # a third of a text file's open and read
            try:
                return int(os.read(fd, 200).split()[5]) * os.sysconf("SC_PAGE_SIZE")
            finally:
                os.close(fd)
        except (AttributeError, OSError, ValueError, IndexError):
            return None

    def __enter__(self):
        if self.limit is None:
            return self
        used = self._data_size()
        if used is None:
            return self
        self._start_watching(used + self.limit)
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        wanted = used + self.limit + MEMORY_HEADROOM
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        if soft != resource.RLIM_INFINITY and soft <= wanted:
            return self         # already tighter (a nested run, or the user's ulimit)
        try:
            resource.setrlimit(resource.RLIMIT_DATA, (wanted, hard))
        except (ValueError, OSError):
            return self
        self.saved = (soft, hard)
        return self

    def _start_watching(self, ceiling):
        import signal
        import threading
        if self.SIGNAL is None or threading.current_thread() is not threading.main_thread():
            return              # only the main thread runs signal handlers
        message = f"out of memory: the session grew by more than its memory limit ({limit_advice(self.limit)})"

        def raise_memory_error(signum, frame):
            if self.armed:      # only in user code: a late one must not escape the shell's own code
                raise MemoryError(message)

        self.saved_handler = signal.signal(self.SIGNAL, raise_memory_error)
        self.armed = True
        self.outer_ceiling = _SizeWatcher.the_one(self.SIGNAL).watch_for(ceiling)
        self.watching = True

    def disarm(self):
        """User code has stopped: a MemoryError still on its way is dropped."""
        self.armed = False

    def __exit__(self, *exc):
        self.disarm()
        if self.watching:
            import signal
            _SizeWatcher.the_one(self.SIGNAL).watch_for(self.outer_ceiling)
            signal.signal(self.SIGNAL, self.saved_handler)
            self.watching = False
        if self.saved is not None:
            import resource
            try:
                resource.setrlimit(resource.RLIMIT_DATA, self.saved)
            except (ValueError, OSError):
                pass
            self.saved = None
        return False


class _SizeWatcher:
    """The memory backstop's thread, one for the process and started when first
    needed (a thread per run would cost more than the run): while a ceiling is
    set it reads the process's size every POLL_SECONDS, and once over it has the
    main thread raise `signum`'s handler, once; with no ceiling it sleeps."""

    POLL_SECONDS = 0.02
    STACK_BYTES = 256 * 1024
    _instance = None

    @classmethod
    def the_one(cls, signum):
        if cls._instance is None:
            cls._instance = cls(signum)
        return cls._instance

    def __init__(self, signum):
        import threading
        self.signum = signum
        self.ceiling = None
        self.changed = threading.Condition()
        thread = threading.Thread(target=self._watch, name="tensorsh memory watcher", daemon=True)
        # A thread's stack is sized from RLIMIT_STACK at exec, which may be large
        # (see C_STACK_BYTES) and would count as memory the session used.
        default_size = threading.stack_size(self.STACK_BYTES)
        try:
            thread.start()
        finally:
            threading.stack_size(default_size)

    def watch_for(self, ceiling):
        """Watch for ceiling (bytes; None: stop watching) -> the ceiling it replaces."""
        with self.changed:
            previous, self.ceiling = self.ceiling, ceiling
            self.changed.notify()
        return previous

    def _watch(self):
        import _thread
        changed = self.changed
        while True:
            with changed:
                while self.ceiling is None:
                    changed.wait()
                changed.wait(self.POLL_SECONDS)
                ceiling = self.ceiling
            size = MemoryBackstop._data_size()
            with changed:
                if ceiling is not None and self.ceiling == ceiling and size is not None and size > ceiling:
                    self.ceiling = None     # once: the error unwinds the statement, and the run ends
                    _thread.interrupt_main(self.signum)


# ---------------------------------------------------------------- session

# The engine's process-wide settings that a session owns (and the random generator's
# state, exchanged with the session's own generator: see settings_in_force).
EngineSettings = collections.namedtuple(
    "EngineSettings", "grad_enabled default_dtype default_device num_threads print_options")


def _engine_settings(engine):
    return EngineSettings(engine.is_grad_enabled(), engine.get_default_dtype(),
                          engine.ops.settings.default_device_setting(), engine.get_num_threads(),
                          engine.get_printoptions())


def _apply_engine_settings(engine, settings):
    engine.set_grad_enabled(settings.grad_enabled)
    engine.set_default_dtype(settings.default_dtype)
    engine.set_default_device(settings.default_device)
    engine.set_num_threads(settings.num_threads)
    engine.set_printoptions(**settings.print_options)


class RunResult:
    """What running some source did."""

    __slots__ = ("ok", "error", "interrupted", "exit_code", "value", "output_closed")

    def __init__(self, ok=True, error=None, interrupted=False, exit_code=None, value=None):
        self.ok = ok
        self.error = error              # the TshError shown, if any
        self.interrupted = interrupted  # stopped by Ctrl-C
        self.exit_code = exit_code      # set when the code ran `exit`
        self.value = value              # the last value displayed
        self.output_closed = False      # stopped because standard output's reader went away

    @property
    def exit_status(self):
        if self.exit_code is not None:
            return self.exit_code
        if self.interrupted:
            return 130
        return 0 if self.ok else 1

    def __repr__(self):
        return (f"RunResult(ok={self.ok}, error={self.error!r}, interrupted={self.interrupted}, "
                f"exit_code={self.exit_code})")


class Session:
    """One shell session: variables, builtins, and the way text is run.

    The prompt, scripts, `-c` and pipes all go through `run_source`.  A
    front end customises output by replacing the hooks:
      display_hook(value)          show a bare expression's value
      show_hook(Shown)             show what a shell command returned (vars, help,
                                   graph ...): display.PlainFormatter's text by default
      error_hook(TshError)         show an error (also KeyboardInterrupt)
      warning_hook(TshError)       show a warning (kind == "warning")
    """

    def __init__(self, *, stdout=None, stderr=None, memory_limit="default", color=False,
                 debug=False, argv=None):
        self.stdout = stdout
        self.stderr = stderr
        self.color = color
        self.debug = debug
        self.display_hook = self._plain_display
        self.show_hook = self._plain_show
        self.error_hook = self._plain_error
        self.warning_hook = self._plain_warning
        self.interp = Interpreter(self)
        if memory_limit == "default":       # None means no limit
            memory_limit = guards.default_memory_limit()
        self.interp.set_memory_limit(memory_limit)
        self.argv = list(argv or [])
        self.interp.modules["sys"] = commands.sys_namespace(self.argv, self._err)
        self._seen_warnings = set()
        self._inputs = 0        # prompt inputs so far: each is named <input-N>

    # -- the API
    @property
    def namespace(self):
        """The user's variables (name -> value)."""
        return self.interp.globals

    @property
    def builtins(self):
        """The names every session starts with (engine, Python, commands)."""
        return self.interp.builtins

    @property
    def last_value(self):
        return self.interp.builtins.get("_")

    @property
    def memory_limit(self):
        return self.interp.memory_limit

    def set_memory_limit(self, nbytes):
        self.interp.set_memory_limit(nbytes)

    @staticmethod
    def is_complete(text):
        return syntax.is_complete(text)

    def parse(self, text, filename="<input>"):
        """Text -> Program; raises TshSyntaxError."""
        return syntax.parse(text, filename)

    def eval_expression(self, text, filename="<expression>"):
        """The value of one expression (the command form included) in the session's
        variables.  Nothing is displayed and `_` is left alone; raises TshError
        (TshSyntaxError when text is not a single expression)."""
        program = syntax.parse(text, filename)
        body = program.body
        if len(body) != 1 or body[0].__class__ is not ast.Expr:
            at = body[0] if len(body) == 1 else (body[1] if body else None)
            line = getattr(at, "lineno", 1)
            raise TshSyntaxError("expected one expression", filename, line,
                                 getattr(at, "col_offset", 0), getattr(at, "end_col_offset", 1),
                                 program.lines[line - 1] if program.lines else "")
        interp = self.interp
        saved = interp.program, interp.scope, interp.fn_depth, interp.current
        interp.program, interp.scope, interp.fn_depth = program, None, 0
        try:
            with interp.settings_in_force():
                return interp.eval(body[0].value)
        finally:
            interp.program, interp.scope, interp.fn_depth, interp.current = saved

    def run_source(self, text, filename="<input>"):
        """Parse all of text (syntax errors before anything runs), then run it.

        A file ending in `.py` runs with Python's rules: no bare value is shown.
        Each prompt input ("<input>") is named <input-N>, N counting from 1, so
        that a line an error points at is found in one input only."""
        if filename == "<input>":
            self._inputs += 1
            filename = f"<input-{self._inputs}>"
        try:
            program = syntax.parse(text, filename, python_rules=filename.endswith(".py"))
        except TshError as e:
            self.error_hook(e)
            return RunResult(ok=False, error=e)
        except Exception as e:      # a bug in the parser
            err = self._internal(e, filename)
            self.error_hook(err)
            return RunResult(ok=False, error=err)
        return self.execute(program)

    def run_file(self, path):
        from .files import read_script
        try:
            source = read_script(path)
        except UserError as e:
            err = TshError(str(e))
            self.error_hook(err)
            return RunResult(ok=False, error=err)
        return self.run_source(source, path)

    def execute(self, program):
        """Run a parsed Program, stopping at the first error."""
        interp = self.interp
        result = RunResult()
        self._last = None
        self._seen_warnings = set()     # a warning once per place per run (loops repeat it)
        with warnings.catch_warnings(), interp.settings_in_force(), MemoryBackstop(interp.memory_limit) as backstop:
            warnings.simplefilter("always")
            for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
                warnings.simplefilter("ignore", category)
            warnings.showwarning = self._showwarning
            try:
                try:
                    interp.exec_program(program, self.display_value)
                finally:
                    backstop.disarm()
            except TshError as e:
                if isinstance(e.python_exception, BrokenPipeError):
                    # `tensorsh prog | head -2`: the reader has all it wanted.  The
                    # program ends quietly, as if it had run `exit 0`.
                    result.output_closed, result.exit_code = True, 0
                    return result
                result.ok, result.error = False, e
                if self.debug and e.python_exception is not None:
                    self._print_trace(e.python_exception)
                self.error_hook(e)
            except KeyboardInterrupt:
                err = interp.error_at(interp.current, "KeyboardInterrupt") if interp.current is not None \
                    else TshError("KeyboardInterrupt")
                result.ok, result.error, result.interrupted = False, err, True
                self.error_hook(err)
            except ExitRequest as e:
                result.exit_code = e.code
            except RecursionError as e:
                err = interp.error_at(interp.current, "maximum recursion depth exceeded")
                err.python_exception = e
                result.ok, result.error = False, err
                self.error_hook(err)
            except Exception as e:
                err = self._internal(e, program.filename)
                result.ok, result.error = False, err
                self.error_hook(err)
            finally:
                interp.scope = None
                interp.fn_depth = 0
                interp.run_depth = 0
        result.value = self._last
        return result

    def reset(self):
        self.interp.reset()

    # -- output
    def display_value(self, value):
        self._last = value
        self.display_hook(value)

    def show(self, shown):
        """Show what a shell command returned, with this session's front end."""
        self.show_hook(shown)

    def _out(self):
        return self.stdout or sys.stdout

    def _err(self):
        return self.stderr or sys.stderr

    def _plain_display(self, value):
        from .display import format_value
        text = format_value(value)
        if text is not None:
            self._out().write(text + "\n")

    def _plain_show(self, shown):
        self._out().write(PLAIN_FORMATTER.format(shown))

    def _plain_error(self, err):
        from .display import format_error
        out = self._out()
        try:
            out.flush()
        except (AttributeError, ValueError, OSError):
            pass
        self._err().write(format_error(err, color=self.color))

    def _plain_warning(self, warning):
        self._plain_error(warning)

    def _showwarning(self, message, category, filename, lineno, file=None, line=None):
        interp = self.interp
        node = interp.current
        text = str(message)
        key = (text, getattr(node, "lineno", None), getattr(node, "col_offset", None),
               interp.program.filename if interp.program else None)
        if key in self._seen_warnings:
            return
        self._seen_warnings.add(key)
        w = interp.error_at(node, text) if node is not None else TshError(text)
        w.kind = "warning"
        self.warning_hook(w)

    def _internal(self, exc, filename):
        err = TshError(f"internal error: {type(exc).__name__}: {exc}", filename, internal=True)
        err.python_exception = exc
        if self.debug:
            self._print_trace(exc)
        return err

    def _print_trace(self, exc):
        import traceback
        self._err().write("".join(traceback.format_exception(exc)))


def _too_many_positional(called, count, default_count, given, keyword_only_given):
    """Python's words for more positional arguments than a function takes (CPython's
    too_many_positional): f() takes 2 positional arguments but 3 were given; g() takes
    from 1 to 3 positional arguments but 4 were given."""
    taken = f"from {count - default_count} to {count}" if default_count else str(count)
    plural = "s" if default_count or count != 1 else ""
    keyword_only = ""
    if keyword_only_given:
        keyword_only = (f" positional argument{'s' if given != 1 else ''} (and {keyword_only_given} "
                        f"keyword-only argument{'s' if keyword_only_given != 1 else ''})")
    verb = "was" if given == 1 and not keyword_only else "were"
    return f"{called} takes {taken} positional argument{plural} but {given}{keyword_only} {verb} given"


def _refuse_missing(called, missing, kind):
    """Python's TypeError for required arguments not given: f() missing 2 required positional
    arguments: 'a' and 'b'."""
    if not missing:
        return
    listed = " and ".join(repr(m) for m in missing) if len(missing) <= 2 else \
        ", ".join(repr(m) for m in missing[:-1]) + f", and {missing[-1]!r}"
    raise TypeError(f"{called} missing {len(missing)} required {kind} argument{'s' if len(missing) != 1 else ''}: "
                    f"{listed}")
