"""Autograd semantics against PyTorch: version counters, in-place rules, freeing the graph,
hooks, retain_grad, requires_grad rules, autograd.grad, grad modes, deep graphs, gradcheck.

Each behaviour is a snippet run with ``torch`` bound to the engine and, where PyTorch is
installed, to PyTorch: both must end alike (the same result repr, or the same exception type
and message). Literal expectations from the reference keep the tests meaningful without torch.
"""
from __future__ import annotations

import gc
import time
import warnings
import weakref

import numpy as np
import pytest

import engine
from engine.broadcasting import fit_gradient
from engine.autograd.graph import node_type
from tests.oracle import assert_same, torch_or_skip

FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after they have "
         "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
         "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
         "if you need to access saved tensors after calling backward.")
HINT = ("Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False).")
LEAF = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF = "a view of a leaf Variable that requires grad is being used in an in-place operation."


def outcome(src, lib):
    """Run ``src`` with ``torch`` bound to ``lib``: ("ok", repr(result), warnings) or (error type, message)."""
    namespace = {"torch": lib}
    lib.set_grad_enabled(True)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            exec(src, namespace)
        return ("ok", repr(namespace.get("result")), [str(w.message) for w in caught])
    except Exception as e:   # the point is to compare failures too
        return (type(e).__name__, str(e))
    finally:
        lib.set_grad_enabled(True)


def check(src, expected=None):
    """The engine's outcome of ``src`` is PyTorch's, and ``expected`` when given (an error message
    or a result repr)."""
    ours = outcome(src, engine)
    if expected is not None:
        assert expected in (ours[1],), ours
    try:
        import torch
    except ImportError:
        return ours
    assert ours == outcome(src, torch)
    return ours


def version_error(shape, producer, now, expected):
    which = f", which is output 0 of {producer}," if producer else ""
    return (f"one of the variables needed for gradient computation has been modified by an inplace operation: "
            f"[torch.FloatTensor [{shape}]]{which} is at version {now}; expected version {expected} instead. "
            + HINT)


# -- version counters ----------------------------------------------------------------------------

@pytest.mark.parametrize("src,expected", [
    ("a = torch.ones(3, requires_grad=True); b = a.exp(); c = b * 2; b.add_(1); c.sum().backward()",
     version_error("3", "Exp", 1, 0)),
    ("a = torch.ones(3, requires_grad=True); b = a * 2; c = b ** 2; b.mul_(2); c.sum().backward()",
     version_error("3", "Mul", 1, 0)),
    ("a = torch.ones(3, requires_grad=True); b = a.sigmoid(); b.mul_(2); b.sum().backward()",
     version_error("3", "Sigmoid", 1, 0)),
    ("a = torch.ones(2, 2, requires_grad=True); b = a * 1; c = b * b; b[0, 0] = 3.; c.sum().backward()",
     version_error("2, 2", "torch::autograd::CopySlices", 1, 0)),
    ("t = torch.ones(3, requires_grad=True); u = t + 0; w = u * u; u.add_(1); w.sum().backward()",
     version_error("3", "Add", 1, 0)),
    ("a = torch.ones(3, requires_grad=True); x = a * 1; x.exp_(); y = x * 2; x.add_(1); y.sum().backward()",
     version_error("3", "Exp", 2, 1)),
    ("x = torch.ones(3, requires_grad=True); y = x * x\nwith torch.no_grad(): x.add_(1)\ny.sum().backward()",
     version_error("3", None, 1, 0)),
    ("x = torch.ones(3, requires_grad=True); b = x * 1; y = b * b; b[1:].add_(1); y.sum().backward()",
     version_error("3", "torch::autograd::CopySlices", 1, 0)),
    ("x = torch.ones(3, requires_grad=True); b = x * 2; y = b * b; b.detach().add_(1); y.sum().backward()",
     version_error("3", "Mul", 1, 0)),
], ids=["exp", "mul", "sigmoid", "copyslices", "add", "inplace-output", "leaf-no-grad", "view", "detach"])
def test_modified_saved_tensor_is_an_error_naming_the_op(src, expected):
    check(src, expected)


def test_version_counter_is_shared_by_views_and_detach_not_by_data():
    check("t = torch.ones(3); r = [t._version]; t.add_(1); r.append(t._version); t[0] = 2.; r.append(t._version); "
          "v = t[1:]; v.mul_(2); r += [t._version, v._version]; t.detach().add_(1); r.append(v._version); "
          "t.data.add_(1); r.append(t._version); result = r", "[0, 1, 2, 3, 3, 4, 4]")
    check("t = torch.ones(3); t._version = 3")


def test_modifying_through_data_is_invisible_to_autograd():
    check("x = torch.ones(3, requires_grad=True); y = x * x; x.data.add_(1); y.sum().backward(); result = x.grad",
          "tensor([4., 4., 4.])")


# -- in-place on leaves ----------------------------------------------------------------------------

@pytest.mark.parametrize("src,expected", [
    ("x.add_(1)", LEAF), ("x += 1", LEAF), ("x.mul_(2)", LEAF), ("x.zero_()", LEAF), ("x[x > 0] = 5.", LEAF),
    ("x[0] = 5.", VIEW_OF_LEAF), ("v = x.view(3); v.add_(1)", VIEW_OF_LEAF), ("x[1:].exp_()", VIEW_OF_LEAF),
])
def test_inplace_on_a_leaf_that_requires_grad(src, expected):
    check("x = torch.ones(3, requires_grad=True)\n" + src, expected)


def test_inplace_on_a_leaf_is_allowed_under_no_grad_and_through_data():
    check("x = torch.ones(3, requires_grad=True); x.data.add_(1)\n"
          "with torch.no_grad():\n  x.add_(1); x -= 0.5 * torch.ones(3); x[0] = 7.\n"
          "result = (x, x.is_leaf, x.grad_fn, x._version)",
          "(tensor([7.0000, 2.5000, 2.5000], requires_grad=True), True, None, 3)")


# -- freeing the graph, retain_graph ---------------------------------------------------------------

TUTORIAL = "x = torch.ones(2, 2, requires_grad=True); out = ((x + 2) * (x + 2) * 3).mean()\n"


@pytest.mark.parametrize("src,expected", [
    (TUTORIAL + "out.backward(); out.backward()", FREED),
    ("x = torch.ones(2, requires_grad=True); s = (x + 2).sum(); s.backward(); s.backward(); result = x.grad",
     "tensor([2., 2.])"),
    ("x = torch.ones(2, requires_grad=True); s = (x * 2).sum(); s.backward(); s.backward()", FREED),
    ("x = torch.ones(2, requires_grad=True); s = (x * x).sum(); s.backward(); s.backward()", FREED),
    ("x = torch.ones(2, requires_grad=True); h = x + 1; h[0] = 5.; s = h.sum(); s.backward(); s.backward()", FREED),
    ("x = torch.ones(2, requires_grad=True); y = (x * x).sum(); torch.autograd.grad(y, x); torch.autograd.grad(y, x)",
     FREED),
    (TUTORIAL + "out.backward(retain_graph=True); out.backward(retain_graph=True); out.backward(); "
     "r = x.grad.clone(); x.grad.zero_(); x.grad = None; result = (r, x.grad)",
     "(tensor([[13.5000, 13.5000],\n        [13.5000, 13.5000]]), None)"),
    (TUTORIAL + "out.backward(retain_graph=True); out.backward(); out.backward()", FREED),
], ids=["twice", "nothing-saved", "saved-scalar", "saved-input", "copyslices", "grad", "retain", "retain-then-free"])
def test_backward_twice(src, expected):
    check(src, expected)


def test_saved_tensors_are_freed_by_backward_without_the_garbage_collector():
    gc.collect()
    gc.disable()
    try:
        x = engine.ones(3, requires_grad=True)
        a = x.exp()              # ExpBackward0 saves its output
        b = a * x                # MulBackward0 saves both inputs
        c = b.sigmoid()          # saves its output
        out = c.sum()
        arrays = [weakref.ref(t._data) for t in (a, b, c)]
        del a, b, c
        assert arrays[1]() is None                             # sigmoid saves its output, not b (as PyTorch)
        assert arrays[0]() is not None and arrays[2]() is not None   # kept for backward
        out.backward()
        assert [r() for r in arrays] == [None, None, None]     # released at once
        assert x.grad is not None
    finally:
        gc.enable()


def test_a_graph_dropped_without_backward_is_freed_without_the_garbage_collector():
    gc.collect()
    gc.disable()
    try:
        x = engine.ones(3, requires_grad=True)
        out = (x * 2).exp().tanh().sigmoid().sqrt().relu().sum()   # ops that save their outputs
        nodes = []
        node = out.grad_fn
        while node is not None and node.next_functions:
            nodes.append(weakref.ref(node))
            node = node.next_functions[0][0]
        del out, node
        assert [r() for r in nodes] == [None] * len(nodes)   # no out -> grad_fn -> vjp -> out cycles
    finally:
        gc.enable()


def test_second_derivatives_through_ops_that_save_their_output():
    from engine.autograd import gradgradcheck
    x = engine.tensor([0.3, -0.2, 0.9], dtype=engine.float64, requires_grad=True)
    assert gradgradcheck(lambda a: a.exp().tanh().sigmoid() * (a * a + 1).sqrt() * a.relu(), (x,))


def test_retained_graph_keeps_saved_tensors():
    x = engine.ones(3, requires_grad=True)
    a = x.exp()
    alive = weakref.ref(a._data)    # exp saves its output's data (the tensor a itself is free to go)
    out = (a * 2).sum()
    del a
    out.backward(retain_graph=True)
    assert alive() is not None
    out.backward()
    assert alive() is None
    assert np.allclose(x.grad.numpy(), 4 * np.e)


# -- deep graphs -------------------------------------------------------------------------------------

def _chain(n):
    x = engine.ones(3, requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0
    return x, y


def _backward_seconds(n):
    x, y = _chain(n)
    start = time.perf_counter()
    y.sum().backward()
    seconds = time.perf_counter() - start
    assert x.grad.tolist() == [1.0, 1.0, 1.0]
    return seconds


def test_a_100k_op_chain_backpropagates_in_linear_time():
    small = min(_backward_seconds(10_000) for _ in range(2))
    large = _backward_seconds(100_000)
    assert large / small < 20     # 10x the length; quadratic would be ~100x


def test_printing_and_deleting_a_deep_graph():
    x, y = _chain(100_000)
    assert "grad_fn=<MulBackward0>" in repr(y)
    assert repr(y.grad_fn).startswith("<MulBackward0 object at")
    ref = weakref.ref(y.grad_fn)
    del y                         # frees 100,000 nodes without a RecursionError
    gc.collect()
    assert ref() is None


# -- .grad, retain_grad, hooks -----------------------------------------------------------------------

NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be "
    "populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf "
    "Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure "
    "you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more information. "
    "(Triggered internally at /__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h:493.)")


def test_grad_of_a_non_leaf_warns():
    ours = check("x = torch.ones(2, requires_grad=True); y = x * 2; y.sum().backward(); result = (y.grad, y.is_leaf)")
    assert ours == ("ok", "(None, False)", [NON_LEAF_GRAD])


def test_retain_grad():
    check("x = torch.ones(2, requires_grad=True); y = x * 2; y.retain_grad(); (y * y).sum().backward(); "
          "x.retain_grad(); result = (y.grad, y.retains_grad, x.grad, x.retains_grad, torch.ones(2).grad)",
          "(tensor([4., 4.]), True, tensor([8., 8.]), False, None)")
    check("torch.ones(2).retain_grad()", "can't retain_grad on Tensor that has requires_grad=False")
    check("x = torch.ones(2, requires_grad=True); y = x * 2; y.retain_grad(); y.mul_(3); y.sum().backward(); "
          "result = (y.grad, x.grad)", "(tensor([1., 1.]), tensor([6., 6.]))")


@pytest.mark.parametrize("src", [
    "h = x.register_hook(lambda g: g * 3); (x * 2).sum().backward(); result = x.grad",
    "h = x.register_hook(lambda g: g * 3); h.remove(); (x * 2).sum().backward(); result = x.grad",
    "y = x * 2; seen = []; y.register_hook(lambda g: seen.append(g.clone())); y.register_hook(lambda g: g * 10); "
    "(y * y).sum().backward(); result = (x.grad, seen)",
    "y = x * 2; y.retain_grad(); y.register_hook(lambda g: g * 10); y.sum().backward(); result = (x.grad, y.grad)",
    "torch.ones(2).register_hook(lambda g: g)",
    "y = x * 2; seen = []; y.register_hook(lambda g: seen.append(g)); y.mul_(3); "
    "y.register_hook(lambda g: seen.append(g * 100)); y.sum().backward(); result = seen",
    "x.register_hook(lambda g: torch.ones(3)); (x * 2).sum().backward()",
    "y = x * 3; seen = []; y.grad_fn.register_hook(lambda gi, go: seen.append((type(gi).__name__, gi, go))); "
    "(y * y).sum().backward(); result = (seen, x.grad)",
    "y = x * 3; y.grad_fn.register_hook(lambda gi, go: (gi[0] * 10, None)); (y * y).sum().backward(); result = x.grad",
    "y = x * 3; seen = []; y.grad_fn.register_prehook(lambda go: seen.append(go)); (y * y).sum().backward(); "
    "result = (seen, x.grad)",
    "y = x * 3; h = y.grad_fn.register_prehook(lambda go: (go[0] * 0,)); (y * y).sum().backward(retain_graph=True); "
    "r = x.grad.clone(); h.remove(); (y * y).sum().backward(); result = (r, x.grad)",
    "y = x * 3; seen = []; acc = y.grad_fn.next_functions[0][0]; acc.register_prehook(lambda go: seen.append(go)); "
    "y.sum().backward(); result = (seen, acc.name(), type(acc).__name__, acc.variable is x)",
], ids=["leaf", "removed", "non-leaf", "before-retain-grad", "no-grad", "around-inplace", "changed-size",
        "node-hook", "node-hook-replaces", "node-prehook", "node-prehook-removed", "accumulate-grad-prehook"])
def test_tensor_hooks(src):
    check("x = torch.ones(2, requires_grad=True)\n" + src)


# -- requires_grad rules -----------------------------------------------------------------------------

@pytest.mark.parametrize("src,expected", [
    ("torch.tensor([1, 2, 3], requires_grad=True)",
     "Only Tensors of floating point and complex dtype can require gradients"),
    ("torch.ones(3, dtype=torch.long, requires_grad=True)",
     "Only Tensors of floating point and complex dtype can require gradients"),
    ("torch.tensor([True], requires_grad=True)", "Only Tensors of floating point and complex dtype can require gradients"),
    ("torch.arange(3).requires_grad_()", "only Tensors of floating point dtype can require gradients"),
    ("i = torch.arange(3); i.requires_grad = True", "only Tensors of floating point and complex dtype can require gradients"),
    ("y = torch.ones(2, requires_grad=True) * 2; y.requires_grad = False",
     "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a "
     "subgraph that doesn't require differentiation use var_no_grad = var.detach()."),
    ("y = torch.ones(2, requires_grad=True) * 2; y.requires_grad = True",
     "you can only change requires_grad flags of leaf variables."),
    ("y = torch.ones(2, requires_grad=True) * 2; result = y.requires_grad_()",
     "tensor([2., 2.], grad_fn=<MulBackward0>)"),
    ("z = torch.ones(2); z.requires_grad = True; a = repr(z); z.requires_grad_(False); "
     "result = (a, repr(z), z.requires_grad_(True), torch.arange(2).requires_grad_(False))",
     "('tensor([1., 1.], requires_grad=True)', 'tensor([1., 1.])', tensor([1., 1.], requires_grad=True), "
     "tensor([0, 1]))"),
])
def test_requires_grad_rules(src, expected):
    check(src, expected)


# -- detach, .data, .grad assignment ------------------------------------------------------------------

def test_detach_and_data_share_storage():
    check("x = torch.tensor([1., 2., 3.], requires_grad=True); d = x.detach(); r = (d.requires_grad, d.is_leaf); "
          "d[0] = 100.; result = (r, x, d.data_ptr() == x.data_ptr(), x.data, x.data.requires_grad)",
          "((False, True), tensor([100.,   2.,   3.], requires_grad=True), True, tensor([100.,   2.,   3.]), False)")
    check("x = torch.tensor([1., 2.], requires_grad=True); y = x * 2; result = (x.detach_(), y.detach_(), y.is_leaf, "
          "y.grad_fn)", "(tensor([1., 2.]), tensor([2., 4.]), True, None)")
    check("x = torch.tensor([1., 2., 3.]); x[1:].detach_()")


@pytest.mark.parametrize("value", ["[1.]", "torch.ones(3, dtype=torch.float64)", "torch.ones(2)",
                                   "torch.ones(3, dtype=torch.long)", "torch.full((3,), 2.)", "None"])
def test_grad_assignment_checks(value):
    check(f"x = torch.ones(3, requires_grad=True); x.grad = {value}; result = x.grad")


# -- backward arguments and autograd.grad --------------------------------------------------------------

@pytest.mark.parametrize("src", [
    "(x * 2).backward()",
    "(x * 2).backward(torch.ones(2))",
    "(x * 2).backward([1., 1., 1.])",
    "(x * 2).backward(torch.ones(3, dtype=torch.int64)); result = (x.grad, x.grad.dtype)",
    "torch.ones(3).sum().backward()",
    "torch.autograd.backward([(x * 2).sum(), (x * 3).sum()], [torch.tensor(1.)])",
    "w = torch.ones(3, requires_grad=True); (x * w).sum().backward(inputs=[x]); result = (x.grad, w.grad)",
    "y = x * 2; (y * y).sum().backward(inputs=[y]); result = (x.grad, y.grad, y.retains_grad)",
    "(x * 2).sum().backward(inputs=[])",
    "(x ** 3).sum().backward(create_graph=True); result = (x.grad, x.grad.requires_grad)",
    "result = torch.autograd.grad(x.sum(), x)",
    "torch.autograd.grad((x * 2).sum(), [x, torch.ones(3, requires_grad=True)])",
    "result = torch.autograd.grad((x * 2).sum(), torch.ones(3, requires_grad=True), allow_unused=True)",
    "result = torch.autograd.grad((x * 2).sum(), [x, torch.ones(3, requires_grad=True)], materialize_grads=True)",
    "torch.autograd.grad((x * 2).sum(), x, materialize_grads=True, allow_unused=False)",
    "torch.autograd.grad(x * 2, x)",
    "torch.autograd.grad((x * 2).sum(), torch.ones(3))",
    "torch.autograd.grad([x * 2], [x], [torch.ones(2)])",
    "torch.autograd.grad([x * 2, x * 3], [x], [torch.ones(3)])",
    "torch.autograd.grad((x * 2).sum(), [])",
    "result = torch.autograd.grad([x.sum(), (x * x).sum()], [x])",
    "(g,) = torch.autograd.grad((x ** 3).sum(), x, create_graph=True); (h,) = torch.autograd.grad(g.sum(), x); "
    "result = (g, h, x.grad)",
    "(g,) = torch.autograd.grad((x.exp() * x).sum(), x, create_graph=True); g.sum().backward(); result = (g, x.grad)",
    "(g,) = torch.autograd.grad((x * 2).sum(), x); result = g.requires_grad",
    "y = x * 2; result = torch.autograd.grad((y * y).sum(), [y, x])",
    "y = x * 2; w = x * 5; torch.autograd.grad((y * y).sum(), [w])",
    "x.backward(torch.ones(3)); x.sum().backward(); result = x.grad",
    "y = x.long(); result = (y.requires_grad, y.grad_fn, (x > 1).requires_grad, x.argmax().requires_grad)",
    "g = torch.zeros(3); x.grad = g; (x * 2).sum().backward(); result = (g, x.grad is g)",
])
def test_backward_and_grad(src):
    check("x = torch.tensor([1., 2., 3.], requires_grad=True)\n" + src)


# -- grad modes ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("src", [
    "with torch.no_grad(): y = x * 2\nresult = (y, y.requires_grad, y.grad_fn, y.is_leaf, torch.is_grad_enabled())",
    "r = []\nwith torch.no_grad():\n  r.append(torch.is_grad_enabled())\n  with torch.enable_grad(): w = x * 3\n"
    "result = (r, w)",
    "with torch.set_grad_enabled(False): v = x + 1\nresult = (v.requires_grad, torch.is_grad_enabled())",
    "torch.set_grad_enabled(False); r = torch.is_grad_enabled(); torch.set_grad_enabled(True); result = r",
    "@torch.set_grad_enabled(False)\ndef f(): return torch.is_grad_enabled()\nresult = (torch.is_grad_enabled(), f())",
    "@torch.no_grad()\ndef f(t): return t * 2\nresult = f(x)",
    "@torch.no_grad\ndef f(t): return t * 2\nresult = f(x)",
    "@torch.enable_grad()\ndef f(): return torch.is_grad_enabled()\nwith torch.no_grad(): result = f()",
    "@torch.no_grad()\ndef gen():\n  yield torch.is_grad_enabled()\n  yield torch.is_grad_enabled()\n"
    "result = (list(gen()), torch.is_grad_enabled())",
    "with torch.no_grad(): n = torch.ones(2, requires_grad=True)\nresult = (n, (n * 2).requires_grad)",
    "with torch.no_grad(): s = x.sum()\ns.backward()",
    "with torch.inference_mode(): q = x * 2\nresult = (q, q.requires_grad, torch.is_grad_enabled())",
    "with torch.inference_mode(False): q = x * 2\nresult = q",
    "result = torch.set_grad_enabled(1)",
])
def test_grad_modes(src):
    check("x = torch.ones(2, requires_grad=True)\n" + src)


def test_inference_mode_flag():
    from engine.autograd import inference_mode, is_inference_mode_enabled
    assert not is_inference_mode_enabled()
    with inference_mode():
        assert is_inference_mode_enabled() and not engine.is_grad_enabled()
    with inference_mode(False):
        assert not is_inference_mode_enabled() and engine.is_grad_enabled()

    @inference_mode
    def inside():
        return is_inference_mode_enabled()
    assert inside() and not is_inference_mode_enabled()


# -- the central check of every gradient ------------------------------------------------------------------

def test_fit_sums_broadcast_gradients_and_casts_dtype():
    """The metadata keeps the input's shape and NumPy dtype."""
    node = node_type("MulBackward0")((), None, None, ())
    g = engine.ones(4, 2, 3, dtype=engine.float64)
    fitted = fit_gradient(g, ((2, 1), np.dtype(np.float32)), node, 0)
    assert fitted.shape == (2, 1) and fitted.dtype is engine.float32
    assert fitted.tolist() == [[12.0], [12.0]]
    assert fit_gradient(engine.ones(3), ((3,), np.dtype(np.float32)), node, 0).tolist() == [1.0, 1.0, 1.0]


def test_fit_names_the_op_returning_a_wrong_shape():
    node = node_type("MulBackward0")((), None, None, ())
    with pytest.raises(RuntimeError, match=r"^Function MulBackward0 returned an invalid gradient at index 1 - "
                                           r"got \[4\] but expected shape compatible with \[3\]$"):
        fit_gradient(engine.ones(4), ((3,), np.dtype(np.float32)), node, 1)


def test_a_wrong_gradient_from_an_op_is_caught_during_backward():
    from engine.autograd.graph import record
    x = engine.ones(3, requires_grad=True)
    y = record(engine.ones(3), "BadBackward0", (x,), lambda g: (engine.ones(2),))
    with pytest.raises(RuntimeError, match="Function BadBackward0 returned an invalid gradient at index 0"):
        y.sum().backward()


# -- gradcheck ---------------------------------------------------------------------------------------------

def test_gradcheck_passes_and_fails_like_pytorch():
    from engine.autograd import GradcheckError, gradcheck, gradgradcheck
    x = engine.tensor([0.5, 1.5, -0.3], dtype=engine.float64, requires_grad=True)
    y = engine.tensor([2.0, -1.0, 0.7], dtype=engine.float64, requires_grad=True)
    assert gradcheck(lambda a, b: (a * b).exp().sum() + a.sin(), (x, y))
    assert gradgradcheck(lambda a, b: (a * b).exp() * a, (x, y))
    from engine.autograd.graph import record

    def wrong(a):   # d(a^2)/da claimed to be a
        return record(engine.tensor(a.detach().numpy() ** 2), "WrongBackward0", (a,), lambda g: (g * a,))
    with pytest.raises(GradcheckError, match="Jacobian mismatch for output 0 with respect to input 0"):
        gradcheck(wrong, (x,))
    assert gradcheck(wrong, (x,), raise_exception=False) is False
    assert issubclass(GradcheckError, RuntimeError)


def test_a_leaf_whose_array_is_replaced_is_recorded_with_its_new_shape():
    # A leaf's AccumulateGrad keeps the metadata nodes recorded over it take (made once per array):
    # `.data = ...` gives the leaf another array, and the next node takes that one's shape and dtype.
    torch = torch_or_skip()
    grads = []
    for lib in (engine, torch):
        x = lib.ones(2, 3, requires_grad=True)
        (x * 2).sum().backward()
        x.data = lib.ones(4, dtype=lib.float64)
        x.grad = None
        (x * 3).sum().backward()
        grads.append(x.grad)
    assert_same(*grads)
