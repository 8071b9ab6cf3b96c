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

Every other type (functions, iterators, a NumPy random Generator the engine
hands out, a context manager ...) can be passed around and shown but has no
attributes.  tests/language/test_allowlist.py walks everything a session can
reach and fails when a type that is not on its reviewed list turns up.
"""
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

PYTHON_ATTRIBUTES = {
    str: _STR_METHODS,
    bytes: _BYTES_METHODS,
    int: _INT_ATTRIBUTES,
    bool: _INT_ATTRIBUTES,
    float: _FLOAT_ATTRIBUTES,
    complex: _COMPLEX_ATTRIBUTES,
    list: _words("append clear copy count extend index insert pop remove reverse sort"),
    tuple: _words("count index"),
    dict: _words("clear copy fromkeys get items keys pop popitem setdefault update values"),
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
# The engine's named result tuples say they are PyTorch's, to print as PyTorch does.
ENGINE_RESULT_TUPLE_MODULE = "torch.return_types"
# Public engine names a script may still not read.
ENGINE_WITHHELD = _words("""share_memory_ set_ storage untyped_storage from_file
register_prehook""")


class TypePolicy:
    """What a script may do with the attributes of one type's values: read the
    names in `names`; those in `guarded` come wrapped by the function given."""

    __slots__ = ("names", "guarded")

    def __init__(self, names, guarded=None):
        self.names = frozenset(names)
        self.guarded = guarded or {}


NO_ATTRIBUTES = TypePolicy(())
_policies = {}      # type -> TypePolicy for its instances; ("class", type) -> for the type itself


def _public(cls):
    return frozenset(n for n in dir(cls) if not n.startswith("_"))


def _is_engine_type(cls):
    module = getattr(cls, "__module__", None)
    if not isinstance(module, str):
        return False
    return module.split(".")[0] == ENGINE_MODULE or module == ENGINE_RESULT_TUPLE_MODULE


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
    if _is_engine_type(cls):
        return TypePolicy(_public(cls) - ENGINE_WITHHELD)
    return NO_ATTRIBUTES


def _class_policy(cls):
    """The policy for a type object itself: Python's and the engine's types offer
    what their values do (`str.join`, `torch.Tensor.add`); NumPy's offer nothing."""
    if cls in PYTHON_ATTRIBUTES or _is_engine_type(cls):
        return TypePolicy(_instance_policy(cls).names)
    return NO_ATTRIBUTES


def policy(obj):
    """The TypePolicy for reading attributes of obj (cached per type)."""
    if isinstance(obj, type):
        key = ("class", obj)
        found = _policies.get(key)
        if found is None:
            found = _policies[key] = _class_policy(obj)
        return found
    cls = type(obj)
    found = _policies.get(cls)
    if found is None:
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
