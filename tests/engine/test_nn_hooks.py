"""Module forward hooks against PyTorch's: pre-hooks that replace the arguments (with and without
keyword arguments), hooks that replace the output, prepend=, the order they run in, and their removal
handles (remove() twice, and as a with block)."""
from __future__ import annotations

import engine
from tests.oracle import assert_same, outcome, torch_or_skip


def hooked_calls(lib):
    """What a two-layer model's hooks see and what it returns, as hooks come and go."""
    log = []
    model = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.ReLU())
    with lib.no_grad():
        model[0].weight.fill_(0.5)
        model[0].bias.fill_(-0.25)
    counted = model[0].register_forward_pre_hook(lambda m, args: log.append(("pre", type(m).__name__, len(args))))
    doubled = model[0].register_forward_pre_hook(lambda m, args: (args[0] * 2,), prepend=True)
    plus_one = model[0].register_forward_hook(lambda m, args, out: log.append(("out", out.tolist())) or out + 1)
    keywords = model.register_forward_hook(lambda m, args, kwargs, out: log.append(("kwargs", sorted(kwargs))),
                                           with_kwargs=True)
    shifted = model[1].register_forward_pre_hook(lambda m, args, kwargs: ((args[0] - 1,), kwargs), with_kwargs=True)
    log.append(model(lib.ones(1, 2)).tolist())
    doubled.remove()
    shifted.remove()
    with model[0].register_forward_hook(lambda m, args, out: log.append("inside the with block")):
        log.append(model(lib.ones(1, 2)).tolist())
    log.append(model(lib.ones(1, 2)).tolist())
    for handle in (counted, plus_one, keywords, counted):   # removing twice is harmless
        handle.remove()
    log.append(model(lib.ones(1, 2)).tolist())
    return log


def test_forward_hooks_run_and_go_as_pytorchs():
    torch = torch_or_skip()
    assert hooked_calls(engine) == hooked_calls(torch)


def test_a_pre_hook_with_kwargs_must_return_args_and_kwargs():
    torch = torch_or_skip()

    def call(lib):
        layer = lib.nn.ReLU()
        layer.register_forward_pre_hook(lambda m, args, kwargs: 5, with_kwargs=True)
        return layer(lib.ones(2))
    assert_same(outcome(lambda: call(engine)), outcome(lambda: call(torch)))


def test_a_module_without_hooks_has_no_hook_tables():
    """Module.__call__ reads one class attribute when no hook was ever registered (no cost to a model)."""
    layer = engine.nn.Linear(2, 2)
    assert "_forward_hooks" not in layer.__dict__ and not layer._has_forward_hooks
    layer.register_forward_hook(lambda m, args, out: None).remove()
    assert layer._has_forward_hooks and not layer._forward_hooks


def test_a_script_registers_and_removes_a_hook():
    """In tensorsh: the script's own function is the hook, and the handle's id and remove() are readable."""
    import io

    from tensorsh.language.interpreter import Session
    session = Session(stdout=io.StringIO(), stderr=io.StringIO())
    result = session.run_source(
        "import torch\nlin = torch.nn.Linear(2, 1)\nseen = []\n"
        "handle = lin.register_forward_hook(lambda m, args, out: seen.append(tuple(out.shape)))\n"
        "y = lin(torch.ones(3, 2))\nhandle.remove()\ny = lin(torch.ones(3, 2))\nprint(seen, handle.id >= 0)\n", "hooks.tsh")
    assert result.ok, session.stderr.getvalue()
    assert session.stdout.getvalue() == "[(3, 1)] True\n"
