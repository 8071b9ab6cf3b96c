"""The seed tutorial (a Chinese translation of PyTorch's 60 minute blitz, part 1) as data for tests."""
from __future__ import annotations

import ast
import pathlib
import re

SEED = next((pathlib.Path(__file__).resolve().parents[2] / "shared" / "seed").glob("*.txt"), None) \
    if (pathlib.Path(__file__).resolve().parents[2] / "shared" / "seed").is_dir() else None


def _is_output(block: str) -> bool:
    """Some ```python blocks hold printed output, not code: they don't parse, or they are bare
    values (``tensor([...])``, ``True``), or they read as a bare annotation (``tensor3:  tensor(...)``)."""
    try:
        tree = ast.parse(block)
    except SyntaxError:
        return True
    return all((isinstance(node, ast.AnnAssign) and node.value is None) or isinstance(node, ast.Expr) and (
        isinstance(node.value, ast.Constant)
        or (isinstance(node.value, ast.Call) and getattr(node.value.func, "id", "") == "tensor"))
        for node in tree.body)


def code_blocks(path=None) -> list[str]:
    """The tutorial's Python code blocks, in order, without its output blocks."""
    text = pathlib.Path(path or SEED).read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)
    return [b for b in blocks if not _is_output(b)]
