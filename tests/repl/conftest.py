"""Every REPL test runs with a private home: no test reads or writes the user's history."""
import pytest


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.delenv("TENSORSH_HISTORY_FILE", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return home
