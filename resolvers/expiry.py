"""Expiry: needs whose service window ended while they still waited for a provider become EXPIRED.

A need that is SUBMITTED, TRIAGED, MATCHING or PROPOSED with ``window_end`` in the past expires with an
event by the system, and its pending proposals are withdrawn. The job is safe when several workers (or
several processes) run it at once: it works in small batches, each one transaction that takes its rows
with ``SELECT ... FOR UPDATE SKIP LOCKED`` (PostgreSQL; rows another worker holds are left to it), and
each UPDATE re-checks the status in its WHERE clause, so a need is expired, and its event written, once.
SQLite runs one transaction at a time, which gives the same guarantee.

:func:`run_periodically` is started by the app's lifespan (``LINLI_EXPIRY_INTERVAL_SECONDS``); it also
forgets idempotency keys older than a week.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from models import Match, Need, NeedEvent
from models.enums import MatchStatus, NeedStatus
from resolvers.idempotency import forget_old_keys
from resolvers.lifecycle import EXPIRABLE, actor_fields
from resolvers.live_events import NeedChange, announce

log = logging.getLogger("linli.expiry")
BATCH_SIZE = 50
MAX_BATCHES = 200
REASON = "服务时间已过，未能安排 (the service window passed without a service)"


async def expire_due(now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Expire every due need, batch by batch; returns how many this call expired."""
    moment = now or datetime.now(UTC)
    total = 0
    for _ in range(MAX_BATCHES):
        expired, seen = await _expire_batch(moment, batch_size)
        total += expired
        if seen < batch_size:
            break
    return total


async def _expire_batch(now: datetime, size: int) -> tuple[int, int]:
    """One batch in one transaction: (needs expired, rows taken)."""
    async with in_transaction():
        due = await (
            Need.filter(status__in=list(EXPIRABLE), window_end__lt=now).order_by("window_end", "id").limit(size)
            .select_for_update(skip_locked=True).only("id", "status", "community_id")
        )
        expired = []
        for need in due:
            changed = await Need.filter(id=need.id, status=need.status).update(status=NeedStatus.EXPIRED,
                                                                                updated_at=now)
            if changed:
                expired.append(NeedEvent(need_id=need.id, from_status=need.status, to_status=NeedStatus.EXPIRED,
                                         reason=REASON, **actor_fields(None)))
        if expired:
            await NeedEvent.bulk_create(expired)
            await Match.filter(need_id__in=[e.need_id for e in expired], status=MatchStatus.PROPOSED).update(
                status=MatchStatus.WITHDRAWN, updated_at=now
            )
    communities = {need.id: need.community_id for need in due}
    await announce([NeedChange(e.need_id, communities[e.need_id], NeedStatus.EXPIRED, e.from_status, now)
                    for e in expired])  # live updates, once committed (resolvers.live_events)
    return len(expired), len(due)


async def run_periodically(interval_seconds: float) -> None:
    """Expire due needs (and forget week-old idempotency keys) now and every ``interval_seconds`` until cancelled;
    a failed run is logged and retried."""
    while True:
        try:
            count = await expire_due()
            if count:
                log.info("Expired %d needs whose service window had passed.", count)
            await forget_old_keys()
        except Exception:  # the job must outlive a database hiccup; the next run retries
            log.exception("The expiry run failed; retrying in %s s.", interval_seconds)
        await asyncio.sleep(interval_seconds)


@asynccontextmanager
async def expiry_job(interval_seconds: float) -> AsyncIterator[None]:
    """Run :func:`run_periodically` in the background while the block runs (the app's lifespan)."""
    task = asyncio.create_task(run_periodically(interval_seconds), name="linli-expiry")
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
