"""The real app in a uvicorn subprocess on 127.0.0.1, and a staff bearer token to call it with.

The server reads its configuration from the environment like any deployment; the benchmark raises
the limits a 2,000-need batch needs (input lists, body size, execution time, rate budget) and
turns the demo data off.
"""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BENCH_SECRET = "linli-benchmark-secret-" + "x" * 24
SERVER_LIMITS = {
    "LINLI_MAX_INPUT_LIST": "2000",
    "LINLI_MAX_BODY_BYTES": "1000000",
    "LINLI_EXECUTION_TIMEOUT": "120",
    "LINLI_STATEMENT_TIMEOUT_MS": "60000",
    "LINLI_RATE_LIMIT_POINTS": "100000000",
    "LINLI_MAX_COST": "1000000",
}


def global_id(type_name: str, pk: int) -> str:
    """The API's global ID of a row."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


async def staff_token() -> str | None:
    """A centre admin's access token for the benchmark account, if the identity layer is installed."""
    try:
        from resolvers.tokens import issue_access_token
    except ImportError:
        return None
    from models import Account
    from models.enums import AccountRole

    account, _ = await Account.get_or_create(
        username="bench-admin", defaults={"role": AccountRole.CENTRE_ADMIN, "display_name": "benchmark"}
    )
    return issue_access_token(account, BENCH_SECRET)[0]


class Server:
    """``with Server(url, port) as base_url: ...``: uvicorn serving ``graphql_api.main:app``.

    ``app`` serves another ASGI app, ``env`` adds variables, ``cpu`` pins the process to one core.
    """

    def __init__(self, database_url: str, port: int, app: str = "graphql_api.main:app",
                 env: dict[str, str] | None = None, cpu: int | None = None) -> None:
        self.database_url, self.port, self.app, self.env, self.cpu = database_url, port, app, env or {}, cpu
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> str:
        env = {**os.environ, "DATABASE_URL": self.database_url, "LINLI_SECRET_KEY": BENCH_SECRET,
               "LINLI_ENV": "development", "LINLI_DEMO_DATA": "0", "LINLI_LOG_LEVEL": "WARNING", **SERVER_LIMITS,
               **self.env}
        cpus = {self.cpu} if self.cpu is not None and self.cpu < (os.cpu_count() or 1) else None
        with socket.socket() as probe:  # else the health check below would be answered by whoever holds it
            if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                raise RuntimeError(f"port {self.port} is in use (a server left running by an interrupted "
                                   "benchmark?): stop it, or choose other ports with --port")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", self.app, "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "warning", "--no-access-log"], cwd=ROOT, env=env,
            preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
        )
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                raise RuntimeError(f"the server on port {self.port} exited at start: its output is above")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    return base
            except httpx.HTTPError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("the server did not start within 60 s")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # a shutdown stuck on a busy machine: stop it outright
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None
