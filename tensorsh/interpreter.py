"""The evaluator: walks the syntax tree, holds a session's variables and
enforces the safety rules.

Python's `eval`/`exec` are never used: every node type in syntax._ALLOWED
has a handler here, and nothing else runs.  Attribute access goes through
one policy (`get_attribute`): no `_` names, and only each type's public
API; a module object is never handed to the language.

Errors: any exception raised while evaluating a node becomes a TshError
located at the innermost node that failed (the whole call or operator),
keeping the engine's (PyTorch's) wording.
"""
import ast
import difflib
import math
import operator
import sys
import time
import types
import warnings

from . import builtins as tsh_builtins
from . import safe_numpy, syntax
from .builtins import Command, SpecialForm
from .errors import ExitRequest, TshError, TshSyntaxError, UserError, format_size
from .safe_numpy import Namespace

MAX_CALL_DEPTH = 800        # user-function recursion
MAX_RUN_DEPTH = 16          # `run "file"` inside run

if sys.getrecursionlimit() < 30000:
    sys.setrecursionlimit(30000)


_BINOPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.MatMult: operator.matmul, ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod, ast.Pow: operator.pow, ast.LShift: operator.lshift,
    ast.RShift: operator.rshift, ast.BitOr: operator.or_, ast.BitXor: operator.xor,
    ast.BitAnd: operator.and_,
}
_IOPS = {
    ast.Add: operator.iadd, ast.Sub: operator.isub, ast.Mult: operator.imul,
    ast.MatMult: operator.imatmul, ast.Div: operator.itruediv, ast.FloorDiv: operator.ifloordiv,
    ast.Mod: operator.imod, ast.Pow: operator.ipow, ast.LShift: operator.ilshift,
    ast.RShift: operator.irshift, ast.BitOr: operator.ior, ast.BitXor: operator.ixor,
    ast.BitAnd: operator.iand,
}
_UNOPS = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_,
          ast.Invert: operator.invert}
_CMPOPS = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}
_OP_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.MatMult: "@", ast.Div: "/",
              ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**"}


class _Signal:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


BREAK, CONTINUE = _Signal("break"), _Signal("continue")


class _Return:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class Scope:
    """A function call's (or comprehension's) local variables.

    ``local_names`` are the names the function assigns anywhere in its body:
    as in Python they are local throughout it, so reading one before it is
    assigned is an error rather than a read of the global of the same name.
    """

    __slots__ = ("vars", "parent", "local_names", "owner")

    def __init__(self, vars, parent, local_names=frozenset(), owner=None):
        self.vars = vars
        self.parent = parent
        self.local_names = local_names
        self.owner = owner          # the function's name, for messages


def local_names(fn_node):
    """The names a `def` or `lambda` binds: its parameters and every name it
    assigns (=, +=, for, with ... as, del, def, import, :=), not counting
    nested functions' bodies or comprehension variables (their own scopes)."""
    a = fn_node.args
    names = {p.arg for p in a.posonlyargs + a.args + a.kwonlyargs}
    names.update(p.arg for p in (a.vararg, a.kwarg) if p is not None)
    body = fn_node.body if isinstance(fn_node.body, list) else [fn_node.body]
    stack = list(body)
    while stack:
        node = stack.pop()
        kind = node.__class__
        if kind is ast.Name:
            if node.ctx.__class__ is not ast.Load:
                names.add(node.id)
        elif kind is ast.FunctionDef or kind is ast.Lambda:
            if kind is ast.FunctionDef:
                names.add(node.name)
            stack.extend(node.args.defaults)
            stack.extend(d for d in node.args.kw_defaults if d is not None)
        elif kind in (ast.Import, ast.ImportFrom):
            names.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
        elif kind is ast.comprehension:
            stack.append(node.iter)         # its target belongs to the comprehension
            stack.extend(node.ifs)
        else:
            stack.extend(ast.iter_child_nodes(node))
    return frozenset(names)


class Parameters:
    """What binding arguments to a function needs, worked out once per `def`."""

    __slots__ = ("names", "count", "positional_only", "keyword_only", "vararg", "kwarg", "simple",
                 "local_names", "result")

    def __init__(self, fn_node):
        a = fn_node.args
        self.names = tuple(p.arg for p in a.posonlyargs + a.args)
        self.count = len(self.names)
        self.positional_only = frozenset(p.arg for p in a.posonlyargs)
        self.keyword_only = tuple(p.arg for p in a.kwonlyargs)
        self.vararg = a.vararg.arg if a.vararg is not None else None
        self.kwarg = a.kwarg.arg if a.kwarg is not None else None
        self.simple = not (self.keyword_only or self.vararg or self.kwarg)
        self.local_names = local_names(fn_node)
        # A lambda, or a def whose body is one `return EXPR`: the expression to evaluate.
        body = fn_node.body
        if not isinstance(body, list):
            self.result = body
        elif len(body) == 1 and body[0].__class__ is ast.Return and not body[0].tsh_timed:
            self.result = body[0].value
        else:
            self.result = None


def parameters(fn_node):
    params = getattr(fn_node, "tsh_parameters", None)
    if params is None:
        params = fn_node.tsh_parameters = Parameters(fn_node)
    return params


class UserFunction:
    """A function made by `def` or `lambda` in the language."""

    __slots__ = ("name", "node", "body", "is_lambda", "defaults", "kw_defaults", "closure",
                 "interp", "program", "params", "__weakref__")

    def __init__(self, name, node, interp, defaults, kw_defaults, closure, program):
        self.name = name
        self.node = node
        self.params = parameters(node)
        self.is_lambda = isinstance(node, ast.Lambda)
        self.body = node.body
        self.defaults = defaults
        self.kw_defaults = kw_defaults
        self.closure = closure
        self.interp = interp
        self.program = program

    def __call__(self, *args, **kwargs):
        return self.interp.call_user(self, args, kwargs)

    def __repr__(self):
        return f"<function {self.name}>"

    @property
    def filename(self):
        return self.program.filename

    @property
    def line(self):
        return self.node.lineno

    def signature(self):
        a = self.node.args
        params = [p.arg for p in a.posonlyargs + a.args]
        nd = len(self.defaults)
        parts = []
        for i, p in enumerate(params):
            j = i - (len(params) - nd)
            parts.append(f"{p}={self.defaults[j]!r}" if j >= 0 else p)
        if a.vararg:
            parts.append("*" + a.vararg.arg)
        elif a.kwonlyargs:
            parts.append("*")
        for p, d in zip(a.kwonlyargs, self.kw_defaults):
            parts.append(p.arg if d is _NO_DEFAULT else f"{p.arg}={d!r}")
        if a.kwarg:
            parts.append("**" + a.kwarg.arg)
        return f"{self.name}({', '.join(parts)})"


_NO_DEFAULT = object()


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

_DENIED_ATTRS = frozenset((
    "ctypes", "cffi", "tofile", "dump", "dumps", "fromfile", "load", "save", "savez", "memmap",
    "mro", "format_map", "gi_frame", "gi_code", "cr_frame", "ag_frame", "f_globals", "f_locals",
    "f_back", "f_builtins", "f_code", "tb_frame", "tb_next", "func_globals", "setflags",
    "from_file", "share_memory_", "set_", "storage", "untyped_storage", "register_prehook",
    "newbyteorder",
))
_SAFE_BUILTIN_TYPES = (int, float, complex, bool, str, bytes, list, tuple, dict, set, frozenset,
                       range, slice, type(None), type({}.keys()), type({}.values()),
                       type({}.items()), type(Ellipsis), type(NotImplemented))
_SAFE_ROOT_MODULES = frozenset(("engine", "numpy"))
_DENIED_RESULT_TYPES = (types.ModuleType, types.FrameType, types.CodeType, types.TracebackType,
                        types.GeneratorType, types.CoroutineType, types.AsyncGeneratorType)
_attr_cache = {}


def _public_names(obj):
    return frozenset(n for n in dir(obj) if not n.startswith("_")) - _DENIED_ATTRS


def allowed_attributes(obj):
    """The attribute names the language may read on obj (cached per type)."""
    if isinstance(obj, type):
        key = ("class", obj)
        names = _attr_cache.get(key)
        if names is None:
            mod = (getattr(obj, "__module__", "") or "").split(".")[0]
            if obj in _SAFE_BUILTIN_TYPES or mod in _SAFE_ROOT_MODULES:
                names = _public_names(obj) - {"format"}
            else:
                names = frozenset()
            _attr_cache[key] = names
        return names
    tp = type(obj)
    names = _attr_cache.get(tp)
    if names is None:
        mod = (getattr(tp, "__module__", "") or "")
        mod = mod.split(".")[0] if isinstance(mod, str) else ""
        if tp in _SAFE_BUILTIN_TYPES or mod in _SAFE_ROOT_MODULES:
            names = _public_names(tp)
            if issubclass(tp, str):
                names -= {"format"}        # str.format is replaced by a safe one
        else:
            names = frozenset()
        _attr_cache[tp] = names
    return names


def _type_label(obj):
    if isinstance(obj, Namespace):
        return f"module '{obj.name}'"
    if isinstance(obj, type):
        return f"type object '{obj.__name__}'"
    return f"'{type(obj).__name__}' object"


def _located(handler):
    """handler, with a Python error it raises reported at its node."""
    def located(self, node):
        try:
            return handler(self, node)
        except TshError:
            raise
        except Exception as e:
            raise self.convert(e, node) from e
    located.__name__ = handler.__name__
    return located


# The kinds of callables DENIED_CALLABLES can hold (a cheap test before the set).
_CHECKED_CALLABLE_TYPES = frozenset((types.BuiltinFunctionType, types.FunctionType, type))


# ------------------------------------------------------------ interpreter

class Interpreter:
    def __init__(self, session):
        self.session = session
        self.globals = {}
        engine = tsh_builtins.load_engine()
        self.engine = engine
        self.tensor_class = getattr(engine, "Tensor", None) if engine is not None else None
        self._array_classes = tuple(c for c in (self.tensor_class,) if c is not None)
        import numpy as np
        self._np = np
        self._sized_classes = (np.ndarray,) + self._array_classes
        bare, modules = tsh_builtins.engine_namespaces(engine)
        np_ns = safe_numpy.build()
        modules.update({"numpy": np_ns, "math": tsh_builtins.math_namespace()})
        modules.setdefault("torch.nn", Namespace("torch.nn", {}))
        modules.setdefault("torch.nn.functional", Namespace("torch.nn.functional", {}))
        self.modules = modules
        self.builtins = {}
        self.builtins.update(bare)
        self.builtins.update(tsh_builtins.python_builtins(self.stdout))
        self.builtins["torch"] = modules["torch"]
        self.builtins["np"] = np_ns
        self.builtins["numpy"] = np_ns
        self.builtins.update(tsh_builtins.shell_commands(self))
        self.scope = None
        self.program = None
        self.fn_depth = 0
        self.run_depth = 0
        self.current = None         # the node being evaluated, for warnings and Ctrl-C
        self.memory_limit = None
        self._str_format = _SAFE_FORMATTER.bound

    # -- session plumbing
    def stdout(self):
        return self.session.stdout or sys.stdout

    def is_defined(self, name):
        scope = self.scope
        while scope is not None:
            if name in scope.vars:
                return True
            scope = scope.parent
        return name in self.globals or name in self.builtins

    def reset(self):
        self.globals.clear()
        self.builtins.pop("_", None)
        engine = self.engine
        if engine is not None and hasattr(engine, "set_grad_enabled"):
            try:
                engine.set_grad_enabled(True)
            except Exception:
                pass

    def set_memory_limit(self, nbytes):
        self.memory_limit = nbytes
        safe_numpy.LIMIT[0] = nbytes
        setter = getattr(self.engine, "set_memory_limit", None)
        if setter is not None:
            setter(nbytes)

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
        from .cli import _read_source
        source, message = _read_source(path)
        if source is None:
            raise UserError(message.replace("tensorsh: ", ""))
        program = syntax.parse(source, path)
        self.run_depth += 1
        saved = self.program, self.scope, self.fn_depth
        self.scope, self.fn_depth = None, 0
        try:
            self.exec_program(program, display=self.session.display_value)
        finally:
            self.run_depth -= 1
            self.program, self.scope, self.fn_depth = saved

    # -- errors
    def error_at(self, node, message, cls=TshError, **kw):
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
            msg = str(exc) or "out of memory"
            if not str(exc):
                msg = "out of memory (the operation needed more memory than the machine has)"
        elif type(exc) is RuntimeError:
            msg = str(exc)
        elif (isinstance(exc, (AttributeError, NameError, UnboundLocalError, AssertionError))
              or (isinstance(exc, KeyError) and exc.args and isinstance(exc.args[0], type))) \
                and _raised_by_tensorsh(exc):
            internal = True
            msg = f"internal error: {type(exc).__name__}: {exc}"
        else:
            text = str(exc)
            msg = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
        err = self.error_at(node, msg, internal=internal)
        err.python_exception = exc
        return err

    def name_error(self, node, name):
        if name in tsh_builtins.UNAVAILABLE:
            return self.error_at(node, f"{name!r} is not available in tensorsh")
        if name == "_":
            return self.error_at(node, "`_` holds the last value shown, and none has been shown yet")
        candidates = set(self.globals) | set(self.builtins)
        scope = self.scope
        while scope is not None:
            candidates |= set(scope.vars)
            scope = scope.parent
        msg = f"name {name!r} is not defined"
        close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.7)
        if close:
            msg += f"; did you mean {close[0]!r}?"
        elif self.tensor_class is not None and hasattr(self.tensor_class, name) and not name.startswith("_"):
            msg += f" (it is a tensor method: x.{name}(...))"
        elif self.engine is None and tsh_builtins.ENGINE_ERROR[0]:
            msg += f" (the tensor engine failed to load: {tsh_builtins.ENGINE_ERROR[0]})"
        return self.error_at(node, msg)

    # -- programs and statements
    def exec_program(self, program, display):
        """Run a parsed program's statements at the top level."""
        self.program = program
        for stmt in program.body:
            self.program = program
            self.current = stmt
            self.exec_top(stmt, display)

    def exec_top(self, stmt, display):
        r = self.exec_block((stmt,))
        if r is not None:
            raise self.error_at(stmt, f"'{r.name}' outside a loop" if isinstance(r, _Signal)
                                else "'return' outside a function", TshSyntaxError)

    def exec_timed(self, stmt):
        start = time.perf_counter()
        try:
            return self._stmt[stmt.__class__](self, stmt)
        finally:
            elapsed = time.perf_counter() - start
            self.stdout().write(f"time: {tsh_builtins.format_duration(elapsed)}\n")

    def exec_block(self, stmts):
        stmt_handlers = self._stmt
        for s in stmts:
            try:
                if s.tsh_timed:
                    r = self.exec_timed(s)
                else:
                    r = stmt_handlers[s.__class__](self, s)
            except TshError:
                raise
            except Exception as e:
                raise self.convert(e, s) from e
            if r is not None:
                return r
        return None

    def _s_expr(self, node):
        value = node.value
        value = self._expr[value.__class__](self, value)
        if self.fn_depth == 0:
            if value.__class__ in (Command, SpecialForm) and node.value.__class__ is ast.Name:
                if not value.bare:
                    raise self.error_at(node, f"{value.name} needs an argument; see help {value.name}")
                value = value.run(self, None) if value.__class__ is SpecialForm else value()
            if value is not None and not node.tsh_hidden:
                self.builtins["_"] = value
                self.session.display_value(value)
        return None

    def _s_assign(self, node):
        value = node.value
        value = self._expr[value.__class__](self, value)
        for target in node.targets:
            self.assign(target, value)

    def _s_augassign(self, node):
        target = node.target
        op = _IOPS[node.op.__class__]
        value = node.value
        rhs = value.value if value.__class__ is ast.Constant else self._expr[value.__class__](self, value)
        tc = target.__class__
        if tc is ast.Name:
            cur = self._name(target)
            self.current = node
            try:
                new = op(cur, rhs)
            except TshError:
                raise
            except Exception as e:
                raise self.convert(e, node) from e
            (self.scope.vars if self.scope is not None else self.globals)[target.id] = new
        elif tc is ast.Subscript:
            obj = self.eval(target.value)
            idx = self.eval_index(target.slice)
            try:
                new = op(obj[idx], rhs)
                obj[idx] = new
            except TshError:
                raise
            except Exception as e:
                raise self.convert(e, node) from e
        elif tc is ast.Attribute:
            obj = self.eval(target.value)
            cur = self.get_attribute(obj, target.attr, target)
            try:
                new = op(cur, rhs)
            except TshError:
                raise
            except Exception as e:
                raise self.convert(e, node) from e
            self.set_attribute(obj, target.attr, new, target)
        else:
            raise self.error_at(target, "cannot assign to this")

    def _s_delete(self, node):
        for t in node.targets:
            self._delete(t)

    def _delete(self, t):
        tc = t.__class__
        if tc is ast.Name:
            d = self.scope.vars if self.scope is not None else self.globals
            if t.id not in d:
                if self.scope is None and t.id in self.builtins:
                    raise self.error_at(t, f"{t.id!r} is a builtin and cannot be deleted")
                raise self.name_error(t, t.id)
            del d[t.id]
        elif tc is ast.Subscript:
            obj = self.eval(t.value)
            idx = self.eval_index(t.slice)
            try:
                del obj[idx]
            except TshError:
                raise
            except Exception as e:
                raise self.convert(e, t) from e
        elif tc in (ast.Tuple, ast.List):
            for e in t.elts:
                self._delete(e)
        else:
            raise self.error_at(t, "cannot delete this")

    def _s_if(self, node):
        test = node.test
        if self._expr[test.__class__](self, test):
            return self.exec_block(node.body)
        if node.orelse:
            return self.exec_block(node.orelse)
        return None

    def _s_while(self, node):
        test, body = node.test, node.body
        evaluate = self._expr[test.__class__]
        while evaluate(self, test):
            r = self.exec_block(body)
            if r is not None:
                if r is BREAK:
                    return None
                if r is CONTINUE:
                    continue
                return r
        if node.orelse:
            return self.exec_block(node.orelse)
        return None

    def _s_for(self, node):
        iterable = self.eval(node.iter)
        try:
            it = iter(iterable)
        except TypeError as e:
            raise self.convert(e, node.iter) from e
        target, body = node.target, node.body
        name = target.id if target.__class__ is ast.Name else None
        variables = self.scope.vars if self.scope is not None else self.globals
        for item in it:
            if name is not None:
                variables[name] = item
            else:
                self.assign(target, item)
            r = self.exec_block(body)
            if r is not None:
                if r is BREAK:
                    return None
                if r is CONTINUE:
                    continue
                return r
        if node.orelse:
            return self.exec_block(node.orelse)
        return None

    def _s_break(self, node):
        return BREAK

    def _s_continue(self, node):
        return CONTINUE

    def _s_pass(self, node):
        return None

    def _s_with(self, node):
        return self._with_items(node, 0)

    def _with_items(self, node, i):
        if i == len(node.items):
            return self.exec_block(node.body)
        item = node.items[i]
        cm = self.eval(item.context_expr)
        tp = type(cm)
        enter = getattr(tp, "__enter__", None)
        exit_ = getattr(tp, "__exit__", None)
        if enter is None or exit_ is None or isinstance(cm, type):
            raise self.error_at(item.context_expr,
                                f"TypeError: '{tp.__name__}' object does not support the context manager protocol")
        try:
            value = enter(cm)
        except TshError:
            raise
        except Exception as e:
            raise self.convert(e, item.context_expr) from e
        try:
            if item.optional_vars is not None:
                self.assign(item.optional_vars, value)
            r = self._with_items(node, i + 1)
        except BaseException as e:
            if not exit_(cm, type(e), e, e.__traceback__):
                raise
            return None
        exit_(cm, None, None, None)
        return r

    def _s_functiondef(self, node):
        fn = self.make_function(node.name, node)
        self.store(node.name, fn)

    def make_function(self, name, node):
        a = node.args
        defaults = [self.eval(d) for d in a.defaults]
        kw_defaults = [_NO_DEFAULT if d is None else self.eval(d) for d in a.kw_defaults]
        return UserFunction(name, node, self, defaults, kw_defaults, self.scope, self.program)

    def _s_return(self, node):
        if self.fn_depth == 0:
            raise self.error_at(node, "'return' outside a function", TshSyntaxError)
        value = node.value
        return _Return(None if value is None else self._expr[value.__class__](self, value))

    def _s_import(self, node):
        for alias in node.names:
            ns = self.modules.get(alias.name)
            if ns is None:
                raise self.error_at(node, syntax._import_message(alias.name))
            if alias.asname:
                self.store(alias.asname, ns)
            else:
                top = alias.name.split(".")[0]
                self.store(top, self.modules.get(top, ns))

    def _s_importfrom(self, node):
        if node.module == "__future__":
            return None
        ns = self.modules.get(node.module)
        if ns is None:
            raise self.error_at(node, syntax._import_message(node.module))
        for alias in node.names:
            value = ns.entries.get(alias.name)
            if value is None:
                sub = self.modules.get(f"{node.module}.{alias.name}")
                if sub is None:
                    close = difflib.get_close_matches(alias.name, list(ns.entries), n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    raise self.error_at(alias if hasattr(alias, "lineno") else node,
                                        f"cannot import name {alias.name!r} from {node.module!r}{hint}")
                value = sub
            self.store(alias.asname or alias.name, value)
        return None

    def _s_assert(self, node):
        if not self.eval(node.test):
            msg = "" if node.msg is None else str(self.eval(node.msg))
            raise self.error_at(node, f"AssertionError: {msg}" if msg else "AssertionError")

    _stmt = {
        ast.Expr: _s_expr, ast.Assign: _s_assign, ast.AugAssign: _s_augassign,
        ast.Delete: _s_delete, ast.If: _s_if, ast.While: _s_while, ast.For: _s_for,
        ast.Break: _s_break, ast.Continue: _s_continue, ast.Pass: _s_pass, ast.With: _s_with,
        ast.FunctionDef: _s_functiondef, ast.Return: _s_return, ast.Import: _s_import,
        ast.ImportFrom: _s_importfrom, ast.Assert: _s_assert,
    }

    # -- names and assignment
    def store(self, name, value):
        if self.scope is not None:
            self.scope.vars[name] = value
        else:
            self.globals[name] = value

    def assign(self, target, value):
        tc = target.__class__
        if tc is ast.Name:
            self.store(target.id, value)
        elif tc is ast.Tuple or tc is ast.List:
            self._unpack(target, value)
        elif tc is ast.Subscript:
            obj = self.eval(target.value)
            idx = self.eval_index(target.slice)
            self.current = target
            try:
                obj[idx] = value
            except TshError:
                raise
            except Exception as e:
                raise self.convert(e, target) from e
        elif tc is ast.Attribute:
            obj = self.eval(target.value)
            self.set_attribute(obj, target.attr, value, target)
        elif tc is ast.Starred:
            raise self.error_at(target, "a starred assignment target must be in a list or tuple")
        else:
            raise self.error_at(target, "cannot assign to this")

    def _unpack(self, target, value):
        elts = target.elts
        star = [i for i, e in enumerate(elts) if e.__class__ is ast.Starred]
        try:
            items = list(value)
        except TypeError as e:
            raise self.error_at(target, f"TypeError: cannot unpack non-iterable {type(value).__name__} object") from e
        if not star:
            if len(items) != len(elts):
                if len(items) > len(elts):
                    msg = f"ValueError: too many values to unpack (expected {len(elts)})"
                else:
                    msg = f"ValueError: not enough values to unpack (expected {len(elts)}, got {len(items)})"
                raise self.error_at(target, msg)
            for e, v in zip(elts, items):
                self.assign(e, v)
            return
        if len(star) > 1:
            raise self.error_at(target, "multiple starred expressions in assignment")
        s = star[0]
        after = len(elts) - s - 1
        if len(items) < len(elts) - 1:
            raise self.error_at(target, f"ValueError: not enough values to unpack "
                                        f"(expected at least {len(elts) - 1}, got {len(items)})")
        for e, v in zip(elts[:s], items[:s]):
            self.assign(e, v)
        self.assign(elts[s].value, items[s:len(items) - after])
        for e, v in zip(elts[s + 1:], items[len(items) - after:]):
            self.assign(e, v)

    # -- attributes
    def get_attribute(self, obj, name, node):
        if obj.__class__ is Namespace:
            try:
                return obj.entries[name]
            except KeyError:
                close = difflib.get_close_matches(name, list(obj.entries), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise self.error_at(node, f"module '{obj.name}' has no attribute {name!r}{hint}") from None
        allowed = allowed_attributes(obj)
        if name not in allowed:
            if isinstance(obj, str) and name == "format":
                return self._str_format(obj)
            raise self._attribute_error(obj, name, node, allowed)
        self.current = node
        try:
            value = getattr(obj, name)
        except AttributeError as e:
            raise self.error_at(node, f"AttributeError: {e}") from e
        except TshError:
            raise
        except Exception as e:
            raise self.convert(e, node) from e
        if isinstance(value, _DENIED_RESULT_TYPES):
            raise self.error_at(node, f"{_type_label(obj)} attribute {name!r} is not available in tensorsh")
        return value

    def _attribute_error(self, obj, name, node, allowed):
        if hasattr(obj, name) and name in _DENIED_ATTRS:
            return self.error_at(node, f"{_type_label(obj)} attribute {name!r} is not available in tensorsh")
        if not allowed and not isinstance(obj, type):
            if hasattr(obj, name):
                return self.error_at(node, f"attributes of {_type_label(obj)} are not available in tensorsh")
        msg = f"AttributeError: {_type_label(obj)} has no attribute {name!r}"
        close = difflib.get_close_matches(name, sorted(allowed), n=1, cutoff=0.6)
        if close:
            msg += f"; did you mean {close[0]!r}?"
        return self.error_at(node, msg)

    _SETTABLE = frozenset(("requires_grad", "grad", "data"))

    def set_attribute(self, obj, name, value, node):
        tensor_cls = self.tensor_class
        if tensor_cls is not None and isinstance(obj, tensor_cls) and name in self._SETTABLE:
            self.current = node
            try:
                setattr(obj, name, value)
            except TshError:
                raise
            except Exception as e:
                raise self.convert(e, node) from e
            return
        if isinstance(obj, Namespace):
            raise self.error_at(node, f"cannot set attributes of module '{obj.name}'")
        what = "a tensor's " + ", ".join(sorted(self._SETTABLE)) if tensor_cls is not None else ""
        raise self.error_at(node, f"cannot set attribute {name!r} of {_type_label(obj)}"
                            + (f" (only {what} can be set)" if what else ""))

    # -- expressions
    #
    # Each handler evaluates its children through the table `_expr` (a
    # constant child is read in place) and reports a Python error of its own
    # operation at its own node, so the caret points at the innermost
    # expression that failed.  The hot handlers (names, operators, calls,
    # attributes, indexing) do that with a try around the operation alone; the
    # rest are wrapped by `_located`.

    def eval(self, node):
        """The value of an expression node (errors raised as located TshErrors)."""
        return self._expr[node.__class__](self, node)

    def _constant(self, node):
        return node.value

    def _name(self, node):
        name = node.id
        scope = self.scope
        while scope is not None:
            v = scope.vars
            if name in v:
                return v[name]
            if name in scope.local_names:
                raise self.error_at(node, f"local variable {name!r} is used before it is assigned: it is "
                                          f"assigned in {scope.owner}(), so it is local to all of it "
                                          f"(as in Python)")
            scope = scope.parent
        g = self.globals
        if name in g:
            return g[name]
        b = self.builtins
        if name in b:
            return b[name]
        raise self.name_error(node, name)

    def _attribute(self, node):
        value = node.value
        return self.get_attribute(self._expr[value.__class__](self, value), node.attr, node)

    def _subscript(self, node):
        value = node.value
        obj = self._expr[value.__class__](self, value)
        index = node.slice
        idx = index.value if index.__class__ is ast.Constant else self.eval_index(index)
        self.current = node
        try:
            return obj[idx]
        except TshError:
            raise
        except Exception as e:
            if (e.__class__ is TypeError and callable(obj) and value.__class__ is ast.Name
                    and not hasattr(obj, "__getitem__")):
                raise self.error_at(node, f"{value.id!r} is a function: call it, {value.id}(...)") from e
            raise self.convert(e, node) from e

    def eval_index(self, node):
        nc = node.__class__
        if nc is ast.Slice:
            return slice(None if node.lower is None else self.eval(node.lower),
                         None if node.upper is None else self.eval(node.upper),
                         None if node.step is None else self.eval(node.step))
        if nc is ast.Tuple:
            return tuple(self.eval_index(e) if e.__class__ is ast.Slice else self.eval(e)
                         for e in node.elts)
        return self.eval(node)

    def _binop(self, node):
        expr = self._expr
        a, b = node.left, node.right
        left = a.value if a.__class__ is ast.Constant else expr[a.__class__](self, a)
        right = b.value if b.__class__ is ast.Constant else expr[b.__class__](self, b)
        op = node.op.__class__
        sized = self._sized_classes
        if left.__class__ in sized and right.__class__ in sized and left.shape != right.shape:
            self._check_result_size(left, right, op, node)      # broadcasting may allocate a lot
        self.current = node
        try:
            return _BINOPS[op](left, right)
        except TshError:
            raise
        except Exception as e:
            raise self.convert(e, node) from e

    def _check_result_size(self, a, b, op, node):
        limit = self.memory_limit
        sa, sb = tuple(a.shape), tuple(b.shape)
        if sa == sb or limit is None:
            return
        na, nb = math.prod(sa), math.prod(sb)
        itemsize = max(getattr(a.dtype, "itemsize", 8), getattr(b.dtype, "itemsize", 8))
        if na * nb * itemsize <= limit:
            return
        if op is ast.MatMult:
            if len(sa) < 2 or len(sb) < 2:
                return
            try:
                batch = self._np.broadcast_shapes(sa[:-2], sb[:-2])
            except ValueError:
                return
            shape = batch + (sa[-2], sb[-1])
        else:
            try:
                shape = self._np.broadcast_shapes(sa, sb)
            except ValueError:
                return          # the engine reports the mismatch in PyTorch's words
        nbytes = math.prod(shape) * itemsize
        if nbytes > limit:
            raise self.error_at(node, f"refusing to allocate {format_size(nbytes)} for the result of shape "
                                      f"{list(shape)}: the memory limit is {format_size(limit)}")

    def _unaryop(self, node):
        operand = node.operand
        v = operand.value if operand.__class__ is ast.Constant else self._expr[operand.__class__](self, operand)
        self.current = node
        try:
            return _UNOPS[node.op.__class__](v)
        except TshError:
            raise
        except Exception as e:
            raise self.convert(e, node) from e

    def _boolop(self, node):
        if node.op.__class__ is ast.And:
            v = True
            for e in node.values:
                v = self.eval(e)
                if not v:
                    return v
            return v
        v = False
        for e in node.values:
            v = self.eval(e)
            if v:
                return v
        return v

    def _compare(self, node):
        expr = self._expr
        a = node.left
        left = a.value if a.__class__ is ast.Constant else expr[a.__class__](self, a)
        try:
            for op, b in zip(node.ops, node.comparators):
                right = b.value if b.__class__ is ast.Constant else expr[b.__class__](self, b)
                self.current = node
                result = _CMPOPS[op.__class__](left, right)
                if len(node.ops) == 1 or not result:
                    return result
                left = right
            return result
        except TshError:
            raise
        except Exception as e:
            raise self.convert(e, node) from e

    def _ifexp(self, node):
        return self.eval(node.body) if self.eval(node.test) else self.eval(node.orelse)

    def _call(self, node):
        expr = self._expr
        f = node.func
        func = expr[f.__class__](self, f)
        fc = func.__class__
        if fc is SpecialForm:
            return func.run(self, node)
        args = []
        for a in node.args:
            ac = a.__class__
            if ac is ast.Constant:
                args.append(a.value)
            elif ac is ast.Starred:
                args.extend(self.eval(a.value))
            else:
                args.append(expr[ac](self, a))
        kwargs = {}
        for kw in node.keywords:
            if kw.arg is None:
                extra = self.eval(kw.value)
                for k in extra:
                    if not isinstance(k, str) or k.startswith("_"):
                        raise self.error_at(kw, f"keyword argument names must be plain names, not {k!r}")
                kwargs.update(extra)
            else:
                kwargs[kw.arg] = self.eval(kw.value)
        self.current = node
        try:
            if fc is UserFunction:
                return self.call_user(func, args, kwargs)
            if not callable(func):
                raise self._not_callable(func, node)
            return self.call_value(func, args, kwargs, node)
        except TshError:
            raise
        except Exception as e:
            raise self.convert(e, node) from e

    def _not_callable(self, func, node):
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

    def call_value(self, func, args, kwargs, node):
        fc = func.__class__
        if fc in _CHECKED_CALLABLE_TYPES and func in tsh_builtins.DENIED_CALLABLES:
            raise self.error_at(node, f"{getattr(func, '__name__', 'this function')!r} is not available in tensorsh")
        if fc is SpecialForm:
            raise self.error_at(node, f"{func.name} must be called by name")
        if fc is UserFunction:
            return self.call_user(func, args, kwargs)
        return func(*args, **kwargs)

    def _maybe_command(self, node):
        """`f [1, 2]` / `f -1`: a call if f is a function, else Python's reading."""
        func = self._name(node.name)
        if callable(func) and not isinstance(func, type) and not hasattr(func, "__getitem__"):
            args = [self.eval(a) for a in node.args]
            self.current = node
            if func.__class__ is SpecialForm:
                call = ast.copy_location(ast.Call(func=node.name, args=node.args, keywords=[]), node)
                return func.run(self, call)
            return self.call_value(func, args, {}, node)
        return self.eval(node.python)

    def call_user(self, fn, args, kwargs):
        if self.fn_depth >= MAX_CALL_DEPTH:
            raise UserError(f"maximum recursion depth exceeded: more than {MAX_CALL_DEPTH} nested calls "
                            f"(in {fn.name!r})")
        params = fn.params
        if not kwargs and params.simple and len(args) == params.count:
            local = dict(zip(params.names, args))        # the common case: f(a, b)
        else:
            local = self._bind(fn, params, args, kwargs)
        saved = self.scope, self.program
        self.scope = Scope(local, fn.closure, params.local_names, fn.name)
        self.program = fn.program
        self.fn_depth += 1
        try:
            result = params.result
            if result is not None:
                return self._expr[result.__class__](self, result)
            r = self.exec_block(fn.body)
            if r is None:
                return None
            if r.__class__ is _Return:
                return r.value
            raise self.error_at(fn.node, f"'{r.name}' outside a loop", TshSyntaxError)
        finally:
            self.fn_depth -= 1
            self.scope, self.program = saved

    @staticmethod
    def _bind(fn, params, args, kwargs):
        """Python's rules for matching arguments to parameters, with its messages."""
        names, n = params.names, params.count
        local = {}
        if len(args) > n and params.vararg is None:
            raise UserError(f"{fn.name}() takes {n} positional argument{'s' if n != 1 else ''} "
                            f"but {len(args)} {'were' if len(args) != 1 else 'was'} given")
        for name, v in zip(names, args):
            local[name] = v
        if params.vararg is not None:
            local[params.vararg] = tuple(args[n:])
        extra = {}
        for k, v in kwargs.items():
            if k in local and k in names:
                raise UserError(f"{fn.name}() got multiple values for argument {k!r}")
            if (k in names and k not in params.positional_only) or k in params.keyword_only:
                local[k] = v
            elif params.kwarg is not None:
                extra[k] = v
            else:
                raise UserError(f"{fn.name}() got an unexpected keyword argument {k!r}")
        nd = len(fn.defaults)
        missing = []
        for i, name in enumerate(names):
            if name not in local:
                j = i - (n - nd)
                if j >= 0:
                    local[name] = fn.defaults[j]
                else:
                    missing.append(name)
        for name, d in zip(params.keyword_only, fn.kw_defaults):
            if name not in local:
                if d is _NO_DEFAULT:
                    missing.append(name)
                else:
                    local[name] = d
        if missing:
            listed = " and ".join(repr(m) for m in missing)
            raise UserError(f"{fn.name}() missing {len(missing)} required argument"
                            f"{'s' if len(missing) != 1 else ''}: {listed}")
        if params.kwarg is not None:
            local[params.kwarg] = extra
        return local

    def _lambda(self, node):
        return self.make_function("<lambda>", node)

    def _list(self, node):
        out = []
        for e in node.elts:
            if e.__class__ is ast.Starred:
                out.extend(self.eval(e.value))
            else:
                out.append(self.eval(e))
        return out

    def _tuple(self, node):
        return tuple(self._list(node))

    def _set(self, node):
        return set(self._list(node))

    def _dict(self, node):
        out = {}
        for k, v in zip(node.keys, node.values):
            if k is None:
                out.update(self.eval(v))
            else:
                out[self.eval(k)] = self.eval(v)
        return out

    def _starred(self, node):
        raise self.error_at(node, "a starred expression can only be used in a call, list or tuple")

    def _comprehension(self, node, element, key=None):
        """The items of a comprehension in order: element's value, or (key, element)
        for a dict.  Its variables live in a scope of their own, as in Python."""
        saved = self.scope
        scope = Scope({}, saved)
        out = []
        try:
            self.scope = scope
            self._comp_loop(node.generators, 0, element, key, out, scope)
        finally:
            self.scope = saved
        return out

    def _comp_loop(self, gens, i, element, key, out, scope):
        g = gens[i]
        if i == 0:
            # The first iterable is evaluated in the enclosing scope, as in Python.
            self.scope = scope.parent
            try:
                iterable = self.eval(g.iter)
            finally:
                self.scope = scope
        else:
            iterable = self.eval(g.iter)
        last = i == len(gens) - 1
        target, ifs = g.target, g.ifs
        name = target.id if target.__class__ is ast.Name else None
        variables = scope.vars
        evaluate = self._expr[element.__class__]
        for item in iterable:
            if name is not None:
                variables[name] = item
            else:
                self.assign(target, item)
            if ifs and not all(self.eval(c) for c in ifs):
                continue
            if not last:
                self._comp_loop(gens, i + 1, element, key, out, scope)
            elif key is None:
                out.append(evaluate(self, element))
            else:
                out.append((self.eval(key), evaluate(self, element)))

    def _listcomp(self, node):
        return self._comprehension(node, node.elt)

    def _setcomp(self, node):
        return set(self._comprehension(node, node.elt))

    def _genexp(self, node):
        # Evaluated eagerly: the language has no use for lazy generators,
        # and a real generator would expose frames.
        return iter(self._comprehension(node, node.elt))

    def _dictcomp(self, node):
        return dict(self._comprehension(node, node.value, node.key))

    def _joinedstr(self, node):
        parts = []
        for v in node.values:
            if v.__class__ is ast.Constant:
                parts.append(v.value)
            else:
                parts.append(self._formattedvalue(v))
        return "".join(parts)

    def _formattedvalue(self, node):
        value = self.eval(node.value)
        conv = node.conversion
        if conv == 115:
            value = str(value)
        elif conv == 114:
            value = repr(value)
        elif conv == 97:
            value = ascii(value)
        spec = "" if node.format_spec is None else self._joinedstr(node.format_spec)
        self.current = node
        return format(value, spec)

    def _namedexpr(self, node):
        value = self.eval(node.value)
        self.store(node.target.id, value)
        return value

    def _slice(self, node):
        return self.eval_index(node)

    _expr = {
        # hot: these report their own errors
        ast.Constant: _constant, ast.Name: _name, ast.Attribute: _attribute,
        ast.Subscript: _subscript, ast.BinOp: _binop, ast.UnaryOp: _unaryop,
        ast.Compare: _compare, ast.Call: _call,
        # the rest: errors located by the wrapper
        **{kind: _located(handler) for kind, handler in (
            (ast.BoolOp, _boolop), (ast.IfExp, _ifexp), (ast.Lambda, _lambda), (ast.List, _list),
            (ast.Tuple, _tuple), (ast.Set, _set), (ast.Dict, _dict), (ast.Starred, _starred),
            (ast.ListComp, _listcomp), (ast.SetComp, _setcomp), (ast.GeneratorExp, _genexp),
            (ast.DictComp, _dictcomp), (ast.JoinedStr, _joinedstr),
            (ast.FormattedValue, _formattedvalue), (ast.NamedExpr, _namedexpr), (ast.Slice, _slice),
            (syntax.MaybeCommand, _maybe_command))},
    }


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
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.dirname(os.path.abspath(last.tb_frame.f_code.co_filename)) == here


# ---------------------------------------------------------------- session

class RunResult:
    """What running some source did."""

    __slots__ = ("ok", "error", "interrupted", "exit_code", "value")

    def __init__(self, ok=True, error=None, interrupted=False, exit_code=None, value=None):
        self.ok = ok
        self.error = error              # the TshError shown, if any
        self.interrupted = interrupted  # stopped by Ctrl-C
        self.exit_code = exit_code      # set when the code ran `exit`
        self.value = value              # the last value displayed

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
        self.error_hook = self._plain_error
        self.warning_hook = self._plain_warning
        self.interp = Interpreter(self)
        if memory_limit == "default":       # None means no limit
            memory_limit = tsh_builtins.default_memory_limit()
        self.interp.set_memory_limit(memory_limit)
        self.argv = list(argv or [])
        self._seen_warnings = set()

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
            return interp.eval(body[0].value)
        finally:
            interp.program, interp.scope, interp.fn_depth, interp.current = saved

    def run_source(self, text, filename="<input>"):
        """Parse all of text (syntax errors before anything runs), then run it."""
        try:
            program = syntax.parse(text, filename)
        except TshError as e:
            self.error_hook(e)
            return RunResult(ok=False, error=e)
        except Exception as e:      # a bug in the parser
            err = self._internal(e, filename)
            self.error_hook(err)
            return RunResult(ok=False, error=err)
        return self.execute(program)

    def run_file(self, path):
        from .cli import _read_source
        source, message = _read_source(path)
        if source is None:
            err = TshError(message.replace("tensorsh: ", ""))
            self.error_hook(err)
            return RunResult(ok=False, error=err)
        return self.run_source(source, path)

    def execute(self, program):
        """Run a parsed Program, stopping at the first error."""
        interp = self.interp
        result = RunResult()
        self._last = None
        self._seen_warnings = set()     # a warning once per place per run (loops repeat it)
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
                warnings.simplefilter("ignore", category)
            warnings.showwarning = self._showwarning
            try:
                interp.exec_program(program, self.display_value)
            except TshError as e:
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

    def _out(self):
        return self.stdout or sys.stdout

    def _err(self):
        return self.stderr or sys.stderr

    def _plain_display(self, value):
        from .display import format_value
        text = format_value(value)
        if text is not None:
            self._out().write(text + "\n")

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
