"""torch.random: the default generator's functions under their module, and ``fork_rng``, which
lets a block draw random numbers and then puts the generators back as they were."""
from __future__ import annotations

import contextlib

from . import cuda
from .ops.random import (Generator, default_generator, generator_for, get_rng_state, initial_seed, manual_seed,
                         seed, set_rng_state)
from .device import Device

__all__ = ["Generator", "default_generator", "fork_rng", "get_rng_state", "initial_seed", "manual_seed", "seed",
           "set_rng_state"]


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type=None):
    """Save the cpu generator's state (and the accelerator's, of ``devices``: all of them when None)
    on entering, and restore them on leaving, however the block ends. enabled=False forks nothing."""
    if not enabled:
        yield
        return
    if devices is None:
        devices = range(cuda.device_count())
    accelerator = [generator_for(Device("cuda", int(d))) for d in devices] if cuda.is_available() else []
    cpu_state = get_rng_state()
    accelerator_states = [g.get_state() for g in accelerator]
    try:
        yield
    finally:
        set_rng_state(cpu_state)
        for g, state in zip(accelerator, accelerator_states):
            g.set_state(state)
