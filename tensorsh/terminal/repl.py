"""The interactive prompt: prompt_toolkit reads the input, rich draws the output.

The prompt has no evaluation logic of its own: every input goes to
``Session.run_source``, exactly as a script's text does.  What the prompt
adds is the way text gets in and renderables come out:

- input: highlighting (lexer.py), completion (completer.py), the editing
  keys (keys.py: Enter, Tab, Backspace, Ctrl-R, pastes), IPython's forms
  rewritten before the language sees them (inputs.py: `x?`, `%timeit`,
  `>>> ` prompts), a history file shared by concurrent sessions, Ctrl-C that
  clears the line or stops the running statement, Ctrl-D that leaves, a
  toolbar with the grad mode;
- output: the session's display, error and show hooks swapped for rich:
  values and errors as render.py draws them, and what commands return
  (`vars`, `graph`, `explain`, `help`, `time` ...) through render.RichFormatter,
  the same display objects a script shows with the plain formatter.  Only
  `tutorial` differs: at the prompt it walks through the lessons.

Only `tensorsh` at a terminal imports this module; scripts, `-c` and pipes
never load prompt_toolkit or rich.
"""
import os
import sys

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.enums import DEFAULT_BUFFER
from prompt_toolkit.filters import Condition, has_focus, is_done
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.layout.processors import ConditionalProcessor, HighlightMatchingBracketProcessor
from prompt_toolkit.lexers import PygmentsLexer
from prompt_toolkit.styles import Style
from prompt_toolkit.utils import get_cwidth
from rich.text import Text

from .. import __version__
from ..language import display
from . import render
from .completer import TensorshCompleter
from .history import history_path, open_history
from .inputs import prompt_input
from .keys import indent_for, key_bindings, strip_prompts
from .lexer import TensorshLexer
from .pager import MORE, Pager
from .tutorial import Tutorial

__all__ = ["main", "Repl", "strip_prompts", "indent_for"]

# The status bar's words when no tutorial runs (the tutorial's own language when one does).
STATUS_WORDS = Tutorial("en")

PROMPT = ">>> "
CONTINUATION = "... "


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
    "matching-bracket.cursor": "bold underline",
    "matching-bracket.other": "bold underline",
})

# The bracket under (or just before) the cursor and its partner, as ptpython shows them.
MATCHING_BRACKETS = ConditionalProcessor(HighlightMatchingBracketProcessor(chars="[](){}"),
                                         has_focus(DEFAULT_BUFFER) & ~is_done)


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
        self.formatter = render.RichFormatter()
        self.tutorial = None
        self._tutorial_fresh = False
        self.pager = Pager()
        history_store = open_history(history_file or history_path()) if history else InMemoryHistory()
        self.prompt_session = PromptSession(
            message=[("class:prompt", PROMPT)],
            prompt_continuation=lambda width, line, wrap: [("class:continuation", CONTINUATION)],
            multiline=True,
            key_bindings=merge_key_bindings([key_bindings(), self.tutorial_keys()]),
            input_processors=[MATCHING_BRACKETS],
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

    # -- output: the session's hooks, rich at the prompt
    def _install_hooks(self):
        session = self.session
        session.display_hook = self.show_value
        session.show_hook = self.show
        session.error_hook = self.show_error
        session.warning_hook = self.show_error

    def show_value(self, value):
        text = display.format_value(value)
        if text is None:
            return
        try:
            self.print_paged(render.value_renderable(value, text, screen_height=self.console.size.height),
                             soft_wrap=True)
        except KeyboardInterrupt:
            self.console.print(Text("KeyboardInterrupt (output stopped)", style="tsh.warning"))

    def print_paged(self, drawn, soft_wrap=False):
        """A value or a command's output, a screen at a time (pager.py)."""
        if isinstance(drawn, str):
            text = drawn
        else:
            with self.console.capture() as captured:
                self.console.print(drawn, soft_wrap=soft_wrap)
            text = captured.get()
        self.show_page(self.pager.start(text, self.console.size.height))

    def show_page(self, page):
        text, footer = page
        self.console.file.write(text)
        if footer is not None:
            self.console.print(Text(footer, style="tsh.footer"))

    def show_error(self, error):
        """The error block, its message and help lines wrapped at word boundaries
        to the terminal's width; the source line and its caret never rewrapped,
        so the caret stays under what it points at."""
        self.console.file.flush()
        for line in render.error_renderable(error).split("\n"):
            gutter = line.plain[:line.plain.find("|") + 1] if "|" in line.plain else ""
            is_source = (gutter and not gutter[:-1].strip(" 0123456789")) or "-->" in line.plain
            self.error_console.print(line, soft_wrap=bool(is_source))

    def toolbar(self, width=None):
        """The status bar: the grad mode, dtype and keys, in the tutorial's
        language while one runs; items that do not fit the width are left
        off whole, from the last, so no word is ever cut."""
        settings = self.session.interp.engine_settings     # the session's, not the process's
        if settings is None:
            grad, dtype = "?", "?"
        else:
            grad = "on" if settings.grad_enabled else "off"
            dtype = str(settings.default_dtype).replace("torch.", "")
        phrases = (self.tutorial or STATUS_WORDS).phrases
        items = phrases["status"].format(device="cpu", dtype=dtype, grad=grad,
                                         count=len(self.session.namespace)).split(" · ")
        if self.tutorial is not None:
            items[:0] = phrases["status_tutorial"].format(position=self.tutorial.position()).split(" · ")
        width = width or self.prompt_session.output.get_size().columns
        while len(items) > 1 and get_cwidth(" " + " · ".join(items)) > width:
            items.pop()
        return " " + " · ".join(items)

    def show(self, shown):
        """What a command returned, drawn by the rich formatter; `tutorial`
        starts the walk through its lessons instead of printing them."""
        if isinstance(shown, display.TutorialTour):
            self.start_tutorial(shown.language)
            return
        self.print_paged(self.formatter.format(shown))

    def start_tutorial(self, language):
        self.tutorial = Tutorial(language)
        self.formatter.language = language   # explain speaks the tutorial's language
        self._tutorial_fresh = True
        self.console.print(self.tutorial.intro())

    def end_tutorial(self):
        self.console.print(self.tutorial.farewell())
        self.tutorial = None
        self.formatter.language = "en"

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
        if self.pager.waiting:
            if text.strip() in ("", MORE):
                self.show_page(self.pager.next(self.console.size.height))
                return None
            self.pager.drop()
        if self.tutorial is not None and self.tutorial_command(text):
            return None
        if not text.strip():
            return None
        code, error = prompt_input(text)
        if error is not None:
            self.show_error(error)
        if code is None:
            return None
        try:
            result = self.session.run_source(code, "<input>")
        except KeyboardInterrupt:       # between statements, or while drawing
            self.console.print(Text("KeyboardInterrupt", style="tsh.warning"))
            return None
        if self.tutorial is not None and result.ok and not self._tutorial_fresh:
            self.check_tutorial()
        return result

    def tutorial_keys(self):
        """Page Down and Page Up step through the tutorial while it runs, with
        the step's code still at the prompt (they input `next` and `back`,
        which stay out of the history)."""
        kb = KeyBindings()
        touring = Condition(lambda: self.tutorial is not None) & has_focus(DEFAULT_BUFFER)
        for key, word in (("pagedown", "next"), ("pageup", "back")):
            kb.add(key, filter=touring)(lambda event, word=word: event.app.exit(result=word))
        return kb

    def tutorial_command(self, text):
        """next / back / again / quit while the tutorial runs, typed alone or
        after the step's code still at the prompt; True when the input was one."""
        tutorial = self.tutorial
        word = tutorial.command_in(text)
        if word == "next":
            self._tutorial_fresh = tutorial.advance()
        elif word in ("back", "again"):
            self._tutorial_fresh = tutorial.back() if word == "back" else True
        elif word == "quit":
            self._tutorial_fresh = False
        else:
            return False
        if not self._tutorial_fresh:
            self.end_tutorial()
        return True

    def check_tutorial(self):
        passed, message = self.tutorial.check(self.session)
        self.console.print(message)
        if passed:
            self._tutorial_fresh = self.tutorial.advance()
            if not self._tutorial_fresh:
                self.end_tutorial()

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
