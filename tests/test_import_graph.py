"""Imports go one way: no cycles among a package's modules, and tensorsh's layers
(language below terminal below CLI) never import upwards.

The graph is read from the source, not from a running import: every import
statement counts, at module level or inside a function, absolute or relative;
`from . import x` names the submodule x when there is one.  A package's
`__init__` is a node of its own (an import of `a.b` is an edge to `a.b`, not
also to `a`).
"""
import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent

# tensorsh's layers, lowest first: a module may import its own layer and those
# below it.  The top-level modules (tensorsh/__init__.py, __main__.py) are the
# front door and may import any layer.
LAYERS = ("tensorsh.language", "tensorsh.terminal", "tensorsh.cli")


def module_files(package):
    """{dotted module name: path} for every .py file of the package."""
    base = ROOT / package
    modules = {}
    for path in sorted(base.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_package(module, modules):
    return modules[module].name == "__init__.py"


def _imported(node, module, modules):
    """The dotted names one import statement asks for, before resolving to modules."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level == 0:
        base = node.module
    else:
        here = module.split(".") if _is_package(module, modules) else module.split(".")[:-1]
        here = here[:len(here) - (node.level - 1)]
        base = ".".join(here + ([node.module] if node.module else []))
    # `from base import name`: the submodule base.name when it exists, else base itself
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]


def _known(name, modules):
    """The package's module that importing name loads last (a.b.c -> a.b.c, or a.b
    when c is an attribute); None outside the package."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imported_names(package):
    """{module: every dotted name it imports anywhere in its source, relative ones resolved}."""
    modules = module_files(package)
    names = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        names[module] = {name for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                         for name in _imported(node, module, modules)}
    return names


def import_graph(package):
    """{module: set of the package's modules it imports anywhere in its source}."""
    modules = module_files(package)
    return {module: {_known(name, modules) for name in names} - {None, module}
            for module, names in imported_names(package).items()}


def find_cycle(graph):
    """One cycle as a list of modules (first == last), or None."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(graph, WHITE)
    path = []

    def visit(module):
        colour[module] = GREY
        path.append(module)
        for target in sorted(graph[module]):
            if colour[target] == GREY:
                return path[path.index(target):] + [target]
            if colour[target] == WHITE:
                cycle = visit(target)
                if cycle:
                    return cycle
        colour[module] = BLACK
        path.pop()
        return None

    for module in sorted(graph):
        if colour[module] == WHITE:
            cycle = visit(module)
            if cycle:
                return cycle
    return None


def _layer(module):
    for rank, layer in enumerate(LAYERS):
        if module == layer or module.startswith(layer + "."):
            return rank
    return None


@pytest.mark.parametrize("package", ["tensorsh", "engine"])
def test_the_import_graph_has_no_cycle(package):
    cycle = find_cycle(import_graph(package))
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_tensorsh_layers_import_only_downwards():
    upward = sorted(f"{module} imports {target}"
                    for module, targets in import_graph("tensorsh").items() if _layer(module) is not None
                    for target in targets if _layer(target) is not None and _layer(target) > _layer(module))
    assert upward == []


def test_the_language_needs_no_terminal_library():
    """Scripts and embedders never need prompt_toolkit, rich or pygments."""
    terminal_libraries = {"prompt_toolkit", "rich", "pygments"}
    found = sorted(f"{module} imports {name}" for module, names in imported_names("tensorsh").items()
                   if _layer(module) == 0 for name in names if name.split(".")[0] in terminal_libraries)
    assert found == []


def test_every_tensorsh_module_is_in_a_layer():
    """New modules go into a layer's folder, not next to the front door."""
    outside = sorted(m for m in module_files("tensorsh") if _layer(m) is None)
    assert outside == ["tensorsh", "tensorsh.__main__"]


def test_the_graph_sees_imports_inside_functions_and_relative_submodules():
    graph = import_graph("tensorsh")
    # `from ..cli import confine` inside a function of the CLI's command module
    assert "tensorsh.cli.confine" in graph["tensorsh.cli.command"]
    # `from .. import display, helptext` in language/builtins/commands.py: the submodules
    assert {"tensorsh.language.display", "tensorsh.language.helptext"} <= graph["tensorsh.language.builtins.commands"]


def test_a_cycle_is_found_and_shown():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
