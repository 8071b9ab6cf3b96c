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
