"""Two sessions in one process never share their settings: each keeps its own
memory limit however they alternate, neither changes the engine's own limit
(the one Python code that uses `engine` directly sets), and each knows why the
engine failed to load, if it did."""
import io
import sys

import pytest

import engine
from tensorsh.language.interpreter import Session

MIB = 1024 ** 2
BIG_TENSOR = "x = zeros(10 * 1024 * 1024, dtype=torch.float64)"     # 80 MiB
BIG_ARRAY = "a = np.zeros(10 * 1024 * 1024)"        # 80 MiB of float64
BIG_REPEAT = "s = 'a' * (80 * 1024 * 1024)"         # 80 MiB of text


def session(limit):
    return Session(stdout=io.StringIO(), stderr=io.StringIO(), memory_limit=limit)


def refused(s, code):
    """Whether s refused code for its memory limit (and ran it otherwise)."""
    result = s.run_source(code, "t.tsh")
    if result.ok:
        return False
    assert "memory limit" in str(result.error), result.error
    return True


@pytest.fixture(autouse=True)
def keep_engine_limit():
    """The engine's own limit, put back after the test."""
    saved = engine.memory_limit()
    yield
    engine.set_memory_limit(saved)


@pytest.mark.parametrize("code", [BIG_TENSOR, BIG_ARRAY, BIG_REPEAT])
@pytest.mark.parametrize("other_limit", [None, 2 ** 30])
def test_a_session_keeps_its_limit_when_another_is_made_after_it(code, other_limit):
    small = session(MIB)
    big = session(other_limit)
    for _ in range(3):          # alternating, neither leaves its limit to the other
        assert refused(small, code)
        assert not refused(big, code)
        assert small.memory_limit == MIB and big.memory_limit == other_limit
        assert small.run_source("memory_limit").value == MIB        # the shell command
        assert big.run_source("memory_limit").value == other_limit


def test_the_language_sees_the_running_sessions_limit_in_the_engine():
    small, big = session(MIB), session(2 ** 30)
    assert small.eval_expression("torch.memory_limit()") == MIB
    assert big.eval_expression("torch.memory_limit()") == 2 ** 30


def test_changing_one_sessions_limit_leaves_the_others_alone():
    first, second = session(2 ** 30), session(2 ** 30)
    second.set_memory_limit(MIB)
    assert not refused(first, BIG_ARRAY)
    assert refused(second, BIG_ARRAY)
    assert first.memory_limit == 2 ** 30


@pytest.mark.parametrize("engine_setting", [None, 3 * MIB])
def test_sessions_leave_the_engines_own_limit_alone(engine_setting):
    engine.set_memory_limit(engine_setting)
    small, unlimited = session(MIB), session(None)
    assert engine.memory_limit() == engine_setting          # made: unchanged
    assert refused(small, BIG_TENSOR)
    assert not refused(unlimited, BIG_TENSOR)               # the session's limit is in force while it runs
    assert engine.memory_limit() == engine_setting          # run: unchanged
    small.run_source("1 +", "t.tsh")                        # a syntax error runs nothing
    small.set_memory_limit(2 * MIB)
    assert engine.memory_limit() == engine_setting
    engine.zeros(2 * MIB // 8, dtype=engine.float64)          # within the engine's own limit
    if engine_setting is not None:
        with pytest.raises(MemoryError):
            engine.zeros(4 * MIB // 8, dtype=engine.float64)


def test_a_failing_session_leaves_the_engines_limit_alone():
    engine.set_memory_limit(3 * MIB)
    s = session(MIB)
    assert not s.run_source("x = 1\ny = undefined_name", "t.tsh").ok
    assert engine.memory_limit() == 3 * MIB
    assert s.namespace["x"] == 1


def test_why_the_engine_failed_to_load_is_the_sessions_own(monkeypatch):
    """A session made while the engine cannot be imported says why when a name is
    missing; one made once it can says nothing of that failure.  (This passes on the
    old code too: it guards the reason's move from a global list to the session.)"""
    with monkeypatch.context() as m:
        m.setitem(sys.modules, "engine", None)          # `import engine` now fails
        without = session(None)
    with_engine = session(None)
    missing = without.run_source("zeros(2)", "t.tsh").error
    assert "the tensor engine failed to load: ModuleNotFoundError" in str(missing)
    assert "failed to load" not in str(with_engine.run_source("zerox(2)", "t.tsh").error)
    assert with_engine.run_source("zeros(2)", "t.tsh").ok


def test_a_sessions_engine_settings_are_its_own():
    """Grad mode, the default dtype, print options and the random stream a session
    sets stay with it: another session and Python's own use of the engine see
    none of them, and the session finds them again on its next run."""
    import engine
    before = (engine.is_grad_enabled(), engine.get_default_dtype(), engine.get_printoptions())
    a, b = Session(stdout=io.StringIO()), Session(stdout=io.StringIO())
    assert a.run_source("torch.set_grad_enabled(False)\ntorch.set_default_dtype(torch.float64)\n"
                        "torch.set_printoptions(precision=1)\ntorch.manual_seed(7)").ok
    assert (engine.is_grad_enabled(), engine.get_default_dtype(), engine.get_printoptions()) == before
    out = io.StringIO()
    b.stdout = out
    assert b.run_source("print(torch.is_grad_enabled(), torch.get_default_dtype(), torch.tensor(1.23456))").ok
    assert out.getvalue() == "True torch.float32 tensor(1.2346)\n"
    out = io.StringIO()
    a.stdout = out
    assert a.run_source("print(torch.is_grad_enabled(), torch.get_default_dtype(), torch.tensor(1.23456))\n"
                        "first = torch.rand(3).tolist()\ng = torch.manual_seed(7)\nprint(first == torch.rand(3).tolist())").ok
    assert out.getvalue() == "False torch.float64 tensor(1.2)\nTrue\n"     # float64 is its default dtype


def test_a_sessions_default_device_and_thread_count_are_its_own():
    """set_default_device and set_num_threads are session settings, as the default dtype is: a
    cuda default set by one session (an error only when a tensor is made without a GPU) is not
    another's, nor Python's."""
    import engine
    before = (engine.ops.settings.default_device_setting(), engine.get_num_threads())
    a, b = Session(stdout=io.StringIO()), Session(stdout=io.StringIO())
    assert a.run_source("torch.set_default_device('cuda')\ntorch.set_num_threads(before + 1)".replace(
        "before", str(before[1]))).ok
    assert (engine.ops.settings.default_device_setting(), engine.get_num_threads()) == before
    out = io.StringIO()
    b.stdout = out
    assert b.run_source("print(torch.get_default_device(), torch.get_num_threads(), torch.ones(1).device)").ok
    assert out.getvalue() == f"cpu {before[1]} cpu\n"
    out = io.StringIO()
    a.stdout = out
    assert a.run_source("print(torch.get_num_threads())\ntorch.set_default_device(None)\n"
                        "print(torch.get_default_device())").ok
    assert out.getvalue() == f"{before[1] + 1}\ncpu\n"


def test_reset_turns_gradients_on_for_the_session_alone():
    import engine
    session = Session(stdout=io.StringIO())
    assert session.run_source("torch.set_grad_enabled(False)").ok
    engine.set_grad_enabled(False)          # a Python user's own setting
    try:
        session.reset()
        assert engine.is_grad_enabled() is False
        assert session.eval_expression("torch.is_grad_enabled()") is True
        assert session.run_source("torch.set_grad_enabled(False)\nreset").ok
        assert session.eval_expression("torch.is_grad_enabled()") is True and engine.is_grad_enabled() is False
    finally:
        engine.set_grad_enabled(True)


def test_a_run_within_a_run_of_the_same_session_keeps_its_random_stream():
    import engine
    session = Session(stdout=io.StringIO())
    inner = []
    session.namespace["inner"] = lambda: inner.append(session.eval_expression("torch.rand(1).item()"))
    assert session.run_source("torch.manual_seed(3)\ninner()\nafter = torch.rand(1).item()").ok
    engine.manual_seed(3)
    assert [inner[0], session.namespace["after"]] == engine.rand(2).tolist()
