"""dtypes, promotion tables, devices and Size: reprs and rules as PyTorch's."""
from __future__ import annotations

import itertools

import pytest

import engine
from engine import dtypes
from tests.oracle import torch_or_skip

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


def test_dtype_reprs_and_aliases():
    assert repr(engine.float32) == str(engine.float32) == "torch.float32"
    assert engine.float is engine.float32 and engine.double is engine.float64 and engine.half is engine.float16
    assert engine.long is engine.int64 and engine.int is engine.int32 and engine.short is engine.int16
    assert engine.get_default_dtype() is engine.float32
    assert engine.float64.is_floating_point and not engine.int64.is_floating_point
    assert engine.uint8.is_signed is False and engine.int8.is_signed is True


def test_promote_types_literal_cases():
    P = engine.promote_types
    assert P(engine.uint8, engine.int8) is engine.int16
    assert P(engine.int64, engine.float16) is engine.float16
    assert P(engine.bool, engine.uint8) is engine.uint8
    assert P(engine.float32, engine.float64) is engine.float64


def test_result_type_scalars_and_zero_dim():
    t = engine.tensor
    assert engine.result_type(t([1, 2], dtype=engine.int32), 1) is engine.int32
    assert engine.result_type(t([1, 2]), 1.5) is engine.float32
    assert engine.result_type(t([1.0]), t(2.0, dtype=engine.float64)) is engine.float32
    assert engine.result_type(t([1]), t(2.0, dtype=engine.float64)) is engine.float64
    assert engine.result_type(t([True]), True) is engine.bool
    assert engine.result_type(t([True]), 2) is engine.int64


@pytest.mark.parametrize("a,b", list(itertools.product(NAMES, NAMES)))
def test_promote_types_matches_pytorch(a, b):
    torch = torch_or_skip()
    assert str(engine.promote_types(getattr(engine, a), getattr(engine, b))) == \
        str(torch.promote_types(getattr(torch, a), getattr(torch, b)))


@pytest.mark.parametrize("a", NAMES)
@pytest.mark.parametrize("scalar", [True, 3, 2.5])
@pytest.mark.parametrize("zero_dim", [False, True])
def test_result_type_with_scalars_matches_pytorch(a, scalar, zero_dim):
    torch = torch_or_skip()
    shape = () if zero_dim else (2,)
    ours = engine.zeros(shape, dtype=getattr(engine, a))
    theirs = torch.zeros(shape, dtype=getattr(torch, a))
    assert str(engine.result_type(ours, scalar)) == str(torch.result_type(theirs, scalar))
    assert str(engine.result_type(scalar, ours)) == str(torch.result_type(scalar, theirs))


def test_to_dtype_accepts_python_types_and_names():
    assert dtypes.to_dtype(float) is engine.float64   # Python's float is a double, as in PyTorch
    assert engine.zeros(2, dtype=float).dtype is engine.float64
    assert dtypes.to_dtype(int) is engine.int64
    assert dtypes.to_dtype(bool) is engine.bool
    assert dtypes.to_dtype("double") is engine.float64
    with pytest.raises(TypeError):
        dtypes.to_dtype(object())


def test_devices():
    assert repr(engine.device("cpu")) == "device(type='cpu')" and str(engine.device("cpu")) == "cpu"
    assert repr(engine.device("cuda:0")) == "device(type='cuda', index=0)"
    assert repr(engine.device("cuda", 1)) == "device(type='cuda', index=1)"
    assert engine.device("cpu") == "cpu"
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
        engine.device("gpu")
    assert engine.ones(2).device == engine.device("cpu")


def test_size():
    s = engine.ones(5, 3).size()
    assert repr(s) == "torch.Size([5, 3])" and s == (5, 3) and isinstance(s, tuple)
    assert repr(engine.tensor(1.0).shape) == "torch.Size([])"
    assert repr(s[1:]) == "torch.Size([3])" and s.numel() == 15
    assert engine.ones(5, 3).size(1) == 3 and engine.ones(5, 3).size(-1) == 3
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"):
        engine.ones(5, 3).size(2)
