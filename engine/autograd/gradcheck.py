"""torch.autograd.gradcheck: compare autograd's gradients with central finite differences."""
from __future__ import annotations

import numpy as np

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    pass


def _outputs(fn, inputs):
    out = fn(*inputs)
    return out if isinstance(out, tuple) else (out,)


def _numerical_jacobian(fn, inputs, i, eps):
    """d(outputs)/d(inputs[i]) by central differences, one column per input element."""
    from ..autograd.grad_mode import no_grad
    x = inputs[i]
    data = x._data
    flat = data.reshape(-1)
    with no_grad():
        outs = _outputs(fn, inputs)
        cols = [np.zeros((o.numel(), flat.size)) for o in outs]
        for k in range(flat.size):
            orig = flat[k].item()
            flat[k] = orig + eps
            plus = [o.detach()._data.astype(np.float64).reshape(-1) for o in _outputs(fn, inputs)]
            flat[k] = orig - eps
            minus = [o.detach()._data.astype(np.float64).reshape(-1) for o in _outputs(fn, inputs)]
            flat[k] = orig
            for c, p, m in zip(cols, plus, minus):
                c[:, k] = (p - m) / (2 * eps)
    return cols


def _analytical_jacobian(fn, inputs, i):
    from . import grad
    from ..ops.creation import zeros_like
    outs = _outputs(fn, inputs)
    x = inputs[i]
    cols = []
    for o in outs:
        jac = np.zeros((o.numel(), x.numel()))
        if o.grad_fn is None and not o.requires_grad:
            cols.append(jac)
            continue
        for r in range(o.numel()):
            v = zeros_like(o)
            v._data.reshape(-1)[r] = 1
            (g,) = grad(o, x, v, retain_graph=True, allow_unused=True)
            if g is not None:
                jac[r] = g.detach()._data.astype(np.float64).reshape(-1)
        cols.append(jac)
    return cols


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **_ignored):
    """True when autograd's Jacobian of ``func`` matches finite differences for every input that
    requires grad (use float64 inputs)."""
    from ..tensor import Tensor
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    for i, x in enumerate(inputs):
        if not isinstance(x, Tensor) or not x.requires_grad:
            continue
        numerical = _numerical_jacobian(func, inputs, i, eps)
        analytical = _analytical_jacobian(func, inputs, i)
        for j, (n, a) in enumerate(zip(numerical, analytical)):
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {j} with respect to input {i},\n"
                    f"numerical:{n}\nanalytical:{a}\n")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
                  **_ignored):
    """gradcheck of the first derivatives (checks create_graph=True)."""
    from . import grad
    from ..ops.random import randn_like
    from ..tensor import Tensor
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    diff = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    outs = _outputs(func, inputs)
    if grad_outputs is None:
        grad_outputs = tuple(randn_like(o, dtype=o.dtype) for o in outs)

    def first(*xs):
        o = _outputs(func, xs)
        ins = [x for x in xs if isinstance(x, Tensor) and x.requires_grad]
        return grad(o, ins, grad_outputs, create_graph=True, allow_unused=True, materialize_grads=True)

    return gradcheck(first, inputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception) \
        if diff else True
