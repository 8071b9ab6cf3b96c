"""Source text -> syntax tree, with the command form and exact columns.

Python's own tokenizer and parser do the work.  One pass over the tokens
rewrites the shell's conveniences into Python before parsing:

  rand 5 3            ->  rand(5,3)          (only the `)` is new)
  x = zeros 5 dtype=long
  ?add                ->  help(add)
  time x.sum()        ->  x.sum()            (the statement is marked as timed)
  x.sum();            ->  x.sum();           (the statement is marked as hidden)

Every edit is recorded per line, and after parsing every node's columns are
mapped back to the text the user typed (and from UTF-8 bytes to
characters), so error carets point at what is on the screen.

After parsing, the tree is checked against a whitelist of node types and
the naming rules (no `_`-prefixed names or attributes, imports only of the
shell's namespaces).  Nothing here evaluates anything.
"""
import ast
import io
import keyword
import tokenize

from .allowlist import PROTOCOL_METHODS
from .errors import TshSyntaxError

_NAME, _OP, _NUMBER, _STRING = tokenize.NAME, tokenize.OP, tokenize.NUMBER, tokenize.STRING
_NEWLINE, _NL, _COMMENT = tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT
_INDENT, _DEDENT, _END, _ERROR = tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER, tokenize.ERRORTOKEN

KEYWORDS = frozenset(keyword.kwlist)
_VALUE_KEYWORDS = frozenset(("True", "False", "None"))
_COMPOUND = frozenset(("if", "elif", "else", "while", "for", "with", "def",
                       "try", "except", "finally", "class", "async"))
_BLOCK_STARTERS = frozenset(("if", "while", "for", "with", "def", "try",
                             "class", "async", "match"))
# `match x:` and `case 1:` would read as commands (`match(x):`); said to be unsupported instead.
_SOFT_KEYWORD_BLOCKS = frozenset(("match", "case"))
_OPEN, _CLOSE = "([{", ")]}"
# Python 3.12 tokenizes f-strings into parts; 3.11 as one STRING.
_FSTRING_START = getattr(tokenize, "FSTRING_START", -1)
_FSTRING_END = getattr(tokenize, "FSTRING_END", -1)

# The modules a script may import; each maps to a namespace of the shell.
IMPORTABLE = ("torch", "torch.nn", "torch.nn.functional", "torch.nn.init", "torch.optim", "torch.optim.lr_scheduler",
              "torch.special", "torch.fft", "torch.random", "torch.autograd",
              "torch.autograd.function", "torch.autograd.functional", "torch.autograd.graph", "torch.autograd.forward_ad",
              "torch.autograd.grad_mode", "torch.accelerator", "torch.cuda", "torch.linalg", "numpy", "numpy.fft",
              "math", "random", "functools", "itertools", "collections", "operator", "sys", "engine")

# ast node types the evaluator understands; anything else is refused before
# the program runs.
_ALLOWED = frozenset(getattr(ast, n) for n in (
    "Module", "Interactive", "Expression",
    # statements
    "Expr", "Assign", "AugAssign", "Delete", "If", "While", "For", "Break",
    "Continue", "Pass", "With", "withitem", "FunctionDef", "ClassDef", "Return",
    "Import", "ImportFrom", "alias", "Assert",
    "arguments", "arg", "keyword",
    # expressions
    "Constant", "Name", "Attribute", "Subscript", "Slice", "Starred",
    "BinOp", "UnaryOp", "BoolOp", "Compare", "IfExp", "Call", "Lambda",
    "List", "Tuple", "Dict", "Set", "ListComp", "SetComp", "DictComp",
    "GeneratorExp", "comprehension", "JoinedStr", "FormattedValue",
    "NamedExpr",
    # contexts and operators
    "Load", "Store", "Del",
    "Add", "Sub", "Mult", "MatMult", "Div", "FloorDiv", "Mod", "Pow",
    "LShift", "RShift", "BitOr", "BitXor", "BitAnd",
    "UAdd", "USub", "Not", "Invert", "And", "Or",
    "Eq", "NotEq", "Lt", "LtE", "Gt", "GtE", "Is", "IsNot", "In", "NotIn",
))

_UNSUPPORTED_WORDS = {
    ast.Try: "`try` statements are",
    ast.Raise: "`raise` is", ast.Global: "`global` is", ast.Nonlocal: "`nonlocal` is",
    ast.AsyncFunctionDef: "`async def` is", ast.AsyncFor: "`async for` is",
    ast.AsyncWith: "`async with` is", ast.Await: "`await` is", ast.Yield: "`yield` is",
    ast.YieldFrom: "`yield from` is", ast.AnnAssign: "annotated assignments are",
    ast.Match: "`match` statements are",
}
if hasattr(ast, "TryStar"):
    _UNSUPPORTED_WORDS[ast.TryStar] = "`try` statements are"


# The one `__`-name a script may read: `if __name__ == "__main__":` guards the
# main part of many programs.
READABLE_DUNDER_NAMES = frozenset(("__name__",))

# Flags the token pass sets on statements: hidden by a trailing `;`, timed
# by `time`.  Class-level defaults keep the evaluator's check cheap.
ast.stmt.tsh_hidden = False
ast.stmt.tsh_timed = False


class MaybeCommand(ast.expr):
    """`f [1, 2]` or `f -1`: Python reads indexing or subtraction, the shell a
    command.  Decided when it runs: a command if `name` holds a function."""
    _fields = ("python", "name", "args")


class Program:
    """A parsed script or input: statements plus what the token pass marked."""

    __slots__ = ("body", "filename", "lines", "hidden", "timed")

    def __init__(self, body, filename, lines, hidden, timed):
        self.body = body
        self.filename = filename
        self.lines = lines          # the source as typed, for error display
        self.hidden = hidden        # {(line, col)} of statements ending in `;`
        self.timed = timed          # {(line, col)} of statements after `time`


def source_lines(source):
    return source.split("\n")


# ---------------------------------------------------------------- token pass

class _Edits:
    """Per-line edits (col, removed, inserted) and the map back to the input."""

    def __init__(self):
        self.by_line = {}

    def add(self, line, col, removed, text):
        self.by_line.setdefault(line, []).append((col, removed, text))

    def apply(self, lines):
        out = list(lines)
        for ln, edits in self.by_line.items():
            edits.sort(key=lambda e: e[0])
            s = out[ln - 1]
            parts, pos = [], 0
            for col, removed, text in edits:
                parts.append(s[pos:col])
                parts.append(text)
                pos = col + removed
            parts.append(s[pos:])
            out[ln - 1] = "".join(parts)
        return out

    def to_original(self, line, col):
        """A column in the rewritten line -> the column in the typed line."""
        edits = self.by_line.get(line)
        if not edits:
            return col
        shift = 0   # rewritten minus original, before the current edit
        for ecol, removed, text in edits:
            start = ecol + shift
            if col < start:
                break
            if col < start + len(text):
                return ecol
            if col == start + len(text) and removed == 0 and text:
                return ecol
            shift += len(text) - removed
        return col - shift


def _tokens(source):
    toks = []
    for t in tokenize.generate_tokens(io.StringIO(source).readline):
        if t.type in (_NL, _COMMENT):
            continue
        if t.type == _ERROR and t.string.isspace():
            continue
        toks.append(t)
    return toks


def _is_atom_start(t):
    if t.type == _NAME:
        return t.string not in KEYWORDS or t.string in _VALUE_KEYWORDS
    if t.type in (_NUMBER, _STRING, _FSTRING_START):
        return True
    return t.type == _OP and (t.string in _OPEN or t.string == "...")


def _is_end(t):
    return t.type in (_NEWLINE, _END, _DEDENT, _INDENT) or (t.type == _OP and t.string == ";")


class _Rewriter:
    def __init__(self, source, filename):
        self.source = source
        self.filename = filename
        self.lines = source_lines(source)
        # `?name` is not Python: tokenize a `~` in its place (same width).
        self.qmarks = set()
        tok_lines = []
        for n, line in enumerate(self.lines, 1):
            stripped = line.lstrip()
            if stripped.startswith("?"):
                col = len(line) - len(stripped)
                self.qmarks.add((n, col))
                line = line[:col] + "~" + line[col + 1:]
            tok_lines.append(line)
        self.toks = _tokens("\n".join(tok_lines) if self.qmarks else source)
        self.match = {}
        stack = []
        for i, t in enumerate(self.toks):
            if t.type == _OP:
                if t.string in _OPEN:
                    stack.append(i)
                elif t.string in _CLOSE and stack:
                    self.match[stack.pop()] = i
        self.edits = _Edits()
        self.hidden = set()
        self.timed = set()
        self.maybe = set()
        self.stmt_start = None

    # -- helpers
    def text(self, start, end):
        (l1, c1), (l2, c2) = start, end
        if l1 == l2:
            return self.lines[l1 - 1][c1:c2]
        parts = [self.lines[l1 - 1][c1:]] + self.lines[l1:l2 - 1] + [self.lines[l2 - 1][:c2]]
        return "\n".join(parts)

    def error(self, message, tok, end_tok=None):
        line, col = tok.start
        end = (end_tok or tok).end
        end_col = end[1] if end[0] == line else len(self.lines[line - 1])
        return TshSyntaxError(message, self.filename, line, col, max(end_col, col + 1),
                              self.lines[line - 1])

    def scan_primary(self, j):
        """Index just past the primary starting at token j, or None."""
        toks = self.toks
        t = toks[j]
        if t.type == _OP and t.string == "-":
            nxt = toks[j + 1]
            if nxt.start != t.end or not _is_atom_start(nxt):
                return None
            j += 1
            t = nxt
        if not _is_atom_start(t):
            return None
        if t.type == _OP and t.string in _OPEN:
            if j not in self.match:
                return None
            j = self.match[j] + 1
        elif t.type == _FSTRING_START:
            nest = 0
            while True:
                if toks[j].type == _FSTRING_START:
                    nest += 1
                elif toks[j].type == _FSTRING_END:
                    nest -= 1
                    if nest == 0:
                        break
                elif toks[j].type in (_END, _NEWLINE):
                    return None
                j += 1
            j += 1
        else:
            j += 1
        while True:
            t, prev = toks[j], toks[j - 1]
            if t.start != prev.end:
                return j
            if t.type == _OP and t.string == "." and toks[j + 1].type == _NAME:
                j += 2
            elif t.type == _OP and t.string in "([" and j in self.match:
                j = self.match[j] + 1
            elif t.type == _STRING and prev.type == _STRING:
                j += 1
            elif t.type == _FSTRING_START:
                e = self.scan_primary(j)
                if e is None:
                    return j
                j = e
            else:
                return j

    # -- the pass
    def run(self):
        toks = self.toks
        n = len(toks)
        i = 0
        at_start = True
        header = False
        colon_seen = False
        depth = 0
        while i < n:
            t = toks[i]
            if t.type in (_NEWLINE, _INDENT, _DEDENT, _END):
                at_start, header, colon_seen = True, False, False
                i += 1
                continue
            if at_start and depth == 0:
                at_start = False
                header = t.type == _NAME and t.string in _COMPOUND
                i = self.statement(i)
                continue
            if t.type == _OP:
                s = t.string
                if s in _OPEN:
                    depth += 1
                elif s in _CLOSE:
                    depth = max(0, depth - 1)
                elif depth == 0 and s == ";":
                    at_start = True
                    if i + 1 < n and toks[i + 1].type in (_NEWLINE, _END) and self.stmt_start:
                        self.hidden.add(self.stmt_start)
                elif depth == 0 and s == ":" and header and not colon_seen:
                    colon_seen = True
                    at_start = True
            i += 1
        return self.edits.apply(self.lines)

    def statement(self, i):
        """Handle the statement starting at token i; return where to go on."""
        toks = self.toks
        t = toks[i]
        self.stmt_start = t.start
        # `?name` -> help(name)
        if t.type == _OP and t.string == "~" and t.start in self.qmarks:
            j = i + 1
            while not _is_end(toks[j]):
                j += 1
            self.edits.add(t.start[0], t.start[1], 1, "help(")
            last = toks[j - 1] if j - 1 > i else t
            self.edits.add(last.end[0], last.end[1], 0, ")")
            return j
        # `time STATEMENT`
        if t.type == _NAME and t.string == "time":
            nxt = toks[i + 1]
            if (nxt.start[0] == t.end[0] and nxt.start[1] > t.end[1]
                    and (nxt.type in (_NAME, _NUMBER, _STRING)
                         or (nxt.type == _OP and nxt.string in "[{"))):
                self.edits.add(t.start[0], t.start[1], nxt.start[1] - t.start[1], "")
                self.timed.add(nxt.start)
                return self.statement(i + 1)
        if t.type == _NAME and t.string in _SOFT_KEYWORD_BLOCKS and self.ends_with_colon(i):
            raise self.error(f"`{t.string}` statements are not supported in tensorsh (use `if`/`elif`)", t)
        # NAME = NAME = ... then maybe a command
        j = i
        while (toks[j].type == _NAME and toks[j].string not in KEYWORDS
               and toks[j + 1].type == _OP and toks[j + 1].string == "="):
            j += 2
        self.command(j)
        return i + 1

    def ends_with_colon(self, i):
        """Whether the logical line starting at token i ends with `:` (a block header)."""
        toks = self.toks
        j = i
        while toks[j].type not in (_NEWLINE, _END):
            j += 1
        return j > i and toks[j - 1].type == _OP and toks[j - 1].string == ":"

    def command(self, i):
        """Rewrite the command at token i (`f x y` -> `f(x, y)`) when it is one."""
        toks = self.toks
        name = toks[i]
        if name.type != _NAME or name.string in KEYWORDS:
            return
        j = self.last_name_token(i)
        name_end = toks[j].end
        first = toks[j + 1]
        if first.start[0] != name_end[0] or first.start[1] <= name_end[1]:
            return
        ambiguous = first.type == _OP and first.string in "([-"
        if first.type == _OP and first.string == "[" and self.match.get(j + 1) == j + 2:
            ambiguous = False       # `tensor []`: Python has no reading for it
        if not (_is_atom_start(first) or (first.type == _OP and first.string == "-")):
            return
        args, stop = self.command_arguments(j + 1)
        if not args:
            return
        if ambiguous:
            if len(args) == 1:
                if stop is None and first.string in "[-" and j == i:
                    self.maybe.add(name.start)
                return
            second = toks[args[1][0]]
            if second.type == _OP and second.string in "([":
                return      # `x [0] [1]`: Python's trailers
        if stop is not None:
            raise self.operator_error(self.text(name.start, name_end), args, stop)
        self.rewrite_as_call(name_end, args)

    def last_name_token(self, i):
        """The last token of the name starting at i: a dotted name (torch.rand,
        x.add_) is a command name too."""
        toks = self.toks
        j = i
        while (toks[j + 1].type == _OP and toks[j + 1].string == "." and toks[j + 1].start == toks[j].end
               and toks[j + 2].type == _NAME and toks[j + 2].start == toks[j + 1].end):
            j += 2
        return j

    def command_arguments(self, k):
        """The arguments from token k -> ([(first token index, end index)], stop),
        stop being the token that ended them when it is not an end of statement."""
        toks = self.toks
        args = []
        while True:
            t = toks[k]
            if _is_end(t):
                return args, None
            if args and t.start == toks[k - 1].end:
                return args, k
            v = k
            if (t.type == _NAME and t.string not in KEYWORDS and toks[k + 1].type == _OP
                    and toks[k + 1].string == "=" and toks[k + 1].start == t.end
                    and toks[k + 2].start == toks[k + 1].end):
                v = k + 2
            e = self.scan_primary(v)
            if e is None:
                return args, k
            args.append((k, e))
            k = e

    def rewrite_as_call(self, name_end, args):
        """The gap after the name becomes `(`, each gap between arguments a `,`,
        and a `)` follows the last argument."""
        toks = self.toks
        prev_end = name_end
        for n_arg, (a, _) in enumerate(args):
            start = toks[a].start
            ch = "(" if n_arg == 0 else ","
            if start[0] == prev_end[0]:
                self.edits.add(prev_end[0], prev_end[1], 1, ch)
            else:
                self.edits.add(prev_end[0], prev_end[1], 0, ch)
            prev_end = toks[args[n_arg][1] - 1].end
        self.edits.add(prev_end[0], prev_end[1], 0, ")")

    def operator_error(self, cmd, args, stop):
        toks = self.toks
        bad = toks[stop]
        end = stop
        while not _is_end(toks[end]):
            end += 1
        texts = [self.text(toks[a].start, toks[e - 1].end) for a, e in args]
        rest = self.text(bad.start, toks[end - 1].end).strip()
        before_gap = self.text(toks[args[-1][1] - 1].end, bad.start)
        if bad.type == _OP and bad.string == ",":
            more = " ".join(p.strip() for p in rest.lstrip(",").split(",") if p.strip())
            spelled = " ".join([cmd] + texts + ([more] if more else []))
            call = f"{cmd}(" + ", ".join(texts + ([p.strip() for p in rest.lstrip(",").split(",") if p.strip()])) + ")"
            return self.error(
                f"the arguments of a command are separated by spaces, not commas: "
                f"write `{spelled}` or `{call}`", bad)
        if bad.type == _OP and bad.string == "=":
            return self.error(
                f"a keyword argument is written without spaces around `=`: "
                f"write `{texts[-1]}=...`", bad)
        if bad.type in (_OP, _NAME) or bad.string:
            call = f"{cmd}(" + ", ".join(texts) + ")"
            spelling_a = f"{call} {rest}"
            if bad.type == _NAME:       # a keyword such as `if`, `for`, `and`
                spelling_a = f"{cmd}(" + ", ".join(texts[:-1] + [texts[-1] + before_gap + rest]) + ")"
            last = texts[-1]
            spelling_b = " ".join([cmd] + texts[:-1] + [f"({last}{before_gap}{rest})"])
            what = "an operator" if bad.type == _OP else f"`{bad.string}`"
            if bad.type == _NAME and len(texts) == 1:
                return self.error(f"{what} after the argument of command `{cmd}`: write `{spelling_a}`", bad)
            return self.error(
                f"{what} between the arguments of command `{cmd}`: "
                f"write `{spelling_a}` or `{spelling_b}`", bad)
        return self.error("invalid syntax", bad)


# --------------------------------------------------------------- parse

def parse(source, filename="<input>", python_rules=False):
    """Source text -> Program.  Raises TshSyntaxError; runs nothing.

    The display rule is settled here, by marking expression statements hidden:
    only a top-level one shows its value (as in Jupyter), and with
    python_rules (a `.py` file, run as `python FILE.py` would) none does."""
    if "\r" in source:
        source = source.replace("\r\n", "\n").replace("\r", "\n")
    lines = source_lines(source)
    try:
        rw = _Rewriter(source, filename)
        new_lines = rw.run()
    except TshSyntaxError:
        raise
    except (tokenize.TokenError, SyntaxError, IndexError):
        # Python's own parser gives the better message for broken text.
        rw = None
        new_lines = lines
    new_source = "\n".join(new_lines)
    try:
        tree = ast.parse(new_source, filename)
    except SyntaxError as e:
        raise _from_python_syntax_error(e, rw, filename, lines) from None
    except (RecursionError, MemoryError, ValueError) as e:
        msg = "too deeply nested" if isinstance(e, (RecursionError, MemoryError)) else str(e)
        raise TshSyntaxError(msg, filename, 1, 0, 1, lines[0] if lines else "") from None
    if rw is None:
        raise TshSyntaxError("invalid syntax", filename, 1, 0, 1, lines[0] if lines else "")
    _fix_positions(tree, rw.edits, new_lines)
    if rw.maybe:
        tree = _MaybeCommands(rw.maybe).visit(tree)
    _check(tree, filename, lines)
    _hide_values_in_blocks(tree.body, python_rules)
    if rw.hidden or rw.timed:
        for node in ast.walk(tree):
            if isinstance(node, ast.stmt):
                key = (node.lineno, node.col_offset)
                if key in rw.hidden:
                    node.tsh_hidden = True
                if key in rw.timed:
                    node.tsh_timed = True
    return Program(tree.body, filename, lines, rw.hidden, rw.timed)


def _hide_values_in_blocks(body, python_rules):
    """Mark the expression statements whose value is not shown: those inside a
    block (`for`, `while`, `if`, `with`, `def`), so `w.grad.zero_()` in a
    training loop prints nothing, and with python_rules every one."""
    for stmt in body:
        if stmt.__class__ is ast.Expr:
            if python_rules:
                stmt.tsh_hidden = True
            continue
        if not hasattr(stmt, "body"):
            continue            # a simple statement holds no statements
        for node in ast.walk(stmt):
            if node.__class__ is ast.Expr:
                node.tsh_hidden = True


# The commands that take a file name first, and the suffixes of the files they take.
_FILE_COMMANDS = frozenset(("run", "save", "load"))
_FILE_SUFFIXES = frozenset(("tsh", "py", "npz", "txt", "dot", "gv"))


def _hint_unquoted_file_name(call):
    """`run ok.tsh` reads `ok.tsh` as the attribute `tsh` of a variable `ok`: the
    error that follows (`ok` is not defined, or has no attribute `tsh`) gets a hint
    that file names are strings."""
    func, args = call.func, call.args
    if not (func.__class__ is ast.Name and func.id in _FILE_COMMANDS and args):
        return
    first = args[0]
    if not (first.__class__ is ast.Attribute and first.value.__class__ is ast.Name
            and first.attr in _FILE_SUFFIXES):
        return
    file_name = f"{first.value.id}.{first.attr}"
    hint = f'file names are strings: {func.id} "{file_name}"'
    first.tsh_hint = first.value.tsh_hint = hint


def _from_python_syntax_error(e, rw, filename, lines):
    line = e.lineno or 1
    if line > len(lines):
        line = len(lines)
    col = (e.offset or 1) - 1
    end = (e.end_offset or 0) - 1
    if rw is not None:
        col = rw.edits.to_original(line, col)
        if end > 0:
            end = rw.edits.to_original(line, end)
    src = lines[line - 1] if 0 < line <= len(lines) else ""
    col = max(0, min(col, len(src)))
    if e.end_lineno not in (None, line) or end <= col:
        end = col + 1
    msg = e.msg
    if msg in ("unexpected indent", "unindent does not match any outer indentation level"):
        col = len(src) - len(src.lstrip())
        end = col + 1
    if msg.startswith("invalid syntax. Perhaps you forgot a comma"):
        msg = "invalid syntax (a missing comma or operator?)"
    return TshSyntaxError(msg, filename, line, col, end, src)


def _char_col(line_text, byte_col, is_ascii):
    if is_ascii:
        return byte_col
    return len(line_text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))


def _fix_positions(tree, edits, new_lines):
    """ast columns are UTF-8 byte offsets into the rewritten text; make them
    character offsets into the text as typed."""
    ascii_ok = [ln.isascii() for ln in new_lines]
    by_line = edits.by_line
    if not by_line and all(ascii_ok):
        return
    to_original = edits.to_original
    for node in ast.walk(tree):
        if "col_offset" not in node._attributes:
            continue
        ln = node.lineno
        if ln is None:
            continue
        if not ascii_ok[ln - 1] or ln in by_line:
            c = _char_col(new_lines[ln - 1], node.col_offset, ascii_ok[ln - 1])
            node.col_offset = to_original(ln, c)
        eln = node.end_lineno
        if eln is not None and (not ascii_ok[eln - 1] or eln in by_line):
            c = _char_col(new_lines[eln - 1], node.end_col_offset, ascii_ok[eln - 1])
            node.end_col_offset = to_original(eln, c)


class _MaybeCommands(ast.NodeTransformer):
    def __init__(self, positions):
        self.positions = positions

    def _wrap(self, node, name):
        if (isinstance(name, ast.Name) and (name.lineno, name.col_offset) in self.positions):
            if isinstance(node, ast.Subscript):
                sl = node.slice
                args = list(sl.elts) if isinstance(sl, ast.Tuple) else [sl]
                new = MaybeCommand(python=node, name=name, args=[ast.List(elts=args, ctx=ast.Load())])
            else:
                arg = ast.UnaryOp(op=ast.USub(), operand=node.right)
                new = MaybeCommand(python=node, name=name, args=[arg])
            for a in new.args:
                ast.copy_location(a, node)
            return ast.copy_location(new, node)
        return node

    def visit_Subscript(self, node):
        self.generic_visit(node)
        return self._wrap(node, node.value)

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Sub):
            return self._wrap(node, node.left)
        return node


# -------------------------------------------------------------- the checks

def _check(tree, filename, lines):
    def fail(node, message):
        line = getattr(node, "lineno", 1) or 1
        col = getattr(node, "col_offset", 0) or 0
        end_line = getattr(node, "end_lineno", line)
        src = lines[line - 1] if line <= len(lines) else ""
        end = node.end_col_offset if end_line == line and getattr(node, "end_col_offset", None) else len(src)
        if isinstance(node, (ast.stmt,)) and end_line != line:
            end = len(src.rstrip())
        return TshSyntaxError(message, filename, line, col, max(end, col + 1), src)

    def bad_name(node, name, what):
        if name and name.startswith("_") and name != "_":
            raise fail(node, f"{what} starting with '_' are not available in tensorsh: {name!r}")

    methods = set()     # ids of the functions defined right in a class body (ast.walk meets a class first)
    for node in ast.walk(tree):
        tp = type(node)
        if tp not in _ALLOWED and tp is not MaybeCommand:
            what = _UNSUPPORTED_WORDS.get(tp, f"this kind of syntax ({tp.__name__}) is")
            raise fail(node, f"{what} not supported in tensorsh")
        if tp is ast.Name:
            if not (node.id in READABLE_DUNDER_NAMES and node.ctx.__class__ is ast.Load):
                bad_name(node, node.id, "names")
        elif tp is ast.Attribute:
            if node.attr.startswith("_") and node.attr not in PROTOCOL_METHODS:
                raise fail(node, f"attributes starting with '_' are not available in tensorsh: {node.attr!r}")
        elif tp is ast.FunctionDef:
            if not (id(node) in methods and node.name in PROTOCOL_METHODS):
                bad_name(node, node.name, "names")
        elif tp is ast.ClassDef:
            _check_class(node, fail, bad_name)
            methods.update(id(s) for s in node.body if type(s) is ast.FunctionDef)
        elif tp is ast.arg:
            bad_name(node, node.arg, "names")
        elif tp is ast.keyword:
            if node.arg is not None:
                bad_name(node, node.arg, "keyword arguments")
        elif tp is ast.alias:
            if node.asname:
                bad_name(node, node.asname, "names")
        elif tp is ast.Import:
            for a in node.names:
                if a.name not in IMPORTABLE:
                    raise fail(node, _import_message(a.name))
        elif tp is ast.Call:
            _hint_unquoted_file_name(node)
        elif tp is ast.ImportFrom:
            mod = node.module or ""
            if node.level:
                raise fail(node, "relative imports are not supported in tensorsh")
            if mod == "__future__":
                continue
            if mod not in IMPORTABLE:
                raise fail(node, _import_message(mod))
            for a in node.names:
                if a.name == "*":
                    raise fail(node, "`from ... import *` is not supported in tensorsh; import the names you need")
                bad_name(node, a.name, "names")


# What a class body may hold: methods, class attributes, a docstring, `pass`.
_CLASS_BODY = (ast.FunctionDef, ast.Assign, ast.Expr, ast.Pass)


def _check_class(node, fail, bad_name):
    """A class statement: a public name, bases without keywords (no `metaclass=`),
    a body of methods and class attributes (named publicly; a method may also be one
    of the protocol methods)."""
    bad_name(node, node.name, "names")
    if node.keywords:
        raise fail(node.keywords[0], "class keywords (such as `metaclass=`) are not supported in tensorsh")
    for stmt in node.body:
        if not isinstance(stmt, _CLASS_BODY):
            raise fail(stmt, "a class body holds methods, class attributes and a docstring in tensorsh; "
                             "put other code in a method or outside the class")
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if type(target) is not ast.Name:
                    raise fail(target, "a class attribute is assigned by name (`scale = 2`) in tensorsh")


def _import_message(name):
    return (f"no module named {name!r} in tensorsh; available: "
            + ", ".join(IMPORTABLE[:-1]))


# --------------------------------------------------- complete / incomplete

def is_complete(text):
    """'complete', 'incomplete' or 'invalid', for multi-line input.

    Incomplete: an open bracket or triple-quoted string, a trailing
    backslash, a line ending in `:`, or a block not yet ended by a blank
    line (as at Python's prompt).  Invalid: a syntax error that more lines
    cannot fix (Enter should run it, to show the error).
    """
    if not text.strip():
        return "complete"
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except tokenize.TokenError as e:
        if "EOF in multi-line" in str(e.args[0]):
            return "incomplete"
        return "invalid"
    except (SyntaxError, IndentationError):
        return "invalid"
    stripped = text.rstrip(" \t\n")
    if stripped.endswith("\\") or stripped.split("\n")[-1].lstrip().startswith("@"):
        return "incomplete"         # a line continued, or a decorator waiting for its def or class
    block = False
    first_of_line = True
    for t in toks:
        if t.type in (_NEWLINE, _NL):
            first_of_line = True
            continue
        if t.type == _COMMENT:
            continue
        if t.type == _INDENT or (first_of_line and t.type == _NAME and t.string in _BLOCK_STARTERS):
            block = True
        first_of_line = False
    if block and text.split("\n")[-1].strip() != "":
        return "incomplete"
    try:
        parse(text)
    except TshSyntaxError as e:
        if any(m in e.message for m in ("expected an indented block", "unexpected EOF", "was never closed")):
            return "incomplete"
        return "invalid"
    return "complete"
