"""torch.optim against PyTorch: every optimizer's steps (from the same parameters and gradients),
its state_dict and printed form, parameter groups, zero_grad, and the two lr schedules."""
from __future__ import annotations

import numpy as np
import pytest

import engine
from tests.oracle import assert_same, outcome, torch_or_skip

CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5)),
]


def run(lib, name, settings, steps=5):
    """``steps`` updates of two parameters, on the gradient of a fixed function of them."""
    rng = np.random.default_rng(0)
    w = lib.from_numpy(rng.standard_normal((3, 2)).astype(np.float32)).requires_grad_()
    b = lib.from_numpy(rng.standard_normal(2).astype(np.float32)).requires_grad_()
    x = lib.from_numpy(rng.standard_normal((4, 3)).astype(np.float32))
    optimizer = getattr(lib.optim, name)([w, b], **settings)
    for _ in range(steps):
        optimizer.zero_grad()
        ((x @ w + b).tanh() ** 2).sum().backward()
        optimizer.step()
    return optimizer, [w, b]


@pytest.mark.parametrize("name,settings", CONFIGS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CONFIGS)])
def test_steps_state_and_repr_match_pytorch(name, settings):
    torch = torch_or_skip()
    ours, ours_params = run(engine, name, settings)
    theirs, their_params = run(torch, name, settings)
    for a, b in zip(ours_params, their_params):
        assert_same(a.detach(), b.detach())
    assert repr(ours) == repr(theirs)
    saved_ours, saved_theirs = ours.state_dict(), theirs.state_dict()
    assert saved_ours["param_groups"] == saved_theirs["param_groups"]
    assert list(saved_ours["state"]) == list(saved_theirs["state"])
    for i in saved_theirs["state"]:
        assert list(saved_ours["state"][i]) == list(saved_theirs["state"][i])
        for key in saved_theirs["state"][i]:
            assert_same(saved_ours["state"][i][key], saved_theirs["state"][i][key])


def test_load_state_dict_continues_where_the_saved_optimizer_was():
    first, params = run(engine, "Adam", dict(lr=0.01), steps=3)
    again = engine.optim.Adam(params, lr=0.5)
    again.load_state_dict(first.state_dict())
    assert again.param_groups[0]["lr"] == 0.01
    assert engine.equal(again.state[params[0]]["exp_avg"], first.state[params[0]]["exp_avg"])


def test_param_groups_take_their_own_settings():
    torch = torch_or_skip()
    printed = []
    for lib in (engine, torch):
        a, b = lib.ones(2, requires_grad=True), lib.ones(2, requires_grad=True)
        optimizer = lib.optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
        (a.sum() + b.sum()).backward()
        optimizer.step()
        assert [round(v, 6) for v in a.tolist() + b.tolist()] == [0.9, 0.9, 0.5, 0.5]
        printed.append(repr(optimizer))
    assert printed[0] == printed[1]


def test_zero_grad_sets_to_none_or_zeroes():
    w = engine.ones(2, requires_grad=True)
    optimizer = engine.optim.SGD([w], lr=0.1)
    (w * 3).sum().backward()
    optimizer.zero_grad(set_to_none=False)
    assert w.grad.tolist() == [0.0, 0.0]
    optimizer.zero_grad()
    assert w.grad is None


def test_construction_errors_are_pytorchs():
    torch = torch_or_skip()
    cases = [lambda lib: lib.optim.SGD([lib.zeros(2, requires_grad=True)], lr=-1),
             lambda lib: lib.optim.SGD(lib.zeros(2, requires_grad=True), lr=1),
             lambda lib: lib.optim.SGD([], lr=1),
             lambda lib: lib.optim.SGD([lib.zeros(2, requires_grad=True)], lr=1, nesterov=True),
             lambda lib: lib.optim.Adam([lib.zeros(2, requires_grad=True)], betas=(1.0, 0.9)),
             lambda lib: lib.optim.SGD([(lib.zeros(2, requires_grad=True) * 2)], lr=1)]
    for case in cases:
        assert_same(outcome(lambda: case(engine)), outcome(lambda: case(torch)))


@pytest.mark.parametrize("schedule", [("StepLR", dict(step_size=2, gamma=0.5)), ("ExponentialLR", dict(gamma=0.9))])
def test_lr_schedules_match_pytorch(schedule):
    torch = torch_or_skip()
    name, settings = schedule
    lrs = []
    for lib in (engine, torch):
        optimizer = lib.optim.SGD([lib.ones(1, requires_grad=True)], lr=0.1)
        scheduler = getattr(lib.optim.lr_scheduler, name)(optimizer, **settings)
        seen = []
        for _ in range(6):
            optimizer.step()
            scheduler.step()
            seen.append(scheduler.get_last_lr() + [optimizer.param_groups[0]["lr"]])
        lrs.append(seen)
        assert optimizer.param_groups[0]["initial_lr"] == 0.1
    assert lrs[0] == lrs[1]


def test_a_schedule_stepped_before_the_optimizer_warns_and_epoch_uses_the_closed_form():
    torch = torch_or_skip()
    seen = []
    for lib in (engine, torch):
        optimizer = lib.optim.SGD([lib.ones(1, requires_grad=True)], lr=0.1)
        scheduler = lib.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
        with pytest.warns(UserWarning) as before:
            scheduler.step()
        with pytest.warns(UserWarning) as deprecated:
            scheduler.step(5)
        seen.append(([str(w.message) for w in before], [str(w.message) for w in deprecated], scheduler.get_last_lr()))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("options", [dict(lr=0.01), dict(lr=0.01, momentum=0.9),
                                     dict(lr=0.01, momentum=0.9, nesterov=True, weight_decay=0.01),
                                     dict(lr=0.01, momentum=0.9, dampening=0.1)],
                         ids=["plain", "momentum", "nesterov-decay", "dampening"])
def test_sgd_steps_are_pytorchs_bit_for_bit(options):
    """SGD's updates are add_ with alpha (a fused multiply-add in ATen): ten steps give PyTorch's bits."""
    torch = torch_or_skip()
    rng = np.random.default_rng(0)
    start = rng.standard_normal(1003).astype(np.float32)
    grads = [rng.standard_normal(1003).astype(np.float32) for _ in range(10)]

    def trained(lib):
        param = lib.nn.Parameter(lib.from_numpy(start.copy()))
        optimizer = lib.optim.SGD([param], **options)
        for grad in grads:
            param.grad = lib.from_numpy(grad.copy())
            optimizer.step()
        return param.detach().numpy()
    assert trained(engine).tobytes() == trained(torch).tobytes()
