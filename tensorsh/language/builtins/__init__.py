"""The names a session starts with.

Layers, later ones winning a clash of names:
  1. every public engine function and dtype (`rand`, `add`, `long` ...);
  2. Python's harmless builtins (`print len range ... float int bool`);
  3. the shell's commands (`help vars graph time run save load reset exit`).
Plus the namespaces `torch`, `np`/`numpy` (and `math`, by import).

By job: namespace.py gathers the engine's and Python's names, guards.py
checks what Python's own operations would do (sizes, iteration, nesting),
command_types.py the two kinds of command, commands.py the shell's commands,
npz.py the file format of save and load.  The package itself imports none of
them: each user imports the module it needs.
"""
