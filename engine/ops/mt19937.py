"""PyTorch's CPU generator: a Mersenne Twister (MT19937) stream of 32-bit words.

PyTorch seeds its MT19937 with the low 32 bits of the 64-bit seed, by the reference
initialisation; NumPy's ``MT19937`` with its legacy seeding does the same, so
``random_raw`` yields PyTorch's words, one per ``generator->random()``. Two words make
one ``random64()``, the first as the high half. Besides the twister, the generator keeps
the second normal sample of the last Box-Muller pair (``next_double_normal_sample``),
which the next small normal draw returns instead of drawing.

The state bytes have PyTorch's layout (``CPUGeneratorImplState``, 5056 bytes): the
initial seed, ``left``, ``seeded``, ``next``, the 624 state words each widened to 64 bits,
the legacy normal fields (of which ``normal_y`` and ``normal_is_valid`` hold the cached
normal) and the cached float normal. So ``torch.get_rng_state()`` gives the same bytes
as PyTorch's and either's state restores the other's stream.
"""
from __future__ import annotations

import struct

import numpy as np

STATE_SIZE = 5056                # sizeof(CPUGeneratorImplState)
_WORDS = 624                     # MT19937's state length
_HEAD = struct.Struct("<QiiQ")   # the_initial_seed, left, seeded, next
_NORMAL = struct.Struct("<dddi")  # normal_x, normal_y, normal_rho, normal_is_valid
_FLOAT_NORMAL = struct.Struct("<f?")
_KEY_OFFSET = _HEAD.size
_NORMAL_OFFSET = _KEY_OFFSET + 8 * _WORDS
_FLOAT_NORMAL_OFFSET = 5048      # after the legacy part, padded to 8 bytes
_HIGH = np.uint64(32)


class CpuStream:
    """One generator's MT19937 words and its cached normal samples."""

    def __init__(self, seed):
        self.reseed(seed)

    def reseed(self, seed):
        """Start the stream PyTorch starts for ``seed`` (an unsigned 64-bit value)."""
        self.initial_seed = seed
        self.bits = np.random.MT19937()
        self.bits._legacy_seeding(seed & 0xFFFF_FFFF)
        self.next_double_normal = None
        self.next_float_normal = None   # PyTorch's CPU samplers never set it; kept for the state
        self._seeded_key = self.bits.state["state"]["key"]   # until the first twist: `next` is 0

    def words(self, n):
        """The next ``n`` 32-bit words (``random()``), as uint64."""
        return self.bits.random_raw(n)

    def words64(self, n):
        """The next ``n`` 64-bit words (``random64()``: two words, the first the high half)."""
        pairs = self.words(2 * n)
        return (pairs[0::2] << _HIGH) | pairs[1::2]

    def state_bytes(self):
        """The state in PyTorch's ``CPUGeneratorImplState`` layout."""
        twister = self.bits.state["state"]
        pos = int(twister["pos"])
        buffer = bytearray(STATE_SIZE)
        # PyTorch counts down `left` to the next twist and up `next` into the words; a twist
        # is due at `left` 1, which NumPy writes as position 624, with `next` 624 after the
        # words are used up and 0 after seeding (the words not yet twisted)
        seeded = pos == _WORDS and np.array_equal(twister["key"], self._seeded_key)
        _HEAD.pack_into(buffer, 0, self.initial_seed, _WORDS + 1 - pos, 1, 0 if seeded else pos)
        buffer[_KEY_OFFSET:_NORMAL_OFFSET] = np.asarray(twister["key"], dtype="<u8").tobytes()
        cached = self.next_double_normal
        _NORMAL.pack_into(buffer, _NORMAL_OFFSET, 0.0, cached or 0.0, 0.0, cached is not None)
        cached = self.next_float_normal
        _FLOAT_NORMAL.pack_into(buffer, _FLOAT_NORMAL_OFFSET, cached or 0.0, cached is not None)
        return bytes(buffer)

    def restore(self, buffer):
        """Take the state from PyTorch's layout (``state_bytes``'s inverse)."""
        seed, left, _, position = _HEAD.unpack_from(buffer, 0)
        key = np.frombuffer(buffer, dtype="<u8", count=_WORDS, offset=_KEY_OFFSET).astype(np.uint32)
        self.initial_seed = seed
        self.bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": _WORDS + 1 - left}}
        _, normal, _, valid = _NORMAL.unpack_from(buffer, _NORMAL_OFFSET)
        self.next_double_normal = normal if valid else None
        normal, valid = _FLOAT_NORMAL.unpack_from(buffer, _FLOAT_NORMAL_OFFSET)
        self.next_float_normal = normal if valid else None
        self._seeded_key = key if position == 0 and left == 1 else None
