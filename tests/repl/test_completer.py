"""Completion over a session's names: metadata only, never evaluation."""
import pytest

from tensorsh import Session
from tensorsh.terminal.completer import complete
from tests.language.conftest import run_code


@pytest.fixture(scope="module")
def session():
    s = Session()
    s.run_source("x = ones 2 2 requires_grad=True\ny = x * 2\nimport numpy as np\na = np.ones(3)")
    return s


def texts(session, text, **kw):
    return [c.text for c in complete(text, session.namespace, session.builtins, **kw)]


def test_names_with_descriptions(session):
    got = {c.text: c.meta for c in complete("y", session.namespace, session.builtins)}
    assert got["y"] == "Tensor[2, 2] float32 MulBackward0"
    assert {c.text: c.meta for c in complete("x", session.namespace, session.builtins)}["x"] == \
        "Tensor[2, 2] float32 requires_grad"
    assert "zeros" in texts(session, "ze") and "zeros_like" in texts(session, "ze")
    assert "while" in texts(session, "whi")


def test_attributes_of_tensors_and_namespaces(session):
    assert {"add", "add_"} <= set(texts(session, "x.ad"))
    assert "sum" in texts(session, "x.grad.su")          # x.grad is never run
    assert texts(session, "torch.ze") == ["zero_", "zeros", "zeros_like"]   # torch.zero_ as in PyTorch
    assert "ones" in texts(session, "np.on") and "norm" in texts(session, "np.linalg.n")
    assert "reshape" in texts(session, "a.resh")



def test_menu_entries_say_what_they_are_in_a_few_words(session):
    """The first sentence of the help page, without RST markup, not a
    signature with PyTorch's internal `input`."""
    meta = {c.text: c.meta for c in complete("x.", session.namespace, session.builtins)}
    assert meta["view"] == "A view with another shape (one dim may be -1)"
    assert meta["add_"] == "In-place version of add"
    assert not [m for m in meta.values() if m.startswith(("(input", "(self")) or "`" in m or len(m) > 50]
    names = {c.text: c.meta for word in ("ra", "va") for c in complete(word, session.namespace, session.builtins)}
    assert names["rand"] == "Uniform random numbers in [0, 1)"
    assert names["vars"].startswith("A table of the session's variables")


def test_keyword_arguments_dtypes_and_devices(session):
    assert texts(session, "rand(5, req") == ["requires_grad="]
    assert texts(session, "rand 5 3 req") == ["requires_grad="]
    assert texts(session, "x = zeros 5 dtype=lo") == ["long"]
    assert texts(session, "zeros(5, dtype=torch.float6") == ["float64"]
    offered = texts(session, "zeros(5, dtype=")         # only dtypes that exist: each one works
    assert "float32" in offered and "bfloat16" not in offered
    assert all(run_code(f"zeros(1, dtype=torch.{d})").ok for d in offered)
    assert texts(session, 'ones(3, device="cu') == ['"cuda"', '"cuda:0"']
    assert texts(session, "ones(3, device=") == ['"cpu"', '"cuda"', '"cuda:0"']


def test_file_names_inside_run_and_load(session, tmp_path):
    tmp_path = tmp_path / "work"
    tmp_path.mkdir()
    for name in ("demo.tsh", "data.npz", "notes.txt"):
        (tmp_path / name).write_text("")
    (tmp_path / "sub").mkdir()
    assert texts(session, 'run "', cwd=str(tmp_path)) == ["demo.tsh", "sub/"]
    assert texts(session, 'load "da', cwd=str(tmp_path)) == ["data.npz"]


def test_completion_never_evaluates(session):
    calls = []

    class Spy:
        @property
        def boom(self):
            calls.append(1)
            return self

    namespace = {"s": Spy()}
    complete("s.boom.", namespace, session.builtins)
    complete("s.bo", namespace, session.builtins)
    assert calls == []


def test_broken_input_gives_nothing_rather_than_failing(session):
    for text in ['"unterminated', "1.", "undefined_name.att"]:
        assert texts(session, text) == [], text


def test_broken_input_where_a_name_may_start_offers_every_name(session):
    every_name = texts(session, "(")
    assert {"x", "y", "a", "zeros"} <= set(every_name)
    for text in ["x.(", "((((", "x + "]:
        assert texts(session, text) == every_name, text


@pytest.fixture(scope="module")
def model_session():
    s = Session()
    result = s.run_source("ran = []\n"
                 "class Net(torch.nn.Module):\n"
                 "    def __init__(self):\n"
                 "        super().__init__()\n"
                 "        self.conv1 = torch.nn.Conv2d(1, 6, 5)\n"
                 "        self.fc1 = torch.nn.Linear(4, 3)\n"
                 "        self.scale = torch.nn.Parameter(torch.ones(1))\n"
                 "        self.register_buffer('steps', torch.zeros(1))\n"
                 "    @property\n"
                 "    def loud(self):\n"
                 "        ran.append('the property')\n"
                 "        return 1\n"
                 "    def forward(self, x):\n"
                 "        return self.fc1(x) * self.scale\n"
                 "net = Net()\n"
                 "seq = torch.nn.Sequential(torch.nn.Linear(2, 2))\n")
    assert result.ok
    return s


def test_a_models_submodules_parameters_and_buffers_come_first(model_session):
    got = complete("net.", model_session.namespace, model_session.builtins)
    assert [(c.text, c.meta) for c in got[:4]] == [
        ("conv1", "module Conv2d"), ("fc1", "module Linear"),
        ("scale", "parameter [1] float32"), ("steps", "buffer [1] float32")]
    names = [c.text for c in got]
    assert {"forward", "parameters", "state_dict", "zero_grad", "loud"} <= set(names)
    assert len(names) == len(set(names))


def test_a_model_is_described_by_its_size(model_session):
    got = {c.text: c.meta for c in complete("ne", model_session.namespace, model_session.builtins)}
    assert got["net"] == "Net 172 parameters"          # conv1 6*25 + 6, fc1 4*3 + 3, scale 1; no buffer


def test_a_submodules_own_attributes_complete(model_session):
    assert texts(model_session, "net.fc1.") [:2] == ["weight", "bias"]
    assert "in_features" in texts(model_session, "net.fc1.")
    assert "sum" in texts(model_session, "net.fc1.weight.su")
    assert texts(model_session, "net.c") == ["conv1", "children", "cpu", "cuda"]


def test_a_models_property_is_never_run(model_session):
    assert texts(model_session, "net.loud.") == []         # its value is unknown: the property did not run
    assert texts(model_session, "net.lo") == ["load_state_dict", "loud"]
    assert model_session.namespace["ran"] == []


def test_a_sequentials_numbered_layers_are_not_offered_as_attributes(model_session):
    assert "0" not in texts(model_session, "seq.")
