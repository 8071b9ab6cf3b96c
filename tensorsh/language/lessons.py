"""The seed tutorial's lessons, as text.

The lessons live in tutorial_data/: ``steps.txt`` holds each step's code and
the check that says it worked (one copy for every language), and one file
per language (``en.txt``, ``zh.txt``) holds the words.  A script's
`tutorial` prints them all (``Lessons.as_text``); the prompt walks through
them one step at a time (tensorsh.terminal.tutorial).
"""
import os
import re

from .syntax import is_complete

__all__ = ["Step", "Lessons"]

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


class Lessons:
    """The steps with their words in one language."""

    def __init__(self, language="en"):
        self.language = language
        self.phrases, words = _parse_words(language)
        self.steps = _parse_steps()
        for step in self.steps:
            step.lesson, step.title, step.text = words[step.id]

    @staticmethod
    def languages():
        return sorted(name[:-4] for name in os.listdir(DATA) if name.endswith(".txt") and name != "steps.txt")

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
