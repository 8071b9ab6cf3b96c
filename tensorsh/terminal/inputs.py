"""What the prompt accepts beyond the language, rewritten before the language sees it.

IPython's way: the prompt rewrites a line such as `x?` into the call it
means before the code runs, so the language itself stays Python's.

- A transcript typed or pasted with its `>>> `/`... ` prompts is its code.
- `x?`, `x.view?`, `torch.matmul?` and `x??` are `help(...)` (IPython's
  forms; `?x` is the language's own).
- IPython's magics and shell escapes (`%timeit`, `%cd`, `!ls`) run nothing:
  they get one line naming the tensorsh form.
"""
import re

from ..language.errors import TshError
from ..language.transcript import starts_as_transcript, strip_prompts

__all__ = ["prompt_input"]

_HELP_SUFFIX = re.compile(r"^\s*\??\s*([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)\s*\?\??\s*$")
_MAGIC = re.compile(r"^\s*(%%?|!)\s*(\w*)\s*(.*?)\s*$", re.DOTALL)

# IPython's magics with a tensorsh form: magic -> the form, given the rest of the line.
_TENSORSH_FORMS = {
    "timeit": lambda rest: f"time {rest or 'x @ y'}",
    "time": lambda rest: f"time {rest or 'x @ y'}",
    "cd": lambda rest: f'cd "{rest}"' if rest else 'cd "folder"',
    "pwd": lambda rest: "pwd",
    "run": lambda rest: f'run "{rest}"' if rest else 'run "file.tsh"',
    "reset": lambda rest: "reset",
    "who": lambda rest: "vars",
    "whos": lambda rest: "vars",
}


def _magic_error(text):
    """The one-line answer to an IPython magic or shell escape, or None when
    the text is neither."""
    match = _MAGIC.match(text)
    if match is None or "\n" in text.strip():
        return None
    sigil, name, rest = match.groups()
    if sigil == "!":
        return TshError(f"!{name} would run a system command, which tensorsh never does",
                        hint="pwd and cd show and change the working folder; save, load and run use it")
    form = _TENSORSH_FORMS.get(name)
    if form is None:
        return TshError(f"{sigil}{name} is an IPython magic; tensorsh has none",
                        hint="help lists tensorsh's commands")
    return TshError(f"{sigil}{name} is an IPython magic; tensorsh has none", hint=f"in tensorsh: {form(rest)}")


def prompt_input(text):
    """An input typed at the prompt -> (code to run, or None; an error to show, or None)."""
    if starts_as_transcript(text):
        text = strip_prompts(text)
    if text.lstrip().startswith(("%", "!")):
        return None, _magic_error(text)
    match = _HELP_SUFFIX.match(text)
    if match is not None:
        return f"help({match.group(1)})", None
    return text, None
