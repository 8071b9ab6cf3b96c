"""Help pages: `help`, `help NAME`, `?NAME`.

A page is a signature, a description and an example.  Engine functions and
tensor methods are described by their own docstrings (DESCRIPTIONS fills in
where the engine has none), the shell's commands by COMMANDS; every example
lives in help_examples.txt, and tests/language/test_help.py runs them all and
fails when a function, method or command has none.
"""
import difflib
import inspect
import os
import re
import textwrap

COMMANDS = {
    "help": "help [name]\n    Show help on a function, tensor method, command or variable; with no\n"
            "    argument, list the topics.  `?name` is the same as `help name`.",
    "vars": "vars\n    A table of the session's variables: type, shape, dtype, device,\n"
            "    requires_grad and grad_fn; a model or an optimizer with the number of\n"
            "    parameters it trains.",
    "graph": "graph t [dot=\"file.dot\"]\n    The autograd graph behind t as a tree: each node's PyTorch name and\n"
             "    the shape and dtype it produces, leaves named by your variables (a\n"
             "    model's parameters by their module path: net.fc1.weight); a node\n"
             "    reached twice is shown once.  dot= writes it for Graphviz.",
    "explain": "explain backward t [gradient]\n    Walk the backward pass from t node by node: the gradient arriving at\n"
               "    each node and those leaving it, ending with each leaf's .grad.  Nothing\n"
               "    changes: run it before `backward t`.",
    "time": "time STATEMENT\n    Run the statement and say how long it took (wall clock).",
    "plot": "plot y [y2 ...] [title=\"...\"] [legend=[\"...\", ...]]\n"
            "    Draw each series (a list of numbers or a 1-D tensor, e.g. the losses a\n"
            "    training loop collected) as a line against its index, in the terminal;\n"
            "    several series get a legend of their variable names.  A script draws it\n"
            "    as text too.",
    "run": "run \"file.tsh\"\n    Run a script in this session: its variables stay defined afterwards.",
    "save": "save \"file.npz\" [x y ...]\n    Save the named tensors (all tensors and arrays when none are named) to\n"
            "    an .npz file.  save never overwrites a file it did not write itself.",
    "load": "load \"file.npz\"\n    Load the tensors saved in an .npz file, under their saved names, and\n"
            "    say which.",
    "reset": "reset\n    Forget every variable of the session, and say which.",
    "exit": "exit [status]\n    Leave the shell (Ctrl-D does too).  In a script: stop it with that status.",
    "quit": "quit [status]\n    The same as exit: leave the shell (`quit()` too, as in Python).",
    "pwd": "pwd\n    The working folder: where save, load and run look for a file name\n"
           "    that is not a full path.",
    "cd": "cd [\"folder\"]\n    Make that folder the working folder (your home folder with no name);\n"
          "    shows where you are.",
    "tutorial": "tutorial [en|zh]\n    A guided tour of tensors, autograd and a first neural network (the\n"
                "    PyTorch 60-minute blitz: its tensor, autograd and Neural Networks\n"
                "    chapters).  At the prompt each step explains, puts the code at the prompt\n"
                "    for you to run or edit, and checks the result; in a script it prints\n"
                "    every step.  `tutorial zh` is in Chinese.",
    "backward": "backward t [gradient]\n    t.backward(gradient): accumulate d(t)/d(leaf) into each leaf's .grad.",
    "memory_limit": "memory_limit\n    The largest tensor the shell will allocate, in bytes (None: no limit;\n"
                    "    set it with tensorsh --memory-limit or TENSORSH_MEMORY_LIMIT).",
}

# Descriptions of the engine's names that have no docstring of their own.  An
# in-place method `Tensor.NAME_` without one is described from `Tensor.NAME`.
DESCRIPTIONS = {
    "get_default_dtype": "The dtype new floating-point tensors get (float32 unless set_default_dtype changed it).",
    "set_default_dtype": "Make d the dtype of new floating-point tensors (float32, float64 or float16).",
    "initial_seed": "The seed the random number generator was last seeded with.",
    "seed": "Seed the random number generator from a non-deterministic source; returns the seed.",
    "is_floating_point": "True when t's dtype is a floating-point type.",
    "is_grad_enabled": "True when operations are being recorded for autograd (not inside no_grad).",
    "is_tensor": "True when obj is a tensor.",
    "numel": "The number of elements of input.",
    "scalar_tensor": "A 0-dimensional tensor holding the number s (in the default dtype unless dtype= says).",
    "Tensor.bool": "The tensor as torch.bool (self.to(torch.bool)).",
    "Tensor.byte": "The tensor as torch.uint8 (self.to(torch.uint8)).",
    "Tensor.char": "The tensor as torch.int8 (self.to(torch.int8)).",
    "Tensor.short": "The tensor as torch.int16 (self.to(torch.int16)).",
    "Tensor.int": "The tensor as torch.int32 (self.to(torch.int32)).",
    "Tensor.long": "The tensor as torch.int64 (self.to(torch.int64)).",
    "Tensor.half": "The tensor as torch.float16 (self.to(torch.float16)).",
    "Tensor.float": "The tensor as torch.float32 (self.to(torch.float32)).",
    "Tensor.double": "The tensor as torch.float64 (self.to(torch.float64)).",
    "Tensor.cfloat": "The tensor as torch.complex64 (self.to(torch.complex64)).",
    "Tensor.cdouble": "The tensor as torch.complex128 (self.to(torch.complex128)).",
    "Tensor.real": "The real parts of a complex tensor, a view that writes through (a real tensor itself).",
    "Tensor.imag": "The imaginary parts of a complex tensor, a view that writes through.",
    "Tensor.mH": "The conjugate transpose of the last two dimensions (a batch of adjoint matrices).",
    "Tensor.H": "The conjugate transpose of a matrix.",
    "Tensor.cpu": "The tensor on the CPU (itself when it is there already).",
    "Tensor.cuda": "The tensor on a CUDA GPU (device 0 unless given).",
    "Tensor.data_ptr": "The address of the tensor's first element.",
    "Tensor.device": "The device the tensor lives on: device(type='cpu') or a CUDA device.",
    "Tensor.dim": "The number of dimensions.",
    "Tensor.ndimension": "The number of dimensions (the same as dim()).",
    "Tensor.ndim": "The number of dimensions (the same as dim()).",
    "Tensor.dtype": "The tensor's element type, e.g. torch.float32.",
    "Tensor.element_size": "The size of one element in bytes.",
    "Tensor.expand_as": "self expanded to other's shape (expand(other.size())).",
    "Tensor.grad": "The gradient accumulated by backward() for a leaf that requires grad; None before.",
    "Tensor.is_complex": "True when the dtype is a complex type.",
    "Tensor.is_contiguous": "True when the elements are laid out in memory in row-major order.",
    "Tensor.is_cuda": "True when the tensor lives on a CUDA GPU.",
    "Tensor.is_floating_point": "True when the dtype is a floating-point type.",
    "Tensor.is_leaf": "True for a tensor autograd did not compute (made by the user, or not requiring grad).",
    "Tensor.nelement": "The number of elements (the same as numel()).",
    "Tensor.numel": "The number of elements.",
    "Tensor.output_nr": "Which output of its grad_fn this tensor is (0 for single-output operations).",
    "Tensor.requires_grad": "True when autograd records operations on this tensor; settable on leaves.",
    "Tensor.reshape_as": "self reshaped to other's shape (reshape(other.size())).",
    "Tensor.retains_grad": "True when retain_grad() was called on this non-leaf tensor.",
    "Tensor.shape": "The size of each dimension, as a torch.Size (the same as size()).",
    "Tensor.size": "The size of each dimension, as a torch.Size; size(dim) is one of them.",
    "Tensor.stride": "The step in elements between neighbours along each dimension; stride(dim) is one.",
    "Tensor.tolist": "The elements as (nested) Python lists of numbers.",
    "Tensor.type": "The type's name (e.g. 'torch.FloatTensor'), or the tensor cast to the dtype given.",
    "Tensor.view_as": "A view of self with other's shape (view(other.size())).",
    "Tensor.T": "The tensor with its dimensions reversed (the transpose of a matrix).",
    "Tensor.mT": "The tensor with its last two dimensions swapped (a batch of transposed matrices).",
    "Tensor.data": "The tensor's values as a tensor outside autograd (no grad_fn, requires_grad False).",
    "Tensor.grad_fn": "The autograd node that computed this tensor (None for a leaf); backward runs it.",
    "torch.memory_limit": "The largest allocation the engine allows, in bytes (None: no limit).",
    "torch.autograd.is_inference_mode_enabled": "True inside `with inference_mode():`.",
    "torch.cuda.device_count": "The number of CUDA GPUs that can be used (0 without CUDA).",
    "torch.cuda.current_device": "The index of the CUDA GPU tensors go to by default.",
    "torch.cuda.set_device": "Make the CUDA GPU with this index the default one.",
    "torch.cuda.synchronize": "Wait until the CUDA GPU has finished all the work queued on it.",
    "torch.cuda.get_device_name": "The name of the CUDA GPU with this index, e.g. 'NVIDIA H100 80GB HBM3'.",
}

LANGUAGE = """\
The language is Python's syntax for what Python has: expressions, `=` and
`+=` (in place on tensors), if/elif/else, while, for, break, continue, def,
lambda, with, f-strings, comprehensions, imports of torch/numpy/math/sys.

The command form: at the start of a statement (or after `name =`), a
function name followed by arguments separated by spaces is a call:
    rand 5 3                  same as rand(5, 3)
    x = zeros 5 3 dtype=long  same as x = zeros(5, 3, dtype=long)
    t = tensor [5.5, 3]
    backward out
Each argument is a single value: a literal, a name (with .attr, [i] or (...)
after it), a bracketed group, or key=value.  Use parentheses for anything
else: rand 5 (3*2).

A bare expression at the top level shows its value (not inside a for, while,
if, with or def); a trailing `;` hides it; `_` is the last value shown.  A
.py file runs with Python's rules: no bare value shown, __name__ is
"__main__", and `import sys` gives sys.argv.
"""

# The language reference for users, in the source tree beside the package.
REFERENCE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                         "docs", "language.md")


def language_page():
    """`help language`: the short version, and where the whole reference is
    (its full path when this is a source checkout that has it)."""
    where = REFERENCE if os.path.isfile(REFERENCE) else "docs/language.md in tensorsh's source"
    return LANGUAGE + f"\nThe whole reference (syntax, display, errors, safety): {where}\n"


def overview(interp):
    cmds = "  ".join(sorted(COMMANDS))
    return (
        "tensorsh: a shell for tensors and autograd.\n\n"
        f"Commands: {cmds}\n\n"
        "help NAME      help on a function, tensor method or variable (e.g. help rand, help add_)\n"
        "help language  the syntax, the command form, what is shown; the full reference\n"
        "help torch     the engine's functions;  help np  the numpy subset\n"
        "tutorial       a guided tour (tutorial zh: in Chinese)\n"
    )


TOPICS = ("language", "syntax", "command", "commands")


def topic(name, interp):
    """Help for a name that is not a variable: topics, commands, tensor methods."""
    if name in TOPICS:
        return language_page() if name != "commands" else overview(interp)
    if name in COMMANDS:
        return page(name, interp.builtins.get(name), interp)
    tensor_cls = interp.tensor_class
    if tensor_cls is not None and not name.startswith("_") and hasattr(tensor_cls, name):
        return page(f"Tensor.{name}", inspect.getattr_static(tensor_cls, name), interp)
    namespace = _torch_namespace(name, interp)
    if namespace is not None:
        return help_text(namespace, interp)
    return None


def _torch_namespace(name, interp):
    """torch's namespace called ``name`` (`linalg`, `nn`, `autograd` ...), or None."""
    from .safe_numpy import Namespace
    torch = interp.builtins.get("torch")
    entry = getattr(torch, "entries", {}).get(name)
    return entry if isinstance(entry, Namespace) else None


def suggestion(name, interp):
    """' did you mean ...?' for a name help knows nothing about, or ''."""
    known = set(TOPICS) | set(interp.builtins) | set(interp.globals)
    if interp.tensor_class is not None:
        known |= {n for n in dir(interp.tensor_class) if not n.startswith("_")}
    close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"


# ------------------------------------------------------------------ examples

EXAMPLES_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "help_examples.txt")
_examples = None


def examples():
    """{name: example code} from help_examples.txt (read once).

    A line is `NAME  CODE`; the lines after it that start with `|` (after
    spaces) continue the same example."""
    global _examples
    if _examples is None:
        found, name = {}, None
        with open(EXAMPLES_FILE, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                stripped = line.lstrip()
                if not stripped or stripped.startswith("#"):
                    continue
                if stripped.startswith("|") and name is not None:
                    found[name] += "\n" + stripped[2:]
                else:
                    name, _, code = line.partition(" ")
                    found[name] = code.strip()
        _examples = found
    return _examples


def documented_names(interp):
    """{name: object} for every name that must have a help page with an example:
    the engine's functions and classes (bare, or as torch.linalg.NAME and the like
    where there is no bare name), every public Tensor attribute, and the commands."""
    from .builtins.command_types import Command, SpecialForm
    from .builtins.namespace import _from_engine
    names, seen = {}, set()

    def wanted(value):
        return callable(value) and _from_engine(value) and not (
            isinstance(value, type) and issubclass(value, BaseException))

    for name, value in interp.builtins.items():
        if isinstance(value, (Command, SpecialForm)) or wanted(value):
            names[name] = value
            seen.add(id(value))
    for module in ("torch", "torch.nn.functional", "torch.linalg", "torch.fft", "torch.autograd", "torch.autograd.function",
                   "torch.autograd.graph", "torch.autograd.forward_ad", "torch.cuda", "torch.accelerator", "torch.random",
                   "torch.special"):
        namespace = interp.modules.get(module)
        for name, value in (namespace.entries.items() if namespace is not None else ()):
            if wanted(value) and id(value) not in seen:
                names[f"{module}.{name}"] = value
                seen.add(id(value))
    tensor_cls = interp.tensor_class
    if tensor_cls is not None:
        for name in dir(tensor_cls):
            if not name.startswith("_"):
                names[f"Tensor.{name}"] = inspect.getattr_static(tensor_cls, name)
    return names


def _name_of(value, interp):
    """The documented name of a value help was given (None when it has none)."""
    from .builtins.command_types import Command, SpecialForm
    if isinstance(value, (Command, SpecialForm)):
        return value.name
    owner = getattr(value, "__self__", None)
    if interp.tensor_class is not None and isinstance(owner, interp.tensor_class):
        return f"Tensor.{value.__name__}"
    for name, documented in documented_names(interp).items():
        if documented is value:
            return name
    return None


# ------------------------------------------------------------------ pages

_OPAQUE_DEFAULT = re.compile(r"=<object object at 0x[0-9a-f]+>")
_PRIVATE_PARAMETER = re.compile(r", _\w+=[^,)]*")


def _signature(obj):
    try:
        text = str(inspect.signature(obj))
    except (TypeError, ValueError):
        return "(...)"
    # A required-but-keyword-able parameter shows as `dim`, not `dim=<object ...>`;
    # parameters for the engine's own use are not shown.
    return _PRIVATE_PARAMETER.sub("", _OPAQUE_DEFAULT.sub("", text)).replace("(*, ", "(").replace(", *)", ")")


def description(name, obj):
    """The description of a documented name: its docstring, or DESCRIPTIONS (where torch.NAME is
    the method Tensor.NAME, the method's)."""
    if name in DESCRIPTIONS:
        return DESCRIPTIONS[name]
    if getattr(obj, "__qualname__", "").startswith("Tensor.") and "Tensor." + name in DESCRIPTIONS:
        return DESCRIPTIONS["Tensor." + name]
    doc = inspect.getdoc(obj) if obj is not None else None
    if isinstance(obj, (property, staticmethod, classmethod)) or doc == inspect.getdoc(type(obj)):
        doc = None
    if not doc and name.endswith("_"):
        return (f"The in-place form of {name[:-1]}: the result is written into the tensor itself, "
                "which is returned.")
    return doc


# The examples a help page shows without running them: the commands write files, change
# folders and leave, and torch.save and torch.load write a file (tests/language/test_help.py
# runs them all, in a scratch folder).
SHOWN_NOT_RUN = frozenset(COMMANDS) | {"torch.save", "torch.load"}


def page(name, obj, interp):
    """The help page of a documented name: signature, description, example."""
    from .builtins.command_types import Command, SpecialForm
    if isinstance(obj, (Command, SpecialForm)) or name in COMMANDS:
        text = COMMANDS.get(name) or (obj.doc if obj is not None else name)
        head, _, rest = text.partition("\n")
        lines = [head] + ([rest] if rest else [])
    else:
        is_attribute = isinstance(obj, property) or not callable(obj)
        lines = [name if is_attribute else name + _signature(obj)]
        doc = description(name, obj) or "(no documentation)"
        lines += ["    " + line if line else "" for line in doc.splitlines()]
    example = examples().get(name)
    if example:
        lines += ["", "    Example:"]
        lines += [("    ... " if line[:1].isspace() else "    >>> ") + line for line in example.split("\n")]
        if name not in SHOWN_NOT_RUN:
            lines += ["    " + line for line in example_output(example, interp).splitlines()]
    return "\n".join(lines) + "\n"


def example_output(code, interp):
    """What an example prints, run in a fresh session of its own, of the kind
    asking (nothing when it fails: the page still shows the code)."""
    import io
    out = io.StringIO()
    fresh = type(interp.session)(stdout=out, stderr=io.StringIO())
    result = fresh.run_source(code, "<example>")
    if not result.ok:
        return ""
    # `manual_seed(0); rand(2)` shows the generator first, as Python's prompt
    # does: an address that differs each run and says nothing about the example.
    return "".join(line for line in out.getvalue().splitlines(keepends=True)
                   if not _OBJECT_AT_ADDRESS.fullmatch(line.rstrip("\n")))


_OBJECT_AT_ADDRESS = re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>")


def help_text(value, interp):
    from .compiler import UserFunction
    from .safe_numpy import Namespace
    name = _name_of(value, interp)
    if name is not None:
        return page(name, value, interp)
    if isinstance(value, UserFunction):
        return f"{value.signature()}\n    a function defined in {value.filename}, line {value.line}\n"
    if isinstance(value, Namespace):
        names = sorted(value.entries)
        lines, line = [], "   "
        for n in names:
            if len(line) + len(n) + 1 > 78:
                lines.append(line)
                line = "   "
            line += " " + n
        lines.append(line)
        summary = re.sub(r"^[\w.]+: ", "", value.doc.splitlines()[0]) if value.doc else ""
        head = f"{value.name}: {summary}" if summary else value.name
        return head + "\n" + "\n".join(lines) + "\n"
    tensor_cls = interp.tensor_class
    if tensor_cls is not None and isinstance(value, tensor_cls):
        return _tensor_page(value, tensor_cls)
    if callable(value) and getattr(value, "__name__", None):
        doc = inspect.getdoc(value) or "(no documentation)"
        body = "\n".join("    " + line if line else "" for line in doc.splitlines())
        return f"{value.__name__}{_signature(value)}\n{body}\n"
    doc = inspect.getdoc(type(value)) or ""
    return f"{type(value).__name__}: {doc.splitlines()[0] if doc else repr(value)}\n"


# The methods a newcomer reaches for first, shown on a tensor's help page;
# the other few hundred are one Tab away.
_EVERYDAY_METHODS = ("shape", "dtype", "size()", "view()", "reshape()", "sum()", "mean()", "item()",
                     "backward()", "grad", "detach()", "numpy()", "to()")


def _tensor_page(tensor, tensor_cls):
    """help on a tensor value: what this one is, then the type in a few lines
    (the full list of methods would scroll the question away)."""
    count = sum(1 for n in dir(tensor_cls) if not n.startswith("_"))
    grad = f", grad_fn={type(tensor.grad_fn).__name__}" if tensor.grad_fn is not None else ""
    return (f"a tensor of shape {list(tensor.shape)}, dtype {tensor.dtype}, on {tensor.device}"
            f" (requires_grad={tensor.requires_grad}{grad})\n\n"
            "torch.Tensor\n"
            "    A multi-dimensional array of numbers of one dtype, which autograd can follow.\n"
            + textwrap.fill(f"Everyday methods: {', '.join(_EVERYDAY_METHODS)}.", width=78,
                            initial_indent="    ", subsequent_indent="    ") + "\n"
            f"    All {count} methods and attributes: type the tensor's name, a dot and Tab;\n"
            "    help Tensor.NAME (or x.NAME?) shows one, e.g. help Tensor.view.\n")
