"""torch.nn and torch.optim from the language: layers built and read as in PyTorch (a module's
parameters, settings and submodules by attribute, its registries hidden), and a model trained."""
from __future__ import annotations

import io

from tensorsh.language.interpreter import Session


def run(source):
    out, err = io.StringIO(), io.StringIO()
    result = Session(stdout=out, stderr=err).run_source(source, "nn.tsh")
    return result.ok, out.getvalue(), err.getvalue()


def test_a_modules_registered_attributes_and_settings_are_readable():
    ok, out, err = run("net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())\n"
                       "print(net[0].weight.shape, net[0].bias.shape, net[0].in_features)\n"
                       "print(len(list(net.parameters())), [name for name, p in net.named_parameters()])\n"
                       "print(net)\n")
    assert ok, err
    assert out == ("torch.Size([3, 2]) torch.Size([3]) 2\n2 ['0.weight', '0.bias']\n"
                   "Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): ReLU()\n)\n")


def test_a_modules_registries_stay_hidden():
    for name in ("_parameters", "_modules", "__dict__"):
        ok, _, err = run(f"net = torch.nn.Linear(2, 3)\nnet.{name}\n")
        assert not ok and "not available in tensorsh" in err, err


def test_an_attribute_of_one_module_is_not_granted_to_another():
    ok, out, err = run("def first(d):\n    return d.a\n"
                       "print(first(torch.nn.ModuleDict({'a': torch.nn.ReLU()})))\n"
                       "first(torch.nn.ModuleDict({'b': torch.nn.ReLU()}))\n")
    assert not ok and out == "ReLU()\n" and "'a'" in err, err


def test_a_model_trains_with_an_optimizer_and_a_schedule():
    ok, out, err = run("""
x = torch.linspace(-1, 1, 50).unsqueeze(1)
y = 3 * x + 1
model = torch.nn.Linear(1, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
schedule = torch.optim.lr_scheduler.StepLR(optimizer, step_size=50, gamma=0.5)
loss_fn = torch.nn.MSELoss()
first = loss_fn(model(x), y).item()
for step in range(100):
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    schedule.step()
print(loss.item() < first / 100, schedule.get_last_lr())
""")
    assert ok, err
    assert out == "True [0.025]\n"
