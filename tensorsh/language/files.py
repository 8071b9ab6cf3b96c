"""The user's files, read and written without surprises.

Every file a command names goes through here: the command line's script,
`run`, `load`, `save`, `graph ... dot=` and the prompt's history.  Two rules:

- Reading: only a regular file, of a bounded size.  A FIFO, a device or a
  folder is refused before a byte is read, and opening never blocks (a FIFO
  with no writer) or waits on a terminal.
- Writing: atomically (a temporary file in the same folder, then published),
  never through a symbolic link, and never replacing a file that tensorsh did
  not write, even when one is swapped in while the write is under way.

Problems end as UserError, whose message names the path and never shows the
file's content.
"""
import errno
import os
import secrets
import stat

from .errors import UserError, format_size

MAX_SCRIPT_BYTES = 16 * 1024 ** 2       # what `tensorsh FILE` and `run` read

# Flags that are missing on some systems count as 0 there.
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)    # opening a FIFO with no writer returns at once
_NOCTTY = getattr(os, "O_NOCTTY", 0)        # opening a terminal never makes it ours
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)    # a symbolic link as the last component fails
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)

# linkat() errors that mean "this filesystem has no hard links", not "the name is taken"
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EXDEV}


def _reason(error):
    return error.strerror or str(error)


def _refuse_a_nul(path, verb):
    if "\0" in path:        # the system would stop reading the name there
        raise UserError(f"cannot {verb} {path!r}: a file name cannot hold a NUL character")


def _refuse_unless_regular(path, info, verb, max_bytes):
    if stat.S_ISDIR(info.st_mode):
        raise UserError(f"cannot {verb} {path!r}: it is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise UserError(f"cannot {verb} {path!r}: not a regular file")
    if max_bytes is not None and info.st_size > max_bytes:
        raise UserError(f"cannot {verb} {path!r}: it is {format_size(info.st_size)}, "
                        f"more than the {format_size(max_bytes)} allowed")


def open_checked(path, verb, *, flags=os.O_RDONLY, follow_symlinks=True, max_bytes=None,
                 shown_as=None):
    """Open path (os.open flags) as a binary file object, only if it is a regular file
    of at most max_bytes.

    It is checked twice: by name before opening (so a device is never even
    opened) and, once open, by the descriptor (so a swap between the check
    and the open is caught).  shown_as is the name messages use."""
    shown = path if shown_as is None else shown_as
    _refuse_a_nul(path, verb)
    try:
        info = os.stat(path, follow_symlinks=follow_symlinks)
    except FileNotFoundError:
        if not flags & os.O_CREAT:
            raise UserError(f"cannot {verb} {shown!r}: no such file") from None
    except OSError as e:
        raise UserError(f"cannot {verb} {shown!r}: {_reason(e)}") from None
    else:
        _refuse_unless_regular(shown, info, verb, max_bytes)
    flags |= _NONBLOCK | _NOCTTY | _CLOEXEC | _BINARY | (0 if follow_symlinks else _NOFOLLOW)
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as e:
        if e.errno == errno.ELOOP and not follow_symlinks:
            raise UserError(f"cannot {verb} {shown!r}: it became a symbolic link") from None
        raise UserError(f"cannot {verb} {shown!r}: {_reason(e)}") from None
    try:
        _refuse_unless_regular(shown, os.fstat(fd), verb, max_bytes)
        os.set_blocking(fd, True)    # a regular file: no reason left to stay non-blocking
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "ab" if flags & (os.O_WRONLY | os.O_RDWR) else "rb")


def open_for_reading(path, verb, suffixes=None, max_bytes=None):
    """A binary file object for what path names, which must be a regular file whose
    real name (links followed) ends in one of suffixes: `load "x.npz"` where x.npz
    links to /etc/passwd is refused without reading it."""
    _refuse_a_nul(path, verb)
    kinds = " or ".join(suffixes or ())
    if suffixes and not path.endswith(suffixes):
        raise UserError(f"{verb} reads {kinds} files, not {path!r}")
    real = os.path.realpath(path)
    # The real name has no link left in it, so a link found there now is a swap.
    f = open_checked(real, verb, follow_symlinks=False, max_bytes=max_bytes, shown_as=path)
    if suffixes and not real.endswith(suffixes):
        f.close()
        raise UserError(f"cannot {verb} {path!r}: it links to {real!r}, which is not a {kinds} file")
    return f


def read_script(path, verb="run", suffixes=None, max_bytes=MAX_SCRIPT_BYTES):
    """The text of a script file (UTF-8, a byte-order mark allowed)."""
    with open_for_reading(path, verb, suffixes, max_bytes) as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:          # it grew after the size was checked
        raise UserError(f"cannot {verb} {path!r}: it is more than the {format_size(max_bytes)} allowed")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UserError(f"{path!r} is not UTF-8 text ({e.reason} at byte {e.start})") from None


# ------------------------------------------------------------------ writing

def write_file(path, write, is_own, verb, own_kind):
    """Write path atomically: write(binary file) fills a temporary file, which then
    takes path's place.  An existing path must be a regular file (not a link) for
    which is_own(binary file) is true; otherwise UserError names own_kind, e.g.
    "a file written by tensorsh's save"."""
    _refuse_a_nul(path, verb)
    _check_target(path, is_own, verb, own_kind)
    directory = os.path.dirname(os.path.abspath(path))
    try:
        tmp, fd = _create_private(directory, os.path.basename(path))
    except OSError as e:
        raise UserError(f"cannot {verb} {path!r}: {_reason(e)}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        _publish(tmp, path, is_own, verb, own_kind)
    except OSError as e:
        raise UserError(f"cannot {verb} {path!r}: {_reason(e)}") from None
    finally:
        _remove_quietly(tmp)


def _check_target(path, is_own, verb, own_kind):
    """Refuse early (before writing anything) a target that may not be replaced."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as e:
        raise UserError(f"cannot {verb} {path!r}: {_reason(e)}") from None
    if stat.S_ISLNK(info.st_mode):
        raise UserError(f"cannot {verb} {path!r}: it is a symbolic link")
    _refuse_unless_regular(path, info, verb, None)
    with open_checked(path, verb, follow_symlinks=False) as f:    # a file it may not read is named so
        if not is_own(f):
            raise UserError(f"refusing to overwrite {path!r}: it is not {own_kind}")


def _holds_own(path, is_own):
    """Is path a regular file (not a link) that is_own recognises?"""
    try:
        with open_checked(path, "check", follow_symlinks=False) as f:
            return bool(is_own(f))
    except (UserError, OSError):
        return False


def _create_private(directory, base):
    """A new empty file with a random name next to the target: (path, fd).
    O_EXCL: never an existing file, never through a link."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY
    for _ in range(100):
        name = os.path.join(directory, f".{base}.{secrets.token_hex(6)}.tmp")
        try:
            return name, os.open(name, flags, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", directory)


def _publish(tmp, path, is_own, verb, own_kind):
    """Put tmp at path without ever replacing a file that is not our own.

    os.replace would replace whatever stands at path when it runs, and any check
    made before it may be stale by then (a foreign file swapped in between).  So:
    - a new file is published with a hard link, which fails if anything appeared;
    - an existing file is first renamed to a private name of ours.  What is there
      now is exactly what stood at path, and no one else knows the name, so the
      check made there cannot go stale: if it is ours it is deleted and tmp linked
      in its place; if not, it is linked back where it was, untouched.
    """
    try:
        _move_without_replacing(tmp, path)
        return
    except FileExistsError:
        pass
    aside, fd = _create_private(os.path.dirname(os.path.abspath(path)), os.path.basename(path))
    os.close(fd)
    try:
        os.rename(path, aside)      # replaces only our own empty placeholder
    except OSError as e:            # it vanished, or is now a directory: someone is busy here
        _remove_quietly(aside)
        raise UserError(f"cannot {verb} {path!r}: it changed while being written ({_reason(e)})") from None
    if _holds_own(aside, is_own):
        try:
            _move_without_replacing(tmp, path)
        except FileExistsError:
            raise UserError(f"cannot {verb} {path!r}: a new file appeared there while writing; "
                            f"the previous version is kept as {aside!r}") from None
        _remove_quietly(aside)
        return
    try:
        _move_without_replacing(aside, path)
    except FileExistsError:
        raise UserError(f"refusing to overwrite {path!r}: it changed while being written; "
                        f"what stood there is now {aside!r}") from None
    raise UserError(f"refusing to overwrite {path!r}: it is not {own_kind}")


def _move_without_replacing(source, target):
    """Rename source to target; FileExistsError if target exists (as anything)."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as e:
        if e.errno not in _NO_HARD_LINKS:
            raise
        # A filesystem without hard links (FAT, some network shares): check, then
        # rename.  The gap between the two is the best such a filesystem allows.
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "file exists", target) from None
        os.rename(source, target)
        return
    os.unlink(source)


def _remove_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass
