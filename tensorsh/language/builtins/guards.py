"""The guards on Python's own operations, which can ask for more memory or
time than any tensor and run in C where Ctrl-C is never seen: integer sizes
(`10 ** 10 ** 9`), repetitions (`[0] * 10 ** 12`), iterators stepped from
Python code, consumers fed one item at a time, and nesting capped before C
recursion overflows its stack.  Also the session's default memory limit.
"""
import collections
import math
import os
import sys

from .. import safe_numpy
from ..errors import UserError, parse_size

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


def _check_repetition(a, b):
    """a * b where one of them is a str, bytes, list or tuple."""
    if a.__class__ in _REPEATED:
        _check_repeat(a, b)
    else:
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
# The commonest operands are looked at by their classes alone: two integers by their
# sizes, and a float, a tensor or an array with no further call.
def _check_product(a, b):
    ca, cb = a.__class__, b.__class__
    if ca is int and cb is int:
        if a.bit_length() + b.bit_length() > MAX_INT_BITS:
            _refuse_int(a.bit_length() + b.bit_length(), "this product")
    elif ca in _REPEATED or cb in _REPEATED:
        _check_repetition(a, b)


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


def int_result_checked(fn, bits_of, limit=MAX_INT_BITS):
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


def log2_factorial(n):
    return math.lgamma(int(n) + 1) / math.log(2) if n > 1 else 0


def log2_comb(n, k):
    n, k = int(n), int(k)
    if not 0 <= k <= n:
        return 0
    return log2_factorial(n) - log2_factorial(k) - log2_factorial(n - k)


def log2_perm(n, k=None):
    n = int(n)
    k = n if k is None else int(k)
    return log2_factorial(n) - log2_factorial(n - k) if 0 <= k <= n else 0


def checked_prod(iterable, /, *, start=1):
    """math.prod as a loop of checked products (Ctrl-C stops it; no huge integers)."""
    result = start
    for v in iterable:
        result = checked_mul(result, v)
    return result


def checked_lcm(*integers):
    result = 1
    for v in integers:
        if result.__class__ is int and v.__class__ is int \
                and result.bit_length() + v.bit_length() > MAX_INT_BITS:
            _refuse_int(result.bit_length() + v.bit_length(), "this lcm")
        result = math.lcm(result, v)
    return result


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


def iterator_builtin(real, sources_of=lambda args: args):
    """The language's version of the builtin `real`: the same arguments and errors,
    stepped from Python; sources_of(args) are the iterables it reads from."""
    import functools

    @functools.wraps(real)
    def builtin(*args, **kwargs):
        return LanguageIterator(real(*args, **kwargs), sources_of(args))
    return builtin


def checked_filter(function, iterable, /):
    return FilterIterator(function, iterable)


def checked_fsum(iterable, /):
    return math.fsum(reachable(iterable))


def named_as_builtin(fn, real):
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
CONSUMERS = ("sum", "min", "max", "any", "all", "sorted")


def interruptible_consumer(fn):
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
    if args and not (args[0].__class__ is range and (cls is list or cls is tuple)):
        args = (reachable(args[0]),) + tuple(args[1:])       # deque(iterable, maxlen) too
    made = cls(*args, **kwargs)
    return checked_tuple(made) if cls is tuple else made


# The language calls these through `construct` (compiler and interpreter call sites):
# the names stay Python's types, so isinstance(x, list) and list.append work.
CONSUMING_TYPES = frozenset((list, tuple, set, frozenset, dict, collections.Counter, collections.deque,
                             collections.OrderedDict))


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


def checked_slice(*args):
    check_slice_parts(args)
    return slice(*args)


def checked_hash(obj, /):
    """hash(obj), refusing what would overflow the C stack."""
    if obj.__class__ is tuple:
        check_tuple_nesting(obj)
    return hash(obj)


# ---------------------------------------------------------------- the memory limit

def default_memory_limit():
    """A session's memory limit unless it is given one: TENSORSH_MEMORY_LIMIT when set
    (none, off or 0: no limit), else half the machine's memory, at least 256 MiB
    (8 GiB where the machine's memory cannot be read)."""
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
