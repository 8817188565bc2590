"""Helpers of the subscription tests: real Linli servers (uvicorn processes), a graphql-transport-ws client.

``LiveServer`` is the race suite's server with extra environment (``REDIS_URL`` and a namespace of its own for
the Redis pair). Its database is built from the models (like the ``db`` fixture), not from the checked-in
migrations. ``Socket`` speaks graphql-transport-ws (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md)
over the ``websockets`` client.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from tortoise.context import TortoiseContext
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.race.server import LinliServer, Worker, tortoise_config

PROTOCOL = "graphql-transport-ws"
WAIT = 10.0


@dataclass
class LiveServer(LinliServer):
    """Linli processes with ``extra_env`` on top of the race suite's environment."""

    extra_env: dict = field(default_factory=dict)

    @property
    def env(self) -> dict:
        return {**super().env, **self.extra_env}


def start_together(*servers: LiveServer, timeout: float = 60) -> None:
    """Start the processes of every server at once, then wait until each serves (imports take seconds)."""
    for server in servers:
        server.processes = [server._spawn() for _ in range(server.workers)]
    for server in servers:
        for worker in server.processes:
            server._wait_until_serving(worker, timeout)


async def create_database(url: str) -> None:
    """A new database with the tables of the models as they are now."""
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url), _create_db=True)
        await ctx.generate_schemas()


def ws_url(worker: Worker) -> str:
    return worker.url.replace("http://", "ws://", 1)


async def post(worker: Worker, query: str, variables: dict, headers: dict) -> dict:
    """One GraphQL request over HTTP to ``worker``; the ``data`` (no errors expected)."""
    async with httpx.AsyncClient(timeout=WAIT) as http:
        body = (await http.post(worker.url, json={"query": query, "variables": variables}, headers=headers)).json()
    assert not body.get("errors"), body
    return body["data"]


@dataclass
class Socket:
    """One graphql-transport-ws connection."""

    ws: ClientConnection
    last_id: int = 0

    async def send(self, message: dict) -> None:
        await self.ws.send(json.dumps(message))

    async def receive(self, seconds: float = WAIT) -> dict:
        return json.loads(await asyncio.wait_for(self.ws.recv(), seconds))

    async def subscribe(self, query: str, variables: dict | None = None) -> str:
        """Start an operation; its id."""
        self.last_id += 1
        operation_id = str(self.last_id)
        await self.send({"id": operation_id, "type": "subscribe",
                         "payload": {"query": query, "variables": variables or {}}})
        return operation_id

    async def next(self, operation_id: str) -> dict:
        """The payload of the operation's next message (``next`` expected)."""
        message = await self.receive()
        assert message["id"] == operation_id and message["type"] == "next", message
        return message["payload"]

    async def silent(self, seconds: float = 0.5) -> bool:
        """True when nothing arrives for ``seconds``."""
        try:
            message = await self.receive(seconds)
        except TimeoutError:
            return True
        raise AssertionError(f"unexpected message {message}")

    async def closed_with(self) -> int | None:
        """Wait until the server closes the connection; its close code."""
        try:
            while True:
                await asyncio.wait_for(self.ws.recv(), WAIT)
        except ConnectionClosed:
            return self.ws.close_code


@asynccontextmanager
async def opened(worker: Worker, payload: dict[str, Any] | None) -> AsyncIterator[Socket]:
    """A connection to ``worker`` that sent ``connection_init`` with ``payload`` (not yet acknowledged)."""
    async with connect(ws_url(worker), subprotocols=[PROTOCOL], open_timeout=WAIT, close_timeout=2) as ws:
        assert ws.subprotocol == PROTOCOL
        socket = Socket(ws)
        await socket.send({"type": "connection_init", "payload": payload or {}})
        yield socket


@asynccontextmanager
async def signed_in(worker: Worker, headers: dict[str, str]) -> AsyncIterator[Socket]:
    """A connection signed in with the bearer token of ``headers`` and acknowledged."""
    async with opened(worker, {"authorization": headers["Authorization"]}) as socket:
        assert (await socket.receive())["type"] == "connection_ack"
        yield socket
