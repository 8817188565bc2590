"""The accounts a worker has read, kept until PostgreSQL announces that one changed.

Each request signed in with a bearer token checks its account (status, token version, role, communities,
child-data approvals): one statement per request, a third of a small answer's throughput at city scale. A
worker keeps the rows it read here and drops one as soon as PostgreSQL's ``NOTIFY linli_account`` names it
(:mod:`models.account_events`: triggers on every update or delete of an account and every change of a
child-data approval, announced when the writing transaction commits, to every worker).

Correctness rules:

- The cache answers only while this worker's listening connection is up. It starts empty and switched
  off; :func:`listening` switches it on once ``LISTEN`` holds and the triggers exist (a database built
  without the migrations has none: then it stays off), and off (and empties it) the moment the connection
  is lost, until a new one holds ``LISTEN`` again. Without PostgreSQL (SQLite) it stays off.
- A row read before a change but stored after the change's notification is refused: every notification
  bumps a generation, and a row is stored only if the generation did not move while it was being read.
- Accounts with child-data approvals are never kept (an approval also ends by time, ``expires_at``, which
  no trigger announces), and every row is read again after ``TTL_SECONDS`` in any case.

A change is seen by every worker within the notification's delivery (milliseconds): a ban, a role change or
a revoked token stops working everywhere at once, as before, up to that delay.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from models.account_events import CHANNEL

log = logging.getLogger("linli.accounts")

TTL_SECONDS = 300.0
"""A kept row is read again after this long even without a notification (a safety net, not the rule)."""
MAX_ENTRIES = 50_000
"""At most this many accounts are kept per worker (emptied when full: rows are small and cheap to read)."""
RECONNECT_SECONDS = 2.0
LISTENER_NAME = "linli-account-changes"
"""The ``application_name`` of the listening connections (one per worker, seen in ``pg_stat_activity``)."""
MISSING_TRIGGERS_SECONDS = 60.0
TRIGGERS = ("linli_account_changed", "linli_approval_changed")
TRIGGERS_SQL = ("SELECT COUNT(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname IN ("
                + ", ".join(f"'{name}'" for name in TRIGGERS) + ")")


class AccountCache:
    """Account rows by id, answered only while the change notifications are being received."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.enabled = False
        self.generation = 0
        self._rows: dict[int, tuple[float, Any]] = {}

    def get(self, account_id: int) -> Any | None:
        """The kept row of the account, or None (read it then, and :meth:`put` it with the generation seen before)."""
        if not self.enabled:
            return None
        entry = self._rows.get(account_id)
        if entry is None or entry[0] <= self.clock():
            return None
        return entry[1]

    def put(self, account_id: int, row: Any, generation: int) -> None:
        """Keep ``row``, read when the generation was ``generation`` (refused if a change came in since)."""
        if not self.enabled or generation != self.generation or getattr(row, "approved", None):
            return
        if len(self._rows) >= MAX_ENTRIES:
            self._rows.clear()
        self._rows[account_id] = (self.clock() + TTL_SECONDS, row)

    def changed(self, account_id: int | None) -> None:
        """A notification: drop that account (every account when the payload is not an id)."""
        self.generation += 1
        if account_id is None:
            self._rows.clear()
        else:
            self._rows.pop(account_id, None)

    def switch(self, enabled: bool) -> None:
        """Start or stop answering; either way forget every kept row."""
        self.generation += 1
        self._rows.clear()
        self.enabled = enabled


ACCOUNTS = AccountCache()
"""This worker's cache (off until :func:`listening` holds ``LISTEN``)."""


def _on_notification(cache: AccountCache) -> Callable[..., None]:
    def notified(connection: Any, pid: int, channel: str, payload: str) -> None:
        cache.changed(int(payload) if payload.isdigit() else None)

    return notified


@contextlib.asynccontextmanager
async def listening(connect: Callable[[], Awaitable[Any]], cache: AccountCache = ACCOUNTS) -> AsyncIterator[None]:
    """Keep ``cache`` switched on while a connection from ``connect()`` listens to the account channel.

    Runs a task that connects, ``LISTEN``s, switches the cache on, and on losing the connection switches it
    off and connects again every ``RECONNECT_SECONDS``. Leaving the block stops the task and switches it off.
    """
    lost = asyncio.Event()

    async def keep_listening() -> None:
        while True:
            connection = None
            try:
                connection = await connect()
                lost.clear()
                connection.add_termination_listener(lambda _connection: _lose(cache, lost))
                await connection.add_listener(CHANNEL, _on_notification(cache))
                if await connection.fetchval(TRIGGERS_SQL) == len(TRIGGERS):
                    cache.switch(True)
                    await lost.wait()
                else:  # a database built without the migrations: nothing would announce a change
                    log.warning("The account triggers (%s) are missing: run `linli migrate`. Accounts are read on "
                                "every request until they exist (checked again in %s s).", ", ".join(TRIGGERS),
                                MISSING_TRIGGERS_SECONDS)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(lost.wait(), MISSING_TRIGGERS_SECONDS)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("Not listening to account changes; accounts are read on every request until "
                            "the connection is back (retrying in %s s)", RECONNECT_SECONDS, exc_info=True)
            finally:
                cache.switch(False)
                if connection is not None and not connection.is_closed():
                    with contextlib.suppress(Exception):
                        await connection.close(timeout=2)
            await asyncio.sleep(RECONNECT_SECONDS)

    task = asyncio.create_task(keep_listening(), name="linli-account-changes")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        cache.switch(False)


def _lose(cache: AccountCache, lost: asyncio.Event) -> None:
    cache.switch(False)
    lost.set()
