"""Classes in the language: what a `class` statement makes, `super()`, `type(x)`.

A `class` statement makes a real Python class, so that Python's own machinery
(instantiation, `__init__`, operators, isinstance, an engine base class's code
calling `forward`) works on it unchanged.  The language compiled and checked
its body first (syntax.py: public names and the protocol methods only, no
metaclass), so the namespace handed to `type(name, bases, namespace)` here
holds only what a script could already hold; the bases are checked here: a
class may derive from `object`, from classes the script made, and from the
engine classes meant for it (allowlist.SUBCLASSABLE_ENGINE_CLASSES), never
from `type`, a builtin or NumPy type.  What a script may then read on the
class, its instances and `super()` is allowlist.py's "User classes".
"""
from .. import allowlist
from ..errors import UserError
from ..frames import ENCLOSING, FUNCTION
from .command_types import SpecialForm


class ClassError(Exception):
    """A class statement the language refuses (reported at the statement)."""


def make_class(name, bases, members, docstring):
    """The class `class name(*bases): ...` makes, its body having bound members."""
    for base in bases:
        if not allowlist.is_subclassable(base):
            raise ClassError(f"cannot derive a class from {_described(base)} in tensorsh; a class may derive "
                             "from object, from classes defined in the script, torch.autograd.Function "
                             "and torch.nn.Module")
    namespace = dict(members)
    namespace.update(__module__="__main__", __qualname__=name, __doc__=docstring)
    try:
        cls = type(name, bases or (object,), namespace)
    except TypeError as e:          # an inconsistent order of bases, a duplicate base
        raise ClassError(f"TypeError: {e}") from None
    for value in members.values():
        for function in _functions_in(value):
            if getattr(function, "defining_class", False) is None:
                function.defining_class = cls
    allowlist.register_user_class(cls)
    return cls


def _described(base):
    if isinstance(base, type):
        return f"<class '{base.__module__}.{base.__qualname__}'>" if base.__module__ != "builtins" \
            else f"<class '{base.__qualname__}'>"
    return f"a {type(base).__name__} (not a class)"


def _functions_in(value):
    """The functions a class attribute holds: itself, or those a staticmethod,
    classmethod or property wraps (these become the class's methods)."""
    if isinstance(value, (staticmethod, classmethod)):
        return (value.__func__,)
    if isinstance(value, property):
        return tuple(f for f in (value.fget, value.fset, value.fdel) if f is not None)
    return (value,)


def takes_attributes(obj):
    """Whether a script may set public attributes on obj: an instance of a class it
    made, such a class itself, and the engine objects that take them (a Function's ctx)."""
    cls = type(obj)
    return (allowlist.is_user_class(cls) or allowlist.is_user_class(obj)
            or allowlist.defined_at(cls) in allowlist.OPEN_ENGINE_CLASSES)


# ---------------------------------------------------------------- super()

def _run_super(interp, node):
    """super() in a method: the method's class and first argument, found from the
    call's scope (Python finds them in the `__class__` cell); super(C, obj) as written."""
    if node.keywords:
        raise UserError("super() takes no keyword arguments")
    if node.args:
        if len(node.args) != 2:
            raise UserError("super() takes the class and the object in tensorsh: super() or super(Class, self)")
        cls, obj = (interp.eval(a) for a in node.args)
        if not allowlist.is_user_class(cls):
            raise UserError("super(Class, self) needs a class defined in the script as its first argument")
        return super(cls, obj)
    scope = interp.scope
    while scope is not None:
        function = scope.get(FUNCTION)
        if function is not None and function.defining_class is not None:
            break
        scope = scope[ENCLOSING]
    else:
        raise UserError("RuntimeError: super(): no arguments (super() works inside a method of a class)")
    names = function.params.names
    if not names or names[0] not in scope:
        raise UserError("RuntimeError: super(): no arguments")
    return super(function.defining_class, scope[names[0]])


SUPER = SpecialForm("super", _run_super,
                    "super()\n    Inside a method: the methods of the class's bases, bound to the same object\n"
                    "    (`super().__init__()`); `super(Class, self)` names them.")


# ---------------------------------------------------------------- type(), id()

class ClassName:
    """What type(x) gives for a class a script must not call (NumPy's raw array, the
    shell's own kinds of value): it prints as the class, and is nothing more.  The class
    itself, passed to map or sorted(key=...), would be called past the language's checks."""

    __slots__ = ("_text",)

    def __init__(self, text):
        self._text = text

    def __repr__(self):
        return self._text


def type_builtin(withheld):
    """The language's type(x): x's class, or for a class in withheld ({class: how it
    prints}) a ClassName."""
    def type(obj, /):
        """type(object) -> the object's class (`type(t)` is torch.Tensor).  One argument only:
        type never makes a class in tensorsh."""
        cls = class_of(obj)
        return ClassName(withheld[cls]) if cls in withheld else cls
    return type


class_of = type      # Python's, which the function above shadows
