"""Random numbers: one seeded generator per backend, so ``manual_seed`` makes runs reproducible.

The streams are NumPy's (PCG64) and CuPy's, not PyTorch's Mersenne Twister: the same
seed gives the same numbers run after run here, not the numbers PyTorch draws.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..device import array_module, canonical
from ..tensor import Tensor
from .creation import _finish, check_size, size_arg

__all__ = ["manual_seed", "seed", "initial_seed", "rand", "randn", "rand_like", "randn_like", "Generator",
           "default_generator"]


class Generator:
    """A seeded source of random numbers for one device."""

    def __init__(self, device="cpu"):
        self.device = canonical(device)
        self._seed = 67280421310721   # PyTorch's default seed
        self._rng = None

    def manual_seed(self, seed):
        self._seed = int(seed) & 0xFFFF_FFFF_FFFF_FFFF
        self._rng = None
        return self

    def initial_seed(self):
        return self._seed

    def seed(self):
        self.manual_seed(int.from_bytes(np.random.SeedSequence().entropy.to_bytes(16, "little")[:8], "little"))
        return self._seed

    def rng(self):
        """The backend generator, made on first use after seeding."""
        if self._rng is None:
            xp = array_module(self.device)
            self._rng = np.random.default_rng(self._seed) if xp is np else xp.random.default_rng(self._seed)
        return self._rng


default_generator = Generator("cpu")
_cuda_generators: dict = {}


def generator_for(device, generator=None):
    if generator is not None:
        return generator
    if device.type == "cpu":
        return default_generator
    gen = _cuda_generators.get(device.index)
    if gen is None:
        gen = _cuda_generators[device.index] = Generator(device).manual_seed(default_generator.initial_seed())
    return gen


def manual_seed(seed):
    """Seed every device's generator; returns the cpu generator."""
    default_generator.manual_seed(seed)
    for g in _cuda_generators.values():
        g.manual_seed(seed)
    return default_generator


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def _random(fn, size, dtype, device, requires_grad, generator, draw):
    shape = size_arg(size, fn)
    dt = dtypes.get_default_dtype() if dtype is None else dtypes.to_dtype(dtype)
    if not dt.is_floating_point:
        raise RuntimeError(f"\"{'check_uniform_bounds' if fn == 'rand' else 'normal_kernel_cpu'}\" not implemented "
                           f"for '{_name(dt)}'")
    check_size(shape, dt)
    dev = canonical(device)
    rng = generator_for(dev, generator).rng()
    data = draw(rng, shape, dt.np)
    return _finish(data, requires_grad)


def _name(dt):
    from ._util import _type_name
    return _type_name(dt)


def _uniform(rng, shape, np_dtype):
    if np_dtype in (np.float32, np.float64):
        return rng.random(shape, dtype=np_dtype)
    return rng.random(shape, dtype=np.float32).astype(np_dtype)


def _normal(rng, shape, np_dtype):
    if np_dtype in (np.float32, np.float64):
        return rng.standard_normal(shape, dtype=np_dtype)
    return rng.standard_normal(shape, dtype=np.float32).astype(np_dtype)


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    """Uniform random numbers in [0, 1)."""
    return _random("rand", size, dtype, device, requires_grad, generator, _uniform)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False):
    """Standard normal random numbers."""
    return _random("randn", size, dtype, device, requires_grad, generator, _normal)


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """Uniform random numbers with the shape (and by default dtype, device) of ``input``."""
    return rand(input.shape, dtype=input.dtype if dtype is None else dtype,
                device=input.device if device is None else device, requires_grad=requires_grad)


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """Normal random numbers with the shape (and by default dtype, device) of ``input``."""
    return randn(input.shape, dtype=input.dtype if dtype is None else dtype,
                 device=input.device if device is None else device, requires_grad=requires_grad)
