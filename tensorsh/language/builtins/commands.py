"""The shell's commands: `help vars graph explain tutorial time plot run save
load reset exit quit pwd cd backward memory_limit`.

Shell commands are Command objects (called with values) or SpecialForm
objects (given the unevaluated argument nodes, because they need names or
must time the evaluation).  Both read well in command form.

A command that shows something returns a display object (display.Shown); the
session shows it with its formatter, plain in scripts and pipes, rich at the
prompt, and the language sees the object's value (None, or what `time` ran).
So each command is written once, for every front end.
"""
import functools
import os
import time as _time

from .. import display, helptext
from ..errors import ExitRequest, UserError
from .command_types import Command, SpecialForm
from .npz import load_npz, savable, save_npz


# ------------------------------------------------------------ shell commands

def shell_commands(interp):
    """The shell's commands, bound to one interpreter."""
    commands = {}
    for name, kind, run, bare in _SHELL_COMMANDS:
        if kind is Command:         # made for this interpreter, taking only the user's arguments
            run = run(interp)
            run.__qualname__ = name     # so errors read `vars() takes 0 positional arguments ...`
        commands[name] = kind(name, _showing(interp, run), helptext.COMMANDS[name], bare)
    return commands


def _showing(interp, run):
    """run, with the display object it returns shown by the session; the
    language gets the object's value instead."""
    @functools.wraps(run)
    def run_and_show(*args, **kwargs):
        result = run(*args, **kwargs)
        if isinstance(result, display.Shown):
            interp.session.show(result)
            return result.value
        return result
    return run_and_show


# ---- the commands called with values, each made for one interpreter

def _backward_command(interp):
    def backward(tensor, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        method = getattr(tensor, "backward", None)
        if method is None or isinstance(tensor, (int, float, list, tuple)):
            raise UserError(f"backward needs a tensor, not {type(tensor).__name__}")
        kwargs = {}
        if retain_graph is not None:
            kwargs["retain_graph"] = retain_graph
        if create_graph:
            kwargs["create_graph"] = create_graph
        if inputs is not None:
            kwargs["inputs"] = inputs
        return method(gradient, **kwargs) if gradient is not None else method(**kwargs)
    return backward


def _vars_command(interp):
    def vars():
        return display.VariableTable(interp.globals)
    return vars


def _graph_command(interp):
    def graph(tensor=None, dot=None):
        drawn, written = graph_command(tensor, dot, interp.globals)
        return written or drawn
    return graph


def _run_command(interp):
    def run(path):
        if not isinstance(path, str):
            raise UserError("run needs a file name: run \"file.tsh\"")
        interp.run_file(path)
        return None
    return run


def _load_command(interp):
    def load(path):
        if not isinstance(path, str):
            raise UserError("load needs a file name: load \"file.npz\"")
        loaded = load_npz(path, interp)
        interp.globals.update(loaded)
        names = ", ".join(loaded) or "nothing"
        return display.Message(f"loaded {names} from {path}\n")
    return load


def _reset_command(interp):
    def reset():
        names = list(interp.globals)
        interp.reset()
        if not names:
            return display.Message("reset: there were no variables\n")
        count = f"{len(names)} variable{'s' if len(names) != 1 else ''}"
        return display.Message(f"reset: forgot {count} ({', '.join(names)})\n")
    return reset


def _exit_command(interp):
    def exit(code=0):
        if not isinstance(code, int) or isinstance(code, bool):
            raise UserError("exit takes an integer status, e.g. exit 1")
        raise ExitRequest(code)
    return exit


def _pwd_command(interp):
    def pwd():
        return display.Message(os.getcwd() + "\n")
    return pwd


def _cd_command(interp):
    def cd(path=None):
        """save, load and run read and write relative to the working folder."""
        target = os.path.expanduser("~") if path is None else path
        if not isinstance(target, str):
            raise UserError('cd needs a folder name: cd "data"')
        try:
            os.chdir(target)
        except OSError as e:
            raise UserError(f"cd: cannot enter {target}: {e.strerror}") from None
        return display.Message(os.getcwd() + "\n")
    return cd


def _memory_limit_command(interp):
    def memory_limit():
        return interp.memory_limit
    return memory_limit


# ---- Python's dir and sys, as far as a script may reach

def dir_builtin(interp):
    """Python's dir for one interpreter, listing only what a script may reach."""
    from ..allowlist import policy
    from ..safe_numpy import Namespace

    def dir(*value):
        """dir(x): the names a script may read on x (attributes, methods, a module's
        members), sorted; public names only, and all of them usable.  dir() with
        no argument: the session's variables."""
        if not value:
            return sorted(interp.globals)
        if len(value) > 1:
            raise TypeError(f"dir expected at most 1 argument, got {len(value)}")
        obj = value[0]
        names = obj.entries if isinstance(obj, Namespace) else policy(obj).names
        if isinstance(obj, str):
            names = set(names) | {"format"}     # the interpreter's own str.format
        return sorted(name for name in names if not name.startswith("_"))
    return dir


def sys_namespace(argv, stderr):
    """`import sys`: the harmless part of Python's sys, which is what a script
    reads of it: argv (the script's name and arguments) and exit."""
    from ..safe_numpy import Namespace

    def exit(status=None):
        """exit(status=None): leave the program, as Python's sys.exit: None is
        status 0, an integer is the status, anything else is printed and is status 1."""
        if status is None or isinstance(status, int):
            raise ExitRequest(int(status or 0))
        stderr().write(f"{status}\n")
        raise ExitRequest(1)

    return Namespace("sys", {"argv": argv, "exit": exit},
                     doc="Python's sys, as far as a script needs it: argv and exit.")


# ---- graph, explain backward, tutorial

DOT_SUFFIXES = (".dot", ".gv")     # graph writes only files of its own kind


def graph_command(tensor, dot, namespace):
    """What `graph t [dot="f.dot"]` does -> (Graph, DotWritten or None).

    With dot= the DOT file is written and the second item says where;
    otherwise it is None and the Graph is what to show."""
    from .. import graph_view
    if tensor is None or not hasattr(tensor, "grad_fn"):
        what = "" if tensor is None else f", not {type(tensor).__name__}"
        raise UserError(f'graph needs a tensor{what}: graph t   (or graph t dot="graph.dot")')
    if dot is not None and not (isinstance(dot, str) and dot.endswith(DOT_SUFFIXES)):
        raise UserError('dot= takes a file name ending in .dot or .gv: graph t dot="graph.dot"')
    drawn = graph_view.build_graph(tensor, namespace)
    if dot is None:
        return drawn, None
    drawn.write_dot(dot)
    return drawn, display.DotWritten(dot, len(drawn.nodes))


def explain_arguments(interp, node):
    """`explain backward t [gradient]` -> (t, gradient), evaluated."""
    import ast
    args = node.args if node is not None else []
    if (node is None or node.keywords or not 2 <= len(args) <= 3
            or not (isinstance(args[0], ast.Name) and args[0].id == "backward")):
        raise UserError("explain takes `backward` and a tensor: explain backward out "
                        "(or explain backward y v with a gradient v)")
    return interp.eval(args[1]), (interp.eval(args[2]) if len(args) == 3 else None)


def _explain_form(interp, node):
    from .. import graph_view
    tensor, gradient = explain_arguments(interp, node)
    return graph_view.explain_backward(tensor, gradient, interp.globals)


def tutorial_language(node):
    """The language `tutorial [en|zh]` asks for (a bare word or a string)."""
    import ast
    from ..lessons import Lessons
    language = "en"
    if node is not None and (node.args or node.keywords):
        arg = node.args[0] if len(node.args) == 1 and not node.keywords else None
        language = arg.id if isinstance(arg, ast.Name) else getattr(arg, "value", None)
    if not isinstance(language, str) or language not in Lessons.languages():
        raise UserError(f"tutorial takes a language: {', '.join(Lessons.languages())} (e.g. tutorial zh)")
    return language


def _tutorial_form(interp, node):
    """In a script, `tutorial` prints every step; the prompt walks through them instead."""
    return display.TutorialTour(tutorial_language(node))


# ---- help

def _help_form(interp, node):
    import ast
    if node is None or (not node.args and not node.keywords):
        return display.HelpPage(helptext.overview(interp))
    if len(node.args) != 1 or node.keywords:
        raise UserError("help takes one name: help rand")
    arg = node.args[0]
    word = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else \
        arg.id if isinstance(arg, ast.Name) and not interp.is_defined(arg.id) else None
    if word is None:
        return display.HelpPage(helptext.help_text(interp.eval(arg), interp))
    text = helptext.topic(word, interp)
    if text is None:
        raise UserError(f"no help on {word!r}{helptext.suggestion(word, interp)} "
                        "(help with no name lists the topics)")
    return display.HelpPage(text)


# ---- time

def _time_form(interp, node):
    if node is None or len(node.args) != 1 or node.keywords:
        raise UserError("time takes one statement: time x @ y")
    start = _time.perf_counter()
    value = interp.eval(node.args[0])
    elapsed = _time.perf_counter() - start
    return display.time_taken(elapsed, value)


# ---- plot

PLOT_KEYWORDS = ("title", "legend")


def _plot_form(interp, node):
    """`plot losses [more ...] [title=...] [legend=[...]]`: a special form, so that each
    series drawn from a variable is named by it in the legend."""
    import ast
    from ..plot import USAGE, plot_series
    if node is None or not node.args:
        raise UserError(USAGE)
    options = {}
    for keyword in node.keywords:
        if keyword.arg not in PLOT_KEYWORDS:
            raise UserError(f"plot takes title= and legend=, not {keyword.arg or '**'}")
        options[keyword.arg] = interp.eval(keyword.value)
    values = [interp.eval(arg) for arg in node.args]
    names = [arg.id if isinstance(arg, ast.Name) else None for arg in node.args]
    return plot_series(values, names, **options)


# ---- save

def _save_form(interp, node):
    import ast
    if node is None or not node.args:
        raise UserError('save needs a file name: save "file.npz" x y')
    path = interp.eval(node.args[0])
    if not isinstance(path, str):
        raise UserError('save needs a file name first: save "file.npz" x y')
    items = {}
    for a in node.args[1:]:
        if not isinstance(a, ast.Name):
            raise UserError("save takes variable names (save \"f.npz\" x y) or name=value")
        items[a.id] = interp.eval(a)
    for kw in node.keywords:
        if kw.arg is None:
            raise UserError("save takes variable names or name=value")
        items[kw.arg] = interp.eval(kw.value)
    if not items:
        items = {k: v for k, v in interp.globals.items() if savable(v)}
        if not items:
            raise UserError("there are no tensors or arrays to save")
    written = save_npz(path, items)
    return display.Message(f"saved {', '.join(items)} to {written}\n")


# (name, kind, what runs it, bare: a bare name runs it rather than showing it).
# A Command's entry makes its function for an interpreter; a SpecialForm's is
# given the interpreter with the call's syntax node.
_SHELL_COMMANDS = (
    ("backward", Command, _backward_command, False),
    ("vars", Command, _vars_command, True),
    ("graph", Command, _graph_command, False),
    ("explain", SpecialForm, _explain_form, False),
    ("run", Command, _run_command, False),
    ("load", Command, _load_command, False),
    ("reset", Command, _reset_command, True),
    ("exit", Command, _exit_command, True),
    ("quit", Command, _exit_command, True),
    ("pwd", Command, _pwd_command, True),
    ("cd", Command, _cd_command, True),
    ("tutorial", SpecialForm, _tutorial_form, True),
    ("memory_limit", Command, _memory_limit_command, True),
    ("help", SpecialForm, _help_form, True),
    ("time", SpecialForm, _time_form, False),
    ("plot", SpecialForm, _plot_form, False),
    ("save", SpecialForm, _save_form, False),
)
