"""Long output at the prompt, a screen at a time.

A help page or a tall tensor printed whole scrolls the question (and the
prompt's own input) off the screen.  The prompt shows one screen of it and a
footer saying how much there is; an empty Enter (or `more`) shows the next
screen, any other input drops the rest.  No external pager: the sandbox runs
no programs, so `less` is out of reach, and a pager of our own needs nothing.

Scripts, pipes and `print` never page: only what the prompt itself shows
(values, command output) comes through here.
"""

__all__ = ["Pager"]

MORE = "more"


class Pager:
    """The lines of the last long output not yet shown."""

    def __init__(self):
        self.rest = []          # lines still to show, with their colour codes
        self.total = 0          # lines in the whole output
        self.shown = 0          # lines shown so far

    def start(self, text, height):
        """The first screen of ``text``, as `next` gives it; what does not fit
        waits for the next call of `next`."""
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        self.rest, self.total, self.shown = lines, len(lines), 0
        return self.next(height)

    def next(self, height):
        """(the next screen's text, the footer line or None when nothing remains)."""
        room = max(3, height - 2)           # the footer and the prompt stay on screen
        if len(self.rest) <= room + 1:      # a footer in place of one line would save nothing
            page, self.rest = self.rest, []
        else:
            page, self.rest = self.rest[:room], self.rest[room:]
        first = self.shown + 1
        self.shown += len(page)
        footer = None
        if self.rest:
            footer = (f"── lines {first}-{self.shown} of {self.total}: Enter (or {MORE}) shows more, "
                      "anything else goes on ──")
        return "\n".join(page) + "\n", footer

    @property
    def waiting(self):
        return bool(self.rest)

    def drop(self):
        self.rest = []
