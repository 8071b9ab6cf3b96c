"""The autograd graph made visible: `graph t`, `graph t dot="f.dot"`, `explain backward t`.

Three views of the grad_fn chain behind a tensor, all pure data plus plain
text (scripts use them without rich; tensorsh.terminal.render draws the same
data as rich trees and panels at the prompt).  Graph and Explanation are the
display objects `graph` and `explain` return:

- :func:`build_graph` -> :class:`Graph`: the chain as a tree.  Every node
  carries its PyTorch name (``MulBackward0``, ``AccumulateGrad``), the shape
  and dtype of the tensor it produced, and the session's variable names for
  it; a node reached by several paths is drawn once and referenced after.
- :meth:`Graph.to_dot`: the same graph for Graphviz.
- :func:`explain_backward` -> :class:`Explanation`: the backward pass step by
  step, the gradient arriving at each node and those leaving it, ending with
  each leaf's gradient.  It re-runs the nodes' vector-Jacobian products on the
  graph as it stands, in the engine's order, without running hooks, freeing
  the graph or touching any ``.grad``: the user's session is left as it was.

Walks are iterative (an explicit stack), so a 100,000-op chain is fine; the
drawn tree is capped in depth and size with a note of what was left out.
"""
from .display import Shown
from .errors import UserError

__all__ = ["GraphNode", "Reference", "Elided", "Graph", "build_graph", "Explanation", "Step",
           "explain_backward", "variable_names"]

MAX_NODES = 200      # nodes drawn before the rest is summarised
MAX_DEPTH = 16       # levels drawn before a branch is summarised (each level indents 4 columns)
MAX_STEPS = 60       # steps of explain backward shown before the rest is summarised


def _shape_text(shape):
    return "[" + ", ".join(map(str, shape)) + "]"


def _dtype_text(dtype):
    return str(dtype).replace("torch.", "")


def variable_names(namespace):
    """-> (names by id of tensor, names by id of grad_fn) for the tensors in a namespace.

    A model's parameters are named too, by the model's variable and their module path
    (``net.fc1.weight``), found by walking the session's modules: a tensor records no name."""
    from .models import parameter_names
    by_tensor, by_fn = {}, {}
    for name, value in namespace.items():
        if name.startswith("_") or not hasattr(value, "grad_fn") or not hasattr(value, "_data"):
            continue
        by_tensor.setdefault(id(value), []).append(name)
        if value.grad_fn is not None:
            by_fn.setdefault(id(value.grad_fn), []).append(name)
    for key, paths in parameter_names(namespace).items():
        by_tensor.setdefault(key, []).extend(paths)
    return by_tensor, by_fn


class GraphNode:
    """One grad_fn node, drawn once."""

    __slots__ = ("node", "name", "shape", "dtype", "names", "is_leaf", "label", "children")

    def __init__(self, node, name, shape, dtype, names, is_leaf):
        self.node = node
        self.name = name            # PyTorch's class name: MulBackward0, AccumulateGrad
        self.shape = shape          # of the tensor this node produced (None when unknown)
        self.dtype = dtype
        self.names = names          # the session's variables holding that tensor
        self.is_leaf = is_leaf      # an AccumulateGrad: its tensor is a leaf
        self.label = None           # "[1]" when the node is shared and referenced later
        self.children = []          # GraphNode, Reference or Elided

    def describe(self):
        """'MulBackward0 -> [2, 2] float32  z' (plain text of the node's line)."""
        parts = [self.name + (" " + self.label if self.label else "")]
        names = ", ".join(self.names)
        if self.is_leaf:
            parts.append(names or "(unnamed leaf)")
        if self.shape is not None:
            what = _shape_text(self.shape) + (" " + _dtype_text(self.dtype) if self.dtype else "")
            parts.append(what if self.is_leaf else "-> " + what)
        if names and not self.is_leaf:
            parts.append(names)
        return "  ".join(parts)


class Reference:
    """A second path to a node already drawn: drawn as a pointer to it."""

    __slots__ = ("target",)

    def __init__(self, target):
        self.target = target

    def describe(self):
        return f"{self.target.name} {self.target.label} (shown above)"


class Elided:
    """What a depth or size cap left out."""

    __slots__ = ("count",)

    def __init__(self, count):
        self.count = count

    def describe(self):
        return f"... {self.count} more node{'s' if self.count != 1 else ''}"


class Graph(Shown):
    """The tree behind a tensor; ``str()`` is the plain-text drawing."""

    __slots__ = ("title", "root", "nodes", "edges", "message")

    def __init__(self, title, root, nodes, edges, message=None):
        self.title = title          # e.g. "out = tensor(27., grad_fn=<MeanBackward0>)" head line
        self.root = root            # GraphNode, or None when there is no graph
        self.nodes = nodes          # every GraphNode reachable, in drawing order
        self.edges = edges          # (from GraphNode, to GraphNode) for every edge, DOT's input
        self.message = message      # why there is no graph

    def lines(self):
        """The plain-text tree as (prefix, item) pairs; item is a node, reference or note."""
        if self.root is None:
            return []
        out = []
        stack = [("", self.root, "")]     # (prefix of its line, item, prefix of its children)
        while stack:
            prefix, item, below = stack.pop()
            out.append((prefix, item))
            children = item.children if isinstance(item, GraphNode) else ()
            for i in reversed(range(len(children))):      # depth first, in next_functions order
                last = i == len(children) - 1
                stack.append((below + ("└── " if last else "├── "), children[i],
                              below + ("    " if last else "│   ")))
        return out

    def __str__(self):
        head = [self.title] if self.title else []
        if self.root is None:
            return "\n".join(head + [self.message or "(no graph)"]) + "\n"
        return "\n".join(head + [prefix + item.describe() for prefix, item in self.lines()]) + "\n"

    def to_dot(self):
        """Graphviz source: one box per node, leaves in blue, the root in green."""
        out = [DOT_MARKER,
               "digraph autograd {",
               '    graph [rankdir=BT, fontname="Helvetica"];',
               '    node [shape=box, style="rounded,filled", fillcolor=white, fontname="Helvetica", '
               'fontsize=11];']
        ids = {id(n): f"n{i}" for i, n in enumerate(self.nodes)}
        for node in self.nodes:
            lines = [node.name]
            if node.names:
                lines.insert(0 if node.is_leaf else 1, ", ".join(node.names))
            if node.shape is not None:
                lines.append(f"{_shape_text(node.shape)} {_dtype_text(node.dtype)}".strip())
            label = "\\n".join(_dot_escape(s) for s in lines)
            colour = "lightblue" if node.is_leaf else ("darkolivegreen1" if node is self.root else "white")
            out.append(f'    {ids[id(node)]} [label="{label}", fillcolor={colour}];')
        for source, target in self.edges:
            # Gradients flow from the output towards the leaves: draw the
            # forward direction (leaf -> op -> output), as pytorchviz does.
            out.append(f"    {ids[id(target)]} -> {ids[id(source)]};")
        out.append("}")
        return "\n".join(out) + "\n"

    def write_dot(self, path):
        """Write to_dot() to path, atomically; an existing file is replaced only when
        tensorsh wrote it, and never through a link (files.write_file)."""
        from . import files
        text = self.to_dot().encode("utf-8")
        files.write_file(path, lambda f: f.write(text), _is_own_dot,
                         "write", "a graph file written by tensorsh")
        return path


DOT_MARKER = "// the autograd graph, written by tensorsh's `graph t dot=...`"


def _is_own_dot(f):
    """Does the open binary file f start with the line to_dot() writes first?"""
    first = f.readline(len(DOT_MARKER.encode("utf-8")) + 2)
    return first.rstrip(b"\r\n") == DOT_MARKER.encode("utf-8")


def _dot_escape(text):
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _node_name(node):
    return type(node).__name__


def _output_meta(parent, index):
    """(shape, dtype) of the tensor behind parent's index-th input, from its saved metadata (which
    keeps the NumPy dtype)."""
    meta = getattr(parent, "_input_meta", None)
    if meta and index < len(meta) and meta[index] is not None:
        from engine.dtypes import from_numpy_dtype
        shape, dtype = meta[index]
        return tuple(shape), from_numpy_dtype(dtype)
    return None, None


def build_graph(tensor, namespace=None, title=None, max_nodes=MAX_NODES, max_depth=MAX_DEPTH):
    """The grad_fn tree behind ``tensor``; leaves named from ``namespace`` (name -> value)."""
    by_tensor, by_fn = variable_names(namespace or {})
    if not hasattr(tensor, "grad_fn"):
        return Graph(title, None, [], [], f"graph needs a tensor, not {type(tensor).__name__}")
    root_fn = tensor.grad_fn
    if root_fn is None:
        if getattr(tensor, "requires_grad", False):
            from engine.autograd.graph import edge_of
            root_fn = edge_of(tensor)[0]      # a leaf: its AccumulateGrad is the whole graph
        else:
            return Graph(title, None, [], [],
                         "no graph: this tensor does not require grad (no grad_fn)")

    shared = _shared_nodes(root_fn)
    label_of = {}
    drawn = {}
    nodes, edges = [], []

    def make(fn, shape, dtype):
        if type(fn).__name__ == "AccumulateGrad":
            leaf = fn.variable
            names = by_tensor.get(id(leaf), []) if leaf is not None else []
            if leaf is not None:
                shape, dtype = tuple(leaf._data.shape), leaf.dtype
            g = GraphNode(fn, "AccumulateGrad", shape, dtype, names, True)
        else:
            g = GraphNode(fn, _node_name(fn), shape, dtype, by_fn.get(id(fn), []), False)
        if id(fn) in shared:
            label_of[id(fn)] = g.label = f"[{len(label_of) + 1}]"
        drawn[id(fn)] = g
        nodes.append(g)
        return g

    root = make(root_fn, tuple(tensor._data.shape), tensor.dtype)
    stack = [(root, 0)]
    budget = max_nodes - 1
    while stack:
        parent, depth = stack.pop()
        fresh = []
        for index, (fn, _) in enumerate(parent.node.next_functions):
            if fn is None:
                continue
            if id(fn) in drawn:
                edges.append((parent, drawn[id(fn)]))
                parent.children.append(Reference(drawn[id(fn)]))
                continue
            if budget <= 0 or depth + 1 > max_depth:
                parent.children.append(Elided(_count_below(fn, drawn)))
                continue
            budget -= 1
            shape, dtype = _output_meta(parent.node, index)
            child = make(fn, shape, dtype)
            edges.append((parent, child))
            parent.children.append(child)
            fresh.append(child)
        for child in reversed(fresh):
            stack.append((child, depth + 1))
    return Graph(title, root, nodes, edges)


def _reachable(fn):
    seen = {id(fn): fn}
    stack = [fn]
    while stack:
        for nxt, _ in stack.pop().next_functions:
            if nxt is not None and id(nxt) not in seen:
                seen[id(nxt)] = nxt
                stack.append(nxt)
    return seen


def _shared_nodes(root_fn):
    """ids of the nodes with more than one edge into them (drawn once, then referenced)."""
    incoming = {}
    for fn in _reachable(root_fn).values():
        for nxt, _ in fn.next_functions:
            if nxt is not None:
                incoming[id(nxt)] = incoming.get(id(nxt), 0) + 1
    return {k for k, n in incoming.items() if n > 1}


def _count_below(fn, drawn):
    return sum(1 for k in _reachable(fn) if k not in drawn)


# ------------------------------------------------------------- explain backward

class Step:
    """One node of the backward pass: what arrived, and what left for where."""

    __slots__ = ("number", "node", "incoming", "outgoing")

    def __init__(self, number, node, incoming, outgoing):
        self.number = number        # 1, 2, ... in the order the engine runs the nodes
        self.node = node            # the GraphNode (name, shape, variable names)
        self.incoming = incoming    # the gradient arriving (summed over the paths into it)
        self.outgoing = outgoing    # [(GraphNode it goes to, gradient)], one per input that needs one


# explain backward's words, in the languages the tutorial speaks (the prompt shows the tutorial's)
EXPLAIN_PHRASES = {
    "en": {"title": "backward from {name}, starting with {seed}: {count} steps (a preview: nothing changes)",
           "given": "the gradient given", "the_tensor": "the tensor", "step": "step {number}: ",
           "receives": "receives ", "sends": "sends to {target}: ", "more": "... {count} more steps",
           "accumulates": ": accumulates into the leaf's .grad", "after": "after backward: {leaves}.grad = ",
           "unnamed": "(unnamed leaf)"},
    "zh": {"title": "从 {name} 开始反向传播，初始梯度为 {seed}：共 {count} 步（只是预览：什么都不会改变）",
           "given": "给定的梯度", "the_tensor": "该张量", "step": "第 {number} 步：",
           "receives": "收到 ", "sends": "传给 {target}：", "more": "…… 另有 {count} 步",
           "accumulates": "：累加到叶子张量的 .grad", "after": "反向传播之后：{leaves}.grad = ",
           "unnamed": "（未命名的叶子）"},
}


class Explanation(Shown):
    """The whole backward pass; ``str()`` is the plain-text walk-through (in English; ``text``
    says it in another language of EXPLAIN_PHRASES)."""

    __slots__ = ("name", "gradient_given", "steps", "leaves")

    def __init__(self, name, gradient_given, steps, leaves):
        self.name = name                      # the root's names ("" when it has none)
        self.gradient_given = gradient_given
        self.steps = steps
        self.leaves = leaves        # [(names, gradient this backward adds, .grad afterwards)]

    def title(self, words=EXPLAIN_PHRASES["en"]):
        name = self.name or words["the_tensor"]
        seed = words["given"] if self.gradient_given else f"d{name}/d{name} = 1"
        return words["title"].format(name=name, seed=seed, count=len(self.steps))

    def shown_steps(self, limit=MAX_STEPS):
        """The steps worth printing: all of a small pass, the start and the end of a long one."""
        if len(self.steps) <= limit:
            return self.steps, 0
        head = self.steps[:limit - 10]
        return head + self.steps[-10:], len(self.steps) - len(head) - 10

    def __str__(self):
        return self.text()

    def text(self, words=EXPLAIN_PHRASES["en"]):
        out = [self.title(words), ""]
        steps, hidden = self.shown_steps()
        for step in steps:
            if hidden and step is steps[-10]:
                out += [words["more"].format(count=hidden), ""]
            out.append(words["step"].format(number=step.number) + step_heading(step, words))
            out.append(_indented(words["receives"] + repr(step.incoming)))
            for target, grad in step.outgoing:
                out.append(_indented(words["sends"].format(target=target_text(target, words)) + repr(grad)))
            out.append("")
        for names, grad, after in self.leaves:
            lead = words["after"].format(leaves=leaf_text(names, words))
            out.append(lead + _hanging(repr(after), len(lead)))
        return "\n".join(out) + "\n"


def step_heading(step, words=EXPLAIN_PHRASES["en"]):
    node = step.node
    what = node.name
    if node.names:
        what += f" ({', '.join(node.names)})"
    if node.is_leaf:
        what += words["accumulates"]
    return what


def target_text(node, words=EXPLAIN_PHRASES["en"]):
    if node.is_leaf:
        return f"AccumulateGrad ({leaf_text(node.names, words)})"
    return node.name + (f" ({', '.join(node.names)})" if node.names else "")


def leaf_text(names, words=EXPLAIN_PHRASES["en"]):
    return ", ".join(names) if names else words["unnamed"]


def _indented(text, by="    "):
    return "\n".join(by + line for line in text.split("\n"))


def _hanging(text, width):
    lines = text.split("\n")
    return "\n".join([lines[0]] + [" " * width + line for line in lines[1:]])


FREED_HINT = ("the graph behind this tensor was freed by an earlier backward; run `explain backward` "
              "before `backward`, or keep the graph with `backward t retain_graph=True`")


def explain_backward(tensor, gradient=None, namespace=None):
    """Walk the backward pass from ``tensor`` without changing anything.

    The steps are the engine's own (engine.autograd.backprop.backward_steps): the nodes in
    its dependency order, hooks included, the vjps computed with grad mode off on the graph
    as it stands. The graph is retained, no retain_grad stores a .grad and no leaf's ``.grad``
    changes: the leaves' steps only say what backward would add.
    """
    from engine.autograd.gradients import root_gradients

    if not hasattr(tensor, "grad_fn"):
        raise UserError(f"explain backward needs a tensor, not {type(tensor).__name__}")
    graph = build_graph(tensor, namespace, max_nodes=10 ** 9, max_depth=10 ** 9)
    if graph.root is None:
        raise UserError(graph.message)
    try:
        (root_grad,) = root_gradients((tensor,), gradient, False)
    except RuntimeError as e:
        raise UserError(str(e)) from None
    steps, leaves = _preview_steps(tensor, root_grad, {id(g.node): g for g in graph.nodes})
    return Explanation(", ".join(graph.root.names), gradient is not None, steps, leaves)


def _preview_steps(tensor, root_grad, by_node):
    """The Steps of backward from ``tensor`` (previewed: nothing kept, nothing freed), and the
    leaves' [(names, gradient arriving, .grad it would make)]."""
    import engine
    from engine.autograd.backprop import FREED_MESSAGE, backward_steps, is_saved_value_error

    steps, leaves = [], []
    try:
        with engine.no_grad():
            for node, grads, sent in backward_steps((tensor,), (root_grad,), retain_graph=True, preview=True):
                view = by_node[id(node)]
                if type(node).__name__ == "AccumulateGrad" and node.variable is not None and 0 in grads:
                    before = node.variable._grad
                    leaves.append((view.names, grads[0], grads[0] if before is None else before + grads[0]))
                incoming = grads[0] if len(grads) == 1 and 0 in grads else grads
                outgoing = [(by_node[id(nxt)], g) for nxt, _, g in sent]
                steps.append(Step(len(steps) + 1, view, incoming, outgoing))
    except RuntimeError as e:
        if not is_saved_value_error(e):
            raise
        # a saved tensor modified in place is PyTorch's error; a freed graph gets a hint
        raise UserError(FREED_HINT if str(e) == FREED_MESSAGE else str(e)) from None
    return steps, leaves
