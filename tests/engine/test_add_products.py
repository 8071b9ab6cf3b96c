"""addmv, baddbmm and addbmm (and addmm, addr beside them) where their tensors' dtypes differ: each
form (function, method, in-place, out= of each dtype) raises PyTorch's error in PyTorch's words, or
gives PyTorch's result where it allows the mix (an out= of addbmm sets the dtype its sum is made in;
addr promotes, and its out= may take a cast; an empty product checks no dtype). Then the order of
those checks among the checks of shapes."""
from __future__ import annotations

import itertools
import math

import pytest

import engine
from tests.oracle import assert_same, difference, outcome, torch_or_skip

# (input, first factor, second factor) shapes that fit, so that only the dtypes can be refused
SHAPES = {"addmv": ((2,), (2, 3), (3,)), "baddbmm": ((2, 2, 4), (2, 2, 3), (2, 3, 4)),
          "addbmm": ((2, 4), (2, 2, 3), (2, 3, 4)), "addmm": ((2, 4), (2, 3), (3, 4)), "addr": ((2, 3), (2,), (3,))}
DTYPES = ("float32", "float64", "int64")
MIXED = [d for d in itertools.product(DTYPES, repeat=3) if len(set(d)) > 1]


def _forms(lib, op, dtypes):
    """Every form of ``op`` on ones of ``dtypes``: {form: what it gives}."""
    def operands():
        return [lib.ones(shape, dtype=getattr(lib, d)) for shape, d in zip(SHAPES[op], dtypes)]
    found = {"function": outcome(lambda: getattr(lib, op)(*operands())),
             "method": outcome(lambda: getattr(operands()[0], op)(*operands()[1:])),
             "in-place": outcome(lambda: getattr(operands()[0], op + "_")(*operands()[1:]))}
    for out_dtype in DTYPES:
        out = lib.empty(0, dtype=getattr(lib, out_dtype))
        found[f"out={out_dtype}"] = outcome(lambda: getattr(lib, op)(*operands(), out=out))
    return found


@pytest.mark.parametrize("dtypes", MIXED, ids="-".join)
@pytest.mark.parametrize("op", SHAPES)
def test_mixed_dtypes_in_every_form_match_pytorch(op, dtypes):
    torch = torch_or_skip()
    ours, theirs = _forms(engine, op, dtypes), _forms(torch, op, dtypes)
    found = {form: difference(ours[form], theirs[form]) for form in theirs}
    assert not any(found.values()), {form: words for form, words in found.items() if words}


WIDER = ("float32", "float16", "complex64", "bool", "int32", "uint8", "float64")


@pytest.mark.filterwarnings("ignore:Casting complex values to real")   # PyTorch's, on a refused mix
@pytest.mark.parametrize("op", SHAPES)
def test_every_mix_of_wider_dtypes_matches_pytorch_as_a_function(op):
    """Half, complex, bool and small integers too, each combination once (the function form)."""
    torch = torch_or_skip()
    found = {}
    for dtypes in itertools.product(WIDER, repeat=3):
        ours, theirs = (outcome(lambda: getattr(lib, op)(*(lib.ones(shape, dtype=getattr(lib, d))
                                                           for shape, d in zip(SHAPES[op], dtypes))))
                        for lib in (engine, torch))
        found[dtypes] = difference(ours, theirs)
    assert not any(found.values()), {d: words for d, words in found.items() if words}


def test_every_mix_is_refused_somewhere_and_allowed_somewhere():
    """The table above holds both kinds of case: refusals, and mixes PyTorch computes."""
    torch = torch_or_skip()
    results = [r for op in SHAPES for d in MIXED for r in _forms(torch, op, d).values()]
    assert any(isinstance(r, RuntimeError) for r in results)
    assert any(not isinstance(r, Exception) for r in results)


def f(lib, *shape, dtype="float32"):
    return lib.ones(*shape, dtype=getattr(lib, dtype))


# Each where one check meets another: which comes first, and the words of each
ORDER = {
    # addmv: the dimensions, the sizes, the three dtypes, out's dtype, then the kernel's (bool)
    "addmv: sizes before dtypes": lambda L: L.addmv(f(L, 3), f(L, 2, 3), f(L, 3, dtype="float64")),
    "addmv: dimensions before dtypes": lambda L: L.addmv(f(L, 2, 2), f(L, 2, 3), f(L, 3, dtype="float64")),
    "addmv: a 0-d input": lambda L: L.addmv(L.tensor(1.), f(L, 2, 3), f(L, 3, dtype="float64")),
    "addmv: a 0-d input that does not fit": lambda L: L.addmv(L.tensor(1.), f(L, 2, 3), f(L, 4)),
    "addmv: an input of one element": lambda L: L.addmv(f(L, 1), f(L, 2, 3), f(L, 3, dtype="float64")),
    "addmv: empty": lambda L: L.addmv(f(L, 2), f(L, 2, 0, dtype="int64"), f(L, 0, dtype="float64")),
    "addmv: half and float": lambda L: L.addmv(f(L, 2, dtype="float16"), f(L, 2, 3), f(L, 3)),
    "addmv: complex and float": lambda L: L.addmv(f(L, 2, dtype="complex64"), f(L, 2, 3), f(L, 3)),
    "addmv: bool factors": lambda L: L.addmv(f(L, 2), f(L, 2, 3, dtype="bool"), f(L, 3, dtype="bool")),
    "addmv: out before bool": lambda L: L.addmv(f(L, 2, dtype="bool"), f(L, 2, 3, dtype="bool"),
                                                f(L, 3, dtype="bool"), out=f(L, 0)),
    "addmv_: into one element": lambda L: f(L, 1).addmv_(f(L, 2, 3), f(L, 3)),
    "addmv_: into a 0-d tensor": lambda L: L.tensor(1.).addmv_(f(L, 2, 3), f(L, 3)),
    "addmv: out requires grad": lambda L: L.addmv(f(L, 2), f(L, 2, 3), f(L, 3), out=f(L, 0).requires_grad_()),
    # baddbmm: input broadcasts, has batch1's dtype; the batches' shapes; out's or self's dtype
    # against batch2's (the result's); then the kernel's: batch1 bool, batch1's dtype against batch2's
    "baddbmm: broadcasting before dtypes": lambda L: L.baddbmm(f(L, 2, 2, 5), f(L, 2, 2, 3, dtype="float64"),
                                                               f(L, 2, 3, 4)),
    "baddbmm: input's dtype before shapes": lambda L: L.baddbmm(f(L, 2, 2, 4), f(L, 2, 2, 3, dtype="float64"),
                                                                f(L, 3, 3, 4, dtype="float64")),
    "baddbmm: a 1-d batch1": lambda L: L.baddbmm(f(L, 2, 2, 4), f(L, 1), f(L, 2, 3, 4, dtype="float64")),
    "baddbmm: a 0-d batch1": lambda L: L.baddbmm(f(L, 2, 2, 4), L.tensor(1.), f(L, 2, 3, 4, dtype="float64")),
    "baddbmm: a 0-d batch2": lambda L: L.baddbmm(f(L, 2, 2, 4), f(L, 2, 2, 3), L.tensor(1., dtype=L.float64)),
    "baddbmm: a 2-d batch2": lambda L: L.baddbmm(f(L, 2, 2, 4), f(L, 2, 2, 3), f(L, 3, 4, dtype="float64")),
    "baddbmm: out of batch2's dtype": lambda L: L.baddbmm(f(L, 2, 2, 4), f(L, 2, 2, 3),
                                                          f(L, 2, 3, 4, dtype="float64"), out=f(L, 2, 2, 4)),
    "baddbmm_: dtype before shape": lambda L: f(L, 4).baddbmm_(f(L, 2, 2, 3), f(L, 2, 3, 4, dtype="float64")),
    "baddbmm_: a shape that broadcasts": lambda L: f(L, 4).baddbmm_(f(L, 2, 2, 3), f(L, 2, 3, 4)),
    "baddbmm_: beta = 0": lambda L: f(L, 2, 2, 4).baddbmm_(f(L, 2, 2, 3), f(L, 2, 3, 4, dtype="float64"), beta=0),
    "baddbmm: bool before batch2's dtype": lambda L: L.baddbmm(f(L, 2, 2, 4, dtype="bool"),
                                                               f(L, 2, 2, 3, dtype="bool"), f(L, 2, 3, 4)),
    "baddbmm: bool batch2": lambda L: L.baddbmm(f(L, 2, 2, 4), f(L, 2, 2, 3), f(L, 2, 3, 4, dtype="bool")),
    "baddbmm: bool": lambda L: L.baddbmm(*(f(L, *s, dtype="bool") for s in ((2, 2, 4), (2, 2, 3), (2, 3, 4)))),
    "baddbmm: no batch": lambda L: L.baddbmm(f(L, 0, 2, 4), f(L, 0, 2, 3), f(L, 0, 3, 4, dtype="float64")),
    "baddbmm: no column": lambda L: L.baddbmm(f(L, 2, 2, 0), f(L, 2, 2, 3), f(L, 2, 3, 0, dtype="int64")),
    "baddbmm: sums of no term": lambda L: L.baddbmm(f(L, 2, 2, 4, dtype="float64"), f(L, 2, 2, 0, dtype="float64"),
                                                    f(L, 2, 0, 4), beta=0.5),
    "baddbmm: no batch, and input does not broadcast": lambda L: L.baddbmm(f(L, 2, 2, 4), f(L, 0, 2, 3),
                                                                           f(L, 0, 3, 4, dtype="float64")),
    # addbmm: input broadcasts; the batches' shapes; then addmm_'s dtype checks into the result
    # (out, whose dtype stands for input's), none with no batch
    "addbmm: broadcasting before dtypes": lambda L: L.addbmm(f(L, 2, 5), f(L, 2, 2, 3),
                                                             f(L, 2, 3, 4, dtype="float64")),
    "addbmm: batch counts before dtypes": lambda L: L.addbmm(f(L, 2, 4), f(L, 2, 2, 3, dtype="float64"),
                                                             f(L, 3, 3, 4)),
    "addbmm: matrix sizes before dtypes": lambda L: L.addbmm(f(L, 2, 4), f(L, 2, 2, 3), f(L, 2, 4, 4, dtype="int64")),
    "addbmm: a 1-d batch1": lambda L: L.addbmm(f(L, 2, 4), f(L, 3), f(L, 2, 3, 4, dtype="float64")),
    "addbmm: a 2-d batch2": lambda L: L.addbmm(f(L, 2, 4), f(L, 2, 2, 3), f(L, 3, 4, dtype="float64")),
    "addbmm: a 1-d input": lambda L: L.addbmm(f(L, 4), f(L, 2, 2, 3), f(L, 2, 3, 4, dtype="float64")),
    "addbmm: out sets the dtype": lambda L: L.addbmm(f(L, 2, 4), f(L, 2, 2, 3, dtype="int64"),
                                                     f(L, 2, 3, 4, dtype="int64"), out=f(L, 0, dtype="int64"),
                                                     beta=0.5),
    "addbmm: out of another dtype": lambda L: L.addbmm(f(L, 4), f(L, 2, 2, 3), f(L, 2, 3, 4),
                                                       out=f(L, 0, dtype="float64")),
    "addbmm: input's values in out's dtype": lambda L: L.addbmm(L.full((2, 4), 2.75), f(L, 2, 2, 3, dtype="int64"),
                                                                f(L, 2, 3, 4, dtype="int64"),
                                                                out=f(L, 0, dtype="int64"), beta=3),
    "addbmm: no batch": lambda L: L.addbmm(f(L, 2, 4), f(L, 0, 2, 3, dtype="float64"), f(L, 0, 3, 4)),
    "addbmm: no batch, float64 input": lambda L: L.addbmm(f(L, 2, 4, dtype="float64"), f(L, 0, 2, 3),
                                                          f(L, 0, 3, 4, dtype="int64"), beta=2),
    "addbmm_: no batch": lambda L: f(L, 2, 4).addbmm_(f(L, 0, 2, 3, dtype="float64"),
                                                      f(L, 0, 3, 4, dtype="float64")),
    "addbmm: sums of no term": lambda L: L.addbmm(f(L, 2, 4), f(L, 2, 2, 0), f(L, 2, 0, 4, dtype="float64")),
    "addbmm: int32 keeps its dtype": lambda L: L.addbmm(*(L.arange(math.prod(s), dtype=L.int32).reshape(s)
                                                          for s in ((2, 4), (2, 2, 3), (2, 3, 4)))),
    "addbmm: uint8": lambda L: L.addbmm(*(f(L, *s, dtype="uint8") for s in ((2, 4), (2, 2, 3), (2, 3, 4)))),
    "addbmm: bool": lambda L: L.addbmm(*(f(L, *s, dtype="bool") for s in ((2, 4), (2, 2, 3), (2, 3, 4)))),
    "addbmm: bool batch2": lambda L: L.addbmm(f(L, 2, 4), f(L, 2, 2, 3), f(L, 2, 3, 4, dtype="bool")),
    "addbmm: a factor requires grad, out=": lambda L: L.addbmm(
        f(L, 2, 4), f(L, 2, 2, 3, dtype="float64").requires_grad_(), f(L, 2, 3, 4, dtype="float64"),
        out=f(L, 0, dtype="float64")),
}


@pytest.mark.parametrize("name", ORDER)
def test_the_order_of_checks_matches_pytorch(name):
    torch = torch_or_skip()
    assert_same(outcome(lambda: ORDER[name](engine)), outcome(lambda: ORDER[name](torch)))


@pytest.mark.parametrize("op", ["addmv", "baddbmm"])
def test_in_place_forms_keep_their_graph(op):
    """The in-place forms that now check self first still record the op's node, with PyTorch's gradients."""
    torch = torch_or_skip()

    def run(lib):
        shapes = SHAPES[op]
        leaves = [lib.linspace(-1, 1, int(lib.tensor(s).prod()), dtype=lib.float64).reshape(s).requires_grad_()
                  for s in shapes]
        result = getattr(leaves[0] * 1, op + "_")(*leaves[1:], beta=0.5, alpha=2)
        result.sum().backward()
        return result, type(result.grad_fn).__name__, [leaf.grad for leaf in leaves]
    ours, theirs = run(engine), run(torch)
    assert_same(ours[0], theirs[0])
    assert ours[1] == theirs[1]
    for a, b in zip(ours[2], theirs[2]):
        assert_same(a, b)
