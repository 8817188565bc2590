"""The read replica: heavy reports and listings may read from a replica of the database.

With ``DATABASE_REPLICA_URL`` set (PostgreSQL), the app hands the replica's connection settings to
:func:`use_replica` when it is built, and :func:`on_replica` binds a read-only queryset to that
connection: the need statistics, the need list and the staff work queues use it. A replica may lag the
primary by a moment, so only those reads go there: every read that decides a write, every read in a
transaction, and the public listings kept in the public read cache (which must never cache data older
than a write) stay on the primary. Without the setting every read goes to the primary.

The replica is deliberately not a second connection of Tortoise's configuration: with two configured
connections Tortoise refuses ``in_transaction()`` without a connection name, which every service uses.
It is a client of the same kind, kept here; its pool opens on the first read and
:func:`close_replica` closes it (the app's lifespan).
"""

from __future__ import annotations

import importlib
from typing import Any, TypeVar

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

REPLICA = "replica"
Q = TypeVar("Q")
_replica: BaseDBAsyncClient | None = None


def use_replica(connection: dict[str, Any] | None) -> None:
    """Read the heavy listings through ``connection`` (Tortoise's connection dict), or the primary (None)."""
    global _replica
    if connection is None:
        _replica = None
        return
    engine = importlib.import_module(connection["engine"])
    _replica = engine.client_class(connection_name=REPLICA, **connection["credentials"])


async def close_replica() -> None:
    """Close the replica's pool, if it was opened."""
    if _replica is not None:
        await _replica.close()


def replica_configured() -> bool:
    """True when a replica is in use."""
    return _replica is not None


def on_replica(queryset: Q) -> Q:
    """The same read-only queryset, run on the replica when there is one."""
    return queryset.using_db(_replica) if _replica is not None else queryset  # type: ignore[attr-defined]


def read_client() -> BaseDBAsyncClient:
    """The connection of the heavy reads, for a hand-written statement: the replica when there is one."""
    return _replica if _replica is not None else connections.get("default")
