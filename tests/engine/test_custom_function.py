"""torch.autograd.Function: custom ops defined by a forward and a backward, held against PyTorch.

Each case defines the same Function on both libraries (the class body is written once and
built against each library's ``autograd.Function``) and compares the outputs, their grad_fn
names and next_functions, the gradients, and the errors PyTorch raises.
"""
from __future__ import annotations

import pytest

import engine
from tests.oracle import assert_same, assert_same_gradients, outcome, torch_or_skip


def functions(lib):
    """The custom Functions of these tests, built on lib (engine or torch)."""
    class Exp(lib.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            result = i.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_output):
            (result,) = ctx.saved_tensors
            return grad_output * result

    class ScaledBy(lib.autograd.Function):       # a non-tensor argument, kept on ctx
        @staticmethod
        def forward(ctx, a, scale):
            ctx.scale = scale
            ctx.save_for_backward(a)
            return a * a * scale

        @staticmethod
        def backward(ctx, grad_output):
            (a,) = ctx.saved_tensors
            return grad_output * 2 * a * ctx.scale, None

    class TwoOutputs(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2, a * 3

        @staticmethod
        def backward(ctx, g2, g3):
            return g2 * 2 + g3 * 3

    class TooFewGradients(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output

    class GradientForANumber(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a, scale):
            return a * scale

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output, grad_output

    class Identity(lib.autograd.Function):       # returns its input as it is
        @staticmethod
        def forward(ctx, a):
            return a

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * 5

    return locals()


def _run(lib, name, use):
    x = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = lib.tensor([1.5, 2.0, -3.0], requires_grad=True)
    out = use(functions(lib)[name], x, y)
    first = out[0] if isinstance(out, tuple) else out
    seen = [out, first.grad_fn.name(), len(first.grad_fn.next_functions),
            [type(n).__name__ if n is not None else None for n, _ in first.grad_fn.next_functions]]
    loss = sum(o.sum() for o in out) if isinstance(out, tuple) else out.sum()
    seen.append(outcome(lambda: loss.backward()))
    return seen, [x.grad, y.grad]


CASES = {
    "Exp": lambda F, x, y: F.apply(x),
    "ScaledBy": lambda F, x, y: F.apply(x, 3.0),
    "TwoOutputs": lambda F, x, y: F.apply(x),
    "TooFewGradients": lambda F, x, y: F.apply(x, y),
    "GradientForANumber": lambda F, x, y: F.apply(x, 2),
    "Identity": lambda F, x, y: F.apply(x),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_custom_function_behaves_as_pytorchs(name):
    torch = torch_or_skip()
    ours, our_grads = _run(engine, name, CASES[name])
    theirs, their_grads = _run(torch, name, CASES[name])
    for a, b in zip(ours, theirs):
        assert_same(a, b)
    assert_same_gradients(our_grads, their_grads)


def test_the_node_is_named_and_typed_as_pytorchs():
    torch = torch_or_skip()
    ours = functions(engine)["Exp"].apply(engine.ones(2, requires_grad=True))
    theirs = functions(torch)["Exp"].apply(torch.ones(2, requires_grad=True))
    assert repr(type(ours.grad_fn)) == repr(type(theirs.grad_fn)) == \
        "<class 'torch.autograd.function.ExpBackward'>"
    assert repr(ours) == repr(theirs)


def test_no_graph_without_grad_and_a_second_backward_is_refused():
    torch = torch_or_skip()
    for lib in (engine, torch):
        exp = functions(lib)["Exp"]
        x = lib.ones(2, requires_grad=True)
        with lib.no_grad():
            assert exp.apply(x).grad_fn is None
        assert exp.apply(lib.ones(2)).grad_fn is None
    ours, theirs = functions(engine)["Exp"].apply(engine.ones(2, requires_grad=True)).sum(), \
        functions(torch)["Exp"].apply(torch.ones(2, requires_grad=True)).sum()
    ours.backward(retain_graph=False)
    theirs.backward(retain_graph=False)
    assert_same(outcome(ours.backward), outcome(theirs.backward))


def test_ctx_needs_input_grad_says_which_inputs_need_a_gradient():
    torch = torch_or_skip()
    seen = {}
    for lib in (engine, torch):
        class Probe(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a, b, n):
                seen[lib.__name__] = ctx.needs_input_grad
                return a + b

            @staticmethod
            def backward(ctx, g):
                return g, g, None
        Probe.apply(lib.ones(1, requires_grad=True), lib.ones(1), 3)
    assert seen["engine"] == seen["torch"] == (True, False, False)


def test_the_node_keeps_only_what_was_saved():
    """The vjp captures no tensor (tests/engine/test_saved_values.py's rule for every op)."""
    x = engine.ones(3, requires_grad=True)
    out = functions(engine)["ScaledBy"].apply(x * 1, 2.0)
    ours = functions(engine)["TwoOutputs"].apply(x * 1)
    from tests.engine.test_saved_values import _arrays_captured_by
    assert _arrays_captured_by(out.grad_fn._vjp) == []
    assert _arrays_captured_by(ours[0].grad_fn._vjp) == []


def in_place_functions(lib):
    """Functions that modify their input and say so with ctx.mark_dirty, and one that forgets."""
    class AddOne_(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * 2

    class DirtyNotReturned(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x * 2

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output

    class Forgot(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output
    return AddOne_, DirtyNotReturned, Forgot


def test_mark_dirty_returns_the_input_with_the_functions_history():
    torch = torch_or_skip()

    def run(lib):
        add_one_, dirty_not_returned, forgot = in_place_functions(lib)
        a = lib.tensor([1., 2.], requires_grad=True)
        b = a.clone()
        before = b._version
        c = add_one_.apply(b)
        facts = (c is b, c.grad_fn.name(), b.grad_fn is c.grad_fn, b._version - before, c)
        c.sum().backward()
        view = a.clone()[1:]
        d = add_one_.apply(view)
        with lib.no_grad():
            plain = lib.ones(2)
        e = forgot.apply(a.clone())
        return (facts, a.grad, d is view, d.grad_fn.name(), d._base.grad_fn.name(), add_one_.apply(plain), plain,
                e.grad_fn.name(), outcome(lambda: add_one_.apply(a)),
                outcome(lambda: dirty_not_returned.apply(a.clone())))
    assert_same(run(engine), run(torch))


def test_once_differentiable_refuses_a_double_backward_with_pytorchs_error():
    torch = torch_or_skip()

    def run(lib):
        class Square(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * x

            @staticmethod
            @lib.autograd.function.once_differentiable
            def backward(ctx, grad_output):
                (x,) = ctx.saved_tensors
                return 2 * x * grad_output

        x = lib.tensor([1., 3.], requires_grad=True)
        (once,) = lib.autograd.grad(Square.apply(x).sum(), x, create_graph=True)   # no gradient needs it twice
        (twice,) = lib.autograd.grad((Square.apply(x) ** 2).sum(), x, create_graph=True)
        return (once, once.grad_fn, twice, twice.grad_fn.name(), outcome(lambda: twice.sum().backward()),
                Square.backward.__name__)
    assert_same(run(engine), run(torch))


def test_setup_context_style_and_materialize_grads():
    torch = torch_or_skip()

    def run(lib):
        class Scale(lib.autograd.Function):     # PyTorch 2's style: forward without ctx
            @staticmethod
            def forward(x, k):
                return x * k

            @staticmethod
            def setup_context(ctx, inputs, output):
                x, k = inputs
                ctx.k = k
                ctx.save_for_backward(x, output)

            @staticmethod
            def backward(ctx, grad_output):
                x, out = ctx.saved_tensors
                return grad_output * ctx.k + 0 * out, None

        class Pair(lib.autograd.Function):      # an output that gets no gradient arrives as None
            @staticmethod
            def forward(ctx, x):
                ctx.set_materialize_grads(False)
                return x.clone(), x.clone()

            @staticmethod
            def backward(ctx, g1, g2):
                ctx.seen = (g1, g2)
                return g1 if g1 is not None else g2

        x = lib.tensor([1., 3.], requires_grad=True)
        y = Scale.apply(x, 3.0)
        y.sum().backward()
        u, w = Pair.apply(x)
        u.sum().backward()
        return y, y.grad_fn.name(), x.grad, u.grad_fn.name(), repr(u.grad_fn).split(" object")[0]
    assert_same(run(engine), run(torch))
