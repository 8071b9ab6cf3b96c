"""Random numbers: seeding makes runs reproducible; shapes, dtypes, ranges, node names and
errors follow PyTorch. (test_random_streams.py holds the values themselves to PyTorch's,
bit for bit.)"""
from __future__ import annotations

import pytest

import engine
from tests.oracle import torch_or_skip

from .test_reduction import agree


def test_manual_seed_reproduces_every_sampler():
    def draw():
        engine.manual_seed(123)
        return [engine.rand(3).tolist(), engine.randn(2).tolist(), engine.randint(0, 10, (4,)).tolist(),
                engine.randperm(5).tolist(), engine.bernoulli(engine.full((4,), 0.5)).tolist(),
                engine.multinomial(engine.ones(4), 2).tolist(), engine.ones(3).normal_().tolist(),
                engine.ones(2).uniform_(1, 2).tolist()]
    assert draw() == draw()


def test_generators_are_independent_and_seedable():
    gen = engine.Generator().manual_seed(3)
    first = engine.rand(4, generator=gen).tolist()
    engine.rand(10)   # the default generator does not disturb gen
    gen.manual_seed(3)
    assert engine.rand(4, generator=gen).tolist() == first
    assert gen.initial_seed() == 3 and repr(gen).startswith("<torch._C.Generator object at 0x")
    assert engine.manual_seed(0) is engine.default_generator


def test_ranges_and_dtypes():
    engine.manual_seed(0)
    r = engine.randint(3, 7, (1000,))
    assert r.dtype is engine.int64 and r.min().item() >= 3 and r.max().item() <= 6
    assert engine.randint(5, (2, 2)).shape == (2, 2)
    assert sorted(engine.randperm(6).tolist()) == list(range(6))
    u = engine.rand(1000)
    assert 0 <= u.min().item() and u.max().item() < 1
    m = engine.multinomial(engine.tensor([[0., 1.], [1., 0.]]), 1)
    assert m.tolist() == [[1], [0]]
    assert engine.multinomial(engine.tensor([0., 1.]), 2).tolist() == [1, 0]
    assert engine.bernoulli(engine.tensor([0., 1.])).tolist() == [0., 1.]
    assert engine.randint_like(engine.ones(2), 5).dtype is engine.float32


EXPRESSIONS = [
    "torch.randint(0, 10, (3,)).dtype", "torch.randint(10, (2, 2)).dtype", "torch.randint(3, (2,), dtype=torch.float32).dtype",
    "torch.randint(5, 3, (2,))", "torch.randint(0, 10, (-1,))", "torch.randint(3)", "torch.randint(0, 3, 2)",
    "torch.randperm(3).dtype", "torch.randperm(-1)", "torch.randperm(3, dtype=torch.float32).dtype",
    "torch.ones(3).normal_(0, -1)", "torch.ones(3).uniform_(2, 1)", "torch.ones(3, dtype=torch.long).uniform_()",
    "torch.ones(3, dtype=torch.long).normal_()", "torch.bernoulli(torch.tensor([2.]))",
    "torch.bernoulli(torch.tensor([1, 0]))", "torch.ones(2).bernoulli_(0.)", "torch.ones(2).bernoulli(1.)",
    "torch.multinomial(torch.tensor([-1., 1.]), 1)", "torch.multinomial(torch.tensor([1., 1.]), 3, replacement=True).shape",
    "torch.normal(torch.zeros(2), 1.).shape", "torch.normal(0., 1., (2, 3)).shape", "torch.normal(0., torch.ones(2)).shape",
    "torch.normal(0., 1.)", "torch.rand(-1)", "torch.rand_like(torch.ones(2, dtype=torch.long))",
    "torch.randn_like(torch.tensor([[1, 2], [3, 4]]))", "torch.rand(2, 3, dtype=torch.float64).dtype",
    "torch.ones(2, requires_grad=True).clone().normal_().grad_fn.name()",
    "torch.ones(2, requires_grad=True).clone().uniform_().grad_fn.name()",
    "torch.ones(2, requires_grad=True).clone().bernoulli_(0.5).grad_fn.name()",
    "torch.bernoulli(torch.ones(2, requires_grad=True) * 0.5).grad_fn.name()",
]


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_random_matches_pytorch(expr):
    agree(expr, "")


def test_random_fills_with_integers_of_the_dtypes_exact_range():
    torch = torch_or_skip()
    for name, top in [("float16", 2 ** 11), ("float32", 2 ** 24), ("int8", 127), ("uint8", 255), ("bool", True)]:
        ours = engine.zeros(2000, dtype=getattr(engine, name)).random_()
        assert ours.dtype is getattr(engine, name)
        assert 0 <= ours.min().item() and ours.max().item() <= top
        if name.startswith("float"):   # whole numbers (an integer dtype holds nothing else)
            assert (ours == ours.floor()).all()
    x = engine.zeros(3, requires_grad=True)
    y = (x * 1).random_(2, 5)
    assert type(y.grad_fn).__name__ == "RandomBackward0" and 2 <= y.min().item() and y.max().item() < 5
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    for call in (lambda t: t.zeros(3).random_(4, 2), lambda t: t.zeros(3, dtype=t.int8).random_(0, 300)):
        messages = []
        for lib in (engine, torch):
            with pytest.raises(RuntimeError) as error:
                call(lib)
            messages.append(str(error.value))
        assert messages[0] == messages[1]
