"""Help pages: `help`, `help NAME`, `?NAME`.

Engine functions and tensor methods are documented by their own
docstrings; the shell's commands by the texts here.
"""

COMMANDS = {
    "help": "help [name]\n    Show help on a function, tensor method, command or variable; with no\n"
            "    argument, list the topics.  `?name` is the same as `help name`.",
    "vars": "vars\n    A table of the session's variables: type, shape, dtype, device,\n"
            "    requires_grad and grad_fn.",
    "graph": "graph t [dot=\"file.dot\"]\n    The autograd graph behind t as a tree: each node's PyTorch name and\n"
             "    the shape and dtype it produces, leaves named by your variables; a node\n"
             "    reached twice is shown once.  dot= writes it for Graphviz.",
    "explain": "explain backward t [gradient]\n    Walk the backward pass from t node by node: the gradient arriving at\n"
               "    each node and those leaving it, ending with each leaf's .grad.  Nothing\n"
               "    changes: run it before `backward t`.",
    "time": "time STATEMENT\n    Run the statement and say how long it took (wall clock).\n"
            "    Example: time x @ y",
    "run": "run \"file.tsh\"\n    Run a script in this session: its variables stay defined afterwards.",
    "save": "save \"file.npz\" [x y ...]\n    Save the named tensors (all tensors and arrays when none are named) to\n"
            "    an .npz file.  save never overwrites a file it did not write itself.",
    "load": "load \"file.npz\"\n    Load the tensors saved in an .npz file, under their saved names.",
    "reset": "reset\n    Forget every variable of the session.",
    "exit": "exit [status]\n    Leave the shell (Ctrl-D does too).  In a script: stop it with that status.",
    "tutorial": "tutorial [en|zh]\n    A guided tour of tensors and autograd (the PyTorch 60-minute blitz,\n"
                "    part 1).  At the prompt each step explains, puts the code at the prompt\n"
                "    for you to run or edit, and checks the result; in a script it prints\n"
                "    every step.  `tutorial zh` is in Chinese.",
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
