"""Tab completion for the prompt; it reads names and metadata and never evaluates code.

:func:`complete` is the whole logic, over plain mappings (the session's
variables and builtins), so it is testable without a terminal;
:class:`TensorshCompleter` is the thin prompt_toolkit adapter.

What is offered, by context (the text before the cursor):

  run "da|           file names (.tsh for run, .npz for load and save, .dot for dot=)
  x = zeros 5 dtype=|    dtypes;  device=|  devices
  x.ad|              the attributes the language lets you read on x (methods of
                     Tensor, members of torch./np. namespaces), each with its signature
  rand(5, req|       keyword arguments of the function being called (also in the
                     command form: `rand 5 3 req|`)
  tens|              variables, builtins and keywords

Resolving `x.grad.` looks attributes up statically (``inspect.getattr_static``):
a property is never run; the types of the tensor properties people chain
(`grad`, `T`, `data`, `shape` ...) are known instead.  Tensor metadata (shape,
dtype) is read for the short descriptions, never the values.
"""
import inspect
import keyword
import os
import re

__all__ = ["Candidate", "complete", "short_signature", "describe"]


class Candidate:
    """One completion: replace the ``length`` characters before the cursor by ``text``."""

    __slots__ = ("text", "length", "display", "meta")

    def __init__(self, text, length, display=None, meta=""):
        self.text = text
        self.length = length
        self.display = display or text
        self.meta = meta

    def __repr__(self):
        return f"Candidate({self.text!r}, {self.length}, meta={self.meta!r})"


DTYPES = ("float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8",
          "bool", "float", "double", "half", "long", "int", "short")
DEVICES = ("cpu", "cuda", "cuda:0")
_KEYWORDS = tuple(k for k in keyword.kwlist if k not in ("class", "global", "nonlocal", "raise",
                                                         "try", "except", "finally", "yield",
                                                         "async", "await"))

_FILE_ARGUMENT = re.compile(
    r"""(?:^|[\s(;=,])(?P<command>run|load|save)[ \t]*\(?[ \t]*(?P<quote>["'])(?P<path>[^"']*)$"""
    r"""|\bdot[ \t]*=[ \t]*(?P<dquote>["'])(?P<dpath>[^"']*)$""")
_DTYPE_ARGUMENT = re.compile(r"\bdtype[ \t]*=[ \t]*(?P<prefix>(?:torch\.)?)(?P<word>\w*)$")
_DEVICE_ARGUMENT = re.compile(r"""\bdevice[ \t]*=[ \t]*(?P<quote>["']?)(?P<word>[\w:]*)$""")
_ATTRIBUTE = re.compile(r"(?<![\w.\])])(?P<chain>[^\W\d]\w*(?:\.[^\W\d]\w*)*)\.(?P<word>\w*)$")
_WORD = re.compile(r"[^\W\d]\w*$|$")
_FILE_KINDS = {"run": (".tsh",), "load": (".npz",), "save": (".npz",), "dot": (".dot", ".gv")}

# Tensor properties, and an example of what each gives, so `x.grad.` can be
# completed without running the property: the example has the right type.
def _same_tensor(t):
    return t


def _size_example(t):
    from engine import Size
    return Size(())


def _dtype_example(t):
    from engine import float32
    return float32


def _device_example(t):
    from engine import device
    return device("cpu")


_TENSOR_PROPERTIES = {"grad": _same_tensor, "data": _same_tensor, "T": _same_tensor,
                      "mT": _same_tensor, "H": _same_tensor, "mH": _same_tensor,
                      "real": _same_tensor, "imag": _same_tensor, "shape": _size_example,
                      "dtype": _dtype_example, "device": _device_example}

def complete(text, variables, builtins, cwd=None):
    """Completions for ``text`` (everything before the cursor) -> [Candidate]."""
    statement = _current_statement(text)
    m = _FILE_ARGUMENT.search(statement)
    if m:
        kind = m.group("command") or "dot"
        path = m.group("path") if m.group("command") else m.group("dpath")
        return _files(path, _FILE_KINDS[kind], cwd)
    m = _DTYPE_ARGUMENT.search(statement)
    if m:
        word = m.group("word")
        torch = getattr(builtins.get("torch"), "entries", {})
        return [Candidate(d, len(word), meta="dtype") for d in DTYPES if d.startswith(word) and d in torch]
    m = _DEVICE_ARGUMENT.search(statement)
    if m:
        typed = m.group("quote") + m.group("word")
        quote = m.group("quote") or '"'
        return [Candidate(f"{quote}{d}{quote}", len(typed), meta="device")
                for d in DEVICES if d.startswith(m.group("word"))]
    m = _ATTRIBUTE.search(statement)
    if m:
        owner = _resolve(m.group("chain"), variables, builtins)
        return _attributes(owner, m.group("word")) if owner is not _UNKNOWN else []
    word = _WORD.search(statement).group()
    if not word and statement[-1:] not in ("(", ",", " ", "\t"):
        return []           # after an operator or a number: nothing sensible to offer
    out = _keyword_arguments(statement[:len(statement) - len(word)], word, variables, builtins)
    out += _names(word, variables, builtins)
    return out


def _current_statement(text):
    """The text of the statement being typed: after the last newline or `;` outside brackets."""
    start, depth = 0, 0
    quote = None
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif (ch == "\n" and depth == 0) or (ch == ";" and depth == 0):
            start = i + 1
    return text[start:].lstrip()


# ------------------------------------------------------------------ names

def _names(word, variables, builtins):
    out, seen = [], set()
    for source, kind in ((variables, "variable"), (builtins, "builtin")):
        for name in sorted(source):
            if name.startswith(word) and not name.startswith("_") and name not in seen:
                seen.add(name)
                out.append(Candidate(name, len(word), meta=describe(source[name])))
    for k in _KEYWORDS:
        if k.startswith(word) and word and k not in seen:
            out.append(Candidate(k, len(word), meta="keyword"))
    return out


def describe(value):
    """A short description of a value for the completion menu, from metadata only."""
    if _is_tensor(value):
        shape = ", ".join(map(str, value._data.shape))
        flags = ""
        if value.grad_fn is not None:
            flags = f" {type(value.grad_fn).__name__}"
        elif value._requires_grad:
            flags = " requires_grad"
        device = "" if str(value.device) == "cpu" else f" {value.device}"
        return f"Tensor[{shape}] {str(value.dtype).replace('torch.', '')}{device}{flags}"
    if type(value).__module__ == "numpy" and hasattr(value, "shape") and not isinstance(value, type):
        return f"ndarray{list(value.shape)} {value.dtype}"
    cls = type(value).__name__
    if cls in ("Command", "SpecialForm"):
        usage, _, text = (getattr(value, "doc", "") or "").strip().partition("\n")
        return first_sentence(text) or usage or "command"
    if cls == "Namespace":
        return f"namespace {value.name}"
    if cls == "dtype" or (cls != "type" and "dtype" in cls):
        return "dtype"
    if cls == "UserFunction":
        return f"def {value.signature()}" if hasattr(value, "signature") else "function"
    from ..language import models
    if models.is_module(value) or models.is_optimizer(value):     # before callable: a model is one
        return f"{cls} {models.count_text(models.parameter_count(value))}"
    if callable(value):
        return summary(getattr(value, "__name__", ""), value)
    if isinstance(value, (int, float, bool)):
        return f"{cls} {value!r}"
    return cls


def _is_tensor(value):
    return not isinstance(value, type) and hasattr(value, "_data") and hasattr(value, "grad_fn")


_summary_cache = {}


def summary(name, fn, limit=50):
    """The first sentence of what help says about fn, cut at a word within
    limit: what a completion menu entry is for, where a signature (with
    PyTorch's `input`, `out` and `layout`) would say less in more columns."""
    key = (name, id(fn))
    cached = _summary_cache.get(key)
    if cached is not None and cached[0] is fn:
        return cached[1]
    from ..language.helptext import description
    text = first_sentence(description(name, fn) or "", limit) or short_signature(fn, limit)
    _summary_cache[key] = (fn, text)
    return text


_RST = re.compile(r"(?::\w+:)?`{1,2}~?([^`\n]+)`{1,2}")


def first_sentence(text, limit=50):
    """A docstring's first sentence as plain words (RST's ``x`` and
    :func:`x` markup dropped), cut at a word within limit."""
    text = _RST.sub(r"\1", text.strip().split("\n\n")[0].replace("\n", " "))
    text = _up_to_the_first_stop(" ".join(text.split()))
    if len(text) > limit:
        text = text[:limit - 1].rsplit(" ", 1)[0] + "…"
    return text


def _up_to_the_first_stop(text):
    """text up to its first `. ` or `; ` outside brackets (a parenthesis may hold one)."""
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch in "([") - (ch in ")]")
        if depth == 0 and ch in ".;" and text[i + 1:i + 2] in (" ", ""):
            return text[:i]
    return text


_signature_cache = {}


def short_signature(fn, limit=60):
    """'(*size, dtype=None, device=None, requires_grad=False)', without the clutter PyTorch keeps."""
    key = id(fn)
    cached = _signature_cache.get(key)
    if cached is not None and cached[0] is fn:
        return cached[1]
    try:
        sig = inspect.signature(fn)
        params = [p for p in sig.parameters.values()
                  if p.name not in ("self", "out", "layout", "pin_memory", "memory_format", "generator")]
        text = str(sig.replace(parameters=params, return_annotation=inspect.Signature.empty))
    except (TypeError, ValueError):
        text = "(...)"
    if len(text) > limit:
        text = text[:limit - 4] + " ...)"
    _signature_cache[key] = (fn, text)
    return text


# ------------------------------------------------------------------ attributes

_UNKNOWN = object()


def _resolve(chain, variables, builtins):
    """The object a dotted name stands for, found without running anything (or _UNKNOWN)."""
    first, *rest = chain.split(".")
    if first in variables:
        obj = variables[first]
    elif first in builtins:
        obj = builtins[first]
    else:
        return _UNKNOWN
    for name in rest:
        obj = _static_attribute(obj, name)
        if obj is _UNKNOWN:
            return _UNKNOWN
    return obj


def _static_attribute(obj, name):
    if name.startswith("_"):
        return _UNKNOWN
    if type(obj).__name__ == "Namespace":
        return obj.entries.get(name, _UNKNOWN)
    registered = _registered(obj)
    if name in registered:
        return registered[name][0]
    try:
        found = inspect.getattr_static(obj, name)
    except AttributeError:
        return _UNKNOWN
    if isinstance(found, property) or type(found).__name__ in ("getset_descriptor", "member_descriptor"):
        example = _TENSOR_PROPERTIES.get(name) if hasattr(type(obj), "grad_fn") else None
        return example(obj) if example else _UNKNOWN
    return found


def _attribute_names(owner):
    """(name -> the static attribute) for what the language may read on owner."""
    if type(owner).__name__ == "Namespace":
        return dict(owner.entries)
    from ..language.interpreter import allowed_attributes
    cls = owner if isinstance(owner, type) else type(owner)
    return {name: inspect.getattr_static(cls, name, None) for name in allowed_attributes(owner)}


def _registered(owner):
    """name -> (value, menu text) for what a model registered: its submodules, parameters and
    buffers, in that order (how `print(net)` and named_parameters() list them); {} for
    anything else.  Read from the registries: a model's own code (a property) never runs."""
    from ..language import models
    if not models.is_module(owner):
        return {}
    parameters, buffers, submodules = models.registries(owner)
    found = {}
    for kind, table in (("module", submodules), ("parameter", parameters), ("buffer", buffers)):
        for name, value in table.items():
            if isinstance(name, str) and name.isidentifier() and not name.startswith("_") and name not in found:
                what = type(value).__name__ if kind == "module" else _tensor_text(value)
                found[name] = (value, f"{kind} {what}".rstrip())
    return found


def _tensor_text(value):
    """'[3, 4] float32' for a model's parameter or buffer (None: '')."""
    if not _is_tensor(value):
        return ""
    return "[" + ", ".join(map(str, value._data.shape)) + "] " + str(value.dtype).replace("torch.", "")


def _attributes(owner, word):
    registered = _registered(owner)
    out = [Candidate(name, len(word), meta=meta) for name, (_, meta) in registered.items()
           if name.startswith(word)]
    for name, found in sorted(_attribute_names(owner).items()):
        if not name.startswith(word) or name in registered or not name.isidentifier():     # seq.0 is no syntax
            continue
        if type(owner).__name__ == "Namespace":
            meta = describe(found)
        elif callable(found) and not isinstance(found, type):
            documented = f"Tensor.{name}" if _is_tensor(owner) else name
            meta = summary(documented, found)
        else:
            meta = "attribute"
        out.append(Candidate(name, len(word), meta=meta))
    return out


# ------------------------------------------------------------------ keyword arguments

_CALL_HEAD = re.compile(r"([^\W\d]\w*(?:\.[^\W\d]\w*)*)[ \t]*$")


def _enclosing_callable(before, variables, builtins):
    """The function whose arguments the cursor is in: `f(a, |` or the command form `f a |`."""
    depth = 0
    for i in range(len(before) - 1, -1, -1):
        ch = before[i]
        if ch in ")]}":
            depth += 1
        elif ch in "([{":
            if depth == 0:
                if ch != "(":
                    return _UNKNOWN
                m = _CALL_HEAD.search(before[:i])
                return _resolve(m.group(1), variables, builtins) if m else _UNKNOWN
            depth -= 1
    head = re.match(r"(?:[^\W\d]\w*[ \t]*=[ \t]*)?([^\W\d]\w*)[ \t]+\S", before)
    if head and depth == 0:
        fn = _resolve(head.group(1), variables, builtins)
        if callable(fn) and not hasattr(fn, "_data"):
            return fn
    return _UNKNOWN


def _keyword_arguments(before, word, variables, builtins):
    fn = _enclosing_callable(before, variables, builtins)
    if fn is _UNKNOWN or not callable(fn):
        return []
    target = getattr(fn, "fn", fn)          # a shell Command wraps its function
    try:
        params = inspect.signature(target).parameters.values()
    except (TypeError, ValueError):
        return []
    already = set(re.findall(r"(\w+)=", before))
    out = []
    for p in params:
        if p.kind in (p.POSITIONAL_ONLY, p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.name.startswith("_"):
            continue
        if p.name in already or p.name in ("self", "out", "layout", "pin_memory", "generator"):
            continue
        if p.name.startswith(word):
            default = "" if p.default is p.empty else f"default {p.default!r}"
            out.append(Candidate(p.name + "=", len(word), meta=default or "argument"))
    return out


# ------------------------------------------------------------------ files

def _files(partial, suffixes, cwd=None):
    directory, stem = os.path.split(partial)
    base = os.path.join(cwd or os.getcwd(), os.path.expanduser(directory)) if directory else (
        cwd or os.getcwd())
    try:
        entries = sorted(os.listdir(base))
    except OSError:
        return []
    out = []
    for entry in entries:
        if not entry.startswith(stem) or (entry.startswith(".") and not stem.startswith(".")):
            continue
        full = os.path.join(base, entry)
        if os.path.isdir(full):
            out.append(Candidate(entry + "/", len(stem), meta="directory"))
        elif entry.endswith(suffixes):
            out.append(Candidate(entry, len(stem), meta="file"))
    return out


# ------------------------------------------------------------------ prompt_toolkit

def _prompt_toolkit_completer():
    from prompt_toolkit.completion import Completer, Completion

    class TensorshCompleter(Completer):
        """prompt_toolkit's view of :func:`complete`, over a live session."""

        def __init__(self, session):
            self.session = session

        def get_completions(self, document, complete_event):
            try:
                candidates = complete(document.text_before_cursor, self.session.namespace,
                                      self.session.builtins)
            except Exception:       # completion must never break the prompt
                return
            for c in candidates:
                yield Completion(c.text, -c.length, display=c.display, display_meta=c.meta)

    return TensorshCompleter


def __getattr__(name):
    # The adapter class is built on first use, so `complete` is importable without prompt_toolkit.
    if name == "TensorshCompleter":
        cls = _prompt_toolkit_completer()
        globals()["TensorshCompleter"] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
