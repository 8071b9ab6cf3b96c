"""The frames user code runs in.

A frame is a plain dict: a function call's (or a comprehension's, or a class
body's) variables by name, and under two more keys the frame it is nested in
(ENCLOSING: None for the top level, whose variables are the session's globals)
and, in a call's frame, the UserFunction it runs (FUNCTION: super() finds the
method's class and first argument there, and a look-up made at run time the
names the function makes local).  The two keys are not strings, so no
variable is ever named by them; and a call's frame is one dict, made in one
step, where a frame object holding a dict would cost a second object and its
`__init__` on every call.
"""


class _FrameKey:
    """One of a frame's two keys that are not variables."""

    __slots__ = ("what",)

    def __init__(self, what):
        self.what = what

    def __repr__(self):
        return f"<the frame's {self.what}>"


ENCLOSING = _FrameKey("enclosing frame")
FUNCTION = _FrameKey("function")


def new_frame(enclosing):
    """The frame of a comprehension or class body nested in enclosing (None: the top level)."""
    return {ENCLOSING: enclosing}


def variables_of(frame):
    """A frame's variables, {name: value}, without its two other keys."""
    return {name: value for name, value in frame.items() if name.__class__ is str}
