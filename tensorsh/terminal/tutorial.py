"""`tutorial` at the prompt: the lessons as an interactive walk-through.

A step explains an idea, puts its code at the prompt for the user to run or
edit, and checks the session afterwards; the REPL (repl.py) drives the walk.
The lessons themselves (tensorsh.language.lessons) are plain text; the rich
panels are built here, only when drawn.
"""
import re

from ..language.lessons import Lessons

__all__ = ["Tutorial"]


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
        return False, self._note(f"{self.phrases['failed']} {step.check}", "yellow")

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
