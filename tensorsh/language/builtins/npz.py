"""The `.npz` format of `save` and `load`: NumPy's zip of arrays plus one
marker member that records what each item was (tensor, array or number; its
dtype; whether it required grad).  Any file, however crafted, loads as values
or fails with a UserError; none is read past the memory limit.
"""
import os

from .. import safe_numpy
from ..errors import UserError, format_size

MARKER = "__tensorsh__"           # the member holding the record
SAVE_FORMAT = "tensorsh-save-1"


def savable(v):
    """Can save write v (a tensor, an array or a number)?"""
    import numpy as np
    if isinstance(v, (bool, int, float, np.ndarray)):
        return True
    return hasattr(v, "detach") and hasattr(v, "numpy")


def _is_own_file(f):
    """Was the open file f written by save (an .npz holding the marker)?"""
    import zipfile
    try:
        with zipfile.ZipFile(f) as z:
            return MARKER + ".npy" in z.namelist()
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return False


DISK_RESERVE = 1024 ** 3      # save leaves at least this much of the disk free


def _check_disk_space(directory, nbytes):
    """A save (or a loop of them) never fills the disk."""
    import shutil
    try:
        free = shutil.disk_usage(directory).free
    except OSError:
        return          # the write itself reports a missing directory
    if nbytes + DISK_RESERVE > free:
        raise UserError(f"refusing to save {format_size(nbytes)}: it would leave less than "
                        f"{format_size(DISK_RESERVE)} free on the disk ({format_size(free)} free now)")


def save_npz(path, items):
    """Write items to path (.npz added if missing); never overwrite a foreign file."""
    if not path.endswith(".npz"):
        path += ".npz"
    arrays, meta = {}, {}
    for name, v in items.items():
        arrays[name], meta[name] = array_record(name, v)
    return save_record(path, arrays, {"format": SAVE_FORMAT, "items": meta})


def array_record(name, v):
    """(the array saved for v, what the record says of it) for a tensor, an array or a number."""
    import numpy as np
    if isinstance(v, np.ndarray):
        array, meta = v, {"kind": "ndarray"}
    elif isinstance(v, (bool, int, float)):
        array, meta = np.asarray(v), {"kind": type(v).__name__}
    elif hasattr(v, "detach") and hasattr(v, "numpy"):
        t = v.detach()
        if hasattr(t, "cpu"):
            t = t.cpu()
        array = np.asarray(t.numpy())
        meta = {"kind": "tensor", "dtype": str(v.dtype).replace("torch.", ""),
                "requires_grad": bool(getattr(v, "requires_grad", False))}
    else:
        raise UserError(f"cannot save {name!r}: a {type(v).__name__} is not a tensor, array or number")
    if array.dtype == object:
        raise UserError(f"cannot save {name!r}: it holds Python objects")
    return array, meta


def save_record(path, arrays, record):
    """Write arrays and the record (MARKER's JSON) to path as an .npz; never overwrite a foreign file."""
    import json
    import numpy as np
    from .. import files
    arrays = dict(arrays)
    arrays[MARKER] = np.array(json.dumps(record))
    _check_disk_space(os.path.dirname(os.path.abspath(path)), sum(a.nbytes for a in arrays.values()))
    files.write_file(path, lambda f: np.savez(f, **arrays), _is_own_file,
                     "save to", "a file written by tensorsh's save")
    return path


def _check_member_size(data, name):
    """Refuse an array whose header asks for more than the memory limit, before
    reading it (a compressed .npz member can expand a thousandfold)."""
    import math
    import numpy as np
    fmt = np.lib.format
    try:
        with data.zip.open(name + ".npy") as f:
            version = fmt.read_magic(f)
            shape, _, dtype = (fmt.read_array_header_1_0(f) if version == (1, 0)
                               else fmt.read_array_header_2_0(f))
    except (KeyError, ValueError, OSError, EOFError) as e:
        raise UserError(f"cannot load {name!r}: {e}") from None
    safe_numpy.check_bytes(math.prod(shape) * dtype.itemsize, f"{name!r} of shape {shape}")


ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")     # a zip file's first bytes (an empty zip's)
_SCALAR_KINDS = {"int": (int, "iu"), "float": (float, "f"), "bool": (bool, "b")}
SAVED_KINDS = frozenset(("tensor", "ndarray")) | frozenset(_SCALAR_KINDS)


def load_npz(path, interp):
    """The variables of an .npz file, name -> value: tensors, unless save recorded
    an array or a number.  Any file, however crafted, ends in UserError or values."""
    def variables(data, record):
        if "object" in record:
            raise UserError(f"{path!r} holds what torch.save wrote: read it with torch.load({path!r})")
        return {name: _loaded_value(data, name, record["items"].get(name), path, interp)
                for name in data.files if name != MARKER}
    return _reading(path, "load", (".npz",), variables)


class MalformedObject(UserError):
    """What a record's "object" is that torch.save does not write (the message says why)."""


def load_object(path, interp, decode, suffixes):
    """What torch.save wrote to path (decode(shape, member) rebuilds it from the record's
    "object"); a file of `save` gives the dict of its variables."""
    def saved_object(data, record):
        if "object" not in record:
            return {name: _loaded_value(data, name, record["items"].get(name), path, interp)
                    for name in data.files if name != MARKER}
        items = record["items"]

        def member(name):
            if not isinstance(name, str) or name not in items or name == MARKER:
                raise _malformed(path, f"its object names a tensor {name!r} it does not hold")
            return _loaded_value(data, name, items[name], path, interp)
        try:
            return decode(record["object"], member)
        except MalformedObject as e:
            raise _malformed(path, str(e)) from None
    return _reading(path, "load", suffixes, saved_object)


def _reading(path, verb, suffixes, read):
    """read(data, record) over the .npz file path (record: what save wrote of it, or
    {"items": {}} for an .npz from elsewhere)."""
    import zipfile
    import numpy as np
    from .. import files
    with files.open_for_reading(path, verb, suffixes) as f:
        # Only the zip reader: np.load would read a whole .npy (or a pickle) at once.
        if f.read(4) not in ZIP_MAGIC:
            raise UserError(f"cannot load {path!r}: not an .npz file")
        f.seek(0)
        try:
            data = np.load(f, allow_pickle=False)
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:
            raise UserError(f"cannot load {path!r}: {e}") from None
        with data:
            return read(data, _saved_record(data, path))


def _malformed(path, why):
    return UserError(f"cannot load {path!r}: its tensorsh record is malformed ({why})")


def _saved_record(data, path):
    """What save recorded: {"items": name -> {"kind", "dtype", "requires_grad"}}, and the
    "object" torch.save wrote; {"items": {}} for an .npz from elsewhere.  A record that is
    not as save writes it is refused, not guessed at."""
    import json
    if MARKER not in data.files:
        return {"items": {}}
    marker = _read_member(data, MARKER, path)
    if marker.shape != () or marker.dtype.kind != "U":
        raise _malformed(path, "not a string")
    try:
        record = json.loads(str(marker))
    except (ValueError, RecursionError):
        raise _malformed(path, "not JSON") from None
    items = record.get("items") if isinstance(record, dict) else None
    if not isinstance(items, dict):
        raise _malformed(path, "no table of items")
    return record


def _check_record(path, name, info):
    if not isinstance(info, dict) or info.get("kind") not in SAVED_KINDS:
        raise _malformed(path, f"{name!r} has no known kind")
    if not isinstance(info.get("requires_grad", False), bool):
        raise _malformed(path, f"requires_grad of {name!r} is not true or false")
    if not isinstance(info.get("dtype", ""), str):
        raise _malformed(path, f"the dtype of {name!r} is not a name")


def _loaded_value(data, name, info, path, interp):
    import keyword
    if not name.isidentifier() or name.startswith("_") or keyword.iskeyword(name):
        raise UserError(f"cannot load {path!r}: {name!r} is not a valid variable name")
    info = {"kind": "tensor"} if info is None else info
    _check_record(path, name, info)
    arr = _read_member(data, name, path)
    kind = info["kind"]
    if kind == "ndarray":
        return arr
    if kind in _SCALAR_KINDS:
        convert, dtype_kinds = _SCALAR_KINDS[kind]
        if arr.shape != () or arr.dtype.kind not in dtype_kinds:
            raise _malformed(path, f"{name!r} is recorded as one {kind} "
                                   f"but holds {arr.dtype.name} of shape {arr.shape}")
        return convert(arr)
    if info.get("dtype", arr.dtype.name) != arr.dtype.name:
        raise _malformed(path, f"the recorded dtype of {name!r} is not that of its data, {arr.dtype.name}")
    requires_grad = info.get("requires_grad", False)
    if requires_grad and arr.dtype.kind not in "fc":
        raise _malformed(path, f"{name!r} requires grad but holds {arr.dtype.name} values")
    try:
        return interp.make_tensor(arr, requires_grad)
    except TypeError as e:          # a dtype tensors do not have (strings, records)
        raise UserError(f"cannot load {name!r} from {path!r} as a tensor: {e}") from None


def _read_member(data, name, path):
    """The array stored as name, after checking its size against the memory limit."""
    import zipfile
    import zlib
    if name + ".npy" not in data.zip.namelist():
        raise UserError(f"cannot load {path!r}: {name!r} is not an array")
    _check_member_size(data, name)
    try:
        array = data[name]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as e:
        raise UserError(f"cannot load {path!r}: {name!r} is damaged ({e})") from None
    return safe_numpy.check_array(array, f"load of {name!r} from {path!r}")   # no record or void arrays
