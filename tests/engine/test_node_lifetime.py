"""What a gradient node keeps after backward.

A node that saved tensors drops them once backward has run; a node that saved nothing keeps its
vjp, since PyTorch lets a second backward run through it. So such a vjp must capture only what
backward needs (shapes, dtype, device), never the op's inputs: those would outlive the backward
pass for as long as the output's graph does. The garbage collector is off in these tests, so
"freed" means freed by reference counting, as soon as the last reference goes.
"""
from __future__ import annotations

import gc
import weakref
import zlib

import numpy as np
import pytest

import engine
from tests.engine.test_op_gradients import SPECS, engine_inputs, make_inputs


@pytest.fixture
def no_gc():
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


INDEX = engine.tensor([[0, 2, 1]])

# op(intermediate) -> a tensor that requires grad; each op's vjp once captured the intermediate itself
OPS = {
    "double": lambda t: t.double(),
    "float": lambda t: t.double().float(),
    "to-dtype": lambda t: t.to(engine.float64),
    "to-device-and-dtype": lambda t: t.to("cpu", engine.float64),
    "type": lambda t: t.type(engine.float64),
    "cat": lambda t: engine.cat([t, t]),
    "hstack": lambda t: engine.hstack([t, t]),
    "split": lambda t: t.split(1)[0],
    "chunk": lambda t: t.chunk(3, 1)[2],
    "unbind": lambda t: t.unbind(1)[0],
    "cummax": lambda t: engine.cummax(t, 1).values,
    "cummin": lambda t: t.cummin(0).values,
    "scatter": lambda t: engine.zeros(3, 3).scatter(0, INDEX, t),
    "scatter_add": lambda t: engine.zeros(3, 3).scatter_add(1, INDEX, t),
}


@pytest.mark.parametrize("op", OPS.values(), ids=OPS.keys())
def test_an_ops_input_is_freed_once_backward_has_run(op, no_gc):
    x = engine.rand(3, 3, requires_grad=True)
    middle = x * 1                      # an intermediate: only the test and the op's node refer to it
    y = op(middle).sum()
    alive = weakref.ref(middle)
    alive_data = weakref.ref(middle._data)
    y.backward()
    del middle
    assert alive() is None and alive_data() is None
    assert y.grad_fn is not None and x.grad is not None     # the graph itself is still there


def test_a_leaf_its_node_and_its_array_go_with_the_last_reference(no_gc):
    # Without the cycle collector: nothing in a leaf's AccumulateGrad refers back to it (its
    # metadata cache holds the leaf's array, not the node or the leaf).
    x = engine.ones(2, 3, requires_grad=True)
    (x * 2 + x).sum().backward()
    node, data = weakref.ref(x._grad_accumulator), weakref.ref(x._data)
    del x
    assert node() is None and data() is None


def test_a_conversion_runs_again_after_its_input_is_gone(no_gc):
    """The conversion's node saved nothing: a second backward runs, as in PyTorch, and still
    converts the gradient back to the input's dtype."""
    x = engine.ones(2, dtype=engine.float32, requires_grad=True)
    middle = x + 0
    y = middle.double().sum()
    alive = weakref.ref(middle)
    y.backward()
    del middle
    assert alive() is None
    y.backward()
    assert x.grad.dtype is engine.float32 and x.grad.tolist() == [2.0, 2.0]


def test_a_split_piece_without_gradient_gets_zeros_of_the_inputs_dtype():
    x = engine.ones(4, dtype=engine.float64, requires_grad=True)
    first, second = x.split(2)
    first.sum().backward()
    assert x.grad.dtype is engine.float64 and x.grad.tolist() == [1.0, 1.0, 0.0, 0.0]


def _graph_tensors_in(fn, depth=0):
    """Tensors that take part in a graph (they require grad) among what ``fn``'s closure captured,
    looking into captured functions and tuples too."""
    found = []
    for cell in (getattr(fn, "__closure__", None) or ()) if depth < 4 else ():
        try:
            value = cell.cell_contents
        except ValueError:   # a name the function had not bound yet
            continue
        for item in value if isinstance(value, (tuple, list)) else (value,):
            if isinstance(item, engine.Tensor) and item.requires_grad:
                found.append(item)
            elif callable(item):
                found += _graph_tensors_in(item, depth + 1)
    return found


def _nodes(root):
    seen, stack = {}, [root]
    while stack:
        node = stack.pop()
        if node is not None and id(node) not in seen:
            seen[id(node)] = node
            stack += [edge[0] for edge in node.next_functions]
    return seen.values()


def _held_after_backward(result):
    """{node name: how many graph tensors its vjp holds} for the nodes left holding any, once
    backward has run from the sum of ``result``'s outputs."""
    outputs = [t for t in (result if isinstance(result, (tuple, list)) else (result,))
               if isinstance(t, engine.Tensor) and t.requires_grad]
    total = sum((t.sum() for t in outputs[1:]), outputs[0].sum())
    total.backward()
    held = {node.name(): len(_graph_tensors_in(node._vjp)) for node in _nodes(total.grad_fn)}
    return {name: n for name, n in held.items() if n}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_after_backward_no_node_holds_a_tensor_of_the_graph(spec):
    """Every op in the registry (the conversions, cat, split, cummax, scatter...): what is left
    of the graph after backward holds no tensor that requires grad."""
    arrays = make_inputs(spec, spec.shapes[-1], zlib.crc32(spec.name.encode()))
    inputs = [t * 1 if t.requires_grad else t for t in engine_inputs(spec, arrays)]
    assert _held_after_backward(spec.call(engine, *inputs)) == {}


def test_a_folded_matmul_keeps_the_shape_of_its_product_not_the_product():
    """A 3-d @ 2-d matmul is an mm of the folded input, then a reshape (UnsafeViewBackward0) whose
    vjp needs only the mm product's shape."""
    x = engine.rand(2, 3, 4, requires_grad=True)
    w = engine.rand(4, 5, requires_grad=True)
    y = engine.matmul(x * 1, w)
    assert y.grad_fn.name() == "UnsafeViewBackward0"
    assert _held_after_backward(y) == {}


def test_the_vjps_that_keep_only_shapes_give_the_same_gradients():
    x = engine.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    pieces = (x * 1).split(1, 1)
    y = (engine.cat([pieces[0], pieces[2]], 1).double() * engine.tensor([[1.0, 2.0]], dtype=engine.float64))
    (y.sum() + engine.cummax(x * 1, 1).values.sum()).backward()
    assert x.grad.tolist() == [[2.0, 1.0, 3.0], [2.0, 1.0, 3.0]]


def _second_backward(lib, spec, arrays):
    """'runs' or 'freed': what a second backward from the op's summed outputs does."""
    inputs = [lib.from_numpy(a.copy()) for a in arrays]
    for i, t in enumerate(inputs):
        if i not in spec.nondiff and t.dtype.is_floating_point:
            t.requires_grad_(True)
    result = spec.call(lib, *[t.clone() if t.requires_grad else t for t in inputs])
    outputs = [t for t in (result if isinstance(result, (tuple, list)) else (result,))
               if isinstance(t, lib.Tensor) and t.requires_grad]
    total = sum((t.sum() for t in outputs[1:]), outputs[0].sum())
    total.backward()
    try:
        total.backward()
    except RuntimeError as error:
        assert "backward through the graph a second time" in str(error)
        return "freed"
    return "runs"


@pytest.mark.parametrize("spec", [s for s in SPECS if not s.no_torch], ids=lambda s: s.name)
def test_a_second_backward_is_refused_exactly_where_pytorch_refuses_it(spec):
    """PyTorch refuses it where a node saved tensors (x * 2, exp, an index), and runs it again where
    none did (.double(), sum, cat): saving as PyTorch does is what keeps the two apart."""
    torch = pytest.importorskip("torch")
    arrays = make_inputs(spec, spec.shapes[-1], zlib.crc32(spec.name.encode()))
    assert _second_backward(engine, spec, arrays) == _second_backward(torch, spec, arrays)
