"""rich renderables: colour over exactly the characters the script path prints."""
import io

import pytest

import engine as torch
from tensorsh.language import display
from tensorsh.terminal import render
from tensorsh.language.errors import TshError
from tensorsh.language.graph_view import build_graph, explain_backward


def shown(renderable, color=False, width=100, height=None):
    buf = io.StringIO()
    console = render.make_console(file=buf, color=color, width=width, height=height)
    console.print(renderable)
    return buf.getvalue()


def strip_ansi(text):
    import re
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.mark.parametrize("make", [
    lambda: torch.ones(2, 2, requires_grad=True) * 3,
    lambda: torch.zeros(5, 3, dtype=torch.long),
    lambda: torch.tensor([1e-8, 1e8, -2.5]),
    lambda: torch.arange(2000.0).reshape(1000, 2),
    lambda: torch.tensor([True, False]),
    lambda: torch.ones(2).shape,
])
def test_tensor_colour_strips_to_pytorch_text(make):
    value = make()
    plain = repr(value) + "\n"
    coloured = shown(render.value_renderable(value), color=True)
    assert "\x1b[" in coloured
    assert strip_ansi(coloured) == plain


def test_colour_marks_numbers_and_suffixes():
    text = render.color_repr("tensor([1., -2.], dtype=torch.float64, grad_fn=<MulBackward0>)")
    styled = {text.plain[span.start:span.end]: span.style for span in text.spans}
    assert styled["1."] == styled["-2."] == "tsh.number"
    assert styled["torch.float64"] == "tsh.dtype"
    assert styled["<MulBackward0>"] == "tsh.grad_fn"


def test_tall_tensor_footer_only_when_taller_than_the_screen():
    tall = torch.zeros(30, 2)
    at_prompt = shown(render.value_renderable(tall, screen_height=24))
    assert at_prompt == repr(tall) + "\ntensor of shape [30, 2], dtype torch.float32, device cpu\n"
    assert shown(render.value_renderable(tall, screen_height=40)) == repr(tall) + "\n"
    assert shown(render.value_renderable(tall)) == repr(tall) + "\n"     # print, pipes


def test_graph_tree_matches_plain_text():
    x = torch.ones(2, 2, requires_grad=True)
    y = x + 2
    out = (y * y * 3).mean()
    graph = build_graph(out, {"x": x, "y": y, "out": out})
    assert shown(render.graph_renderable(graph)) == str(graph)
    explanation = explain_backward(out, namespace={"x": x, "y": y, "out": out})
    assert shown(render.explanation_renderable(explanation)).rstrip() == str(explanation).rstrip()


def test_explain_speaks_the_tutorials_language():
    """During `tutorial zh` the prompt's formatter says explain's walk-through in Chinese."""
    from tensorsh.language.graph_view import EXPLAIN_PHRASES
    x = torch.ones(2, requires_grad=True)
    out = (x * x).sum()
    explanation = explain_backward(out, namespace={"x": x, "out": out})
    chinese = explanation.text(EXPLAIN_PHRASES["zh"])
    assert chinese.startswith("从 out 开始反向传播，初始梯度为 dout/dout = 1：共 3 步")
    assert "第 2 步：MulBackward0" in chinese and "收到 tensor([1., 1.])" in chinese
    assert "反向传播之后：x.grad = tensor([2., 2.])" in chinese
    formatter = render.RichFormatter()
    formatter.language = "zh"
    assert shown(formatter.format(explanation)).rstrip() == chinese.rstrip()
    formatter.language = "en"
    assert shown(formatter.format(explanation)).rstrip() == str(explanation).rstrip()
    assert set(EXPLAIN_PHRASES["zh"]) == set(EXPLAIN_PHRASES["en"])


def test_vars_table():
    x = torch.ones(5, 3, requires_grad=True)
    text = shown(render.vars_table({"x": x, "y": x * 2, "n": 3, "_": 1}))
    header, row_x, row_y, row_n = text.rstrip("\n").split("\n")
    assert header.split() == ["name", "type", "shape", "dtype", "device", "requires_grad", "grad_fn",
                              "memory"]
    assert row_x.split() == ["x", "Tensor", "[5,", "3]", "float32", "cpu", "True", "60", "bytes"]
    assert "MulBackward0" in row_y and row_n.split() == ["n", "int", "3"]
    assert shown(render.vars_table({})) == "(no variables)\n"


def test_vars_table_counts_a_models_parameters_and_their_memory():
    net = torch.nn.Sequential(torch.nn.Linear(784, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    header, row_net, row_optimizer = shown(render.vars_table({"net": net, "optimizer": optimizer})).splitlines()
    assert header.split() == ["name", "type", "shape", "memory"]
    assert row_net.split() == ["net", "Sequential", "50,890", "parameters", "199", "KiB"]   # 4 bytes each
    assert row_optimizer.split() == ["optimizer", "SGD", "50,890", "parameters"]


def test_error_block_is_display_text_with_colour():
    err = TshError("The size of tensor a (3) must match", "demo.tsh", 4, 4, 9, "z = x + y",
                   hint="use x.expand")
    plain = display.format_error(err)
    coloured = shown(render.error_renderable(err), color=True)
    assert strip_ansi(coloured) == plain
    assert "\x1b[1;31merror:" in coloured


def test_markup_is_never_interpreted():
    assert shown(render.help_renderable("f [bold]x[/bold]\n    `code` [1, 2]")) == \
        "f [bold]x[/bold]\n    `code` [1, 2]\n"


def test_vars_keeps_names_whole_and_leaves_columns_off_when_narrow():
    import io as _io
    from tensorsh import Session as _Session
    session = _Session(stdout=_io.StringIO(), stderr=_io.StringIO())
    session.run_source("a_rather_long_variable_name = ones(2, 3, 4, requires_grad=True)\n"
                       "out = (a_rather_long_variable_name * 2).sum()")
    for width in (40, 60, 80):
        console = render.make_console(file=_io.StringIO(), color=False, width=width)
        console.print(render.vars_table(session.namespace))
        drawn = console.file.getvalue()
        assert "a_rather_long_variable_name  " in drawn and "…" not in drawn, drawn
        assert all(len(line) <= width for line in drawn.splitlines()), drawn
        assert "left off" in drawn
    console = render.make_console(file=_io.StringIO(), color=False, width=120)
    console.print(render.vars_table(session.namespace))
    assert "memory" in console.file.getvalue() and "left off" not in console.file.getvalue()
