"""`python -m tensorsh` is the `tensorsh` command."""
import sys

from .cli import main

sys.exit(main())
