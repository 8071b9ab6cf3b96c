"""The two kinds of shell command.  Only classes: the help pages, `vars` and
the compiler tell commands apart by them without loading the commands."""


class Command:
    """A shell command: an ordinary callable with a name and a help text."""

    __slots__ = ("name", "fn", "doc", "bare")

    def __init__(self, name, fn, doc, bare=False):
        self.name = name
        self.fn = fn
        self.doc = doc
        self.bare = bare     # a bare `vars` runs it rather than showing it

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def __repr__(self):
        return f"<shell command {self.name}>"


class SpecialForm:
    """A command that receives its arguments unevaluated (as syntax nodes)."""

    __slots__ = ("name", "run", "doc", "bare")

    def __init__(self, name, run, doc, bare=False):
        self.name = name
        self.run = run        # run(interpreter, call_node) -> value
        self.doc = doc
        self.bare = bare

    def __repr__(self):
        return f"<shell command {self.name}>"
