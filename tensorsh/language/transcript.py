"""Text copied from a session transcript (`>>> ` and `... ` prompts, the
values printed between them), as code.

The README, the tutorials and PyTorch's documentation show code as a
session: pasted at the prompt, typed with its prompts, or piped to
`tensorsh -`, it runs as the code it shows.  The prompt (tensorsh.terminal)
and the command line (tensorsh.cli) both use this, so it sits in the
language layer, which imports no terminal library.
"""
import re
import textwrap

__all__ = ["strip_prompts", "starts_as_transcript"]

_PROMPT_LINE = re.compile(r"^(?:>>>|\.\.\.)(?: |$)")


def _is_first_prompt(line):
    return line.startswith(">>> ") or line == ">>>"


def strip_prompts(text):
    """``text`` as code: `>>> `/`... ` prompts and the output lines between
    them removed (when the text has prompts), common indentation removed,
    newlines normalised."""
    text = textwrap.dedent(text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = text.split("\n")
    if any(_is_first_prompt(line) for line in lines):
        lines = [line[4:] if len(line) > 3 else "" for line in lines if _PROMPT_LINE.match(line)]
        text = "\n".join(lines) + ("\n" if text.endswith("\n") else "")
    return textwrap.dedent(text)


def starts_as_transcript(text):
    """Whether the text's first line that is not blank is a `>>> ` prompt: a
    transcript, not a script that merely holds a `>>> ` in a string."""
    first = next((line for line in textwrap.dedent(text).split("\n") if line.strip()), "")
    return _is_first_prompt(first)
