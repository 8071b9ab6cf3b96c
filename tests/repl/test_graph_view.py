"""graph t, its DOT export, and explain backward, on the tutorial's example."""
import pytest

import engine as torch
from tensorsh.language.errors import UserError
from tensorsh.language.graph_view import DOT_MARKER, build_graph, explain_backward


@pytest.fixture
def tutorial():
    x = torch.ones(2, 2, requires_grad=True)
    y = x + 2
    z = y * y * 3
    out = z.mean()
    return dict(x=x, y=y, z=z, out=out)


def test_tree_names_shapes_and_shared_nodes(tutorial):
    text = str(build_graph(tutorial["out"], tutorial, title="graph out"))
    assert text == (
        "graph out\n"
        "MeanBackward0  -> [] float32  out\n"
        "└── MulBackward0  -> [2, 2] float32  z\n"
        "    └── MulBackward0  -> [2, 2] float32\n"
        "        ├── AddBackward0 [1]  -> [2, 2] float32  y\n"
        "        │   └── AccumulateGrad  x  [2, 2] float32\n"
        "        └── AddBackward0 [1] (shown above)\n")


def test_no_graph_and_leaf():
    assert "does not require grad" in str(build_graph(torch.ones(2), {}))
    w = torch.ones(3, requires_grad=True)
    assert str(build_graph(w, {"w": w})) == "AccumulateGrad  w  [3] float32\n"


def test_dot_export(tutorial, tmp_path):
    graph = build_graph(tutorial["out"], tutorial)
    path = graph.write_dot(str(tmp_path / "g.dot"))
    dot = open(path).read()
    assert dot.startswith(DOT_MARKER + "\ndigraph autograd {") and dot.rstrip().endswith("}")
    assert dot.count("[label=") == 5          # the shared AddBackward0 once
    assert 'label="x\\nAccumulateGrad\\n[2, 2] float32", fillcolor=lightblue' in dot
    assert dot.count(" -> ") == 5             # y*y: two edges into AddBackward0
    graph.write_dot(path)                     # its own file is replaced; another file never
    foreign = tmp_path / "notes.txt"
    foreign.write_text("mine")
    with pytest.raises(UserError, match="refusing to overwrite"):
        graph.write_dot(str(foreign))
    assert foreign.read_text() == "mine"
    with pytest.raises(UserError, match="it is a directory"):
        graph.write_dot(str(tmp_path))


def test_long_chain_is_capped_and_iterative():
    a = torch.ones(3, requires_grad=True)
    b = a
    for _ in range(3000):
        b = b * 1.0
    text = str(build_graph(b, {"a": a, "b": b}))
    assert text.rstrip().endswith("... 2984 more nodes")


def test_explain_backward_shows_each_step_and_leaves_state_alone(tutorial):
    x, out = tutorial["x"], tutorial["out"]
    explanation = explain_backward(out, namespace=tutorial)
    names = [step.node.name for step in explanation.steps]
    assert names == ["MeanBackward0", "MulBackward0", "MulBackward0", "AddBackward0", "AccumulateGrad"]
    add = explanation.steps[3]
    assert add.incoming.tolist() == [[4.5, 4.5], [4.5, 4.5]]     # 2.25 from each use of y
    (leaf_names, grad, after), = explanation.leaves
    assert leaf_names == ["x"] and after.tolist() == [[4.5, 4.5], [4.5, 4.5]]
    assert x.grad is None                                        # nothing changed
    text = str(explanation)
    assert "step 3: MulBackward0\n    receives tensor([[0.7500, 0.7500]," in text
    assert text.rstrip().endswith("after backward: x.grad = tensor([[4.5000, 4.5000],\n"
                                  "                                 [4.5000, 4.5000]])")
    out.backward()                                               # the graph still works
    assert x.grad.tolist() == [[4.5, 4.5], [4.5, 4.5]]
    with pytest.raises(UserError, match="freed by an earlier backward"):
        explain_backward(out, namespace=tutorial)


def test_explain_vector_jacobian_product():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    v = torch.tensor([0.1, 1.0, 0.0001])
    explanation = explain_backward(y, v, namespace={"x": x, "y": y})
    assert explanation.leaves[0][2].tolist() == pytest.approx([0.2, 2.0, 0.0002])
    with pytest.raises(UserError, match="only for scalar outputs"):
        explain_backward(y, namespace={})


def test_explain_shows_what_the_hooks_make_of_a_gradient():
    """explain's steps are backward's own: a tensor hook that doubles y's gradient doubles what
    y's node receives and what reaches x, and y's retain_grad keeps nothing during the preview."""
    x = torch.ones(2, requires_grad=True)
    y = x * 3
    y.register_hook(lambda g: g * 2)
    y.retain_grad()
    out = y.sum()
    explanation = explain_backward(out, namespace={"x": x, "y": y, "out": out})
    mul = explanation.steps[1]
    assert mul.node.name == "MulBackward0" and mul.incoming.tolist() == [2.0, 2.0]
    assert [grad.tolist() for _, grad in mul.outgoing] == [[6.0, 6.0]]
    assert explanation.leaves[0][2].tolist() == [6.0, 6.0]
    assert x.grad is None and y.grad is None
    out.backward()
    assert x.grad.tolist() == [6.0, 6.0] and y.grad.tolist() == [2.0, 2.0]   # as explain said
