"""torch.autograd.functional: vjp, jvp, jacobian, hessian, vhp, hvp.

Each takes a function and its inputs (a Tensor or a tuple of Tensors) and returns
what PyTorch returns: a Tensor where PyTorch gives one for a single Tensor input and
output, tuples otherwise (the Jacobian of several outputs by several inputs is a tuple
of tuples). All are built on ``autograd.grad`` and detach their results unless
``create_graph=True``.
"""
from __future__ import annotations

from ..device import module_of
from ..ops.shape import stack
from ..tensor import Tensor, wrap
from ..unsupported import refuse_unsupported
from .grad_mode import enable_grad
from .gradients import grad

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]


def _as_inputs(inputs, arg="inputs", fn="vjp"):
    """(tuple of tensors, whether the caller passed a tuple)."""
    if isinstance(inputs, Tensor):
        return (inputs,), False
    if isinstance(inputs, (tuple, list)) and all(isinstance(t, Tensor) for t in inputs):
        return tuple(inputs), True
    raise TypeError(f"The {arg} given to {fn} must be either a Tensor or a tuple of Tensors but the value at "
                    f"index 0 has type {type(inputs).__name__}.")


def _prepare(inputs, create_graph):
    """Inputs that require grad, sharing the caller's data (copies of the history when create_graph)."""
    if create_graph:
        return tuple(t.view_as(t) if t.requires_grad else t.detach().requires_grad_() for t in inputs)
    return tuple(t.detach().requires_grad_() for t in inputs)


def _full_like(t, value):
    return wrap(module_of(t._data).full(t._data.shape, value, dtype=t._data.dtype))


def _unwrap(values, is_tuple, listed=False):
    if not is_tuple:
        return values[0]
    return list(values) if listed else tuple(values)


def _grads(outputs, inputs, grad_outputs, create_graph):
    """d(outputs)/d(inputs) times grad_outputs, zeros for inputs the outputs do not depend on."""
    used = [o for o in outputs if o.requires_grad]
    if not used:
        return tuple(_full_like(t, 0) for t in inputs)
    gos = [g for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    result = grad(used, inputs, gos, retain_graph=True, create_graph=create_graph, allow_unused=True)
    return tuple(_full_like(t, 0) if r is None else r for t, r in zip(inputs, result))


def _finish(values, create_graph):
    return tuple(v if create_graph else v.detach() for v in values)


def _call(func, inputs, create_graph, fn):
    """(prepared inputs, func's outputs as a tuple, whether func returned a tuple);
    run under enable_grad so the outputs have a history."""
    xs = _prepare(inputs, create_graph)
    outs, out_tuple = _as_inputs(func(*xs), "outputs of the user-provided function", fn)
    return xs, outs, out_tuple


def _vectors(v, like, which, fn):
    """v as a tuple of tensors; None stands for ones, allowed only when `like` is one
    single-element tensor (`which` says what like is, for the message)."""
    if v is None:
        if any(t.numel() != 1 for t in like):
            raise RuntimeError(f"The vector v can only be None if the {which} a single Tensor with a single "
                               f"element.")
        return tuple(_full_like(t, 1) for t in like)
    return _as_inputs(v, "v", fn)[0]


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J): the outputs and the vector-Jacobian product."""
    refuse_unsupported("vjp", strict=strict)
    inputs, in_tuple = _as_inputs(inputs, fn="vjp")
    with enable_grad():
        xs, outs, out_tuple = _call(func, inputs, create_graph, "vjp")
        vs = _vectors(v, outs, "user-provided function returns", "vjp")
        result = _grads(outs, xs, vs, create_graph)
    return _unwrap(_finish(outs, create_graph), out_tuple), _unwrap(_finish(result, create_graph), in_tuple)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v): the outputs and the Jacobian-vector product (by the double-vjp trick)."""
    refuse_unsupported("jvp", strict=strict)
    inputs, in_tuple = _as_inputs(inputs, fn="jvp")
    with enable_grad():
        xs, outs, out_tuple = _call(func, inputs, create_graph, "jvp")
        vs = _vectors(v, inputs, "input to the user-provided function is", "jvp")
        # u -> J^T u is linear in u; its vjp with v is J v
        us = tuple(_full_like(o, 0).requires_grad_() for o in outs)
        jt_u = _grads(outs, xs, us, create_graph=True)
        result = _grads(jt_u, us, vs, create_graph)
    return _unwrap(_finish(outs, create_graph), out_tuple), _unwrap(_finish(result, create_graph), out_tuple)


_STRATEGIES = ("forward-mode", "reverse-mode")


def _check_strategy(strategy, vectorize, create_graph):
    """PyTorch's errors for a Jacobian strategy it cannot run."""
    if strategy not in _STRATEGIES:
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
                             'function has more outputs than inputs, "forward-mode" tends to be more performant. '
                             'Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode" and create_graph:
        raise NotImplementedError('torch.autograd.functional.jacobian: `create_graph=True` and '
                                  '`strategy="forward-mode"` are not supported together (yet). Please either set '
                                  '`create_graph=False` or `strategy="reverse-mode"`.')
    if strategy == "forward-mode" and not vectorize:
        raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian is"
                                  "only implemented for `vectorize=True`.")


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian: one block per (output, input) of shape output.shape + input.shape.

    ``vectorize`` and ``strategy`` choose how PyTorch computes it, not its values: they are
    checked as PyTorch checks them, and the Jacobian is always built row by row in reverse mode."""
    refuse_unsupported("jacobian", strict=strict)
    _check_strategy(strategy, vectorize, create_graph)
    inputs, in_tuple = _as_inputs(inputs, fn="jacobian")
    listed = strategy == "forward-mode" and in_tuple    # PyTorch's forward mode gives lists there
    with enable_grad():
        xs, outs, out_tuple = _call(func, inputs, create_graph, "jacobian")
        blocks = []
        for o in outs:
            rows = []
            for k in range(o.numel()):
                basis = _full_like(o, 0).reshape(-1)
                basis._data[k] = 1
                rows.append(_grads((o,), xs, (basis.reshape(o.shape),), create_graph))
            per_input = []
            for i, x in enumerate(xs):
                if rows:
                    block = stack([r[i] for r in rows]).reshape(tuple(o.shape) + tuple(x.shape))
                else:
                    block = wrap(x._data.reshape(-1)[:0].reshape((0,) + tuple(x.shape)))
                per_input.append(block if create_graph else block.detach())
            blocks.append(_unwrap(per_input, in_tuple, listed))
    return _unwrap(blocks, out_tuple, listed)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a function returning one element: jacobian of its gradient (``vectorize`` and
    ``outer_jacobian_strategy`` are passed to jacobian, which checks them)."""
    refuse_unsupported("hessian", strict=strict)
    if outer_jacobian_strategy not in _STRATEGIES:
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')
    inputs, in_tuple = _as_inputs(inputs, fn="hessian")

    def gradient(*xs):
        out = func(*xs)
        outs, _ = _as_inputs(out, "outputs of the user-provided function", "hessian")
        if len(outs) != 1 or outs[0].numel() != 1:
            raise RuntimeError("The function given to hessian should return a single Tensor with a single "
                               "element.")
        return _grads(outs, xs, (_full_like(outs[0], 1),), create_graph=True)

    return jacobian(lambda *xs: _unwrap(gradient(*xs), in_tuple), _unwrap(inputs, in_tuple),
                    create_graph=create_graph, vectorize=vectorize, strategy=outer_jacobian_strategy)


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T H) for a function returning one element."""
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v); the Hessian is symmetric, so this equals vhp."""
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(func, inputs, v, create_graph, strict, fn):
    refuse_unsupported(fn, strict=strict)
    inputs, in_tuple = _as_inputs(inputs, fn=fn)
    with enable_grad():
        xs, outs, _ = _call(func, inputs, create_graph, fn)
        if len(outs) != 1 or outs[0].numel() != 1:
            raise RuntimeError(f"The function given to {fn} should return a single Tensor with a single element.")
        vs = _vectors(v, inputs, "input to the user-provided function is", fn)
        g = _grads(outs, xs, (_full_like(outs[0], 1),), create_graph=True)
        result = _grads(g, xs, vs, create_graph)
    return _finish(outs, create_graph)[0], _unwrap(_finish(result, create_graph), in_tuple)
