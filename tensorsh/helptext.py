"""Help pages: `help`, `help NAME`, `?NAME`.

Engine functions and tensor methods are documented by their own
docstrings; the shell's commands by the texts here.
"""

COMMANDS = {
    "help": "help [name]\n    Show help on a function, tensor method, command or variable; with no\n"
            "    argument, list the topics.  `?name` is the same as `help name`.",
    "vars": "vars\n    A table of the session's variables: type, shape, dtype, device,\n"
            "    requires_grad and grad_fn.",
    "graph": "graph t\n    Show the autograd graph behind t (its grad_fn chain) as a tree; leaves\n"
             "    and intermediate results are named by the variables that hold them.",
    "time": "time STATEMENT\n    Run the statement and say how long it took (wall clock).\n"
            "    Example: time x @ y",
    "run": "run \"file.tsh\"\n    Run a script in this session: its variables stay defined afterwards.",
    "save": "save \"file.npz\" [x y ...]\n    Save the named tensors (all tensors and arrays when none are named) to\n"
            "    an .npz file.  save never overwrites a file it did not write itself.",
    "load": "load \"file.npz\"\n    Load the tensors saved in an .npz file, under their saved names.",
    "reset": "reset\n    Forget every variable of the session.",
    "exit": "exit [status]\n    Leave the shell (Ctrl-D does too).  In a script: stop it with that status.",
    "tutorial": "tutorial\n    A five-minute tour of tensorsh.",
    "backward": "backward t [gradient]\n    t.backward(gradient): accumulate d(t)/d(leaf) into each leaf's .grad.",
}

LANGUAGE = """\
The language is Python's syntax for what Python has: expressions, `=` and
`+=` (in place on tensors), if/elif/else, while, for, break, continue, def,
lambda, with, f-strings, comprehensions, imports of torch/numpy/math.

The command form: at the start of a statement (or after `name =`), a
function name followed by arguments separated by spaces is a call:
    rand 5 3                  same as rand(5, 3)
    x = zeros 5 3 dtype=long  same as x = zeros(5, 3, dtype=long)
    t = tensor [5.5, 3]
    backward out
Each argument is a single value: a literal, a name (with .attr, [i] or (...)
after it), a bracketed group, or key=value.  Use parentheses for anything
else: rand 5 (3*2).

A bare expression shows its value; a trailing `;` hides it; `_` is the last
value shown.
"""

TUTORIAL = """\
tensorsh in five minutes
------------------------
  x = ones 2 2 requires_grad=True     make a tensor that records its history
  y = x + 2                           operators work as in PyTorch
  z = y * y * 3
  out = z.mean()
  out                                 a bare expression shows its value
  backward out                        compute gradients (out.backward())
  x.grad                              d(out)/dx: 4.5 everywhere
  graph out                           the graph behind out, as a tree
  vars                                your variables
  help rand                           help on any function or method
  with no_grad():                     stop recording history
      w = x * 2
  import numpy as np                  the numpy bridge: a.numpy(), from_numpy(b)
  save "work.npz" x                   save tensors; load "work.npz" brings them back
"""


def overview(interp):
    cmds = "  ".join(sorted(COMMANDS))
    return (
        "tensorsh: a shell for tensors and autograd.\n\n"
        f"Commands: {cmds}\n\n"
        "help NAME      help on a function, tensor method or variable (e.g. help rand, help add_)\n"
        "help language  the syntax, and the command form\n"
        "help torch     the engine's functions;  help np  the numpy subset\n"
        "tutorial       a short tour\n"
    )


def topic(name, interp):
    """Help for a name that is not a variable: commands, tensor methods, topics."""
    if name in ("language", "syntax", "command", "commands"):
        return LANGUAGE if name != "commands" else overview(interp)
    if name in COMMANDS:
        return COMMANDS[name] + "\n"
    tensor_cls = interp.tensor_class
    if tensor_cls is not None and not name.startswith("_") and hasattr(tensor_cls, name):
        return _callable_help(f"Tensor.{name}", getattr(tensor_cls, name))
    return None


def _signature(obj):
    import inspect
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return "(...)"


def _callable_help(name, obj):
    import inspect
    doc = inspect.getdoc(obj) or "(no documentation)"
    if isinstance(obj, property) or type(obj).__name__ in ("getset_descriptor", "member_descriptor"):
        return f"{name}\n    {doc}\n"
    body = "\n".join("    " + line if line else "" for line in doc.splitlines())
    return f"{name}{_signature(obj)}\n{body}\n"


def help_text(value, interp):
    from .builtins import Command, SpecialForm
    from .interpreter import UserFunction
    from .safe_numpy import Namespace
    if isinstance(value, (Command, SpecialForm)):
        return (value.doc or value.name) + "\n"
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
        head = f"{value.name}: {value.doc.splitlines()[0]}" if value.doc else value.name
        return head + "\n" + "\n".join(lines) + "\n"
    tensor_cls = interp.tensor_class
    if tensor_cls is not None and isinstance(value, tensor_cls):
        methods = sorted(n for n in dir(tensor_cls) if not n.startswith("_"))
        shape = list(getattr(value, "shape", ()))
        return (f"a Tensor of shape {shape} and dtype {value.dtype}.\n"
                f"Its methods (help NAME for one): {', '.join(methods)}\n")
    name = getattr(value, "__name__", None)
    if callable(value) and name:
        owner = getattr(value, "__self__", None)
        if owner is not None and tensor_cls is not None and isinstance(owner, tensor_cls):
            name = f"Tensor.{name}"
        return _callable_help(name, value)
    import inspect
    doc = inspect.getdoc(type(value)) or ""
    return f"{type(value).__name__}: {doc.splitlines()[0] if doc else repr(value)}\n"
