"""The prompt's editing keys, as Python, IPython and ptpython users expect them.

- Enter runs a complete input wherever the cursor is in a one-line input (Up,
  fix a character, Enter); in a longer input it runs when nothing but blanks
  follows the cursor, and otherwise continues on a new, indented line.  With a
  completion chosen in the menu it takes that completion; with the menu open
  and nothing chosen it closes the menu and carries on as above.
- Enter in Ctrl-R's search field accepts the match and runs it, as in bash
  and IPython.
- Tab completes: a single candidate is inserted and the menu closed; in the
  line's indentation Tab indents by four spaces.
- Backspace in a line's indentation removes one level (four spaces).
- A new line is indented one level deeper after a `:`, one level shallower
  after `return`, `pass`, `break`, `continue` or `raise`.
- Text pasted without bracketed paste (an old terminal, a terminal inside
  tmux or screen without it) arrives as typed keys in one read: its own
  indentation is kept rather than doubled, and a blank line inside a pasted
  block does not end the block when the block goes on after it.
- Bracketed paste inserts the text as code (`>>> `/`... ` prompts stripped)
  and runs it when it ends a line.
"""
import re

from prompt_toolkit.application.current import get_app
from prompt_toolkit.enums import DEFAULT_BUFFER
from prompt_toolkit.filters import Condition, has_focus, has_selection, is_searching
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.search import accept_search

from ..language.syntax import is_complete
from ..language.transcript import strip_prompts

__all__ = ["key_bindings", "strip_prompts", "indent_for", "INDENT"]

INDENT = "    "

# A statement after which the next line leaves the block it is in.
_DEDENTING = re.compile(r"^\s*(?:return|pass|break|continue|raise)\b")


def indent_for(text):
    """The indentation of a new line after ``text``: the last line's, one level
    deeper after a `:`, one level shallower after a statement that leaves its
    block (`return`, `pass`, `break`, `continue`, `raise`)."""
    last = text.split("\n")[-1]
    indent = last[:len(last) - len(last.lstrip())]
    if last.rstrip().endswith(":"):
        indent += INDENT
    elif _DEDENTING.match(last):
        indent = indent[:-len(INDENT)]
    return indent


# ------------------------------------------------------------------ what is still to come

def pending_text(event):
    """The text of the keys that arrived with this one and are not yet handled.

    A person types one key per read; a paste without bracketed paste arrives
    as many keys in one read, so the keys still queued behind an Enter are
    the rest of the pasted text (Enter as a newline).  Stops at the first key
    that is not text."""
    chars = []
    for press in event.app.key_processor.input_queue:
        if press.key in (Keys.ControlM, Keys.ControlJ):
            chars.append("\n")
        elif len(press.key) == 1:
            chars.append(press.key)
        else:
            break
    return "".join(chars)


def _next_line(event):
    """(the next line of pending text, '' when none; whether any text is pending)."""
    pending = pending_text(event)
    return pending.split("\n", 1)[0], bool(pending)


# ------------------------------------------------------------------ Enter

def _close_menu(buffer):
    """Take the completion chosen in the menu (True), or close a menu with
    nothing chosen (False: Enter goes on to do what it does without a menu)."""
    state = buffer.complete_state
    if state is None:
        return False
    if state.current_completion is not None:
        buffer.apply_completion(state.current_completion)
        return True
    buffer.cancel_completion()
    return False


def _runs(document):
    """Whether Enter runs the input: it is empty, or complete with the cursor
    in a one-line input or nothing but blanks after it."""
    text = document.text
    if not text.strip():
        return True             # an empty input: a fresh prompt, as Python gives
    if is_complete(strip_prompts(text)) == "incomplete":
        return False
    return "\n" not in text or not document.text_after_cursor.strip()


def _new_line(event):
    """Enter that does not run: a line break, indented for what comes next.

    In the middle of a line the rest moves down unindented (ptpython's rule).
    When more text is pending (a paste), an indented next line brings its own
    indentation and a line at the left edge stays there."""
    buffer = event.current_buffer
    document = buffer.document
    if document.current_line_after_cursor.strip():
        buffer.insert_text("\n")
        return
    next_line, pasting = _next_line(event)
    if pasting and next_line[:1].isspace():
        buffer.insert_text("\n")
    elif pasting and next_line and not document.current_line.rstrip().endswith(":"):
        buffer.insert_text("\n")
    else:
        buffer.insert_text("\n" + indent_for(document.text_before_cursor))


def _blank_line_inside_paste(event):
    """A blank line in a pasted block whose next line is still indented: the
    block goes on, so this blank line does not end it."""
    buffer = event.current_buffer
    if buffer.document.current_line.strip() or "\n" not in buffer.text:
        return False
    next_line, pasting = _next_line(event)
    return pasting and next_line[:1].isspace()


def _enter(event):
    buffer = event.current_buffer
    if _close_menu(buffer):
        return
    if _runs(buffer.document) and not _blank_line_inside_paste(event):
        buffer.validate_and_handle()
    else:
        _new_line(event)


def _run_as_it_is(event):
    """Esc Enter (Alt-Enter): run what is there, complete or not (to see its error)."""
    event.current_buffer.validate_and_handle()


def _enter_in_search(event):
    """Accept the match Ctrl-R found and run it (bash's and IPython's Enter);
    an incomplete match stays at the prompt to be finished."""
    accept_search()
    buffer = event.app.current_buffer
    if buffer.text.strip() and is_complete(buffer.text) != "incomplete":
        buffer.validate_and_handle()


# ------------------------------------------------------------------ Tab and Backspace

@Condition
def in_indentation():
    """The cursor is in a line's leading blanks, after at least one of them."""
    before = get_app().current_buffer.document.current_line_before_cursor
    return bool(before) and not before.strip()


def _tab(event):
    """Indent in the indentation; otherwise complete: a single candidate is
    inserted and closes the menu, several share their common prefix first,
    then Tab steps through them."""
    buffer = event.current_buffer
    if not buffer.document.current_line_before_cursor.strip():
        buffer.insert_text(INDENT)
        return
    state = buffer.complete_state
    if state is None:
        buffer.start_completion(insert_common_part=True)
    elif len(state.completions) == 1:
        buffer.apply_completion(state.completions[0])
    else:
        buffer.complete_next()


def _backspace_in_indentation(event):
    """Back to the previous indentation level (a multiple of four columns)."""
    buffer = event.current_buffer
    width = len(buffer.document.current_line_before_cursor)
    buffer.delete_before_cursor((width - 1) % len(INDENT) + 1)


# ------------------------------------------------------------------ paste

def _bracketed_paste(event):
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


def key_bindings():
    """The prompt's own keys, over prompt_toolkit's Emacs bindings."""
    kb = KeyBindings()
    editing = has_focus(DEFAULT_BUFFER) & ~has_selection
    kb.add("enter", filter=editing)(_enter)
    kb.add("enter", filter=is_searching)(_enter_in_search)
    kb.add("escape", "enter", filter=editing)(_run_as_it_is)
    kb.add("tab", filter=editing)(_tab)
    kb.add("backspace", filter=editing & in_indentation)(_backspace_in_indentation)
    kb.add(Keys.BracketedPaste)(_bracketed_paste)
    return kb

