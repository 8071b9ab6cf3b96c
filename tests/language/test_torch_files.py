"""torch.save and torch.load in tensorsh's .npz format: a model's and an optimizer's state_dict
round trip, a checkpoint of both, and files that are not as torch.save writes them refused."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest

from tensorsh.language.builtins import npz
from tensorsh.language.interpreter import Session


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def run(source):
        out, err = io.StringIO(), io.StringIO()
        result = Session(stdout=out, stderr=err).run_source("import torch.nn as nn\n" + source, "files.tsh")
        return result.ok, out.getvalue(), err.getvalue()
    return run


TRAINED = """
_ = torch.manual_seed(0)
net = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
net(torch.randn(4, 3)).pow(2).sum().backward()
optimizer.step()
"""


def test_a_models_state_dict_round_trips(run):
    ok, out, err = run(TRAINED + """
torch.save(net.state_dict(), "net.npz")
copy = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
print(copy.load_state_dict(torch.load("net.npz")))
state = torch.load("net.npz")
print(type(state), list(state))
print(all(torch.equal(a, b) for a, b in zip(net.state_dict().values(), state.values())))
print([t.dtype for t in state.values()][-1], state["1.num_batches_tracked"])
_ = copy.eval()
_ = net.eval()
x = torch.randn(5, 3)
print(torch.equal(copy(x), net(x)))
""")
    assert ok, err
    assert out == ("<All keys matched successfully>\n"
                   "<class 'collections.OrderedDict'> ['0.weight', '0.bias', '1.weight', '1.bias', "
                   "'1.running_mean', '1.running_var', '1.num_batches_tracked']\n"
                   "True\ntorch.int64 tensor(1)\nTrue\n")


def test_an_optimizers_state_dict_round_trips(run):
    ok, out, err = run(TRAINED + """
torch.save(optimizer.state_dict(), "optimizer.pth")
again = torch.optim.SGD(net.parameters(), lr=0.5, momentum=0.9)
again.load_state_dict(torch.load("optimizer.pth"))
saved, loaded = optimizer.state_dict(), again.state_dict()
print(loaded["param_groups"] == saved["param_groups"], list(loaded["state"]))
print(all(torch.equal(saved["state"][i]["momentum_buffer"], loaded["state"][i]["momentum_buffer"]) for i in range(4)))
""")
    assert ok, err
    assert out == "True [0, 1, 2, 3]\nTrue\n"


def test_a_checkpoint_keeps_its_numbers_strings_lists_tuples_and_tensors(run):
    ok, out, err = run("""
w = torch.ones(2, requires_grad=True)
torch.save({"epoch": 3, "name": "run 1", "losses": [1.5, 0.25], "shape": (2, None), 7: w, "flag": True}, "c.pt")
c = torch.load("c.pt")
print(c)
print(c[7].requires_grad, type(c["shape"]))
""")
    assert ok, err
    assert out == ("{'epoch': 3, 'name': 'run 1', 'losses': [1.5, 0.25], 'shape': (2, None), "
                   "7: tensor([1., 1.], requires_grad=True), 'flag': True}\nTrue <class 'tuple'>\n")


def test_save_and_torch_load_read_each_others_files_where_it_makes_sense(run):
    ok, out, err = run('x = arange(3)\ny = 2.5\nsave "vars.npz" x y\nprint(torch.load("vars.npz"))\n'
                       'torch.save(x, "x.npz")\nload "x.npz"\n')
    assert out == "saved x, y to vars.npz\n{'x': tensor([0, 1, 2]), 'y': 2.5}\n"
    assert not ok and "'x.npz' holds what torch.save wrote: read it with torch.load('x.npz')" in err


@pytest.mark.parametrize("source, words", [
    ('torch.save(ones(2), "x.txt")', "give a file name ending in .npz, .pt, .pth, not 'x.txt'"),
    ('torch.save(ones(2), 3)', "torch.save takes a file name in tensorsh, not a int"),
    ('torch.save({"f": print}, "x.npz")', "not a function"),
    ('torch.save(nn.Linear(2, 2), "x.npz")', "not a Linear"),
    ('torch.load("missing.pt")', "cannot load 'missing.pt'"),
    ('torch.save(ones(1), "x.pt")\ntorch.load("x.pt", map_location="cuda")', "loads onto the CPU"),
])
def test_what_torch_save_and_load_refuse(run, source, words):
    ok, _, err = run(source + "\n")
    assert not ok and words in err, err


def test_a_file_tensorsh_did_not_write_is_never_replaced(run, tmp_path):
    (tmp_path / "model.pt").write_bytes(b"PyTorch's own pickle")
    ok, _, err = run('torch.save(ones(2), "model.pt")\n')
    assert not ok and "model.pt" in err
    assert (tmp_path / "model.pt").read_bytes() == b"PyTorch's own pickle"
    ok, _, err = run('torch.load("model.pt")\n')
    assert not ok and "not an .npz file" in err


def _crafted(path, shape, members=()):
    arrays = {name: np.ones(2, dtype=np.float32) for name in members}
    items = {name: {"kind": "tensor", "dtype": "float32"} for name in members}
    record = {"format": npz.SAVE_FORMAT, "items": items, "object": shape}
    np.savez(path, **arrays, **{npz.MARKER: np.array(json.dumps(record))})


@pytest.mark.parametrize("shape, words", [
    ({"tensor": "tensor9"}, "its object names a tensor 'tensor9' it does not hold"),
    ({"tensor": "__tensorsh__"}, "its object names a tensor '__tensorsh__' it does not hold"),
    ({"pickle": "os.system"}, "its object is not as torch.save writes it"),
    ({"dict": [[{"list": []}, {"value": 1}]]}, "a key that is not a number, string or tuple"),
    ({"dict": [[{"tensor": "tensor0"}, {"value": 1}]]}, "a key that is not a number, string or tuple"),
    ({"list": [{"value": {"nested": 1}}]}, "its object is not as torch.save writes it"),
    ({"value": 1, "list": []}, "its object is not as torch.save writes it"),
    (json.loads("[" * 0 + '{"list": ' * 100 + "[]" + "}" * 100), "its object is not as torch.save writes it"),
])
def test_a_crafted_record_is_refused_not_guessed_at(run, tmp_path, shape, words):
    _crafted(tmp_path / "crafted.npz", shape, members=("tensor0",))
    ok, _, err = run('torch.load("crafted.npz")\n')
    assert not ok and "cannot load 'crafted.npz': its tensorsh record is malformed" in err and words in err, err


def test_their_help_pages_show_the_example_without_writing_its_file(run, tmp_path):
    ok, out, err = run("help torch.save\nhelp torch.load\n")
    assert ok, err
    assert '>>> torch.save({"epoch": 3, "w": ones(2)}, "example.npz")' in out
    assert list(tmp_path.iterdir()) == []
