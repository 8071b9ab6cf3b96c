"""`python -m tensorsh` is the `tensorsh` command."""
import sys

from .cli.command import main

sys.exit(main())
