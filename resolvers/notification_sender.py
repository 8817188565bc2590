"""The background sender of the notification outbox: WeChat subscription messages, retried, never lost.

Every worker runs :func:`notification_jobs` in its lifespan when WeChat is configured. Each round it turns
new triggers into notifications (:func:`resolvers.notifications.expand_triggers`), then delivers the due
ones (:func:`deliver_due`):

1. **Claim**, in a short transaction, a batch of due rows (PENDING, or SENDING whose lease ran out): on
   PostgreSQL with ``SELECT ... FOR UPDATE SKIP LOCKED``, so workers never take the same row, and each
   claim is also a compare-and-set on ``attempts`` (the single-writer fallback on SQLite, which ignores the
   lock clause). A claimed row is SENDING, its attempt counted, leased until ``next_attempt_at``
   (``LINLI_NOTIFICATION_LEASE_SECONDS``). The whole batch is sent at once; a send that could not finish
   within the lease (its timeout is half the lease) is not started, and the row is given back.
2. **Send**, outside any transaction: ``/cgi-bin/message/subscribe/send`` with the stored values.
3. **Record**: errcode 0 -> SENT (and ``sent_at``). 43101 (the person has not subscribed, or unsubscribed)
   -> SKIPPED. A refusal no retry can fix (40003 openid, 40037 template, 47003 values, 41030 page) ->
   FAILED. Anything else (WeChat unreachable or timing out, HTTP errors, -1 busy, rate limits) -> PENDING
   again after an exponential backoff with jitter, or FAILED after ``LINLI_NOTIFICATION_MAX_ATTEMPTS``
   attempts. Centre admins list FAILED rows with the ``notifications`` query.

A SENT row is never claimed again. **The one window for a repeat** is between WeChat accepting a message
and its SENT being committed: if the process is killed there (or the database cannot be reached, or
WeChat's answer is lost and the send times out), the row stays SENDING until its lease ends (or goes back
to PENDING) and is sent again, so the person may get that one message twice. WeChat takes no idempotency
key, so the window cannot be closed, only kept short: SENT is the very next statement, and a graceful
shutdown (a deploy) lets the round in progress finish first. Nothing is lost: a row leaves the outbox
only as SENT, SKIPPED or FAILED, and a crash anywhere leaves it PENDING or SENDING.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from tortoise.timezone import localtime
from tortoise.transactions import in_transaction

from models import Account, Notification
from models.enums import NotificationStatus
from resolvers.errors import DomainError
from resolvers.notifications import expand_triggers
from resolvers.reminders import enqueue_service_reminders

log = logging.getLogger("linli.notifications")
S = NotificationStatus
NOT_SUBSCRIBED = 43101
LEASE_MARGIN_SECONDS = 1.0
SHUTDOWN_MARGIN_SECONDS = 5.0
PERMANENT_ERRORS = {40003: "openid invalid", 40037: "template id invalid", 47003: "template values invalid",
                    41030: "page invalid"}


class MessageSender(Protocol):
    """What the sender needs of WeChat (``resolvers.wechat.WeChatClient``)."""

    async def send_subscribe_message(self, message: dict) -> int: ...


@dataclass(frozen=True, slots=True)
class SenderConfig:
    """The templates (kind -> WeChat template id) and the pace of the sender."""

    templates: Mapping[str, str] = field(default_factory=dict)
    miniprogram_state: str = "formal"
    interval_seconds: float = 5.0
    backoff_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0
    max_attempts: int = 8
    lease_seconds: float = 60.0
    send_timeout_seconds: float = 10.0
    batch_size: int = 8
    reminder_interval_seconds: float = 600.0
    reminder_from_hour: int = 17


def backoff_seconds(attempts: int, config: SenderConfig, rand: float | None = None) -> float:
    """The wait after ``attempts`` failed sends: base x 2^(attempts-1), capped, then jittered into [half, all]."""
    ceiling = min(config.backoff_max_seconds, config.backoff_seconds * 2 ** min(attempts - 1, 40))
    return ceiling * (0.5 + 0.5 * (random.random() if rand is None else rand))


async def run_once(client: MessageSender, config: SenderConfig, now: datetime | None = None) -> int:
    """Expand new triggers, then deliver one batch of due notifications; returns how many were claimed."""
    while await expand_triggers(config.templates, now):
        pass
    return await deliver_due(client, config, now)


async def deliver_due(client: MessageSender, config: SenderConfig, now: datetime | None = None) -> int:
    """Claim a batch of due notifications, send them all at once, record each outcome; returns how many."""
    loop = asyncio.get_running_loop()
    # a send that could outlast the lease is not started: another worker may claim the row once it ends
    last_start = loop.time() + config.lease_seconds - config.send_timeout_seconds - LEASE_MARGIN_SECONDS
    claimed = await _claim(now, config)
    if not claimed:
        return 0
    openids = dict(await Account.filter(id__in={n.recipient_id for n in claimed}).values_list("id", "wechat_openid"))

    async def one(row: Notification) -> None:
        if loop.time() > last_start:
            await _release(row, now)
        else:
            await _deliver(client, config, row, openids.get(row.recipient_id), now)

    await asyncio.gather(*(one(n) for n in claimed))
    return len(claimed)


async def _claim(now: datetime, config: SenderConfig) -> list[Notification]:
    now = _moment(now)
    lease_end = now + timedelta(seconds=config.lease_seconds)
    claimed = []
    async with in_transaction():
        due = await (Notification.filter(status__in=[S.PENDING, S.SENDING], next_attempt_at__lte=now)
                     .order_by("next_attempt_at", "id").limit(config.batch_size).select_for_update(skip_locked=True))
        for row in due:
            taken = await Notification.filter(id=row.id, status=row.status, attempts=row.attempts).update(
                status=S.SENDING, attempts=row.attempts + 1, next_attempt_at=lease_end, updated_at=now)
            if taken:
                row.status, row.attempts = S.SENDING, row.attempts + 1
                claimed.append(row)
    return claimed


async def _deliver(client: MessageSender, config: SenderConfig, row: Notification, openid: str | None,
                   now: datetime | None) -> None:
    if not openid:
        await _finish(row, S.SKIPPED, "没有绑定微信 (no WeChat openid)", now)
        return
    message = {"touser": openid, "template_id": row.template_id, "page": row.page, "lang": "zh_CN",
               "miniprogram_state": config.miniprogram_state,
               "data": {keyword: {"value": value} for keyword, value in row.data.items()}}
    try:
        code = await client.send_subscribe_message(message)
    except DomainError as error:
        await _retry_or_fail(row, config, error.message, now)
        return
    except Exception as error:  # a bug or an unexpected answer must not stop the other sends
        log.exception("Sending notification %s failed unexpectedly.", row.id)
        await _retry_or_fail(row, config, f"unexpected {type(error).__name__}", now)
        return
    if code == 0:
        await Notification.filter(id=row.id).exclude(status=S.SENT).update(
            status=S.SENT, sent_at=_moment(now), last_error="", updated_at=_moment(now))
    elif code == NOT_SUBSCRIBED:
        await _finish(row, S.SKIPPED, f"未订阅 (the person has not subscribed: {code})", now)
    elif code in PERMANENT_ERRORS:
        log.warning("WeChat refused notification %s: %s (%s).", row.id, PERMANENT_ERRORS[code], code)
        await _finish(row, S.FAILED, f"WeChat refused it: {PERMANENT_ERRORS[code]} ({code})", now)
    else:
        await _retry_or_fail(row, config, f"WeChat answered error {code}", now)


async def _retry_or_fail(row: Notification, config: SenderConfig, error: str, now: datetime | None) -> None:
    moment = _moment(now)
    if row.attempts >= config.max_attempts:
        log.warning("Notification %s failed after %d attempts: %s", row.id, row.attempts, error)
        await _finish(row, S.FAILED, f"{error} (gave up after {row.attempts} attempts)", now)
        return
    wait = timedelta(seconds=backoff_seconds(row.attempts, config))
    await Notification.filter(id=row.id, status=S.SENDING, attempts=row.attempts).update(
        status=S.PENDING, next_attempt_at=moment + wait, last_error=error[:200], updated_at=moment)


async def _release(row: Notification, now: datetime | None) -> None:
    """Give back a claimed row that was not sent (due again at once, its attempt not counted)."""
    await Notification.filter(id=row.id, status=S.SENDING, attempts=row.attempts).update(
        status=S.PENDING, attempts=row.attempts - 1, next_attempt_at=_moment(now), updated_at=_moment(now))


async def _finish(row: Notification, status: NotificationStatus, error: str, now: datetime | None) -> None:
    """A final status other than SENT (only for this claim: a row another round took meanwhile is left alone)."""
    await Notification.filter(id=row.id, status=S.SENDING, attempts=row.attempts).update(
        status=status, last_error=error[:200], updated_at=_moment(now))


def _moment(now: datetime | None) -> datetime:
    """``now`` (or the current time) in the database's zone: SQLite compares the stored text, and Tortoise
    converts the values of an INSERT to its configured zone but not those of an UPDATE or a filter."""
    return localtime(now or datetime.now(UTC))


async def run_periodically(client: MessageSender, config: SenderConfig, stop: asyncio.Event | None = None) -> None:
    """Deliver until ``stop`` is set (or cancelled): at once while there is work, else every ``interval_seconds``,
    and scan for tomorrow's services every ``reminder_interval_seconds``. A round in progress is finished."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    next_scan = 0.0
    while not stop.is_set():
        busy = False
        try:
            if loop.time() >= next_scan:
                await enqueue_service_reminders(from_hour=config.reminder_from_hour)
                next_scan = loop.time() + config.reminder_interval_seconds
            busy = await run_once(client, config) > 0
        except Exception:  # the sender must outlive a database hiccup; the next round retries
            log.exception("A notification round failed; retrying in %s s.", config.interval_seconds)
        if not busy:
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), config.interval_seconds)


@asynccontextmanager
async def notification_jobs(client: MessageSender | None, config: SenderConfig) -> AsyncIterator[None]:
    """Run :func:`run_periodically` in the background while the block runs (nothing without a client).

    On the way out the round in progress may finish (up to a send's timeout and a few seconds), so that a
    deploy does not leave messages WeChat accepted unrecorded; after that the task is cancelled.
    """
    if client is None:
        yield
        return
    stop = asyncio.Event()
    task = asyncio.create_task(run_periodically(client, config, stop), name="linli-notifications")
    try:
        yield
    finally:
        stop.set()
        with suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(task, config.send_timeout_seconds + SHUTDOWN_MARGIN_SECONDS)
