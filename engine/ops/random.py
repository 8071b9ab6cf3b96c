"""Random numbers: PyTorch's CPU streams bit for bit, and CuPy's on CUDA.

On the CPU every generator is PyTorch's: an MT19937 seeded as PyTorch seeds it
(``mt19937.py``), its words transformed by PyTorch's CPU kernels (``cpu_sampling.py``).
After ``manual_seed(s)`` (or with a ``Generator`` seeded alike) ``rand``, ``randn``,
``randint``, ``randperm``, ``normal``, ``bernoulli``, ``multinomial`` and the in-place
samplers give PyTorch 2.13's CPU values, bit for bit, and the stream continues across
calls as PyTorch's does. ``get_rng_state`` gives PyTorch's own state bytes (5056, in
``CPUGeneratorImplState``'s layout), so a state saved by either restores the other.
Large float32 normals follow PyTorch's AVX2 kernel, which x86 CPUs without AVX-512 run;
on an AVX-512 CPU PyTorch runs another kernel whose values can differ in the last bits.

On CUDA the stream is CuPy's (XORWOW): ``manual_seed`` makes it reproducible, but the
numbers are not PyTorch's CUDA (Philox) numbers. CuPy's generator has no permutation or
choice, so a CUDA generator also keeps a NumPy one, seeded alike, for the draws made on
the host.
"""
from __future__ import annotations

from typing import NamedTuple

import math

import numpy as np

from .. import dtypes
from ..autograd.graph import record
from ..device import array_module, canonical
from ..tensor import Tensor, wrap
from ..unsupported import refuse_unsupported
from . import cpu_sampling
from ._util import C_TYPE_NAMES as _C_TYPE_NAMES, _type_name, inplace, xp_of
from .creation import _finish, _on, check_size, size_arg
from .mt19937 import STATE_SIZE, CpuStream
from .registry import defop, export

DEFAULT_SEED = 67280421310721   # PyTorch's default_rng_seed_val


def _seed_value(seed):
    """A seed as PyTorch's generators take it: an int in [-2**63, 2**64), negative ones as
    their two's complement."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
    seed = int(seed)
    if not -2 ** 63 <= seed < 2 ** 64:
        raise ValueError("Overflow when unpacking long long")
    return seed & 0xFFFF_FFFF_FFFF_FFFF


@export
class Generator:
    """A seeded source of random numbers for one device: on the cpu PyTorch's own stream,
    on CUDA CuPy's."""

    def __init__(self, device="cpu"):
        self.device = canonical(device)
        self._seed = DEFAULT_SEED
        self.stream = CpuStream(DEFAULT_SEED) if self.device.type == "cpu" else None
        self._rng = None
        self._host_rng = None

    def manual_seed(self, seed):
        self._seed = _seed_value(seed)
        if self.stream is not None:
            self.stream.reseed(self._seed)
        self._rng = self._host_rng = None
        return self

    def initial_seed(self):
        return self._seed if self.stream is None else self.stream.initial_seed

    def seed(self):
        self.manual_seed(int.from_bytes(np.random.SeedSequence().entropy.to_bytes(16, "little")[:8], "little"))
        return self._seed

    def __repr__(self):
        return f"<torch._C.Generator object at {id(self):#x}>"

    def get_state(self):
        """On the cpu PyTorch's state bytes, a uint8 tensor; on CUDA CuPy's state."""
        if self.stream is None:
            return self.rng().bit_generator.state
        return wrap(np.frombuffer(self.stream.state_bytes(), dtype=np.uint8).copy())

    def set_state(self, state):
        if self.stream is None:
            self.rng().bit_generator.state = state
            return self
        if not isinstance(state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(state).__name__}")
        if state.dtype is not dtypes.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        if state.numel() != STATE_SIZE:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {STATE_SIZE} but found the input RNG "
                               f"state size to be {state.numel()}")
        self.stream.restore(np.ascontiguousarray(state.numpy()).tobytes())
        self._seed = self.stream.initial_seed
        return self

    def exchange_state(self, other):
        """Swap the whole state of this generator with other's, a generator of the same device:
        what a tensorsh session does on starting and ending a run, so that it draws from its own
        stream (in other) without the 5 KiB copy that get_state and set_state make."""
        if other.device != self.device:
            raise ValueError(f"cannot exchange the state of a {self.device} generator with a {other.device} one")
        self._seed, other._seed = other._seed, self._seed
        self.stream, other.stream = other.stream, self.stream
        self._rng, other._rng = other._rng, self._rng
        self._host_rng, other._host_rng = other._host_rng, self._host_rng

    def rng(self):
        """The backend generator, made on first use after seeding: on the cpu a NumPy view of
        the MT19937 stream (drawing from it advances the stream)."""
        if self._rng is None:
            xp = array_module(self.device)
            self._rng = np.random.Generator(self.stream.bits) if xp is np else xp.random.default_rng(self._seed)
        return self._rng

    def host_rng(self):
        """CUDA's NumPy generator for the draws made on the host (permutations, multinomial)."""
        if self._host_rng is None:
            self._host_rng = np.random.default_rng(self._seed)
        return self._host_rng


default_generator = export(Generator("cpu"), name="default_generator")
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


@export
def manual_seed(seed):
    """Seed every device's generator (CPU and CUDA); returns the cpu generator.

    The CPU then draws PyTorch's numbers for the seed; CUDA draws CuPy's, the same on
    every run but not PyTorch's."""
    seed = int(seed)
    default_generator.manual_seed(seed)
    for g in _cuda_generators.values():
        g.manual_seed(seed)
    return default_generator


@export
def seed():
    return default_generator.seed()


@export
def initial_seed():
    return default_generator.initial_seed()


@export
def get_rng_state():
    """The cpu generator's state: PyTorch's 5056 bytes as a uint8 tensor."""
    return default_generator.get_state()


@export
def set_rng_state(new_state):
    """Restore the cpu generator's state from ``get_rng_state``'s bytes (PyTorch's too)."""
    default_generator.set_state(new_state)


def _cpu_stream(device, generator):
    """The PyTorch stream that draws for ``device``, or None on CUDA (CuPy's generator draws)."""
    return generator_for(device, generator).stream


def _random(fn, size, dtype, device, requires_grad, generator, draw, cuda_draw, size_keyword=None):
    """A new float tensor of samples: ``draw(stream, n, np_dtype)`` on the cpu, in C order;
    ``cuda_draw(rng, shape, np_dtype)`` with CuPy's generator on CUDA."""
    shape = size_arg(size, fn, size_keyword)
    dt = dtypes.get_default_dtype() if dtype is None else dtypes.dtype_arg(dtype, fn)
    if not dtypes.floating_or_complex(dt):
        raise NotImplementedError(f"\"{'check_uniform_bounds' if fn == 'rand' else 'normal_kernel_cpu'}\" not implemented "
                           f"for '{_type_name(dt)}'")
    check_size(shape, dt)
    dev = canonical(device)
    stream = _cpu_stream(dev, generator)
    if dt.is_complex:
        return _finish(_complex_samples(fn, shape, dt, dev, generator, stream, draw, cuda_draw), requires_grad)
    if stream is None:
        data = cuda_draw(generator_for(dev, generator).rng(), shape, dt.np)
    else:
        data = draw(stream, _count(shape), dt.np).reshape(shape)
    return _finish(data, requires_grad)


def _complex_samples(fn, shape, dt, dev, generator, stream, draw, cuda_draw):
    """Complex samples as ATen draws them: into the real view of the tensor (each number's real then
    imaginary part, in C order), normals with standard deviation 1/sqrt(2) per part, so that the
    complex number has variance 1."""
    parts = dt.to_real().np
    if stream is None:
        data = cuda_draw(generator_for(dev, generator).rng(), shape + (2,), parts)
        if fn == "randn":
            data = data * parts.type(_HALF_VARIANCE_STD)
    elif fn == "randn":
        data = cpu_sampling.normal(stream, 2 * _count(shape), parts, std=_HALF_VARIANCE_STD)
    else:
        data = draw(stream, 2 * _count(shape), parts)
    return data.reshape(shape + (2,)).view(dt.np).reshape(shape)


_HALF_VARIANCE_STD = 1 / math.sqrt(2)   # ATen's std / std::sqrt(2), in double


def _count(shape):
    return int(np.prod(shape, dtype=np.int64))


def _uniform(rng, shape, np_dtype):
    """CuPy's uniform samples (on CUDA)."""
    if np_dtype in (np.float32, np.float64):
        return rng.random(shape, dtype=np_dtype)
    return rng.random(shape, dtype=np.float32).astype(np_dtype)


def _normal(rng, shape, np_dtype):
    """CuPy's normal samples (on CUDA)."""
    if np_dtype in (np.float32, np.float64):
        return rng.standard_normal(shape, dtype=np_dtype)
    return rng.standard_normal(shape, dtype=np.float32).astype(np_dtype)


@defop(method=False, differentiable=False)
def rand(*sizes, size=None, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    """Uniform random numbers in [0, 1)."""
    refuse_unsupported("rand", out=out, layout=layout, pin_memory=pin_memory)
    return _random("rand", sizes, dtype, device, requires_grad, generator, cpu_sampling.uniform, _uniform, size)


@defop(method=False, differentiable=False)
def randn(*sizes, size=None, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False):
    """Standard normal random numbers."""
    refuse_unsupported("randn", out=out, layout=layout, pin_memory=pin_memory)
    return _random("randn", sizes, dtype, device, requires_grad, generator, cpu_sampling.normal, _normal, size)


@defop(method=False, differentiable=False)
def rand_like(input, *, generator=None, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """Uniform random numbers with the shape (and by default dtype, device) of ``input``."""
    refuse_unsupported("rand_like", layout=layout, memory_format=memory_format)
    return rand(input.shape, generator=generator, dtype=input.dtype if dtype is None else dtype,
                device=input.device if device is None else device, requires_grad=requires_grad)


@defop(method=False, differentiable=False)
def randn_like(input, *, generator=None, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    """Normal random numbers with the shape (and by default dtype, device) of ``input``."""
    refuse_unsupported("randn_like", layout=layout, memory_format=memory_format)
    return randn(input.shape, generator=generator, dtype=input.dtype if dtype is None else dtype,
                 device=input.device if device is None else device, requires_grad=requires_grad)


def _randint_signature_error(args):
    got = ", ".join(type(a).__name__ for a in args)
    overloads = []
    for lead in ("int high", "int low, int high"):
        for gen in ("torch.Generator generator, ", ""):
            overloads.append(f" * ({lead}, tuple of ints size, *, {gen}Tensor out = None, torch.dtype dtype = None, "
                             "torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
                             "bool requires_grad = False)\n")
    return TypeError(f"randint() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                     + "".join(overloads))


def _check_random_bounds(dt, low, high):
    """PyTorch's checks of random_(from, to) (and so of randint): from < to, and for an integer
    dtype both from and to - 1 within its range."""
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if dt.category == dtypes.FLOATING:
        return
    smallest, largest = (0, 1) if dt.category == dtypes.BOOL else (np.iinfo(dt.np).min, np.iinfo(dt.np).max)
    for value, name in ((low, "from"), (high - 1, "to - 1")):
        if not smallest <= value <= largest:
            raise RuntimeError(f"{name} is out of bounds for {_C_TYPE_NAMES[dt.name]}")


def _draw_integers(device, generator, low, high, shape, dt):
    """Integers in [low, high) of dtype ``dt`` (bounds checked): PyTorch's on the cpu, CuPy's on CUDA."""
    stream = _cpu_stream(device, generator)
    if stream is None:
        wide = np.uint64 if high > 2 ** 63 - 1 else np.int64   # int64's random_() reaches 2**63 - 1
        return generator_for(device, generator).rng().integers(low, high, size=shape, dtype=wide).astype(dt.np)
    return cpu_sampling.integers(stream, _count(shape), dt.np, low, high).reshape(shape)


@defop(method=False, differentiable=False)
def randint(*args, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
            pin_memory=False, size=None, low=None, high=None):
    """Random integers in [low, high) (low defaults to 0); int64 unless ``dtype``."""
    refuse_unsupported("randint", out=out, layout=layout, pin_memory=pin_memory)
    if size is not None:
        args = args + (size,)
    if high is not None:
        args = ((0 if low is None else low), high) + args
    if len(args) == 2:
        args = (0,) + args
    if len(args) != 3 or not isinstance(args[2], (tuple, list)):
        raise _randint_signature_error(args)
    lo, hi, shape = int(args[0]), int(args[1]), size_arg((args[2],), "randint")
    dt = dtypes.int64 if dtype is None else dtypes.dtype_arg(dtype, "randint")
    if dt.is_complex:
        raise RuntimeError("check_random_bounds handles only integral, floating-point and boolean types")
    check_size(shape, dt)
    _check_random_bounds(dt, lo, hi)
    dev = canonical(device)
    return _finish(_on(dev, _draw_integers(dev, generator, lo, hi, shape, dt)), requires_grad)


@defop(method=False, differentiable=False)
def randint_like(input, low=0, high=None, *, generator=None, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None):
    """Random integers in [low, high) with the shape (and by default dtype, device) of ``input``."""
    refuse_unsupported("randint_like", layout=layout, memory_format=memory_format)
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), generator=generator,
                   dtype=input.dtype if dtype is None else dtype,
                   device=input.device if device is None else device, requires_grad=requires_grad)


@defop(method=False, differentiable=False)
def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    """A random permutation of 0 .. n-1 (int64 unless ``dtype``)."""
    refuse_unsupported("randperm", out=out, layout=layout, pin_memory=pin_memory)
    dt = dtypes.int64 if dtype is None else dtypes.dtype_arg(dtype, "randperm")
    if dt.is_complex:
        raise NotImplementedError(f"\"randperm\" not implemented for '{_type_name(dt)}'")
    check_size((n,), dt)
    dev = canonical(device)
    gen = generator_for(dev, generator)
    order = gen.host_rng().permutation(n) if gen.stream is None else cpu_sampling.randperm(gen.stream, n)
    return _finish(_on(dev, order.astype(dt.np)), requires_grad)


def _probabilities(input, kernel):
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(input.dtype)}\'')
    return input._data


def _bernoulli_draws(gen, probs, shape):
    """True with probability ``probs`` (a number, or an array broadcasting to ``shape``)."""
    if gen.stream is None:   # CuPy's on cuda: the draw stays on the GPU
        return gen.rng().random(shape) < probs
    return cpu_sampling.bernoulli(gen.stream, probs, shape, np.bool_)


@defop()
def bernoulli(input, p=None, *, generator=None, out=None):
    """1 with probability ``input`` (or ``p``), else 0, elementwise; gradient zero (BernoulliBackward0)."""
    refuse_unsupported("bernoulli", out=out)
    probs = _probabilities(input, "bernoulli_tensor_cpu_p_") if p is None else p
    xp = xp_of(input)
    if p is None and ((probs < 0) | (probs > 1)).any():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message "
                           "be improved?  If so, please report an enhancement request to PyTorch.)")
    draw = _bernoulli_draws(generator_for(input.device, generator), probs, input._data.shape)
    result = wrap(xp.asarray(draw).astype(input._data.dtype))
    return record(result, "BernoulliBackward0" if p is None else "BernoulliBackward1", (input,),
                  lambda g: (g * 0,))


def _host_multinomial(rng, rows, num_samples, replacement):
    """CUDA's draws, made on the host with NumPy's generator."""
    if replacement:
        return np.stack([rng.choice(len(r), size=num_samples, p=r / r.sum()) for r in rows])
    # exponential race: the smallest E/w come first; zero weights come last, as in PyTorch
    with np.errstate(divide="ignore"):
        keys = rng.exponential(size=rows.shape) / rows
    return np.argsort(keys, axis=1, kind="stable")[:, :num_samples]


def _check_weights(rows, num_samples, replacement):
    """PyTorch's checks, in its order: the inversion (with replacement, several samples) checks
    each row's entries in turn, then its sum; the race checks the whole tensor at once."""
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if replacement and num_samples > 1:
        for row in rows:
            invalid = row[~(np.isfinite(row) & (row >= 0))]
            if invalid.size:   # NaN fails the kernel's `>= 0` test first
                kind = "= infinity or NaN" if invalid[0] >= 0 else "< 0"
                raise RuntimeError(f"invalid multinomial distribution (encountering probability entry {kind})")
            if row.sum() <= 0:
                raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        return
    if not (np.isfinite(rows).all() and (rows >= 0).all()):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (rows.sum(axis=1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")


@defop(differentiable=False)
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """``num_samples`` indices drawn per row with probabilities proportional to the row's weights."""
    refuse_unsupported("multinomial", out=out)
    host = np.asarray(_probabilities(input, "multinomial").get() if not isinstance(input._data, np.ndarray)
                      else input._data)
    if input._data.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    rows = host.astype(np.float64).reshape(-1, host.shape[-1])
    _check_weights(rows, num_samples, replacement)
    gen = generator_for(input.device, generator)
    if gen.stream is None:
        picks = _host_multinomial(gen.host_rng(), rows, num_samples, replacement)
    else:   # in the input's own dtype, as PyTorch sums and divides
        picks = cpu_sampling.multinomial(gen.stream, host.reshape(rows.shape), num_samples, replacement)
    data = picks.astype(np.int64).reshape(host.shape[:-1] + (num_samples,))
    return wrap(_on(input.device, data))


def _normal_of_numbers(mean, std, size, generator, dtype, device, requires_grad):
    """normal(float mean, float std, size): the samples drawn with mean and std, as ``normal_``."""
    _check_std(std)
    return _random("normal", size, dtype, device, requires_grad, generator,
                   lambda stream, n, np_dtype: cpu_sampling.normal(stream, n, np_dtype, mean, std),
                   lambda rng, shape, np_dtype: (_normal(rng, shape, np_dtype) * std + mean).astype(np_dtype))


@defop(method=False)
def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           requires_grad=False, pin_memory=False):
    """Normal samples with the given mean and std (tensors broadcast, or numbers with ``size``)."""
    refuse_unsupported("normal", out=out, layout=layout, pin_memory=pin_memory)
    if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments - got (float, float), but "
                            "expected one of:\n * (Tensor mean, Tensor std, *, torch.Generator generator = None, "
                            "Tensor out = None)\n * (Tensor mean, float std = 1, *, torch.Generator generator = "
                            "None, Tensor out = None)\n * (float mean, Tensor std, *, torch.Generator generator = "
                            "None, Tensor out = None)\n * (float mean, float std, tuple of ints size, *, "
                            "torch.Generator generator = None, Tensor out = None, torch.dtype dtype = None, "
                            "torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
                            "bool requires_grad = False)\n")
        return _normal_of_numbers(mean, std, size, generator, dtype, device, requires_grad)
    like = mean if isinstance(mean, Tensor) else std
    shape = np.broadcast_shapes(tuple(getattr(mean, "shape", ())), tuple(getattr(std, "shape", ())))
    if isinstance(std, Tensor) and (std._data < 0).any() or not isinstance(std, Tensor) and std < 0:
        raise RuntimeError("normal expects all elements of std >= 0.0")
    tensors = tuple(t for t in (mean, std) if isinstance(t, Tensor))
    # PyTorch draws normal_(0, std) for a number std, else normal_(0, 1) times std; then adds mean
    gen = generator_for(like.device, generator)
    noise = _draw_normal(gen, _Visit.c_order(len(shape)), shape, like.dtype.np,
                         std=1.0 if isinstance(std, Tensor) else std)
    data = noise * std._data if isinstance(std, Tensor) else noise
    data = data + (mean._data if isinstance(mean, Tensor) else mean)
    # PyTorch's nodes: 1 for a tensor mean, 2 for a tensor std, 3 for both; the samples' gradient is zero
    node = "NormalBackward" + ("3" if len(tensors) == 2 else "1" if tensors[0] is mean else "2")
    n = len(tensors)
    return record(wrap(data.astype(noise.dtype, copy=False)), node, tensors, lambda g: (g * 0,) * n)


# -- in-place samplers: the tensor's values are replaced, its gradient becomes zero ---------------------

def _not_implemented(kernel):
    """The error of a sampler whose kernel has no version for a non-float dtype."""
    return lambda dtype: NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(dtype)}\'')


class _Visit(NamedTuple):
    """The order in which PyTorch's serial kernels fill a tensor in place: its memory order,
    slowest axis first (C order for a contiguous tensor, not for a transposed view)."""
    axes: tuple
    contiguous: bool   # a non-contiguous tensor takes the one-at-a-time normal path at any size

    @classmethod
    def c_order(cls, ndim):
        """A new (contiguous) tensor's order."""
        return cls(tuple(range(ndim)), True)

    @classmethod
    def of(cls, tensor):
        strides = tensor.stride()
        return cls(tuple(sorted(range(tensor.dim()), key=lambda d: -strides[d])), tensor.is_contiguous())

    def flatten(self, array):
        """``array``'s elements in visiting order."""
        return array.transpose(self.axes).reshape(-1)

    def arrange(self, values, shape):
        """Values drawn in visiting order, placed into an array of ``shape``."""
        visited = values.reshape(tuple(shape[d] for d in self.axes))
        return visited.transpose(np.argsort(self.axes))


def _sampler(name, node, dtype_error, draw_fn):
    def op(self, *args, generator=None, **kwargs):
        if not self.dtype.is_floating_point:
            raise dtype_error(self.dtype)
        gen = generator_for(self.device, generator)
        data = draw_fn(gen, _Visit.of(self), self._data.shape, self._data.dtype, *args, **kwargs)
        xp = xp_of(self)
        return inplace(self, lambda src: record(wrap(xp.asarray(data)), node, (src,), lambda g: (g * 0,)))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Fill self in place with samples ({node[:-9].lower()} distribution)."
    return defop(function=False)(op)


def _check_std(std):
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")


def _draw_normal(gen, visit, shape, np_dtype, mean=0.0, std=1.0):
    _check_std(std)
    if gen.stream is None:
        return (_normal(gen.rng(), shape, np_dtype) * std + mean).astype(np_dtype)
    samples = cpu_sampling.normal(gen.stream, _count(shape), np_dtype, mean, std, one_at_a_time=not visit.contiguous)
    return visit.arrange(samples, shape)


def _draw_uniform(gen, visit, shape, np_dtype, a=0.0, b=1.0, **bounds):
    a, b = bounds.get("from", a), bounds.get("to", b)
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
    if gen.stream is None:
        return (_uniform(gen.rng(), shape, np_dtype) * (b - a) + a).astype(np_dtype)
    return visit.arrange(cpu_sampling.uniform(gen.stream, _count(shape), np_dtype, a, b), shape)


def _draw_bernoulli(gen, visit, shape, np_dtype, p=0.5):
    probs = p._data if isinstance(p, Tensor) else p
    if gen.stream is None:
        return _bernoulli_draws(gen, probs, shape).astype(np_dtype)
    if isinstance(probs, np.ndarray):
        probs = visit.flatten(np.broadcast_to(probs, shape))
    draws = cpu_sampling.bernoulli(gen.stream, probs, (_count(shape),), np_dtype)
    return visit.arrange(draws, shape)


def _draw_exponential(gen, visit, shape, np_dtype, lambd=1.0):
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    if gen.stream is None:
        xp = array_module(gen.device)
        return (-xp.log1p(-gen.rng().random(shape)) / lambd).astype(np_dtype)
    return visit.arrange(cpu_sampling.exponential(gen.stream, _count(shape), np_dtype, lambd), shape)


def _continuous_only(dtype):
    return RuntimeError("Exponential distribution is a continuous probability distribution. dtype must be a "
                        f"floating point but you specified {_type_name(dtype)}")


normal_ = _sampler("normal_", "NormalBackward0", _not_implemented("normal_kernel_cpu"), _draw_normal)
uniform_ = _sampler("uniform_", "UniformBackward0", _not_implemented("check_uniform_bounds"), _draw_uniform)
bernoulli_ = _sampler("bernoulli_", "BernoulliBackward2", _not_implemented("bernoulli_scalar_cpu_"), _draw_bernoulli)
exponential_ = _sampler("exponential_", "ExponentialBackward0", _continuous_only, _draw_exponential)


# Where random_() draws from when given no bounds: every integer the dtype holds exactly
_RANDOM_TOP = {"float16": 2 ** 11, "float32": 2 ** 24, "float64": 2 ** 53, "bool": 1}


class _LeftOut:
    """random_'s default for ``to``: given as None it is not left out (random_(to) draws from 0,
    random_(from, None) up to the dtype's largest). Shown as PyTorch's signature shows it."""

    def __repr__(self):
        return "None"


_UNBOUNDED = _LeftOut()
_INT64_MIN = -2 ** 63


def _upper_bound(dt, low):
    """The exclusive upper bound of random_(from, None): up to the dtype's largest integer (for a
    float, the largest that it and every integer below it hold exactly), with PyTorch's checks."""
    if dt.category == dtypes.FLOATING:
        top = _RANDOM_TOP[dt.name]
        if low >= top:
            raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted "
                               f"to dtype, but got from={low} > to_inc={top}")
        return top + 1
    top = 1 if dt.category == dtypes.BOOL else int(np.iinfo(dt.np).max)
    smallest = 0 if dt.category == dtypes.BOOL else int(np.iinfo(dt.np).min)
    if not smallest <= low <= top:
        raise RuntimeError(f"from is out of bounds for {_C_TYPE_NAMES[dt.name]}")
    return top + 1


def _bounds(self, from_, to):
    """[low, high) of a random_ call and its node's name ("full" for the 64-bit full-range kernel)."""
    if to is _UNBOUNDED and from_ is not None:
        return 0, from_, "RandomBackward1"
    if from_ is None:
        top = _RANDOM_TOP.get(self.dtype.name)
        return 0, (np.iinfo(self._data.dtype).max if top is None else top) + 1, "RandomBackward2"
    if to is None or to is _UNBOUNDED:
        if from_ == _INT64_MIN:
            if self._data.dtype not in (np.int64, np.float64, np.float32):
                raise RuntimeError("random_full_64_bits_range_kernel_cpu handles only int64, double, float and "
                                   "bfloat16")
            return from_, 2 ** 63, "full"
        return from_, _upper_bound(self.dtype, from_), "RandomBackward0"
    return from_, to, "RandomBackward0"


@defop(function=False)
def random_(self, from_=None, to=_UNBOUNDED, *, generator=None):
    """Fill self in place with integers drawn uniformly from [from, to): random_() the whole range
    the dtype holds exactly, random_(to) from 0, random_(from, None) up to the dtype's largest
    (RandomBackward2/1/0: a zero gradient)."""
    low, high, node = _bounds(self, from_, to)
    if node != "full":
        _check_random_bounds(self.dtype, low, high)
    stream = _cpu_stream(self.device, generator)
    if stream is None:
        data = _draw_integers(self.device, generator, low, high, self._data.shape, self.dtype)
    elif node == "RandomBackward2":   # PyTorch's own full-range kernel
        data = cpu_sampling.full_range_integers(stream, self.numel(), self._data.dtype)
    elif node == "full":              # every int64: a 64-bit word as it is
        data = stream.words64(self.numel()).view(np.int64).astype(self._data.dtype)
    else:
        data = cpu_sampling.integers(stream, self.numel(), self._data.dtype, low, high)
    if stream is not None:
        data = _Visit.of(self).arrange(data, self._data.shape)
    xp = xp_of(self)
    node = "RandomBackward0" if node == "full" else node
    return inplace(self, lambda src: record(wrap(xp.asarray(data)), node, (src,), lambda g: (g * 0,)))
