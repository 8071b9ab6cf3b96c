"""A history file that cannot be used (a folder, a FIFO, a link to a device, an
unreadable file) never crashes or hangs the prompt: one warning, and the
session's history is kept in memory."""
import io
import os
import stat
import threading

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from tensorsh import Session
from tensorsh.terminal.history import SharedHistory, history_path
from tensorsh.terminal.repl import Repl
from tests.repl.test_prompt import CTRL_D, ENTER, drive

UP = "\x1b[A"


def type_lines(*lines):
    """Type lines into a fresh prompt; -> (output, session, status, the history's strings)."""
    out = io.StringIO()
    session = Session(stdout=out, stderr=out)
    with create_pipe_input() as pipe:
        repl = Repl(session, input=pipe, output=DummyOutput(), stdout=out, color=False)
        for line in lines:
            pipe.send_text(line + ENTER)
        pipe.send_text(CTRL_D)
        status = repl.run()
    return out.getvalue(), session, status, list(repl.prompt_session.history.get_strings())


def make_folder(path):
    os.mkdir(path)


def make_fifo(path):
    os.mkfifo(path)


def make_link_to_dev_zero(path):
    os.symlink("/dev/zero", path)


def make_unreadable(path):
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    with open(path, "w") as f:
        f.write("\n+secret = 1\n")
    os.chmod(path, 0)


def make_parent_a_file(path):
    os.makedirs(os.path.dirname(os.path.dirname(path)), exist_ok=True)
    with open(os.path.dirname(path), "w") as f:
        f.write("not a folder")


def finishes(fn, timeout=30):
    done = []
    thread = threading.Thread(target=lambda: done.append(fn()), daemon=True)
    thread.start()
    thread.join(timeout)
    assert done, f"still running after {timeout} s"
    return done[0]


@pytest.mark.parametrize("make", [make_folder, make_fifo, make_link_to_dev_zero, make_unreadable,
                                  make_parent_a_file])
def test_an_unusable_history_file_warns_once_and_keeps_history_in_memory(make, capsys):
    path = history_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if make is make_parent_a_file:
        os.rmdir(os.path.dirname(path))
    make(path)
    before = os.lstat(path) if os.path.lexists(path) else None
    out, session, status, remembered = finishes(lambda: type_lines("a = 40", "a = a + 1"))
    assert status == 0 and session.namespace["a"] == 41, out
    assert remembered == ["a = 40", "a = a + 1"]
    err = capsys.readouterr().err
    assert err.count("history is kept in memory only") == 1, err
    assert "Traceback" not in err + out and "Unhandled exception" not in err + out
    if before is not None:
        after = os.lstat(path)
        assert (stat.S_IFMT(after.st_mode), after.st_ino) == (stat.S_IFMT(before.st_mode), before.st_ino)


def test_a_history_file_that_goes_bad_mid_session_warns_once(capsys):
    path = history_path()
    history = SharedHistory(path)
    history.append_string("a = 1")
    os.unlink(path)
    os.mkfifo(path)
    finishes(lambda: (history.append_string("b = 2"), history.append_string("c = 3")))
    assert list(history.get_strings()) == ["a = 1", "b = 2", "c = 3"]
    assert capsys.readouterr().err.count("history is kept in memory only") == 1
    assert stat.S_ISFIFO(os.lstat(path).st_mode)


def test_a_history_file_reached_through_a_link_is_used(private_home):
    path = history_path()
    os.makedirs(os.path.dirname(path))
    target = private_home / "dotfiles-history"
    target.write_text("\n+x = 5\n")
    os.symlink(target, path)
    _, session, _ = drive(UP, ENTER)
    assert session.namespace == {"x": 5}
    assert "+x = 5" in target.read_text()
