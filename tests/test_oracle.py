"""The oracle itself: it passes what agrees and names what does not. Engine tensors stand on both
sides (the oracle reads tensors by their attributes), so these checks need no PyTorch."""
import pytest

import engine
from tests.oracle import TOLERANCES, assert_same, assert_same_gradients, difference, outcome


def one(value, dtype):
    return engine.tensor([value], dtype=getattr(engine, dtype))


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
def test_values_agree_within_their_dtypes_tolerance_and_not_beyond(dtype):
    rtol, atol = TOLERANCES[f"torch.{dtype}"]
    assert difference(one(1000.0, dtype), one(1000.0, dtype)) == ""
    if dtype != "float16":   # float16 cannot hold 1000 plus half its tolerance
        assert difference(one(1000.0 * (1 + rtol / 2), dtype), one(1000.0, dtype)) == ""
    assert "values differ" in difference(one(1000.0 * (1 + 4 * rtol), dtype), one(1000.0, dtype))
    assert "values differ" in difference(one(4 * atol, dtype), one(0.0, dtype))


def test_integers_and_bools_agree_only_exactly():
    assert difference(one(2 ** 40, "int64"), one(2 ** 40 + 1, "int64")).startswith("values differ (torch.int64, exact)")
    assert difference(one(True, "bool"), one(False, "bool")).startswith("values differ (torch.bool, exact)")
    assert difference(one(7, "int32"), one(7, "int32")) == ""


def test_nans_must_sit_in_the_same_places_and_signed_zeros_are_equal():
    nan = float("nan")
    assert difference(engine.tensor([nan, 1.0]), engine.tensor([nan, 1.0])) == ""
    assert "values differ" in difference(engine.tensor([nan, 1.0]), engine.tensor([1.0, nan]))
    assert difference(engine.tensor([-0.0]), engine.tensor([0.0])) == ""


def test_dtype_shape_requires_grad_and_grad_fn_are_compared():
    x = engine.ones(2, requires_grad=True)
    assert difference(engine.ones(2), engine.ones(2, dtype=engine.float64)) == \
        "dtype: engine torch.float32, PyTorch torch.float64"
    assert difference(engine.ones(2), engine.ones(1, 2)) == "shape: engine (2,), PyTorch (1, 2)"
    assert difference(engine.ones(2), x) == "requires_grad: engine False, PyTorch True"
    assert difference(x * 2, x + 2) == "grad_fn: engine MulBackward0, PyTorch AddBackward0"
    assert difference(x * 2, x * 2) == ""


def test_errors_compare_type_and_words_the_first_line_only_when_asked():
    assert difference(ValueError("bad"), ValueError("bad")) == ""
    assert difference(TypeError("bad"), ValueError("bad")).startswith("engine raised TypeError")
    long, short = RuntimeError("first\nthen the overloads"), RuntimeError("first")
    assert difference(short, long) != ""
    assert difference(short, long, first_line=True) == ""
    assert difference(engine.ones(1), RuntimeError("no")).startswith("engine gives")
    assert difference(RuntimeError("no"), engine.ones(1)).startswith("engine raised RuntimeError")


def test_sequences_compare_their_type_length_and_items():
    assert difference((1, engine.ones(2)), (1, engine.ones(2))) == ""
    assert difference([1], (1,)) == "engine gives list of 1, PyTorch tuple of 1"
    assert difference((1, 2), (1, 2, 3)) == "engine gives tuple of 2, PyTorch tuple of 3"
    assert difference((1, engine.ones(2)), (1, engine.zeros(2))).startswith("item 1: values differ")


def test_plain_values_compare_their_type_and_value():
    assert difference(True, True) == "" and difference(float("nan"), float("nan")) == ""
    assert difference(1, 1.0) == "engine gives int 1, PyTorch float 1.0"
    assert difference("MulBackward0", "AddBackward0") == "engine gives 'MulBackward0', PyTorch gives 'AddBackward0'"


def test_assertions_fail_with_the_difference():
    with pytest.raises(AssertionError, match="^shape: engine"):
        assert_same(engine.ones(2), engine.ones(3))
    with pytest.raises(AssertionError, match="^gradient 1: engine gives None"):
        assert_same_gradients([engine.ones(1), None], [engine.ones(1), engine.ones(1)])
    with pytest.raises(AssertionError, match="^gradient 0: values differ"):
        assert_same_gradients([engine.ones(1)], [engine.zeros(1)])
    assert_same_gradients([None, engine.ones(1)], [None, engine.ones(1)])


def test_outcome_is_the_result_or_the_error():
    assert outcome(lambda: 3) == 3
    error = outcome(lambda: engine.ones(2) + engine.ones(3))
    assert isinstance(error, RuntimeError) and "must match the size" in str(error)
