"""The op registry is the one list of ops: everything exported comes from it, and every op in it
is checked. A differentiable op without a gradient spec (tests/engine/specs_*.py) or any op without
a help example fails here, naming the op."""
from __future__ import annotations

import importlib
import pathlib

import pytest

import engine
from engine.ops import registry
from tensorsh.language import helptext

HERE = pathlib.Path(__file__).parent
SPEC_NAMES = {spec.name for path in sorted(HERE.glob("specs_*.py"))
              for spec in importlib.import_module(f"tests.engine.{path.stem}").SPECS}
OPS = registry.ops()


def _checked_by_a_spec(name):
    """A spec is named after the op, or the op and a variant: ``sum``, ``sum_dim``."""
    return any(spec == name or spec.startswith(name + "_") for spec in SPEC_NAMES)


def _missing_examples(op, examples):
    """The names of ``op`` that help has no example for. Aliases are one object and share a page
    (torch.abs is torch.absolute), so one of them suffices; each method and in-place form has its own.
    A bare name that is also Python's (sum) is documented as torch.NAME."""
    prefix = "" if op.namespace == "torch" else op.namespace + "."

    def has(name):
        return prefix + name in examples or "torch." + name in examples
    missing = []
    if op.function and not any(has(n) for n in (op.name, *op.aliases)):
        missing.append(prefix + op.name)
    missing += [prefix + n for n in op.inplace_exported if not has(n)]
    return missing + [f"Tensor.{n}" for n in op.methods + op.inplace if f"Tensor.{n}" not in examples]


@pytest.mark.parametrize("op", [o for o in OPS if o.differentiable], ids=lambda o: f"{o.namespace}.{o.name}")
def test_every_differentiable_op_has_a_gradient_spec(op):
    names = (op.name, *op.aliases, *op.methods)
    assert any(_checked_by_a_spec(n) for n in names), (
        f"{op.namespace}.{op.name} is declared differentiable but no spec in tests/engine/specs_*.py checks its "
        f"gradient: add one (named {op.name} or {op.name}_VARIANT), or declare it differentiable=False")


@pytest.mark.parametrize("op", OPS, ids=lambda o: f"{o.namespace}.{o.name}")
def test_every_op_has_a_help_example(op):
    missing = _missing_examples(op, helptext.examples())
    assert not missing, f"add examples to {helptext.EXAMPLES_FILE} for: {', '.join(missing)}"


def test_the_engine_exports_exactly_what_the_registry_lists():
    exported = registry.exports("torch")
    for name, value in exported.items():
        assert getattr(engine, name) is value, name
    assert engine.nn.functional.__all__ == list(registry.exports("torch.nn.functional"))
    assert engine.linalg.__all__ == list(registry.exports("torch.linalg"))


def test_a_method_that_pytorch_also_offers_as_a_function_is_exported():
    """torch.clone(x), torch.sin_(x): found in review missing, since __all__ lists were kept by hand."""
    x = engine.tensor([0.5, 1.0])
    assert engine.clone(x) is not x and engine.equal(engine.clone(x), x)
    assert engine.sin_(x) is x
    assert engine.zero_(x).tolist() == [0.0, 0.0]


def test_method_only_ops_are_not_torch_functions():
    """PyTorch has Tensor.view and Tensor.add_ but no torch.view or torch.add_."""
    for name in ("view", "expand", "add_", "absolute_", "sign_"):
        assert hasattr(engine.Tensor, name) and not hasattr(engine, name), name


def test_an_op_has_one_entry():
    keys = [(o.namespace, n) for o in OPS for n in o.names()]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
