"""`tutorial`: the seed tutorial's lessons as an interactive walk-through.

The lessons live in tutorial_data/: ``steps.txt`` holds each step's code and
the check that says it worked (one copy for every language), and one file
per language (``en.txt``, ``zh.txt``) holds the words.  A step explains an
idea, puts its code at the prompt for the user to run or edit, and checks
the session afterwards; the REPL (repl.py) drives the walk.

Parsing and checking are plain Python; the rich panels are built only when
drawn.
"""
import os
import re

from .syntax import is_complete

__all__ = ["Step", "Tutorial"]

DATA = os.path.join(os.path.dirname(__file__), "tutorial_data")
_STEP_HEADER = re.compile(r"^\[([\w.]+)\]\s*(.*)$")


class Step:
    __slots__ = ("id", "lesson", "title", "text", "code", "check")

    def __init__(self, id, code, check):
        self.id = id
        self.code = code        # as put at the prompt
        self.check = check      # a tensorsh expression, or None: running without error is enough
        self.lesson = self.title = self.text = ""


def _read(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if not line.startswith("# ")]


def _parse_steps():
    """steps.txt -> [Step] in order, with code and checks."""
    steps, current, lines = [], None, []

    def finish():
        if current is None:
            return
        check = None
        while lines and not lines[-1].strip():
            lines.pop()
        if lines and lines[-1].startswith("check: "):
            check = lines.pop()[len("check: "):]
        code = "\n".join(lines).strip("\n")
        # A step ending inside a block gets the blank line that ends it, so Enter runs it.
        if is_complete(code) == "incomplete":
            code += "\n"
        steps.append(Step(current, code, check))

    for line in _read("steps.txt"):
        header = _STEP_HEADER.match(line)
        if header:
            finish()
            current, lines = header.group(1), []
        elif current is not None:
            lines.append(line)
    finish()
    return steps


def _parse_words(language):
    """<language>.txt -> (interface phrases, {step id: (lesson, title, text)})."""
    phrases, words = {}, {}
    lesson, current, text = "", None, []

    def finish():
        if current is not None:
            words[current[0]] = (current[1], current[2], "\n".join(text).strip())

    for line in _read(f"{language}.txt"):
        if line.startswith("= "):
            key, _, value = line[2:].partition(": ")
            phrases[key] = value
        elif line.startswith("## "):
            finish()
            lesson, current, text = line[3:].strip(), None, []
        elif _STEP_HEADER.match(line):
            finish()
            m = _STEP_HEADER.match(line)
            current, text = (m.group(1), lesson, m.group(2)), []
        else:
            text.append(line)
    finish()
    return phrases, words


class Tutorial:
    """A walk through the steps in one language, remembering where the user is."""

    def __init__(self, language="en"):
        self.language = language
        self.phrases, words = _parse_words(language)
        self.steps = _parse_steps()
        for step in self.steps:
            step.lesson, step.title, step.text = words[step.id]
        self.index = 0

    @staticmethod
    def languages():
        return sorted(name[:-4] for name in os.listdir(DATA) if name.endswith(".txt") and name != "steps.txt")

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

    def as_text(self):
        """Every step as plain text, for `tutorial` in a script: heading, explanation, code."""
        out = [self.phrases["printed"], ""]
        for number, step in enumerate(self.steps, 1):
            out.append(f"{step.lesson} · {step.title} ({number}/{len(self.steps)})")
            out.append(step.text)
            out.append("")
            out.extend("    " + line if line else "" for line in step.code.rstrip("\n").split("\n"))
            out.append("")
        return "\n".join(out)

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
