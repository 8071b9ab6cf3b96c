"""A Pygments lexer for the tensorsh language (``*.tsh`` scripts and the prompt).

Registered as the ``tensorsh`` lexer (pyproject.toml's ``pygments.lexers``
entry point), so ``pygmentize -l tensorsh demo.tsh``, ``pygmentize demo.tsh``
and editors that use Pygments highlight scripts the way the prompt does.

The lexer is total: any text, however broken or half typed (``x = rand(``,
an unterminated string), comes out as tokens that cover it exactly, never
as an exception.  One regular expression finds the tokens; a little state
(are we at the start of a statement? after a dot? inside brackets?) decides
what a name is:

  rand 5 3          a command head                 Name.Function
  x.add_(y)         an attribute                   Name.Attribute
  dtype=long        a dtype                        Keyword.Type
  torch, np         a namespace                    Name.Namespace
  help, vars, ...   a builtin                      Name.Builtin

It imports nothing of the shell or the engine, so highlighting a file costs
only Pygments.
"""
import keyword
import re

from pygments.lexer import Lexer
from pygments.token import (Comment, Keyword, Name, Number, Operator, Punctuation, String,
                            Text, Whitespace)

__all__ = ["TensorshLexer", "DTYPE_NAMES", "COMMAND_NAMES", "NAMESPACE_NAMES"]

DTYPE_NAMES = frozenset((
    "float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8",
    "double", "half", "long", "short", "complex64", "complex128",
))
# `float`, `int` and `bool` are Python's conversions as bare names; they are
# dtypes only after `dtype=` or `torch.`.
_DTYPE_WHEN_QUALIFIED = frozenset(("float", "int", "bool"))

COMMAND_NAMES = frozenset((
    "help", "vars", "graph", "explain", "time", "run", "save", "load", "reset", "tutorial",
    "exit", "backward", "plot",
))
NAMESPACE_NAMES = frozenset(("torch", "np", "numpy", "F", "nn", "math", "autograd", "cuda", "linalg"))

# The names a session starts with that a reader recognises at a glance; a
# lexer built for a live session adds the session's own (see ``builtins=``).
_KNOWN_BUILTINS = frozenset((
    # Python's harmless builtins
    "print", "len", "range", "enumerate", "zip", "sum", "min", "max", "abs", "round", "int",
    "float", "bool", "str", "list", "tuple", "dict", "sorted", "reversed", "any", "all", "map",
    "filter", "isinstance",
    # engine functions used by every tutorial
    "tensor", "rand", "randn", "randint", "zeros", "ones", "empty", "full", "arange", "linspace",
    "eye", "rand_like", "randn_like", "zeros_like", "ones_like", "empty_like", "full_like",
    "from_numpy", "as_tensor", "add", "sub", "mul", "div", "matmul", "mm", "pow", "exp", "log",
    "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "mean", "norm", "no_grad", "enable_grad",
    "set_grad_enabled", "manual_seed", "device", "is_tensor", "numel", "cat", "stack",
))

_PY_KEYWORDS = frozenset(keyword.kwlist)
_CONSTANTS = frozenset(("True", "False", "None"))
_WORD_OPERATORS = frozenset(("and", "or", "not", "in", "is"))

_STRING_BODY = (
    r"'''(?:\\.|[^\\])*?(?:'''|\Z)"
    r'|"""(?:\\.|[^\\])*?(?:"""|\Z)'
    r"|'(?:\\.|[^\\'\n])*(?:'|(?=\n)|\Z)"
    r'|"(?:\\.|[^\\"\n])*(?:"|(?=\n)|\Z)'
)
_TOKEN = re.compile(
    r"(?P<newline>\r?\n)"
    r"|(?P<space>[ \t\f]+|\\\r?\n)"
    r"|(?P<comment>\#[^\r\n]*)"
    rf"|(?P<string>(?:[rRbBuUfF]{{1,2}})?(?:{_STRING_BODY}))"
    r"|(?P<number>(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+"
    r"|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?[jJ]?))"
    r"|(?P<name>[^\W\d]\w*)"
    r"|(?P<ellipsis>\.\.\.)"
    r"|(?P<operator>\*\*=?|//=?|>>=?|<<=?|->|:=|[-+*/%@&|^<>!=]=|[-+*/%@&|^~<>=])"
    r"|(?P<punctuation>[()\[\]{},:;.])"
    r"|(?P<help>\?)"
    r"|(?P<other>.)",
    re.DOTALL,
)
# After a statement's first name: whitespace, then something that starts an
# argument (not an operator, not `and`/`or`/...): the command form.
_COMMAND_ARGUMENT = re.compile(
    r"[ \t]+(?!(?:and|or|not|in|is|if|else|for)\b)(?:[\w\"'(\[{?]|-[\w.(\[]|\.\d)")
_ASSIGNMENT = re.compile(r"[ \t]*=(?!=)")
_STRING_PREFIX = re.compile(r"[rRbBuUfF]{0,2}")


def _string_tokens(start, text):
    """A string literal as (offset, token, text): its prefix (`f`, `rb`...) and its body."""
    body_at = _STRING_PREFIX.match(text).end()
    body = text[body_at:]
    if body[:3] in ('"""', "'''"):
        kind = String.Doc
    else:
        kind = String.Double if body.startswith('"') else String.Single
    if body_at:
        yield start, String.Affix, text[:body_at]
    yield start + body_at, kind, body


class TensorshLexer(Lexer):
    """Highlights tensorsh: Python's expression syntax plus the command form."""

    name = "tensorsh"
    aliases = ["tensorsh", "tsh"]
    filenames = ["*.tsh"]
    mimetypes = ["text/x-tensorsh"]
    url = "https://github.com/tensorsh/tensorsh"

    def __init__(self, **options):
        """Options for a lexer serving a live session: ``builtins=`` (names) adds
        the session's builtins; ``is_value=`` (name -> bool) says a name holds a
        value, not a function, so `x [0]` is indexing rather than a command."""
        super().__init__(**options)
        self.builtin_names = _KNOWN_BUILTINS | frozenset(options.get("builtins") or ())
        self.is_value = options.get("is_value") or (lambda name: False)

    def get_tokens_unprocessed(self, text):
        depth = 0              # open brackets: a newline inside them does not end a statement
        # Where a command head may stand: "head" at a statement's start, "target"
        # after its first name when `=` follows (`x = zeros 5 3`), else None.
        head = "head"
        recent = ("", "")      # the last two significant tokens' texts
        for match in _TOKEN.finditer(text):
            kind = match.lastgroup
            value = match.group()
            start = match.start()
            if kind == "newline":
                if depth == 0:
                    head = "head"
                yield start, Whitespace, value
                continue
            if kind == "space":
                yield start, Whitespace, value
                continue
            if kind == "comment":
                yield start, Comment.Single, value
                continue

            state, head = head, None
            if kind == "name":
                token = self._classify(value, text, match.end(), state == "head", recent)
                if state == "head" and value not in _PY_KEYWORDS and _ASSIGNMENT.match(text, match.end()):
                    head = "target"
                yield start, token, value
            elif kind == "string":
                yield from _string_tokens(start, value)
            elif kind == "number":
                yield start, _number_token(value), value
            elif kind == "operator":
                if state == "target" and value == "=":
                    head = "head"
                yield start, Operator, value
            elif kind == "ellipsis":
                yield start, Keyword.Constant, value
            elif kind == "punctuation":
                if value in "([{":
                    depth += 1
                elif value in ")]}":
                    depth = max(0, depth - 1)
                elif value == ";" and depth == 0:
                    head = "head"
                yield start, Punctuation, value
            elif kind == "help":
                yield start, Operator, value
            else:
                yield start, Text, value
            recent = (recent[1], value)

    def _classify(self, name, text, end, at_head, recent):
        """The token type of a name, from the name and the tokens around it."""
        if recent[1] == ".":
            if recent[0] in NAMESPACE_NAMES:
                if name in DTYPE_NAMES or name in _DTYPE_WHEN_QUALIFIED:
                    return Keyword.Type       # torch.float, torch.long
                if name in self.builtin_names:
                    return Name.Builtin       # torch.zeros
            return Name.Attribute
        if name in _CONSTANTS:
            return Keyword.Constant
        if name in _WORD_OPERATORS:
            return Operator.Word
        if name in _PY_KEYWORDS:
            return Keyword
        if at_head and _COMMAND_ARGUMENT.match(text, end) and not self.is_value(name):
            return Name.Function
        if name in DTYPE_NAMES or (name in _DTYPE_WHEN_QUALIFIED and recent == ("dtype", "=")):
            return Keyword.Type
        if name in NAMESPACE_NAMES:
            return Name.Namespace
        if name in COMMAND_NAMES or name in self.builtin_names:
            return Name.Builtin
        return Name


def _number_token(text):
    lowered = text.lower()
    if lowered.startswith("0x"):
        return Number.Hex
    if lowered.startswith("0o"):
        return Number.Oct
    if lowered.startswith("0b"):
        return Number.Bin
    if lowered.endswith("j") or "." in lowered or "e" in lowered:
        return Number.Float
    return Number.Integer
