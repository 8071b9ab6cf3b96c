"""torch.autograd.functional (vjp, jvp, jacobian, hessian, vhp, hvp) against PyTorch: the same
values and the same return structure (a Tensor, a tuple, or a tuple of tuples)."""
from __future__ import annotations

import pytest

import engine
from tests.engine.test_autograd import check
from tests.oracle import assert_same, torch_or_skip

SETUP = ("AF = torch.autograd.functional\n"
         "x = torch.tensor([1., 2., 3.], dtype=torch.float64); y = torch.tensor([0.5, -1.], dtype=torch.float64)\n")


@pytest.mark.parametrize("call", [
    "AF.vjp(lambda a: (a ** 2).sum(), x)",
    "AF.vjp(lambda a: a.exp() * 2, x, torch.ones(3, dtype=torch.float64))",
    "AF.vjp(lambda a, b: (a.sum() * b, b * 3), (x, y), (torch.ones(2, dtype=torch.float64), y * 2))",
    "AF.jvp(lambda a: a.exp() * a.sum(), x, torch.tensor([1., 0., 2.], dtype=torch.float64))",
    "AF.jvp(lambda a, b: (a.sum() * b, b * 3), (x, y), (torch.ones(3, dtype=torch.float64), y))",
    "AF.jacobian(lambda a: a.exp() * a.sum(), x)",
    "AF.jacobian(lambda a, b: a.sum() * b, (x, y))",
    "AF.jacobian(lambda a, b: (a.sum() * b, b * 3), (x, y))",
    "AF.jacobian(lambda a: (a ** 3).sum(), x)",
    "AF.jacobian(lambda a, b: a * 2, (x, y))",
    "AF.jacobian(lambda a: torch.ones(2), x)",
    "AF.hessian(lambda a: (a ** 3).sum() * a[0], x)",
    "AF.hessian(lambda a, b: (a ** 2).sum() * b.sum(), (x, y))",
    "AF.hvp(lambda a: (a ** 3).sum(), x, torch.tensor([1., 1., 0.], dtype=torch.float64))",
    "AF.vhp(lambda a, b: (a ** 3).sum() * b.sum(), (x, y), (x, y))",
])
def test_matches_pytorch(call):
    torch = torch_or_skip()
    results = []
    for lib in (engine, torch):
        namespace = {"torch": lib}
        exec(SETUP + "result = " + call, namespace)
        results.append(namespace["result"])
    assert_same(*results)


def test_errors_and_create_graph():
    check(SETUP + "AF.vjp(lambda a: a * 2, x)",
          "The vector v can only be None if the user-provided function returns a single Tensor with a single element.")
    check(SETUP + "x.requires_grad_(); j = AF.jacobian(lambda a: a ** 3, x, create_graph=True); "
          "(j * torch.eye(3, dtype=torch.float64)).sum().backward(); result = (j.requires_grad, x.grad)",
          "(True, tensor([ 6., 12., 18.], dtype=torch.float64))")
    out, grads = engine.autograd.functional.vjp(lambda a: (a * a).sum(), engine.ones(2))
    assert not out.requires_grad and not grads.requires_grad and grads.tolist() == [2.0, 2.0]


@pytest.mark.parametrize("call", [
    "AF.jvp(lambda a: a.exp().sum(dim=1), m, torch.ones(2, 3, dtype=torch.float64), create_graph=True)",
    "AF.jvp(lambda a: a.sin().mean(dim=0), m, m, create_graph=True)",
    "AF.jvp(lambda a: (a * a).sum(dim=(0, 1)), m, m, create_graph=True)",
    "AF.jvp(lambda a: a.var(dim=1), m, m, create_graph=True)",
])
def test_create_graph_shows_pytorchs_grad_fn(call):
    """A reduction's gradient puts the reduced dims back with unsqueeze, as PyTorch does, so that
    jvp's double backward ends in PyTorch's SqueezeBackward1, not a view of ours."""
    torch = torch_or_skip()
    results = []
    for lib in (engine, torch):
        namespace = {"torch": lib}
        exec(SETUP + "m = torch.tensor([[1., 2., 3.], [0.5, -1., 4.]], dtype=torch.float64, requires_grad=True)\n"
             "result = " + call, namespace)
        results.append(namespace["result"])
    assert_same(*results)
