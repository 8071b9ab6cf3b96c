"""Writes the corpus programs taken from the d2l book's preliminaries (https://d2l.ai, chapter 2).

    git clone https://github.com/d2l-ai/d2l-en && python tests/corpus/extract_d2l.py d2l-en

Each chapter is a notebook written for four frameworks; its PyTorch program is every code cell marked
``%%tab pytorch`` (alone or in a list) or ``%%tab all``, in order, in one file
``programs/d2l/CHAPTER.py``. A notebook shows the value of each cell's last bare expression, a script
does not, so that expression becomes ``print(...)`` of it. Plotting is dropped: the cells that define
or call the book's matplotlib helpers, and the ``%matplotlib`` / ``d2l`` / ``backend_inline`` lines
(the book's package only draws plots here). ``torch.manual_seed(0)`` follows the first
``import torch`` where the chapter draws random numbers (and ``random.seed(0)`` follows ``import
random`` where it uses Python's own generator). Nothing else changes.

The pandas chapter is not taken: it reads a CSV file with pandas, which is not part of the question.
"""
import ast
import pathlib
import re
import sys

CHAPTERS = ("ndarray", "linear-algebra", "calculus", "autograd", "probability")
CELL = re.compile(r"^```\{\.python \.input[^}]*\}\n(.*?)^```", re.S | re.M)
PLOTTING_CELL = re.compile(r"\bplt\b|\bplot\(|set_figsize|use_svg_display|set_axes|backend_inline\.")
PLOTTING_LINE = re.compile(r"^%matplotlib|^from d2l import|^from matplotlib_inline import|d2l\.")
RANDOM = re.compile(r"\btorch\.(randn|rand|randint|randperm|normal|multinomial)\b|Multinomial\(|\.sample\(")
OUT = pathlib.Path(__file__).parent / "programs" / "d2l"


def pytorch_cells(markdown):
    """The source of each code cell the PyTorch version of the chapter runs, magics removed."""
    for match in CELL.finditer(markdown):
        lines = match.group(1).splitlines()
        if not lines or not lines[0].startswith("%%tab"):
            continue
        tabs = [tab.strip() for tab in lines[0][len("%%tab"):].split(",")]
        if "pytorch" in tabs or "all" in tabs:
            yield "\n".join(lines[1:])


def as_script(cell):
    """A cell as script text: plotting lines dropped, its last bare expression printed."""
    if PLOTTING_CELL.search(cell):
        return ""
    lines = [line for line in cell.splitlines() if not PLOTTING_LINE.search(line)]
    text = "\n".join(lines)
    body = ast.parse(text).body
    if body and isinstance(body[-1], ast.Expr) and not _is_print(body[-1].value):
        last = body[-1]
        expression = ast.get_source_segment(text, last.value)
        lines = lines[:last.lineno - 1] + [f"print({expression})"] + lines[last.end_lineno:]
    return "\n".join(lines)


def _is_print(expression):
    """A call of print: its value is None, which a notebook does not show."""
    return (isinstance(expression, ast.Call) and isinstance(expression.func, ast.Name)
            and expression.func.id == "print")


def program(markdown):
    text = "\n\n".join(part for part in map(as_script, pytorch_cells(markdown)) if part.strip())
    if RANDOM.search(text):
        text = text.replace("import torch\n", "import torch\ntorch.manual_seed(0)\n", 1)
    if "random.random" in text:
        text = text.replace("import random\n", "import random\nrandom.seed(0)\n", 1)
    return text.strip() + "\n"


def main(checkout):
    OUT.mkdir(parents=True, exist_ok=True)
    for chapter in CHAPTERS:
        markdown = (pathlib.Path(checkout) / "chapter_preliminaries" / f"{chapter}.md").read_text()
        (OUT / f"{chapter}.py").write_text(program(markdown))


if __name__ == "__main__":
    main(sys.argv[1])
