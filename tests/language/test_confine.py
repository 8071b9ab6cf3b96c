"""The operating system's wall (tensorsh.cli.confine), proved from inside a confined process.

A child Python confines itself with tensorsh.cli.confine, exactly as `tensorsh`
does before running user code, then tries what a memory bug in a dependency
could try, calling Python directly (not through the language, whose own wall
would stop most of it first).  Then the same end to end through `tensorsh`.
Each wall's tests skip, saying why, where the kernel lacks that wall.
"""
import json
import os
import stat
import subprocess
import sys
import textwrap

import pytest

from tensorsh.cli import confine

PY = sys.executable
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIMEOUT = 60

WALLS = {wall.name: wall for wall in confine.available()}
needs_seccomp = pytest.mark.skipif(not WALLS["seccomp"].up, reason=f"no seccomp here: {WALLS['seccomp'].detail}")
needs_landlock = pytest.mark.skipif(not WALLS["Landlock"].up, reason=f"no Landlock here: {WALLS['Landlock'].detail}")


def environment(home, **extra):
    env = dict(os.environ, PYTHONPATH=ROOT, HOME=str(home), XDG_DATA_HOME=str(home / "data"))
    for name in ("TENSORSH_CONFINE", "TENSORSH_CONFINE_DEBUG", "TENSORSH_NO_HISTORY", "NO_COLOR", "FORCE_COLOR"):
        env.pop(name, None)
    env.update(extra)
    return env


# Runs confined in a child, with the working folder as its cwd; argv: the
# sibling folder, a file in it to read, and a block device (or "").
CONFINED_CHILD = r'''
import json, os, sys, threading
from tensorsh.cli import confine

sibling, secret, block_device = sys.argv[1:4]
fresh_module = "colorsys"
assert fresh_module not in sys.modules
walls = confine.confine(confine.grants_for())
outcomes = {"walls": {wall.name: wall.up for wall in walls}}


def attempt(name, action):
    try:
        outcomes[name] = ["ok", action()]
    except OSError as e:
        outcomes[name] = [type(e).__name__, e.errno]


def fork():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    return pid


def write(path):
    with open(path, "w") as f:
        return f.write("x")


def thread():
    results = []
    worker = threading.Thread(target=lambda: results.append(6 * 7))
    worker.start()
    worker.join()
    return results[0]


def socketpair():
    import socket
    a, b = socket.socketpair()
    a.sendall(b"x")
    return b.recv(1).decode()


def privileges():
    status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines())
    return [status["NoNewPrivs"].strip(), status["CapEff"].strip()]


attempt("os.system", lambda: [os.system("echo ran > ran-by-system"), os.path.exists("ran-by-system")])
attempt("subprocess.run", lambda: __import__("subprocess").run(["/bin/true"]).returncode)
attempt("os.fork", fork)
attempt("socket.socket", lambda: __import__("socket").socket().close())
attempt("socket.socketpair", socketpair)
attempt("write inside", lambda: write("inside.txt"))
attempt("write sibling", lambda: write(os.path.join(sibling, "outside.txt")))
attempt("write home", lambda: write(os.path.join(os.path.expanduser("~"), "outside.txt")))
attempt("read sibling", lambda: open(secret).read())
if block_device:
    attempt("open block device", lambda: open(block_device, "rb").close())
attempt("thread", thread)
attempt("import stdlib", lambda: __import__(fresh_module).rgb_to_hsv(1, 0, 0)[2])
attempt("import numpy", lambda: float(__import__("numpy").ones(3).sum()))
attempt("privileges", privileges)
attempt("os.execv", lambda: os.execv("/bin/true", ["true"]))    # last: a success would end the child
print(json.dumps(outcomes))
'''


def first_block_device():
    for name in sorted(os.listdir("/dev")):
        try:
            if stat.S_ISBLK(os.stat(os.path.join("/dev", name)).st_mode):
                return os.path.join("/dev", name)
        except OSError:
            continue
    return ""


@pytest.fixture(scope="module")
def confined(tmp_path_factory):
    """What each attempt gave inside one confined child: {name: [outcome, value]}."""
    base = tmp_path_factory.mktemp("confine")
    work, sibling, home = base / "work", base / "sibling", base / "home"
    for folder in (work, sibling, home):
        folder.mkdir()
    secret = sibling / "secret.txt"
    secret.write_text("not for scripts")
    p = subprocess.run([PY, "-c", CONFINED_CHILD, str(sibling), str(secret), first_block_device()],
                       cwd=work, env=environment(home), capture_output=True, text=True, timeout=TIMEOUT)
    assert p.returncode == 0, p.stdout + p.stderr
    outcomes = json.loads(p.stdout)
    outcomes["folders"] = {"work": work, "sibling": sibling, "home": home}
    return outcomes


@needs_seccomp
def test_no_program_runs_and_no_process_starts(confined):
    assert confined["walls"]["seccomp"]
    status, ran = confined["os.system"][1]
    assert confined["os.system"][0] == "ok" and status != 0 and not ran
    assert not (confined["folders"]["work"] / "ran-by-system").exists()
    assert confined["subprocess.run"] == ["PermissionError", 1]
    assert confined["os.fork"] == ["PermissionError", 1]
    assert confined["os.execv"][0] == "PermissionError"


@needs_seccomp
def test_no_socket_but_the_socketpair_the_prompt_needs(confined):
    assert confined["socket.socket"] == ["PermissionError", 1]
    assert confined["socket.socketpair"] == ["ok", "x"]


# With CuPy installed the CUDA driver needs a unix socket and its threads' names
# (without either it fails: cudaErrorOperatingSystem, seen on an H200); nothing more.
CUDA_CHILD = r'''
import json, os, socket, threading
from tensorsh.cli import confine
confine._cupy_installed = lambda: True
walls = confine.confine(confine.grants_for())
outcomes = {"walls": {wall.name: wall.up for wall in walls}}
for name, action in [
        ("unix socket", lambda: socket.socket(socket.AF_UNIX).close()),
        ("inet socket", lambda: socket.socket(socket.AF_INET).close()),
        ("name a thread", lambda: open(f"/proc/self/task/{threading.get_native_id()}/comm", "w").write("cuda")),
        ("write /proc/self/oom_score_adj", lambda: open("/proc/self/oom_score_adj", "w").write("0"))]:
    try:
        action()
        outcomes[name] = "ok"
    except OSError as e:
        outcomes[name] = type(e).__name__
print(json.dumps(outcomes))
'''


@needs_seccomp
@needs_landlock
def test_with_cupy_the_cuda_driver_gets_a_unix_socket_and_its_thread_names(tmp_path):
    p = subprocess.run([PY, "-c", CUDA_CHILD], cwd=tmp_path, env=environment(tmp_path),
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert p.returncode == 0, p.stdout + p.stderr
    outcomes = json.loads(p.stdout)
    assert outcomes == {"walls": {"seccomp": True, "Landlock": True}, "unix socket": "ok",
                        "inet socket": "PermissionError", "name a thread": "ok",
                        "write /proc/self/oom_score_adj": "PermissionError"}


@needs_landlock
def test_writes_only_in_the_working_folder(confined):
    assert confined["walls"]["Landlock"]
    assert confined["write inside"] == ["ok", 1]
    assert (confined["folders"]["work"] / "inside.txt").read_text() == "x"
    assert confined["write sibling"] == ["PermissionError", 13]
    assert confined["write home"] == ["PermissionError", 13]
    assert not (confined["folders"]["sibling"] / "outside.txt").exists()
    assert not (confined["folders"]["home"] / "outside.txt").exists()


@needs_landlock
def test_reads_only_where_the_interpreter_and_the_script_need(confined):
    assert confined["read sibling"] == ["PermissionError", 13]
    if "open block device" in confined:       # root reading a disk would read every file on it
        assert confined["open block device"][0] == "PermissionError"


def test_threads_and_imports_still_work(confined):
    assert confined["thread"] == ["ok", 42]
    assert confined["import stdlib"] == ["ok", 1]
    assert confined["import numpy"] == ["ok", 3.0]


def test_root_gains_nothing(confined):
    no_new_privs, effective_capabilities = confined["privileges"][1]
    assert no_new_privs == "1" and int(effective_capabilities, 16) == 0


def test_what_is_granted(tmp_path, monkeypatch):
    work, scripts, data = tmp_path / "work", tmp_path / "scripts", tmp_path / "data"
    work.mkdir()
    scripts.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    grants = dict(confine.grants_for(script=str(scripts / "s.tsh"), history=True))
    assert grants[str(work)] == confine.WRITE and grants[str(scripts)] == confine.READ
    assert grants[str(data / "tensorsh")] == confine.WRITE and (data / "tensorsh").is_dir()
    never = confine.FS_EXECUTE | confine.FS_MAKE_BLOCK | confine.FS_MAKE_CHAR
    assert not any(rights & never for rights in grants.values())
    assert grants["/dev"] == confine.FS_READ_DIR and "/tmp" not in grants
    # the packages themselves, which an editable install reaches through an import hook
    import engine
    import tensorsh
    for package in (tensorsh, engine):
        assert grants[os.path.dirname(package.__file__)] & confine.FS_READ_FILE
    monkeypatch.chdir("/")
    assert not any(rights & confine.FS_WRITE_FILE and path == "/" for path, rights in confine.grants_for())


# ---------------------------------------------------------------- end to end

def tsh(*args, cwd, home, env=None):
    p = subprocess.run([PY, "-m", "tensorsh", *args], capture_output=True, text=True, cwd=cwd,
                       env=env or environment(home), timeout=TIMEOUT)
    return p.returncode, p.stdout, p.stderr


@pytest.fixture
def folders(tmp_path):
    work, sibling, home = tmp_path / "work", tmp_path / "sibling", tmp_path / "home"
    for folder in (work, sibling, home):
        folder.mkdir()
    return work, sibling, home


@needs_landlock
@needs_seccomp
def test_save_inside_the_working_folder_and_not_outside(folders):
    work, sibling, home = folders
    code = "x = ones(2)\nsave \"inside.npz\" x\n"
    rc, out, err = tsh("--confine=require", "-c", code, cwd=work, home=home)
    assert (rc, err) == (0, "") and (work / "inside.npz").exists()
    outside = sibling / "outside.npz"
    rc, out, err = tsh("--confine=require", "-c", f"x = ones(2)\nsave {str(outside)!r} x\n", cwd=work, home=home)
    assert rc == 1 and not outside.exists()
    assert f"error: cannot save to {str(outside)!r}: Permission denied" in err and "Traceback" not in err
    rc, out, err = tsh("--confine=off", "-c", f"x = ones(2)\nsave {str(outside)!r} x\n", cwd=work, home=home)
    assert rc == 0 and outside.exists()


def test_confine_modes_are_checked(folders):
    work, _, home = folders
    rc, out, err = tsh("--confine=bogus", "-c", "1", cwd=work, home=home)
    assert rc == 2 and "--confine must be auto, require or off, not 'bogus'" in err
    rc, out, err = tsh("--confine", "off", "-c", "1", cwd=work, home=home)
    assert (rc, out) == (0, "1\n")
    rc, out, err = tsh("-c", "1", cwd=work, home=home, env=environment(home, TENSORSH_CONFINE="nope"))
    assert rc == 2 and "TENSORSH_CONFINE must be auto, require or off" in err


def test_version_names_the_walls(folders):
    work, _, home = folders
    rc, out, err = tsh("--version", cwd=work, home=home)
    lines = out.splitlines()
    assert rc == 0 and lines[0].startswith("tensorsh ") and lines[1].startswith("walls: ")
    for wall in WALLS.values():
        assert wall.name in lines[1] and wall.detail in lines[1]


# A thread started before confining means the walls cannot bind it: the one
# situation on every kernel where a wall cannot go up, so both modes show.
THREAD_FIRST = textwrap.dedent('''
    import sys, threading, time
    threading.Thread(target=time.sleep, args=(5,), daemon=True).start()
    from tensorsh.cli.command import main
    sys.exit(main(sys.argv[1:]))
''')


def test_a_wall_that_cannot_go_up_warns_or_refuses(folders):
    work, _, home = folders
    p = subprocess.run([PY, "-c", THREAD_FIRST, "-c", "6 * 7"], cwd=work, env=environment(home),
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert p.returncode == 0 and p.stdout == "42\n"
    assert p.stderr.startswith("tensorsh: warning: running without seccomp and Landlock (")
    assert "other threads were already running" in p.stderr and p.stderr.count("\n") == 1
    p = subprocess.run([PY, "-c", THREAD_FIRST, "--confine=require", "-c", "6 * 7"], cwd=work,
                       env=environment(home), capture_output=True, text=True, timeout=TIMEOUT)
    assert p.returncode == 2 and p.stdout == ""
    assert "tensorsh: --confine=require, but a wall cannot go up" in p.stderr


def test_debug_lists_the_folders_granted(folders):
    work, _, home = folders
    rc, out, err = tsh("-c", "1", cwd=work, home=home, env=environment(home, TENSORSH_CONFINE_DEBUG="1"))
    assert rc == 0 and f"tensorsh: confine: read+write {work}\n" in err
    assert "tensorsh: confine: list       /dev\n" in err


@needs_landlock
@needs_seccomp
def test_the_prompt_works_confined_and_keeps_its_history(folders):
    pexpect = pytest.importorskip("pexpect")
    work, sibling, home = folders
    env = environment(home, TENSORSH_CONFINE="require", TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", NO_COLOR="1")
    child = pexpect.spawn(PY, ["-m", "tensorsh"], cwd=str(work), env=env, encoding="utf-8",
                          dimensions=(30, 250), timeout=TIMEOUT)   # wide: no message wraps
    new_prompt = "\x1b[?2004h"       # each new prompt switches bracketed paste on
    child.expect_exact(new_prompt)
    for line, shown in [("x = ones(2) * 21", None), ('save "inside.npz" x', "saved x to inside.npz"),
                        (f"save {str(sibling / 'out.npz')!r} x", "Permission denied"),
                        ("x.sum()", "tensor(42.)")]:
        child.send(line + "\r")
        if shown:
            child.expect_exact(shown)
        child.expect_exact(new_prompt)
    child.send("\x04")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert (work / "inside.npz").exists() and not (sibling / "out.npz").exists()
    assert "+x.sum()" in (home / "data" / "tensorsh" / "history").read_text()
