"""The interactive prompt: prompt_toolkit reads the input, rich draws the output.

The prompt has no evaluation logic of its own: every input goes to
``Session.run_source``, exactly as a script's text does.  What the prompt
adds is the way text gets in and renderables come out:

- input: highlighting (lexer.py), completion (completer.py), Enter that runs
  a complete statement and continues an incomplete one, bracketed paste that
  runs a pasted block as typed (pasted `>>> ` prompts stripped), a history
  file shared by concurrent sessions, Ctrl-C that clears the line or stops
  the running statement, Ctrl-D that leaves, a toolbar with the grad mode;
- output: the session's display and error hooks swapped for rich renderables
  (render.py), and the commands that draw (`vars`, `graph`, `explain`,
  `help`, `tutorial`) swapped for versions that draw with rich.

Only `tensorsh` at a terminal imports this module; scripts, `-c` and pipes
never load prompt_toolkit or rich.
"""
import contextlib
import datetime
import io
import os
import re
import sys
import textwrap

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.history import History, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.lexers import PygmentsLexer
from prompt_toolkit.styles import Style
from rich.text import Text

from . import __version__, builtins, display, files, graph_view, render
from .builtins import Command, SpecialForm
from .completer import TensorshCompleter
from .errors import UserError
from .lexer import TensorshLexer
from .syntax import is_complete

try:
    import fcntl
except ImportError:          # Windows: no advisory locks; appends are still whole lines
    fcntl = None

__all__ = ["main", "Repl", "SharedHistory", "history_path", "open_history", "strip_prompts",
           "indent_for"]

PROMPT = ">>> "
CONTINUATION = "... "
HISTORY_LIMIT = 10_000
MAX_HISTORY_BYTES = 64 * 1024 ** 2      # HISTORY_LIMIT entries fit many times over
HISTORY_VERB = "use the history file"   # as in "cannot use the history file '...': ..."


# ------------------------------------------------------------------ history

def history_path():
    """$XDG_DATA_HOME/tensorsh/history (XDG's default data home is ~/.local/share)."""
    from .confine import history_folder     # the folder the walls let the prompt write
    return os.path.join(history_folder(), "history")


class SharedHistory(History):
    """prompt_toolkit's append-only history file, made safe to share and kept small.

    - Each entry is appended under an exclusive lock, so concurrent sessions
      interleave whole entries and lose none.
    - An entry equal to the previous one is not stored again, and older copies
      of it are dropped from what Up shows (the newest copy wins).
    - When the file holds more than ``limit`` entries it is rewritten with the
      newest ``limit``, under the same lock, at start-up.
    - The file and its lock must be regular files (files.open_checked): a
      folder, a FIFO, a link to a device or an unreadable file raises here, and
      if the file goes bad later the session keeps its history in memory from
      then on, with one warning.
    """

    def __init__(self, filename, limit=HISTORY_LIMIT):
        os.makedirs(os.path.dirname(filename) or ".", exist_ok=True)
        self.filename = filename
        self.limit = limit
        self.lock_path = filename + ".lock"
        self.in_memory_only = False
        with self._locked(), _open_history(filename, append=True):
            pass                        # usable now, or raise for the caller to fall back
        super().__init__()

    def _locked(self):
        if fcntl is None:
            return contextlib.nullcontext()
        lock = files.open_checked(self.lock_path, HISTORY_VERB,
                                  flags=os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        fcntl.flock(lock, fcntl.LOCK_EX)      # released when the file is closed
        return lock

    def _give_up(self, error):
        if not self.in_memory_only:
            self.in_memory_only = True
            _warn_unusable(self.filename, error)

    def load_history_strings(self):
        try:
            with self._locked():
                entries = _read_entries(self.filename)
                if len(entries) > self.limit:
                    entries = entries[-self.limit:]
                    _compact(self.filename, entries)
        except (OSError, UserError) as e:
            self._give_up(e)
            return []
        newest_first, seen = [], set()
        for entry in reversed(entries):
            if entry not in seen:
                seen.add(entry)
                newest_first.append(entry)
        return newest_first

    def append_string(self, string):
        if self._loaded_strings and self._loaded_strings[0] == string:
            return                      # the same line again: nothing new to remember
        if string in self._loaded_strings:
            self._loaded_strings.remove(string)
        super().append_string(string)

    def store_string(self, string):
        if self.in_memory_only:
            return
        lines = "".join(f"+{line}\n" for line in string.split("\n"))
        try:
            with self._locked(), _open_history(self.filename, append=True) as f:
                f.write(f"\n# {datetime.datetime.now()}\n{lines}".encode("utf-8"))
        except (OSError, UserError) as e:
            self._give_up(e)


def _open_history(filename, append=False):
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT if append else os.O_RDONLY
    return files.open_checked(filename, HISTORY_VERB, flags=flags, max_bytes=MAX_HISTORY_BYTES)


def _warn_unusable(filename, error):
    reason = str(error) if isinstance(error, UserError) else \
        f"cannot {HISTORY_VERB} {filename!r}: {error.strerror or error}"
    sys.stderr.write(f"tensorsh: {reason}; this session's history is kept in memory only\n")


def open_history(filename):
    """The prompt's history: shared through filename, or kept in memory (with a
    warning) when that file cannot be used."""
    try:
        return SharedHistory(filename)
    except (OSError, UserError) as e:
        _warn_unusable(filename, e)
        return InMemoryHistory()


def _read_entries(filename):
    """The entries of a FileHistory file, oldest first (lines starting with '+' form an entry)."""
    entries, lines = [], []
    with _open_history(filename) as f:
        data = f.read().decode("utf-8", "replace")
    for line in data.split("\n"):
        if line.startswith("+"):
            lines.append(line[1:])
        elif lines:
            entries.append("\n".join(lines))
            lines = []
    if lines:
        entries.append("\n".join(lines))
    return entries


def _compact(filename, entries):
    """Rewrite the history file with just these entries, atomically."""
    text = "".join("\n# compacted\n" + "".join(f"+{line}\n" for line in entry.split("\n"))
                   for entry in entries)
    try:
        files.write_file(filename, lambda f: f.write(text.encode("utf-8")), lambda f: True,
                         "compact", "the history file")
    except UserError:
        pass        # e.g. the history is a link: it stays long, and still works


# ------------------------------------------------------------------ multi-line input

_PROMPT_LINE = re.compile(r"^(?:>>>|\.\.\.)(?: |$)")


def strip_prompts(text):
    """Pasted text as code: `>>> `/`... ` prompts and the output lines between them
    removed (when the text has prompts), common indentation removed, newlines
    normalised."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if any(line.startswith(">>> ") or line == ">>>" for line in lines):
        lines = [line[4:] if len(line) > 3 else "" for line in lines if _PROMPT_LINE.match(line)]
        text = "\n".join(lines) + ("\n" if text.endswith("\n") else "")
    return textwrap.dedent(text)


def indent_for(text):
    """The indentation of a new line after ``text``: the last line's, one level
    deeper after a `:`."""
    last = text.split("\n")[-1]
    indent = last[:len(last) - len(last.lstrip())]
    if last.rstrip().endswith(":"):
        indent += "    "
    return indent


def _key_bindings(repl):
    kb = KeyBindings()

    @kb.add("enter")
    def _(event):
        """Run a complete statement; continue an incomplete one on a new, indented line.
        With a completion chosen in the menu, Enter takes it and closes the menu."""
        buffer = event.current_buffer
        state = buffer.complete_state
        if state is not None and state.current_completion is not None:
            buffer.complete_state = None
            return
        at_end = not buffer.document.text_after_cursor.strip()
        if at_end and is_complete(buffer.text) != "incomplete":
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n" + indent_for(buffer.document.text_before_cursor))

    @kb.add("escape", "enter")
    def _(event):
        """Esc Enter (Alt-Enter): run what is there, complete or not."""
        event.current_buffer.validate_and_handle()

    @kb.add(Keys.BracketedPaste)
    def _(event):
        """A paste is inserted as code; a paste that ends a line runs as if typed
        (its final newline also ends an open block, as a blank line would)."""
        code = strip_prompts(event.data)
        buffer = event.current_buffer
        ends_line = code.endswith("\n")
        buffer.insert_text(code.rstrip("\n") if ends_line else code)
        if not ends_line:
            return
        if buffer.text.strip() and is_complete(buffer.text + "\n") != "incomplete":
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n" + indent_for(buffer.text))

    return kb


STYLE = Style.from_dict({
    "pygments.keyword": "ansimagenta",
    "pygments.keyword.constant": "ansicyan",
    "pygments.keyword.type": "ansiyellow",
    "pygments.operator.word": "ansimagenta",
    "pygments.name.builtin": "ansiblue",
    "pygments.name.function": "ansiblue bold",
    "pygments.name.namespace": "ansiblue",
    "pygments.literal.number": "ansicyan",
    "pygments.literal.string": "ansigreen",
    "pygments.comment": "ansibrightblack italic",
    "bottom-toolbar": "noreverse bg:default ansibrightblack",
    "prompt": "ansigreen bold",
    "continuation": "ansibrightblack",
})


def _lexer_for(session):
    """TensorshLexer knowing the session's builtins and which names hold values."""
    namespace, builtins = session.namespace, session.builtins

    def is_value(name):
        value = namespace.get(name)
        return value is not None and not callable(value)

    class SessionLexer(TensorshLexer):
        def __init__(self, **options):
            super().__init__(builtins=builtins.keys(), is_value=is_value, **options)

    return PygmentsLexer(SessionLexer)


# ------------------------------------------------------------------ the prompt

class Repl:
    """One interactive session: a PromptSession over a tensorsh Session."""

    def __init__(self, session, *, history=True, history_file=None, input=None, output=None,
                 stdout=None, color=None):
        self.session = session
        color = session.color if color is None else color
        out = stdout or sys.stdout
        self.console = render.make_console(file=out, color=color)
        self.error_console = render.make_console(file=sys.stderr if stdout is None else out, color=color)
        self.tutorial = None
        self._tutorial_fresh = False
        history_store = open_history(history_file or history_path()) if history else InMemoryHistory()
        self.prompt_session = PromptSession(
            message=[("class:prompt", PROMPT)],
            prompt_continuation=lambda width, line, wrap: [("class:continuation", CONTINUATION)],
            multiline=True,
            key_bindings=_key_bindings(self),
            lexer=_lexer_for(session),
            completer=TensorshCompleter(session),
            complete_while_typing=True,
            auto_suggest=AutoSuggestFromHistory(),
            history=history_store,
            enable_history_search=False,
            bottom_toolbar=self.toolbar,
            style=STYLE,
            include_default_pygments_style=False,
            input=input,
            output=output,
        )
        self._install_hooks()

    # -- output: the session's hooks and drawing commands, rich at the prompt
    def _install_hooks(self):
        session = self.session
        session.display_hook = self.show_value
        session.error_hook = self.show_error
        session.warning_hook = self.show_error
        original_help = session.builtins.get("help")
        doc = {name: session.builtins[name].doc for name in ("vars", "graph", "explain", "tutorial")}
        commands = [
            Command("vars", self.cmd_vars, doc["vars"], bare=True),
            Command("graph", self.cmd_graph, doc["graph"]),
            SpecialForm("explain", self.cmd_explain, doc["explain"]),
            SpecialForm("tutorial", self.cmd_tutorial, doc["tutorial"], bare=True),
        ]
        if isinstance(original_help, SpecialForm):
            commands.append(SpecialForm("help", self._captured(original_help.run, render.help_renderable),
                                        original_help.doc, bare=True))
        for command in commands:
            session.builtins[command.name] = command

    def _captured(self, run, renderer):
        """A SpecialForm's run whose plain output is drawn by ``renderer`` instead."""
        def draw(interp, node):
            saved, buffer = self.session.stdout, io.StringIO()
            self.session.stdout = buffer
            try:
                value = run(interp, node)
            finally:
                self.session.stdout = saved
            if buffer.getvalue():
                self.console.print(renderer(buffer.getvalue()))
            return value
        return draw

    def show_value(self, value):
        text = display.format_value(value)
        if text is None:
            return
        try:
            self.console.print(render.value_renderable(value, text, screen_height=self.console.size.height),
                               soft_wrap=True)
        except KeyboardInterrupt:
            self.console.print(Text("KeyboardInterrupt (output stopped)", style="tsh.warning"))

    def show_error(self, error):
        self.console.file.flush()
        self.error_console.print(render.error_renderable(error), soft_wrap=True)

    def toolbar(self):
        settings = self.session.interp.engine_settings     # the session's, not the process's
        if settings is None:
            grad, dtype = "?", "?"
        else:
            grad = "on" if settings.grad_enabled else "off"
            dtype = str(settings.default_dtype).replace("torch.", "")
        where = f"tutorial {self.tutorial.position()} · next, back, quit · " if self.tutorial else ""
        return (f" {where}device cpu · dtype {dtype} · grad {grad} · {len(self.session.namespace)} variables"
                " · Tab completes · Ctrl-R searches · Ctrl-D exits")

    # -- the drawing commands
    def cmd_vars(self):
        self.console.print(render.vars_table(self.session.namespace))

    def cmd_graph(self, tensor=None, dot=None):
        graph, note = builtins.graph_command(tensor, dot, self.session.namespace)
        self.console.print(Text(note) if note else render.graph_renderable(graph))

    def cmd_explain(self, interp, node):
        tensor, gradient = builtins.explain_arguments(interp, node)
        explanation = graph_view.explain_backward(tensor, gradient, self.session.namespace)
        self.console.print(render.explanation_renderable(explanation))

    def cmd_tutorial(self, interp, node):
        from .tutorial import Tutorial
        self.tutorial = Tutorial(builtins.tutorial_language(node))
        self._tutorial_fresh = True
        self.console.print(self.tutorial.intro())
        return None

    # -- the loop
    def read(self):
        """One input from the user (raises KeyboardInterrupt / EOFError)."""
        default = ""
        if self.tutorial is not None and self._tutorial_fresh:
            self.console.print(self.tutorial.current_renderable())
            default = self.tutorial.current().code
            self._tutorial_fresh = False
        return self.prompt_session.prompt(default=default)

    def run_text(self, text):
        """Run one input; returns the RunResult, or None when nothing ran."""
        if self.tutorial is not None and self.tutorial_command(text.strip()):
            return None
        if not text.strip():
            return None
        try:
            result = self.session.run_source(text, "<input>")
        except KeyboardInterrupt:       # between statements, or while drawing
            self.console.print(Text("KeyboardInterrupt", style="tsh.warning"))
            return None
        if self.tutorial is not None and result.ok and not self._tutorial_fresh:
            self.check_tutorial()
        return result

    def tutorial_command(self, word):
        """next / back / quit while the tutorial runs; True when the word was one."""
        tutorial = self.tutorial
        if word in ("next", "n"):
            self._tutorial_fresh = tutorial.advance()
        elif word in ("back", "b"):
            self._tutorial_fresh = tutorial.back()
        elif word in ("quit", "q"):
            self._tutorial_fresh = False
        else:
            return False
        if not self._tutorial_fresh:
            self.console.print(tutorial.farewell())
            self.tutorial = None
        return True

    def check_tutorial(self):
        passed, message = self.tutorial.check(self.session)
        self.console.print(message)
        if passed:
            self._tutorial_fresh = self.tutorial.advance()
            if not self._tutorial_fresh:
                self.console.print(self.tutorial.farewell())
                self.tutorial = None

    def run(self):
        """Read, run, show, until Ctrl-D or `exit`; returns the exit status."""
        self.console.print(Text(
            f"tensorsh {__version__}: tensors and autograd. "
            "help for help, tutorial (or tutorial zh) for a guided tour, Ctrl-D to leave.",
            style="dim"))
        while True:
            try:
                text = self.read()
            except KeyboardInterrupt:
                continue                # the line is cleared; nothing else changes
            except EOFError:
                return 0
            result = self.run_text(text)
            if result is not None and result.exit_code is not None:
                return result.exit_code


def main(session, *, history=True, history_file=None):
    """The interactive shell over ``session``; returns the exit status.

    ``history=False`` (the CLI's --no-history, or TENSORSH_NO_HISTORY=1) keeps
    the history in memory only.
    """
    if os.environ.get("TENSORSH_NO_HISTORY"):
        history = False
    return Repl(session, history=history, history_file=history_file).run()
