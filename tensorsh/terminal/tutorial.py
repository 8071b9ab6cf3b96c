"""`tutorial` at the prompt: the lessons as an interactive walk-through.

A step explains an idea, puts its code at the prompt for the user to run or
edit, and checks the session afterwards; the REPL (repl.py) drives the walk.
The lessons themselves (tensorsh.language.lessons) are plain text; the rich
panels are built here, only when drawn.
"""
import keyword
import re

from ..language.lessons import Lessons

__all__ = ["Tutorial"]

# A name in a check, not an attribute after a dot, nor a string's word.
_NAME = re.compile(r"(?<![.\w'\"])([A-Za-z_]\w*)")


class Tutorial(Lessons):
    """A walk through the steps in one language, remembering where the user is."""

    def __init__(self, language="en"):
        super().__init__(language)
        self.index = 0

    def current(self):
        return self.steps[self.index]

    def position(self):
        return f"{self.index + 1}/{len(self.steps)}"

    def advance(self):
        """Go to the next step; False when there is none."""
        self.index += 1
        return self.index < len(self.steps)

    def back(self):
        self.index = max(0, self.index - 1)
        return True

    COMMANDS = ("next", "back", "again", "quit")

    def command_in(self, text):
        """The tutorial command an input is (None when it is code): the word
        alone, or typed after the step's code that was put at the prompt."""
        text = text.strip()
        code = self.current().code.strip()
        if text.startswith(code) and text[len(code):].strip() in self.COMMANDS:
            text = text[len(code):].strip()
        return text if text in self.COMMANDS else None

    def check(self, session):
        """(passed, message) after the user ran something at this step."""
        step = self.current()
        if step.check is None:
            return True, self._note(self.phrases["passed"], "green")
        try:
            passed = bool(session.eval_expression(step.check, "<tutorial check>"))
        except Exception:           # a name not defined yet, a wrong type...: not done yet
            passed = False
        if passed:
            return True, self._note(self.phrases["passed"], "green")
        names = ", ".join(self.checked_names(session))
        return False, self._note(self.phrases["failed"].format(names=names), "yellow")

    def checked_names(self, session):
        """The user's variables a step's check looks at (`rand_x`), in order:
        what a failed check names, in place of the check's own code."""
        names = []
        for match in _NAME.finditer(self.current().check):
            name = match.group(1)
            if name not in session.builtins and not keyword.iskeyword(name) and name not in names:
                names.append(name)
        return names

    # -- drawing (rich, imported only here)
    def intro(self):
        from rich.text import Text
        return Text(self.phrases["intro"], style="bold")

    def farewell(self):
        return self._note(self.phrases["finished"] if self.index >= len(self.steps) else self.phrases["left"],
                          "bold")

    def current_renderable(self):
        from rich.panel import Panel
        from rich.text import Text
        step = self.current()
        body = Text()
        for piece in re.split(r"(`[^`]+`)", step.text):
            body.append(piece[1:-1] if piece.startswith("`") else piece,
                        style="cyan" if piece.startswith("`") else "")
        body.append("\n\n" + self.phrases["run"], style="dim")
        title = Text(f"{step.lesson} · {step.title} ({self.position()})", style="bold")
        return Panel(body, title=title, title_align="left", border_style="blue")

    @staticmethod
    def _note(text, style):
        from rich.text import Text
        return Text(text, style=style)
