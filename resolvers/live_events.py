"""Live need changes: what is announced, when, and who may follow which needs.

A :class:`NeedChange` says that a need was filed or changed status: its id, its community, the status it
reached and the one it left, and when. Nothing else travels (no title, no person): a subscriber re-reads
the need through the API, where scope and masking apply. Each change goes to three channels: the need's
(``need:<id>``), its community's (``area:<id>``) and every community's (``area:all``, for centre admins).

**After the commit only.** :func:`~resolvers.lifecycle.transition_many`, :func:`~resolvers.needs.create_need`
and the expiry job call :func:`announce` once their transaction is over. When that transaction was nested in
a caller's (a proposal, an acceptance, a cancellation, an idempotent filing), it has not committed yet: the
change waits in the request's publisher (:func:`publishing`, opened by the HTTP view around every request)
and is sent when the request ends, if the need still has that status then (an outer rollback restored the
old status, and the change is dropped). Without a publisher (services called from tests or the command line)
nothing is announced; the app's lifespan opens one for the expiry job. Where the changes travel is
:mod:`resolvers.live_feeds`.

**Who follows what** (checked when a subscription starts, and again for every change it delivers):
a need, by whoever may see it (its resident, household or guardian, the provider of a live match, staff
serving its community, a centre admin); an area's needs, by staff serving it and centre admins.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from tortoise.backends.base.client import TransactionalDBClient

from models import Area, Need
from models.enums import NeedStatus
from resolvers.errors import DomainError, ErrorCode
from resolvers.scope import Scope

if TYPE_CHECKING:
    from resolvers.live_feeds import NeedFeed

log = logging.getLogger("linli.live")
ALL_AREAS = "area:all"


def need_channel(need_id: int) -> str:
    """The channel of one need's changes."""
    return f"need:{need_id}"


def area_channel(community_id: int) -> str:
    """The channel of the changes of one community's needs."""
    return f"area:{community_id}"


@dataclass(frozen=True, slots=True)
class NeedChange:
    """A need was filed (``previous_status`` None) or reached ``status``; no personal data."""

    need_id: int
    community_id: int
    status: NeedStatus
    previous_status: NeedStatus | None
    changed_at: datetime

    @classmethod
    def of(cls, need: Need, previous_status: NeedStatus | None) -> NeedChange:
        """The change that brought ``need`` (as written) to its status."""
        moment = need.created_at if previous_status is None else need.updated_at
        return cls(need.id, need.community_id, NeedStatus(need.status), previous_status, moment)

    @property
    def channels(self) -> tuple[str, ...]:
        """The channels this change is published on."""
        return need_channel(self.need_id), area_channel(self.community_id), ALL_AREAS

    def to_json(self) -> str:
        return json.dumps({"needId": self.need_id, "communityId": self.community_id, "status": self.status.value,
                           "previousStatus": self.previous_status.value if self.previous_status else None,
                           "changedAt": self.changed_at.isoformat()})

    @classmethod
    def from_json(cls, data: str | bytes) -> NeedChange:
        raw = json.loads(data)
        previous = raw["previousStatus"]
        return cls(int(raw["needId"]), int(raw["communityId"]), NeedStatus(raw["status"]),
                   NeedStatus(previous) if previous else None, datetime.fromisoformat(raw["changedAt"]))


@dataclass
class Publisher:
    """Where this request's (or job's) changes go, and those waiting for the outer commit."""

    feed: NeedFeed
    pending: list[NeedChange] = field(default_factory=list)


_PUBLISHER: ContextVar[Publisher | None] = ContextVar("linli_live_publisher", default=None)


@asynccontextmanager
async def publishing(feed: NeedFeed) -> AsyncIterator[None]:
    """Announce the block's changes on ``feed``; those made in nested transactions when the block ends."""
    publisher = Publisher(feed)
    token = _PUBLISHER.set(publisher)
    try:
        yield
    finally:
        _PUBLISHER.reset(token)
        if publisher.pending:
            await _send(feed, await _still_true(publisher.pending))


async def announce(changes: Sequence[NeedChange]) -> None:
    """Send committed changes now; keep those of a still open (outer) transaction for the end of the request."""
    publisher = _PUBLISHER.get()
    if publisher is None or not changes:
        return
    if isinstance(Need._meta.db, TransactionalDBClient):  # nested in a caller's transaction
        publisher.pending.extend(changes)
    else:
        await _send(publisher.feed, changes)


async def announce_filed(need: Need) -> None:
    """A new need (call after the transaction that created it)."""
    await announce([NeedChange.of(need, None)])


async def announce_steps(needs: Iterable[Need], before: dict[int, NeedStatus]) -> None:
    """The needs whose status changed from ``before[id]`` (call after the transaction that changed them)."""
    await announce([NeedChange.of(need, before[need.id]) for need in needs if need.id in before])


async def _send(feed: NeedFeed, changes: Sequence[NeedChange]) -> None:
    if not changes:
        return
    try:
        await feed.publish(changes)
    except Exception:  # a change is a hint: never fail the request that made it
        log.warning("Could not publish %d live need changes", len(changes), exc_info=True)


async def _still_true(changes: list[NeedChange]) -> list[NeedChange]:
    """The changes whose need has that status now (those of a rolled-back transaction have not)."""
    try:
        rows = await Need.filter(id__in={c.need_id for c in changes}).values_list("id", "status")
    except Exception:
        log.warning("Could not re-read %d needs before announcing their changes", len(changes), exc_info=True)
        return []
    current = {need_id: status for need_id, status in rows}
    return [change for change in changes if current.get(change.need_id) == change.status]


async def need_channels(scope: Scope, need_id: int) -> list[str]:
    """The channel of a need the viewer may follow; FORBIDDEN otherwise (also for a need that does not exist)."""
    need = await Need.get_or_none(id=need_id).only("id", "resident_id", "community_id")
    if need is None or not scope.sees_need(need):
        raise DomainError(ErrorCode.FORBIDDEN, "You may not follow this need.", "needId")
    return [need_channel(need_id)]


async def area_channels(scope: Scope, community_id: int | None) -> list[str]:
    """The channels of the areas whose needs staff follow: one community (and, for a subdistrict, its
    communities), or every community they serve when ``community_id`` is None."""
    if not scope.is_staff:
        raise DomainError(ErrorCode.FORBIDDEN, "Only centre staff follow the needs of an area.")
    if community_id is None:
        if scope.area_ids is None:
            return [ALL_AREAS]
        if not scope.area_ids:
            raise DomainError(ErrorCode.FORBIDDEN, "You serve no community yet.")
        return [area_channel(area_id) for area_id in sorted(scope.area_ids)]
    if not scope.staff_covers(community_id) or not await Area.exists(id=community_id):
        raise DomainError(ErrorCode.FORBIDDEN, "You do not serve this community.", "communityId")
    children = await Area.filter(parent_id=community_id).values_list("id", flat=True)
    return [area_channel(area_id) for area_id in (community_id, *children)]
