"""The session's models and optimizers as the shell sees them (`vars`, `graph`,
`explain`, completion).

Everything here reads a module's registries (``_parameters``, ``_buffers``,
``_modules``, kept in the instance's own ``__dict__`` as PyTorch keeps them)
and an optimizer's ``param_groups`` directly, without calling a method: a
model is often an instance of a class the script wrote, which may override
``parameters()`` or ``named_modules()``, and showing the session must never
run the script's code.
"""

__all__ = ["is_module", "is_optimizer", "registries", "named_tensors", "parameter_count",
           "parameter_names", "count_text"]


def _own_dict(value):
    """value's instance dictionary, read without running a __getattr__ or a property."""
    try:
        own = object.__getattribute__(value, "__dict__")
    except (AttributeError, TypeError):
        return None
    return own if isinstance(own, dict) else None


def is_module(value):
    """An nn.Module instance (an engine layer or a script's subclass), its registries in place."""
    if isinstance(value, type):
        return False
    try:
        from engine.nn import Module
    except ImportError:      # the shell runs without the engine
        return False
    own = _own_dict(value)
    return (isinstance(value, Module) and own is not None
            and all(isinstance(own.get(table), dict) for table in ("_parameters", "_buffers", "_modules")))


def is_optimizer(value):
    """A torch.optim optimizer (its parameters are in param_groups)."""
    if isinstance(value, type):
        return False
    try:
        from engine.optim import Optimizer
    except ImportError:      # the shell runs without the engine
        return False
    own = _own_dict(value)
    return isinstance(value, Optimizer) and own is not None and isinstance(own.get("param_groups"), list)


def registries(module):
    """(parameters, buffers, submodules) of one module, each name -> value, in registration order."""
    own = _own_dict(module)
    return own["_parameters"], own["_buffers"], own["_modules"]


def named_tensors(module, prefix=""):
    """(path, tensor, kind) for every parameter ("parameter") and buffer ("buffer") of module and
    its submodules, as named_parameters() names them ("fc1.weight"); a tensor reached twice (a
    shared layer) is given once, under its first path, as PyTorch does."""
    seen_tensors, seen_modules = set(), set()
    stack = [(prefix, module)]
    while stack:
        path, current = stack.pop()
        if id(current) in seen_modules or not is_module(current):
            continue
        seen_modules.add(id(current))
        parameters, buffers, submodules = registries(current)
        for kind, table in (("parameter", parameters), ("buffer", buffers)):
            for name, tensor in table.items():
                if tensor is not None and id(tensor) not in seen_tensors:
                    seen_tensors.add(id(tensor))
                    yield path + name, tensor, kind
        for name, child in reversed(list(submodules.items())):      # depth first, in order
            if child is not None:
                stack.append((path + name + ".", child))


def _optimizer_parameters(optimizer):
    seen = set()
    for group in _own_dict(optimizer)["param_groups"]:
        for tensor in group.get("params", ()) if isinstance(group, dict) else ():
            if id(tensor) not in seen and hasattr(tensor, "numel"):
                seen.add(id(tensor))
                yield tensor


def parameter_count(value):
    """The number of values a model or an optimizer trains (buffers are not parameters)."""
    if is_optimizer(value):
        tensors = _optimizer_parameters(value)
    else:
        tensors = (t for _, t, kind in named_tensors(value) if kind == "parameter")
    return sum(t.numel() for t in tensors)


def count_text(count):
    """'61,706 parameters' (how vars says a model's size)."""
    return f"{count:,} parameter{'' if count == 1 else 's'}"


def parameter_names(namespace):
    """{id of a tensor: ["net.fc1.weight", ...]} for the parameters and buffers of the
    namespace's models, each named by its variable and its module path."""
    names = {}
    for variable, value in namespace.items():
        if variable.startswith("_") or not is_module(value):
            continue
        for path, tensor, _ in named_tensors(value, variable + "."):
            names.setdefault(id(tensor), []).append(path)
    return names
