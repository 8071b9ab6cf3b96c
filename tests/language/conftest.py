import io
import os
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tensorsh.language.interpreter import Session  # noqa: E402


class Ran:
    """The outcome of running some tensorsh code in-process."""

    def __init__(self, result, out, err, session):
        self.result = result
        self.out = out
        self.err = err
        self.session = session
        self.error = result.error

    @property
    def ok(self):
        return self.result.ok

    @property
    def status(self):
        return self.result.exit_status


def run_code(code, session=None, filename="t.tsh", dedent=True, **kw):
    out, err = io.StringIO(), io.StringIO()
    if session is None:
        session = Session(stdout=out, stderr=err, **kw)
    else:
        session.stdout, session.stderr = out, err
    result = session.run_source(textwrap.dedent(code) if dedent else code, filename)
    return Ran(result, out.getvalue(), err.getvalue(), session)


@pytest.fixture
def run():
    return run_code


@pytest.fixture
def session():
    return Session(stdout=io.StringIO(), stderr=io.StringIO())
