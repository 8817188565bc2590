#!/usr/bin/env python3
"""Set Linli up and run it, with nothing but Python 3.11 and pip on the machine.

    python3 dev.py serve   # install, migrate, load demo data, serve GraphiQL on :8000
    python3 dev.py test    # install, lint, check the schema, run the tests on SQLite and PostgreSQL

Both create ``.venv`` on first use and reinstall only when ``pyproject.toml`` changes.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import venv
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".linli-installed"
POSTGRES_URL = os.environ.get("LINLI_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(*args: str | Path, env: dict | None = None) -> None:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env={**os.environ, **(env or {})})
    if result.returncode != 0:
        sys.exit(result.returncode)


def ensure_installed(extras: str) -> None:
    """Create the virtualenv and install the project (with ``extras``) when anything changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py may be started by an older python3)
        sys.exit("Linli needs Python 3.11 or newer; run this with python3.11.")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PYTHON.exists():
        say(f"Creating the virtual environment in {VENV}")
        venv.create(VENV, with_pip=True)
    say(f"Installing Linli and its dependencies ({extras or 'runtime'})")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", f".[{extras}]" if extras else ".")
    STAMP.write_text(wanted)


def postgres_reachable() -> bool:
    url = urlparse(POSTGRES_URL)
    try:
        with socket.create_connection((url.hostname or "127.0.0.1", url.port or 5432), timeout=2):
            return True
    except OSError:
        return False


def serve(extra: list[str]) -> None:
    ensure_installed("")
    run(BIN / "linli", "serve", *extra)


def test(extra: list[str]) -> None:
    ensure_installed("test")
    say("Lint (ruff)")
    run(BIN / "ruff", "check", ".")
    say("Tests on SQLite")
    run(PYTHON, "-m", "pytest", *extra, env={"LINLI_TEST_DATABASE": "sqlite"})
    if postgres_reachable():
        say(f"Tests on PostgreSQL ({urlparse(POSTGRES_URL).hostname}:{urlparse(POSTGRES_URL).port or 5432})")
        run(PYTHON, "-m", "pytest", *extra, env={"LINLI_TEST_DATABASE": "postgres"})
    elif os.environ.get("CI"):
        sys.exit(f"PostgreSQL is not reachable at {POSTGRES_URL}; CI must test on it (start it first).")
    else:
        say(f"PostgreSQL not reachable at {POSTGRES_URL}: skipped the PostgreSQL run "
            "(set LINLI_TEST_POSTGRES_URL or start PostgreSQL to include it).")


def main() -> None:
    commands = {"serve": serve, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
