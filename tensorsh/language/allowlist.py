"""Which attributes a script may read, type by type: the sandbox's first wall.

Nothing is readable unless it is listed here.  Three kinds of type have lists:

- Python's own values (str, list, dict, int ...): the methods written out in
  PYTHON_ATTRIBUTES.
- NumPy's values (arrays, their scalars, dtypes, finfo, iinfo, flat
  iterators, flags, linalg's result tuples, the namespace's ufuncs): the
  memory-safe subsets written out below.  Array methods are handed out behind
  `safe_numpy.checked_method`, which refuses object, void and structured
  dtypes, and the flags as read-only (GUARDED_ATTRIBUTES).
- The engine's values (Tensor, dtype, device, Size, grad_fn nodes, the named
  result tuples ...): the engine is ours and its public API (every name not
  starting with `_`) is the language's, save ENGINE_WITHHELD.
- The classes a script defines with `class`, their instances, and `super()`
  objects: every public name (the class's methods and attributes, an
  instance's own, an engine base class's public API) and the protocol methods
  a class may define (PROTOCOL_METHODS), nothing else (see "User classes").

Every other type (functions, iterators, a NumPy random Generator the engine
hands out, a context manager ...) can be passed around and shown but has no
attributes.  tests/language/test_allowlist.py walks everything a session can
reach and fails when a type that is not on its reviewed list turns up.
"""
import collections
import functools
import weakref

import numpy as np

from . import safe_numpy


def _words(text):
    return frozenset(text.split())


# ----------------------------------------------------------- Python's values

_STR_METHODS = _words("""
capitalize casefold center count encode endswith expandtabs find index isalnum isalpha
isascii isdecimal isdigit isidentifier islower isnumeric isprintable isspace istitle isupper
join ljust lower lstrip maketrans partition removeprefix removesuffix replace rfind rindex
rjust rpartition rsplit rstrip split splitlines startswith strip swapcase title translate
upper zfill""")     # `format` is the interpreter's own (no field lookups); no format_map
_BYTES_METHODS = _words("""
capitalize center count decode endswith expandtabs find fromhex hex index isalnum isalpha
isascii isdigit islower isspace istitle isupper join ljust lower lstrip maketrans partition
removeprefix removesuffix replace rfind rindex rjust rpartition rsplit rstrip split
splitlines startswith strip swapcase title translate upper zfill""")
_INT_ATTRIBUTES = _words("""as_integer_ratio bit_count bit_length conjugate denominator
from_bytes imag is_integer numerator real to_bytes""")
_FLOAT_ATTRIBUTES = _words("as_integer_ratio conjugate fromhex hex imag is_integer real")
_COMPLEX_ATTRIBUTES = _words("conjugate imag real")
_DICT_METHODS = _words("clear copy fromkeys get items keys pop popitem setdefault update values")

PYTHON_ATTRIBUTES = {
    str: _STR_METHODS,
    bytes: _BYTES_METHODS,
    int: _INT_ATTRIBUTES,
    bool: _INT_ATTRIBUTES,
    float: _FLOAT_ATTRIBUTES,
    complex: _COMPLEX_ATTRIBUTES,
    list: _words("append clear copy count extend index insert pop remove reverse sort"),
    tuple: _words("count index"),
    dict: _DICT_METHODS,
    set: _words("""add clear copy difference difference_update discard intersection
                   intersection_update isdisjoint issubset issuperset pop remove
                   symmetric_difference symmetric_difference_update union update"""),
    frozenset: _words("""copy difference intersection isdisjoint issubset issuperset
                         symmetric_difference union"""),
    range: _words("count index start step stop"),
    slice: _words("indices start step stop"),
    # a dict view's `mapping` would hand out a mappingproxy: not listed
    type({}.keys()): _words("isdisjoint"),
    type({}.items()): _words("isdisjoint"),
    type({}.values()): frozenset(),
    # the collections module's (the `collections` namespace)
    collections.OrderedDict: _DICT_METHODS | {"move_to_end"},
    collections.defaultdict: _DICT_METHODS | {"default_factory"},
    collections.Counter: _DICT_METHODS | _words("elements most_common subtract total"),
    collections.deque: _words("""append appendleft clear copy count extend extendleft index insert maxlen
                                 pop popleft remove reverse rotate"""),
    type(collections.OrderedDict().keys()): _words("isdisjoint"),
    type(collections.OrderedDict().items()): _words("isdisjoint"),
    type(collections.OrderedDict().values()): frozenset(),
    functools.partial: _words("args func keywords"),
    type(functools.cache(len)): _words("cache_clear cache_info"),
    # decorators a class body uses: a property's parts (`@x.setter`); staticmethod
    # and classmethod objects offer nothing (their `__func__` is a dunder)
    property: _words("fget fset fdel getter setter deleter"),
    staticmethod: frozenset(),
    classmethod: frozenset(),
}

# ------------------------------------------------------------ NumPy's values

# ndarray without: resize (it frees memory that views still use), setflags,
# ctypes and data (pointers, a memoryview), tofile, dump, dumps (files, pickles),
# getfield and setfield (a dtype laid over raw bytes), to_device, device.
ARRAY_DATA = _words("T base dtype flags flat imag itemsize mT nbytes ndim real shape size strides")
ARRAY_METHODS = _words("""
all any argmax argmin argpartition argsort astype choose clip compress conj conjugate copy cumprod
cumsum diagonal dot fill flatten item max mean min nonzero partition prod put ravel repeat reshape
round searchsorted sort squeeze std sum swapaxes take tobytes tolist trace transpose var view""")
ARRAY_ATTRIBUTES = ARRAY_DATA | ARRAY_METHODS
# Handed out wrapped: every method that returns NumPy values, behind the dtype
# check (any of them given Python objects could make an object array:
# `a.choose([[print]])`; view and astype take the dtype first), and the flags,
# to read and not to set.  item, tolist and tobytes return Python values.
GUARDED_ATTRIBUTES = dict.fromkeys(ARRAY_METHODS - {"item", "tolist", "tobytes"},
                                   safe_numpy.checked_method)
GUARDED_ATTRIBUTES.update(view=safe_numpy.checked_conversion, astype=safe_numpy.checked_conversion,
                          flags=safe_numpy.ArrayFlags)
DTYPE_ATTRIBUTES = _words("""alignment base byteorder char descr fields hasobject isalignedstruct
isbuiltin isnative itemsize kind name names ndim num shape str subdtype type""")
FINFO_ATTRIBUTES = _words("""bits dtype eps epsneg iexp machep max maxexp min minexp negep nexp
nmant precision resolution smallest_normal smallest_subnormal tiny""")
IINFO_ATTRIBUTES = _words("bits dtype key kind max min")
FLATITER_ATTRIBUTES = _words("base coords copy index")
UFUNC_ATTRIBUTES = _words("nin nout nargs ntypes types identity signature reduce accumulate reduceat outer at")
# np.linalg's named results: their fields and a tuple's methods.
_LINALG_MODULE = getattr(np.linalg, "_linalg", np.linalg)     # where NumPy 2 defines them
LINALG_RESULT_TYPES = tuple(getattr(_LINALG_MODULE, name, None) for name in (
    "EigResult", "EighResult", "QRResult", "SlogdetResult", "SVDResult"))

_NUMPY_ATTRIBUTES = {
    np.finfo: FINFO_ATTRIBUTES,
    np.iinfo: IINFO_ATTRIBUTES,
    np.flatiter: FLATITER_ATTRIBUTES,
    safe_numpy.ArrayFlags: frozenset(safe_numpy.ArrayFlags.NAMES),
    safe_numpy.SafeUfunc: UFUNC_ATTRIBUTES,
}

# ------------------------------------------------------------ the engine's

ENGINE_MODULE = "engine"
# The engine's classes say they are PyTorch's where PyTorch code prints them
# (`type(t)` is <class 'torch.Tensor'>, a custom Function's node is
# torch.autograd.function's); a grad_fn node's class is, as PyTorch's, in no
# module at all, and is known by its base class.
ENGINE_MODULES = ("engine", "torch")
# Public engine names a script may still not read. (Node.register_prehook is not among them:
# like Node.register_hook it only stores a function the script could already call, and backward
# calls it with a tuple of gradient tensors.)
ENGINE_WITHHELD = _words("share_memory_ set_ storage untyped_storage from_file")


class TypePolicy:
    """What a script may do with the attributes of one type's values: read the
    names in `names`; those in `guarded` come wrapped by the function given."""

    __slots__ = ("names", "guarded")

    def __init__(self, names, guarded=None):
        self.names = frozenset(names)
        self.guarded = guarded or {}

    @classmethod
    def open(cls, names):
        """A policy whose names are decided name by name (a PublicNames)."""
        made = cls(())
        made.names = names
        return made


NO_ATTRIBUTES = TypePolicy(())
_policies = {}      # type -> TypePolicy for its instances; ("class", type) -> for the type itself


def _public(cls):
    return frozenset(n for n in dir(cls) if not n.startswith("_"))


def _is_engine_type(cls):
    for base in getattr(cls, "__mro__", ()):
        module = getattr(base, "__module__", None)
        if isinstance(module, str) and module.split(".")[0] in ENGINE_MODULES:
            return True
    return False


def _numpy_scalar_names(cls):
    """A NumPy scalar offers what an array offers (those it has), plus what its
    Python base type offers (np.float64 is a float, np.str_ a str)."""
    names = ARRAY_ATTRIBUTES & _public(cls)
    for base in cls.__mro__:
        if base in PYTHON_ATTRIBUTES:
            names |= PYTHON_ATTRIBUTES[base]
    return names


def _guarded_methods(names):
    return {name: GUARDED_ATTRIBUTES[name] for name in names & GUARDED_ATTRIBUTES.keys()}


def _instance_policy(cls):
    """The policy for values of type cls, from the lists above."""
    if cls in PYTHON_ATTRIBUTES:
        return TypePolicy(PYTHON_ATTRIBUTES[cls] & _public(cls))
    if cls is np.ndarray:
        return TypePolicy(ARRAY_ATTRIBUTES, _guarded_methods(ARRAY_ATTRIBUTES))
    if issubclass(cls, np.generic):
        if np.dtype(cls).kind not in safe_numpy.ALLOWED_DTYPE_KINDS:
            return NO_ATTRIBUTES
        names = _numpy_scalar_names(cls)
        return TypePolicy(names, _guarded_methods(names))
    if issubclass(cls, np.dtype):       # NumPy 2 has a dtype class per kind
        return TypePolicy(DTYPE_ATTRIBUTES)
    if cls in _NUMPY_ATTRIBUTES:
        return TypePolicy(_NUMPY_ATTRIBUTES[cls])
    if cls in LINALG_RESULT_TYPES:
        return TypePolicy(frozenset(cls._fields) | PYTHON_ATTRIBUTES[tuple])
    if cls is super:
        return TypePolicy.open(PublicNames(object))
    if _is_engine_type(cls):
        if defined_at(cls) in OPEN_ENGINE_CLASSES:
            return TypePolicy.open(PublicNames(cls, protocol=False))
        return TypePolicy(_public(cls) - ENGINE_WITHHELD)
    return NO_ATTRIBUTES


def _class_policy(cls):
    """The policy for a type object itself: Python's and the engine's types offer
    what their values do (`str.join`, `torch.Tensor.add`); NumPy's offer nothing."""
    if cls in PYTHON_ATTRIBUTES or _is_engine_type(cls):
        return TypePolicy(_instance_policy(cls).names)
    return NO_ATTRIBUTES


def policy(obj):
    """The TypePolicy for reading attributes of obj (cached per type; a user class's is
    not kept, user classes come and go)."""
    if isinstance(obj, type):
        key = ("class", obj)
        found = _policies.get(key)
        if found is None:
            if obj in _user_classes:
                return TypePolicy.open(PublicNames(obj))
            found = _policies[key] = _class_policy(obj)
        return found
    cls = type(obj)
    found = _policies.get(cls)
    if found is None:
        if cls in _user_classes:
            return TypePolicy.open(PublicNames(cls))
        found = _policies[cls] = _instance_policy(cls)
    if found.names and _is_module_instance(obj):
        return _module_policy(obj, found)
    return found


def _is_module_instance(obj):
    """An engine nn.Module: its registries live in its own __dict__ (PyTorch's layout)."""
    own = getattr(obj, "__dict__", None)
    return isinstance(own, dict) and "_modules" in own and "_parameters" in own and _is_engine_type(type(obj))


def _module_policy(module, type_policy):
    """An nn.Module's attributes are per instance, as PyTorch's __getattr__ finds them: its settings
    (in_features, kernel_size ...) and what it registered (weight, bias, fc1, running_mean), besides
    its type's methods. What they hold is checked by its own type's policy when read; names starting
    with "_" (the registries themselves) stay hidden."""
    own = module.__dict__
    names = {n for table in (own, own["_parameters"], own["_buffers"], own["_modules"]) for n in table
             if isinstance(n, str) and not n.startswith("_")} - ENGINE_WITHHELD - type_policy.names
    # listed as guarded (by a guard that changes nothing), so that no call site remembers them for the
    # whole type: another instance of it may not have them
    guarded = dict(type_policy.guarded, **{name: _read_as_is for name in names})
    return TypePolicy(type_policy.names | names, guarded)


def _read_as_is(value):
    return value


def allowed_attributes(obj):
    """The attribute names a script may read on obj."""
    return policy(obj).names


# ------------------------------------------------------------ user classes
#
# A `class` statement makes a real Python class (so that isinstance, operators
# and an engine base class's own code work on it), built by the interpreter
# with `type(name, bases, namespace)` from a body the language checked: its
# names are public names and the protocol methods below, nothing else, and no
# metaclass.  What a script can read on such a class, its instances and the
# `super()` objects of its methods is every public name (an instance attribute,
# a method, an engine base class's public API) and the protocol methods;
# never a dunder beyond them (`__dict__`, `__class__`, `__subclasses__`,
# `__globals__` ...), nor a metaclass's public names (`mro`).

# The methods a class may define (and read back, as `super().__init__()` does).
# Python calls them itself; any other dunder in a class body is refused
# (`__getattribute__`, `__get__`, `__init_subclass__`, `__del__` ... would
# hook Python's machinery).
PROTOCOL_METHODS = _words("""
__init__ __call__ __repr__ __str__ __len__ __getitem__ __setitem__ __delitem__ __iter__
__next__ __contains__ __bool__ __eq__ __ne__ __lt__ __le__ __gt__ __ge__ __hash__
__enter__ __exit__ __neg__ __pos__ __abs__ __add__ __radd__ __sub__ __rsub__ __mul__
__rmul__ __truediv__ __rtruediv__ __floordiv__ __rfloordiv__ __mod__ __rmod__ __pow__
__rpow__ __matmul__ __rmatmul__""")
# The engine classes a script may subclass (module.QualifiedName, as the engine
# or PyTorch names them).
SUBCLASSABLE_ENGINE_CLASSES = frozenset((
    "engine.autograd.function.Function", "torch.autograd.function.Function",
    "engine.nn.modules.module.Module", "engine.nn.module.Module", "engine.nn.Module",
    "torch.nn.modules.module.Module"))
# Engine classes whose instances take attributes a script sets (PyTorch's ctx does).
OPEN_ENGINE_CLASSES = frozenset(("engine.autograd.function.FunctionCtx", "torch.autograd.function.FunctionCtx"))
# Names no user class offers: a metaclass's, and those the engine withholds.
_NEVER_ON_USER_CLASSES = ENGINE_WITHHELD | {"mro"}

_user_classes = weakref.WeakSet()        # every class a `class` statement made


def register_user_class(cls):
    _user_classes.add(cls)


def is_user_class(cls):
    return isinstance(cls, type) and cls in _user_classes


def defined_at(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def is_subclassable(cls):
    """object, a class the script made, or an engine class meant for it (nn.Linear as nn.Module)."""
    if not isinstance(cls, type):
        return False
    return is_user_class(cls) or cls is object or any(defined_at(base) in SUBCLASSABLE_ENGINE_CLASSES
                                                       for base in cls.__mro__)


class PublicNames:
    """The names of an open policy: every public name but the withheld, and the
    protocol methods; iterating gives those a class declares (for suggestions)."""

    __slots__ = ("cls", "protocol")

    def __init__(self, cls, protocol=True):
        self.cls = cls
        self.protocol = protocol

    def __contains__(self, name):
        if name.startswith("_"):
            return self.protocol and name in PROTOCOL_METHODS
        return name not in _NEVER_ON_USER_CLASSES

    def __iter__(self):
        return iter(sorted(n for n in dir(self.cls) if not n.startswith("_") and n in self))

    def __bool__(self):
        return True
