"""A real Linli server for the race and crash tests: its own database, uvicorn in a subprocess, real tokens.

``prepare_database`` creates a fresh database (PostgreSQL: a new one on the test server; SQLite: a file)
and applies the checked-in migrations. ``LinliServer`` starts ``uvicorn graphql_api.main:app`` processes
on free 127.0.0.1 ports, each in its own process group, configured only through the environment, as in
production. ``bearer_for`` mints a signed access token for an account, exactly as a sign-in would.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
from tortoise import Tortoise
from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate

from graphql_api.settings import Settings
from models import Account
from resolvers.tokens import issue_access_token
from tests.conftest import BACKEND, POSTGRES_URL

ROOT = Path(__file__).resolve().parents[2]
SECRET = "race-tests-secret-" + "x" * 32
#: Rounds of each race: ``LINLI_RACE_REPEAT``, else 20 on PostgreSQL and 5 on SQLite (one writer at a time).
REPEAT = int(os.environ.get("LINLI_RACE_REPEAT") or (20 if BACKEND == "postgres" else 5))
#: PostgreSQL takes several workers (processes); SQLite, a single writer, one.
WORKERS = 2 if BACKEND == "postgres" else 1


def database_url(tmp_dir: Path) -> str:
    """A URL for a new database of the chosen backend."""
    if BACKEND == "postgres":
        return f"{POSTGRES_URL.rsplit('/', 1)[0]}/linli_race_{uuid.uuid4().hex[:12]}"
    return f"sqlite://{tmp_dir / 'race.sqlite3'}"


def tortoise_config(url: str) -> dict:
    """The ORM configuration of the test process for ``url`` (the server builds the same from its env)."""
    config = Settings(env="test", database_url=url).tortoise_config()
    config["connections"]["default"] = url
    return config


async def create_schema(url: str) -> None:
    """Create the database and bring it to the latest checked-in migration, as ``linli migrate`` does."""
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url), _create_db=True)
    try:
        await migrate(config=tortoise_config(url))
    finally:
        await Tortoise.close_connections()


def prepare_database(tmp_dir: Path) -> str:
    """A fresh database with the schema; returns its URL (outside an event loop)."""
    url = database_url(tmp_dir)
    asyncio.run(create_schema(url))
    return url


async def drop(url: str) -> None:
    """Drop a PostgreSQL race database (a SQLite file goes with its temporary directory)."""
    if BACKEND != "postgres":
        return
    conn = await asyncpg.connect(POSTGRES_URL.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    finally:
        await conn.close()


def drop_database(url: str) -> None:
    """:func:`drop`, outside an event loop."""
    asyncio.run(drop(url))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Worker:
    """One uvicorn process serving Linli on its own port."""

    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"


@dataclass
class LinliServer:
    """Linli on ``database_url``: ``workers`` uvicorn processes, each on its own port; start, kill, restart.

    Separate single-worker processes rather than ``uvicorn --workers``: uvicorn's multi-worker mode binds
    its socket without ``IPPROTO_TCP``, so asyncio does not set ``TCP_NODELAY`` on accepted connections and
    every small response waits ~40 ms for a delayed ACK (Nagle). Requests are spread over the processes
    round-robin; they share nothing but the database, as workers do.
    """

    database_url: str
    workers: int = WORKERS
    processes: list[Worker] = field(default_factory=list)
    _turn: int = 0

    @property
    def url(self) -> str:
        """The next process's endpoint (round-robin)."""
        self._turn += 1
        return self.processes[self._turn % len(self.processes)].url

    @property
    def env(self) -> dict:
        return {**os.environ, "LINLI_ENV": "test", "DATABASE_URL": self.database_url, "LINLI_SECRET_KEY": SECRET,
                "LINLI_RATE_LIMIT_POINTS": "100000000", "LINLI_MAX_COST": "1000000", "LINLI_EXECUTION_TIMEOUT": "60",
                "LINLI_STATEMENT_TIMEOUT_MS": "30000", "REDIS_URL": ""}

    def start(self, timeout: float = 60) -> LinliServer:
        self.processes = [self._spawn() for _ in range(self.workers)]
        for worker in self.processes:
            self._wait_until_serving(worker, timeout)
        return self

    def _spawn(self) -> Worker:
        port = free_port()
        log = Path(os.environ.get("TMPDIR", "/tmp")) / f"linli-race-{port}.log"
        command = [sys.executable, "-m", "uvicorn", "graphql_api.main:app", "--host", "127.0.0.1", "--port", str(port),
                   "--log-level", "warning", "--timeout-keep-alive", "75", "--backlog", "4096"]
        with log.open("wb") as out:
            process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        return Worker(port, process, log)

    def _wait_until_serving(self, worker: Worker, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if worker.process.poll() is not None:
                raise RuntimeError(f"the server exited: {worker.log.read_text(errors='replace')[-2000:]}")
            try:
                answer = httpx.post(worker.url, json={"query": "{ __typename }"}, timeout=2)
                if answer.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.kill()
        raise RuntimeError("the server did not start in time")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to every process (each in its own process group) and reap them."""
        for worker in self.processes:
            if worker.process.poll() is None:
                os.killpg(worker.process.pid, sig)
        for worker in self.processes:
            worker.process.wait(timeout=30)

    def stop(self) -> None:
        """Shut down gracefully (SIGTERM), or kill after 30 s."""
        try:
            self.kill(signal.SIGTERM)
        except subprocess.TimeoutExpired:
            self.kill()


def bearer_for(account: Account) -> dict[str, str]:
    """Headers with a real access token for ``account``, signed with the server's secret."""
    token, _ = issue_access_token(account, SECRET)
    return {"Authorization": f"Bearer {token}"}


def client(timeout: float = 120) -> httpx.AsyncClient:
    """An HTTP client that keeps hundreds of requests in flight, each on its own connection.

    No keep-alive: httpcore's pool gets slower with every idle connection it holds (seconds of client CPU
    per round of 200 requests), and a connection the server has just closed could be picked up mid-race.
    """
    return httpx.AsyncClient(limits=httpx.Limits(max_connections=400, max_keepalive_connections=0), timeout=timeout)


async def post(http: httpx.AsyncClient, server: LinliServer, query: str, variables: dict, headers: dict) -> dict:
    """One GraphQL request to the server; the decoded body."""
    response = await http.post(server.url, json={"query": query, "variables": variables}, headers=headers)
    return response.json()
