"""In-place shape ops and NumPy-style shape composites: what the gradient specs do not cover
(graph names after in-place ops, views, errors), against PyTorch's recorded behaviour."""
import pytest

import engine as torch
from tests.oracle import torch_or_skip


def non_leaf(*shape):
    return torch.arange(float(torch.ones(shape).numel())).reshape(shape).requires_grad_() * 1


@pytest.mark.parametrize("op, args, shape, new_shape, node", [
    ("t_", (), (2, 3), (3, 2), "TBackward1"),
    ("transpose_", (0, 1), (2, 3), (3, 2), "TransposeBackward1"),
    ("swapaxes_", (0, 1), (2, 3), (3, 2), "TransposeBackward1"),
    ("swapdims_", (0, 1), (2, 3), (3, 2), "TransposeBackward1"),
    ("squeeze_", (), (1, 3, 1), (3,), "SqueezeBackward3"),
    ("squeeze_", (0,), (1, 3, 1), (3, 1), "SqueezeBackward4"),
    ("squeeze_", ((0, 2),), (1, 3, 1), (3,), "SqueezeBackward5"),
    ("unsqueeze_", (1,), (2, 3), (2, 1, 3), "UnsqueezeBackward1"),
])
def test_in_place_shape_ops_change_the_tensor_and_its_history(op, args, shape, new_shape, node):
    x = non_leaf(*shape)
    assert getattr(x, op)(*args) is x
    assert x.shape == new_shape and x._version == 1
    assert type(x.grad_fn).__name__ == node
    leaf = torch.ones(shape, requires_grad=True)
    with pytest.raises(RuntimeError, match="^a leaf Variable that requires grad is being used in an in-place "
                                           "operation.$"):
        getattr(leaf, op)(*args)


def test_in_place_shape_op_on_a_view_keeps_the_base_history_and_writes_through():
    y = non_leaf(2, 3)
    v = y[0]
    v.unsqueeze_(0)
    assert type(v.grad_fn).__name__ == "UnsqueezeBackward1" and type(y.grad_fn).__name__ == "MulBackward0"
    z = torch.zeros(2, 3)
    w = z.view(3, 2)
    w.t_()
    w[0, 1] = 5.0
    assert w._base is z and z.tolist() == [[0.0, 0.0, 5.0], [0.0, 0.0, 0.0]]
    with pytest.raises(RuntimeError, match="^a view of a leaf Variable that requires grad"):
        torch.ones(2, 3, requires_grad=True).view(3, 2).t_()


def test_in_place_shape_op_errors():
    with pytest.raises(RuntimeError, match=r"^t_\(\) expects a tensor with <= 2 dimensions, but self is 3D$"):
        torch.ones(2, 2, 2).t_()
    with pytest.raises(IndexError, match=r"^Dimension out of range \(expected to be in range of \[-2, 1\], but got 3\)$"):
        torch.ones(2, 3).transpose_(0, 3)
    with pytest.raises(RuntimeError, match="^dim 1 appears multiple times in the list of dims$"):
        torch.ones(1, 1, 1).squeeze((1, 0, 1))


def test_composites_record_the_nodes_they_are_made_of():
    a, x, s = non_leaf(3), non_leaf(2, 3), non_leaf()
    assert type(torch.ravel(x.t()).grad_fn).__name__ == "ViewBackward0"
    assert torch.ravel(s).shape == (1,)
    assert [type(t.grad_fn).__name__ for t in torch.broadcast_tensors(a, x)] == ["ExpandBackward0", "MulBackward0"]
    assert torch.tile(x, (2,)).shape == (2, 6) and torch.tile(s, ()).shape == ()
    assert [type(n).__name__ for n, _ in torch.vstack([a, a]).grad_fn.next_functions] == ["UnsqueezeBackward0"] * 2
    assert torch.dstack([a, a]).shape == (1, 3, 2) and torch.column_stack([s, s]).shape == (1, 2)
    assert type(torch.rot90(x, 4).grad_fn).__name__ == "Rot90Backward0"
    assert torch.atleast_1d(a) is a and torch.atleast_3d(x).shape == (2, 3, 1)
    assert [p.tolist() for p in torch.tensor_split(torch.arange(7), 3)] == [[0, 1, 2], [3, 4], [5, 6]]
    assert [p.tolist() for p in torch.tensor_split(torch.arange(4), [3, 1])] == [[0, 1, 2], [], [1, 2, 3]]
    assert [p.tolist() for p in torch.tensor_split(torch.arange(4), torch.tensor(2))] == [[0, 1], [2, 3]]
    assert torch.hstack([torch.arange(2), torch.ones(2)]).dtype == torch.float32


@pytest.mark.parametrize("call, error, message", [
    (lambda: torch.rot90(torch.ones(3)), RuntimeError, "expected total dims >= 2, but got total dims = 1"),
    (lambda: torch.rot90(torch.ones(2, 3), 1, [0]), RuntimeError, "expected total rotation dims == 2, but got dims = 1"),
    (lambda: torch.rot90(torch.ones(2, 3), 1, [0, 0]), RuntimeError,
     "expected rotation dims to be different, but got dim0 = 0 and dim1 = 0"),
    (lambda: torch.hsplit(torch.ones(2, 3), 2), RuntimeError, "torch.hsplit attempted to split along dimension 1, "
     "but the size of the dimension 3 is not divisible by the split_size 2!"),
    (lambda: torch.hsplit(torch.ones(()), 2), RuntimeError,
     "torch.hsplit requires a tensor with at least 1 dimension, but got a tensor with 0 dimensions!"),
    (lambda: torch.vsplit(torch.ones(3), 2), RuntimeError,
     "torch.vsplit requires a tensor with at least 2 dimension, but got a tensor with 1 dimensions!"),
    (lambda: torch.tensor_split(torch.ones(()), 2), RuntimeError,
     "tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims"),
    (lambda: torch.tensor_split(torch.ones(3), 0), RuntimeError, "number of sections must be larger than 0, got 0"),
    (lambda: torch.tensor_split(torch.ones(3), torch.tensor([[1]])), RuntimeError, "tensor_split expected "
     "tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor, but got a tensor with 2 dims"),
    (lambda: torch.tensor_split(torch.ones(3), torch.tensor(2.0)), RuntimeError,
     "tensor_split expected tensor_indices_or_sections to have dtype of long, but got Float"),
    (lambda: torch.broadcast_tensors(torch.ones(3), torch.ones(2)), RuntimeError,
     "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0"),
    (lambda: torch.tile(torch.ones(3), 2), TypeError, "tile(): argument 'dims' (position 2) must be tuple of ints, not int"),
    (lambda: torch.hstack([]), RuntimeError, "hstack expects a non-empty TensorList"),
    (lambda: torch.hstack(torch.ones(3)), TypeError,
     "hstack(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor"),
    (lambda: torch.fliplr(torch.ones(3)), RuntimeError, "Input must be >= 2-d."),
    (lambda: torch.flipud(torch.ones(())), RuntimeError, "Input must be >= 1-d."),
])
def test_errors_as_pytorch(call, error, message):
    with pytest.raises(error) as raised:
        call()
    assert str(raised.value) == message


def test_matches_pytorch_on_values():
    real = torch_or_skip()
    for name, args in [("hstack", ([[1, 2], [3]],)), ("vstack", ([[1, 2], [3, 4]],)), ("dstack", ([[1, 2], [3, 4]],)),
                       ("column_stack", ([[1, 2], [3, 4]],))]:
        ours = getattr(torch, name)([torch.tensor(a) for a in args[0]])
        theirs = getattr(real, name)([real.tensor(a) for a in args[0]])
        assert ours.tolist() == theirs.tolist() and str(ours.dtype) == str(theirs.dtype)
    assert torch.rot90(torch.arange(6).reshape(2, 3), -1, (1, 0)).tolist() == \
        real.rot90(real.arange(6).reshape(2, 3), -1, (1, 0)).tolist()


def test_running_extremes_print_as_named_tuples():
    result = torch.cummax(torch.tensor([1, 1, 0, 1]), 0)
    assert repr(result) == ("torch.return_types.cummax(\nvalues=tensor([1, 1, 1, 1]),\n"
                            "indices=tensor([0, 1, 1, 3]))")
    values, indices = torch.cummin(torch.tensor([1.0, float("nan"), 0.0]), 0)
    assert indices.tolist() == [0, 1, 1] and values.isnan().tolist() == [False, True, True]
    assert type(torch.cummax(non_leaf(2, 3), 1).values.grad_fn).__name__ == "CummaxBackward0"
    with pytest.raises(TypeError, match='^cummax\\(\\) missing 1 required positional arguments: "dim"$'):
        torch.cummax(torch.ones(2))


def test_logcumsumexp_of_large_and_infinite_values():
    assert torch.logcumsumexp(torch.tensor([float("-inf"), float("-inf")]), 0).tolist() == [float("-inf")] * 2
    x = torch.tensor([500.0, -700.0, 2.0], dtype=torch.float64, requires_grad=True)
    torch.logcumsumexp(x, 0).backward(torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64))
    assert x.grad.tolist() == pytest.approx([2.0, 0.0, 0.0])
    with pytest.raises(NotImplementedError, match="^\"logcumsumexp_out_cpu\" not implemented for 'Long'$"):
        torch.logcumsumexp(torch.tensor([1, 2]), 0)
