"""`plot`: series of numbers drawn in the terminal, as text in a script, in colour at the prompt."""
from __future__ import annotations

import io
import re

import pytest

from tensorsh.language.interpreter import Session
from tensorsh.language.plot import PLAIN_HEIGHT, PLAIN_WIDTH, plot_series

TRAINING = """
_ = torch.manual_seed(0)
x = torch.linspace(-1, 1, 20).unsqueeze(1)
y = 3 * x + 1
model = nn.Linear(1, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
losses = []
for step in range(40):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
"""


def run(source):
    out, err = io.StringIO(), io.StringIO()
    result = Session(stdout=out, stderr=err).run_source("import torch.nn as nn\n" + source, "plot.tsh")
    return result.ok, out.getvalue(), err.getvalue()


def test_a_training_loops_loss_curve_is_drawn_as_text():
    ok, out, err = run(TRAINING + 'plot losses title="training loss"\n')
    assert ok, err
    lines = out.splitlines()
    assert lines[0].strip() == "training loss"
    assert lines[1] == "┌" + "─" * PLAIN_WIDTH + "┐" and lines[PLAIN_HEIGHT + 2] == "└" + "─" * PLAIN_WIDTH + "┘"
    body = lines[2:PLAIN_HEIGHT + 2]
    assert all(line.startswith("│") and line[PLAIN_WIDTH + 1] == "│" for line in body)
    # the loss falls: the curve starts in the top row, at the left, and ends in the bottom row
    assert body[0][1] != " " and body[-1][PLAIN_WIDTH] != " " and body[0][PLAIN_WIDTH] == " "
    assert lines[-1].split() == ["0", "10", "20", "30"]       # the steps


def test_several_series_are_told_apart_and_named_by_their_variables():
    ok, out, err = run("train = [3.0, 2.0, 1.0]\ntest = tensor([3.5, 2.5, 2.0])\nplot train test\n")
    assert ok, err
    assert out.splitlines()[-1].split() == ["++", "train", "xx", "test"]
    assert "+" in out and "x" in out
    ok, out, err = run("plot([1, 2], [2, 1], legend=['up', 'down'])\n")
    assert ok and out.splitlines()[-1].split() == ["++", "up", "xx", "down"], err


@pytest.mark.parametrize("series", ["[1, 2.5, 3]", "torch.tensor([1.0, 2.5, 3.0], requires_grad=True) * 1",
                                    "np.array([1, 2.5, 3])", "(1, 2.5, 3)",
                                    "[torch.tensor(1.0), torch.tensor([2.5]), 3]"])
def test_lists_tensors_arrays_and_collected_losses_draw_alike(series):
    ok, out, err = run(f"import numpy as np\nplot({series})\n")
    assert ok, err
    assert out == str(plot_series([[1.0, 2.5, 3.0]], [None]))


@pytest.mark.parametrize("source, words", [
    ("plot torch.ones(2, 3)", "plot draws 1-D tensors; the series has shape [2, 3]"),
    ("losses = []\nplot losses", "plot: losses is empty"),
    ("plot([1.0, float('nan'), float('inf')])", "holds 2 values that are nan or infinite"),
    ("plot(['a', 'b'])", "plot draws real numbers; the series holds a str"),
    ("plot 3", "plot takes lists or 1-D tensors of numbers"),
    ("plot", "plot needs an argument; see help plot"),
    ("plot([1, 2], colour='red')", "plot takes title= and legend=, not colour"),
    ("plot([1, 2], title=3)", "plot's title= takes a string, not int"),
    ("plot([1, 2], [3, 4], legend=['one'])", "plot's legend= takes one string per series (2 here)"),
])
def test_what_cannot_be_drawn_is_said(source, words):
    ok, _, err = run(source + "\n")
    assert not ok and words in err, err


def test_the_prompt_draws_in_colour_as_wide_as_the_terminal():
    from tensorsh.terminal import render
    chart = plot_series([[3.0, 2.0, 1.5, 1.0], [1.0, 2.0, 3.0, 2.5]], ["a", "b"], title="t")
    for width in (40, 100):
        buffer = io.StringIO()
        console = render.make_console(file=buffer, color=True, width=width, height=40)
        console.print(render.RichFormatter().format(chart))
        drawn = buffer.getvalue()
        assert "\x1b[" in drawn
        plain = re.sub(r"\x1b\[[0-9;]*m", "", drawn).splitlines()
        assert max(len(line) for line in plain) == width and "██ a" in plain[-1]
