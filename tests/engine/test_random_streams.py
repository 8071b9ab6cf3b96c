"""PyTorch's CPU random streams, bit for bit: after the same seed every sampler gives PyTorch
2.13's values exactly (not to a tolerance) and prints them as PyTorch does, and the stream
continues across calls, generators and saved states as PyTorch's does."""
from __future__ import annotations

import functools

import pytest

import engine
from tests.oracle import assert_same, outcome, torch_or_skip

SEEDS = [0, 1, 42, 2 ** 32 + 5, 2 ** 63 + 11, -1, -12345]
SIZES = [1, 5, 15, 16, 17, 100, 1000]


def assert_identical(ours, theirs):
    """The same printed text, dtype and shape (the oracle) and exactly the same values."""
    assert_same(ours, theirs)
    assert str(ours) == str(theirs)
    assert ours.tolist() == theirs.tolist()


def draw_both(seed, calls):
    """Seed both libraries, make the same calls in order, and pair up the results."""
    torch = torch_or_skip()
    results = []
    for lib in (engine, torch):
        lib.manual_seed(seed)
        results.append([outcome(functools.partial(call, lib)) for call in calls])
    return list(zip(*results))


def assert_streams_match(seed, calls):
    for i, (ours, theirs) in enumerate(draw_both(seed, calls)):
        try:
            assert_identical(ours, theirs)
        except AssertionError as failure:
            raise AssertionError(f"call {i} after manual_seed({seed}): {failure}") from None


# Each draws from the default generator; together they also test that the stream continues
# from one sampler to the next exactly as PyTorch's does.
SAMPLERS = {
    "rand": lambda t: t.rand(3),
    "rand_2d_float64": lambda t: t.rand(2, 3, dtype=t.float64),
    "rand_half": lambda t: t.rand(5, dtype=t.float16),
    "rand_like": lambda t: t.rand_like(t.ones(4, 2)),
    "randn_3d": lambda t: t.randn(4, 5, 3),
    "randn_half": lambda t: t.randn(40, dtype=t.float16),
    "randn_like_float64": lambda t: t.randn_like(t.ones(17, dtype=t.float64)),
    "randint": lambda t: t.randint(0, 10, (4,)),
    "randint_negative_low": lambda t: t.randint(-7, 3, (2, 5)),
    "randint_wide": lambda t: t.randint(-3, 2 ** 40, (5,)),
    "randint_float32": lambda t: t.randint(3, (2, 2), dtype=t.float32),
    "randint_uint8": lambda t: t.randint(0, 256, (6,), dtype=t.uint8),
    "randint_like": lambda t: t.randint_like(t.ones(3), 4, 9),
    "randperm": lambda t: t.randperm(10),
    "randperm_1000": lambda t: t.randperm(1000),
    "randperm_float": lambda t: t.randperm(7, dtype=t.float32),
    "normal_numbers": lambda t: t.normal(2.0, 3.0, (20,)),
    "normal_numbers_small": lambda t: t.normal(2.0, 3.0, (5,)),
    "normal_numbers_float64": lambda t: t.normal(-1.0, 0.5, (3, 7), dtype=t.float64),
    "normal_tensor_mean": lambda t: t.normal(t.arange(20.0), 2.0),
    "normal_tensor_std": lambda t: t.normal(1.5, t.arange(20.0)),
    "normal_tensors": lambda t: t.normal(t.arange(5.0), t.arange(5.0)),
    "normal_tensors_float64": lambda t: t.normal(t.zeros(3, 6, dtype=t.float64), t.ones(3, 6, dtype=t.float64)),
    "uniform_": lambda t: t.ones(30).uniform_(-2.5, 3.7),
    "uniform_float64": lambda t: t.ones(30, dtype=t.float64).uniform_(-2.5, 3.7),
    "uniform_half": lambda t: t.ones(20, dtype=t.float16).uniform_(1, 3),
    "normal_": lambda t: t.ones(30).normal_(1.5, 0.5),
    "normal_small_float64": lambda t: t.ones(7, dtype=t.float64).normal_(1.5, 0.5),
    "normal_float64": lambda t: t.ones(2, 20, dtype=t.float64).normal_(1.5, 0.5),
    "random_float32": lambda t: t.zeros(10).random_(),
    "random_int64": lambda t: t.zeros(10, dtype=t.int64).random_(),
    "random_uint8": lambda t: t.zeros(10, dtype=t.uint8).random_(),
    "random_bool": lambda t: t.zeros(10, dtype=t.bool).random_(),
    "random_to": lambda t: t.zeros(10).random_(7),
    "random_from_to": lambda t: t.zeros(10, dtype=t.int32).random_(-4, 9),
    "exponential_": lambda t: t.ones(20).exponential_(),
    "exponential_float64": lambda t: t.ones(4, 5, dtype=t.float64).exponential_(2.5),
    "bernoulli_float32_p": lambda t: t.bernoulli(t.rand(20)),
    "bernoulli_float64_p": lambda t: t.bernoulli(t.rand(4, 5, dtype=t.float64)),
    "bernoulli_number_p": lambda t: t.bernoulli(t.ones(20), 0.3),
    "bernoulli_": lambda t: t.zeros(20).bernoulli_(0.7),
    "bernoulli_tensor_p_": lambda t: t.zeros(2, 10).bernoulli_(t.rand(10)),
    "multinomial_replacement": lambda t: t.multinomial(t.tensor([[0.1, 2, 0.5, 0.0, 3], [1, 1, 1, 1, 1]]), 20, True),
    "multinomial": lambda t: t.multinomial(t.tensor([[0.1, 2, 0.5, 0.0, 3], [1, 1, 1, 1, 1]]), 3),
    "multinomial_one_sample": lambda t: t.multinomial(t.tensor([0.2, 0.3, 0.5]), 1, replacement=True),
    "multinomial_float64": lambda t: t.multinomial(t.tensor([1.0, 2, 3, 4], dtype=t.float64), 4),
    "multinomial_1d_replacement": lambda t: t.multinomial(t.tensor([1.0, 2, 3]), 10, replacement=True),
}


@pytest.mark.parametrize("seed", SEEDS)
def test_every_sampler_continues_pytorchs_stream(seed):
    assert_streams_match(seed, list(SAMPLERS.values()))


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_each_sampler_alone_after_a_seed(name):
    """One sampler straight after seeding, then rand(2): the next draw shows whether it used
    as many words as PyTorch's."""
    assert_streams_match(7, [SAMPLERS[name], lambda t: t.rand(2)])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("size", SIZES)
def test_sizes_on_both_sides_of_the_block_of_16(size, dtype):
    """Fewer than 16 normals are drawn one pair at a time (the pair's second value cached),
    16 and more in blocks of 16 with the last block redrawn."""
    def calls(fn):
        return lambda t: fn(t, getattr(t, dtype))
    assert_streams_match(size, [
        calls(lambda t, dt: t.randn(size, dtype=dt)),
        calls(lambda t, dt: t.rand(size, dtype=dt)),
        calls(lambda t, dt: t.randn(size, dtype=dt)),   # after an odd size, the cached sample first
        calls(lambda t, dt: t.empty(size, dtype=dt).normal_(-2.0, 4.0)),
        calls(lambda t, dt: t.empty(size, dtype=dt).uniform_(1.0, 5.0)),
        calls(lambda t, dt: t.normal(0.5, 2.0, (size,), dtype=dt)),
        calls(lambda t, dt: t.randn(1, dtype=dt)),
    ])


def test_interleaved_calls():
    for seed in (0, 3):
        assert_streams_match(seed, [
            lambda t: t.rand(2), lambda t: t.randn(3), lambda t: t.randint(0, 5, (4,)), lambda t: t.randn(20),
            lambda t: t.rand(1), lambda t: t.randn(1), lambda t: t.randn(1), lambda t: t.randn(2, 3, 4),
            lambda t: t.randperm(5), lambda t: t.randn(1), lambda t: t.rand(3, dtype=t.float64),
        ])


def test_generators_have_their_own_streams():
    torch = torch_or_skip()
    results = []
    for lib in (engine, torch):
        lib.manual_seed(0)
        gen = lib.Generator().manual_seed(5)
        fresh = lib.Generator()   # PyTorch's default seed, 67280421310721
        results.append([lib.rand(3, generator=gen), lib.rand(3), lib.randn(17, generator=gen),
                        lib.randn(3, generator=fresh), lib.randn(1), lib.randperm(6, generator=gen),
                        lib.randint(0, 9, (3,), generator=fresh), lib.ones(4).normal_(generator=gen),
                        lib.bernoulli(lib.full((5,), 0.5), generator=gen), lib.multinomial(lib.ones(4), 2, generator=gen),
                        lib.ones(3).exponential_(generator=fresh), lib.rand(2)])
        results[-1].append(lib.tensor([gen.initial_seed(), fresh.initial_seed(), lib.initial_seed()], dtype=lib.float64))
    for ours, theirs in zip(*results):
        assert_identical(ours, theirs)


@pytest.mark.parametrize("seed", [0, 624, 2 ** 64 - 1, -2 ** 63])
def test_seed_values_as_pytorch_takes_them(seed):
    torch = torch_or_skip()
    assert engine.manual_seed(seed).initial_seed() == torch.manual_seed(seed).initial_seed()
    assert engine.initial_seed() == torch.initial_seed()
    assert engine.rand(3).tolist() == torch.rand(3).tolist()


@pytest.mark.parametrize("call", [
    lambda t: t.manual_seed(2 ** 64), lambda t: t.manual_seed(-2 ** 63 - 1), lambda t: t.Generator().manual_seed(1.5),
    lambda t: t.Generator().manual_seed(2 ** 64), lambda t: t.manual_seed(2.7).initial_seed(),
])
def test_seed_errors(call):
    torch = torch_or_skip()
    assert_same(outcome(lambda: call(engine)), outcome(lambda: call(torch)))


def test_seed_draws_a_fresh_seed():
    first = engine.seed()
    assert engine.initial_seed() == first and 0 <= first < 2 ** 64
    values = engine.rand(3).tolist()
    engine.manual_seed(first)
    assert engine.rand(3).tolist() == values


def test_rng_state_has_pytorchs_bytes():
    torch = torch_or_skip()
    for draws in (lambda t: None, lambda t: t.rand(5), lambda t: t.randn(3), lambda t: t.rand(624),
                  lambda t: t.rand(1000), lambda t: t.rand(0)):
        states = []
        for lib in (engine, torch):
            lib.manual_seed(11)
            draws(lib)
            states.append(lib.get_rng_state())
        assert_identical(*states)


def test_rng_state_restores_the_stream_on_either_side():
    """A state saved by one library, cached normal included, restores the same stream in the other."""
    torch = torch_or_skip()
    for lib in (engine, torch):
        lib.manual_seed(4)
        lib.randn(3)   # leaves a normal sample cached
    saved = {engine: engine.get_rng_state(), torch: torch.get_rng_state()}
    expected = [torch.randn(1), torch.rand(4), torch.randn(5)]
    for lib, state in ((engine, saved[engine]), (engine, engine.tensor(saved[torch].tolist(), dtype=engine.uint8)),
                       (torch, torch.tensor(saved[engine].tolist(), dtype=torch.uint8))):
        lib.manual_seed(99)
        lib.set_rng_state(state)
        assert lib.initial_seed() == 4
        for want, got in zip(expected, [lib.randn(1), lib.rand(4), lib.randn(5)]):
            assert got.tolist() == want.tolist()


def test_generator_state_round_trip():
    torch = torch_or_skip()
    results = []
    for lib in (engine, torch):
        gen = lib.Generator().manual_seed(8)
        lib.rand(7, generator=gen)
        state = gen.get_state()
        first = lib.randn(5, generator=gen)
        gen.manual_seed(0)
        results.append([state, first, lib.randn(5, generator=gen.set_state(state))])
    for ours, theirs in zip(*results):
        assert_identical(ours, theirs)
    assert results[0][1].tolist() == results[0][2].tolist()


def test_exchanging_generator_states_swaps_whole_streams():
    """exchange_state (what a tensorsh session does on each run) swaps everything a
    stream is: its words, its cached normal and its seed, so each side continues the other's."""
    a, b, twin_a, twin_b = (engine.Generator().manual_seed(s) for s in (1, 2, 1, 2))
    for g in (a, b, twin_a, twin_b):
        engine.normal(0.0, 1.0, (1,), generator=g, dtype=engine.float64)  # leaves a normal cached
    a.exchange_state(b)
    assert (a.initial_seed(), b.initial_seed()) == (2, 1)
    assert a.get_state().tolist() == twin_b.get_state().tolist()
    assert engine.randn(3, generator=a, dtype=engine.float64).tolist() == \
        engine.randn(3, generator=twin_b, dtype=engine.float64).tolist()
    a.exchange_state(b)
    assert engine.rand(4, generator=a).tolist() == engine.rand(4, generator=twin_a).tolist()
    assert engine.rand(4, generator=b).tolist() == engine.rand(4, generator=twin_b).tolist()


@pytest.mark.parametrize("call", [
    lambda t: t.set_rng_state(t.zeros(10, dtype=t.uint8)), lambda t: t.set_rng_state(t.zeros(5056)),
    lambda t: t.Generator().set_state([1, 2]), lambda t: t.ones(2).exponential_(-1.0),
    lambda t: t.ones(2).exponential_(0.0), lambda t: t.ones(2, dtype=t.long).exponential_(),
    lambda t: t.ones(2, requires_grad=True).clone().exponential_().grad_fn.name(),
    lambda t: t.normal(0.0, -1.0, (2,)),
])
def test_state_and_exponential_errors(call):
    torch = torch_or_skip()
    assert_same(outcome(lambda: call(engine)), outcome(lambda: call(torch)))


IN_PLACE_FILLS = {
    "uniform_": lambda v, t: v.uniform_(-1, 2), "normal_": lambda v, t: v.normal_(1, 2),
    "bernoulli_": lambda v, t: v.bernoulli_(0.4), "bernoulli_tensor_p": lambda v, t: v.bernoulli_(t.rand(v.shape[-1])),
    "exponential_": lambda v, t: v.exponential_(), "random_": lambda v, t: v.random_(),
    "random_from_to": lambda v, t: v.random_(3, 50),
}
VIEWS = {"transposed": lambda x: x.t(), "sliced": lambda x: x[:, 1:], "strided": lambda x: x[::2],
         "permuted": lambda x: x.reshape(2, 5, 4).permute(2, 0, 1), "whole": lambda x: x}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("fill", sorted(IN_PLACE_FILLS))
def test_in_place_samplers_fill_views_in_memory_order(fill, view, dtype):
    """PyTorch fills a view in the order of its memory (a transposed view column by column),
    and a non-contiguous one's normals one at a time whatever their number."""
    torch = torch_or_skip()
    results = []
    for lib in (engine, torch):
        lib.manual_seed(3)
        base = lib.zeros(4, 10, dtype=getattr(lib, dtype))
        IN_PLACE_FILLS[fill](VIEWS[view](base), lib)
        results.append([base, lib.rand(2)])
    for ours, theirs in zip(*results):
        assert_identical(ours, theirs)


@pytest.mark.parametrize("expr", [
    "t.empty(2, dtype=t.bool).random_(0, 3)", "t.empty(2, dtype=t.int8).random_(-200, 3)",
    "t.empty(2, dtype=t.uint8).random_(-1, 3)", "t.empty(2, dtype=t.int8).random_(300)",
    "t.randint(-200, 300, (2,), dtype=t.int8)", "t.randint(5, 3, (2,), dtype=t.int8)",
    "t.randint(0, 2**32, (3,), dtype=t.int32)", "t.empty(4, dtype=t.int8).random_(-128, 128)",
    "t.multinomial(t.ones(3), 0)", "t.multinomial(t.ones(2), -1)", "t.multinomial(t.ones(2, 2, 2), 0)",
    "t.multinomial(t.tensor([1., float('nan')]), 2, True)", "t.multinomial(t.tensor([1., float('inf')]), 2, True)",
    "t.multinomial(t.tensor([[1., 1.], [float('inf'), -1.]]), 2, True)", "t.multinomial(t.tensor([1., -1.]), 1, True)",
    "t.multinomial(t.tensor([-1., 1.]), 3)", "t.multinomial(t.tensor([[1., 0.], [0., 0.]]), 1)",
    "t.multinomial(t.tensor([0., 0.]), 2, True)",
])
def test_bounds_and_weights_errors(expr):
    torch = torch_or_skip()
    results = []
    for lib in (engine, torch):
        lib.manual_seed(0)
        results.append(outcome(functools.partial(eval, expr, {"t": lib})))
    assert_same(*results)


TIED_WEIGHTS = {   # more samples than nonzero weights: the zero weights tie, and PyTorch's topk orders them
    "documentation's example": ([0.0, 10.0, 3.0, 0.0], 4),
    "all but one zero": ([0.0] * 7 + [1.0] + [0.0] * 12, 9),
    "rows": ([[0.0, 2.0, 0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0, 0.0, 3.0]], 5),
    "long row, sorted by insertion and introsort": ([0.0] * 40 + [0.5, 2.0] + [0.0] * 30, 50),
    "long row, k * 64 <= n: a heap": ([0.0] * 150 + [1.0, 3.0] + [0.0] * 200, 5),
}


@pytest.mark.parametrize("name", sorted(TIED_WEIGHTS))
@pytest.mark.parametrize("seed", [0, 9])
def test_multinomial_orders_tied_zero_weights_as_pytorch(name, seed):
    weights, samples = TIED_WEIGHTS[name]
    assert_streams_match(seed, [lambda t: t.multinomial(t.tensor(weights), samples), lambda t: t.rand(1)])


# random_(from, None): from ``from`` up to the largest integer the dtype holds (exactly, for a
# float); from the smallest int64, every 64-bit word as it is
RANDOM_FROM = {
    "float32": lambda t: t.empty(20).random_(3, None),
    "float32_negative": lambda t: t.empty(5).random_(-5, None),
    "float64": lambda t: t.empty(17, dtype=t.float64).random_(-2, None),
    "float16": lambda t: t.empty(6, dtype=t.float16).random_(7, None),
    "int64": lambda t: t.empty(5, dtype=t.int64).random_(-5, None),
    "int32": lambda t: t.empty(5, dtype=t.int32).random_(10, None),
    "int16": lambda t: t.empty(16, dtype=t.int16).random_(-5, None),
    "int8": lambda t: t.empty(4, dtype=t.int8).random_(0, None),
    "uint8": lambda t: t.empty(4, dtype=t.uint8).random_(200, None),
    "bool": lambda t: t.empty(8, dtype=t.bool).random_(0, None),
    "int64_full": lambda t: t.empty(4, dtype=t.int64).random_(-2 ** 63, None),
    "float64_full": lambda t: t.empty(4, dtype=t.float64).random_(-2 ** 63, None),
    "float32_full": lambda t: t.empty(3).random_(-2 ** 63, None),
    "grad_fn": lambda t: type((t.ones(2, requires_grad=True) * 1).random_(1, None).grad_fn).__name__,
    "int32_full": lambda t: t.empty(3, dtype=t.int32).random_(-2 ** 63, None),
    "float32_from_too_big": lambda t: t.empty(3).random_(2 ** 24, None),
    "int8_from_too_big": lambda t: t.empty(3, dtype=t.int8).random_(200, None),
    "uint8_from_negative": lambda t: t.empty(3, dtype=t.uint8).random_(-1, None),
}


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_random_from_without_an_upper_bound(seed):
    for i, (ours, theirs) in enumerate(draw_both(seed, list(RANDOM_FROM.values()))):
        if isinstance(theirs, (str, Exception)):
            assert_same(ours, theirs)
        else:
            assert_identical(ours, theirs)


# random_(from, to) takes a 64-bit word for int32, int64 and double from a range of 2**28 on
WIDE_RANGES = {
    "int32_below": lambda t: t.empty(7, dtype=t.int32).random_(0, 2 ** 28 - 1),
    "int32_at": lambda t: t.empty(7, dtype=t.int32).random_(-3, 2 ** 28 - 3),
    "int32_above": lambda t: t.empty(7, dtype=t.int32).random_(-100, 2 ** 31 - 1),
    "int64_at": lambda t: t.empty(5, dtype=t.int64).random_(5, 2 ** 28 + 5),
    "float64_above": lambda t: t.empty(5, dtype=t.float64).random_(0, 2 ** 29 + 7),
    "randint_int32": lambda t: t.randint(0, 2 ** 30, (4,), dtype=t.int32),
}


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_wide_integer_ranges_draw_64_bit_words(seed):
    for ours, theirs in draw_both(seed, list(WIDE_RANGES.values())):
        assert_identical(ours, theirs)


def _forked(lib, **options):
    """Draws inside a fork_rng block, then after it: the block's draws do not move the stream on."""
    with lib.random.fork_rng(**options):
        inside = lib.rand(3)
    return inside, lib.rand(3), lib.randn(17)


def _forked_through_an_error(lib):
    try:
        with lib.random.fork_rng(devices=[]):
            lib.rand(5)
            raise ValueError("leaving the block early")
    except ValueError:
        pass
    return lib.rand(2)


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_fork_rng_restores_the_stream(seed):
    calls = [lambda t: t.rand(2), _forked, lambda t: _forked(t, enabled=False), _forked_through_an_error,
             lambda t: t.random.initial_seed()]
    for ours, theirs in draw_both(seed, calls):
        for one, other in zip(ours, theirs) if isinstance(ours, tuple) else [(ours, theirs)]:
            if isinstance(other, int):
                assert one == other
            else:
                assert_identical(one, other)
