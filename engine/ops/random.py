"""Random numbers: one seeded generator per backend, so ``manual_seed`` makes runs reproducible.

The streams are NumPy's (PCG64) and CuPy's (XORWOW), not PyTorch's Mersenne Twister or
Philox: the same seed gives the same numbers run after run here, on the CPU and on CUDA,
but not the numbers PyTorch draws. CuPy's generator has no permutation or choice, so a
CUDA generator also keeps a NumPy one, seeded alike, for the draws made on the host.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..autograd.graph import record
from ..device import array_module, canonical, move
from ..tensor import Tensor, wrap
from ..unsupported import refuse_unsupported
from ._util import C_TYPE_NAMES as _C_TYPE_NAMES
from ._util import _type_name, inplace, xp_of
from .creation import _finish, check_size, size_arg
from .registry import defop, export


@export
class Generator:
    """A seeded source of random numbers for one device."""

    def __init__(self, device="cpu"):
        self.device = canonical(device)
        self._seed = 67280421310721   # PyTorch's default seed
        self._rng = None
        self._host_rng = None

    def manual_seed(self, seed):
        self._seed = int(seed) & 0xFFFF_FFFF_FFFF_FFFF
        self._rng = self._host_rng = None
        return self

    def initial_seed(self):
        return self._seed

    def seed(self):
        self.manual_seed(int.from_bytes(np.random.SeedSequence().entropy.to_bytes(16, "little")[:8], "little"))
        return self._seed

    def __repr__(self):
        return f"<torch._C.Generator object at {id(self):#x}>"

    def get_state(self):
        return self.rng().bit_generator.state

    def set_state(self, state):
        self.rng().bit_generator.state = state
        return self

    def rng(self):
        """The backend generator, made on first use after seeding."""
        if self._rng is None:
            xp = array_module(self.device)
            self._rng = self.host_rng() if xp is np else xp.random.default_rng(self._seed)
        return self._rng

    def host_rng(self):
        """A NumPy generator for the draws made on the host (permutations, multinomial); on the cpu,
        the generator itself."""
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

    The same seed gives the same numbers on every run, on the CPU and on CUDA; they are
    not PyTorch's numbers (NumPy's PCG64 and CuPy's XORWOW streams, not PyTorch's)."""
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


def _random(fn, size, dtype, device, requires_grad, generator, draw):
    shape = size_arg(size, fn)
    dt = dtypes.get_default_dtype() if dtype is None else dtypes.to_dtype(dtype)
    if not dt.is_floating_point:
        raise NotImplementedError(f"\"{'check_uniform_bounds' if fn == 'rand' else 'normal_kernel_cpu'}\" not implemented "
                           f"for '{_type_name(dt)}'")
    check_size(shape, dt)
    dev = canonical(device)
    rng = generator_for(dev, generator).rng()
    data = draw(rng, shape, dt.np)
    return _finish(data, requires_grad)


def _uniform(rng, shape, np_dtype):
    if np_dtype in (np.float32, np.float64):
        return rng.random(shape, dtype=np_dtype)
    return rng.random(shape, dtype=np.float32).astype(np_dtype)


def _normal(rng, shape, np_dtype):
    if np_dtype in (np.float32, np.float64):
        return rng.standard_normal(shape, dtype=np_dtype)
    return rng.standard_normal(shape, dtype=np.float32).astype(np_dtype)


@defop(method=False, differentiable=False)
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    """Uniform random numbers in [0, 1)."""
    refuse_unsupported("rand", out=out, layout=layout, pin_memory=pin_memory)
    return _random("rand", size, dtype, device, requires_grad, generator, _uniform)


@defop(method=False, differentiable=False)
def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False):
    """Standard normal random numbers."""
    refuse_unsupported("randn", out=out, layout=layout, pin_memory=pin_memory)
    return _random("randn", size, dtype, device, requires_grad, generator, _normal)


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


def _draw_integers(rng, low, high, shape, dt):
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    return rng.integers(low, high, size=shape, dtype=np.int64).astype(dt.np)


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
    dt = dtypes.int64 if dtype is None else dtypes.to_dtype(dtype)
    check_size(shape, dt)
    dev = canonical(device)
    return _finish(_on(dev, _draw_integers(generator_for(dev, generator).rng(), lo, hi, shape, dt)), requires_grad)


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
    dt = dtypes.int64 if dtype is None else dtypes.to_dtype(dtype)
    check_size((n,), dt)
    dev = canonical(device)
    data = generator_for(dev, generator).host_rng().permutation(n).astype(dt.np)
    return _finish(_on(dev, data), requires_grad)


def _on(dev, data):
    """NumPy-drawn data (integers, permutations) moved to ``dev``."""
    if dev.type == "cpu" or type(data) is not np.ndarray:
        return data
    return move(data, dev)


def _probabilities(input, kernel):
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(input.dtype)}\'')
    return input._data


@defop()
def bernoulli(input, p=None, *, generator=None, out=None):
    """1 with probability ``input`` (or ``p``), else 0, elementwise; gradient zero (BernoulliBackward0)."""
    refuse_unsupported("bernoulli", out=out)
    probs = _probabilities(input, "bernoulli_tensor_cpu_p_") if p is None else p
    xp = xp_of(input)
    if p is None and ((probs < 0) | (probs > 1)).any():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message "
                           "be improved?  If so, please report an enhancement request to PyTorch.)")
    rng = generator_for(input.device, generator).rng()   # CuPy's on cuda: the draw stays on the GPU
    draw = rng.random(input._data.shape) < probs
    result = wrap(xp.asarray(draw).astype(input._data.dtype))
    return record(result, "BernoulliBackward0" if p is None else "BernoulliBackward1", (input,),
                  lambda g: (g * 0,))


@defop(differentiable=False)
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """``num_samples`` indices drawn per row with probabilities proportional to the row's weights."""
    refuse_unsupported("multinomial", out=out)
    w = np.asarray(_probabilities(input, "multinomial").get() if not isinstance(input._data, np.ndarray)
                   else input._data, dtype=np.float64)
    if input._data.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not np.isfinite(w).all() or (w < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    rows = w.reshape(-1, w.shape[-1])
    if (rows.sum(axis=1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    rng = generator_for(input.device, generator).host_rng()
    if replacement:
        picks = np.stack([rng.choice(len(r), size=num_samples, p=r / r.sum()) for r in rows])
    else:   # exponential race: the smallest E/w come first; zero weights come last, as in PyTorch
        with np.errstate(divide="ignore"):
            keys = rng.exponential(size=rows.shape) / rows
        picks = np.argsort(keys, axis=1, kind="stable")[:, :num_samples]
    data = picks.astype(np.int64).reshape(w.shape[:-1] + (num_samples,))
    return wrap(_on(input.device, data))


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
        return randn(size, generator=generator, dtype=dtype, device=device, requires_grad=requires_grad) * std + mean
    like = mean if isinstance(mean, Tensor) else std
    shape = np.broadcast_shapes(tuple(getattr(mean, "shape", ())), tuple(getattr(std, "shape", ())))
    if isinstance(std, Tensor) and (std._data < 0).any() or not isinstance(std, Tensor) and std < 0:
        raise RuntimeError("normal expects all elements of std >= 0.0")
    noise = randn(shape, generator=generator, dtype=like.dtype, device=like.device)._data
    tensors = tuple(t for t in (mean, std) if isinstance(t, Tensor))
    data = noise * (std._data if isinstance(std, Tensor) else std) + (mean._data if isinstance(mean, Tensor) else mean)
    # PyTorch's nodes: 1 for a tensor mean, 2 for a tensor std, 3 for both; the samples' gradient is zero
    node = "NormalBackward" + ("3" if len(tensors) == 2 else "1" if tensors[0] is mean else "2")
    n = len(tensors)
    return record(wrap(data.astype(noise.dtype, copy=False)), node, tensors, lambda g: (g * 0,) * n)


# -- in-place samplers: the tensor's values are replaced, its gradient becomes zero ---------------------

def _sampler(name, node, kernel, draw_fn):
    def op(self, *args, generator=None, **kwargs):
        if not self.dtype.is_floating_point:
            raise NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(self.dtype)}\'')
        rng = generator_for(self.device, generator).rng()
        data = draw_fn(rng, self._data.shape, self._data.dtype, *args, **kwargs)
        xp = xp_of(self)
        return inplace(self, lambda src: record(wrap(xp.asarray(data)), node, (src,), lambda g: (g * 0,)))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Fill self in place with samples ({node[:-9].lower()} distribution)."
    return defop(function=False)(op)


def _draw_normal(rng, shape, np_dtype, mean=0.0, std=1.0):
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    return (_normal(rng, shape, np_dtype) * std + mean).astype(np_dtype)


def _draw_uniform(rng, shape, np_dtype, a=0.0, b=1.0, **bounds):
    a, b = bounds.get("from", a), bounds.get("to", b)
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
    return (_uniform(rng, shape, np_dtype) * (b - a) + a).astype(np_dtype)


def _draw_bernoulli(rng, shape, np_dtype, p=0.5):
    probs = p._data if isinstance(p, Tensor) else p
    return (rng.random(shape) < probs).astype(np_dtype)


normal_ = _sampler("normal_", "NormalBackward0", "normal_kernel_cpu", _draw_normal)
uniform_ = _sampler("uniform_", "UniformBackward0", "check_uniform_bounds", _draw_uniform)
bernoulli_ = _sampler("bernoulli_", "BernoulliBackward2", "bernoulli_scalar_cpu_", _draw_bernoulli)


# Where random_() draws from when given no bounds: every integer the dtype holds exactly
_RANDOM_TOP = {"float16": 2 ** 11, "float32": 2 ** 24, "float64": 2 ** 53, "bool": 1}


@defop(function=False)
def random_(self, from_=None, to=None, *, generator=None):
    """Fill self in place with integers drawn uniformly from [from, to): random_() the whole range
    the dtype holds exactly, random_(to) from 0 (RandomBackward0/1/2: a zero gradient)."""
    if to is None and from_ is not None:
        low, high, node = 0, from_, "RandomBackward1"
    elif from_ is None:
        top = _RANDOM_TOP.get(self.dtype.name)
        low, high, node = 0, (np.iinfo(self._data.dtype).max if top is None else top) + 1, "RandomBackward0"
    else:
        low, high, node = from_, to, "RandomBackward2"
    if self.dtype.category == dtypes.INTEGER and not np.iinfo(self._data.dtype).min <= high - 1 <= \
            np.iinfo(self._data.dtype).max:
        raise RuntimeError(f"to - 1 is out of bounds for {_C_TYPE_NAMES[self.dtype.name]}")
    rng = generator_for(self.device, generator).rng()
    if low >= high:
        _draw_integers(rng, low, high, (), self.dtype)   # PyTorch's error
    wide = np.uint64 if high > 2 ** 63 - 1 else np.int64   # int64's random_() reaches 2**63 - 1
    data = rng.integers(low, high, size=self._data.shape, dtype=wide).astype(self._data.dtype)
    xp = xp_of(self)
    return inplace(self, lambda src: record(wrap(xp.asarray(data)), node, (src,), lambda g: (g * 0,)))
