"""``out=`` with another dtype: each op's own rule, compared with PyTorch.

PyTorch has no single rule: pointwise ops with type promotion allow a same-kind cast
("result type Float can't be cast to the desired output type Long"), ops that keep their
input's dtype want it exactly ("Found dtype Long but expected Float"), structured kernels say
"Expected out tensor to have dtype float, but got long int instead", sum/prod/cumsum compute
in out's dtype, and a few ops have words of their own.
"""
import pytest

import engine
from tests.oracle import difference, outcome, torch_or_skip

CALLS = {
    "add": lambda t, A, o: t.add(A, A, out=o),
    "div_int": lambda t, A, o: t.div(A, 3, out=o),
    "exp": lambda t, A, o: t.exp(A, out=o),
    "neg": lambda t, A, o: t.neg(A, out=o),
    "abs": lambda t, A, o: t.abs(A, out=o),
    "floor": lambda t, A, o: t.floor(A, out=o),
    "round_decimals": lambda t, A, o: t.round(A.double(), decimals=1, out=o),
    "clamp": lambda t, A, o: t.clamp(A, 0, 1, out=o),
    "eq": lambda t, A, o: t.eq(A, A, out=o),
    "where": lambda t, A, o: t.where(A > 2, A, A, out=o),
    "sum": lambda t, A, o: t.sum(A, 1, out=o),
    "sum_dtype": lambda t, A, o: t.sum(A, 1, dtype=t.float32, out=o),
    "prod": lambda t, A, o: t.prod(A, 1, out=o),
    "cumsum": lambda t, A, o: t.cumsum(A, 1, out=o),
    "cumprod": lambda t, A, o: t.cumprod(A, 1, out=o),
    "mean": lambda t, A, o: t.mean(A.float(), 1, out=o),
    "amax": lambda t, A, o: t.amax(A, 1, out=o),
    "max_dim": lambda t, A, o: t.max(A, 1, out=(o, t.empty(0, dtype=t.long)))[0],
    "argmax": lambda t, A, o: t.argmax(A, out=o),
    "logsumexp": lambda t, A, o: t.logsumexp(A, 1, out=o),
    "all": lambda t, A, o: t.all(A, 1, out=o),
    "matmul": lambda t, A, o: t.matmul(A, A, out=o),
    "dot": lambda t, A, o: t.dot(A[0], A[0], out=o),
    "cat": lambda t, A, o: t.cat([A, A], out=o),
    "stack": lambda t, A, o: t.stack([A], out=o),
    "index_select": lambda t, A, o: t.index_select(A, 0, t.tensor([0]), out=o),
    "gather": lambda t, A, o: t.gather(A, 0, t.tensor([[0]]), out=o),
    "nonzero": lambda t, A, o: t.nonzero(A, out=o),
}
DTYPES = ["int64", "float64", "bool", "int32", "float16"]


def run(lib, call, source, out_dtype):
    """``call`` on a 2x2 float (or long) tensor, into an empty ``out`` of ``out_dtype``: the result or the error."""
    A = lib.tensor([[1.5, 2.7], [3.2, 4.9]])
    A = A if source == "float" else A.long()
    return outcome(lambda: call(lib, A, lib.empty(0, dtype=getattr(lib, out_dtype))))


@pytest.mark.parametrize("source", ["float", "long"])
@pytest.mark.parametrize("name", sorted(CALLS))
def test_out_dtype_rules_match_pytorch(name, source):
    torch = torch_or_skip()
    for out_dtype in DTYPES:
        ours, theirs = run(engine, CALLS[name], source, out_dtype), run(torch, CALLS[name], source, out_dtype)
        found = difference(ours, theirs)
        assert not found, f"out={out_dtype}: {found}"


def test_sum_into_long_sums_the_truncated_values():
    A = engine.tensor([[1.5, 2.7], [3.2, 4.9]])
    assert engine.sum(A, 1, out=engine.empty(0, dtype=engine.long)).tolist() == [3, 7]
    with pytest.raises(RuntimeError, match="^result type Float can't be cast to the desired output type Long$"):
        engine.add(A, A, out=engine.empty(0, dtype=engine.long))


OUT_WITH_GRAD = ["lib.add(a, 1, out=o)", "lib.exp(a, out=o)", "lib.mul(a, 2, out=o)", "lib.sum(m, 0, out=o)",
                 "lib.matmul(m, a, out=o)", "lib.add(lib.ones(2), 1, out=lib.empty(2, requires_grad=True))"]


@pytest.mark.parametrize("expr", OUT_WITH_GRAD)
def test_out_refuses_arguments_that_require_grad(expr):
    """out= and autograd do not mix: PyTorch names the op; under no_grad it is allowed."""
    torch = torch_or_skip()
    messages = []
    for lib in (engine, torch):
        names = {"lib": lib, "a": lib.ones(2, requires_grad=True), "m": lib.ones(2, 2, requires_grad=True),
                 "o": lib.empty(2)}
        with pytest.raises(RuntimeError) as info:
            eval(expr, names)
        messages.append(str(info.value))
        with lib.no_grad():
            eval(expr, names)
    assert messages[0] == messages[1]
