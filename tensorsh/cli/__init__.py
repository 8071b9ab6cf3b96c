"""The command line: `tensorsh`, `python -m tensorsh`, `tensorsh check-cuda`.

command.py reads the arguments and runs a script, `-c` code, a pipe or the
prompt; confine.py raises the operating system's walls before user code
runs; cuda_check.py says whether CUDA works here and how to fix it.

Imports: tensorsh.language and tensorsh.terminal (the prompt, only when
interactive); nothing imports the CLI.
"""
