"""The prompt's history file, shared by concurrent sessions and kept small.

prompt_toolkit's append-only FileHistory format (entries of `+line`s), with
locking, de-duplication and compaction (SharedHistory); a file that cannot
be used leaves the session with its history in memory and one warning.
"""
import contextlib
import datetime
import os
import sys

from prompt_toolkit.history import History, InMemoryHistory

from ..language import files
from ..language.errors import UserError

try:
    import fcntl
except ImportError:          # Windows: no advisory locks; appends are still whole lines
    fcntl = None

__all__ = ["SharedHistory", "history_folder", "history_path", "open_history"]

HISTORY_LIMIT = 10_000
MAX_HISTORY_BYTES = 64 * 1024 ** 2      # HISTORY_LIMIT entries fit many times over
HISTORY_VERB = "use the history file"   # as in "cannot use the history file '...': ..."


def history_folder():
    """Where the prompt keeps its history: $XDG_DATA_HOME/tensorsh (XDG's default
    data home is ~/.local/share).  The CLI's walls let the prompt write there."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "tensorsh")


def history_path():
    """$XDG_DATA_HOME/tensorsh/history."""
    return os.path.join(history_folder(), "history")


class SharedHistory(History):
    """prompt_toolkit's append-only history file, made safe to share and kept small.

    - Each entry is appended under an exclusive lock, so concurrent sessions
      interleave whole entries and lose none.
    - An entry equal to the previous one is not stored again, and older copies
      of it are dropped from what Up shows (the newest copy wins).
    - When the file holds more than ``limit`` entries it is rewritten with the
      newest ``limit``, under the same lock, at start-up.
    - The file and its lock must be regular files (files.open_checked): a
      folder, a FIFO, a link to a device or an unreadable file raises here, and
      if the file goes bad later the session keeps its history in memory from
      then on, with one warning.
    """

    def __init__(self, filename, limit=HISTORY_LIMIT):
        os.makedirs(os.path.dirname(filename) or ".", exist_ok=True)
        self.filename = filename
        self.limit = limit
        self.lock_path = filename + ".lock"
        self.in_memory_only = False
        with self._locked(), _open_history(filename, append=True):
            pass                        # usable now, or raise for the caller to fall back
        super().__init__()

    def _locked(self):
        if fcntl is None:
            return contextlib.nullcontext()
        lock = files.open_checked(self.lock_path, HISTORY_VERB,
                                  flags=os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        fcntl.flock(lock, fcntl.LOCK_EX)      # released when the file is closed
        return lock

    def _give_up(self, error):
        if not self.in_memory_only:
            self.in_memory_only = True
            _warn_unusable(self.filename, error)

    def load_history_strings(self):
        try:
            with self._locked():
                entries = _read_entries(self.filename)
                if len(entries) > self.limit:
                    entries = entries[-self.limit:]
                    _compact(self.filename, entries)
        except (OSError, UserError) as e:
            self._give_up(e)
            return []
        newest_first, seen = [], set()
        for entry in reversed(entries):
            if entry not in seen:
                seen.add(entry)
                newest_first.append(entry)
        return newest_first

    def append_string(self, string):
        if self._loaded_strings and self._loaded_strings[0] == string:
            return                      # the same line again: nothing new to remember
        if string in self._loaded_strings:
            self._loaded_strings.remove(string)
        super().append_string(string)

    def store_string(self, string):
        if self.in_memory_only:
            return
        lines = "".join(f"+{line}\n" for line in string.split("\n"))
        try:
            with self._locked(), _open_history(self.filename, append=True) as f:
                f.write(f"\n# {datetime.datetime.now()}\n{lines}".encode("utf-8"))
        except (OSError, UserError) as e:
            self._give_up(e)


def _open_history(filename, append=False):
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT if append else os.O_RDONLY
    return files.open_checked(filename, HISTORY_VERB, flags=flags, max_bytes=MAX_HISTORY_BYTES)


def _warn_unusable(filename, error):
    reason = str(error) if isinstance(error, UserError) else \
        f"cannot {HISTORY_VERB} {filename!r}: {error.strerror or error}"
    sys.stderr.write(f"tensorsh: {reason}; this session's history is kept in memory only\n")


def open_history(filename):
    """The prompt's history: shared through filename, or kept in memory (with a
    warning) when that file cannot be used."""
    try:
        return SharedHistory(filename)
    except (OSError, UserError) as e:
        _warn_unusable(filename, e)
        return InMemoryHistory()


def _read_entries(filename):
    """The entries of a FileHistory file, oldest first (lines starting with '+' form an entry)."""
    entries, lines = [], []
    with _open_history(filename) as f:
        data = f.read().decode("utf-8", "replace")
    for line in data.split("\n"):
        if line.startswith("+"):
            lines.append(line[1:])
        elif lines:
            entries.append("\n".join(lines))
            lines = []
    if lines:
        entries.append("\n".join(lines))
    return entries


def _compact(filename, entries):
    """Rewrite the history file with just these entries, atomically."""
    text = "".join("\n# compacted\n" + "".join(f"+{line}\n" for line in entry.split("\n"))
                   for entry in entries)
    try:
        files.write_file(filename, lambda f: f.write(text.encode("utf-8")), lambda f: True,
                         "compact", "the history file")
    except UserError:
        pass        # e.g. the history is a link: it stays long, and still works
