"""torch.nn.functional's elementwise activations beyond relu, sigmoid, tanh, gelu and softplus:
leaky_relu, elu, selu, silu, mish, hardtanh, relu6 and logsigmoid, each with PyTorch's node
(LeakyReluBackward0, EluBackward0 ...). Each computes in float32 for half inputs and rounds once, as
ATen's kernels; each vjp is written with autograd's ops, so its gradient differentiates again. Where
ATen's gradient is a kernel of its own (leaky_relu_backward, elu_backward ...), it is an op of its
own here too (:func:`gradient_op`), whose node create_graph=True shows: LeakyReluBackwardBackward0 ...
"""
from __future__ import annotations

from ..autograd.grad_mode import no_grad
from ..autograd.grad_mode import state as grad_mode
from ..autograd.graph import record
from ..ops._util import _type_name, check_tensor, opmath, xp_of
from ..ops.creation import zeros_like
from ..ops.indexing import where
from ..ops.pointwise import exp, minus_scalar, plus_scalar, sigmoid, sub, tanh, times_scalar, wrapped_number
from ..ops.registry import defop
from ..tensor import wrap

F = "torch.nn.functional"

# selu's constants, as PyTorch writes them
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _floating(input, kernel, name):
    check_tensor(input, name, "input", 1)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(input.dtype)}\'')
    return opmath(input._data)


def _refuse_inplace(name, inplace):
    if inplace:
        raise NotImplementedError(f"{name}: inplace=True is not implemented in tensorsh")


def _result(input, values):
    return wrap(values.astype(input._data.dtype, copy=False))


def gradient_op(node, formula, g, input, double_backward):
    """An activation's gradient ``formula()`` (written with autograd's ops on g and input) as the op
    ATen's backward kernel is: its steps record nothing, and under create_graph=True the result
    gets one node, ``node`` over (g, input), whose vjp ``double_backward(gg, g, input)`` gives the
    gradients of both."""
    if not grad_mode.enabled:   # a backward that builds no graph: the values alone
        return formula()
    with no_grad():
        values = formula()
    return record(values, node, (g, input), double_backward, saved=(g, input))


@defop(method=False, namespace=F)
def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x where x > 0, negative_slope * x elsewhere (LeakyReluBackward0)."""
    _refuse_inplace("leaky_relu", inplace)
    x = _floating(input, "leaky_relu_cpu", "leaky_relu")
    result = _result(input, xp_of(input).where(x > 0, x, x * negative_slope))

    def vjp(g, input):
        return (leaky_relu_backward(g, input, negative_slope),)
    return record(result, "LeakyReluBackward0", (input,), vjp, saved=(input,))


def leaky_relu_backward(g, input, negative_slope):
    """g where x > 0, g * negative_slope elsewhere: linear in g, constant in x."""
    return gradient_op("LeakyReluBackwardBackward0", lambda: where(input > 0, g, g * negative_slope), g, input,
                       lambda gg, g, input: (leaky_relu_backward(gg, input, negative_slope), zeros_like(gg)))


def _elu(input, alpha, scale, name):
    """scale * (x where x > 0, alpha * (exp(x) - 1) elsewhere): elu and selu (EluBackward0)."""
    x = _floating(input, "elu_cpu", name)
    xp = xp_of(input)
    result = _result(input, scale * xp.where(x > 0, x, alpha * xp.expm1(xp.minimum(x, 0))))

    def vjp(g, input):
        return (elu_backward(g, input, alpha, scale),)
    return record(result, "EluBackward0", (input,), vjp, saved=(input,))


def elu_backward(g, input, alpha, scale):
    """g * scale where x > 0, g * scale * alpha * exp(x) elsewhere (a NaN x too, as in ATen's vectorised
    loop, the bulk of a tensor; its scalar tail takes g * scale there). Its gradient for x, as ATen's
    elu_double_backward: the same of gg * g, where x < 0 only."""
    def double_backward(gg, g, input):   # (input_scale 1: ATen's formula, step for step)
        return (elu_backward(gg, input, alpha, scale),
                elu_backward(times_scalar(gg * g, 1), input, alpha, scale) * (input < 0))
    return gradient_op("EluBackwardBackward0",
                       lambda: where(input > 0, g * scale, g * (scale * alpha) * exp(input)), g, input, double_backward)


@defop(method=False, namespace=F)
def elu(input, alpha=1.0, inplace=False):
    """x where x > 0, alpha * (exp(x) - 1) elsewhere (EluBackward0)."""
    _refuse_inplace("elu", inplace)
    return _elu(input, alpha, 1.0, "elu")


@defop(method=False, namespace=F)
def selu(input, inplace=False):
    """scale * elu(x, alpha) with PyTorch's self-normalising constants (EluBackward0)."""
    _refuse_inplace("selu", inplace)
    return _elu(input, _SELU_ALPHA, _SELU_SCALE, "selu")


@defop(method=False, namespace=F)
def silu(input, inplace=False):
    """x * sigmoid(x) (SiluBackward0)."""
    _refuse_inplace("silu", inplace)
    x = _floating(input, "silu_cpu", "silu")
    result = _result(input, x / (1 + xp_of(input).exp(-x)))

    def vjp(g, input):   # ATen's formula, step for step: its nodes under create_graph=True
        s = sigmoid(input)
        return (g * s * plus_scalar(input * sub(wrapped_number(1, s), s), 1),)
    return record(result, "SiluBackward0", (input,), vjp, saved=(input,))


@defop(method=False, namespace=F)
def mish(input, inplace=False):
    """x * tanh(softplus(x)) (MishBackward0)."""
    _refuse_inplace("mish", inplace)
    x = _floating(input, "mish_cpu", "mish")
    xp = xp_of(input)
    result = _result(input, x * xp.tanh(xp.logaddexp(0, x)))

    def vjp(g, input):
        t = tanh(input.exp().log1p())
        return (g * (t + input * sigmoid(input) * sub(wrapped_number(1, t), t * t)),)
    return record(result, "MishBackward0", (input,), vjp, saved=(input,))


@defop(method=False, namespace=F)
def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """x clamped to [min_val, max_val]; the gradient passes strictly inside (HardtanhBackward0)."""
    _refuse_inplace("hardtanh", inplace)
    check_tensor(input, "hardtanh", "input", 1)
    result = wrap(xp_of(input).clip(input._data, min_val, max_val).astype(input._data.dtype, copy=False))

    def vjp(g, input):
        return (hardtanh_backward(g, input, min_val, max_val),)
    return record(result, "HardtanhBackward0", (input,), vjp, saved=(input,))


def hardtanh_backward(g, input, min_val, max_val):
    """g strictly inside (min_val, max_val), 0 elsewhere whatever g is there (NaN or infinite), and 0 for a
    NaN x, as ATen's vectorised loop (the bulk of a tensor; its scalar tail passes g there): linear in
    g, constant in x."""
    return gradient_op("HardtanhBackwardBackward0", lambda: where((input > min_val) & (input < max_val), g, 0),
                       g, input, lambda gg, g, input: (hardtanh_backward(gg, input, min_val, max_val), zeros_like(gg)))


@defop(method=False, namespace=F)
def relu6(input, inplace=False):
    """min(max(0, x), 6): hardtanh(x, 0, 6) (HardtanhBackward0)."""
    return hardtanh(input, 0.0, 6.0, inplace)


@defop(method=False, namespace=F)
def logsigmoid(input):
    """log(sigmoid(x)) = -softplus(-x), computed stably (LogSigmoidBackward0)."""
    x = _floating(input, "log_sigmoid_cpu", "logsigmoid")
    result = _result(input, -xp_of(input).logaddexp(0, -x))

    def vjp(g, input):
        return (log_sigmoid_backward(g, input),)
    return record(result, "LogSigmoidBackward0", (input,), vjp, saved=(input,))


def log_sigmoid_backward(g, input):
    """g * sigmoid(-x); its gradient for x, as ATen's log_sigmoid_double_backward: gg * g * (s - 1) * s,
    s = sigmoid(x)."""
    def double_backward(gg, g, input):
        s = sigmoid(input)
        return log_sigmoid_backward(gg, input), gg * g * minus_scalar(s, 1) * s
    return gradient_op("LogSigmoidBackwardBackward0", lambda: g * sigmoid(-input), g, input, double_backward)
