"""The `tensorsh` command line: argument parsing and exit statuses.

Exit statuses (LANGUAGE.md): 0 success, 1 an error in the code run, 2 a bad
command line or an unreadable file, 130 interrupted.

Nothing heavy is imported here at module level: `--version` and `--help`
must not load numpy, and scripts must never load prompt_toolkit or rich.
"""
import os
import sys

from .. import __version__

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPT = 0, 1, 2, 130

USAGE = """\
usage: tensorsh [options] [FILE.tsh | FILE.py | -] [args...]
       tensorsh -c CODE
       tensorsh check-cuda [--json]

A shell for tensors and autograd: PyTorch's semantics on NumPy.

  tensorsh                   interactive shell
  tensorsh FILE.tsh [ARGS]   run a script (a top-level bare value is shown;
                             import sys: sys.argv holds FILE and ARGS)
  tensorsh FILE.py [ARGS]    run a Python program with Python's rules, as
                             `python FILE.py` would with PyTorch (no bare value
                             shown, __name__ == "__main__", sys.argv)
  tensorsh -i FILE.tsh       run a script, then stay at the prompt
  tensorsh -c 'CODE'         run code given on the command line
  tensorsh -                 run code from standard input (pipes work too)
  tensorsh check-cuda        is CUDA usable here, and if not, why and how to fix it

options:
  -c CODE                    run CODE and exit
  -i                         stay at the prompt after running FILE or CODE
  --memory-limit SIZE        refuse tensors larger than SIZE (e.g. 2G, 512M;
                             default: half the machine's memory; also
                             TENSORSH_MEMORY_LIMIT)
  --color {auto,always,never}
                             colour in messages (auto: only at a terminal,
                             never with NO_COLOR set)
  --no-color                 same as --color never
  --no-history               keep this session's prompt history in memory only
                             (nothing read from or written to the history
                             file; also TENSORSH_NO_HISTORY=1)
  --confine {auto,require,off}
                             the operating system's wall around the code run
                             (seccomp and Landlock: no programs, no network,
                             writes only in the working folder and the history
                             folder). auto: raise what the kernel offers, warn
                             about what it lacks; require: refuse to run without
                             both; off: none (default: auto; also
                             TENSORSH_CONFINE; TENSORSH_CONFINE_DEBUG=1 lists
                             the folders granted)
  --debug                    show Python tracebacks for internal errors
  -V, --version              print the version and the walls this machine
                             offers, and exit
  -h, --help                 print this help and exit
"""


class UsageError(Exception):
    pass


class Options:
    __slots__ = ("code", "file", "interactive", "memory_limit", "color",
                 "debug", "no_history", "confine", "args")

    def __init__(self):
        self.code = None
        self.file = None
        self.interactive = False
        self.memory_limit = "default"
        self.color = "auto"
        self.debug = False
        self.no_history = False
        self.confine = "auto"
        self.args = []


def parse_args(argv):
    """argv (without the program name) -> Options; raises UsageError."""
    opts = Options()
    opts.confine = _confine_mode(os.environ.get("TENSORSH_CONFINE") or "auto", "TENSORSH_CONFINE")
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "-c":
            if i + 1 >= len(argv):
                raise UsageError("option -c needs an argument")
            opts.code = argv[i + 1]
            opts.args = argv[i + 2:]
            return opts
        if a.startswith("-c") and len(a) > 2 and not a.startswith("--"):
            opts.code = a[2:]
            opts.args = argv[i + 1:]
            return opts
        if a == "-i":
            opts.interactive = True
        elif a == "--debug":
            opts.debug = True
        elif a == "--no-history":
            opts.no_history = True
        elif a == "--no-color":
            opts.color = "never"
        elif a.partition("=")[0] in ("--color", "--confine", "--memory-limit"):
            name, value, i = _option_value(argv, i)
            if name == "--color":
                if value not in ("auto", "always", "never"):
                    raise UsageError(f"--color must be auto, always or never, not {value!r}")
                opts.color = value
            elif name == "--confine":
                opts.confine = _confine_mode(value, "--confine")
            else:
                from ..language.errors import parse_size
                try:
                    opts.memory_limit = parse_size(value)
                except ValueError as e:
                    raise UsageError(str(e)) from None
        elif a == "--":
            if i + 1 < len(argv):
                opts.file = argv[i + 1]
                opts.args = argv[i + 2:]
            return opts
        elif a == "-":
            opts.file = "-"
            opts.args = argv[i + 1:]
            return opts
        elif a.startswith("-"):
            raise UsageError(f"unknown option {a!r}")
        else:
            opts.file = a
            opts.args = argv[i + 1:]
            return opts
        i += 1
    return opts


def _option_value(argv, i):
    """(name, value, index of the value) for `--name=value` or `--name value` at argv[i]."""
    name, equals, value = argv[i].partition("=")
    if equals:
        return name, value, i
    if i + 1 >= len(argv):
        raise UsageError(f"option {name} needs an argument")
    return name, argv[i + 1], i + 1


CONFINE_MODES = ("auto", "require", "off")


def _confine_mode(value, where):
    if value not in CONFINE_MODES:
        raise UsageError(f"{where} must be auto, require or off, not {value!r}")
    return value


def use_color(setting, stream):
    if setting == "always":
        return True
    if setting == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def main(argv=None):
    if argv is None:
        argv = sys.argv[1:]
    try:
        return _main(argv)
    except KeyboardInterrupt:       # before or after any statement (a statement's own is handled)
        sys.stderr.write("error: interrupted\n")
        return EXIT_INTERRUPT
    except BrokenPipeError:         # output's reader went away between statements
        return _output_closed()
    except Exception as e:          # a bug outside every statement: a message, never a traceback
        if "--debug" in _options_part(argv):
            raise
        from ..language.errors import REPORT_NOTE
        sys.stderr.write(f"tensorsh: internal error: {type(e).__name__}: {e}\n({REPORT_NOTE})\n")
        return EXIT_ERROR


def _options_part(argv):
    """argv up to the program to run: what follows it are the program's own arguments."""
    try:
        program_arguments = parse_args(argv).args
    except UsageError:
        return argv
    return argv[:len(argv) - len(program_arguments)]


def _main(argv):
    if argv and argv[0] in ("-V", "--version"):
        from . import confine
        print(f"tensorsh {__version__}")
        print(confine.describe(confine.available()))
        return EXIT_OK
    if argv and argv[0] in ("-h", "--help"):
        sys.stdout.write(USAGE)
        return EXIT_OK
    if argv and argv[0] == "check-cuda":
        return _check_cuda(argv[1:])
    try:
        opts = parse_args(argv)
    except UsageError as e:
        sys.stderr.write(f"tensorsh: {e}\n(see tensorsh --help)\n")
        return EXIT_USAGE
    return _run(opts)


def _check_cuda(args):
    """`tensorsh check-cuda [--json]`: 0 when CUDA is usable, 1 when not, 2 for a bad argument."""
    import argparse
    parser = argparse.ArgumentParser(prog="tensorsh check-cuda",
                                     description="Is CUDA usable here, and if not, why and how to fix it.")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    try:
        options = parser.parse_args(args)
    except SystemExit as stop:   # argparse has printed the usage or the error
        return EXIT_USAGE if stop.code else EXIT_OK
    from . import cuda_check
    try:
        return cuda_check.main(as_json=options.json)
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return EXIT_INTERRUPT


def _read_source(path):
    """The text of a script, or (None, message) when it cannot be read: only a
    regular file of at most files.MAX_SCRIPT_BYTES (never a FIFO or a device)."""
    from ..language.errors import UserError
    from ..language.files import read_script
    try:
        return read_script(path), None
    except UserError as e:
        return None, f"tensorsh: {e}"


def _run(opts):
    import signal
    # A process started in the background inherits SIGINT ignored; the
    # shell promises Ctrl-C stops a statement, so always take it.
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    except (ValueError, OSError):
        pass

    source = filename = None
    if opts.code is not None:
        source, filename = opts.code, "<string>"
    elif opts.file == "-":
        source, filename = sys.stdin.read(), "<stdin>"
    elif opts.file is not None:
        source, message = _read_source(opts.file)
        if source is None:
            sys.stderr.write(message + "\n")
            return EXIT_USAGE
        filename = opts.file
    elif not _isatty(sys.stdin):
        source, filename = sys.stdin.read(), "<stdin>"
    if filename == "<stdin>":
        from ..language.transcript import starts_as_transcript, strip_prompts
        if starts_as_transcript(source):
            source = strip_prompts(source)      # README-style text, `>>> ` prompts and printed values

    going_interactive = source is None or opts.interactive
    if not _confine(opts, going_interactive):
        return EXIT_USAGE

    from ..language.interpreter import Session
    session = Session(
        memory_limit=opts.memory_limit,
        color=use_color(opts.color, sys.stderr),
        debug=opts.debug,
        argv=[_program_name(opts)] + list(opts.args),
    )
    status = EXIT_OK
    if source is not None:
        result = session.run_source(source, filename)
        if result.output_closed:
            return _output_closed()
        status = result.exit_status
        if result.exit_code is not None:
            return result.exit_code
        if not opts.interactive:
            return status
    return interactive(session, history=not opts.no_history)


def _program_name(opts):
    """sys.argv[0] as Python sets it: the file run, "-c" for code given with -c,
    "-" for code read from `-`, and "" at the prompt or from a plain pipe."""
    if opts.code is not None:
        return "-c"
    return opts.file or ""


def _output_closed():
    """Standard output's reader has gone (`tensorsh prog | head -2`): end quietly
    with status 0, as a shell pipeline expects.  What is still buffered for it is
    dropped (standard output is pointed at the null device), so Python's final
    flush has nothing to complain about."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass
    return EXIT_OK


def _confine(opts, going_interactive):
    """Raise the operating system's walls (tensorsh.cli.confine) before any user
    code runs; False when --confine=require and a wall cannot go up."""
    if opts.confine == "off":
        return True
    from . import confine
    script = opts.file if opts.file not in (None, "-") else None
    history = (going_interactive and not opts.no_history and not os.environ.get("TENSORSH_NO_HISTORY")
               and _isatty(sys.stdin) and _isatty(sys.stdout))
    grants = confine.grants_for(script=script, history=history)
    if os.environ.get("TENSORSH_CONFINE_DEBUG"):
        sys.stderr.write("".join(f"tensorsh: confine: {line}\n" for line in confine.describe_grants(grants)))
    down = [wall for wall in confine.confine(grants) if not wall.up]
    if not down:
        return True
    missing = "; ".join(f"{wall.name}: {wall.detail}" for wall in down)
    if opts.confine == "require":
        sys.stderr.write(f"tensorsh: --confine=require, but a wall cannot go up ({missing})\n")
        return False
    sys.stderr.write(f"tensorsh: warning: running without {' and '.join(w.name for w in down)} ({missing})\n")
    return True


def _isatty(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def interactive(session, history=True):
    """The prompt: tensorsh.terminal.repl when at a terminal and it exists, else a
    plain line loop (also what `-i` does when standard input is a pipe;
    it keeps no history)."""
    if not (_isatty(sys.stdin) and _isatty(sys.stdout)):
        return line_loop(session, prompts=False)
    try:
        from ..terminal import repl
    except ModuleNotFoundError as e:
        if e.name != "tensorsh.terminal.repl":
            raise
        return line_loop(session, prompts=True)
    return repl.main(session, history=history)


def line_loop(session, prompts=True):
    """A minimal prompt over the same Session: read lines until a statement
    is complete (syntax.is_complete), run it, repeat.  No line editing."""
    from ..language.syntax import is_complete
    if prompts:
        sys.stderr.write(f"tensorsh {__version__}  (help for help; exit or Ctrl-D to leave)\n")
    status = EXIT_OK
    while True:
        lines = []
        try:
            while True:
                if prompts:
                    line = input(">>> " if not lines else "... ")
                else:
                    line = sys.stdin.readline()
                    if not line:
                        if not lines:
                            raise EOFError
                        line = ""
                        lines.append(line)
                        break
                    line = line.rstrip("\n")
                lines.append(line)
                if is_complete("\n".join(lines)) != "incomplete":
                    break
        except EOFError:
            if prompts:
                sys.stderr.write("\n")
            return status
        except KeyboardInterrupt:
            sys.stderr.write("\nKeyboardInterrupt\n")
            continue
        text = "\n".join(lines)
        if not text.strip():
            continue
        result = session.run_source(text, "<input>" if prompts else "<stdin>")
        if result.output_closed:
            return _output_closed()
        if result.exit_code is not None:
            return result.exit_code
        if not prompts:
            status = result.exit_status
