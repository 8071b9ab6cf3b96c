"""A session's models as the shell shows them: `vars` counts their parameters, `graph` and
`explain backward` name a model's parameters by its variable and module path, and none of it
runs the script's own code (a model is often an instance of a class the script wrote)."""
from __future__ import annotations

import io

import pytest

from tensorsh.language import display, models
from tensorsh.language.interpreter import Session

NET = """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 3)
        self.fc2 = nn.Linear(3, 1)
        self.register_buffer("seen", torch.zeros(2))

    @property
    def loud(self):
        print("the property ran")
        return 1

    def parameters(self):
        print("parameters() ran")
        return super().parameters()

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))

torch.manual_seed(0)
net = Net()
optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
out = net(torch.ones(2, 4)).sum()
"""


@pytest.fixture
def session():
    s = Session(stdout=io.StringIO(), stderr=io.StringIO())
    result = s.run_source("import torch.nn as nn\n" + NET, "net.tsh")
    assert result.ok, s.stderr.getvalue()
    s.stdout.truncate(0)
    s.stdout.seek(0)
    return s


def shown(session, source):
    result = session.run_source(source, "shown.tsh")
    assert result.ok, session.stderr.getvalue()
    return session.stdout.getvalue()


def test_vars_counts_a_models_and_an_optimizers_parameters(session):
    rows = {line.split()[0]: line.split(None, 1)[1] for line in shown(session, "vars\n").splitlines()[1:]}
    assert rows["net"] == "Net     19 parameters"          # 4*3 + 3 + 3*1 + 1; the buffer is no parameter
    assert rows["optimizer"] == "SGD     19 parameters"
    assert "ran" not in session.stdout.getvalue()


def test_one_parameter_is_singular_and_thousands_are_grouped():
    assert models.count_text(1) == "1 parameter"
    assert models.count_text(61706) == "61,706 parameters"


def test_a_layer_shared_twice_is_counted_once(session):
    shown(session, "shared = nn.Sequential(net.fc1, net.fc1)\n")
    assert display.describe(session.namespace["shared"])[:2] == ("Sequential", "15 parameters")


def test_graph_names_parameters_by_model_and_module_path(session):
    text = shown(session, "graph out\n")
    assert text == ("SumBackward0  -> [] float32  out\n"
                    "└── AddmmBackward0  -> [2, 1] float32\n"
                    "    ├── AccumulateGrad  net.fc2.bias  [1] float32\n"
                    "    ├── ReluBackward0  -> [2, 3] float32\n"
                    "    │   └── AddmmBackward0  -> [2, 3] float32\n"
                    "    │       ├── AccumulateGrad  net.fc1.bias  [3] float32\n"
                    "    │       └── TBackward0  -> [4, 3] float32\n"
                    "    │           └── AccumulateGrad  net.fc1.weight  [3, 4] float32\n"
                    "    └── TBackward0  -> [3, 1] float32\n"
                    "        └── AccumulateGrad  net.fc2.weight  [1, 3] float32\n")


def test_a_parameter_held_by_a_variable_too_has_both_names(session):
    assert "AccumulateGrad  w, net.fc1.weight  [3, 4]" in shown(session, "w = net.fc1.weight\ngraph out\n")


def test_explain_backward_names_the_leaves_it_fills(session):
    text = shown(session, "explain backward out\n")
    assert "AccumulateGrad (net.fc1.weight)" in text
    assert "after backward: net.fc2.bias.grad = tensor([2.])" in text
    assert "(unnamed leaf)" not in text


def test_a_models_buffers_are_named_too(session):
    paths = [path for path, _, kind in models.named_tensors(session.namespace["net"], "net.") if kind == "buffer"]
    assert paths == ["net.seen"]


def test_anything_else_is_no_model():
    assert not models.is_module(models) and not models.is_optimizer(3)
    assert not models.is_module(type(None))
