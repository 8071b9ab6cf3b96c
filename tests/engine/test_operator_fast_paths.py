"""The operators' fast paths (``t + u``, ``t -= u`` ... on NumPy float tensors of one dtype, broadcast
or not, or with a Python float or small int) against PyTorch, beside the cases that must leave them for
the general path: other dtypes, shapes that do not broadcast, large ints, views and inference tensors."""
import pytest

import engine
from tests.oracle import assert_same, outcome, torch_or_skip

OPERATOR_CASES = {
    "float32 + float32": lambda L: L.arange(6.).reshape(2, 3) + L.ones(2, 3),
    "float64 - float64": lambda L: L.arange(6., dtype=L.float64) - L.ones(6, dtype=L.float64) * 0.5,
    "float16 * float16": lambda L: L.arange(4.).half() * L.full((4,), 1.5).half(),
    "float32 / 0": lambda L: L.arange(3.) / L.zeros(3),
    "float32 + int": lambda L: L.arange(3.) + 2,
    "float16 * float": lambda L: L.arange(3.).half() * 0.1,
    "float32 + huge int": lambda L: L.arange(3.) + 2 ** 40,
    "float32 + bool": lambda L: L.arange(3.) + True,
    "float32 + float64": lambda L: L.arange(3.) + L.ones(3, dtype=L.float64),
    "broadcast": lambda L: L.arange(6.).reshape(2, 3) * L.arange(3.),
    "broadcast float64": lambda L: L.ones(3, 1, dtype=L.float64) - L.arange(2., dtype=L.float64),
    "shapes that do not broadcast": lambda L: L.ones(2, 3) + L.ones(4),
    "0-d + 0-d": lambda L: L.tensor(1.5) + L.tensor(2.),
    "0-d * 2-d": lambda L: L.tensor(1.5) * L.ones(2, 2),
    "broadcast, recorded": lambda L: _broadcast_gradients(L),
    "int64 / int64": lambda L: L.arange(3) / L.arange(1, 4),
    "recorded +": lambda L: (L.ones(2, requires_grad=True) + L.ones(2)).grad_fn.name(),
    "recorded *": lambda L: (L.ones(2, requires_grad=True) * 2).grad_fn.name(),
    "under no_grad": lambda L: _under_no_grad(L),
}


def _under_no_grad(L):
    x = L.ones(2, requires_grad=True)
    with L.no_grad():
        y = x * 3 + x
    return y, y.requires_grad, y.grad_fn


def _broadcast_gradients(L):
    x = L.arange(6.).reshape(2, 3).requires_grad_()
    y = L.arange(3.).requires_grad_()
    z = x * y + y
    z.sum().backward()
    return z, z.grad_fn.name(), x.grad, y.grad


def _sgd_step(L):
    w = L.ones(3, requires_grad=True)
    (w * w).sum().backward()
    with L.no_grad():
        w -= 0.1 * w.grad
        w *= 2
        w /= 4
        w += 1
    return w, w._version, w.grad


def _leaf_in_place(L):
    w = L.ones(3, requires_grad=True)
    w -= 1


def _view_in_place(L):
    x = L.arange(6.).reshape(2, 3)
    row = x[0]
    row += 1
    return x, x._version


def _inference_in_place(L):
    with L.inference_mode():
        x = L.ones(2)
    x += 1


def _saved_then_modified(L):
    x = L.ones(2, requires_grad=True)
    y = x * 1
    z = y * y
    with L.no_grad():
        y += 1
    z.sum().backward()


INPLACE_CASES = {
    "an SGD step under no_grad": _sgd_step,
    "a leaf that requires grad": _leaf_in_place,
    "a view": _view_in_place,
    "an inference tensor": _inference_in_place,
    "a saved tensor modified": _saved_then_modified,
    "float32 += int64": lambda L: _returned(L.ones(3), lambda x: x.__iadd__(L.ones(3, dtype=L.int64))),
    "int64 += float": lambda L: _returned(L.ones(3, dtype=L.int64), lambda x: x.__iadd__(1.5)),
}


def _returned(x, fn):
    y = fn(x)
    return y is x, x, x._version


@pytest.mark.parametrize("name", OPERATOR_CASES)
def test_operators_match_pytorch(name):
    torch = torch_or_skip()
    assert_same(outcome(lambda: OPERATOR_CASES[name](engine)),
                outcome(lambda: OPERATOR_CASES[name](torch)))


@pytest.mark.parametrize("name", INPLACE_CASES)
def test_in_place_operators_match_pytorch(name):
    torch = torch_or_skip()
    assert_same(outcome(lambda: INPLACE_CASES[name](engine)),
                outcome(lambda: INPLACE_CASES[name](torch)), first_line=True)


# -- the recorded fast paths and loss.backward()'s entry -------------------------------------------

def _saved_by_mul(L):
    """What MulBackward0 saved on the fast path: other for self's gradient, self for other's only."""
    x = L.ones(2, requires_grad=True)
    y = L.full((2,), 3.)
    both, of_self, of_other = x * x, x * y, y * x
    return (both.grad_fn._saved_self, both.grad_fn._saved_other, of_self.grad_fn._saved_other,
            of_self.grad_fn._saved_self, of_other.grad_fn._saved_self, of_other.grad_fn._saved_other)


def _mul_saved_then_modified(L):
    x = L.ones(2, requires_grad=True)
    y = L.ones(2)
    z = x * y
    y += 1
    z.sum().backward()


def _mul_inside_saved_tensors_hooks(L):
    packed = []
    x = L.arange(3., requires_grad=True)
    with L.autograd.graph.saved_tensors_hooks(lambda t: packed.append(t) or t * 2, lambda t: t):
        y = x * x
    y.sum().backward()
    return len(packed), x.grad


def _backward_twice(L, retain_graph):
    x = L.ones(2, 2, requires_grad=True)
    out = ((x + 2) * (x + 2) * 3).mean()
    out.backward(retain_graph=retain_graph)
    out.backward()
    return x.grad


def _root_gradient_modified_by_a_hook(L):
    """The ones backward starts from is new each time: a hook that adds to it in place changes
    neither the next backward's start nor another loss's."""
    x = L.tensor(2., requires_grad=True)
    grads = []
    for _ in range(2):
        loss = x * 3
        loss.register_hook(lambda g: grads.append(g.add_(1).clone()))
        loss.backward()
    return grads, x.grad


BACKWARD_CASES = {
    "saved by mul": _saved_by_mul,
    "mul's saved tensor modified": _mul_saved_then_modified,
    "mul inside saved_tensors_hooks": _mul_inside_saved_tensors_hooks,
    "only other requires grad": lambda L: _returned_grad(L, lambda x: L.full((2,), 3.) * x),
    "the tutorial, float64": lambda L: _returned_grad(L, lambda x: ((x + 2) * (x + 2) * 3).mean(), L.float64),
    "a loss of shape (1,)": lambda L: _returned_grad(L, lambda x: (x * x).sum().reshape(1)),
    "a float16 loss": lambda L: _returned_grad(L, lambda x: (x.half() * 2).sum()),
    "a view as loss": lambda L: _returned_grad(L, lambda x: (x * x).sum().reshape(1)[0]),
    "retain_graph=True, then again": lambda L: _backward_twice(L, True),
    "twice without retain_graph": lambda L: _backward_twice(L, None),
    "a leaf as loss": lambda L: L.tensor(1., requires_grad=True).backward(),
    "a loss of two elements": lambda L: (L.ones(2, requires_grad=True) * 2).backward(),
    "an integer loss": lambda L: L.tensor(3).backward(),
    "the root gradient modified by a hook": _root_gradient_modified_by_a_hook,
}


def _returned_grad(L, loss_of, dtype=None):
    x = L.arange(1., 3., dtype=dtype).requires_grad_()
    loss_of(x).backward()
    return x.grad


@pytest.mark.parametrize("name", BACKWARD_CASES)
def test_recorded_fast_paths_and_backward_match_pytorch(name):
    torch = torch_or_skip()
    assert_same(outcome(lambda: BACKWARD_CASES[name](engine)),
                outcome(lambda: BACKWARD_CASES[name](torch)), first_line=True)
