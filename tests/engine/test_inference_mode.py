"""Inference tensors: what inference_mode() makes, and what PyTorch refuses to do with them outside it.

Each snippet starts from ``x``, a leaf that requires grad, and ``a``, a tensor made inside
inference_mode; it runs against the engine and PyTorch (see test_autograd.check).
"""
import pytest

from .test_autograd import LEAF, check

SAVED = ("Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode in "
         "computation tracked by autograd. To work around this, you can make a clone to get a normal tensor and use "
         "it in autograd, or use `torch.no_grad()` instead of `torch.inference_mode()`.")
INPLACE = ("Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a "
           "normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.")
FLAG = "Setting requires_grad=True on inference tensor outside InferenceMode is not allowed."

SETUP = "x = torch.ones(2, requires_grad=True)\nwith torch.inference_mode(): a = torch.ones(2)\n"


@pytest.mark.parametrize("src,expected", [
    ("result = (a.is_inference(), x.is_inference(), (x * 2).is_inference())", "(True, False, False)"),
    ("with torch.inference_mode(): b = x * 2\nresult = (b.is_inference(), b.requires_grad)", "(True, False)"),
    ("result = (a.view(2).is_inference(), a[0].is_inference(), a.detach().is_inference(), "
     "a.clone().is_inference(), (a * 2).is_inference(), torch.is_inference(a))", "(True, True, True, False, False, True)"),
    ("with torch.inference_mode():\n  with torch.inference_mode(False):\n"
     "    result = (torch.ones(1).is_inference(), torch.is_inference_mode_enabled(), torch.is_grad_enabled())",
     "(False, False, True)"),
    ("with torch.no_grad():\n  with torch.inference_mode(False): result = torch.is_grad_enabled()", "True"),
    ("with torch.inference_mode():\n  with torch.no_grad(): result = torch.ones(1).is_inference()", "True"),
    ("with torch.inference_mode():\n  with torch.enable_grad():\n    e = x * 2\n"
     "    result = (e.requires_grad, e.is_inference(), torch.is_grad_enabled())", "(False, True, True)"),
])
def test_what_is_an_inference_tensor(src, expected):
    check(SETUP + src, expected)


@pytest.mark.parametrize("src,expected", [
    ("a * x", SAVED), ("x * a", SAVED), ("x.exp().mul(a)", SAVED), ("torch.matmul(x, a)", SAVED),
    ("a.add_(1)", INPLACE), ("a.zero_()", INPLACE), ("a.copy_(x)", INPLACE), ("a[0] = 3.", INPLACE),
    ("a.view(2).mul_(2)", INPLACE), ("torch.add(x.detach(), 1, out=a)", INPLACE),
    ("with torch.no_grad(): a.add_(1)", INPLACE),
    ("with torch.inference_mode():\n  with torch.inference_mode(False): a.add_(1)", INPLACE),
    ("a.requires_grad_()", FLAG), ("a.requires_grad = True", FLAG), ("a._version", "Inference tensors do not "
                                                                                   "track version counter."),
    ("with torch.inference_mode(): a.requires_grad_()\na.add_(1)", LEAF),
])
def test_refusals_outside_inference_mode(src, expected):
    assert check(SETUP + src, expected)[0] == "RuntimeError"


@pytest.mark.parametrize("src,expected", [
    ("result = a + x", "tensor([2., 2.], grad_fn=<AddBackward0>)"),   # nothing saved: allowed
    ("with torch.inference_mode(): a.add_(1)\nresult = a", "tensor([2., 2.])"),
    ("with torch.inference_mode(): a[0] = 5.\nresult = a", "tensor([5., 1.])"),
    ("a.requires_grad_(False)\nresult = a.clone().add_(1)", "tensor([2., 2.])"),
    ("with torch.inference_mode(): p = torch.ones(2, requires_grad=True)\n"
     "(p * 2).sum().backward()\nresult = (p.is_inference(), p.grad)", "(True, tensor([2., 2.]))"),
])
def test_what_stays_allowed(src, expected):
    check(SETUP + src, expected)
