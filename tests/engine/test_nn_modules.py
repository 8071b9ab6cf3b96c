"""torch.nn's modules against PyTorch's: the printed form, registration (parameters, buffers,
children, state_dict), the modes, and a few training steps from the same starting weights.

The engine's random stream is not yet PyTorch's, so where a model's initial weights matter they are
copied from PyTorch's model through load_state_dict (which these tests thereby check as well)."""
from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

import engine
from tests.oracle import assert_same, assert_same_gradients, outcome, torch_or_skip

enn = engine.nn


def layers(nn):
    """One of every layer, built the same way from either library."""
    return [nn.Linear(4, 3), nn.Linear(2, 3, bias=False), nn.Bilinear(3, 4, 2), nn.Bilinear(2, 2, 1, bias=False),
            nn.Conv2d(1, 6, 5),
            nn.Conv2d(2, 4, 3, stride=2, padding=1, dilation=2, groups=2, bias=False),
            nn.Conv2d(2, 4, 3, padding="same"), nn.Conv1d(2, 3, 3), nn.MaxPool2d(2), nn.MaxPool2d((2, 2), stride=1),
            nn.AvgPool2d(2), nn.AvgPool2d(3, 2, 1, True, False, 2), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
            nn.Dropout(), nn.Dropout(0.2, True), nn.BatchNorm1d(3), nn.BatchNorm2d(3, affine=False, momentum=None),
            nn.LayerNorm(4), nn.LayerNorm((2, 3), elementwise_affine=False), nn.Embedding(10, 3),
            nn.Embedding(10, 3, padding_idx=0), nn.ReLU(), nn.ReLU(inplace=True), nn.Tanh(), nn.Sigmoid(), nn.GELU(),
            nn.Softmax(dim=1), nn.LogSoftmax(1), nn.Softmax(), nn.Identity(), nn.Softplus(), nn.LeakyReLU(), nn.LeakyReLU(0.2, True),
            nn.ELU(), nn.ELU(0.5), nn.SELU(), nn.SELU(True), nn.SiLU(), nn.Mish(), nn.Hardtanh(), nn.Hardtanh(-2, 3),
            nn.ReLU6(), nn.ReLU6(True), nn.LogSigmoid(), nn.MSELoss(),
            nn.CrossEntropyLoss(), nn.NLLLoss(), nn.L1Loss(), nn.BCELoss(), nn.BCEWithLogitsLoss(),
            nn.Sequential(), nn.Sequential(nn.Linear(2, 3), nn.ReLU()), nn.ModuleDict({"a": nn.ReLU()}),
            nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU(), nn.Linear(2, 2)])]


def lenet(nn, F, flatten):
    """The blitz's "Neural Networks" model."""
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = flatten(x, 1)
            return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))
    return Net()


def copied(model, torch_model):
    """The engine ``model`` given ``torch_model``'s weights (and buffers)."""
    state = {k: engine.from_numpy(v.detach().numpy().copy()) for k, v in torch_model.state_dict().items()}
    assert repr(model.load_state_dict(state)) == "<All keys matched successfully>"
    return model


def test_every_layer_prints_as_pytorch_prints_it():
    torch = torch_or_skip()
    for ours, theirs in zip(layers(enn), layers(torch.nn)):
        assert repr(ours) == repr(theirs)


def test_the_lenet_prints_registers_and_saves_as_pytorch():
    torch = torch_or_skip()
    ours, theirs = lenet(enn, enn.functional, engine.flatten), lenet(torch.nn, torch.nn.functional, torch.flatten)
    assert repr(ours) == repr(theirs)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [tuple(p.shape) for p in ours.parameters()] == [tuple(p.shape) for p in theirs.parameters()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [type(m).__name__ for m in ours.children()] == [type(m).__name__ for m in theirs.children()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert repr(list(ours.parameters())[0].size()) == repr(list(theirs.parameters())[0].size())


def test_default_initialisation_draws_pytorchs_bounds():
    """Linear and Conv weights lie within ±1/sqrt(fan_in) (kaiming_uniform_ with a=sqrt(5)), as do biases."""
    engine.manual_seed(0)
    for layer, fan_in in [(enn.Linear(400, 120), 400), (enn.Conv2d(6, 16, 5), 150)]:
        bound = 1 / math.sqrt(fan_in)
        for p in (layer.weight, layer.bias):
            values = p.detach().numpy()
            assert np.abs(values).max() <= bound and np.abs(values).max() > 0.9 * bound


def test_lenet_forward_backward_and_sgd_steps_match_pytorch():
    torch = torch_or_skip()
    torch.manual_seed(0)
    theirs = lenet(torch.nn, torch.nn.functional, torch.flatten)
    ours = copied(lenet(enn, enn.functional, engine.flatten), theirs)
    x = np.random.default_rng(0).standard_normal((2, 1, 32, 32))
    target = np.random.default_rng(1).standard_normal((2, 10))
    opt_e = engine.optim.SGD(ours.parameters(), lr=0.05, momentum=0.9)
    opt_t = torch.optim.SGD(theirs.parameters(), lr=0.05, momentum=0.9)
    for _ in range(4):
        losses = []
        for model, lib, opt in [(ours, engine, opt_e), (theirs, torch, opt_t)]:
            opt.zero_grad()
            out = model(lib.from_numpy(x.astype(np.float32)))
            loss = lib.nn.MSELoss()(out, lib.from_numpy(target.astype(np.float32)))
            loss.backward()
            opt.step()
            losses.append((out, loss))
        assert_same(losses[0][0], losses[1][0])
        assert abs(losses[0][1].item() - losses[1][1].item()) < 1e-5
    assert_same_gradients([p.grad for p in ours.parameters()], [p.grad for p in theirs.parameters()])
    assert ours.conv1.bias.grad.shape == (6,)


def test_state_dict_round_trip_and_pickle():
    model = enn.Sequential(enn.Linear(3, 4), enn.BatchNorm1d(4), enn.ReLU(), enn.Linear(4, 1))
    state = model.state_dict()
    assert list(state) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                           "1.num_batches_tracked", "3.weight", "3.bias"]
    other = enn.Sequential(enn.Linear(3, 4), enn.BatchNorm1d(4), enn.ReLU(), enn.Linear(4, 1))
    other.load_state_dict(pickle.loads(pickle.dumps(state)))
    for a, b in zip(model.state_dict().values(), other.state_dict().values()):
        assert engine.equal(a, b)
    assert not state["0.weight"].requires_grad and state["0.weight"].grad_fn is None


def test_load_state_dict_errors_are_pytorchs():
    torch = torch_or_skip()

    def load(lib, change):
        model = lib.nn.Sequential(lib.nn.Linear(2, 3))
        state = dict(model.state_dict())
        change(lib, state)
        return model.load_state_dict(state)
    cases = [lambda lib, s: s.pop("0.bias"), lambda lib, s: s.update(extra=lib.zeros(1)),
             lambda lib, s: s.update({"0.weight": lib.zeros(3, 3)})]
    for change in cases:
        assert_same(outcome(lambda: load(engine, change)), outcome(lambda: load(torch, change)))
    assert repr(load(engine, lambda lib, s: None)) == repr(load(torch, lambda lib, s: None))
    assert repr(enn.Linear(2, 2).load_state_dict({"weight": engine.zeros(2, 2)}, strict=False)) == repr(
        torch.nn.Linear(2, 2).load_state_dict({"weight": torch.zeros(2, 2)}, strict=False))


def test_registration_by_assignment():
    torch = torch_or_skip()

    def build(lib):
        model = lib.nn.Module()
        model.w = lib.nn.Parameter(lib.ones(2))
        model.sub = lib.nn.Linear(1, 1)
        model.register_buffer("count", lib.zeros(1))
        model.plain = lib.ones(1)   # a plain tensor attribute: neither parameter nor buffer
        return model
    ours, theirs = build(engine), build(torch)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert repr(ours) == repr(theirs)
    assert repr(ours.w) == repr(theirs.w)
    for case in [lambda m, lib: setattr(m, "w", lib.ones(2)), lambda m, lib: m.missing,
                 lambda m, lib: setattr(m, "sub", 3), lambda m, lib: m.forward(1)]:
        assert_same(outcome(lambda: case(ours, engine)), outcome(lambda: case(theirs, torch)))
    del ours.sub
    assert "sub" not in dict(ours.named_children())


def test_train_eval_zero_grad_requires_grad_apply_and_to():
    model = enn.Sequential(enn.Linear(2, 2), enn.Dropout(0.5))
    assert model.training and model[1].training
    assert model.eval() is model and not model[1].training
    x = engine.ones(3, 2)
    assert engine.equal(model(x), model[0](x))   # dropout does nothing in evaluation
    model(x).sum().backward()
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    model(x).sum().backward()
    model.zero_grad(set_to_none=False)
    assert all(engine.equal(p.grad, engine.zeros_like(p)) for p in model.parameters())
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())
    seen = []
    model.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "Dropout", "Sequential"]
    weight = model[0].weight
    assert model.double() is model and model[0].weight is weight and weight.dtype == engine.float64
    assert model.to("cpu", engine.float32)[0].weight.dtype == engine.float32


def test_batch_norm_layers_track_running_statistics_as_pytorch():
    torch = torch_or_skip()
    x = np.random.default_rng(0).standard_normal((5, 3, 2, 2)).astype(np.float32)
    results = []
    for lib in (engine, torch):
        bn = lib.nn.BatchNorm2d(3, momentum=None)
        out = [bn(lib.from_numpy(x)), bn(lib.from_numpy(x * 2))]
        bn.eval()
        out.append(bn(lib.from_numpy(x)))
        results.append((out, bn.running_mean, bn.running_var, bn.num_batches_tracked))
    for ours, theirs in zip(*results):
        assert_same(ours, theirs)


def test_embedding_padding_row_gets_no_gradient():
    torch = torch_or_skip()
    grads = []
    for lib in (engine, torch):
        lib.manual_seed(0)
        table = lib.nn.Embedding(5, 2, padding_idx=1)
        assert table.weight[1].abs().sum().item() == 0
        table(lib.tensor([[1, 2, 2], [4, 1, 0]])).sum().backward()
        grads.append(table.weight.grad)
    assert_same(*grads)


@pytest.mark.parametrize("name", ["CrossEntropyLoss", "NLLLoss", "MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss"])
def test_loss_layers_match_pytorch(name):
    torch = torch_or_skip()
    rng = np.random.default_rng(3)
    scores = rng.uniform(0.1, 0.9, (4, 3))
    targets = {"CrossEntropyLoss": rng.integers(0, 3, 4), "NLLLoss": rng.integers(0, 3, 4)}
    target = targets.get(name, rng.uniform(0, 1, (4, 3)))
    results = []
    for lib in (engine, torch):
        x = lib.from_numpy(scores.copy()).requires_grad_()
        for reduction in ("mean", "sum", "none"):
            loss = getattr(lib.nn, name)(reduction=reduction)(x, lib.from_numpy(target.copy()))
            results.append(loss)
        (results[-3] + results[-2] + results[-1].sum()).backward()
        results.append(x.grad)
    for ours, theirs in zip(results[:4], results[4:]):
        assert_same(ours, theirs)


def polynomial_fit(lib, torch, optimizer_name, steps=150):
    """"Learning PyTorch with Examples": y = sin(x) fitted by a third-order polynomial, a Linear(3, 1)
    on (x, x², x³) then Flatten(0, 1), with MSELoss(reduction='sum'); by hand (optimizer_name None:
    ``param -= lr * param.grad`` under no_grad) or by an optimizer. Starts from PyTorch's seeded
    weights; returns the losses every 50 steps and the final coefficients."""
    torch.manual_seed(0)
    start = torch.nn.Linear(3, 1).state_dict()
    x = lib.linspace(-math.pi, math.pi, 2000)
    y = lib.sin(x)
    xx = x.unsqueeze(-1).pow(lib.tensor([1, 2, 3]))
    model = lib.nn.Sequential(lib.nn.Linear(3, 1), lib.nn.Flatten(0, 1))
    model[0].load_state_dict({k: lib.from_numpy(v.numpy().copy()) for k, v in start.items()})
    loss_fn = lib.nn.MSELoss(reduction="sum")
    optimizer = lib.optim.RMSprop(model.parameters(), lr=1e-3) if optimizer_name else None
    losses = []
    for t in range(steps):
        loss = loss_fn(model(xx), y)
        if t % 50 == 49:
            losses.append(loss.item())
        (optimizer or model).zero_grad()
        loss.backward()
        if optimizer:
            optimizer.step()
            continue
        with lib.no_grad():
            for param in model.parameters():
                param -= 1e-6 * param.grad
    return losses, model[0].bias.item(), model[0].weight.tolist()


@pytest.mark.parametrize("optimizer_name", [None, "RMSprop"])
def test_learning_pytorch_with_examples_polynomial_fit_matches_pytorch(optimizer_name):
    torch = torch_or_skip()
    ours, theirs = polynomial_fit(engine, torch, optimizer_name), polynomial_fit(torch, torch, optimizer_name)
    assert np.allclose(ours[0], theirs[0], rtol=1e-4)   # float32 sums over 2000 points: summation order
    assert np.allclose(ours[1], theirs[1], rtol=1e-4, atol=1e-6)
    assert np.allclose(ours[2], theirs[2], rtol=1e-4, atol=1e-6)


def test_a_second_derivative_through_embedding_is_refused_not_wrong():
    """embedding's gradient is computed on arrays: create_graph=True through it is refused (where
    PyTorch would give a second derivative) rather than given without its history. (Convolution,
    pooling, normalisation and pad differentiate twice: tests/engine/test_nn_second_order.py.)"""
    weight = engine.randn(4, 3, requires_grad=True)
    out = (enn.functional.embedding(engine.tensor([1, 3, 1]), weight) ** 2).sum()
    with pytest.raises(NotImplementedError, match="the derivative of embedding's gradient"):
        engine.autograd.grad(out, weight, create_graph=True)
    assert engine.autograd.grad(out, weight)[0].shape == weight.shape   # first order: fine


@pytest.mark.parametrize("mode", ["reflect", "replicate"])
@pytest.mark.parametrize("settings", [dict(padding=1), dict(padding=(1, 2), stride=2),
                                      dict(padding="same", dilation=2), dict(padding="same", kernel_size=(2, 3))])
def test_a_convolution_with_a_padding_mode_pads_and_differentiates_as_pytorch(mode, settings):
    torch = torch_or_skip()
    settings = {"kernel_size": 3, **settings}
    torch.manual_seed(0)
    theirs = torch.nn.Conv2d(2, 4, padding_mode=mode, **settings).double()
    ours = copied(enn.Conv2d(2, 4, padding_mode=mode, **settings).double(), theirs)
    assert repr(ours) == repr(theirs)
    image = np.random.default_rng(2).standard_normal((2, 2, 6, 5))
    results = []
    for lib, model in ((engine, ours), (torch, theirs)):
        x = lib.tensor(image, requires_grad=True)
        out = model(x)
        out.pow(2).sum().backward()
        results.append([out, x.grad, model.weight.grad, model.bias.grad])
    assert_same_gradients(*results)


def test_a_padding_mode_is_checked_in_pytorchs_words():
    torch = torch_or_skip()
    results = [outcome(lambda: lib.nn.Conv1d(2, 3, 3, padding_mode="mirror")) for lib in (engine, torch)]
    assert type(results[0]) is type(results[1]) is ValueError
    assert str(results[0]).endswith("but got padding_mode='mirror'") and str(results[1]).endswith(
        "but got padding_mode='mirror'")   # (the set of valid modes prints in hash order)


@pytest.mark.parametrize("mode, pad, shape, value", [
    ("reflect", (1, 1, 4, 1), (2, 3, 4), None), ("reflect", (4, 1, 1, 1), (2, 3, 4), None),
    ("reflect", (1, 1, 1, 1, 3, 1), (1, 2, 3, 4), None), ("reflect", (1, 1), (1, 2, 1), None),
    ("reflect", (1, 1), (2, 3, 4), 0.0), ("reflect", (1, 1), (2, 3), 2.0), ("reflect", (1, 1, 1), (2, 3, 4), None),
    ("constant", (1, 1, 1), (2, 3), None), ("replicate", (1,) * 8, (2, 3, 4), None),
    ("reflect", (-3, -2), (2, 3, 4), None), ("replicate", (1, 1), (2, 3, 0), None), ("reflect", (1, 1), (3,), None),
    ("replicate", (1, 1, 1, 1), (3, 4), None), ("bogus", (1, 1), (2, 3), None)])
def test_pad_refuses_as_pytorch(mode, pad, shape, value):
    torch = torch_or_skip()
    assert_same(*[outcome(lambda: lib.nn.functional.pad(lib.ones(shape), pad, mode=mode, value=value))
                  for lib in (engine, torch)])


def test_binary_cross_entropy_refuses_a_weight_that_requires_grad():
    torch = torch_or_skip()
    results = [outcome(lambda: lib.nn.functional.binary_cross_entropy(
        lib.full((2,), 0.5), lib.ones(2), weight=lib.ones(2, requires_grad=True))) for lib in (engine, torch)]
    assert_same(*results)


def test_bilinear_draws_computes_and_refuses_as_pytorch():
    """Seeded Bilinear layers start with PyTorch's weights and give its outputs, graph and gradients;
    mismatched inputs get ATen's words."""
    torch = torch_or_skip()

    def run(lib):
        lib.manual_seed(0)
        layer = lib.nn.Bilinear(3, 4, 2)
        x1, x2 = lib.randn(2, 5, 3, requires_grad=True), lib.randn(2, 5, 4)
        y = layer(x1, x2)
        y.pow(2).sum().backward()
        view = y.grad_fn.next_functions[0][0]
        w = layer.weight
        return (y, x1.grad, w.grad, layer.bias.grad, view.name(), view.next_functions[0][0].name(),
                outcome(lambda: lib.nn.functional.bilinear(lib.ones(5, 3), lib.ones(4, 4), w)),
                outcome(lambda: lib.nn.functional.bilinear(lib.ones(5, 2), lib.ones(5, 4), w)),
                outcome(lambda: lib.nn.functional.bilinear(lib.ones(5, 3), lib.ones(5, 3), w)),
                outcome(lambda: lib.nn.functional.bilinear(lib.ones(3), lib.ones(5, 4), w)),
                outcome(lambda: lib.nn.functional.bilinear(lib.ones(3), lib.ones(4), w, lib.ones(3))))
    assert_same(run(engine), run(torch))


@pytest.mark.parametrize("settings", [{"kernel_size": 2}, {"kernel_size": 3, "stride": 2, "padding": 1},
                                      {"kernel_size": 2, "stride": 1, "dilation": 2, "ceil_mode": True}])
def test_max_pool_picks_the_maximum_pytorch_picks(settings):
    """ATen's kernel walks each window and moves to a greater value or a NaN: of equal maxima the
    first, of several NaNs the last. Values, indices and gradients as PyTorch's."""
    torch = torch_or_skip()
    values = np.random.default_rng(5).integers(0, 3, (2, 3, 7, 6)).astype(np.float32)   # many ties
    values[0, 0, :2, :2] = np.nan
    values[1, 2, 3, 1:5] = np.nan

    def run(lib):
        x = lib.tensor(values, requires_grad=True)
        out, indices = lib.nn.functional.max_pool2d(x, return_indices=True, **settings)
        (out.nan_to_num() * lib.arange(out.numel(), dtype=lib.float32).reshape(out.shape)).sum().backward()
        return out, indices, x.grad
    assert_same(run(engine), run(torch))


@pytest.mark.parametrize("case", [("conv2d", (1, 1, 3, 3), (1, 1, 5, 5), {}),
                                  ("conv2d", (1, 1, 6, 6), (1, 1, 3, 3), {"dilation": 3}),
                                  ("conv1d", (1, 1, 6), (1, 1, 3), {"dilation": 3, "padding": 0}),
                                  ("conv1d", (2, 1, 4), (1, 1, 3), {"dilation": 2, "padding": 1})])
def test_a_kernel_larger_than_the_padded_input_is_refused_in_pytorchs_words(case):
    torch = torch_or_skip()
    name, input_shape, weight_shape, settings = case

    def run(lib):
        return getattr(lib.nn.functional, name)(lib.ones(*input_shape), lib.ones(*weight_shape), **settings)
    assert_same(outcome(lambda: run(engine)), outcome(lambda: run(torch)))
