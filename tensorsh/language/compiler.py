"""The closure compiler: every syntax node becomes, once, a Python closure
that runs it.

Running a program then does no per-node dispatch: a node's children, its
operator and the scope of each name were worked out when it was compiled,
so `x + 1` runs as `operator.add(read_x(frame), 1)` with the node (and so
the caret's span) already at hand.  Python's `eval`, `exec` and `compile`
are never used: the closures below are the only code that runs, and they
reach values through the interpreter's policies (attributes, calls, the
memory limit) as before.

Frames: top-level code reads and writes the session's globals; a function
call or a comprehension runs with a frame of its own (frames.py: a dict of
its variables, with the frame it is nested in).
Which scope a name lives in is decided from the scopes around it (a
Context), as Python decides it.  Code a shell command evaluates on the fly
(`time f(x)`, `help x`) is compiled as `dynamic`: it finds its scopes at
run time.

Errors: a closure whose own operation can fail (a call, an operator, an
attribute, indexing) reports a Python error raised there as a TshError at
its node, and lets its children's errors pass, so the caret points at the
innermost expression that failed; a statement reports at itself what no
expression claimed.  Which children run inside a closure's `try` is part of
that contract and is kept as the tree-walking evaluator had it.
"""
import ast
import difflib
import operator
import time
import types
from types import MethodType

from . import display, syntax
from .builtins import guards
from .builtins.command_types import Command, SpecialForm
from .errors import TshError, TshSyntaxError
from .frames import ENCLOSING, FUNCTION, new_frame, variables_of
from .safe_numpy import Namespace

_BINOPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: guards.checked_mul,
    ast.MatMult: operator.matmul, ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod, ast.Pow: guards.checked_pow, ast.LShift: guards.checked_lshift,
    ast.RShift: operator.rshift, ast.BitOr: operator.or_, ast.BitXor: operator.xor,
    ast.BitAnd: operator.and_,
}
_IOPS = {
    ast.Add: operator.iadd, ast.Sub: operator.isub, ast.Mult: guards.checked_imul,
    ast.MatMult: operator.imatmul, ast.Div: operator.itruediv, ast.FloorDiv: operator.ifloordiv,
    ast.Mod: operator.imod, ast.Pow: guards.checked_ipow, ast.LShift: guards.checked_ilshift,
    ast.RShift: operator.irshift, ast.BitOr: operator.ior, ast.BitXor: operator.ixor,
    ast.BitAnd: operator.iand,
}
# The checked operators (sizes of integers and repeated sequences, see builtins)
# and Python's own, used where a small literal operand cannot make a huge result
# in one step: `x * 2`, `x ** 2`, `n << 3`.
_PLAIN_BINOPS = {ast.Mult: operator.mul, ast.Pow: operator.pow, ast.LShift: operator.lshift}


def _small_literal_operand(op_class, left_value, right_value):
    if op_class is ast.Mult:
        value = right_value if left_value is NOT_CONSTANT else left_value
        return value.__class__ is float or (value.__class__ is int and abs(value) < 1 << 16)
    if op_class is ast.Pow or op_class is ast.LShift:
        cap = 4 if op_class is ast.Pow else 64
        return right_value.__class__ is float or (right_value.__class__ is int and abs(right_value) <= cap)
    return False


def _binop_operator(op_class, left_value, right_value):
    """The function that runs a binary operator whose literal operands (NOT_CONSTANT where
    it is not one) are known: Python's own where they cannot make a huge result, else checked."""
    if _small_literal_operand(op_class, left_value, right_value):
        return _PLAIN_BINOPS[op_class]
    return _BINOPS[op_class]


# The kinds of callables a call site calls directly once it has checked that this one
# is not denied (interpreter.py's checked callables, less `type`: a class may be one
# whose construction is checked, guards.CONSUMING_TYPES).
_FUNCTION_TYPES = frozenset((types.BuiltinFunctionType, types.FunctionType))

# Python's types whose methods a call site may call as `type.method(obj, ...)`: their
# instances have no __dict__ and their attributes are found in the class as object's are.
_PLAIN_BUILTIN_TYPES = frozenset((list, dict, set, frozenset, tuple, str, bytes, int, float, complex))

_UNOPS = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_,
          ast.Invert: operator.invert}
_CMPOPS = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: guards.checked_contains(b, a),
    ast.NotIn: lambda a, b: not guards.checked_contains(b, a),
}
# Unary operators on a number are worked out when compiling (`-1` is a constant).
_FOLDABLE_CONSTANTS = frozenset((int, float, complex, bool))


# ------------------------------------------------------------- run-time objects

class _Signal:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


BREAK, CONTINUE = _Signal("break"), _Signal("continue")


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
                stack.extend(node.decorator_list)
            stack.extend(_defaults(node))
        elif kind is ast.ClassDef:          # its body is a scope of its own
            names.add(node.name)
            stack.extend(node.bases + node.decorator_list)
        elif kind in (ast.Import, ast.ImportFrom):
            names.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
        elif kind is ast.comprehension:
            stack.append(node.iter)         # its target belongs to the comprehension
            stack.extend(node.ifs)
        else:
            stack.extend(ast.iter_child_nodes(node))
    return frozenset(names)


def stored_names(comprehension_node):
    """Every name a comprehension may store in its own scope (its targets and
    `:=`), generously: nested lambdas' bodies aside, whatever is stored in it."""
    names = set()
    stack = [comprehension_node]
    while stack:
        node = stack.pop()
        kind = node.__class__
        if kind is ast.Name:
            if node.ctx.__class__ is not ast.Load:
                names.add(node.id)
        elif kind is ast.Lambda:
            stack.extend(_defaults(node))
        else:
            stack.extend(ast.iter_child_nodes(node))
    return frozenset(names)


def _defaults(fn_node):
    a = fn_node.args
    return a.defaults + [d for d in a.kw_defaults if d is not None]


class Parameters:
    """What binding arguments to a function needs, worked out once per `def`."""

    __slots__ = ("names", "count", "positional_only", "keyword_only", "vararg", "kwarg", "simple",
                 "by_keyword", "local_names", "binders", "arity")

    def __init__(self, fn_node):
        a = fn_node.args
        self.names = tuple(p.arg for p in a.posonlyargs + a.args)
        self.count = len(self.names)
        self.positional_only = frozenset(p.arg for p in a.posonlyargs)
        self.keyword_only = tuple(p.arg for p in a.kwonlyargs)
        self.vararg = a.vararg.arg if a.vararg is not None else None
        self.kwarg = a.kwarg.arg if a.kwarg is not None else None
        self.simple = not (self.keyword_only or self.vararg or self.kwarg)
        # how many positional arguments bind every parameter with no other rule; -1: none do
        self.arity = self.count if self.simple else -1
        self.by_keyword = frozenset(self.names) - self.positional_only     # may be passed as name=value
        self.local_names = local_names(fn_node)
        # binders[k](args) -> {name: arg} for k positional arguments
        self.binders = tuple(_binder(self.names[:k]) for k in range(self.count + 1))


def _binder(names):
    """bind(args) -> {name: arg} for len(names) positional arguments (dict
    literals for the usual few: dict(zip(...)) costs several times more)."""
    if not names:
        return lambda args: {}
    if len(names) == 1:
        (first,) = names
        return lambda args: {first: args[0]}
    if len(names) == 2:
        first, second = names
        return lambda args: {first: args[0], second: args[1]}
    return lambda args: dict(zip(names, args))


NO_DEFAULT = object()


class _SiteBinding:
    """How one call site's arguments bind to the parameters of the user function it
    called last, when no rule beyond position, name and default is involved: the
    parameter names the arguments go to, in order (a method's object first), and
    the defaults of the parameters left over.  Worked out again only when the site
    calls another function.  names is None when the arguments do not bind so simply
    (or are a mistake): Interpreter.call_user then binds them, or says in Python's
    words what is wrong."""

    __slots__ = ("count", "keyword_names", "function", "names", "defaults")

    def __init__(self, count, keyword_names):
        self.count = count                  # the positional arguments (a method's object included)
        self.keyword_names = keyword_names
        self.function = self.names = self.defaults = None

    def bind(self, fn):
        """Work out the binding for fn, the function the site now calls (any callable)."""
        self.function, self.names, self.defaults = fn, None, None
        if fn.__class__ is not UserFunction:
            return
        params, count, keyword_names = fn.params, self.count, self.keyword_names
        if not params.simple or count > params.count:
            return
        positional = params.names[:count]
        if any(k in positional or k not in params.by_keyword for k in keyword_names):
            return
        given = set(positional + keyword_names)
        defaults = {name: value for name, value in fn.named_defaults if name not in given}
        if len(given) + len(defaults) == params.count:     # else a parameter with no default is missing
            self.names, self.defaults = positional + keyword_names, defaults


class UserFunction:
    """A function made by `def` or `lambda` in the language.

    ``code(frame)`` runs its body in a call's frame and returns its value."""

    __slots__ = ("name", "node", "params", "code", "defaults", "named_defaults", "kw_defaults",
                 "closure", "interp", "program", "defining_class", "__weakref__")

    def __init__(self, name, node, params, code, defaults, kw_defaults, closure, interp, program):
        self.name = name
        self.node = node
        self.params = params
        self.code = code
        self.defaults = defaults
        self.named_defaults = tuple(zip(params.names[params.count - len(defaults):], defaults))
        self.kw_defaults = kw_defaults
        self.closure = closure
        self.interp = interp
        self.program = program
        self.defining_class = None      # the class whose body defined it (for super())

    def __call__(self, *args, **kwargs):
        return self.interp.call_user(self, args, kwargs)

    def __get__(self, instance, owner=None):
        """Read from an instance of a class that holds it, a method bound to that instance
        (as Python's functions are)."""
        return self if instance is None else MethodType(self, instance)

    @property
    def __name__(self):         # Python's: for functools.wraps and a bound method's repr
        return self.name

    @property
    def qualname(self):
        """Its name as Python qualifies it: ``f``, or ``A.__init__`` for a method of class A."""
        cls = self.defining_class
        return self.name if cls is None else f"{cls.__qualname__}.{self.name}"

    def __repr__(self):
        return f"<function {self.qualname}>"

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
            parts.append(p.arg if d is NO_DEFAULT else f"{p.arg}={d!r}")
        if a.kwarg:
            parts.append("**" + a.kwarg.arg)
        return f"{self.name}({', '.join(parts)})"


# ---------------------------------------------------------------- contexts

class Context:
    """The scopes around the code being compiled, innermost first.

    A level is (is_function, names, owner): a function's names are those it
    assigns anywhere (local throughout it); a comprehension's those it may
    store.  Outside every level are the globals, then the builtins, unless
    the code is `dynamic`: then the scopes beyond its levels are found at
    run time."""

    __slots__ = ("levels", "dynamic")

    def __init__(self, levels=(), dynamic=False):
        self.levels = levels
        self.dynamic = dynamic

    def function(self, fn_node, owner):
        return Context(((True, parameters(fn_node).local_names, owner),) + self.levels, self.dynamic)

    def comprehension(self, node):
        return Context(((False, stored_names(node), None),) + self.levels, self.dynamic)

    def class_body(self, class_node):
        """A class body's scope: the names it binds (its attributes and methods) are read
        there first, then in the scopes around the class."""
        names = {stmt.name for stmt in class_node.body if stmt.__class__ is ast.FunctionDef}
        names.update(target.id for stmt in class_node.body if stmt.__class__ is ast.Assign
                     for target in stmt.targets)
        return Context(((False, frozenset(names), None),) + self.levels, self.dynamic)

    def lookup_plan(self, name):
        """One (holds, is_function, owner) per level a read of name passes, innermost
        first; the plan ends at a function that holds it (local there, or unassigned)."""
        plan = []
        for is_function, names, owner in self.levels:
            holds = name in names
            plan.append((holds, is_function, owner))
            if holds and is_function:
                return tuple(plan), True
        return tuple(plan), False


TOP_LEVEL = Context()
DYNAMIC = Context(dynamic=True)


def parameters(fn_node):
    params = getattr(fn_node, "tsh_parameters", None)
    if params is None:
        params = fn_node.tsh_parameters = Parameters(fn_node)
    return params


class _NotConstant:
    pass


NOT_CONSTANT = _NotConstant()


def constant_of(node):
    """node's value when it is a literal, else NOT_CONSTANT."""
    return node.value if node.__class__ is ast.Constant else NOT_CONSTANT


def _static_index(node):
    """The value of an index made of literals (`1`, `1:3`, `0, ::2`), else NOT_CONSTANT."""
    kind = node.__class__
    if kind is ast.Constant:
        return node.value
    if kind is ast.Slice:
        parts = [None if p is None else constant_of(p) for p in (node.lower, node.upper, node.step)]
        return NOT_CONSTANT if any(p is NOT_CONSTANT for p in parts) else slice(*parts)
    if kind is ast.Tuple:
        parts = [_static_index(e) for e in node.elts]
        return NOT_CONSTANT if any(p is NOT_CONSTANT for p in parts) else tuple(parts)
    return NOT_CONSTANT


# ---------------------------------------------------------------- compiler

class Compiler:
    """Compiles syntax nodes into closures over one interpreter.

    `statement(node, context)` -> code(frame) returning None, BREAK, CONTINUE
    or, from `return`, a 1-tuple holding the value returned (made without a
    call; no other statement's result is a tuple); `expression(node, context)`
    -> code(frame) returning the value.  The tables `_expr` and `_stmt` map a
    node type to its compiler."""

    def __init__(self, interp):
        self.interp = interp
        # The names the class statements compiled so far define methods by: a call
        # `obj.name(x)` by one of them gets a site that runs a user method without
        # binding it first (_user_method_call); `values.append(v)` keeps the plain one.
        self.method_names = set()

    # -- entry points
    def top_level(self, stmt):
        """The code of a program's top-level statement (compiled once, kept on the node)."""
        cached = getattr(stmt, "tsh_code", None)
        if cached is not None and cached[0] is self:
            return cached[1]
        code = self.statement(stmt, TOP_LEVEL)
        stmt.tsh_code = (self, code)
        return code

    def expression(self, node, context):
        return self._expr[node.__class__](self, node, context)

    def statement(self, node, context):
        code = self._stmt[node.__class__](self, node, context)
        if node.tsh_timed:
            code = self._located(self._timed(code), node)
        return code

    def block(self, stmts, context):
        codes = tuple(self.statement(s, context) for s in stmts)
        if len(codes) == 1:
            return codes[0]

        def run_block(frame):
            for code in codes:
                r = code(frame)
                if r is not None:
                    return r
            return None
        return run_block

    # -- shared pieces
    def _located(self, code, node):
        """code, with a Python error it raises reported at node."""
        convert = self.interp.convert

        def located(frame):
            try:
                return code(frame)
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return located

    def _timed(self, code):
        interp = self.interp

        def timed(frame):
            start = time.perf_counter()
            try:
                return code(frame)
            finally:
                elapsed = time.perf_counter() - start
                interp.session.show(display.time_taken(elapsed))
        return timed

    def _operand(self, node, context):
        """(literal value, None) for a literal, else (NOT_CONSTANT, code)."""
        value = constant_of(node)
        if value is not NOT_CONSTANT:
            return value, None
        return NOT_CONSTANT, self.expression(node, context)

    def _plain_name(self, node, context):
        """(name, in_globals) when node is a name whose value, when it has one, is in one
        dict known here: the innermost scope's frame when that scope assigns it (a
        function's local, a comprehension's variable), else the globals (in_globals)
        when no scope around assigns it.  An operator then looks it up in line, and
        calls the reader only when the name is missing there (a builtin, a variable
        not yet assigned, or the error).  (None, True) for anything else: None is never
        a variable's name, so the look-up in line always misses."""
        if node.__class__ is not ast.Name or context.dynamic:
            return None, True
        plan, _ = context.lookup_plan(node.id)
        if plan and plan[0][0]:
            return node.id, False
        if not any(holds for holds, _, _ in plan):
            return node.id, True
        return None, True

    def _reader(self, node, context):
        """(name, in_globals, code): node's value is read in line, as
        ``(g if in_globals else frame)[name]``, when the name is there (_plain_name),
        else by code(frame); code gives a literal's value as it is."""
        name, in_globals = self._plain_name(node, context)
        value = constant_of(node)
        code = self.expression(node, context) if value is NOT_CONSTANT else (lambda frame: value)
        return name, in_globals, code

    def _name_op_literal(self, node, context):
        """(name, in_globals, op, literal) for `name OP literal` (`i % 3`, `i * 2`) whose name
        is read in line (see _plain_name), op being the operator _binop runs; else None.  A
        statement then runs it in line, a call fewer than its code: `if i % 3 == 0:`."""
        if node.__class__ is not ast.BinOp:
            return None
        literal = constant_of(node.right)
        name, in_globals = self._plain_name(node.left, context)
        if name is None or literal is NOT_CONSTANT:
            return None
        return name, in_globals, _binop_operator(node.op.__class__, NOT_CONSTANT, literal), literal

    def _run_special(self, form, node, frame):
        """Run a shell command that evaluates its own arguments, in this frame's scope."""
        interp = self.interp
        saved = interp.scope
        interp.scope = frame
        try:
            return form.run(interp, node)
        finally:
            interp.scope = saved

    # -- names
    def name_reader(self, node, context):
        """code(frame) -> the value of the name node reads."""
        interp = self.interp
        name = node.id
        g, b = interp.globals, interp.builtins
        plan, local = context.lookup_plan(name)
        if local and len(plan) == 1:
            owner = plan[0][2]

            def read_local(frame):
                try:
                    return frame[name]
                except KeyError:
                    raise interp.unassigned_error(node, name, owner) from None
            return read_local
        if not any(holds for holds, _, _ in plan) and not context.dynamic:
            def read_global(frame):
                if name in g:
                    return g[name]
                if name in b:
                    return b[name]
                raise interp.name_error(node, name, frame)
            return read_global
        dynamic = context.dynamic

        def read_scopes(frame):
            scope = frame
            for holds, is_function, owner in plan:
                if holds:
                    if name in scope:
                        return scope[name]
                    if is_function:
                        raise interp.unassigned_error(node, name, owner)
                scope = scope[ENCLOSING]
            if dynamic:
                while scope is not None:
                    if name in scope:
                        return scope[name]
                    function = scope.get(FUNCTION)
                    if function is not None and name in function.params.local_names:
                        raise interp.unassigned_error(node, name, function.name)
                    scope = scope[ENCLOSING]
            if name in g:
                return g[name]
            if name in b:
                return b[name]
            raise interp.name_error(node, name, frame)
        if plan and plan[0][0]:
            def read_comprehension_variable(frame):    # `v` in `[f(v) for v in values]`
                return frame[name] if name in frame else read_scopes(frame)
            return read_comprehension_variable
        return read_scopes

    def name_writer(self, name, context):
        """store(frame, value): bind name in the innermost scope."""
        g = self.interp.globals
        if context.levels:
            def store_local(frame, value):
                frame[name] = value
            return store_local
        if context.dynamic:
            def store(frame, value):
                (frame if frame is not None else g)[name] = value
            return store

        def store_global(frame, value):
            g[name] = value
        return store_global

    # -- expressions
    def _constant(self, node, context):
        value = node.value

        def constant(frame):
            return value
        return constant

    def _name(self, node, context):
        return self.name_reader(node, context)

    def _attribute(self, node, context):
        interp = self.interp
        value = self.expression(node.value, context)
        name = node.attr
        get_attribute, reading_class = interp.get_attribute, interp.reading_class
        denied_types = interp.denied_result_types
        known = None        # a class whose instances the policy lets read name here
        allowed_result = None   # the class of a value read here that was not denied

        obj_name, in_globals = self._plain_name(node.value, context)
        g, b = interp.globals, interp.builtins
        if not in_globals:
            b = {}      # a local missing is its reader's error, never a builtin

        def attribute(frame):
            nonlocal known, allowed_result
            variables = g if in_globals else frame
            obj = variables[obj_name] if obj_name in variables else \
                b[obj_name] if obj_name in b else value(frame)     # `torch.ones`: a builtin module
            cls = type(obj)
            if cls is not known:
                if cls is Namespace:
                    entries = obj.entries           # a module's entries are all allowed
                    if name in entries:
                        return entries[name]
                v = get_attribute(obj, name, node)
                if cls is not Namespace:
                    known = reading_class(obj, name)
                return v
            interp.current = node
            try:
                v = getattr(obj, name)
            except TshError:
                raise
            except Exception as e:
                raise interp.attribute_failure(e, node) from e
            if v.__class__ is not allowed_result:
                if isinstance(v, denied_types):
                    raise interp.denied_attribute(obj, name, node)
                allowed_result = v.__class__
            return v
        return attribute

    def _subscript(self, node, context):
        interp = self.interp
        value = self.expression(node.value, context)
        index = self.index(node.slice, context)
        # `f [0]` where f is a function: say how to call it.
        function_name = node.value.id if node.value.__class__ is ast.Name else None

        def fail(e, obj):
            if (e.__class__ is TypeError and function_name is not None and callable(obj)
                    and not hasattr(obj, "__getitem__")):
                return interp.error_at(node, f"{function_name!r} is a function: call it, {function_name}(...)")
            return interp.convert(e, node)

        static = _static_index(node.slice)
        if static is not NOT_CONSTANT:
            def subscript_literal(frame):
                obj = value(frame)
                interp.current = node
                try:
                    return obj[static]
                except TshError:
                    raise
                except Exception as e:
                    raise fail(e, obj) from e
            return subscript_literal

        def subscript(frame):
            obj = value(frame)
            idx = index(frame)
            interp.current = node
            try:
                return obj[idx]
            except TshError:
                raise
            except Exception as e:
                raise fail(e, obj) from e
        return subscript

    def index(self, node, context):
        """code(frame) -> the index node stands for: slices and tuples of them included."""
        static = _static_index(node)
        if static is not NOT_CONSTANT:
            return lambda frame: static
        kind = node.__class__
        if kind is ast.Slice:
            lower, upper, step = (None if p is None else self.expression(p, context)
                                  for p in (node.lower, node.upper, node.step))

            def make_slice(frame):
                parts = (None if lower is None else lower(frame),
                         None if upper is None else upper(frame),
                         None if step is None else step(frame))
                if slice in (parts[0].__class__, parts[1].__class__, parts[2].__class__):
                    guards.check_slice_parts(parts)
                return slice(*parts)
            return make_slice
        if kind is ast.Tuple:
            parts = tuple(self.index(e, context) if e.__class__ is ast.Slice else self.expression(e, context)
                          for e in node.elts)
            return lambda frame: tuple([part(frame) for part in parts])
        return self.expression(node, context)

    def _binop(self, node, context):
        interp = self.interp
        convert = interp.convert
        left_value, left = self._operand(node.left, context)
        right_value, right = self._operand(node.right, context)
        op = _binop_operator(node.op.__class__, left_value, right_value)
        if left is None or right is None:
            # A literal operand: no broadcasting, so no size check.
            if left is None and right is None:
                right = self.expression(node.right, context)
            if left is None:
                def binop_literal_left(frame):
                    b = right(frame)
                    interp.current = node
                    try:
                        return op(left_value, b)
                    except TshError:
                        raise
                    except Exception as e:
                        raise convert(e, node) from e
                return binop_literal_left

            name, in_globals = self._plain_name(node.left, context)
            g = interp.globals

            def binop_literal_right(frame):         # `i % 3`, `x + 2`: the commonest operation
                variables = g if in_globals else frame
                a = variables[name] if name in variables else left(frame)
                interp.current = node
                try:
                    return op(a, right_value)
                except TshError:
                    raise
                except Exception as e:
                    raise convert(e, node) from e
            return binop_literal_right

        return self._binop_of_values(node, op, left, right, context)

    def _binop_of_values(self, node, op, left, right, context):
        """code(frame) for `a + b` where neither side is a literal: the size check first,
        since broadcasting may allocate a lot."""
        interp = self.interp
        convert = interp.convert
        op_class = node.op.__class__
        shape_readers = interp.shape_readers
        check_size = interp.check_result_size
        left_name, in_globals = self._plain_name(node.left, context)
        right_name, right_in_globals = self._plain_name(node.right, context)
        # Both sides are looked up in line in one dict: when one is a local and the other
        # a global, the global is read by its reader.  A side that is no plain name has None.
        if left_name is None:
            in_globals = right_in_globals
        elif right_name is not None and right_in_globals != in_globals:
            right_name = None
        g = interp.globals
        # `v * w` of two integers is checked_mul's commonest case, made here: neither has more
        # bits than allowed, so the product is quick to make; with fewer bits than allowed, less
        # one, checked_mul would allow it (bits(v) + bits(w) <= bits(v * w) + 1), else it decides.
        int_product_in_line = op is guards.checked_mul
        above = 1 << (guards.MAX_INT_BITS - 1)
        below = -above      # (made once: negating a number of a million bits copies it)
        # Two tensors (or arrays) are neither integers nor sequences to repeat: what the
        # checked operators look for; their result's size is checked here.
        of_arrays = _PLAIN_BINOPS.get(op_class, op)

        def binop(frame):
            variables = g if in_globals else frame
            a = variables[left_name] if left_name in variables else left(frame)
            b = variables[right_name] if right_name in variables else right(frame)
            if int_product_in_line and a.__class__ is int and b.__class__ is int:
                product = a * b
                if below < product < above:
                    return product
            run = op
            shape_of_a = shape_readers.get(a.__class__)
            if shape_of_a is not None:
                shape_of_b = shape_readers.get(b.__class__)
                if shape_of_b is not None:
                    sa, sb = shape_of_a(a), shape_of_b(b)
                    if sa != sb:
                        check_size(a, b, sa, sb, op_class, node)
                    run = of_arrays
            interp.current = node
            try:
                return run(a, b)
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return binop

    def _unaryop(self, node, context):
        interp = self.interp
        convert = interp.convert
        op = _UNOPS[node.op.__class__]
        value = constant_of(node.operand)
        if value.__class__ in _FOLDABLE_CONSTANTS:
            try:
                folded = op(value)
            except Exception:
                pass            # `~1.5`: the error is reported when it runs
            else:
                return lambda frame: folded
        operand = self.expression(node.operand, context)

        def unaryop(frame):
            v = operand(frame)
            interp.current = node
            try:
                return op(v)
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return unaryop

    def _boolop(self, node, context):
        convert = self.interp.convert
        values = tuple(self.expression(v, context) for v in node.values)
        tested, last = values[:-1], values[-1]   # as in Python, the last operand's truth is never asked
        is_and = node.op.__class__ is ast.And

        def boolop(frame):
            try:
                for value in tested:
                    v = value(frame)
                    if (not v) if is_and else v:
                        return v
                return last(frame)
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return boolop

    def _compare(self, node, context):
        interp = self.interp
        convert = interp.convert
        left = self.expression(node.left, context)
        if len(node.ops) == 1:
            op = _CMPOPS[node.ops[0].__class__]
            right_value, right = self._operand(node.comparators[0], context)
            if right is None:
                fused = self._name_op_literal(node.left, context)
                if fused is not None:
                    return self._compare_name_op_literal(node, op, right_value, left, fused)
                name, in_globals = self._plain_name(node.left, context)
                g = interp.globals

                def compare_literal(frame):         # `i < 10`, `n == 0`
                    variables = g if in_globals else frame
                    a = variables[name] if name in variables else left(frame)
                    interp.current = node
                    try:
                        return op(a, right_value)
                    except TshError:
                        raise
                    except Exception as e:
                        raise convert(e, node) from e
                return compare_literal

            def compare(frame):
                a = left(frame)
                try:
                    b = right(frame)
                    interp.current = node
                    return op(a, b)
                except TshError:
                    raise
                except Exception as e:
                    raise convert(e, node) from e
            return compare

        steps = tuple((_CMPOPS[op.__class__], self.expression(b, context))
                      for op, b in zip(node.ops, node.comparators))

        def compare_chain(frame):
            a = left(frame)
            try:
                for op, right in steps:
                    b = right(frame)
                    interp.current = node
                    result = op(a, b)
                    if not result:
                        return result
                    a = b
                return result
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return compare_chain

    def _compare_name_op_literal(self, node, op, right_value, left, fused):
        """code(frame) for `v % 2 == 0` (a comprehension's filter, most often): the
        operation on the left run in line (see _name_op_literal), a call fewer each time."""
        interp = self.interp
        convert = interp.convert
        name, in_globals, left_op, left_literal = fused
        left_node = node.left
        g = interp.globals

        def compare_name_op_literal(frame):
            variables = g if in_globals else frame
            if name not in variables:
                a = left(frame)
            else:
                interp.current = left_node
                try:
                    a = left_op(variables[name], left_literal)
                except TshError:
                    raise
                except Exception as e:
                    raise convert(e, left_node) from e
            interp.current = node
            try:
                return op(a, right_value)
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return compare_name_op_literal

    def _ifexp(self, node, context):
        test = self.expression(node.test, context)
        body = self.expression(node.body, context)
        orelse = self.expression(node.orelse, context)
        return self._located(lambda frame: body(frame) if test(frame) else orelse(frame), node)

    def _call(self, node, context):
        interp = self.interp
        convert = interp.convert
        call_user, call_value = interp.call_user, interp.call_value
        run_special = self._run_special
        plain = all(a.__class__ is not ast.Starred for a in node.args) and \
            all(kw.arg is not None for kw in node.keywords)
        if plain and len(node.args) + len(node.keywords) <= 2:
            return self._call_of_arity(node, context)
        function = self.expression(node.func, context)
        if plain:
            return self._named_call(node, function, context)
        arguments = self._arguments(node, context)
        keywords = self._keywords(node, context)
        if arguments is None:
            arguments = self._starred_arguments(node, context)
        if keywords is None:
            keywords = lambda frame: {}  # noqa: E731

        def call(frame):
            func = function(frame)
            kind = func.__class__
            if kind is SpecialForm:
                return run_special(func, node, frame)
            args = arguments(frame)
            kwargs = keywords(frame)
            interp.current = node
            try:
                if kind is UserFunction:
                    return call_user(func, args, kwargs, node)
                if not callable(func):
                    raise interp.not_callable(func, node)
                return call_value(func, args, kwargs, node)
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return call

    def _named_call(self, node, function, context):
        """A call with more than two plain arguments, positional and name=value.
        How a user function's parameters take them (which ones the call names, which
        defaults fill the rest) is worked out once per function called here; each call
        then builds the frame's dict in one step."""
        interp = self.interp
        convert = interp.convert
        run_special, run_user = self._run_special, interp.run_user
        operands = tuple(self._operand(a, context) for a in node.args + [kw.value for kw in node.keywords])
        # `torch.ones(2, 2, requires_grad=True)`: literals alone, their values made once
        literals = tuple(value for value, _ in operands) if all(code is None for _, code in operands) else None
        count = len(node.args)                      # the positional ones, first in operands
        keyword_names = tuple(kw.arg for kw in node.keywords)
        call = self._checked_call(node, count, keyword_names)
        binding = _SiteBinding(count, keyword_names)
        # and, for a function of Python's or the engine's, as its arguments (** copies the dict)
        functions, denied = _FUNCTION_TYPES, interp.denied_callables
        if literals is not None:
            literal_args, literal_kwargs = literals[:count], dict(zip(keyword_names, literals[count:]))

        def named_call(frame):
            func = function(frame)
            kind = func.__class__
            if kind is SpecialForm:
                return run_special(func, node, frame)
            if literals is not None:
                values = literals
            else:
                values = []
                for value, code in operands:    # a loop, not a comprehension: no frame of its own in Python 3.11
                    values.append(value if code is None else code(frame))
            interp.current = node
            try:
                if kind is UserFunction:
                    if func is not binding.function:
                        binding.bind(func)
                    if binding.names is not None:
                        local = dict(zip(binding.names, values))
                        local.update(binding.defaults)
                        return run_user(func, local, node)
                elif literals is not None and kind in functions:
                    if func in denied:
                        raise interp.denied_error(func, node)
                    return func(*literal_args, **literal_kwargs)
                return call(func, kind, values)
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return named_call

    def _checked_call(self, node, count, keyword_names):
        """call(func, kind, values): func called with values, the first count of them
        positional and the others by keyword_names, after the checks call_value makes.

        The kinds that can be denied are all callable: they are checked against the
        denied set, the others for being callable."""
        interp = self.interp
        call_user = interp.call_user
        checked, denied = interp.checked_callable_types, interp.denied_callables
        consuming, construct = guards.CONSUMING_TYPES, guards.construct
        empty = {}
        # `f(x, name=y)`: one keyword, the commonest form, has its dict made by a display (a sixth of zip's time)
        single_keyword = keyword_names[0] if len(keyword_names) == 1 else None

        def call(func, kind, values):
            if single_keyword is not None:
                args, kwargs = values[:count], {single_keyword: values[count]}
            elif keyword_names:
                args, kwargs = values[:count], dict(zip(keyword_names, values[count:]))
            else:
                args, kwargs = values, empty
            if kind is UserFunction:
                return call_user(func, args, kwargs, node)
            if kind in checked:
                if func in denied:
                    raise interp.denied_error(func, node)
                if kind is type and func in consuming:
                    return construct(func, args, kwargs)
            elif kind is MethodType:
                if func.__func__ in denied:
                    raise interp.denied_error(func.__func__, node)
            elif not callable(func):
                raise interp.not_callable(func, node)
            return func(*args, **kwargs) if kwargs else func(*args)
        return call

    def _call_of_arity(self, node, context):
        """code(frame) for a call with up to two plain arguments, positional or name=value:
        `f()`, `f(x)`, `f(x, 1)`, `square(i, scale=2)`, `model.step()`.  Each arity is written
        out: building the arguments in place is what makes it fast.  A user function, or a
        method of a user class bound to its object, has them bound here in one dict display
        under the names its parameters give them (a _SiteBinding; a dict display, as
        a call to make it would cost a frame), and its body run by run_user: no frame in between."""
        readers = [self._reader(a, context) for a in node.args + [kw.value for kw in node.keywords]]
        count, keyword_names = len(node.args), tuple(kw.arg for kw in node.keywords)
        parts = (node, self._reader(node.func, context), self._checked_call(node, count, keyword_names))
        if not readers:
            general = self._call0(*parts)
        else:
            parts += (_SiteBinding(count, keyword_names), _SiteBinding(count + 1, keyword_names))
            general = self._call1(*parts, readers[0]) if len(readers) == 1 else self._call2(*parts, *readers)
        func = node.func
        obj_name, obj_in_globals = (None, True) if func.__class__ is not ast.Attribute else \
            self._plain_name(func.value, context)
        if obj_name is None:
            return general
        if func.attr in self.method_names:
            if not readers:
                return general
            return self._user_method_call(node, general, parts[4], (obj_name, obj_in_globals), readers)
        if keyword_names or (obj_in_globals and self.interp.builtins.get(obj_name).__class__ is Namespace):
            return general      # (`torch.manual_seed(0)`: a module's function, no method)
        return self._library_method_call(node, general, (obj_name, obj_in_globals), readers)

    def _library_method_call(self, node, general, obj_reader, readers):
        """code(frame) for `obj.name()`, `obj.name(x)` and `obj.name(x, y)`, obj a plain name and
        name no method of a user class: when obj's class defines name itself as a plain function
        (or is one of Python's types, and name one of its methods) and the policy lets its
        instances read it (`z.mean()`, `loss.backward()`, `x.add_(y)`, `values.append(v)`),
        that function is called with obj first, as Python's own method calls do, without a bound
        method made first.  What Python would find is checked on each call (the function still
        the class's own, not hidden by the instance's __dict__; the class one without a
        __getattribute__ of its own); anything else is general's, the site's code for every call."""
        interp = self.interp
        convert = interp.convert
        reading_class, denied = interp.reading_class, interp.denied_callables
        g = interp.globals
        name, (o, o_in_globals) = node.func.attr, obj_reader
        count = len(readers)
        (x, x_in_globals, first), (y, y_in_globals, second) = (readers + [(None, True, None)] * 2)[:2]
        known, methods, method = None, None, None   # the class last found to qualify, its dict, its function
        instance_dicts = False          # whether its instances have a __dict__ (an nn.Module's)
        other = None        # the last class that did not

        def library_method_call(frame):
            nonlocal known, methods, method, instance_dicts, other
            variables = g if o_in_globals else frame
            if o not in variables:
                return general(frame)
            obj = variables[o]
            cls = obj.__class__
            if cls is not known or methods.get(name) is not method:
                if cls is other:
                    return general(frame)
                fn = cls.__dict__.get(name)
                kind = fn.__class__
                if not (kind is types.FunctionType and cls.__getattribute__ is object.__getattribute__
                        or kind is types.MethodDescriptorType and cls in _PLAIN_BUILTIN_TYPES) \
                        or reading_class(obj, name) is not cls or fn in denied:
                    other = cls
                    return general(frame)
                known, methods, method, instance_dicts = cls, cls.__dict__, fn, hasattr(obj, "__dict__")
            if instance_dicts and name in obj.__dict__:
                return general(frame)
            fn = method
            if count:
                variables = g if x_in_globals else frame
                a = variables[x] if x in variables else first(frame)
                if count == 2:
                    variables = g if y_in_globals else frame
                    b = variables[y] if y in variables else second(frame)
            interp.current = node
            try:
                if count == 0:
                    return fn(obj)
                return fn(obj, a) if count == 1 else fn(obj, a, b)
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return library_method_call

    def _user_method_call(self, node, general, method, obj_reader, readers):
        """code(frame) for `obj.name(x)` and `obj.name(x, y)`, obj a plain name: when obj is
        an instance of a user class whose own body defines the method name (the commonest
        method call), the method runs on obj bound as method binds it, without being read
        as a bound method first (no getattr, no __get__, no MethodType).  What Python would
        find is checked on each call, as a script may change the class or the instance
        (name in the class's own dict, not hidden by the instance's); the policy is asked
        once per class.  Anything else is general's, the site's code for every call."""
        interp = self.interp
        convert = interp.convert
        run_user, reading_class = interp.run_user, interp.reading_class
        g = interp.globals
        name, (o, o_in_globals) = node.func.attr, obj_reader
        (x, x_in_globals, first), (y, y_in_globals, second) = (readers + [(None, True, None)])[:2]
        allowed, methods = None, None   # the class whose instances may read name here, its own dict
        other = None        # the last class that did not qualify (`values.append(v)`): general's at once

        def user_method_call(frame):
            nonlocal allowed, methods, other
            variables = g if o_in_globals else frame
            if o not in variables:
                return general(frame)
            obj = variables[o]
            cls = obj.__class__
            if cls is not allowed:
                if cls is other:
                    return general(frame)
                if cls.__dict__.get(name).__class__ is not UserFunction or reading_class(obj, name) is not cls:
                    other = cls
                    return general(frame)
                allowed, methods = cls, cls.__dict__
            fn = methods.get(name)
            if fn.__class__ is not UserFunction or name in obj.__dict__:
                return general(frame)
            if fn is not method.function:
                method.bind(fn)
            names = method.names
            if names is None:
                return general(frame)
            variables = g if x_in_globals else frame
            a = variables[x] if x in variables else first(frame)
            local = {**method.defaults, names[0]: obj, names[1]: a}
            if second is not None:
                variables = g if y_in_globals else frame
                local[names[2]] = variables[y] if y in variables else second(frame)
            interp.current = node
            try:
                return run_user(fn, local, node)
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return user_method_call

    def _call0(self, node, function_reader, call):
        """code(frame) for `f()`, as _call_of_arity's calls with arguments: the function
        read in line when it is a name (see _reader); a user function without parameters,
        or a user method taking its object alone, run here, and one with defaults to fill
        bound by call (call_user's general way)."""
        interp = self.interp
        convert = interp.convert
        run_special, run_user = self._run_special, interp.run_user
        g = interp.globals
        f, f_in_globals, function = function_reader
        functions, denied = _FUNCTION_TYPES, interp.denied_callables
        empty = ()

        def call0(frame):
            variables = g if f_in_globals else frame
            func = variables[f] if f in variables else function(frame)
            kind = func.__class__
            if kind is SpecialForm:
                return run_special(func, node, frame)
            interp.current = node
            try:
                if kind is UserFunction and func.params.arity == 0:
                    return run_user(func, {}, node)
                if kind is MethodType:      # `model.reset()`, `loss.backward()`
                    fn = func.__func__
                    if fn.__class__ is UserFunction and fn.params.arity == 1:
                        return run_user(fn, {fn.params.names[0]: func.__self__}, node)
                    if fn in denied:        # (a denied function made a method from outside)
                        raise interp.denied_error(fn, node)
                    return func()
                if kind in functions:       # Python's and the engine's functions
                    if func in denied:
                        raise interp.denied_error(func, node)
                    return func()
                return call(func, kind, empty)
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return call0

    def _call1(self, node, function_reader, call, plain, method, first_reader):
        """code(frame) for `f(x)`: the function and its argument read in line when they are
        names (see _reader); plain binds the argument to a user function's parameters,
        method binds a method's object and the argument (each a _SiteBinding)."""
        interp = self.interp
        convert = interp.convert
        run_special, run_user = self._run_special, interp.run_user
        g = interp.globals
        (f, f_in_globals, function), (x, x_in_globals, first) = function_reader, first_reader
        functions, denied, positional = _FUNCTION_TYPES, interp.denied_callables, not plain.keyword_names

        def call1(frame):
            variables = g if f_in_globals else frame
            func = variables[f] if f in variables else function(frame)
            kind = func.__class__
            if kind is SpecialForm:
                return run_special(func, node, frame)
            variables = g if x_in_globals else frame
            a = variables[x] if x in variables else first(frame)
            interp.current = node
            try:
                if kind is UserFunction:
                    if func is not plain.function:
                        plain.bind(func)
                    if plain.names is not None:
                        return run_user(func, {**plain.defaults, plain.names[0]: a}, node)
                elif kind is MethodType:
                    fn = func.__func__
                    if fn is not method.function:
                        method.bind(fn)
                    if method.names is not None:
                        names = method.names
                        return run_user(fn, {**method.defaults, names[0]: func.__self__, names[1]: a}, node)
                    if fn in denied:
                        raise interp.denied_error(fn, node)
                    if positional:          # `x.add(y)`: the engine's method
                        return func(a)
                elif kind in functions and positional:      # Python's and the engine's functions
                    if func in denied:
                        raise interp.denied_error(func, node)
                    return func(a)
                return call(func, kind, (a,))
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return call1

    def _call2(self, node, function_reader, call, plain, method, first_reader, second_reader):
        """code(frame) for `f(x, y)`, as _call1's for `f(x)` (written out for the speed of
        building the frame in one display)."""
        interp = self.interp
        convert = interp.convert
        run_special, run_user = self._run_special, interp.run_user
        g = interp.globals
        (f, f_in_globals, function), (x, x_in_globals, first), (y, y_in_globals, second) = \
            function_reader, first_reader, second_reader
        functions, denied, positional = _FUNCTION_TYPES, interp.denied_callables, not plain.keyword_names

        def call2(frame):
            variables = g if f_in_globals else frame
            func = variables[f] if f in variables else function(frame)
            kind = func.__class__
            if kind is SpecialForm:
                return run_special(func, node, frame)
            variables = g if x_in_globals else frame
            a = variables[x] if x in variables else first(frame)
            variables = g if y_in_globals else frame
            b = variables[y] if y in variables else second(frame)
            interp.current = node
            try:
                if kind is UserFunction:
                    if func is not plain.function:
                        plain.bind(func)
                    if plain.names is not None:
                        names = plain.names
                        return run_user(func, {**plain.defaults, names[0]: a, names[1]: b}, node)
                elif kind is MethodType:
                    fn = func.__func__
                    if fn is not method.function:
                        method.bind(fn)
                    if method.names is not None:
                        names = method.names
                        return run_user(fn, {**method.defaults, names[0]: func.__self__, names[1]: a,
                                             names[2]: b}, node)
                    if fn in denied:
                        raise interp.denied_error(fn, node)
                    if positional:
                        return func(a, b)
                elif kind in functions and positional:
                    if func in denied:
                        raise interp.denied_error(func, node)
                    return func(a, b)
                return call(func, kind, (a, b))
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return call2

    def _arguments(self, node, context):
        """code(frame) -> the positional arguments as a list; None when one is starred."""
        if any(a.__class__ is ast.Starred for a in node.args):
            return None
        operands = tuple(self._operand(a, context) for a in node.args)
        if all(code is None for _, code in operands):
            values = [value for value, _ in operands]
            return lambda frame: list(values)
        return lambda frame: [value if code is None else code(frame) for value, code in operands]

    def _starred_arguments(self, node, context):
        parts = tuple((a.__class__ is ast.Starred, self.expression(a.value if a.__class__ is ast.Starred else a,
                                                                   context)) for a in node.args)

        def arguments(frame):
            args = []
            for starred, code in parts:
                if starred:
                    args.extend(code(frame))
                else:
                    args.append(code(frame))
            return args
        return arguments

    def _keywords(self, node, context):
        """code(frame) -> the keyword arguments as a dict; None when there are none."""
        if not node.keywords:
            return None
        interp = self.interp
        parts = tuple((kw, kw.arg, self.expression(kw.value, context)) for kw in node.keywords)

        def keywords(frame):
            kwargs = {}
            for kw, name, code in parts:
                if name is None:
                    extra = code(frame)
                    for k in extra:
                        if not isinstance(k, str) or k.startswith("_"):
                            raise interp.error_at(kw, f"keyword argument names must be plain names, not {k!r}")
                    kwargs.update(extra)
                else:
                    kwargs[name] = code(frame)
            return kwargs
        return keywords

    def _maybe_command(self, node, context):
        """`f [1, 2]` / `f -1`: a call if f is a function, else Python's reading."""
        interp = self.interp
        read = self.name_reader(node.name, context)
        args = tuple(self.expression(a, context) for a in node.args)
        python = self.expression(node.python, context)
        call = ast.copy_location(ast.Call(func=node.name, args=node.args, keywords=[]), node)
        run_special = self._run_special

        def maybe_command(frame):
            func = read(frame)
            if callable(func) and not isinstance(func, type) and not hasattr(func, "__getitem__"):
                values = [a(frame) for a in args]
                interp.current = node
                if func.__class__ is SpecialForm:
                    return run_special(func, call, frame)
                return interp.call_value(func, values, {}, node)
            return python(frame)
        return self._located(maybe_command, node)

    def _lambda(self, node, context):
        return self._located(self.function_maker("<lambda>", node, context), node)

    def function_maker(self, name, node, context):
        """code(frame) -> a new UserFunction: defaults evaluated, the scope captured."""
        interp = self.interp
        a = node.args
        defaults = tuple(self.expression(d, context) for d in a.defaults)
        kw_defaults = tuple(None if d is None else self.expression(d, context) for d in a.kw_defaults)
        params = parameters(node)
        code = self.function_body(node, context.function(node, name))

        def make_function(frame):
            return UserFunction(name, node, params, code, [d(frame) for d in defaults],
                                [NO_DEFAULT if d is None else d(frame) for d in kw_defaults],
                                frame, interp, interp.program)
        return make_function

    def function_body(self, node, context):
        """code(frame) -> what a call returns."""
        body = node.body
        if not isinstance(body, list):
            return self.expression(body, context)       # a lambda
        if len(body) == 1 and body[0].__class__ is ast.Return and not body[0].tsh_timed \
                and body[0].value is not None:
            return self.expression(body[0].value, context)
        interp = self.interp
        block = self.block(body, context)

        def run_body(frame):
            r = block(frame)
            if r is None:
                return None
            if r.__class__ is tuple:       # `return value`
                return r[0]
            raise interp.error_at(node, f"'{r.name}' outside a loop", TshSyntaxError)
        return run_body

    def _elements(self, elts, context):
        """code(frame) -> the list of a display's elements, `*` unpacked."""
        if not any(e.__class__ is ast.Starred for e in elts):
            codes = tuple(self.expression(e, context) for e in elts)
            return lambda frame: [code(frame) for code in codes]
        parts = tuple((e.__class__ is ast.Starred, self.expression(e.value if e.__class__ is ast.Starred else e,
                                                                   context)) for e in elts)

        def elements(frame):
            out = []
            for starred, code in parts:
                if starred:
                    out.extend(code(frame))
                else:
                    out.append(code(frame))
            return out
        return elements

    def _list(self, node, context):
        return self._located(self._elements(node.elts, context), node)

    def _tuple(self, node, context):
        if all(e.__class__ is ast.Constant for e in node.elts):
            value = tuple(e.value for e in node.elts)
            return lambda frame: value
        elements = self._elements(node.elts, context)
        checked_tuple = guards.checked_tuple
        return self._located(lambda frame: checked_tuple(elements(frame)), node)

    def _set(self, node, context):
        elements = self._elements(node.elts, context)
        return self._located(lambda frame: set(elements(frame)), node)

    def _dict(self, node, context):
        parts = tuple((None if k is None else self.expression(k, context), self.expression(v, context))
                      for k, v in zip(node.keys, node.values))

        def dictionary(frame):
            out = {}
            for key, value in parts:
                if key is None:
                    out.update(value(frame))
                else:
                    out[key(frame)] = value(frame)
            return out
        return self._located(dictionary, node)

    def _starred(self, node, context):
        interp = self.interp

        def starred(frame):
            raise interp.error_at(node, "a starred expression can only be used in a call, list or tuple")
        return starred

    def comprehension(self, node, context, element, key=None, finish=None):
        """code(frame) -> a comprehension's items: element's values, or (key, element)
        pairs for a dict, passed to finish.  Its variables live in a scope of their
        own; the first iterable is evaluated in the enclosing scope, as in Python."""
        inner = context.comprehension(node)
        loops = []
        for i, g in enumerate(node.generators):
            target = g.target
            name = target.id if target.__class__ is ast.Name else None
            loops.append((self.expression(g.iter, context if i == 0 else inner), name,
                          None if name is not None else self.target(target, inner),
                          tuple(self.expression(c, inner) for c in g.ifs)))
        value = self.expression(element, inner)
        if key is not None:
            key_code = self.expression(key, inner)
            item = lambda scope: (key_code(scope), value(scope))  # noqa: E731
        else:
            item = value
        first_iterable = loops[0][0]
        last = len(loops) - 1

        def fill(i, scope, iterable, out):
            _, name, store, ifs = loops[i]
            for obj in iterable:
                if name is not None:
                    scope[name] = obj
                else:
                    store(scope, obj)
                if ifs and not all(c(scope) for c in ifs):
                    continue
                if i < last:
                    fill(i + 1, scope, loops[i + 1][0](scope), out)
                else:
                    out.append(item(scope))

        if last == 0 and loops[0][1] is not None and len(loops[0][3]) <= 1:
            # The common case, `[f(v) for v in values if p(v)]`, without the recursion.
            name, condition = loops[0][1], (loops[0][3] or (None,))[0]

            def fill(i, scope, iterable, out):  # noqa: F811
                append = out.append
                for obj in iterable:
                    scope[name] = obj
                    if condition is not None and not condition(scope):
                        continue
                    append(item(scope))

        def comprehension(frame):       # located as a whole: a call per comprehension run
            scope = new_frame(frame)
            out = []
            fill(0, scope, first_iterable(frame), out)
            return out if finish is None else finish(out)
        return self._located(comprehension, node)

    def _listcomp(self, node, context):
        return self.comprehension(node, context, node.elt)

    def _setcomp(self, node, context):
        return self.comprehension(node, context, node.elt, finish=set)

    def _genexp(self, node, context):
        # Evaluated eagerly: the language has no use for lazy generators,
        # and a real generator would expose frames.
        return self.comprehension(node, context, node.elt, finish=iter)

    def _dictcomp(self, node, context):
        return self.comprehension(node, context, node.value, node.key, finish=dict)

    def joined_string(self, node, context):
        parts = tuple((lambda frame, v=v.value: v) if v.__class__ is ast.Constant
                      else self.formatted_value(v, context) for v in node.values)
        return lambda frame: "".join([part(frame) for part in parts])

    def formatted_value(self, node, context):
        interp = self.interp
        value = self.expression(node.value, context)
        conversion = {115: str, 114: repr, 97: ascii}.get(node.conversion)
        spec = None if node.format_spec is None else self.joined_string(node.format_spec, context)

        def formatted(frame):
            v = value(frame)
            if conversion is not None:
                v = conversion(v)
            s = "" if spec is None else spec(frame)
            interp.current = node
            return format(v, s)
        return formatted

    def _joinedstr(self, node, context):
        return self._located(self.joined_string(node, context), node)

    def _formattedvalue(self, node, context):
        return self._located(self.formatted_value(node, context), node)

    def _namedexpr(self, node, context):
        value = self.expression(node.value, context)
        store = self.name_writer(node.target.id, context)

        def namedexpr(frame):
            v = value(frame)
            store(frame, v)
            return v
        return self._located(namedexpr, node)

    def _slice(self, node, context):
        return self._located(self.index(node, context), node)

    # -- assignment targets: store(frame, value)
    def target(self, node, context):
        interp = self.interp
        kind = node.__class__
        if kind is ast.Name:
            return self.name_writer(node.id, context)
        if kind is ast.Tuple or kind is ast.List:
            return self._unpacker(node, context)
        if kind is ast.Subscript:
            value = self.expression(node.value, context)
            index = self.index(node.slice, context)

            def store_item(frame, v):
                obj = value(frame)
                idx = index(frame)
                interp.current = node
                try:
                    obj[idx] = v
                except TshError:
                    raise
                except Exception as e:
                    raise interp.convert(e, node) from e
            return store_item
        if kind is ast.Attribute:
            value = self.expression(node.value, context)
            name = node.attr

            def store_attribute(frame, v):
                interp.set_attribute(value(frame), name, v, node)
            return store_attribute
        message = ("a starred assignment target must be in a list or tuple" if kind is ast.Starred
                   else "cannot assign to this")

        def cannot_store(frame, v):
            raise interp.error_at(node, message)
        return cannot_store

    def _unpacker(self, node, context):
        interp = self.interp
        elts = node.elts
        star = [i for i, e in enumerate(elts) if e.__class__ is ast.Starred]
        stores = tuple(self.target(e.value if e.__class__ is ast.Starred else e, context) for e in elts)
        n = len(elts)

        def items_of(value):
            try:
                return list(value)
            except TypeError as e:
                raise interp.error_at(node, f"TypeError: cannot unpack non-iterable {type(value).__name__} "
                                            f"object") from e

        if not star:
            def unpack(frame, value):
                items = items_of(value)
                if len(items) != n:
                    if len(items) > n:
                        msg = f"ValueError: too many values to unpack (expected {n})"
                    else:
                        msg = f"ValueError: not enough values to unpack (expected {n}, got {len(items)})"
                    raise interp.error_at(node, msg)
                for store, v in zip(stores, items):
                    store(frame, v)
            return unpack
        s = star[0]
        after = n - s - 1

        def unpack_starred(frame, value):
            items = items_of(value)
            if len(star) > 1:
                raise interp.error_at(node, "multiple starred expressions in assignment")
            if len(items) < n - 1:
                raise interp.error_at(node, f"ValueError: not enough values to unpack "
                                            f"(expected at least {n - 1}, got {len(items)})")
            for store, v in zip(stores[:s], items[:s]):
                store(frame, v)
            stores[s](frame, items[s:len(items) - after])
            for store, v in zip(stores[s + 1:], items[len(items) - after:]):
                store(frame, v)
        return unpack_starred

    # -- statements
    def _s_expr(self, node, context):
        interp = self.interp
        convert = interp.convert
        value = self.expression(node.value, context)
        if context.levels:
            def expression_statement(frame):
                try:
                    value(frame)
                except TshError:
                    raise
                except Exception as e:
                    raise convert(e, node) from e
            return expression_statement
        # At the top level a bare expression's value is shown, and a bare command runs.
        bare_name = node.value.__class__ is ast.Name
        hidden = node.tsh_hidden
        builtins = interp.builtins
        run_special = self._run_special

        def show_expression(frame):
            try:
                v = value(frame)
                if bare_name and v.__class__ in (Command, SpecialForm):
                    if not v.bare:
                        raise interp.error_at(node, f"{v.name} needs an argument; see help {v.name}")
                    v = run_special(v, None, frame) if v.__class__ is SpecialForm else v()
                if v is not None and not hidden:
                    builtins["_"] = v
                    interp.session.display_value(v)
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return show_expression

    def _s_assign(self, node, context):
        convert = self.interp.convert
        value = self.expression(node.value, context)
        stores = tuple(self.target(t, context) for t in node.targets)
        if len(stores) == 1 and node.targets[0].__class__ is ast.Name:
            # `x = ...`, the commonest statement: the name stored in place.
            name = node.targets[0].id
            if not context.levels:
                g = self.interp.globals

                def assign_global(frame):
                    try:
                        g[name] = value(frame)
                    except TshError:
                        raise
                    except Exception as e:
                        raise convert(e, node) from e
                return assign_global

            def assign_local(frame):
                try:
                    frame[name] = value(frame)
                except TshError:
                    raise
                except Exception as e:
                    raise convert(e, node) from e
            return assign_local
        if len(stores) == 1:
            store = stores[0]

            def assign(frame):
                try:
                    store(frame, value(frame))
                except TshError:
                    raise
                except Exception as e:
                    raise convert(e, node) from e
            return assign

        def assign_many(frame):
            try:
                v = value(frame)
                for store in stores:
                    store(frame, v)
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return assign_many

    def _s_augassign(self, node, context):
        # Python's order: the target's container (and index), then the target's
        # current value, then the right side, then the operation and the store.
        op = _IOPS[node.op.__class__]
        kind = node.target.__class__
        if kind is ast.Name:
            return self._augassign_name(node, op, context)
        rhs = self.expression(node.value, context)
        if kind is ast.Subscript:
            return self._augassign_item(node, op, rhs, context)
        if kind is ast.Attribute:
            return self._augassign_attribute(node, op, rhs, context)

        def cannot_assign(frame):
            rhs(frame)
            raise self.interp.error_at(node.target, "cannot assign to this")
        return self._located(cannot_assign, node)

    def _augassign_name(self, node, op, context):
        """`total += 1`, `total += i * 2`: a literal, or `name OP literal`, on the right
        is worked out in the statement itself (see _name_op_literal)."""
        interp = self.interp
        convert = interp.convert
        literal, rhs = self._operand(node.value, context)
        name = node.target.id
        read = self.name_reader(node.target, context)       # for a builtin, or the error
        top_level = not context.levels      # else a function's statement: name is local to it
        g = interp.globals
        value_node = node.value
        fused = self._name_op_literal(value_node, context)
        right, right_in_globals, right_op, right_literal = fused or (None, True, None, None)

        def augassign_name(frame):
            variables = g if top_level else frame
            try:
                current = variables[name] if name in variables else read(frame)
                right_variables = g if right_in_globals else frame
                if rhs is None:
                    v = literal
                elif right not in right_variables:
                    v = rhs(frame)
                else:
                    interp.current = value_node
                    try:
                        v = right_op(right_variables[right], right_literal)
                    except TshError:
                        raise
                    except Exception as e:
                        raise convert(e, value_node) from e
                interp.current = node
                variables[name] = op(current, v)
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return augassign_name

    def _augassign_item(self, node, op, rhs, context):
        interp = self.interp
        convert = interp.convert
        value = self.expression(node.target.value, context)
        index = self.index(node.target.slice, context)

        def augassign_item(frame):
            try:
                obj = value(frame)
                idx = index(frame)
                current = obj[idx]
                v = rhs(frame)
                interp.current = node
                obj[idx] = op(current, v)
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return augassign_item

    def _augassign_attribute(self, node, op, rhs, context):
        interp = self.interp
        convert = interp.convert
        target = node.target
        value = self.expression(target.value, context)
        name = target.attr

        def augassign_attribute(frame):
            try:
                obj = value(frame)
                current = interp.get_attribute(obj, name, target)
                v = rhs(frame)
                interp.current = node
                interp.set_attribute(obj, name, op(current, v), target)
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return augassign_attribute

    def _s_delete(self, node, context):
        deleters = tuple(self._deleter(t, context) for t in node.targets)

        def delete(frame):
            for deleter in deleters:
                deleter(frame)
        return self._located(delete, node)

    def _deleter(self, node, context):
        interp = self.interp
        kind = node.__class__
        if kind is ast.Name:
            name = node.id

            def delete_name(frame):
                d = frame if frame is not None else interp.globals
                if name not in d:
                    if frame is None and name in interp.builtins:
                        raise interp.error_at(node, f"{name!r} is a builtin and cannot be deleted")
                    raise interp.name_error(node, name, frame)
                del d[name]
            return delete_name
        if kind is ast.Subscript:
            value = self.expression(node.value, context)
            index = self.index(node.slice, context)

            def delete_item(frame):
                obj = value(frame)
                idx = index(frame)
                if not hasattr(type(obj), "__delitem__"):     # PyTorch's words for a tensor
                    what = "Tensor does not support deleting items" if isinstance(obj, interp._array_classes) \
                        else f"'{type(obj).__name__}' object does not support item deletion"
                    raise interp.error_at(node, f"TypeError: {what}")
                try:
                    del obj[idx]
                except TshError:
                    raise
                except Exception as e:
                    raise interp.convert(e, node) from e
            return delete_item
        if kind is ast.Tuple or kind is ast.List:
            parts = tuple(self._deleter(e, context) for e in node.elts)

            def delete_all(frame):
                for part in parts:
                    part(frame)
            return delete_all

        def cannot_delete(frame):
            raise interp.error_at(node, "cannot delete this")
        return cannot_delete

    def _s_if(self, node, context):
        convert = self.interp.convert
        body = self.block(node.body, context)
        orelse = self.block(node.orelse, context) if node.orelse else None
        test = node.test
        if test.__class__ is ast.Compare and len(test.ops) == 1 and constant_of(test.comparators[0]) \
                is not NOT_CONSTANT:
            return self._if_compare_literal(node, body, orelse, context)
        test = self.expression(test, context)

        def if_statement(frame):
            try:
                if test(frame):
                    return body(frame)
                if orelse is not None:
                    return orelse(frame)
                return None
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return if_statement

    def _if_compare_literal(self, node, body, orelse, context):
        """`if n == 0:` and `if i % 3 == 0:`, the commonest tests, compared in the statement
        itself: what _compare's compare_literal does (and, for `name OP literal` on the
        left, what _binop's code does), a call fewer (two) each time it runs."""
        interp = self.interp
        convert = interp.convert
        test = node.test
        op, right_value = _CMPOPS[test.ops[0].__class__], constant_of(test.comparators[0])
        left_node = test.left
        left = self.expression(left_node, context)
        name, in_globals = self._plain_name(left_node, context)
        left_op = left_literal = None       # `i % 3`: the operation applied to name's value
        fused = self._name_op_literal(left_node, context)
        if fused is not None:
            name, in_globals, left_op, left_literal = fused
        g = interp.globals

        def if_compare_literal(frame):
            variables = g if in_globals else frame
            if name not in variables:
                a = left(frame)
            elif left_op is None:
                a = variables[name]
            else:
                interp.current = left_node
                try:
                    a = left_op(variables[name], left_literal)
                except TshError:
                    raise
                except Exception as e:
                    raise convert(e, left_node) from e
            interp.current = test
            try:
                passed = op(a, right_value)
            except TshError:
                raise
            except Exception as e:
                raise convert(e, test) from e
            try:
                if passed:
                    return body(frame)
                if orelse is not None:
                    return orelse(frame)
                return None
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return if_compare_literal

    def _s_while(self, node, context):
        test = self.expression(node.test, context)
        body = self.block(node.body, context)
        orelse = self.block(node.orelse, context) if node.orelse else None

        def while_statement(frame):     # located as a whole: a call per loop run, not per iteration
            while test(frame):
                r = body(frame)
                if r is not None:
                    if r is BREAK:
                        return None
                    if r is CONTINUE:
                        continue
                    return r
            if orelse is not None:
                return orelse(frame)
            return None
        return self._located(while_statement, node)

    def _s_for(self, node, context):
        interp = self.interp
        convert = interp.convert
        iterable = self.expression(node.iter, context)
        # The body's statements are run here, not by a block's code: a call fewer per iteration.
        codes = tuple(self.statement(s, context) for s in node.body)
        single = codes[0] if len(codes) == 1 else None
        orelse = self.block(node.orelse, context) if node.orelse else None
        target = node.target
        name = target.id if target.__class__ is ast.Name else None
        store = None if name is not None else self.target(target, context)
        g = interp.globals
        top_level = not context.levels

        def for_statement(frame):       # located as a whole: a call per loop run, not per iteration
            values = iterable(frame)
            try:
                it = iter(values)
            except TypeError as e:
                raise convert(e, node.iter) from e
            variables = g if top_level else frame
            for item in it:
                if name is not None:
                    variables[name] = item
                else:
                    store(frame, item)
                if single is not None:
                    r = single(frame)
                    if r is None:
                        continue
                else:
                    for code in codes:
                        r = code(frame)
                        if r is not None:
                            break
                    else:
                        continue
                if r is BREAK:
                    return None
                if r is CONTINUE:
                    continue
                return r
            if orelse is not None:
                return orelse(frame)
            return None
        return self._located(for_statement, node)

    def _s_break(self, node, context):
        return lambda frame: BREAK

    def _s_continue(self, node, context):
        return lambda frame: CONTINUE

    def _s_pass(self, node, context):
        return lambda frame: None

    def _s_with(self, node, context):
        """`with a, b: body` runs as `with a: with b: body`, as Python runs it."""
        code = self.block(node.body, context)
        for item in reversed(node.items):
            code = self._with_item(node, item, code, context)
        return code

    def _with_item(self, node, item, body, context):
        interp = self.interp
        convert = interp.convert
        expr = item.context_expr
        manager = self.expression(expr, context)
        store = None if item.optional_vars is None else self.target(item.optional_vars, context)

        def with_statement(frame):
            cm = manager(frame)
            tp = type(cm)
            enter_ = getattr(tp, "__enter__", None)
            exit_ = getattr(tp, "__exit__", None)
            if enter_ is None or exit_ is None or isinstance(cm, type):
                raise interp.error_at(expr, f"TypeError: '{tp.__name__}' object does not support the "
                                            f"context manager protocol")
            try:
                value = enter_(cm)
            except TshError:
                raise
            except Exception as e:
                raise convert(e, expr) from e
            try:
                if store is not None:
                    store(frame, value)
                r = body(frame)
            except BaseException as e:
                if not exit_(cm, type(e), e, e.__traceback__):
                    raise
                return None
            exit_(cm, None, None, None)
            return r
        return self._located(with_statement, node)

    def _s_functiondef(self, node, context):
        make = self.function_maker(node.name, node, context)
        decorate = self.decorators(node, context)
        store = self.name_writer(node.name, context)

        def define(frame):
            store(frame, decorate(frame, make(frame)))
        return self._located(define, node)

    def decorators(self, node, context):
        """decorate(frame, value): value passed through node's decorators, the nearest first
        (`@a @b def f` is a(b(f))), each evaluated where the definition is."""
        interp = self.interp
        found = tuple((d, self.expression(d, context)) for d in node.decorator_list)
        if not found:
            return lambda frame, value: value

        def decorate(frame, value):
            functions = [(d, code(frame)) for d, code in found]
            for d, decorator in reversed(functions):
                interp.current = d
                try:
                    value = interp.call_value(decorator, [value], {}, d)
                except TshError:
                    raise
                except Exception as e:
                    raise interp.convert(e, d) from e
            return value
        return decorate

    def _s_classdef(self, node, context):
        """`class Name(bases): body`.  The body runs once, in a scope of its own whose names
        become the class's attributes; its methods close over the scopes around the class
        (as in Python, a method does not see the class's names unqualified)."""
        interp = self.interp
        bases = tuple(self.expression(b, context) for b in node.bases)
        body_context = context.class_body(node)
        self.method_names.update(stmt.name for stmt in node.body if stmt.__class__ is ast.FunctionDef)
        members = tuple(self._class_member(stmt, context, body_context) for stmt in node.body)
        decorate = self.decorators(node, context)
        store = self.name_writer(node.name, context)
        docstring = ast.get_docstring(node, clean=True)

        def define_class(frame):
            base_classes = tuple(b(frame) for b in bases)
            scope = new_frame(frame)
            for member in members:
                member(scope)
            cls = interp.make_class(node, base_classes, variables_of(scope), docstring)
            store(frame, decorate(frame, cls))
        return self._located(define_class, node)

    def _class_member(self, stmt, context, body_context):
        """member(class scope) for one statement of a class body: a method is made over the
        scope around the class, decorated in the class's; an attribute is assigned in it."""
        kind = stmt.__class__
        if kind is ast.FunctionDef:
            make = self.function_maker(stmt.name, stmt, context)
            decorate = self.decorators(stmt, body_context)
            name = stmt.name

            def define_method(scope):
                scope[name] = decorate(scope, make(scope[ENCLOSING]))
            return self._located(define_method, stmt)
        if kind is ast.Expr:
            value = self.expression(stmt.value, body_context)     # evaluated, never shown
            return lambda scope: value(scope) and None
        if kind is ast.Pass:
            return lambda scope: None
        return self.statement(stmt, body_context)      # an attribute: `scale = 2`

    def _s_return(self, node, context):
        interp = self.interp
        if not context.levels:
            def return_outside(frame):
                raise interp.error_at(node, "'return' outside a function", TshSyntaxError)
            return return_outside
        if node.value is None:
            return lambda frame: (None,)
        value = self.expression(node.value, context)
        convert = interp.convert

        def return_statement(frame):
            try:
                return (value(frame),)
            except TshError:
                raise
            except Exception as e:
                raise convert(e, node) from e
        return return_statement

    def _s_import(self, node, context):
        interp = self.interp
        bindings = tuple((alias, self.name_writer(alias.asname or alias.name.split(".")[0], context))
                         for alias in node.names)

        def import_statement(frame):
            for alias, store in bindings:
                ns = interp.modules.get(alias.name)
                if ns is None:
                    raise interp.error_at(node, syntax._import_message(alias.name))
                if alias.asname:
                    store(frame, ns)
                else:
                    store(frame, interp.modules.get(alias.name.split(".")[0], ns))
        return self._located(import_statement, node)

    def _s_importfrom(self, node, context):
        interp = self.interp
        if node.module == "__future__":
            return lambda frame: None
        bindings = tuple((alias, self.name_writer(alias.asname or alias.name, context)) for alias in node.names)

        def import_from(frame):
            ns = interp.modules.get(node.module)
            if ns is None:
                raise interp.error_at(node, syntax._import_message(node.module))
            for alias, store in bindings:
                value = ns.entries.get(alias.name)
                if value is None:
                    sub = interp.modules.get(f"{node.module}.{alias.name}")
                    refused = interp.refusal(node.module, alias.name)
                    if sub is None and refused:
                        raise interp.error_at(alias if hasattr(alias, "lineno") else node, refused)
                    if sub is None:
                        close = difflib.get_close_matches(alias.name, list(ns.entries), n=1)
                        hint = f"; did you mean {close[0]!r}?" if close else ""
                        raise interp.error_at(alias if hasattr(alias, "lineno") else node,
                                              f"cannot import name {alias.name!r} from {node.module!r}{hint}")
                    value = sub
                store(frame, value)
        return self._located(import_from, node)

    def _s_assert(self, node, context):
        interp = self.interp
        test = self.expression(node.test, context)
        message = None if node.msg is None else self.expression(node.msg, context)

        def assert_statement(frame):
            if not test(frame):
                msg = "" if message is None else str(message(frame))
                raise interp.error_at(node, f"AssertionError: {msg}" if msg else "AssertionError")
        return self._located(assert_statement, node)

    _expr = {
        ast.Constant: _constant, ast.Name: _name, ast.Attribute: _attribute,
        ast.Subscript: _subscript, ast.BinOp: _binop, ast.UnaryOp: _unaryop,
        ast.Compare: _compare, ast.Call: _call, ast.BoolOp: _boolop, ast.IfExp: _ifexp,
        ast.Lambda: _lambda, ast.List: _list, ast.Tuple: _tuple, ast.Set: _set, ast.Dict: _dict,
        ast.Starred: _starred, ast.ListComp: _listcomp, ast.SetComp: _setcomp,
        ast.GeneratorExp: _genexp, ast.DictComp: _dictcomp, ast.JoinedStr: _joinedstr,
        ast.FormattedValue: _formattedvalue, ast.NamedExpr: _namedexpr, ast.Slice: _slice,
        syntax.MaybeCommand: _maybe_command,
    }

    _stmt = {
        ast.Expr: _s_expr, ast.Assign: _s_assign, ast.AugAssign: _s_augassign,
        ast.Delete: _s_delete, ast.If: _s_if, ast.While: _s_while, ast.For: _s_for,
        ast.Break: _s_break, ast.Continue: _s_continue, ast.Pass: _s_pass, ast.With: _s_with,
        ast.FunctionDef: _s_functiondef, ast.ClassDef: _s_classdef, ast.Return: _s_return, ast.Import: _s_import,
        ast.ImportFrom: _s_importfrom, ast.Assert: _s_assert,
    }
