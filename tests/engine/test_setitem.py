"""Indexing assignment against PyTorch: which node records the write (CopySlices on the indexed
view, IndexPutBackward0 or a fill on the tensor itself), the values and gradients that result, and
the refusals (views of split/unbind outputs, dtypes, shapes).

``x`` is a 3x4 leaf, ``y = x * 1`` the tensor written into, ``v`` a two-element leaf value.
"""
import pytest

import engine
from tests.oracle import assert_same, assert_same_gradients, outcome, torch_or_skip

SETUP = ("x = lib.arange(12.).reshape(3, 4).detach().requires_grad_(); y = x * 1; "
         "v = lib.tensor([10., 20.], requires_grad=True)\n")


def run(lib, src):
    """``src`` run after SETUP: the error it raised (None when none) and its names."""
    namespace = {"lib": lib}
    return outcome(lambda: exec(SETUP + src, namespace)), namespace


def node_names(tensor):
    """The node that recorded the write and the nodes behind it, by their own names."""
    node = tensor.grad_fn
    return node.name(), [n.name() if n is not None else None for n, _ in node.next_functions]


def gradients(lib, names):
    """The gradients of x and v after a backward through the written tensor."""
    (names["y"] * lib.arange(12.).reshape(3, 4)).sum().backward()
    return [names["x"].grad, names["v"].grad]


@pytest.mark.parametrize("src", [
    # mixed basic and advanced indices: the basic parts are a view, written by index_put_ (CopySlices)
    "y[0, [1, 2]] = v", "y[1:, [0, 2]] = v", "y[[0, 1], 1:3] = 5.", "y[None, 0, [1]] = 1.", "y[None, [0]] = 1.",
    "y[[0], None] = 1.", "y[-3:, [0]] = 1.", "y[0:2, [0]] = 1.", "y[0, lib.tensor([True, False, True, False])] = v",
    "y[1, [[0], [3]]] = v", "y[[0, 1], 2] = v",
    # basic parts that keep everything are skipped: index_put_ on y itself
    "y[:, [0, 2]] = 5.", "y[[0, 2]] = 5.", "y[y > 5] = 0.", "y[..., [0]] = 1.", "y[0:3, [0]] = 1.", "y[:100, [1]] = v[0]",
    "y[[0, 2], :] = v[1]",
    # basic indices only: fill_/copy_ on a view, or on y when nothing is cut
    "y[0] = v[0]", "y[:] = 1.", "y[-3:] = 1.", "y[0:3] = 2.", "y[...] = 3.", "y[None] = 4.", "y[1, 1:3] = v",
])
def test_indexing_assignment_matches_pytorch(src):
    torch = torch_or_skip()
    (error, ours), (their_error, theirs) = run(engine, src), run(torch, src)
    assert_same(error, their_error)
    assert_same(ours["y"], theirs["y"])
    assert node_names(ours["y"]) == node_names(theirs["y"])
    assert_same_gradients(gradients(engine, ours), gradients(torch, theirs))


MULTI = ("Output 0 of {} is a view and is being modified inplace. This view is the output of a function that returns "
         "multiple views. Such functions do not allow the output views to be modified inplace. You should replace "
         "the inplace operation by an out-of-place one.")
INDEX_PUT_DTYPES = ("Index put requires the source and destination dtypes match, got Float for the destination and "
                    "Long for the source.")


@pytest.mark.parametrize("src,expected", [
    # writing through a view of a split/unbind/chunk output names the view's own op
    ("a, b = y.split(2); a[0] = 1.", MULTI.format("Select")), ("a, b = y.split(2); a[0][1] = 1.", MULTI.format("Select")),
    ("a, b = y.split(2); a[[0]] = 1.", MULTI.format("Split")), ("a, b = y.chunk(2); a[0] = 1.", MULTI.format("Select")),
    ("a, b = y.split(2); a.t()[0, 1] = 3.", MULTI.format("Select")), ("a, b = y.split(2); a[0].zero_()",
                                                                      MULTI.format("Select")),
    ("a = y.unbind(1)[0]; a[0] = 3.", MULTI.format("Select")), ("a = y.unbind(1)[0]; a[[0]] = 3.", MULTI.format("Unbind")),
    ("a, b = y.split(2); c = a[0]; c.mul_(2)", MULTI.format("Select")),
    # a leaf view that requires grad
    ("w = lib.arange(12.).reshape(3, 4).requires_grad_(); w[0, [1]] = 1.",
     "a view of a leaf Variable that requires grad is being used in an in-place operation."),
    ("w = lib.arange(12.).reshape(3, 4).requires_grad_(); w[[1]] = 1.",
     "a view of a leaf Variable that requires grad is being used in an in-place operation."),
    # another dtype: refused with an advanced index unless a one-element value fills a single bool mask
    ("z = lib.zeros(3); z[[0, 1]] = lib.tensor(2)", INDEX_PUT_DTYPES),
    ("z = lib.zeros(3, 2); z[lib.tensor([True, False, True]), [0, 1]] = lib.tensor(2)", INDEX_PUT_DTYPES),
    ("z = lib.zeros(3, 2); z[[0], 1] = lib.tensor(2)", INDEX_PUT_DTYPES),
    ("z = lib.zeros(3); z[lib.tensor([True, False, True])] = lib.tensor([2, 3])", INDEX_PUT_DTYPES),
    ("z = lib.zeros(3); z[lib.tensor(True)] = lib.tensor(2)", INDEX_PUT_DTYPES),
    ("z = lib.zeros(2, 3); z[0, [0, 1]] = lib.tensor([1., 2., 3.])",
     "shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [2]"),
    ("z = lib.zeros(2, 3); z[[0, 1], 1:] = lib.tensor([1., 2., 3.])",
     "shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [2, 2]"),
])
def test_refusals_match_pytorch(src, expected):
    error, _ = run(engine, src)
    assert (type(error).__name__, str(error)) == ("RuntimeError", expected)
    assert_same(error, run(torch_or_skip(), src)[0])


@pytest.mark.parametrize("src", [
    "z = lib.zeros(3); z[lib.tensor([True, False, True])] = lib.tensor(2)",
    "z = lib.zeros(3, 2); z[lib.tensor([True, False, True]), 0] = lib.tensor(2)",
    "z = lib.zeros(3, 2); z[1, lib.tensor([True, False])] = lib.tensor(2)",
    "z = lib.zeros(3); z[lib.tensor([True, False, True])] = lib.tensor([[2]])",
    "z = lib.zeros(3, dtype=lib.long); z[lib.tensor([True, False, True])] = lib.tensor(2.7)",
    "z = lib.zeros(3); z[None, lib.tensor([True, False, True])] = lib.tensor(2.5, dtype=lib.float64)",
    "z = lib.zeros(2, 3, 4); z[0, :, [0, 1]] = lib.arange(6.).reshape(3, 2)",
    "a, b = y.split(2)\nwith lib.no_grad(): a[0] = 1.\nz = y",
    "t = lib.arange(4.); a, b = t.split(2); a[0] = 1.; z = t",
])
def test_writes_match_pytorch(src):
    def run(lib):
        namespace = {"lib": lib}
        exec(SETUP + src, namespace)
        return str(namespace["z"].dtype), namespace["z"].tolist()
    torch = torch_or_skip()
    assert run(engine) == run(torch)
