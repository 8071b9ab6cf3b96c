"""Commands are written once: each returns a display object, and the front end
chooses the formatter, plain for scripts and pipes, rich at the prompt."""
import io
import re

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from tensorsh import Session
from tensorsh.language import display, graph_view
from tensorsh.language.interpreter import PLAIN_FORMATTER
from tensorsh.language.lessons import Lessons
from tensorsh.terminal import render
from tensorsh.terminal.repl import Repl

SETUP = "x = ones 2 requires_grad=True\ny = (x * 3).sum()\n"
DRAWING_COMMANDS = ("vars", "graph", "explain", "help", "tutorial")


def shown_by(session, source):
    """Run source; -> the display objects the commands handed to the session."""
    shown = []
    session.show_hook = shown.append
    result = session.run_source(source, "<test>")
    assert result.ok, result.error
    return shown


def test_every_drawing_command_returns_a_display_object(tmp_path):
    session = Session(stdout=io.StringIO())
    session.run_source(SETUP)
    source = f'vars\nhelp ones\ngraph y\ngraph y dot="{tmp_path}/g.dot"\nexplain backward y\ntutorial zh\n' \
             f'time x + 1\nsave "{tmp_path}/x.npz" x\n'
    kinds = [type(s) for s in shown_by(session, source)]
    assert kinds == [display.VariableTable, display.HelpPage, graph_view.Graph, display.DotWritten,
                     graph_view.Explanation, display.TutorialTour, display.Message, display.Message]


def test_the_language_sees_the_value_not_the_display_object():
    session = Session(stdout=io.StringIO())
    session.run_source(SETUP + "t = time(x + 1)\nv = vars()\n")
    assert session.namespace["t"].tolist() == [2.0, 2.0]
    assert session.namespace["v"] is None


@pytest.mark.parametrize("source", ["vars", "help ones", "graph y", "explain backward y", "tutorial"])
def test_a_script_shows_the_plain_text_of_what_the_command_returned(source):
    shown = shown_by(Session(stdout=io.StringIO()), SETUP + source)
    out = io.StringIO()
    Session(stdout=out).run_source(SETUP + source)
    assert out.getvalue() == PLAIN_FORMATTER.format(shown[0]) == str(shown[0])


def test_a_script_shows_time_after_the_value():
    out = io.StringIO()
    Session(stdout=out).run_source("time 1 + 1")
    assert re.fullmatch(r"2\ntime: [0-9.]+ (ns|µs|ms|s)\n", out.getvalue())


def test_plain_text_of_each_kind():
    assert str(display.VariableTable({})) == "(no variables)\n"
    assert str(display.DotWritten("g.dot", 3)) == \
        "wrote g.dot (3 nodes); draw it with: dot -Tsvg g.dot -o graph.svg\n"
    assert str(display.Message("saved x to f.npz\n")) == "saved x to f.npz\n"
    assert str(display.TutorialTour("en")) == Lessons("en").as_text()
    assert str(display.time_taken(0.0025, 7)) == "time: 2.5 ms\n" and display.time_taken(1, 7).value == 7


@pytest.fixture
def pipe():
    with create_pipe_input() as keys:
        yield keys


def repl_over(session, out, pipe):
    return Repl(session, input=pipe, output=DummyOutput(), stdout=out, color=False, history=False)


def test_the_prompt_registers_no_commands_of_its_own(pipe):
    session = Session(stdout=io.StringIO())
    before = {name: session.builtins[name] for name in DRAWING_COMMANDS}
    repl = repl_over(session, io.StringIO(), pipe)
    assert {name: session.builtins[name] for name in DRAWING_COMMANDS} == before
    assert session.show_hook == repl.show


def test_the_prompt_draws_with_the_rich_formatter(pipe):
    out = io.StringIO()
    session = Session(stdout=out, stderr=out)
    repl = repl_over(session, out, pipe)
    assert isinstance(repl.formatter, render.RichFormatter)
    repl.run_text(SETUP + "vars")
    expected = io.StringIO()
    render.make_console(file=expected, color=False).print(render.vars_table(session.namespace))
    assert out.getvalue() == expected.getvalue()
    assert "memory" in out.getvalue()         # the rich table's column; the plain table has none
    assert "memory" not in str(display.VariableTable(session.namespace))


def test_the_rich_formatter_draws_what_it_knows_and_writes_the_rest_plain():
    formatter = render.RichFormatter()
    message = display.Message("time: 3 ms\n")
    assert formatter.format(message) == "time: 3 ms\n"
    assert not isinstance(formatter.format(display.VariableTable({"a": 1})), str)
    assert not isinstance(formatter.format(display.HelpPage("ones(*size)\n")), str)
    assert str(formatter.format(display.DotWritten("g.dot", 2))) == display.DotWritten("g.dot", 2).line()


def test_tutorial_at_the_prompt_walks_instead_of_printing(pipe):
    out = io.StringIO()
    session = Session(stdout=out, stderr=out)
    repl = repl_over(session, out, pipe)
    repl.run_text("tutorial zh")
    assert repl.tutorial is not None and repl.tutorial.language == "zh" and repl.tutorial.index == 0
    assert Lessons("zh").as_text() not in out.getvalue()


@pytest.mark.parametrize("source, message", [
    ("vars(1)", "TypeError: vars() takes 0 positional arguments but 1 was given"),
    ("graph(1, 2, 3)", "TypeError: graph() takes from 0 to 2 positional arguments but 3 were given"),
    ("run()", "TypeError: run() missing 1 required positional argument: 'path'"),
])
def test_a_command_bound_to_the_session_counts_only_the_users_arguments(source, message):
    result = Session(stdout=io.StringIO(), stderr=io.StringIO()).run_source(source)
    assert result.error.message == message
