"""Every spec in the op registry: a float64 finite-difference gradient check on fixed shapes
(0-d, size-1, broadcasting) and on hypothesis-drawn shapes, and, where PyTorch is installed,
the same values, grad_fn names and gradients as PyTorch."""
from __future__ import annotations

import importlib
import pathlib
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes

import engine
from engine.autograd.gradcheck import gradcheck
from tests.oracle import assert_same, assert_same_gradients, torch_or_skip

HERE = pathlib.Path(__file__).parent
SPECS = [spec for path in sorted(HERE.glob("specs_*.py"))
         for spec in importlib.import_module(f"tests.engine.{path.stem}").SPECS]
CASES = [(spec, shapes) for spec in SPECS for shapes in spec.shapes]
CASE_IDS = [f"{spec.name}-{'|'.join('x'.join(map(str, s)) or '0d' for s in shapes)}" for spec, shapes in CASES]


def make_inputs(spec, shapes, seed):
    rng = np.random.default_rng(seed)
    lo, hi = spec.domain
    arrays = []
    for i, shape in enumerate(shapes):
        made = spec.make(i, shape, rng) if spec.make else None
        if made is None:
            made = rng.uniform(lo, hi, size=shape)
            if spec.signed:
                made *= rng.choice([-1.0, 1.0], size=shape)
        arrays.append(np.asarray(made))
    return arrays


def engine_inputs(spec, arrays):
    ts = [engine.from_numpy(a.copy()) for a in arrays]
    for i, t in enumerate(ts):
        if i not in spec.nondiff and t.dtype.is_floating_point:
            t.requires_grad_(True)
    return ts


def check_gradients(spec, shapes, seed):
    arrays = make_inputs(spec, shapes, seed)
    inputs = engine_inputs(spec, arrays)
    assert gradcheck(lambda *xs: spec.call(engine, *xs), inputs, eps=spec.eps, atol=spec.atol,
                     rtol=spec.rtol)
    return arrays


@pytest.mark.parametrize("spec,shapes", CASES, ids=CASE_IDS)
def test_gradient_matches_finite_differences(spec, shapes):
    check_gradients(spec, shapes, zlib.crc32(spec.name.encode()))


@pytest.mark.parametrize("spec", [s for s in SPECS if s.any_shape], ids=lambda s: s.name)
def test_gradient_on_drawn_shapes(spec):
    arity = len(spec.shapes[0])
    shapes = (array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3).map(lambda s: (s,)) if arity == 1
              else mutually_broadcastable_shapes(num_shapes=arity, min_dims=0, max_dims=3, max_side=3)
              .map(lambda b: b.input_shapes))

    @settings(max_examples=8, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(shapes, st.integers(0, 2**16))
    def run(drawn, seed):
        check_gradients(spec, drawn, seed)
    run()


@pytest.mark.parametrize("spec", [s for s in SPECS if s.signed], ids=lambda s: s.name)
def test_signed_specs_draw_both_sides_of_zero_and_never_near_it(spec):
    lo, hi = spec.domain
    drawn = np.concatenate([a.ravel() for seed in range(4) for a in make_inputs(spec, spec.shapes[-1], seed)])
    assert (drawn < 0).any() and (drawn > 0).any()
    assert (lo <= abs(drawn)).all() and (abs(drawn) <= hi).all()


@pytest.mark.parametrize("spec,shapes", CASES, ids=CASE_IDS)
def test_matches_pytorch(spec, shapes):
    torch = torch_or_skip()
    if spec.no_torch:
        pytest.skip(spec.no_torch)
    arrays = make_inputs(spec, shapes, zlib.crc32(spec.name.encode()) + 1)
    ours = engine_inputs(spec, arrays)
    theirs = [torch.from_numpy(a.copy()) for a in arrays]
    for t, o in zip(theirs, ours):
        t.requires_grad_(o.requires_grad)
    out_e, out_t = spec.call(engine, *ours), spec.call(torch, *theirs)
    assert_same(out_e, out_t)
    cot = np.random.default_rng(7).standard_normal(tuple(out_t.shape))
    diff_e = [o for o in ours if o.requires_grad]
    diff_t = [t for t in theirs if t.requires_grad]
    g_e = engine.autograd.grad(out_e, diff_e, engine.from_numpy(cot.astype(out_e.numpy(force=True).dtype)),
                               allow_unused=True)
    g_t = torch.autograd.grad(out_t, diff_t, torch.from_numpy(cot).to(out_t.dtype), allow_unused=True)
    assert_same_gradients(g_e, g_t)
