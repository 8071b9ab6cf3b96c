"""The real PromptSession driven in-process: keys in through a pipe, output captured."""
import io
import os

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from tensorsh import Session
from tensorsh.terminal.history import SharedHistory, history_path
from tensorsh.terminal.repl import Repl, indent_for, strip_prompts
from tensorsh.terminal.tutorial import Tutorial

ENTER, CTRL_C, CTRL_D, ESC_ENTER = "\r", "\x03", "\x04", "\x1b\r"
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"


def drive(*keys, history=True, session=None):
    """Type keys into a fresh prompt until it exits; -> (output, session, exit status)."""
    out = io.StringIO()
    session = session or Session(stdout=out, stderr=out)
    with create_pipe_input() as pipe:
        repl = Repl(session, input=pipe, output=DummyOutput(), stdout=out, color=False, history=history)
        for k in keys:
            pipe.send_text(k)
        pipe.send_text(CTRL_D)
        status = repl.run()
    return out.getvalue(), session, status


def test_enter_runs_complete_and_continues_incomplete_input():
    out, session, status = drive("x = ones(2,", ENTER, "2, requires_grad=True)", ENTER,
                                 "if True:", ENTER, "y = x * 2", ENTER, ENTER, "y.sum()", ENTER)
    assert status == 0
    assert session.namespace["x"].shape == (2, 2)
    assert "tensor(8., grad_fn=<SumBackward0>)" in out


def test_continuation_indents_after_a_colon():
    assert indent_for("for i in range(3):") == "    "
    assert indent_for("for i in range(3):\n    if i:") == "        "
    assert indent_for("x = (1,") == ""


def test_ctrl_c_clears_the_line_and_ctrl_d_exits():
    out, session, status = drive("x = 1", ENTER, "y = 2", CTRL_C, "x", ENTER)
    assert status == 0 and "y" not in session.namespace and session.namespace["x"] == 1
    assert out.rstrip().endswith("1")


def test_esc_enter_runs_an_incomplete_block_to_show_the_error():
    out, _, _ = drive("x = (1,", ESC_ENTER)
    assert "error:" in out


def test_exit_status_from_exit():
    _, _, status = drive("exit 3", ENTER)
    assert status == 3


def test_paste_runs_a_block_as_typed_and_strips_prompts():
    block = ">>> a = ones 3\n>>> with no_grad():\n...     b = a * 2\n...\n>>> b.sum()\ntensor(6.)\n"
    out, session, _ = drive(PASTE_START + block + PASTE_END)
    assert session.namespace["b"].tolist() == [2.0, 2.0, 2.0]
    assert out.count("tensor(6.)") == 1       # the pasted output line was dropped, the value shown once
    tutorial_block = "x = torch.randn(3, requires_grad=True)\n\ny = x * 2\nwhile y.data.norm() < 1000:\n    y = y * 2\n"
    _, session, _ = drive(PASTE_START + tutorial_block + PASTE_END)
    assert session.namespace["y"].data.norm().item() >= 1000


def test_strip_prompts():
    assert strip_prompts(">>> x = 1\r\n>>> if x:\n...     x\n1\n") == "x = 1\nif x:\n    x\n"
    assert strip_prompts("    a = 1\n    b = 2\n") == "a = 1\nb = 2\n"
    assert strip_prompts("print('>>> not a prompt')") == "print('>>> not a prompt')"


def test_rich_commands_and_values():
    out, _, _ = drive("x = ones 2 2 requires_grad=True", ENTER, "out = (x * 3).mean()", ENTER,
                      "graph out", ENTER, "vars", ENTER, "explain backward out", ENTER, "?rand", ENTER,
                      "zz", ENTER)
    assert "MeanBackward0  -> [] float32  out\n└── MulBackward0  -> [2, 2] float32\n" in out
    assert "AccumulateGrad  x  [2, 2] float32" in out
    assert "name  type    shape   dtype    device  requires_grad  grad_fn" in out
    assert "after backward: x.grad = tensor([[0.7500, 0.7500]," in out
    assert "rand(*size" in out and "Uniform random numbers" in out
    assert "error: name 'zz' is not defined" in out


def test_graph_dot_export(tmp_path):
    dot = tmp_path / "g.dot"
    out, _, _ = drive("x = ones 2 requires_grad=True", ENTER, f'graph (x * 2).sum() dot="{dot}"', ENTER)
    assert f"wrote {dot}" in out and "digraph autograd {" in dot.read_text()


def test_history_is_shared_deduplicated_and_capped(private_home):
    path = history_path()
    assert path.startswith(os.environ["XDG_DATA_HOME"])
    drive("a = 1", ENTER, "a = 1", ENTER, "b = 2", ENTER)
    drive("c = 3", ENTER, "a = 1", ENTER)
    with open(path) as f:
        stored = [line[1:] for line in f.read().split("\n") if line.startswith("+")]
    assert stored == ["a = 1", "b = 2", "c = 3", "a = 1"]
    assert SharedHistory(path).load_history_strings() == ["a = 1", "c = 3", "b = 2"]
    # Up recalls the previous session's line
    _, session, _ = drive("\x1b[A", ENTER)        # Up, Enter: runs `a = 1`
    assert session.namespace == {"a": 1}
    small = SharedHistory(path, limit=2)
    assert small.load_history_strings() == ["a = 1", "c = 3"]
    with open(path) as f:
        assert f.read().count("\n+") == 2


def test_no_history_writes_nothing(private_home):
    drive("a = 1", ENTER, history=False)
    assert not os.path.exists(history_path())


@pytest.mark.parametrize("language", Tutorial.languages())
def test_every_tutorial_step_runs_and_passes_its_check(language):
    keys = ["tutorial " + language, ENTER] + [ENTER] * len(Tutorial(language).steps)
    out, session, _ = drive(*keys)
    finished = Tutorial(language).phrases["finished"]
    assert finished in out.replace("\n", "")
    assert "error:" not in out
    assert session.namespace["x"].grad is not None


def test_tutorial_next_back_quit():
    out, _, _ = drive("tutorial", ENTER, CTRL_C, "next", ENTER, CTRL_C, "back", ENTER, CTRL_C, "quit",
                      ENTER)
    assert "(2/41)" in out and out.count("(1/41)") == 2
    assert Tutorial("en").phrases["left"] in out.replace("\n", "")


def test_the_status_bar_shows_the_sessions_grad_mode_and_dtype():
    """The engine's settings are the session's (put back between inputs): the
    status bar reads them from the session."""
    out = io.StringIO()
    session = Session(stdout=out, stderr=out)
    with create_pipe_input() as pipe:
        repl = Repl(session, input=pipe, output=DummyOutput(), stdout=out, color=False, history=False)
        assert "dtype float32 · grad on" in repl.toolbar()
        session.run_source("torch.set_grad_enabled(False)\ntorch.set_default_dtype(torch.float64)")
        assert "dtype float64 · grad off" in repl.toolbar()


def test_a_new_line_leaves_the_block_after_return_pass_break_continue_raise():
    for statement in ("return x", "pass", "break", "continue", "raise ValueError('no')"):
        assert indent_for(f"def f(x):\n    while x:\n        {statement}") == "    ", statement
    assert indent_for("def f(x):\n    returned = 1") == "    "      # a name that starts like one


def test_matching_brackets_are_highlighted():
    from prompt_toolkit.document import Document
    from tensorsh.terminal.repl import MATCHING_BRACKETS
    out = io.StringIO()
    with create_pipe_input() as pipe:
        repl = Repl(Session(stdout=out, stderr=out), input=pipe, output=DummyOutput(), stdout=out,
                    color=False, history=False)
        assert MATCHING_BRACKETS in repl.prompt_session.input_processors
    finder = MATCHING_BRACKETS.processor
    text = "f(x[0], (1, 2))"
    assert sorted(finder._get_positions_to_highlight(Document(text, cursor_position=1))) == [(0, 1), (0, 14)]
    assert sorted(finder._get_positions_to_highlight(Document(text, cursor_position=3))) == [(0, 3), (0, 5)]


def test_ipython_forms_at_the_prompt():
    out, _, _ = drive("x = ones 2", ENTER, "x?", ENTER, "x.view?", ENTER, "torch.matmul??", ENTER,
                      "%timeit x @ x", ENTER, "%cd data", ENTER, "!ls", ENTER, "%matplotlib inline", ENTER,
                      ">>> x.sum()", ENTER)
    assert "a tensor of shape [2], dtype torch.float32, on cpu (requires_grad=False)" in out
    assert "Tensor.view(*shape)" in out and "matmul(" in out
    assert "error: %timeit is an IPython magic; tensorsh has none\n  = help: in tensorsh: time x @ x" in out
    assert '= help: in tensorsh: cd "data"' in out
    assert "error: !ls would run a system command, which tensorsh never does" in out
    assert "error: %matplotlib is an IPython magic; tensorsh has none" in out
    assert out.rstrip().endswith("tensor(2.)")


def test_quit_leaves_the_prompt():
    for word in ("quit", "quit()"):
        out, session, status = drive("a = 1", ENTER, word, ENTER, "b = 2", ENTER)
        assert status == 0 and "b" not in session.namespace


def test_a_paste_without_bracketed_paste_keeps_its_own_indentation():
    """Keys that arrive in one read are a paste: a line that brings its own
    indentation is not indented again, and a blank line followed by an indented
    line does not end the block."""
    pasted = "def g():\r    a = 40\r\r    if a:\r        a = a + 1\r    return a\r\rg()\r"
    out, session, _ = drive(pasted)
    assert "error" not in out and out.rstrip().endswith("41")


def test_tutorial_words_typed_after_the_steps_code():
    """The step's code is at the prompt: next, back, again and quit typed after
    it are the commands, not `print(x)next`."""
    out, _, _ = drive("tutorial", ENTER, "next", ENTER, "again", ENTER, "back", ENTER, "quit", ENTER)
    assert "error" not in out
    assert out.count("(1/41)") == 2 and out.count("(2/41)") == 2
    assert Tutorial("en").phrases["left"] in out.replace("\n", "")


def test_a_step_not_met_says_so_in_words():
    out, _, _ = drive("tutorial", ENTER, CTRL_C, "x = 1", ENTER, CTRL_C, "quit", ENTER)
    assert "Not yet: the step checks x, which its code has not made yet." in out.replace("\n", " ")
    assert "x.shape == (5, 3)" not in out


def _step_output(step_id):
    """What one tutorial step prints, run after every step before it."""
    out = io.StringIO()
    session = Session(stdout=out, stderr=out)
    for step in Tutorial("en").steps:
        out.seek(0)
        out.truncate()
        assert session.run_source(step.code, "<step>").ok, out.getvalue()
        if step.id == step_id:
            return out.getvalue()


@pytest.mark.parametrize("step_id", ["operations.out", "operations.add_", "numpy.shared",
                                     "autograd.requires_grad_"])
def test_no_tutorial_step_shows_a_value_twice(step_id):
    assert _step_output(step_id).count("tensor(") <= 1


def test_the_chinese_tutorial_keeps_its_words_whole_and_its_status_bar_chinese():
    out, _, _ = drive("tutorial zh", ENTER, "quit", ENTER)
    assert "60分钟" in out
    session = Session(stdout=io.StringIO(), stderr=io.StringIO())
    with create_pipe_input() as pipe:
        repl = Repl(session, input=pipe, output=DummyOutput(), stdout=io.StringIO(), color=False,
                    history=False)
        repl.tutorial = Tutorial("zh")
        assert repl.toolbar(width=200).startswith(" 教程 1/41 · next (PgDn)、back (PgUp)、again、quit · 设备 cpu")


def test_explain_speaks_chinese_while_the_chinese_tutorial_runs():
    out = io.StringIO()
    session = Session(stdout=out, stderr=out)
    session.run_source("x = tensor([1.0, 2.0], requires_grad=True); out = (x * x).sum()")
    with create_pipe_input() as pipe:
        repl = Repl(session, input=pipe, output=DummyOutput(), stdout=out, color=False, history=False)
        repl.start_tutorial("zh")
        session.run_source("explain backward out")
        repl.end_tutorial()
        session.run_source("explain backward out")
    during, after = out.getvalue().split("反向传播之后：x.grad", 1)
    assert "从 out 开始反向传播" in during and "第 1 步：SumBackward0 (out)" in during
    assert "backward from out, starting with dout/dout = 1" in after   # the tutorial over: English again


def test_the_status_bar_leaves_off_whole_items_when_narrow():
    session = Session(stdout=io.StringIO(), stderr=io.StringIO())
    with create_pipe_input() as pipe:
        repl = Repl(session, input=pipe, output=DummyOutput(), stdout=io.StringIO(), color=False,
                    history=False)
        wide = repl.toolbar(width=200)
        assert wide.endswith("· Ctrl-D exits")
        for width in (30, 60, 80):
            bar = repl.toolbar(width=width)
            assert len(bar) <= width and wide.startswith(bar)
            assert wide[len(bar):] == "" or wide[len(bar):].startswith(" · "), bar


def test_long_output_comes_a_screen_at_a_time():
    """help torch (dozens of lines) shows one screen and a footer; an empty
    Enter shows the next screen, other input goes on; print is never paged."""
    out, _, _ = drive("x = ones 100 3", ENTER, "x", ENTER, ENTER, "1 + 1", ENTER, "print(x)", ENTER)
    assert out.count("── lines 1-23 of 101: Enter (or more) shows more, anything else goes on ──") == 1
    assert out.count("── lines 24-46 of 101") == 1
    assert "── lines 47-" not in out                      # `1 + 1` dropped the rest
    shown, printed = out.split("\n2\n")
    assert printed.count("[1., 1., 1.]") == 100           # print's text is whole, never paged
    assert shown.count("[1., 1., 1.]") == 46


def test_long_error_messages_wrap_at_words_and_the_caret_stays_put():
    from tensorsh.terminal import render
    out = io.StringIO()
    with create_pipe_input() as pipe:
        repl = Repl(Session(stdout=out, stderr=out), input=pipe, output=DummyOutput(), stdout=out,
                    color=False, history=False)
        repl.console = repl.error_console = render.make_console(file=out, color=False, width=60)
        repl.run_text("a_long_name = ones(3, 3)\nanother = ones(3, 4)\n"
                      "z = a_long_name + another + a_long_name * another - a_long_name / another")
    assert out.getvalue().startswith("error: RuntimeError: The size of tensor a (3) must match the\n"
                                     "size of tensor b (4) at non-singleton dimension 1\n")
    assert "3 | z = a_long_name + another + a_long_name * another - a_long_name / another\n" \
           "  |     ^^^^^^^^^^^^^^^^^^^^^\n" in out.getvalue()


def test_page_down_and_page_up_step_through_the_tutorial():
    PAGE_DOWN, PAGE_UP = "\x1b[6~", "\x1b[5~"
    out, _, _ = drive("tutorial", ENTER, PAGE_DOWN, PAGE_DOWN, PAGE_UP, "quit", ENTER)
    assert out.count("(1/41)") == 1 and out.count("(2/41)") == 2 and out.count("(3/41)") == 1
    assert "error" not in out
