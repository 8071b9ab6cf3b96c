"""Tensor's Python protocols and conversions, compared with PyTorch: float/int/bool/complex,
format, item, tolist, numpy, to, type, len, iter, index."""
from __future__ import annotations

import sys
import warnings

import pytest

import engine
from tests.engine.test_autograd import check
from tests.oracle import torch_or_skip

SCALAR_GRAD = ("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
               "Consider using tensor.detach() first. (Triggered internally at "
               "/__w/pytorch/pytorch/torch/csrc/autograd/generated/python_variable_methods.cpp:822.)")


@pytest.mark.parametrize("src,expected", [
    ("result = (float(torch.tensor(2.5)), float(torch.tensor([2.5])), int(torch.tensor(2.7)), "
     "int(torch.tensor([[-2.7]])), bool(torch.tensor(0.)), bool(torch.tensor([3])), complex(torch.tensor(2.)), "
     "float(torch.tensor(3)), int(torch.tensor(True)))", "(2.5, 2.5, 2, -2, False, True, (2+0j), 3.0, 1)"),
    ("float(torch.tensor([1., 2.]))", "only one element tensors can be converted to Python scalars"),
    ("int(torch.tensor([1., 2.]))", "only one element tensors can be converted to Python scalars"),
    ("float(torch.tensor([]))", "only one element tensors can be converted to Python scalars"),
    ("bool(torch.tensor([1., 2.]))", "Boolean value of Tensor with more than one value is ambiguous"),
    ("bool(torch.tensor([]))", "Boolean value of Tensor with no values is ambiguous"),
    ("result = (f'{torch.tensor(2.5):.2f}', f'{torch.tensor(27.)}', f'{torch.tensor(3):>5}', "
     "f'{torch.tensor([2.5])}', f'{torch.tensor(2.5, requires_grad=True):.3f}')",
     "('2.50', '27.0', '    3', 'tensor([2.5000])', '2.500')"),
    ("f'{torch.tensor([2.5]):.2f}'", "unsupported format string passed to Tensor.__format__"),
    ("result = (torch.tensor(27.).item(), torch.tensor([[27.]]).item(), torch.tensor(3).item(), "
     "torch.tensor(True).item(), torch.tensor(0.1).item(), type(torch.tensor(3, dtype=torch.int8).item()))",
     "(27.0, 27.0, 3, True, 0.10000000149011612, <class 'int'>)"),
    ("torch.ones(2, 3).item()", "a Tensor with 6 elements cannot be converted to Scalar"),
    ("torch.tensor([]).item()", "a Tensor with 0 elements cannot be converted to Scalar"),
    ("result = (torch.tensor([1.5, 2.]).tolist(), torch.tensor([[1, 2], [3, 4]]).tolist(), torch.tensor(5.).tolist(), "
     "torch.ones(2, requires_grad=True).tolist(), torch.zeros(0, 2).tolist())",
     "([1.5, 2.0], [[1, 2], [3, 4]], 5.0, [1.0, 1.0], [])"),
    ("x = torch.ones(3, requires_grad=True); x.numpy()",
     "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."),
    ("x = torch.ones(3, requires_grad=True); (x * 2).numpy()",
     "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."),
    ("a = torch.ones(3); b = a.numpy(); a.add_(1); b[0] = 7; result = (a, b.tolist())",
     "(tensor([7., 2., 2.]), [7.0, 2.0, 2.0])"),
    ("x = torch.ones(3, requires_grad=True); b = x.numpy(force=True); result = b.tolist()", "[1.0, 1.0, 1.0]"),
    ("result = (len(torch.ones(3, 2)), len(torch.ones(0)))", "(3, 0)"),
    ("len(torch.tensor(1.))", "len() of a 0-d tensor"),
    ("result = (torch.tensor(1.).size(), torch.ones(2, 3).size(-1), torch.ones(2, 3).size(0))",
     "(torch.Size([]), 3, 2)"),
    ("torch.tensor(1.).size(0)", "Dimension specified as 0 but tensor has no dimensions"),
    ("torch.tensor(1.).size(-1)", "Dimension specified as -1 but tensor has no dimensions"),
    ("torch.ones(2).size(1)", "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    ("iter(torch.tensor(1.))", "iteration over a 0-d tensor"),
    ("result = list(torch.tensor([[1, 2], [3, 4]]))", "[tensor([1, 2]), tensor([3, 4])]"),
    ("x = torch.ones(2, requires_grad=True); result = [t.grad_fn.name() for t in x]",
     "['UnbindBackward0', 'UnbindBackward0']"),
    ("result = [10, 20, 30][torch.tensor(1)]", "20"),
    ("[10, 20, 30][torch.tensor(1.)]", None),
    ("x = torch.ones(2, requires_grad=True); result = (x.output_nr, (x * 2).output_nr, x.is_leaf, (x * 2).is_leaf)",
     "(0, 0, True, False)"),
])
def test_python_protocols(src, expected):
    check(src, expected)


def test_converting_a_tensor_that_requires_grad_warns_once():
    tensor_module = sys.modules["engine.tensor"]   # (engine.tensor is the function)
    tensor_module._warned.discard(SCALAR_GRAD)
    x = engine.tensor(2.5, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert (float(x), float(x), int(x), x.item()) == (2.5, 2.5, 2, 2.5)
    assert [str(w.message) for w in caught] == [SCALAR_GRAD]


@pytest.mark.parametrize("src", [
    "x = torch.ones(2); result = [x.to(torch.float64).dtype, x.to('cpu') is x, x.to(torch.float32) is x, "
    "x.to(torch.device('cpu'), torch.int32).dtype, x.to(torch.ones(1, dtype=torch.float16)).dtype, "
    "x.to(dtype=torch.int64).dtype, x.to('cpu', copy=True) is x, x.to(torch.float32, copy=True) is x, "
    "x.to(device='cpu', dtype=torch.bool).dtype, x.to(None, torch.int8).dtype, x.to('cpu', torch.float64).dtype]",
    "result = torch.ones(2).to(torch.float64, non_blocking=True)",
    "x = torch.ones(2, requires_grad=True); y = x.to(torch.float64); y.sum().backward(); result = (y, x.grad)",
    "x = torch.ones(2); result = (x.type(), x.type(torch.int32), x.type('torch.DoubleTensor'), "
    "x.type(torch.float32) is x, torch.ones(2, dtype=torch.long).type(), torch.tensor([True]).type())",
    "torch.ones(2).type('foo')",
    "torch.ones(2).to([1])",
    "torch.ones(2).to(torch.float32, 'cpu')",
    "torch.ones(2).to([1], foo=1)",
    "torch.ones(2).to(foo=1, bar='x')",
    "torch.ones(2).to(torch.float32, dtype=torch.int32)",
    "x = torch.ones(2); r = x.to(torch.float64, False, True); result = (r.dtype, r is x)",
    "torch.ones(2).type('torch.FooTensor')",
])
def test_to_and_type(src):
    check(src)


@pytest.mark.parametrize("args", ["[1, 2]", "2, 3", "", "lib.Size([2])", "[[1, 2]], device='cpu'", "'a'", "2.5"])
def test_legacy_constructor_as_pytorch(args):
    """torch.Tensor(...) as learners still write it: float32 data or an (uninitialised) size."""
    torch = torch_or_skip()
    outcomes = []
    for lib in (engine, torch):
        try:
            t = eval(f"lib.Tensor({args})")
            outcomes.append((tuple(t.shape), str(t.dtype), t.tolist() if args.startswith("[") else None))
        except TypeError as e:
            outcomes.append(("TypeError", str(e)))
    assert outcomes[0] == outcomes[1]
