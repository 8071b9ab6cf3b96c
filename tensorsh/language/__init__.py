"""The language: tensorsh's text -> syntax tree -> values.

syntax.py parses (Python's grammar plus command form), compiler.py turns the
tree into closures, interpreter.py runs them in a Session; builtins/ holds
the names a session starts with, and allowlist.py with safe_numpy.py are the
sandbox's guards (the attributes each type offers, NumPy behind checks).
files.py opens and writes files safely; display.py is the plain text of
values, errors and the commands' display objects; helptext.py and
graph_view.py are what `help`, `graph` and `explain` show; lessons.py is
the tutorial's text.

Imports: the engine, NumPy and the standard library only; never
tensorsh.terminal or tensorsh.cli (tests/test_import_graph.py checks).
"""
