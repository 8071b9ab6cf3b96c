"""torch.save and torch.load, in tensorsh's `.npz` format.

    torch.save(net.state_dict(), "net.npz")
    net.load_state_dict(torch.load("net.npz"))

What PyTorch pickles, tensorsh writes as the `.npz` that `save` writes: each
tensor (or array) one member, and the record (npz.MARKER) holds the object's
shape as JSON, with the tensors in it replaced by the names of their members.
An object is any nesting of dicts (OrderedDict too, keys of any of these
kinds), lists, tuples, numbers, strings, None, tensors and arrays: a model's
state_dict, an optimizer's (its state per parameter number and its param
groups), a checkpoint of both.  Nothing else is written and nothing is
unpickled: a crafted file loads as such values or fails with a UserError.

The file names are those of PyTorch programs (`.pt`, `.pth`) or `.npz`; the
file rules are `save`'s and `load`'s (tensorsh/language/files.py): never
overwriting a file tensorsh did not write, reading only a regular file.
"""
import collections

from ..errors import UserError
from . import npz

__all__ = ["save", "torch_load", "SUFFIXES"]

SUFFIXES = (".npz", ".pt", ".pth")
MAX_DEPTH = 64              # nesting a saved object may have (a state_dict has 3 levels)
_MEMBER = "tensor{}"        # the member holding the n-th tensor or array of the object
_SCALARS = (bool, int, float, str, type(None))


def save(obj, f):
    """Write obj (a tensor, a state_dict, any nesting of dicts, lists and tuples of tensors, numbers
    and strings) to the file named f (.npz, .pt or .pth), in tensorsh's .npz format; torch.load reads it."""
    path = _file_name(f, "save")
    arrays, items = {}, {}
    shape = _encoded(obj, arrays, items, depth=0)
    npz.save_record(path, arrays, {"format": npz.SAVE_FORMAT, "items": items, "object": shape})


def torch_load(interp):
    """torch.load for one interpreter (whose tensors it makes, within its memory limit)."""
    def load(f, map_location=None, weights_only=None):
        """The object torch.save wrote to the file named f (a file of tensorsh's `save` loads as
        a dict of its variables), on the CPU: net.load_state_dict(torch.load("net.npz"))."""
        path = _file_name(f, "load")
        if map_location not in (None, "cpu") and str(map_location) != "cpu":
            raise UserError(f"torch.load in tensorsh loads onto the CPU; move what it gives with .to({map_location!r})")
        return npz.load_object(path, interp, _decoded, SUFFIXES)
    _named_as_pytorch(load)
    return load


def _named_as_pytorch(function):
    """Named as PyTorch's: errors say `save() missing 1 required positional argument`, and help
    finds torch.save among the engine's functions (with its example in help_examples.txt)."""
    function.__qualname__ = function.__name__
    function.__module__ = "torch.serialization"
    return function


_named_as_pytorch(save)


def _file_name(f, verb):
    if not isinstance(f, str):
        raise UserError(f"torch.{verb} takes a file name in tensorsh, not a {type(f).__name__}")
    if not f.endswith(SUFFIXES):
        raise UserError(f"torch.{verb} writes and reads tensorsh's .npz format: give a file name ending in "
                        f"{', '.join(SUFFIXES)}, not {f!r}")
    return f


def _encoded(value, arrays, items, depth):
    """value as JSON-able data; its tensors and arrays go to arrays (and their record to items)."""
    import numpy as np
    if depth > MAX_DEPTH:
        raise UserError(f"torch.save: the object is nested more than {MAX_DEPTH} deep")
    if isinstance(value, _SCALARS):
        return {"value": value}
    if isinstance(value, np.ndarray) or (hasattr(value, "detach") and hasattr(value, "numpy")):
        name = _MEMBER.format(len(arrays))
        record = npz.array_record(name, value)
        arrays[name], items[name] = record
        return {"tensor": name}
    if isinstance(value, (list, tuple)):
        kind = "list" if isinstance(value, list) else "tuple"
        return {kind: [_encoded(v, arrays, items, depth + 1) for v in value]}
    if isinstance(value, dict):
        pairs = [[_encoded(k, arrays, items, depth + 1), _encoded(v, arrays, items, depth + 1)]
                 for k, v in value.items()]
        return {"ordered_dict" if isinstance(value, collections.OrderedDict) else "dict": pairs}
    raise UserError(f"torch.save in tensorsh saves tensors, numbers, strings and the dicts, lists and "
                    f"tuples holding them, not a {type(value).__name__}")


def _decoded(shape, member, depth=0):
    """The value a record's object shape describes; member(name) reads a tensor or an array."""
    if depth > MAX_DEPTH or not isinstance(shape, dict) or len(shape) != 1:
        raise npz.MalformedObject("its object is not as torch.save writes it")
    (kind, content), = shape.items()
    if kind == "value" and isinstance(content, _SCALARS):
        return content
    if kind == "tensor" and isinstance(content, str):
        return member(content)
    if kind in ("list", "tuple") and isinstance(content, list):
        values = [_decoded(v, member, depth + 1) for v in content]
        return values if kind == "list" else tuple(values)
    if kind in ("dict", "ordered_dict") and isinstance(content, list):
        made = collections.OrderedDict() if kind == "ordered_dict" else {}
        for pair in content:
            if not (isinstance(pair, list) and len(pair) == 2):
                raise npz.MalformedObject("its object is not as torch.save writes it")
            key = _decoded(pair[0], member, depth + 1)
            if not isinstance(key, (*_SCALARS, tuple)):
                raise npz.MalformedObject("its object has a key that is not a number, string or tuple")
            try:
                made[key] = _decoded(pair[1], member, depth + 1)
            except TypeError:           # a list or a tensor as a key
                raise npz.MalformedObject("its object has a key that is not a number, string or tuple") from None
        return made
    raise npz.MalformedObject("its object is not as torch.save writes it")

