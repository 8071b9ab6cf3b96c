"""torch.autograd.graph.saved_tensors_hooks and save_on_cpu, held against PyTorch.

Each case runs the same code on both libraries and compares what the hooks saw, call by call:
which tensors were packed when the ops ran (PyTorch's order: each op's saved values in the order
it saves them, the output included), which were unpacked by backward and in what order, the
gradients, and PyTorch's errors.
"""
from __future__ import annotations

import engine
from tests.oracle import assert_same, outcome, torch_or_skip


def logging_hooks(log, detach=True):
    """A pack and an unpack hook that write what they are given into ``log``."""
    def pack_hook(x):
        log.append(f"Packing {x}")
        return x.detach() if detach else x

    def unpack_hook(x):
        log.append(f"Unpacking {x}")
        return x
    return pack_hook, unpack_hook


def docs_example(lib):
    """saved_tensors_hooks' docstring example: a * b packs b (a's factor) then a."""
    log = []
    a = lib.ones(5, requires_grad=True)
    b = lib.ones(5, requires_grad=True) * 2
    with lib.autograd.graph.saved_tensors_hooks(*logging_hooks(log)):
        y = a * b
    y.sum().backward()
    return log, a.grad


def nested(lib):
    """Only the innermost pair applies; backward unpacks each node's values as it runs it."""
    log = []
    x = lib.tensor([1., 2.], requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(lambda t: log.append("outer") or t, lambda t: t):
        with lib.autograd.graph.saved_tensors_hooks(*logging_hooks(log, detach=False)):
            z = x.exp()
            w = x.sin() * x.pow(3)
        q = x * x
    (z.sum() + w.sum() + q.sum()).backward()
    return log, x.grad


def only_what_is_saved(lib):
    """An input that needs no gradient saves nothing for it; a product of constants saves nothing."""
    log = []
    x = lib.tensor([1., 2.], requires_grad=True)
    c = lib.ones(2)
    with lib.autograd.graph.saved_tensors_hooks(*logging_hooks(log)):
        z = x * c
        c * c
    z.sum().backward()
    return log, x.grad


def custom_function(lib):
    """What a Function saves with ctx.save_for_backward is packed too."""
    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            ctx.save_for_backward(i)
            return i ** 3

        @staticmethod
        def backward(ctx, grad_output):
            (i,) = ctx.saved_tensors
            return grad_output * 3 * i * i

    log = []
    x = lib.tensor([1., 2.], requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(*logging_hooks(log)):
        y = Cube.apply(x)
    y.sum().backward()
    return log, x.grad


def save_on_cpu(lib):
    x = lib.tensor([1., 2., 3.], requires_grad=True)
    with lib.autograd.graph.save_on_cpu():
        z = x.exp() * x
    z.sum().backward()
    return x.grad, isinstance(lib.autograd.graph.save_on_cpu(), lib.autograd.graph.saved_tensors_hooks)


def retained_and_freed(lib):
    """Packed values follow the graph's life: kept by retain_graph, freed after."""
    x = lib.tensor([1., 2.], requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        z = x.exp()
    z.sum().backward(retain_graph=True)
    z.sum().backward()
    return x.grad, outcome(lambda: z.sum().backward())


def unpack_gives_no_tensor(lib):
    x = lib.tensor([1., 2.], requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(lambda t: 5, lambda t: t):
        z = x.exp()
    return outcome(lambda: z.sum().backward())


def create_graph(lib):
    """A packed output under create_graph keeps its history: the gradient's grad_fn is PyTorch's."""
    x = lib.tensor([1., 2.], requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        z = x.exp()
    (g,) = lib.autograd.grad(z.sum(), x, create_graph=True)
    (gg,) = lib.autograd.grad(g.sum(), x)
    return g, gg


def disabled(lib):
    """disable_saved_tensors_hooks refuses saved_tensors_hooks with its message."""
    def enter():
        with lib.autograd.graph.disable_saved_tensors_hooks("no hooks here"):
            with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
                pass
    return outcome(enter)


def computing_pack_hook(lib):
    """A pack hook that computes with the tensor does not pack what it computes (no recursion)."""
    calls = []
    x = lib.tensor([1., 2.], requires_grad=True)

    def pack_hook(t):
        calls.append(len(calls))
        return (t * t).detach()
    with lib.autograd.graph.saved_tensors_hooks(pack_hook, lambda packed: packed.sqrt()):
        y = x.exp()
    y.sum().backward()
    return calls, x.grad


CASES = (docs_example, computing_pack_hook, nested, only_what_is_saved, custom_function, save_on_cpu, retained_and_freed,
         unpack_gives_no_tensor, create_graph, disabled)


def test_saved_tensors_hooks_as_pytorch():
    torch = torch_or_skip()
    for case in CASES:
        assert_same(case(engine), case(torch))


def post_accumulate(lib):
    """Tensor.register_post_accumulate_grad_hook: after the tensor hooks, once .grad holds the
    sum; removable; not run by autograd.grad; PyTorch's errors."""
    log = []
    x = lib.tensor([1., 2.], requires_grad=True)
    handle = x.register_post_accumulate_grad_hook(lambda t: log.append(("post", t.grad.clone())))
    x.register_hook(lambda g: log.append(("pre", g)))
    (x * 3).sum().backward()
    (x * x).sum().backward()
    handle.remove()
    (x * 3).sum().backward()
    lib.autograd.grad((x * 3).sum(), x)
    x.register_post_accumulate_grad_hook(lambda t: 5)
    not_a_tensor = outcome(lambda: (x * 3).sum().backward())
    y = lib.ones(2, requires_grad=True)
    y.register_post_accumulate_grad_hook(lambda t: t.grad)
    return (log, x.grad, not_a_tensor, outcome(lambda: (y * 3).sum().backward()),
            outcome(lambda: (x * 2).register_post_accumulate_grad_hook(lambda t: None)),
            outcome(lambda: lib.ones(2).register_post_accumulate_grad_hook(lambda t: None)))


def test_post_accumulate_grad_hook_as_pytorch():
    torch = torch_or_skip()
    assert_same(post_accumulate(engine), post_accumulate(torch))


# One expression per node of backprop.SAVED_NAMES (x, y: 2x2 tensors requiring grad)
SAVED_ATTRIBUTE_CASES = (
    "x * y", "x / y", "x.atan2(y)", "x.maximum(y)", "x.minimum(y)", "x @ y", "x ** 2", "x.pow(y)", "2 ** x",
    "x.max()", "x.min()", "x.prod()", "x.norm()", "x.std()", "x.var()", "x.sin()", "x.cos()", "x.log()",
    "x.log2()", "x.log1p()", "x.abs()", "x.erf()", "x.sinh()", "x.cosh()", "x.asin()", "x.atan()",
    "torch.nn.functional.gelu(x)", "torch.nn.functional.softplus(x)", "x.clamp(0.1, 0.5)", "x.exp()",
    "x.exp2()", "x.expm1()", "x.sqrt()", "x.rsqrt()", "x.tanh()", "x.tan()", "x.sigmoid()", "x.relu()",
    "x.reciprocal()", "x.softmax(1)", "x.log_softmax(1)")


def test_saved_attributes_are_pytorchs():
    """grad_fn._saved_self, _saved_other, _saved_result ...: the same tensors (the inputs themselves,
    the output with the node as history) under PyTorch's names, for every node of the table."""
    torch = torch_or_skip()
    from engine.autograd.backprop import SAVED_NAMES
    covered = set()
    for expression in SAVED_ATTRIBUTE_CASES:
        nodes = []
        for lib in (engine, torch):
            x = lib.tensor([[0.2, 0.4], [0.6, 0.3]], requires_grad=True)
            y = lib.tensor([[0.5, 0.7], [0.1, 0.9]], requires_grad=True)
            nodes.append((eval(expression, {"torch": lib, "x": x, "y": y}).grad_fn, x))
        name = type(nodes[0][0]).__name__
        covered.add(name)
        assert_same(*([(attribute, getattr(node, "_saved_" + attribute) is x, getattr(node, "_saved_" + attribute))
                       for attribute in SAVED_NAMES[name]] for node, x in nodes))
    assert covered == set(SAVED_NAMES)


def test_a_saved_number_is_handed_out_as_pytorchs_wrapped_tensor():
    torch = torch_or_skip()

    def saved_numbers(lib):
        x = lib.ones(2, requires_grad=True)
        return [(x * 2).grad_fn._saved_other, (x * 2.5).grad_fn._saved_other, (x * True).grad_fn._saved_other,
                (2 * x).grad_fn._saved_other, (x / 3).grad_fn._saved_other, (x * 1j).grad_fn._saved_other]
    assert_same(saved_numbers(engine), saved_numbers(torch))


def _saved_attribute_refusals(lib):
    """A saved-value name the node does not have, and one it has once backward freed it."""
    x = lib.tensor([0.2, 0.4], requires_grad=True)
    y = x * x
    unknown = outcome(lambda: (x + 1).grad_fn._saved_nothing)
    y.sum().backward()
    return unknown, outcome(lambda: y.grad_fn._saved_self)


def test_saved_attributes_refuse_as_pytorchs():
    """The attributes are properties of the node classes: any other name is AttributeError in
    Python's words, and a freed value PyTorch's error, as PyTorch gives them."""
    torch = torch_or_skip()
    assert_same(_saved_attribute_refusals(engine), _saved_attribute_refusals(torch))


def test_a_function_with_several_outputs_packs_what_it_saves():
    torch = torch_or_skip()

    def run(lib):
        class SinCos(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x.sin(), x.cos()

            @staticmethod
            def backward(ctx, g_sin, g_cos):
                (x,) = ctx.saved_tensors
                return g_sin * x.cos() - g_cos * x.sin()

        log = []
        x = lib.tensor([0.5, 1.0], requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(*logging_hooks(log)):
            s, c = SinCos.apply(x)
        (s + c).sum().backward()
        return log, x.grad
    assert_same(run(engine), run(torch))
