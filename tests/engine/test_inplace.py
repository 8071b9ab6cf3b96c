"""In-place ops on tensors in a graph, compared with PyTorch: the grad_fn they rebind, and the
values and gradients that flow through views, masks and indexing assignment."""
from __future__ import annotations

import pytest

import engine
from engine.ops import registry
from tests.engine.test_autograd import check
from tests.oracle import assert_same, outcome, torch_or_skip

W = "torch.tensor([1., 2., 3.])"   # a weight, so that each element's gradient differs


def test_inplace_ops_on_a_non_leaf_rebind_its_grad_fn():
    check("a = torch.tensor([1., 2.], requires_grad=True); h = a * 2; r = [h.grad_fn.name()]\n"
          "for step in ('h.add_(1)', 'h.mul_(3)', 'h.__setitem__(0, 0.)', 'h.relu_()', 'h.zero_()'):\n"
          "    exec(step); r.append(type(h.grad_fn).__name__)\n"
          "result = (r, h)",
          "(['MulBackward0', 'AddBackward0', 'MulBackward0', 'CopySlices', 'ReluBackward0', 'ZeroBackward0'], "
          "tensor([0., 0.], grad_fn=<ZeroBackward0>))")
    # relu_ saved its output, which zero_ then modified: PyTorch refuses to backward
    check("a = torch.tensor([1., 2.], requires_grad=True); h = a * 2; h.relu_(); h.zero_(); h.sum().backward()",
          "one of the variables needed for gradient computation has been modified by an inplace operation: "
          "[torch.FloatTensor [2]], which is output 0 of Relu, is at version 2; expected version 1 instead. "
          "Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
          "torch.autograd.set_detect_anomaly(True, check_nan=False).")
    check("a = torch.tensor([1., 2.], requires_grad=True); h = a * 2; h.add_(1); h.mul_(3); h.zero_(); "
          "h.sum().backward(); result = a.grad", "tensor([0., 0.])")


@pytest.mark.parametrize("src", [
    "b = a * 1; b[1:].mul_(10)",
    "b = a * 1; v = b[1:]; v.mul_(10); r = (v.grad_fn.name(), b.grad_fn.name())",
    "b = a * 1; v = b[1:]; v.mul_(a[1:]); b = v * v",
    "b = a * 1; v = b[1:]; b.mul_(2); r = v.grad_fn.name(); b = v",
    "b = a * 1; b.exp_(); b.exp_()",
    "b = a * 1; b.pow_(2); b.mul_(b)",
    "b = a * 1; b += 1; b *= b",
    "b = a.exp(); b[:2].mul_(2)",
    "b = torch.ones(3); b.mul_(a); r = (b.grad_fn.name(), b.is_leaf)",
    "b = torch.ones(3); v = b[1:]; v.mul_(a[:2]); r = (v.grad_fn.name(), b.grad_fn.name())",
    "b = torch.ones(3); v = b[1:]; b.mul_(a); r = (v.grad_fn.name(), v.requires_grad); b = b * v.sum()",
    "b = a * 2; b[b > 3] = 0",
    "b = a * 2; b[[0, 2]] = a[:2] * 5",
    "b = a * 2; b[torch.tensor([0, 2])] = 0.",
    "b = a * 2; b[0] = a[2] * 7",
    "b = a * 2; b[:] = a.sum()",
    "b = a * 2; b[...] = a.flip(0)",
    "b = (a * 1).reshape(3, 1) * torch.ones(3); b[:, 1:] = a[:2] * 3",
    "b = a * 1; b.fill_(a[0])",
    "b = a * 1; b.copy_(a.flip(0).double())",
    "b = (a * 1).reshape(1, 3).repeat(2, 1); b.t()[0].mul_(5)",
    "b = (a * 1).reshape(1, 3).repeat(2, 1); w = b[1]; w[1:].exp_()",
    "b = (a * 1); b.unsqueeze(0).mul_(5)",
])
def test_values_and_gradients_through_inplace_writes(src):
    check(f"a = torch.tensor([1., 2., 3.], requires_grad=True); r = None\n{src}\n"
          f"(b * torch.arange(1., b.numel() + 1).reshape(b.shape)).sum().backward()\n"
          "result = (r, b, a.grad)")


def test_indexing_assignment_grad_fn_names():
    check("a = torch.ones(3, requires_grad=True); r = []\n"
          "for index in ('0:3', ':', '...', '0:5', '1:', '0', 'None', '[0, 1]', 'torch.tensor([True, False, True])'):\n"
          "    b = a * 1; exec(f'b[{index}] = 5.'); r.append(type(b.grad_fn).__name__)\n"
          "result = r",
          "['FillBackward3', 'FillBackward3', 'FillBackward3', 'FillBackward3', 'CopySlices', 'CopySlices', "
          "'CopySlices', 'IndexPutBackward0', 'IndexPutBackward0']")
    check("a = torch.ones(3, requires_grad=True); b = torch.ones(2, 3) * a; b[0, :] = 2.; c = torch.ones(2, 3) * a; "
          "c[:, :] = a * 2; "
          "result = [b.grad_fn.name(), c.grad_fn.name()] + [f.name() for f, _ in c.grad_fn.next_functions]",
          "['torch::autograd::CopySlices', 'torch::autograd::CopyBackwards', 'MulBackward0', 'ExpandBackward0']")


def test_indexing_assignment_into_a_plain_tensor_from_one_that_requires_grad():
    check("y = torch.tensor(5., requires_grad=True); x = torch.zeros(3); x[1] = y; "
          "r = (x.grad_fn.name(), x.requires_grad, x.is_leaf); (x * torch.arange(3.)).sum().backward(); "
          "result = (r, x, y.grad)")


@pytest.mark.parametrize("src", [
    "x[:] = torch.ones(4)", "x[0:2] = torch.ones(3)", "x[[0, 1]] = torch.ones(3)", "x[x > 0] = torch.ones(2)",
    "x[0] = torch.ones(2)", "x[:] = torch.ones(1, 3)", "x[:] = torch.ones(2, 3)", "x[:] = [1., 2., 3.]",
    "x[0] = 'a'", "x[1:] = torch.tensor([5, 6])", "x[torch.tensor([0, 2])] = torch.tensor(2., dtype=torch.float64)",
    "x[[0, 2]] = torch.tensor([2, 3])", "x[torch.tensor([True, False, True])] = torch.tensor(2., dtype=torch.float64)",
    "x[..., None] = torch.arange(3.).reshape(3, 1)", "x = torch.arange(6).reshape(2, 3); x[:, 1] = 2.7",
])
def test_indexing_assignment_without_a_graph(src):
    check(f"x = torch.ones(3)\n{src}\nresult = (x, x._version)")


def test_outputs_of_split_and_unbind_may_not_be_modified_in_place_in_a_graph():
    check("x = torch.tensor([1., 2., 3., 4.], requires_grad=True); a, b = (x * 1).split(2); b.mul_(5)",
          "Output 1 of Split is a view and is being modified inplace. This view is the output of a function that "
          "returns multiple views. Such functions do not allow the output views to be modified inplace. You should "
          "replace the inplace operation by an out-of-place one.")
    check("x = torch.ones(2, 2, requires_grad=True) * 1\nfor row in x: row.add_(1)")
    check("x = torch.ones(4); x.split(2)[1].mul_(5); result = x", "tensor([1., 1., 5., 5.])")


def test_inplace_errors():
    check("x = torch.ones(3); x += torch.ones(2, 3)", "output with shape [3] doesn't match the broadcast shape [2, 3]")
    check("x = torch.ones(3, dtype=torch.long); x.add_(1.5)",
          "result type Float can't be cast to the desired output type Long")
    check("torch.ones(3).copy_(torch.ones(4))")


def _write_through_views(a):
    b = a * 1
    b[1:].mul_(a[:2])        # CopySlices over MulBackward0
    v = b[:2]
    b.exp_()                 # v's history is stale now: AsStridedBackward0
    return v * b[1:]


def _indexing_assignment(a):
    b = a * 2
    b[0] = a[2] * a[1]       # CopySlices over FillBackward3
    b[b > 1] = a[0] ** 2     # IndexPutBackward0
    return b * a


def _saving_their_output_on_views(a):
    b = a * 1
    b[1:].exp_()             # ExpBackward0 saves its result, the view's new value: under create_graph
    return b * a             # that value's history is the view taken again from CopySlices


@pytest.mark.parametrize("fn", [_write_through_views, _indexing_assignment, _saving_their_output_on_views])
def test_first_and_second_derivatives_through_inplace_writes(fn):
    import engine
    from engine.autograd import gradcheck, gradgradcheck
    a = engine.tensor([0.3, 0.7, 1.1], dtype=engine.float64, requires_grad=True)
    assert gradcheck(fn, (a,))
    assert gradgradcheck(fn, (a,))


def test_a_view_written_in_place_twice_names_the_op_whose_output_was_saved():
    """The saved output's error names the op that saved it (Exp), not the CopySlices that took it over."""
    import engine
    from tests.oracle import assert_same, outcome, torch_or_skip
    torch = torch_or_skip()

    def run(lib):
        a = lib.tensor([0.3, 0.7, 1.1], dtype=lib.float64, requires_grad=True)
        b = a * 1
        b[:2].exp_()
        b[1:].sigmoid_()
        (b * a).sum().backward()
    assert_same(outcome(lambda: run(engine)), outcome(lambda: run(torch)))


# The in-place forms that are torch functions too (torch.abs_, torch.relu_ ...), handed a number:
# PyTorch's argument parser refuses it. These few word it otherwise, not copied: the parser lists
# their overloads (clamp_, clip_, clamp_min_, clamp_max_, xlogy_, addmv_ given one argument), or they
# are in-place functions of their own that take the other operand first (gcd_, lcm_).
_WORDED_OTHERWISE = {"addmv_", "clamp_", "clamp_max_", "clamp_min_", "clip_", "gcd_", "lcm_", "xlogy_"}


def _exported_inplace_names():
    return sorted({n for op in registry.ops("torch") for n in op.inplace_exported} - _WORDED_OTHERWISE)


@pytest.mark.parametrize("name", _exported_inplace_names())
def test_exported_inplace_function_refuses_a_number_as_pytorch(name):
    torch = torch_or_skip()
    assert_same(outcome(lambda: getattr(engine, name)(3)), outcome(lambda: getattr(torch, name)(3)))
