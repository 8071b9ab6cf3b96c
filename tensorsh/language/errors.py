"""The shell's one user-visible error type, and small shared helpers.

Every error a user sees is a TshError: a message plus where it happened
(file, 1-based line, 0-based character columns of the span, the source
line).  Rendering lives in display.py.
"""

# What an internal error (a bug in tensorsh, not in the user's code) tells the user to do.
REPORT_NOTE = ("this is a bug in tensorsh; please report it with this message and the "
               "Python traceback that running again with --debug shows")


class TshError(Exception):
    """An error in the user's code, pointing at its source."""

    kind = "error"

    def __init__(self, message, filename=None, line=None, col=None,
                 end_col=None, source_line=None, *, hint=None, internal=False):
        super().__init__(message)
        self.message = message
        self.filename = filename
        self.line = line            # 1-based
        self.col = col              # 0-based, in characters
        self.end_col = end_col      # 0-based, exclusive; on the same line
        self.source_line = source_line
        self.hint = hint
        self.internal = internal
        self.python_exception = None   # the original exception, for --debug
        # The user calls that led here when it happened inside a function, outermost
        # first; the last is where it happened (CallFrame).  Empty at the top level.
        self.calls = []

    def __str__(self):
        return self.message

    @property
    def located(self):
        return self.line is not None


class CallFrame:
    """One step of the chain of user calls that led to an error: a line of the
    user's code (file, line number, its text) and the function it is in
    (None at the top level)."""

    __slots__ = ("filename", "line", "source_line", "function")

    def __init__(self, filename, line, source_line, function=None):
        self.filename = filename
        self.line = line
        self.source_line = source_line
        self.function = function

    def place(self):
        """What a traceback line says of it: `t.tsh:4, in f`."""
        return f"{self.filename}:{self.line}, in {self.function or '<module>'}"


class TshSyntaxError(TshError):
    """Found before anything runs."""


class UserError(Exception):
    """Raised by builtins for a mistake in how they were used.

    Carries no location; the interpreter adds the call's location.
    """


class ExitRequest(BaseException):
    """`exit [code]`: not an error, so it is a BaseException."""

    def __init__(self, code=0):
        super().__init__(code)
        self.code = code


_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "kib": 1024,
          "m": 1024 ** 2, "mb": 1024 ** 2, "mib": 1024 ** 2,
          "g": 1024 ** 3, "gb": 1024 ** 3, "gib": 1024 ** 3,
          "t": 1024 ** 4, "tb": 1024 ** 4, "tib": 1024 ** 4}


MAX_SIZE = 1024 ** 6       # 1 EiB: any larger "limit" is a typo, and would overflow C's long


def parse_size(text):
    """'2G', '512M', '1.5GiB', '1000000' -> bytes (int), from 1 byte to MAX_SIZE;
    ValueError if not."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return _checked_size(text, text)
    s = str(text).strip().lower().replace(" ", "")
    i = len(s)
    while i and s[i - 1].isalpha():
        i -= 1
    number, unit = s[:i], s[i:]
    try:
        value = float(number)
    except ValueError:
        raise ValueError(f"not a size: {text!r} (write e.g. 2G, 512M or a number of bytes)") from None
    if unit not in _UNITS:
        raise ValueError(f"unknown size unit {unit!r} in {text!r} (use K, M, G or T)")
    return _checked_size(value * _UNITS[unit], text)


def _checked_size(nbytes, text):
    if not nbytes > 0:          # also NaN
        raise ValueError("a memory limit must be positive")
    if nbytes > MAX_SIZE:       # also infinity
        raise ValueError(f"a memory limit of {text!r} is too large (at most {format_size(MAX_SIZE)})")
    if nbytes < 1:
        raise ValueError(f"a memory limit of {text!r} is less than one byte")
    return int(nbytes)


def format_size(nbytes):
    """bytes -> '74.5 GiB' (binary units, as numpy's allocation errors use)."""
    n = float(nbytes)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if n < 1024 or unit == "EiB":
            if unit == "bytes":
                return f"{int(n)} bytes"
            return f"{n:.3g} {unit}" if n < 100 else f"{n:.0f} {unit}"
        n /= 1024
    return f"{n:.3g} EiB"
