"""Issue 2's acceptance: every Python code block of the seed tutorial runs against ``engine``
(as ``import torch``) and prints what PyTorch 2.13 prints.

Both libraries start from the same seed and draw their own random numbers, which are
PyTorch's on both sides, so the two transcripts must be identical, character for
character (object addresses aside).
"""
from __future__ import annotations

import builtins
import contextlib
import io
import re

import numpy as np
import pytest

import engine
from tests.oracle import assert_same, assert_same_gradients, torch_or_skip
from tests.seed import SEED, code_blocks

pytestmark = pytest.mark.skipif(SEED is None, reason="the seed tutorial (../shared/seed) is not beside the repo")

TUTORIAL_SEED = 0


def _importer(torch_module):
    """An __import__ that gives ``torch_module`` for ``import torch``."""
    real = builtins.__import__

    def fake(name, globals=None, locals=None, fromlist=(), level=0):
        if name == "torch":
            return torch_module
        return real(name, globals, locals, fromlist, level)
    return fake


def run_blocks(torch_module):
    """Run the tutorial's code blocks in one namespace; return (printed text, namespace)."""
    namespace = {"__builtins__": {**builtins.__dict__, "__import__": _importer(torch_module)},
                 "__name__": "__main__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in code_blocks():
            exec(compile(block, "seed", "exec", flags=0, dont_inherit=True), namespace)
    return out.getvalue(), namespace


@contextlib.contextmanager
def zeroed_empty(torch):
    """Make ``torch.empty`` give zeros, as the engine's does (PyTorch's holds whatever memory held)."""
    saved = torch.empty
    torch.empty = lambda *size, **kw: torch.zeros(*size, **kw)
    try:
        yield
    finally:
        torch.empty = saved


def without_addresses(text):
    return re.sub(r" at 0x[0-9a-fA-F]+>", " at 0x...>", text)


def test_seed_runs_on_engine_with_the_expected_text():
    """Without PyTorch: the deterministic lines the tutorial's output must contain, in 2.13's form."""
    text, ns = run_blocks(engine)
    lines = text.splitlines()
    for expected in ["tensor([5.5000, 3.0000])", "torch.Size([5, 3])",
                     "torch.Size([4, 4]) torch.Size([16]) torch.Size([2, 8])",
                     "tensor([2., 2., 2., 2., 2.])", "[2. 2. 2. 2. 2.]",
                     "tensor([2., 2., 2., 2., 2.], dtype=torch.float64)",
                     "z= tensor([[27., 27.],", "out= tensor(27., grad_fn=<MeanBackward0>)",
                     "tensor([[4.5000, 4.5000],", "        [4.5000, 4.5000]])"]:
        assert expected in lines
    assert "        [3., 3.]], grad_fn=<AddBackward0>)" in lines
    assert re.search(r"^<AddBackward0 object at 0x[0-9a-f]+>$", text, re.M)
    assert re.search(r"^<SumBackward0 object at 0x[0-9a-f]+>$", text, re.M)
    assert text.rstrip().endswith("True\nTrue\nFalse")


def test_seed_prints_what_pytorch_prints():
    torch = torch_or_skip()
    engine.manual_seed(TUTORIAL_SEED)
    ours, ours_ns = run_blocks(engine)
    torch.manual_seed(TUTORIAL_SEED)
    with zeroed_empty(torch):
        theirs, theirs_ns = run_blocks(torch)
    assert without_addresses(ours).splitlines() == without_addresses(theirs).splitlines()
    # the two autograd examples: d(out)/dx = 4.5 and the vector-Jacobian product
    assert_same_gradients([ours_ns["x"].grad], [theirs_ns["x"].grad])
    assert_same(ours_ns["out"], theirs_ns["out"])


def test_tutorial_gradients():
    """The two autograd examples' gradients, exactly."""
    x = engine.ones(2, 2, requires_grad=True)
    y = x + 2
    out = (y * y * 3).mean()
    out.backward()
    assert x.grad.tolist() == [[4.5, 4.5], [4.5, 4.5]]

    x = engine.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = x * 2
    steps = 1
    while y.data.norm() < 1000:
        y = y * 2
        steps += 1
    v = engine.tensor([0.1, 1.0, 0.0001], dtype=engine.float)
    y.backward(v)
    np.testing.assert_allclose(x.grad.numpy(), np.array([0.1, 1.0, 0.0001], np.float32) * 2.0 ** steps, rtol=1e-6)
