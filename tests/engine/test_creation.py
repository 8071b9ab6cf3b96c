"""Creation functions, tensor() inference, the NumPy bridge and in-place fills against PyTorch."""
from __future__ import annotations

import numpy as np
import pytest

import engine
from .test_reduction import agree

SETUP = """
a = torch.tensor([[1, 2], [3, 4]])
g = torch.ones(2, requires_grad=True)
"""

EXPRESSIONS = [
    # reference 4.1: inference
    "torch.tensor([5.5, 3])", "torch.tensor([1, 2])", "torch.tensor([1, 2.0])", "torch.tensor(True)",
    "torch.tensor([True, 1])", "torch.tensor([True, 1.5])", "torch.tensor(3)", "torch.tensor(3.)", "torch.tensor([])",
    "torch.tensor([[1, 2], [3, 4.]])", "torch.tensor(np.array([1., 2.]))", "torch.tensor(np.array([1, 2]))",
    "torch.tensor(np.array([1., 2.], dtype=np.float32))", "torch.tensor(np.float64(2.5))", "torch.tensor(2**63)",
    "torch.tensor([2**63])", "torch.tensor(-2**63)", "torch.tensor([1.7, -1.7], dtype=torch.long)",
    "torch.tensor([1.5], dtype=torch.bool)", "torch.tensor(1e40)", "torch.tensor([[1, 2], [3]])",
    "torch.tensor([1, 'a'])", "torch.tensor(None)", "torch.tensor([[]])", "torch.tensor([[], []])",
    "torch.tensor([torch.tensor(1.), torch.tensor(2.)])", "torch.tensor((1, 2.5))", "torch.tensor([1, 2], dtype=torch.bool)",
    "torch.tensor([1.5], dtype=torch.int32)", "torch.tensor([[1, 2], [3, 4, 5]])",
    "torch.as_tensor([1, 2])", "torch.as_tensor([1, 2], dtype=torch.float64)", "torch.from_numpy([1])",
    # reference 6.1 / 6.2
    "torch.zeros(2, dtype=torch.long)", "torch.ones(2, dtype=torch.int)", "torch.zeros(2, dtype=torch.bool)",
    "torch.zeros(2, 3, 4).shape", "torch.zeros((2, 3))", "torch.zeros([2, 3])", "torch.zeros(torch.Size([2]))",
    "torch.zeros(())", "torch.ones([])", "torch.zeros(-1)", "torch.ones(2, -3)", "torch.empty(-1)",
    "torch.empty(2, 3).dtype", "torch.empty(0)", "torch.empty((2, 3), dtype=torch.int32).dtype",
    "torch.full((2, 3), 7)", "torch.full((2, 3), 7.)", "torch.full((2, 3), 7.5)", "torch.full((2,), True)",
    "torch.full((2, 2), 3, dtype=torch.float64)", "torch.full([2], -1)", "torch.full((-1,), 2.)",
    "torch.full((2,), 1.5, dtype=torch.long)",
    "torch.ones_like(a)", "torch.zeros_like(a)", "torch.ones_like(a, dtype=torch.float)", "torch.zeros_like(g)",
    "torch.full_like(a, 7)", "torch.full_like(a, 7.9)", "torch.empty_like(a).shape",
    "torch.arange(5)", "torch.arange(1, 4)", "torch.arange(1, 2.5, 0.5)", "torch.arange(0, 1, 0.1)",
    "torch.arange(10, 0, -3)", "torch.arange(5, dtype=torch.float32)", "torch.arange(0, 5, 2.)", "torch.arange(1, 0)",
    "torch.arange(0, 1, 0)", "torch.arange(0, 10, -1)", "torch.arange(0., 1., 0.3)", "torch.arange(torch.tensor(3))",
    "torch.linspace(0, 1, 5)", "torch.linspace(-10, 10, steps=5)", "torch.linspace(0, 10, 5, dtype=torch.int64)",
    "torch.linspace(3, 10, steps=1)", "torch.linspace(0, 1, -1)", "torch.linspace(0, 1, 0)",
    "torch.logspace(0, 2, 3)", "torch.logspace(0, 2, 3, base=2)",
    "torch.eye(3)", "torch.eye(2, 3)", "torch.eye(2, dtype=torch.long)", "torch.eye(-1)", "torch.eye(2, -1)",
    # new_*
    "torch.tensor([1.5]).new_ones(2)", "torch.tensor([1, 2]).new_ones(2)",
    "torch.tensor([1.5], dtype=torch.float64).new_zeros(2, 2)", "torch.tensor([1.5]).new_tensor([1, 2])",
    "torch.tensor([1.5]).new_full((2,), 3)", "torch.tensor([1.5]).new_empty(3).shape", "g.new_ones(2)",
    "torch.ones(2, 3).new_ones((2,))", "torch.ones(2).new_zeros(2, dtype=torch.long)",
    # in-place fills and copies, with their nodes
    "torch.ones(2).zero_()", "torch.ones(2, dtype=torch.long).fill_(2.7)", "torch.ones(2).fill_(torch.ones(2))",
    "torch.ones(2).fill_(torch.tensor(3.))", "torch.ones(2).copy_(torch.ones(3))",
    "torch.ones(2, dtype=torch.long).copy_(torch.tensor([1.5, 2.5]))", "torch.ones(2, 3).copy_(torch.tensor([1., 2, 3]))",
    "torch.zeros(2, dtype=torch.bool).fill_(2)",
    "g.clone().zero_()", "g.clone().fill_(2)", "g.clone().fill_(torch.tensor(3., requires_grad=True))",
    "g.clone().copy_(g)", "torch.zeros(2).copy_(g)", "g.zero_()", "g.fill_(1.)",
]


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_creation_matches_pytorch(expr):
    agree(expr, SETUP)


def test_literal_messages_and_dtypes():
    assert engine.tensor([5.5, 3]).dtype is engine.float32 and engine.arange(5).dtype is engine.int64
    with pytest.raises(ValueError, match=r"^Overflow when unpacking long long$"):
        engine.tensor(2**63)
    with pytest.raises(RuntimeError, match=r"^upper bound and lower bound inconsistent with step sign$"):
        engine.arange(1, 0)
    with pytest.raises(RuntimeError, match=r"^zeros: Dimension size must be non-negative.$"):
        engine.zeros(-1)


def test_fill_and_copy_gradients():
    src = engine.tensor([1., 2.], requires_grad=True)
    dst = engine.zeros(2)
    dst.copy_(src)
    (dst * engine.tensor([3., 4.])).sum().backward()
    assert src.grad.tolist() == [3., 4.] and type(dst.grad_fn).__name__ == "CopyBackwards"
    value = engine.tensor(2., requires_grad=True)
    h = (src * 1).fill_(value)
    h.sum().backward()
    assert value.grad.item() == 2.0


def test_numpy_bridge_shares_memory():
    data = np.arange(3.)
    t = engine.from_numpy(data)
    data[0] = 7
    assert t[0].item() == 7.0 and engine.as_tensor(data).numpy() is data
    assert engine.tensor(data).numpy() is not data


@pytest.mark.parametrize("make", [lambda: engine.ones(64, 64), lambda: engine.zeros((64, 64))])
def test_ones_and_zeros_of_plain_sizes_keep_the_memory_limit_and_default_dtype(make):
    """ones/zeros of ints one by one or a tuple (their short path) still refuse what is over the
    memory limit, and follow set_default_dtype."""
    before = engine.memory_limit()
    engine.set_memory_limit(1000)
    try:
        with pytest.raises(MemoryError, match="refusing to allocate 16.0 KiB"):
            make()
    finally:
        engine.set_memory_limit(before)
    engine.set_default_dtype(engine.float64)
    try:
        assert make().dtype is engine.float64
    finally:
        engine.set_default_dtype(engine.float32)
    assert make().dtype is engine.float32
