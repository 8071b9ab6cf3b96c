"""The terminal: the interactive prompt over a language Session.

repl.py is the prompt_toolkit loop, keys.py its editing keys, inputs.py
IPython's forms it accepts, pager.py long output a screen at a time,
history.py its shared history file, lexer.py and completer.py colour and
complete the input, render.py draws the output with rich (the rich formatter
of the commands' display objects), and tutorial.py walks the lessons step by
step.

Imports: tensorsh.language, prompt_toolkit, rich and pygments; never
tensorsh.cli.  Only an interactive session loads this package.
"""
