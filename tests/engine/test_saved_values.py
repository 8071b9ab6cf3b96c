"""A node's vjp receives the values it reads from backward: ``vjp(grad, *saved)``.

What a node keeps for backward is exactly what ``record(..., saved=...)`` declared, so the
version check covers all of it and releasing the node frees all of it. That holds only if no vjp
closure captures a tensor or an array on the side; these tests look into every op's closures.
"""
from __future__ import annotations

import zlib

import numpy as np
import pytest

import engine
from engine.autograd.graph import FREED, record
from engine.tensor import wrap
from tests.engine.test_op_gradients import SPECS, engine_inputs, make_inputs


def _arrays_captured_by(value, depth=0):
    """The Tensors and ndarrays reachable from ``value`` through closure cells, default
    arguments, bound methods and containers (a few levels deep)."""
    if isinstance(value, (engine.Tensor, np.ndarray)):
        return [value]
    if depth > 5:
        return []
    if isinstance(value, (tuple, list, set, frozenset)):
        inner = value
    elif isinstance(value, dict):
        inner = list(value.values())
    elif hasattr(value, "__func__"):        # a bound method: its object is captured too
        inner = (value.__self__, value.__func__)
    elif hasattr(value, "func") and hasattr(value, "args"):   # functools.partial
        inner = (value.func, value.args, value.keywords)
    elif hasattr(value, "__code__"):
        inner = [_contents(cell) for cell in value.__closure__ or ()]
        inner += list(value.__defaults__ or ()) + list((value.__kwdefaults__ or {}).values())
    else:
        return []
    return [found for item in inner for found in _arrays_captured_by(item, depth + 1)]


def _contents(cell):
    try:
        return cell.cell_contents
    except ValueError:   # a name not bound yet
        return None


def _nodes(outputs):
    seen, stack = {}, [t.grad_fn for t in outputs]
    while stack:
        node = stack.pop()
        if node is not None and id(node) not in seen:
            seen[id(node)] = node
            stack += [edge[0] for edge in node.next_functions]
    return list(seen.values())


def _outputs(spec):
    arrays = make_inputs(spec, spec.shapes[-1], zlib.crc32(spec.name.encode()))
    inputs = [t * 1 if t.requires_grad else t for t in engine_inputs(spec, arrays)]
    result = spec.call(engine, *inputs)
    return [t for t in (result if isinstance(result, (tuple, list)) else (result,))
            if isinstance(t, engine.Tensor) and t.requires_grad]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_no_vjp_captures_a_tensor_or_an_array(spec):
    captured = {node.name(): len(_arrays_captured_by(node._vjp)) for node in _nodes(_outputs(spec))}
    assert {name: n for name, n in captured.items() if n} == {}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_a_released_node_holds_nothing(spec):
    outputs = _outputs(spec)
    total = sum((t.sum() for t in outputs[1:]), outputs[0].sum())
    total.backward()
    for node in _nodes([total]):
        assert not _arrays_captured_by(node._vjp)
        assert node._saved in (None, FREED)


def _recorded_double(x, received):
    """2 * x recorded with a vjp that reports what it received: saved=(2, x, the output)."""
    out = wrap(x._data * 2)

    def vjp(g, number, tensor, output):
        received.append((number, tensor, output))
        return (g * number,)
    return record(out, "MulBackward0", (x,), vjp, saved=(2, x, out))


def test_a_vjp_receives_the_declared_values_in_order_and_backward_frees_them():
    x = engine.ones(2, requires_grad=True)
    received = []
    out = _recorded_double(x, received)
    out.sum().backward()
    ((number, tensor, output),) = received
    assert number == 2 and tensor is x
    assert output is not out and output._data is out._data and output._vcounter is out._vcounter
    assert output.grad_fn is None                    # history only under create_graph
    assert out.grad_fn._saved is FREED and out.grad_fn._vjp is None
    assert x.grad.tolist() == [2.0, 2.0]


def test_under_create_graph_the_outputs_stand_in_carries_the_node():
    x = engine.ones(2, requires_grad=True)
    received = []
    out = _recorded_double(x, received)
    engine.autograd.grad(out.sum(), x, create_graph=True)
    assert received[0][2].grad_fn is out.grad_fn


@pytest.mark.parametrize("modified", ["input", "output"])
def test_the_version_check_covers_the_declared_values(modified):
    x = engine.ones(2, requires_grad=True)
    middle = x * 1
    out = _recorded_double(middle, [])
    with engine.no_grad():
        (middle if modified == "input" else out).add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()
