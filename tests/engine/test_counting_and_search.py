"""argwhere, searchsorted, bucketize, count_nonzero, unique, bincount, histc: values, dtypes and
errors as PyTorch's (integer results, no gradients)."""
import pytest

import engine as torch
from tests.oracle import torch_or_skip

nan = float("nan")


@pytest.mark.parametrize("call, expected, dtype", [
    (lambda: torch.argwhere(torch.tensor([[0.0, 1.0], [3.0, 0.0]])), [[0, 1], [1, 0]], torch.int64),
    (lambda: torch.argwhere(torch.tensor(2.0)), [[]], torch.int64),
    (lambda: torch.searchsorted(torch.tensor([1, 3, 5, 7]), torch.tensor([3, 6, 9])), [1, 3, 4], torch.int64),
    (lambda: torch.searchsorted(torch.tensor([1, 3, 5, 7]), 3, right=True), 2, torch.int64),
    (lambda: torch.searchsorted(torch.tensor([1, 3]), torch.tensor([3]), side="right", out_int32=True), [2], torch.int32),
    (lambda: torch.searchsorted(torch.tensor([[1, 3], [2, 4]]), torch.tensor([[2], [3]])), [[1], [1]], torch.int64),
    (lambda: torch.searchsorted(torch.tensor([3, 1]), torch.tensor([2]), sorter=torch.tensor([1, 0])), [1], torch.int64),
    (lambda: torch.bucketize(torch.tensor([3, 6, 9]), torch.tensor([1, 3, 5, 7])), [1, 3, 4], torch.int64),
    (lambda: torch.bucketize(torch.tensor([3, 6, 9]), torch.tensor([1, 3, 5, 7]), right=True), [2, 3, 4], torch.int64),
    (lambda: torch.count_nonzero(torch.tensor([[0.0, 1.0, 2.0], [3.0, 0.0, 1.0]]), 1), [2, 2], torch.int64),
    (lambda: torch.count_nonzero(torch.ones(2, 3), ()), 6, torch.int64),
    (lambda: torch.unique(torch.tensor([3, 1, 2, 1, 3])), [1, 2, 3], torch.int64),
    (lambda: torch.unique(torch.tensor([[1, 2], [1, 2], [0, 5]]), dim=0), [[0, 5], [1, 2]], torch.int64),
    (lambda: torch.bincount(torch.tensor([1, 1, 3]), minlength=6), [0, 2, 0, 1, 0, 0], torch.int64),
    (lambda: torch.bincount(torch.tensor([1, 1, 3]), torch.tensor([0.5, 1.0, 2.0])), [0.0, 1.5, 0.0, 2.0], torch.float32),
    (lambda: torch.bincount(torch.tensor([1, 1, 3]), torch.tensor([1, 1, 2])), [0.0, 2.0, 0.0, 2.0], torch.float64),
    (lambda: torch.histc(torch.tensor([1.0, 2.0, 1.0]), bins=4, min=0, max=3), [0.0, 2.0, 1.0, 0.0], torch.float32),
    (lambda: torch.histc(torch.tensor([1.0, 1.0]), bins=2), [0.0, 2.0], torch.float32),
    (lambda: torch.histc(torch.tensor([1.0, 5.0, 9.0, nan]), bins=2, min=2, max=8), [0.0, 1.0], torch.float32),
    (lambda: torch.histc(torch.tensor([0.1, 0.2, 0.3, 0.7]), bins=5, min=0, max=1), [1.0, 2.0, 0.0, 1.0, 0.0],
     torch.float32),
])
def test_values_and_dtypes(call, expected, dtype):
    result = call()
    assert result.tolist() == expected and result.dtype == dtype


def test_unique_returns_inverse_and_counts():
    values, inverse, counts = torch.unique(torch.tensor([3, 1, 2, 1, 3]), return_inverse=True, return_counts=True)
    assert (values.tolist(), inverse.tolist(), counts.tolist()) == ([1, 2, 3], [2, 0, 1, 0, 2], [2, 1, 2])
    values, inverse = torch.tensor([[3, 1], [2, 1]]).unique(return_inverse=True)
    assert inverse.tolist() == [[2, 0], [1, 0]]
    values, counts = torch.unique(torch.tensor([2.0, nan, 1.0, nan]), return_counts=True)
    assert values[:2].tolist() == [1.0, 2.0] and values[2:].isnan().all() and counts.tolist() == [1, 1, 1, 1]


@pytest.mark.parametrize("call, error, message", [
    (lambda: torch.searchsorted(torch.tensor([1, 3]), torch.tensor([2]), side="left", right=True), RuntimeError,
     "torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True"),
    (lambda: torch.searchsorted(torch.tensor([1, 3]), torch.tensor([2]), side="x"), RuntimeError,
     "torch.searchsorted(): side can only be 'left' or 'right' but got x"),
    (lambda: torch.searchsorted(torch.tensor(1), torch.tensor([2])), RuntimeError,
     "torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension"),
    (lambda: torch.searchsorted(torch.tensor([[1, 3], [2, 4]]), torch.tensor([2])), RuntimeError,
     "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor "
     "and input value tensor must match, but we got boundaries tensor [2, 2] and input value tensor [1]"),
    (lambda: torch.bucketize(torch.tensor([2]), torch.tensor([[1, 3]])), RuntimeError,
     "boundaries tensor must be 1 dimension, but got dim(2)"),
    (lambda: torch.count_nonzero(torch.ones(2, 3), (0, 0)), RuntimeError, "dim 0 appears multiple times in the list of dims"),
    (lambda: torch.unique(torch.tensor(3), dim=0), IndexError, "Dimension specified as 0 but tensor has no dimensions"),
    (lambda: torch.bincount(torch.tensor([-1])), RuntimeError, "bincount only supports 1-d non-negative integral inputs."),
    (lambda: torch.bincount(torch.tensor([1.0])), NotImplementedError, "\"bincount_cpu\" not implemented for 'Float'"),
    (lambda: torch.bincount(torch.tensor([1, 2]), torch.tensor([1.0])), RuntimeError,
     "weights should be 1-d and have the same length as input"),
    (lambda: torch.bincount(torch.tensor([1]), minlength=-1), RuntimeError, "minlength should be >= 0"),
    (lambda: torch.histc(torch.tensor([1, 2])), NotImplementedError, "\"histogram_cpu\" not implemented for 'Long'"),
    (lambda: torch.histc(torch.tensor([1.0]), bins=0), RuntimeError,
     "torch.histogram(): bins must be > 0, but got 0 for dimension 0"),
    (lambda: torch.histc(torch.tensor([1.0]), bins=3, min=3, max=1), RuntimeError, "torch.histc: max must be larger than min"),
    (lambda: torch.histc(torch.tensor([1.0, float("inf")]), bins=2), RuntimeError,
     "torch.histc: range of [1, inf] is not finite"),
])
def test_errors_as_pytorch(call, error, message):
    with pytest.raises(error) as raised:
        call()
    assert str(raised.value) == message


def test_histc_bins_as_pytorch():
    real = torch_or_skip()
    for dtype in ("float32", "float64"):
        ours = torch.histc(torch.linspace(-3, 3, 1001, dtype=getattr(torch, dtype)), bins=7, min=-2.5, max=2.2)
        theirs = real.histc(real.linspace(-3, 3, 1001, dtype=getattr(real, dtype)), bins=7, min=-2.5, max=2.2)
        assert ours.tolist() == theirs.tolist()
