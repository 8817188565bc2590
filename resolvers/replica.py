"""The read replica: heavy reports and listings may read from a replica of the database.

With ``DATABASE_REPLICA_URL`` set (PostgreSQL), Tortoise has a second connection, ``replica``, and
:func:`on_replica` binds a read-only queryset to it: the need statistics, the need list and the staff
work queues use it. A replica may lag the primary by a moment, so only those reads go there: every
read that decides a write, every read in a transaction, and the public listings kept in the public read
cache (which must never cache data older than a write) stay on the primary. Without the setting
``replica`` does not exist and every read goes to the primary.
"""

from __future__ import annotations

from typing import TypeVar

from tortoise import connections
from tortoise.exceptions import ConfigurationError

REPLICA = "replica"
Q = TypeVar("Q")


def replica_configured() -> bool:
    """True when the ``replica`` connection is configured."""
    try:
        return REPLICA in connections.db_config
    except ConfigurationError:
        return False


def on_replica(queryset: Q) -> Q:
    """The same read-only queryset, run on the replica when there is one."""
    return queryset.using_db(connections.get(REPLICA)) if replica_configured() else queryset  # type: ignore[attr-defined]
