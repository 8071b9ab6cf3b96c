"""End to end: `tensorsh` in a real pseudo-terminal, typed at as a person types.

Few, grouped tests (each spawn costs a start-up); every one has a private
HOME and XDG_DATA_HOME, so the user's history is never touched.
"""
import os
import sys
import time

import pytest

pexpect = pytest.importorskip("pexpect")

TIMEOUT = 20 * float(os.environ.get("TENSORSH_TEST_TIMEOUT_SCALE", "1"))


def spawn(home, *args):
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(home / "data"), TERM="xterm",
               PROMPT_TOOLKIT_NO_CPR="1", NO_COLOR="1")
    env.pop("TENSORSH_NO_HISTORY", None)
    child = pexpect.spawn(sys.executable, ["-m", "tensorsh", *args], env=env, encoding="utf-8",
                          dimensions=(30, 100), timeout=TIMEOUT)
    child.expect_exact(NEW_PROMPT)
    return child


# Each new prompt switches bracketed paste on: after it, the screen holds
# only what comes next (not the echo of earlier lines).
NEW_PROMPT = "\x1b[?2004h"


def enter(child, *lines):
    """Type lines, each followed by Enter, waiting for the prompt after each."""
    for line in lines:
        child.send(line + "\r")
        child.expect_exact(NEW_PROMPT)


def test_a_session_at_the_terminal(private_home):
    child = spawn(private_home)
    enter(child, "x = ones 2 2 requires_grad=True", "my_long_variable = 6 * 7")
    child.send("my_lo\t")                                     # Tab completes the name
    child.expect_exact("my_long_variable")
    child.send("\r")
    child.expect_exact("42")
    child.send("for i in range(2):\rprint(i + 100)\r\r")      # a block: continued, then run
    child.expect_exact("100")
    child.expect_exact("101")
    child.send("while True:\rpass\r\r")                       # an endless loop...
    time.sleep(0.5)
    child.send("\x03")                                        # ...stopped by Ctrl-C
    child.expect_exact("KeyboardInterrupt")
    child.send("my_long_variable + 1\r")                      # the variables are intact
    child.expect_exact("43")
    child.send("out = (x * 3).mean()\rgraph out\r")
    child.expect_exact("AccumulateGrad  x  [2, 2] float32")
    child.send("vars\r")
    child.expect_exact("memory")
    child.expect_exact("MeanBackward0")
    child.send("help rand\r")
    child.expect_exact("Uniform random numbers")
    child.send("\x1b[200~>>> pasted = ones 3\n>>> pasted.sum() * 11\n\x1b[201~")   # a tutorial paste
    child.expect_exact("tensor(33.)")
    child.send("\x04")                                        # Ctrl-D on an empty line exits
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_history_across_two_runs(private_home):
    child = spawn(private_home)
    child.send("777 + 1\r")
    child.expect_exact("778")
    child.send("\x04")
    child.expect(pexpect.EOF)
    child = spawn(private_home)
    child.send("\x1b[A\r")                                    # Up brings back the last run's line
    child.expect_exact("778")
    child.send("\x04")
    child.expect(pexpect.EOF)
    history = private_home / "data" / "tensorsh" / "history"
    assert history.read_text().count("+777 + 1") == 1
    child = spawn(private_home, "--no-history")           # nothing read, nothing written
    child.send("\x1b[A555 + 1\r")
    child.expect_exact("556")
    child.send("\x04")
    child.expect(pexpect.EOF)
    assert "555" not in history.read_text()


# ------------------------------------------------------------------ the editing keys (issue 11)

LEFT, CTRL_R, TAB, BACKSPACE = "\x1b[D", "\x12", "\t", "\x7f"


def settle():
    """Give the prompt time to draw (completion menus are computed in the background)."""
    time.sleep(0.4)


def leave(child):
    child.send("\x04")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_enter_runs_a_complete_line_wherever_the_cursor_is(private_home):
    child = spawn(private_home)
    child.send("1000 + 2" + LEFT + LEFT)
    settle()
    child.send("\r")                                          # Enter mid-line runs, not splits
    child.expect_exact("1002")
    child.expect_exact(NEW_PROMPT)
    child.send("\x1b[A" + "\x01" + "\x1b[3~" + "3")          # Up, Home, Delete, 3: fix one character
    settle()
    child.send("\r")
    child.expect_exact("3002")
    leave(child)


def test_ctrl_r_then_enter_accepts_and_runs_the_match(private_home):
    child = spawn(private_home)
    enter(child, "4455 + 1", "0")
    child.send(CTRL_R)
    settle()
    child.send("4455")
    settle()
    child.send("\r")
    child.expect_exact("4456")
    child.expect_exact(NEW_PROMPT)
    child.send("print('typing works after the search')\r")
    child.expect_exact("typing works after the search")
    leave(child)


def test_tab_with_one_candidate_closes_the_menu_and_enter_runs(private_home):
    child = spawn(private_home)
    enter(child, "my_unique_name = 6 * 7", "x = ones(2)")
    child.send("my_uniq")
    settle()
    child.send(TAB)                                           # one candidate: inserted, menu closed
    settle()
    child.send("\r")                                          # so the first Enter runs
    child.expect_exact("42")
    child.expect_exact(NEW_PROMPT)
    child.send("x.requires_gr")                               # two candidates share the prefix
    settle()
    child.send("\r")                                          # nothing chosen: Enter runs the line
    child.expect_exact("has no attribute 'requires_gr'")
    leave(child)


def type_keys(child, *keys):
    """Keys as a person types them: each arrives in a read of its own (keys
    in one read are a paste)."""
    for key in keys:
        child.send(key)
        settle()


def test_indentation_keys(private_home):
    child = spawn(private_home)
    # Backspace in the indentation removes a level, not one space
    type_keys(child, "if True:\r", "if True:\r", "a = 1\r", BACKSPACE, "b = 2\r", "\r")
    child.send("print(a, b)\r")
    child.expect_exact("1 2")
    child.expect_exact(NEW_PROMPT)
    # after return the next line leaves the block
    type_keys(child, "def f(x):\r", "if x:\r", "return 'inner'\r", "return 'outer'\r", "\r")
    child.send("f(0)\r")
    child.expect_exact("'outer'")
    leave(child)


def test_paste_without_bracketed_paste_keeps_its_indentation(private_home):
    """A terminal without bracketed paste sends the text as keys, in one read:
    its indentation is not doubled, and its blank line does not end the def."""
    child = spawn(private_home)
    child.send("def g():\r    a = 40\r\r    if a:\r        a = a + 1\r    return a\r\rg()\r")
    child.expect_exact("41")
    child.expect_exact(NEW_PROMPT)
    child.send(">>> 7 * 6\r")                                 # a prompt typed with the code
    child.expect_exact("42")
    leave(child)


def test_help_forms_hints_and_quit(private_home):
    child = spawn(private_home)
    enter(child, "x = ones 2")
    child.send("x.view?\r")
    child.expect_exact("A view with another shape")
    child.send("torch.matmul??\r")
    child.expect_exact("matmul(")
    child.send("x?\r")
    child.expect_exact("a tensor of shape [2]")
    child.send("%timeit x @ x\r")
    child.expect_exact("in tensorsh: time x @ x")
    child.send("!ls\r")
    child.expect_exact("would run a system command")
    child.expect_exact(NEW_PROMPT)
    child.send("quit()\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_a_model_at_the_terminal(private_home):
    """The shell's view of torch.nn: Tab completes a model's layers, vars counts its parameters,
    graph names them by module path and plot draws a loss curve."""
    child = spawn(private_home)
    child.send("\x1b[200~class Net(torch.nn.Module):\n    def __init__(self):\n        super().__init__()\n"
               "        self.encoder_layer = torch.nn.Linear(4, 3)\n    def forward(self, x):\n"
               "        return self.encoder_layer(x)\n\n\x1b[201~")
    child.expect_exact(NEW_PROMPT)
    enter(child, "net = Net()")
    type_keys(child, "net.enc", TAB)                          # the submodule, found without running code
    child.send("\r")
    child.expect_exact("Linear(in_features=4, out_features=3, bias=True)")
    child.send("vars\r")
    child.expect_exact("15 parameters")
    child.send("out = net(torch.ones(1, 4)).sum()\rgraph out\r")
    child.expect_exact("AccumulateGrad  net.encoder_layer.weight  [3, 4] float32")
    child.send("losses = [3.0, 2.0, 1.5, 1.0]\rplot losses title='loss'\r")
    child.expect_exact("loss")
    child.expect_exact("└")
    leave(child)
