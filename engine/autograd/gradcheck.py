"""torch.autograd.gradcheck and gradgradcheck: autograd's Jacobians against central finite differences.

The numerical Jacobian perturbs one input element at a time (in place, under no_grad) and
differences the outputs; the analytical one is built row by row with ``autograd.grad``. Use
float64 inputs: in float32 the finite differences are too coarse (PyTorch warns, and so do we).
"""
from __future__ import annotations

import warnings

import numpy as np

from ..device import module_of
from ..ops.random import randn_like
from ..tensor import Tensor, wrap
from ..unsupported import refuse_unsupported
from .grad_mode import enable_grad, no_grad
from .gradients import grad

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


# PyTorch computes the analytical Jacobian twice and compares the two with nondet_tol.
_NOT_REENTRANT = ("Backward is not reentrant, i.e., running backward with same input and grad_output multiple "
                  "times gives different values, although analytical gradient matches numerical gradient."
                  "The tolerance for nondeterminism was {}.")


class GradcheckError(RuntimeError):
    """Raised by gradcheck when a Jacobian does not match (a RuntimeError, as in PyTorch)."""


def _as_outputs(out):
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def _differentiable(inputs):
    return [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]


def _as_float64(t):
    return np.array(t.detach().numpy(force=True), dtype=np.float64).reshape(-1)   # a copy: outputs may be views


def _numerical_jacobians(func, inputs, i, eps):
    """One (outputs.numel x inputs[i].numel) matrix per output, by central differences."""
    data = inputs[i]._data   # written in place to perturb the input (any layout)
    columns = None
    with no_grad():
        for k, index in enumerate(np.ndindex(data.shape)):
            orig = data[index].item()
            data[index] = orig + eps
            plus = [_as_float64(o) for o in _as_outputs(func(*inputs))]
            data[index] = orig - eps
            minus = [_as_float64(o) for o in _as_outputs(func(*inputs))]
            data[index] = orig
            if columns is None:
                columns = [np.zeros((p.size, data.size)) for p in plus]
            for col, p, m in zip(columns, plus, minus):
                col[:, k] = (p - m) / (2 * eps)
    if columns is None:   # an empty input
        columns = [np.zeros((o.numel(), 0)) for o in _as_outputs(func(*inputs))]
    return columns


def _analytical_jacobians(func, inputs, i):
    """The same matrices from autograd: row r is the gradient of output element r."""
    x = inputs[i]
    with enable_grad():
        outputs = _as_outputs(func(*inputs))
    jacobians = []
    for o in outputs:
        jac = np.zeros((o.numel(), x.numel()))
        if o.requires_grad:
            for r in range(o.numel()):
                basis = module_of(o._data).zeros(o._data.size, dtype=o._data.dtype)
                basis[r] = 1
                (g,) = grad(o, x, wrap(basis.reshape(o._data.shape)), retain_graph=True, allow_unused=True)
                if g is not None:
                    jac[r] = _as_float64(g)
        jacobians.append(jac)
    return jacobians


def _format(matrix):
    return repr(wrap(matrix))


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True,
              fast_mode=False, masked=None):
    """True when autograd's Jacobian of ``func`` matches finite differences for every input that
    requires grad; otherwise GradcheckError (or False with raise_exception=False).

    Only the backward (reverse-mode) check is made, in slow mode; check_undefined_grad=False
    and masked (which concerns sparse inputs) change nothing for the dense tensors here."""
    refuse_unsupported("gradcheck", check_grad_dtypes=check_grad_dtypes, check_batched_grad=check_batched_grad,
                       check_batched_forward_grad=check_batched_forward_grad, check_forward_ad=check_forward_ad,
                       fast_mode=fast_mode)
    if not check_backward_ad:
        raise AssertionError("Expected at least one of check_forward_ad or check_backward_ad to be True")
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    for i in _differentiable(inputs):
        if inputs[i]._data.dtype != np.float64:
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point or "
                          "complex. This check will likely fail if all the inputs are not of double precision "
                          "floating point or complex. ", UserWarning, stacklevel=2)
    outputs = _as_outputs(func(*inputs))
    if not any(isinstance(o, Tensor) and o.requires_grad for o in outputs):
        message = "gradcheck expects at least one output tensor to require gradient, but none of them do."
        if not raise_exception:
            return False
        raise ValueError(message)
    for i in _differentiable(inputs):
        numerical = _numerical_jacobians(func, inputs, i, eps)
        analytical = _analytical_jacobians(func, inputs, i)
        again = _analytical_jacobians(func, inputs, i)
        for j, (n, a) in enumerate(zip(numerical, analytical)):
            if not np.allclose(a, again[j], rtol=nondet_tol, atol=nondet_tol):
                if not raise_exception:
                    return False
                raise GradcheckError(_NOT_REENTRANT.format(nondet_tol))
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(f"Jacobian mismatch for output {j} with respect to input {i},\n"
                                     f"numerical:{_format(n)}\nanalytical:{_format(a)}\n")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, gen_non_contig_grad_outputs=False,
                  raise_exception=True, nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
                  check_batched_grad=False, check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False,
                  masked=False):
    """gradcheck of the first derivatives (vector-Jacobian products with ``grad_outputs``, random
    by default), which checks the gradients' own gradients (create_graph=True)."""
    refuse_unsupported("gradgradcheck", gen_non_contig_grad_outputs=gen_non_contig_grad_outputs,
                       check_grad_dtypes=check_grad_dtypes, check_batched_grad=check_batched_grad,
                       check_fwd_over_rev=check_fwd_over_rev, fast_mode=fast_mode)
    if not check_rev_over_rev:
        raise AssertionError("Expected at least one of check_fwd_over_rev or check_rev_over_rev to be True")
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    if grad_outputs is None:
        with enable_grad():
            outputs = _as_outputs(func(*inputs))
        grad_outputs = tuple(randn_like(o).requires_grad_() for o in outputs if o.requires_grad)
    grad_outputs = tuple(grad_outputs) if isinstance(grad_outputs, (tuple, list)) else (grad_outputs,)
    n = len(inputs)

    def first_derivatives(*args):
        xs, vs = args[:n], args[n:]
        diff = [xs[i] for i in _differentiable(xs)]
        with enable_grad():
            outs = [o for o in _as_outputs(func(*xs)) if o.requires_grad]
            return grad(outs, diff, vs, create_graph=True, allow_unused=True, materialize_grads=True)

    return gradcheck(first_derivatives, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol,
                     check_undefined_grad=check_undefined_grad, check_grad_dtypes=check_grad_dtypes,
                     check_batched_grad=check_batched_grad, fast_mode=fast_mode, masked=masked)
