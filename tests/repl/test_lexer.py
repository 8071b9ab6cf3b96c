"""The Pygments lexer: total on any text, the command form, registration for .tsh files."""
import pygments.lexers
import pytest
from pygments.token import Keyword, Name, Number, Operator, String

from tensorsh.terminal.lexer import TensorshLexer


def kinds(source, **options):
    tokens = list(TensorshLexer(**options).get_tokens_unprocessed(source))
    assert "".join(text for _, _, text in tokens) == source      # covers the text exactly
    return [(token, text) for _, token, text in tokens if text.strip()]


def test_command_form_and_dtypes():
    assert kinds("x = zeros 5 3 dtype=long") == [
        (Name, "x"), (Operator, "="), (Name.Function, "zeros"), (Number.Integer, "5"),
        (Number.Integer, "3"), (Name, "dtype"), (Operator, "="), (Keyword.Type, "long")]
    assert (Name.Function, "backward") in kinds("backward out")
    assert (Keyword.Type, "double") in kinds('z.to("cpu", torch.double)')
    assert (Keyword.Type, "float") in kinds("zeros(5, dtype=float)")
    assert (Name.Builtin, "float") in kinds("float(x)")


def test_python_syntax():
    got = kinds('if x and y:\n    print(f"a{x}", x.grad)  # note')
    assert (Keyword, "if") in got and (Operator.Word, "and") in got
    assert (Name.Builtin, "print") in got and (Name.Attribute, "grad") in got
    assert (String.Affix, "f") in got and (String.Double, '"a{x}"') in got
    assert got[-1][1] == "# note"


def test_a_variable_is_never_a_command_head():
    assert kinds("x [0]")[0] == (Name.Function, "x")
    assert kinds("x [0]", is_value=lambda n: n == "x")[0] == (Name, "x")


@pytest.mark.parametrize("text", ["x = rand(", 's = "unterminated', "'''open\nblock", "$ ` \x00 é",
                                  "x = (1,\n  2", "?add", "\\\n", ""])
def test_total_on_broken_input(text):
    kinds(text)


def test_registered_for_tsh_files():
    assert isinstance(pygments.lexers.get_lexer_by_name("tensorsh"), TensorshLexer)
    assert isinstance(pygments.lexers.get_lexer_for_filename("demo.tsh"), TensorshLexer)
