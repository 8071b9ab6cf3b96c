"""Scripts never load the interactive stack: prompt_toolkit and rich stay out of `tensorsh -c`,
and the plotting library waits for the first plot."""
import subprocess
import sys

PROBE = """
import sys
from tensorsh.cli.command import main
status = main(["-c", "x = ones 2 requires_grad=True; y = (x * 2).sum(); backward y"])
loaded = sorted(m for m in ("prompt_toolkit", "rich", "pygments", "tensorsh.terminal", "cupy", "uniplot")
                if m in sys.modules)
print(status, loaded)
"""


def test_a_script_imports_neither_prompt_toolkit_nor_rich():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0 []"


def test_graph_view_and_tutorial_data_are_plain_python():
    probe = ("import sys, tensorsh.language.graph_view, tensorsh.language.lessons; "
             "t = tensorsh.language.lessons.Lessons('zh'); "
             "print(sorted(m for m in ('prompt_toolkit', 'rich') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
