"""The op registry the gradient tests are generated from.

Each op family lists its differentiable ops in ``specs_<family>.py`` as ``SPECS``;
``test_op_gradients.py`` turns every spec into a float64 finite-difference check
and a comparison of values and gradients with PyTorch. ``test_op_coverage.py``
fails when a public engine function has neither a spec nor a place in
``NOT_DIFFERENTIABLE``, so no op escapes its gradient check.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

# Shape cases every pointwise op is checked on: 0-d, size-1, plain, and broadcasting.
UNARY_SHAPES = [((),), ((1,),), ((3,),), ((2, 3),), ((2, 1, 3),)]
BINARY_SHAPES = [((), ()), ((3,), ()), ((), (3,)), ((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3)),
                 ((1,), (2, 3)), ((2, 1, 3), (4, 1))]


@dataclass
class OpSpec:
    """One differentiable op and how to feed it.

    call(lib, *tensors) runs the op with ``lib`` = engine or torch, so the same spec
    drives the engine and the oracle. shapes: the input shapes to try. domain: the
    interval inputs are drawn from (keep away from non-differentiable points).
    """
    name: str
    call: Callable
    shapes: list = field(default_factory=lambda: UNARY_SHAPES)
    domain: tuple = (-2.0, 2.0)
    # draw from -hi..-lo as well as lo..hi (each element's sign at random): for ops with a kink or
    # a pole at zero (abs, relu, sign, division, norms), both sides are checked and zero never is
    signed: bool = False
    # indices of inputs that are not differentiated (e.g. an integer index tensor)
    nondiff: tuple = ()
    # builds non-float inputs: make(i, shape, rng) -> numpy array or None for the default
    make: Callable | None = None
    # gradient tolerance for ops whose finite differences are noisy
    atol: float = 1e-5
    rtol: float = 1e-3
    eps: float = 1e-6
    # a note on why a case is skipped for the PyTorch comparison (e.g. random ops)
    no_torch: str = ""
    # the op takes inputs of any shape (any broadcastable shapes when binary): hypothesis
    # then draws shapes beyond the fixed cases
    any_shape: bool = False

    def ids(self):
        return [f"{self.name}-{'x'.join(map(str, s)) if s else 'scalar'}" for s in self.shapes]


def unary(name, method=False, **kw):
    """A spec for ``lib.name(x)`` (or ``x.name()`` when method=True)."""
    call = (lambda lib, x: getattr(x, name)()) if method else (lambda lib, x: getattr(lib, name)(x))
    kw.setdefault("any_shape", True)
    return OpSpec(name, call, **kw)


def binary(name, **kw):
    kw.setdefault("shapes", BINARY_SHAPES)
    kw.setdefault("any_shape", True)
    return OpSpec(name, lambda lib, a, b: getattr(lib, name)(a, b), **kw)
