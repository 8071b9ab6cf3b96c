"""The operating system's wall around user code: no_new_privs, seccomp and Landlock.

The language's allowlist is the first wall; this is the second, for the day a
memory bug in a dependency (NumPy, CuPy, prompt_toolkit) lets a script run
machine code.  Before the first line of user code runs, the process confines
itself, and nothing it does afterwards can lift the confinement:

- no_new_privs: no execve can ever grant privileges (setuid files, file
  capabilities); both seccomp and Landlock need it to be set by a non-root
  process.
- All capabilities dropped, so that root gains nothing over another user:
  no CAP_DAC_OVERRIDE to ignore file modes, no CAP_SYS_RAWIO, CAP_SYS_ADMIN...
- Landlock (files, and where the kernel has them TCP ports and scopes):
  reads only where the interpreter and the user's `run`/`load` need them,
  writes only in the working folder tree, the history folder and the few
  devices a terminal (and CuPy) needs.  EXECUTE is never granted, nor making
  device nodes, FIFOs, sockets or symlinks; TCP bind/connect is refused
  (ABI 4); abstract unix sockets and signals cannot reach outside (ABI 6).
- seccomp (through libseccomp, loaded with ctypes): everything is allowed
  except the system calls below, which fail with EPERM (clone3: ENOSYS).

Why each refused system call is there:

- execve, execveat: no other program ever runs.
- fork, vfork, clone without CLONE_THREAD: no new process (threads are clone
  with CLONE_THREAD, and NumPy's BLAS and prompt_toolkit need them).
- clone3: its flags live in a struct that seccomp cannot read, so it answers
  ENOSYS and glibc falls back to clone, which the filter can inspect.
- socket: no network and no unix socket to a daemon (a root-owned
  /run/docker.sock is a machine).  socketpair stays: asyncio's event loop,
  under the prompt, wakes itself through one, and it reaches nothing.  Where
  CuPy is installed, unix sockets are allowed (other families stay refused):
  the CUDA driver fails to start without one (cudaErrorOperatingSystem, seen
  on an H200), as it does when it cannot name its threads, so the rules then
  also let the process write its own /proc/self/task/<tid>/comm.
- ptrace, process_vm_readv, process_vm_writev, kcmp, pidfd_getfd: no reading,
  writing or stealing from another process.
- mount, umount2, pivot_root, chroot and the new mount API (fsopen, fsconfig,
  fsmount, fspick, move_mount, open_tree, mount_setattr): the file system
  the Landlock rules describe stays the one there is.
- unshare, setns: no new namespaces (a user namespace hands back capabilities).
- kexec_load, kexec_file_load, init_module, finit_module, delete_module,
  bpf, perf_event_open, iopl, ioperm, reboot, swapon, swapoff: the kernel,
  its code and the hardware are not the script's to change.
- open_by_handle_at: opens files by handle, not by path (the classic
  container escape).
- keyctl, add_key, request_key: the kernel's key store holds other
  programs' secrets.
- userfaultfd: the tool of choice for winning kernel races.
- io_uring_setup, io_uring_enter, io_uring_register: io_uring's operations
  run without passing through seccomp.
- ioctl TIOCSTI and TIOCLINUX: they type characters into the terminal, which
  the user's own shell would run once tensorsh exits.

Both walls apply to the calling thread and the threads it starts later, so
`confine` must run before any thread exists.
"""
import ctypes
import errno
import functools
import glob
import os
import sys
from collections import namedtuple

__all__ = ["Grant", "Wall", "available", "confine", "describe", "describe_grants", "grants_for"]

# One wall's state: name ("seccomp" or "Landlock"), whether it is (or can be)
# up, and a word on it: its version when up, why not when down.
Wall = namedtuple("Wall", "name up detail")

# ---------------------------------------------------------------- Landlock ABI

# System call numbers, the same on x86_64 and aarch64 (the unified table).
SYS_LANDLOCK_CREATE_RULESET, SYS_LANDLOCK_ADD_RULE, SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446
LANDLOCK_CREATE_RULESET_VERSION = 1 << 0
LANDLOCK_RULE_PATH_BENEATH = 1

FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_REMOVE_DIR, FS_REMOVE_FILE, FS_MAKE_CHAR, FS_MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
FS_MAKE_REG, FS_MAKE_SOCK, FS_MAKE_FIFO, FS_MAKE_BLOCK = 1 << 8, 1 << 9, 1 << 10, 1 << 11
FS_MAKE_SYM, FS_REFER, FS_TRUNCATE, FS_IOCTL_DEV = 1 << 12, 1 << 13, 1 << 14, 1 << 15
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1

# The file-system rights each ABI version knows (REFER came in 2, TRUNCATE
# in 3, IOCTL_DEV in 5); a ruleset handles all of them, so whatever is not
# granted is refused.
FS_RIGHTS_SINCE_ABI = ((5, (1 << 16) - 1), (3, (1 << 15) - 1), (2, (1 << 14) - 1), (1, (1 << 13) - 1))
NET_SINCE_ABI, SCOPES_SINCE_ABI = 4, 6
# The only rights a rule on a file (not a folder) may carry.
FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV

READ = FS_READ_FILE | FS_READ_DIR
WRITE = (READ | FS_WRITE_FILE | FS_TRUNCATE | FS_REMOVE_FILE | FS_REMOVE_DIR
         | FS_MAKE_REG | FS_MAKE_DIR | FS_REFER)
DEVICE = FS_READ_FILE | FS_WRITE_FILE | FS_IOCTL_DEV


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


# ---------------------------------------------------------------- seccomp (libseccomp)

SCMP_ACT_ALLOW = 0x7FFF0000
SCMP_CMP_NE, SCMP_CMP_MASKED_EQ = 1, 7
AF_UNIX = 1
CLONE_THREAD = 0x00010000
TIOCSTI, TIOCLINUX = 0x5412, 0x541C

REFUSED_SYSCALLS = (
    "execve", "execveat", "fork", "vfork",
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    "mount", "umount2", "pivot_root", "chroot",
    "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
    "unshare", "setns",
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
    "bpf", "perf_event_open", "iopl", "ioperm", "reboot", "swapon", "swapoff",
    "open_by_handle_at",
    "keyctl", "add_key", "request_key",
    "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
)


class _ScmpArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int),
                ("datum_a", ctypes.c_uint64), ("datum_b", ctypes.c_uint64)]


class _ScmpVersion(ctypes.Structure):
    _fields_ = [("major", ctypes.c_uint), ("minor", ctypes.c_uint), ("micro", ctypes.c_uint)]


def _scmp_act_errno(code):
    return 0x00050000 | (code & 0xFFFF)


# ---------------------------------------------------------------- what the kernel offers

PR_SET_NO_NEW_PRIVS, PR_GET_SECCOMP = 38, 21
_libc = ctypes.CDLL(None, use_errno=True)


def _errno_text():
    code = ctypes.get_errno()
    return f"{errno.errorcode.get(code, code)}: {os.strerror(code)}"


def _libseccomp():
    """libseccomp, loaded by its soname (ctypes.util.find_library would run programs)."""
    library = ctypes.CDLL("libseccomp.so.2", use_errno=True)
    library.seccomp_init.restype = ctypes.c_void_p
    library.seccomp_init.argtypes = [ctypes.c_uint32]
    library.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    library.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int,
                                               ctypes.c_uint, ctypes.POINTER(_ScmpArgCmp)]
    library.seccomp_load.argtypes = [ctypes.c_void_p]
    library.seccomp_release.argtypes = [ctypes.c_void_p]
    library.seccomp_version.restype = ctypes.POINTER(_ScmpVersion)
    return library


def _seccomp_available():
    if _libc.prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0:
        return Wall("seccomp", False, f"the kernel has no seccomp ({_errno_text()})")
    try:
        library = _libseccomp()
    except OSError:
        return Wall("seccomp", False, "libseccomp.so.2 is not installed (Debian/Ubuntu: libseccomp2)")
    version = library.seccomp_version().contents
    return Wall("seccomp", True, f"libseccomp {version.major}.{version.minor}.{version.micro}")


def _landlock_abi():
    """The kernel's Landlock ABI version, or (0, why there is none)."""
    abi = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                        ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION))
    if abi < 0:
        code = ctypes.get_errno()
        why = {errno.ENOSYS: "the kernel has no Landlock",
               errno.EOPNOTSUPP: "Landlock is off in this kernel (boot option lsm=)"}
        return 0, why.get(code, _errno_text())
    return abi, ""


def _landlock_available():
    abi, why = _landlock_abi()
    if not abi:
        return Wall("Landlock", False, why)
    parts = ["files"] + (["TCP"] if abi >= NET_SINCE_ABI else []) + (["scopes"] if abi >= SCOPES_SINCE_ABI else [])
    return Wall("Landlock", True, f"ABI {abi}: {', '.join(parts)}")


def available():
    """The walls this machine can raise: [seccomp Wall, Landlock Wall]."""
    return [_seccomp_available(), _landlock_available()]


def describe(walls):
    """One line for `tensorsh --version`: 'walls: seccomp (libseccomp 2.5.4), Landlock (ABI 7: ...)'."""
    return "walls: " + ", ".join(f"{w.name} ({w.detail})" if w.up else f"no {w.name} ({w.detail})"
                                 for w in walls)


# ---------------------------------------------------------------- what tensorsh needs

# One Landlock rule: a path and the rights granted beneath it.
Grant = namedtuple("Grant", "path rights")

READ_ONLY_DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
TERMINAL_DEVICES = ("/dev/tty", "/dev/pts")


def cupy_cache_folder():
    return os.environ.get("CUPY_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cupy", "kernel_cache")


def grants_for(script=None, history=False):
    """The rules tensorsh runs under: a list of Grant.

    Reads: the interpreter and its packages (every sys.path entry, the
    prefixes, and tensorsh's and engine's folders), the system folders
    libraries read (/usr, /lib, /lib64, /etc, /proc, /sys, /opt), the working
    folder and the script's folder.  Writes:
    the working folder tree (never the root of the file system), and, when
    asked, the history folder.  Devices: the harmless ones read, the terminal
    read-write, and with CuPy the NVIDIA devices, CuPy's kernel cache and the
    process's own thread names (/proc/self/task), which the CUDA driver writes.
    /dev as a whole is only listed, never read: as root, reading /dev/sda is
    reading every file on the disk.
    """
    cwd = os.getcwd()
    readable = [path for path in sys.path if os.path.isabs(path)] + _package_folders()
    readable += [sys.prefix, sys.base_prefix, sys.exec_prefix,
                 "/usr", "/lib", "/lib64", "/etc", "/proc", "/sys", "/opt", cwd]
    if script is not None:
        readable.append(os.path.dirname(os.path.abspath(script)))
    writable = [] if cwd == os.path.sep else [cwd]
    if history:
        from ..terminal.history import history_folder     # the prompt's, loaded for the prompt anyway
        writable += _made_folders([history_folder()])
    grants = [Grant(path, READ) for path in readable] + [Grant(path, WRITE) for path in writable]
    grants.append(Grant("/dev", FS_READ_DIR))
    grants += [Grant(path, FS_READ_FILE | FS_WRITE_FILE if path == "/dev/null" else FS_READ_FILE)
               for path in READ_ONLY_DEVICES]
    grants += [Grant(path, DEVICE | FS_READ_DIR) for path in TERMINAL_DEVICES]
    if _cupy_installed():
        grants += [Grant(path, DEVICE | FS_READ_DIR) for path in sorted(glob.glob("/dev/nvidia*"))]
        grants += [Grant(path, WRITE) for path in _made_folders([cupy_cache_folder()])]
        grants.append(Grant("/proc/self/task", READ | FS_WRITE_FILE | FS_TRUNCATE))   # threads' names
    return _without_duplicates(grants)


def _package_folders():
    """tensorsh's and engine's own folders: an editable install (pip install -e)
    reaches them through an import hook, not through a sys.path entry."""
    import importlib.util
    tensorsh_folder = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # above cli/
    folders = [tensorsh_folder]
    spec = importlib.util.find_spec("engine")
    if spec is not None and spec.submodule_search_locations:
        folders += list(spec.submodule_search_locations)
    return folders


def _made_folders(folders):
    """The folders that exist or could be created now (a rule needs an existing path)."""
    made = []
    for folder in folders:
        try:
            os.makedirs(folder, exist_ok=True)
            made.append(folder)
        except OSError:
            pass            # the prompt then keeps its history in memory, CuPy recompiles
    return made


@functools.lru_cache(maxsize=None)
def _cupy_installed():
    import importlib.util
    try:
        return importlib.util.find_spec("cupy") is not None
    except (ImportError, ValueError):
        return False


def _without_duplicates(grants):
    """One rule per path, its rights the union of those asked for."""
    rights = {}
    for path, right in grants:
        path = os.path.abspath(path)
        rights[path] = rights.get(path, 0) | right
    return [Grant(path, right) for path, right in rights.items()]


def describe_grants(grants):
    """Lines such as 'read+write /home/me/work', for TENSORSH_CONFINE_DEBUG."""
    def words(rights):
        if rights & FS_IOCTL_DEV:
            return "device"
        if rights & FS_WRITE_FILE:
            return "read+write" if rights & FS_READ_FILE else "write"
        return "read" if rights & FS_READ_FILE else "list"
    return [f"{words(rights):<10} {path}" for path, rights in grants]


# ---------------------------------------------------------------- raising the walls

LINUX_CAPABILITY_VERSION_3 = 0x20080522


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def confine(grants):
    """Confine this process for good under `grants` (see grants_for).

    Returns [seccomp Wall, Landlock Wall], each up or down with the reason.
    Must run before any thread starts: both walls bind only the calling
    thread and those it starts afterwards.
    """
    if _thread_count() > 1:
        why = "other threads were already running"
        return [Wall("seccomp", False, why), Wall("Landlock", False, why)]
    try:
        _no_new_privileges()
    except OSError as e:
        why = f"no_new_privs could not be set ({e.strerror})"
        return [Wall("seccomp", False, why), Wall("Landlock", False, why)]
    return [_raise_seccomp(), _raise_landlock(grants)]


def _thread_count():
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1


def _no_new_privileges():
    """no_new_privs, and no capabilities: root is then an ordinary user."""
    if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    header = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    nothing = (_CapData * 2)()
    if _libc.capset(ctypes.byref(header), nothing) != 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))


def _raise_landlock(grants):
    abi, why = _landlock_abi()
    if not abi:
        return Wall("Landlock", False, why)
    handled_fs = next(rights for since, rights in FS_RIGHTS_SINCE_ABI if abi >= since)
    attr = _RulesetAttr(handled_fs,
                        NET_BIND_TCP | NET_CONNECT_TCP if abi >= NET_SINCE_ABI else 0,
                        SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= SCOPES_SINCE_ABI else 0)
    ruleset = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr),
                            ctypes.c_size_t(ctypes.sizeof(attr)), ctypes.c_uint32(0))
    if ruleset < 0:
        return Wall("Landlock", False, f"landlock_create_ruleset failed ({_errno_text()})")
    try:
        for path, rights in grants:
            _add_path_rule(ruleset, path, rights & handled_fs)
        if _libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)) != 0:
            return Wall("Landlock", False, f"landlock_restrict_self failed ({_errno_text()})")
    except OSError as e:
        return Wall("Landlock", False, f"a rule for {e.filename} failed ({e.strerror})")
    finally:
        os.close(ruleset)
    return _landlock_available()


def _add_path_rule(ruleset, path, rights):
    """Grant `rights` beneath `path`; a path that does not exist is skipped."""
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return
    try:
        if not os.path.isdir(path):
            rights &= FILE_RIGHTS
        if not rights:
            return
        rule = _PathBeneathAttr(rights, fd)
        if _libc.syscall(SYS_LANDLOCK_ADD_RULE, ruleset, LANDLOCK_RULE_PATH_BENEATH,
                         ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code), path)
    finally:
        os.close(fd)


def _raise_seccomp():
    state = _seccomp_available()
    if not state.up:
        return state
    library = _libseccomp()
    context = library.seccomp_init(SCMP_ACT_ALLOW)
    if not context:
        return Wall("seccomp", False, "seccomp_init failed")
    refuse = _scmp_act_errno(errno.EPERM)
    try:
        for name in REFUSED_SYSCALLS:
            _add_seccomp_rule(library, context, refuse, name)
        _add_seccomp_rule(library, context, _scmp_act_errno(errno.ENOSYS), "clone3")
        _add_seccomp_rule(library, context, refuse, "clone", (0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0))
        _add_seccomp_rule(library, context, refuse, "socket",
                          (0, SCMP_CMP_NE, AF_UNIX, 0) if _cupy_installed() else None)
        for request in (TIOCSTI, TIOCLINUX):
            _add_seccomp_rule(library, context, refuse, "ioctl", (1, SCMP_CMP_MASKED_EQ, 0xFFFFFFFF, request))
        result = library.seccomp_load(context)
        if result < 0:
            return Wall("seccomp", False, f"seccomp_load failed ({os.strerror(-result)})")
    except OSError as e:
        return Wall("seccomp", False, f"the rule for {e.filename} failed ({e.strerror})")
    finally:
        library.seccomp_release(context)
    return state


def _add_seccomp_rule(library, context, action, name, comparison=None):
    """Refuse the system call `name`; with (arg, op, a, b), only when its argument
    arg compares so (SCMP_CMP_NE: != a; SCMP_CMP_MASKED_EQ: & a == b).  A call
    this machine lacks is skipped."""
    number = library.seccomp_syscall_resolve_name(name.encode())
    if number < 0:
        return
    if comparison is None:
        result = library.seccomp_rule_add_array(context, action, number, 0, None)
    else:
        result = library.seccomp_rule_add_array(context, action, number, 1,
                                                ctypes.byref(_ScmpArgCmp(*comparison)))
    if result < 0:
        raise OSError(-result, os.strerror(-result), name)
