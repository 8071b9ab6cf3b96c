"""The user's files: what the command line, `run`, `load`, `save` and `graph dot=`
accept, and that none of them blocks on a FIFO, reads a device, shows a foreign
file's content or replaces a file tensorsh did not write, even in a race."""
import io
import json
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

from tensorsh.language.builtins import npz
from tensorsh.language import files, graph_view
from tensorsh.language.display import format_error
from tensorsh.language.errors import TshError, UserError, parse_size
from tensorsh.language.interpreter import Session

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECRET = "SECRET-CONTENT-0123"
FOREIGN = b"someone else's bytes\n"


def tensorsh(*args, cwd):
    env = dict(os.environ, PYTHONPATH=ROOT, TENSORSH_MEMORY_LIMIT="2G")
    p = subprocess.run([sys.executable, "-m", "tensorsh", *args], capture_output=True, text=True,
                       env=env, cwd=cwd, timeout=30)
    return p.returncode, p.stdout, p.stderr


def run_in_session(code, timeout=20):
    """Run code in a fresh Session on a thread, so a hang fails the test instead of the suite."""
    out, err, done = io.StringIO(), io.StringIO(), []
    thread = threading.Thread(target=lambda: done.append(Session(stdout=out, stderr=err).run_source(code)),
                              daemon=True)
    thread.start()
    thread.join(timeout)
    assert done, f"still running after {timeout} s: {code!r}"
    return done[0], out.getvalue(), err.getvalue()


def assert_clean_error(result, err):
    assert not result.ok and result.exit_status == 1
    assert err.startswith("error: "), err
    assert "Traceback" not in err and "internal error" not in err, err


def leftovers(folder, *expected):
    return sorted(set(os.listdir(folder)) - set(expected))


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ------------------------------------------------------------------ the command line

@pytest.mark.parametrize("size", ["1e100", "1e400", "0.5", "-3G"])
def test_memory_limit_out_of_range_is_a_usage_error(size, tmp_path):
    rc, _, err = tensorsh(f"--memory-limit={size}", "-c", "1", cwd=tmp_path)
    assert rc == 2 and err.startswith("tensorsh: ") and "Traceback" not in err, err


def test_parse_size_bounds():
    assert parse_size("1G") == 2 ** 30 and parse_size(1) == 1
    for bad in ("1e100", "inf", "nan", "0", "0.5", 2.0 ** 61, float("nan")):
        with pytest.raises(ValueError):
            parse_size(bad)


def test_a_script_must_be_a_regular_file_of_bounded_size(tmp_path):
    os.mkfifo(tmp_path / "fifo.tsh")        # no writer: opening it for reading would block
    big = tmp_path / "big.tsh"
    with open(big, "wb") as f:
        f.truncate(files.MAX_SCRIPT_BYTES + 1)
    for script, reason in (("/dev/zero", "not a regular file"), ("fifo.tsh", "not a regular file"),
                           ("big.tsh", "more than the 16 MiB allowed"), ("missing.tsh", "no such file")):
        rc, out, err = tensorsh(script, cwd=tmp_path)
        assert (rc, out) == (2, ""), (script, err)
        assert err.startswith("tensorsh: cannot run") and reason in err, err


def test_a_script_with_any_name_or_through_a_link_runs(tmp_path):
    (tmp_path / "script").write_text("print(6 * 7)\n")
    os.symlink("script", tmp_path / "link.tsh")
    assert tensorsh("script", cwd=tmp_path)[:2] == (0, "42\n")
    assert tensorsh("link.tsh", cwd=tmp_path)[:2] == (0, "42\n")


# ------------------------------------------------------------------ run and load

def test_run_and_load_check_the_file_a_link_resolves_to(here):
    (here / "hostname").write_text(SECRET + "\n")
    os.symlink("hostname", here / "host.tsh")
    os.symlink("hostname", here / "host.npz")
    for code in ("run 'host.tsh'", "load 'host.npz'"):
        result, _, err = run_in_session(code)
        assert_clean_error(result, err)
        assert "links to" in err and SECRET not in err, err


def test_run_and_load_follow_a_link_to_a_file_of_their_kind(here):
    (here / "real").mkdir()
    (here / "real" / "lib.tsh").write_text("k = 21\n")
    os.symlink("real/lib.tsh", here / "lib.tsh")
    np.savez(here / "real" / "w.npz", w=np.ones(2))
    os.symlink("real/w.npz", here / "w.npz")
    result, out, err = run_in_session("run 'lib.tsh'\nload 'w.npz'\nprint(k * 2, w.sum().item())")
    assert result.ok, err
    assert out == "loaded w from w.npz\n42 2.0\n"


def test_load_refuses_files_that_are_not_npz_archives(here):
    (here / "text.npz").write_text(SECRET)
    np.save(here / "array.npy", np.ones(3))
    os.rename(here / "array.npy", here / "array.npz")
    (here / "empty.npz").write_bytes(b"")
    (here / "cut.npz").write_bytes(b"PK\x03\x04" + b"\0" * 20)
    os.mkfifo(here / "fifo.npz")
    for name in ("text", "array", "empty", "cut", "fifo"):
        result, _, err = run_in_session(f"load '{name}.npz'")
        assert_clean_error(result, err)
        assert SECRET not in err


def _npz_with_record(path, record, **arrays):
    arrays = arrays or {"x": np.ones(3), "n": np.arange(3)}
    np.savez(path, __tensorsh__=record, **arrays)


MALFORMED_RECORDS = {
    "not JSON": np.array("{{{"),
    "deep JSON": np.array("[" * 100_000 + "]" * 100_000),
    "not a string": np.arange(3),
    "a list": np.array(json.dumps([1, 2])),
    "items a list": np.array(json.dumps({"items": [1]})),
    "item a string": np.array(json.dumps({"items": {"x": "tensor"}})),
    "unknown kind": np.array(json.dumps({"items": {"x": {"kind": "module"}}})),
    "requires_grad a string": np.array(json.dumps({"items": {"x": {"kind": "tensor", "requires_grad": "yes"}}})),
    "requires_grad on ints": np.array(json.dumps({"items": {"n": {"kind": "tensor", "requires_grad": True}}})),
    "dtype not a dtype": np.array(json.dumps({"items": {"x": {"kind": "tensor", "dtype": "notadtype"}}})),
    "dtype a number": np.array(json.dumps({"items": {"x": {"kind": "tensor", "dtype": 5}}})),
    "int that is a vector": np.array(json.dumps({"items": {"x": {"kind": "int"}}})),
    "bool that is a float": np.array(json.dumps({"items": {"x": {"kind": "bool"}}})),
}


@pytest.mark.parametrize("case", MALFORMED_RECORDS)
def test_load_refuses_a_malformed_record_cleanly(case, here):
    _npz_with_record(here / "f.npz", MALFORMED_RECORDS[case])
    result, _, err = run_in_session("load 'f.npz'")
    assert_clean_error(result, err)
    assert "record is malformed" in err, err


def test_load_refuses_arrays_a_tensor_cannot_hold(here):
    np.savez(here / "f.npz", s=np.array(["a", "b"]))
    result, _, err = run_in_session("load 'f.npz'")
    assert_clean_error(result, err)
    assert "as a tensor" in err


@pytest.mark.parametrize("record", [None, '{"format": "tensorsh-save-1", "items": {"r": {"kind": "ndarray"}}}'])
def test_load_refuses_record_arrays_whatever_the_record_says(record, here):
    """A structured (void) array is refused as the allowlist refuses it everywhere, also when
    the file says it is a plain NumPy array."""
    r = np.zeros(2, dtype=[("a", "i4")])
    if record is None:
        np.savez(here / "f.npz", r=r)
    else:
        _npz_with_record(here / "f.npz", record, r=r)
    result, _, err = run_in_session("load 'f.npz'")
    assert_clean_error(result, err)
    assert "arrays are not available in tensorsh" in err, err


def test_load_refuses_a_member_that_is_not_an_array(here):
    import zipfile
    with zipfile.ZipFile(here / "f.npz", "w") as z:
        z.writestr("x", SECRET)
    result, _, err = run_in_session("load 'f.npz'")
    assert_clean_error(result, err)
    assert "is not an array" in err and SECRET not in err


# ------------------------------------------------------------------ save and graph dot=

GRAPH = "x = ones(2, requires_grad=True)\ny = (x * 2).sum()\n"


def test_save_and_dot_refuse_a_fifo_without_blocking(here):
    os.mkfifo(here / "pipe.npz")
    os.mkfifo(here / "pipe.dot")
    for code in ("x = ones 2\nsave 'pipe.npz' x", GRAPH + "graph y dot='pipe.dot'"):
        result, _, err = run_in_session(code)
        assert_clean_error(result, err)
        assert "not a regular file" in err
    assert leftovers(here, "pipe.npz", "pipe.dot") == []


def test_dot_refuses_a_link_even_to_its_own_kind(here):
    result, _, err = run_in_session(GRAPH + "graph y dot='own.dot'")
    assert result.ok, err
    own = (here / "own.dot").read_bytes()
    os.symlink("own.dot", here / "link.dot")
    result, _, err = run_in_session(GRAPH + "z = (x * 3).sum()\ngraph z dot='link.dot'")
    assert_clean_error(result, err)
    assert "symbolic link" in err
    assert (here / "own.dot").read_bytes() == own


def test_save_replaces_its_own_file_atomically_and_leaves_nothing_behind(here):
    for value in (1, 2):
        result, _, err = run_in_session(f"x = ones(2) * {value}\nsave 'w.npz' x")
        assert result.ok, err
    result, out, _ = run_in_session("load 'w.npz'\nprint(x.sum().item())")
    assert out == "loaded x from w.npz\n4.0\n"
    assert leftovers(here) == ["w.npz"]


def test_a_foreign_file_swapped_in_before_the_rename_survives(here, monkeypatch):
    """The ownership check passes on save's own file; then, before the new file takes
    its place, a foreign file is swapped in.  It must come out untouched."""
    run_in_session("x = ones 2\nsave 'w.npz' x")
    real_check = npz._is_own_file
    swapped = []

    def check_then_swap(f):
        answer = real_check(f)
        if not swapped:                 # the first check: the one before writing
            swapped.append(True)
            os.unlink("w.npz")
            (here / "w.npz").write_bytes(FOREIGN)
        return answer

    monkeypatch.setattr(npz, "_is_own_file", check_then_swap)
    result, _, err = run_in_session("x = zeros 2\nsave 'w.npz' x")
    assert_clean_error(result, err)
    assert "refusing to overwrite" in err
    assert (here / "w.npz").read_bytes() == FOREIGN
    assert leftovers(here) == ["w.npz"]


def test_a_link_swapped_in_before_the_rename_is_put_back(here, monkeypatch):
    (here / "victim.txt").write_bytes(FOREIGN)
    run_in_session(GRAPH + "graph y dot='g.dot'")
    real_check = graph_view._is_own_dot
    swapped = []

    def check_then_swap(f):
        answer = real_check(f)
        if not swapped:
            swapped.append(True)
            os.unlink("g.dot")
            os.symlink("victim.txt", "g.dot")
        return answer

    monkeypatch.setattr(graph_view, "_is_own_dot", check_then_swap)
    result, _, err = run_in_session(GRAPH + "graph y dot='g.dot'")
    assert_clean_error(result, err)
    assert os.readlink(here / "g.dot") == "victim.txt"
    assert (here / "victim.txt").read_bytes() == FOREIGN
    assert leftovers(here) == ["g.dot", "victim.txt"]


def test_a_file_that_appears_while_writing_a_new_one_survives(here):
    def write_while_someone_creates_the_target(f):
        f.write(b"new content")
        (here / "out.dot").write_bytes(FOREIGN)

    with pytest.raises(UserError, match="refusing to overwrite"):
        files.write_file("out.dot", write_while_someone_creates_the_target, graph_view._is_own_dot,
                         "write", "a graph file written by tensorsh")
    assert (here / "out.dot").read_bytes() == FOREIGN
    assert leftovers(here) == ["out.dot"]


def test_an_own_file_is_replaced_even_without_hard_links(here, monkeypatch):
    def no_hard_links(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_hard_links)
    for content in (b"one", b"two"):
        files.write_file("f.dot", lambda f: f.write(content), lambda f: True, "write", "ours")
    assert (here / "f.dot").read_bytes() == b"two"
    assert leftovers(here) == ["f.dot"]


@pytest.mark.parametrize("code", ["x = ones 2\nsave 'a\\0.npz' x", "run 'a\\0.tsh'", "load 'a\\0.npz'",
                                  GRAPH + "graph y dot='a\\0.dot'"])
def test_a_file_name_with_a_nul_is_refused(code, here):
    result, _, err = run_in_session(code)
    assert_clean_error(result, err)
    assert "NUL character" in err
    assert leftovers(here) == []


# ------------------------------------------------------------------ internal errors

def test_the_internal_error_note_points_to_no_web_address():
    text = format_error(TshError("internal error: AttributeError: x", internal=True))
    assert "--debug" in text and "report" in text
    assert "http" not in text and "github" not in text
