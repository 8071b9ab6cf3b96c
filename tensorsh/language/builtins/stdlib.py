"""The harmless standard modules tutorials import: `random`, `functools`,
`itertools`, `collections` and `operator`, each a namespace of reviewed names.

What is left out, and why:
- random: the module's shared state (each session has its own generator, so
  `random.seed(0)` in one session never moves another's), `getstate`/`setstate`
  and the `Random` classes; `getrandbits` is size-checked.
- functools: `total_ordering` and `singledispatch` (they read and write a
  class's dunders), `update_wrapper`; `reduce` is fed one item at a time
  (Ctrl-C reaches it), `wraps` leaves the wrapper as it is (a tensorsh
  function keeps its own name).
- itertools: every iterator is stepped from Python code (guards.LanguageIterator:
  Ctrl-C reaches it, nesting is capped); no `tee` or `groupby` (their helper
  iterators), no `chain.from_iterable`.
- collections: `namedtuple` makes its class through Python's own code with the
  names checked there (identifiers, no leading `_`); the class is then one of the
  script's classes (allowlist.py).  No `UserDict`-style bases, `ChainMap` or `abc`.
- operator: no `attrgetter` or `methodcaller` (they read attributes past the
  allowlist); the operators that can build huge values are the checked ones.
"""
import collections
import functools
import itertools
import operator
import random

from .. import allowlist, safe_numpy
from ..safe_numpy import Namespace
from ..errors import UserError
from .guards import (MAX_INT_BITS, checked_contains, checked_lshift, checked_mul, checked_pow, iterator_builtin,
                     named_as_builtin, reachable)

_RANDOM_FUNCTIONS = """betavariate choice choices expovariate gammavariate gauss lognormvariate
normalvariate paretovariate randint random randrange sample seed shuffle triangular uniform
vonmisesvariate weibullvariate""".split()


def random_namespace():
    """`random`, over a generator of the session's own."""
    generator = random.Random()
    entries = {name: getattr(generator, name) for name in _RANDOM_FUNCTIONS}
    entries.update(getrandbits=_getrandbits(generator), choices=_counted(generator.choices, "k"),
                   sample=_counted(generator.sample, "k"))
    return Namespace("random", entries, doc="Python's random numbers (this session's own generator).")


def _getrandbits(generator):
    def getrandbits(k, /):
        """getrandbits(k) -> an int with k random bits."""
        if k > MAX_INT_BITS:
            raise UserError(f"refusing to compute getrandbits({k:,}): integers in tensorsh are limited "
                            f"to {MAX_INT_BITS:,} bits")
        return generator.getrandbits(k)
    return getrandbits


def _counted(method, keyword):
    """method, with the length of the list it makes (its `k`) checked against the memory limit."""
    @functools.wraps(method)
    def counted(*args, **kwargs):
        k = kwargs.get(keyword, args[1] if method.__name__ == "sample" and len(args) > 1 else 1)
        if isinstance(k, int):
            safe_numpy.check_bytes(8 * k, f"a list of {k:,} items")
        return method(*args, **kwargs)
    return counted


def functools_namespace():
    def reduce(function, iterable, *initial):
        """reduce(function, iterable[, initial]) -> the items combined two at a time, left to right."""
        return functools.reduce(function, reachable(iterable), *initial)

    def wraps(wrapped, assigned=(), updated=()):
        """wraps(wrapped) -> a decorator that leaves the wrapper as it is (in tensorsh a function
        keeps its own name)."""
        return lambda wrapper: wrapper

    entries = dict(partial=functools.partial, lru_cache=functools.lru_cache, cache=functools.cache,
                   cmp_to_key=functools.cmp_to_key, reduce=named_as_builtin(reduce, functools.reduce),
                   wraps=wraps)
    return Namespace("functools", entries, doc="Python's functools: partial, reduce, lru_cache ...")


# itertools' iterators, and which of their arguments are iterables (nesting counted).
_ITERTOOLS = {
    "count": lambda args: (), "repeat": lambda args: (), "cycle": lambda args: args[:1],
    "chain": lambda args: args, "islice": lambda args: args[:1], "zip_longest": lambda args: args,
    "product": lambda args: args, "permutations": lambda args: args[:1],
    "combinations": lambda args: args[:1], "combinations_with_replacement": lambda args: args[:1],
    "accumulate": lambda args: args[:1], "starmap": lambda args: args[1:],
    "takewhile": lambda args: args[1:], "dropwhile": lambda args: args[1:],
    "filterfalse": lambda args: args[1:], "compress": lambda args: args, "pairwise": lambda args: args,
}


def itertools_namespace():
    entries = {name: iterator_builtin(getattr(itertools, name), sources)
               for name, sources in _ITERTOOLS.items() if hasattr(itertools, name)}
    return Namespace("itertools", entries, doc="Python's itertools, stepped where Ctrl-C reaches them.")


def collections_namespace():
    def namedtuple(typename, field_names, *, rename=False, defaults=None):
        """namedtuple(typename, field_names) -> a tuple class whose items also have names."""
        cls = collections.namedtuple(typename, field_names, rename=rename, defaults=defaults, module="__main__")
        allowlist.register_user_class(cls)
        return cls

    entries = dict(OrderedDict=collections.OrderedDict, defaultdict=collections.defaultdict,
                   Counter=collections.Counter, deque=collections.deque, namedtuple=namedtuple)
    return Namespace("collections", entries, doc="Python's collections: deque, Counter, OrderedDict ...")


_OPERATORS = """abs add and_ eq floordiv ge getitem gt index invert is_ is_not itemgetter le lt matmul
mod ne neg not_ or_ pos rshift setitem sub truediv truth xor""".split()


def operator_namespace():
    def mul(a, b, /):
        """mul(a, b) -- Same as a * b."""
        return checked_mul(a, b)

    def pow(a, b, /):
        """pow(a, b) -- Same as a ** b."""
        return checked_pow(a, b)

    def lshift(a, b, /):
        """lshift(a, b) -- Same as a << b."""
        return checked_lshift(a, b)

    def contains(a, b, /):
        """contains(a, b) -- Same as b in a (note reversed operands)."""
        return checked_contains(a, b)

    entries = {name: getattr(operator, name) for name in _OPERATORS}
    entries.update(mul=mul, pow=pow, lshift=lshift, contains=contains)
    return Namespace("operator", entries, doc="Python's operators as functions.")


def stdlib_modules():
    """{module name: Namespace} for a new session."""
    return {"random": random_namespace(), "functools": functools_namespace(),
            "itertools": itertools_namespace(), "collections": collections_namespace(),
            "operator": operator_namespace()}
