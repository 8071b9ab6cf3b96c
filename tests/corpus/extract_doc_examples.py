"""Writes the corpus programs taken from PyTorch's own documentation: the examples in the docstrings.

Run it with PyTorch installed (``python tests/corpus/extract_doc_examples.py``): it reads each listed
function's docstring from the installed ``torch`` (the text its documentation pages show) and writes
``programs/docs/torch.NAME.py``. A doctest is turned into a script by three rules, and by nothing else:

- ``import torch`` is the first line (the docs assume it; so are ``import math`` and ``import
  numpy`` where the example uses them unimported), and ``torch.manual_seed(0)`` follows where the
  example draws random numbers, so that both libraries can be held to one output;
- a ``>>>`` line whose output the docs show becomes ``print(...)`` of that expression, since a
  script shows nothing by itself (tensors, tuples and numbers print as the doctest shows them);
- plotting lines (matplotlib) are dropped;
- an example whose shown output is an error, or that needs CUDA or uninitialised memory, is left
  out: its output cannot be compared; so is one that PyTorch itself cannot run as a script (the
  docs leave names undefined in a few), which is found by running every example once with PyTorch.

The functions are the ones the reference page ``torch`` lists under Creation, Indexing/Joining,
Reduction, Comparison, a fixed set of pointwise and BLAS operations, and the autograd helpers, chosen
by what tutorials use, not by what the engine supports.
"""
import ast
import pathlib
import re

CREATION = """tensor as_tensor zeros zeros_like ones ones_like arange range linspace logspace eye
    full full_like complex polar heaviside from_numpy"""
JOINING = """adjoint argwhere cat concat chunk dsplit column_stack dstack gather hsplit hstack
    index_select masked_select movedim moveaxis narrow nonzero permute reshape select_scatter
    diagonal_scatter slice_scatter split squeeze stack swapaxes t take take_along_dim tensor_split
    tile transpose unbind unravel_index unsqueeze vsplit vstack where flatten flip roll tril triu
    diag diagonal diag_embed cumsum cumprod"""
REDUCTION = """argmax argmin amax amin aminmax all any max min dist logsumexp mean nanmean median
    nanmedian mode norm nansum prod quantile std std_mean sum unique unique_consecutive var
    var_mean count_nonzero"""
COMPARISON = """allclose argsort eq equal ge gt isclose isfinite isinf isnan isneginf isposinf
    isreal kthvalue le lt maximum minimum fmax fmin ne sort topk msort"""
POINTWISE = """abs add addcdiv addcmul clamp div exp floor ceil round frac lerp log mul neg pow
    reciprocal rsqrt sigmoid sign sqrt square sub trunc logit erf sin cos tanh atan2 remainder fmod"""
BLAS = """addmm bmm dot matmul mm mv outer inner kron trace tensordot einsum cross cdist
    cartesian_prod meshgrid"""
AUTOGRAD = """no_grad enable_grad set_grad_enabled inference_mode autograd.Function Tensor.register_hook
    Tensor.requires_grad_ Tensor.backward autograd.grad autograd.graph.Node.register_hook
    autograd.graph.Node.name autograd.graph.Node.register_prehook autograd.functional.jacobian
    autograd.functional.hessian autograd.functional.vjp autograd.functional.jvp
    autograd.functional.vhp autograd.functional.hvp"""

NAMES = " ".join([CREATION, JOINING, REDUCTION, COMPARISON, POINTWISE, BLAS, AUTOGRAD]).split()
RANDOM = re.compile(r"\btorch\.(randn|rand|randint|randperm|normal|multinomial|bernoulli)\b|\.(uniform_|normal_|random_)\(")
UNCOMPARABLE = re.compile(r"Traceback|Error\b|cuda|torch\.empty")
PLOTTING = re.compile(r"\bplt\.|\bax\.|matplotlib")
# modules the docs use without importing them, as they assume `import torch`
ASSUMED_IMPORTS = (("import math", r"\bmath\."), ("import numpy", r"\bnumpy\."),
                   ("import numpy as np", r"\bnp\."))
OUT = pathlib.Path(__file__).parent / "programs" / "docs"


def lookup(torch, name):
    """torch.NAME, following dots (``autograd.functional.jacobian``)."""
    value = torch
    for part in name.split("."):
        value = getattr(value, part)
    return value


def doctest_blocks(doc):
    """[(source, shown output)] for each ``>>>`` statement of a docstring, in order."""
    blocks, source, shown = [], None, []
    for raw in doc.splitlines():
        line = raw.strip()
        if line.startswith(">>>"):
            if source is not None:
                blocks.append((source, "\n".join(shown).strip()))
            source, shown = [line[4:]], []
        elif line.startswith("...") and source is not None and not shown:
            source.append(raw.strip()[4:] if raw.strip() != "..." else "")
        elif source is not None:
            if line:
                shown.append(line)
            else:
                blocks.append((source, "\n".join(shown).strip()))
                source, shown = None, []
    if source is not None:
        blocks.append((source, "\n".join(shown).strip()))
    return blocks


def as_script_lines(source, shown):
    """One doctest statement as script lines: printed where the docs show its value."""
    text = "\n".join(source)
    if text.lstrip().startswith("#"):
        return [] if "xdoctest" in text else [text]
    if PLOTTING.search(text):
        return []
    expression = _lone_expression(text)
    if shown and expression is not None:
        comment = text[len(expression):].strip()     # a comment the docs wrote after it stays
        return [f"print({expression})" + (f"  {comment}" if comment else "")]
    return source


def _lone_expression(text):
    """The source of `text`'s expression when it is one expression statement (its comment cut off)."""
    try:
        body = ast.parse(text).body
    except SyntaxError:
        return None
    if len(body) != 1 or not isinstance(body[0], ast.Expr):
        return None
    return ast.get_source_segment(text, body[0].value)


def program(torch, name):
    """The script for torch.NAME's docs example, or None when it has none that can be compared."""
    doc = lookup(torch, name).__doc__ or ""
    blocks = doctest_blocks(doc)
    if not blocks or any(UNCOMPARABLE.search("\n".join(s) + "\n" + o) for s, o in blocks):
        return None
    body = [line for source, shown in blocks for line in as_script_lines(source, shown)]
    head = ["import torch"]
    for module, pattern in ASSUMED_IMPORTS:
        if re.search(pattern, "\n".join(body)):
            head.append(module)
    if name.startswith("autograd.functional."):
        head.append(f"from torch.autograd.functional import {name.rsplit('.', 1)[1]}")
    if RANDOM.search("\n".join(body)):
        head.append("torch.manual_seed(0)")
    return "\n".join(head + body) + "\n"


def main():
    import torch
    OUT.mkdir(parents=True, exist_ok=True)
    written, left_out = [], []
    for name in NAMES:
        text = program(torch, name)
        if text is None:
            left_out.append(name)
            continue
        (OUT / f"torch.{name}.py").write_text(text)
        written.append(OUT / f"torch.{name}.py")
    broken = _fails_with_pytorch(written)
    for path in broken:
        path.unlink()
    print(f"{len(written) - len(broken)} programs written; left out (no comparable example): "
          f"{' '.join(left_out)}; left out (PyTorch cannot run it): {' '.join(p.name for p in broken)}")


def _fails_with_pytorch(paths):
    """The programs among `paths` that exit with an error when PyTorch runs them."""
    import json
    import subprocess
    import sys
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        results = pathlib.Path(folder) / "torch.json"
        subprocess.run([sys.executable, str(pathlib.Path(__file__).parent / "runner.py"), "torch",
                        str(results), *map(str, paths)], check=True)
        outcome = json.loads(results.read_text())
    return [path for path in paths if outcome[str(path.resolve())]["status"] != 0]


if __name__ == "__main__":
    main()
