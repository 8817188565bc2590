"""Staff work queues: needs waiting for triage, waiting for a match, and proposals left unanswered.

Each queue is the needs of the communities the staff member serves (or one of them), oldest first, so
the need waiting longest is at the top:

- ``awaiting_triage``: SUBMITTED.
- ``awaiting_match``: TRIAGED or MATCHING.
- ``unanswered``: PROPOSED with a proposal still unanswered after ``hours`` hours.

The filters use the index ``need(community_id, status, created_at)``; the unanswered queue adds a
subquery on ``match(need_id, status)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Subquery

from models import Match, Need
from models.enums import MatchStatus, NeedStatus
from resolvers.authorization import require
from resolvers.errors import DomainError, ErrorCode
from resolvers.need_totals import tallied_count
from resolvers.pagination import Page, PageArgs, paginate
from resolvers.replica import on_replica
from resolvers.scope import Scope

DEFAULT_HOURS = 24
MAX_HOURS = 24 * 30
QUEUES = ("awaiting_triage", "awaiting_match", "unanswered")
QUEUE_STATUSES = {"awaiting_triage": (NeedStatus.SUBMITTED,),
                  "awaiting_match": (NeedStatus.TRIAGED, NeedStatus.MATCHING)}
"""The queues whose length is a count of needs by community and status (the tally answers it)."""


@dataclass(frozen=True, slots=True)
class QueueScope:
    """Which needs the queues hold: communities (None: every one) and the unanswered threshold."""

    community_ids: frozenset[int] | None
    hours: int


def queue_scope(scope: Scope, community_id: int | None, hours: int = DEFAULT_HOURS) -> QueueScope:
    """Check the caller (staff serving the community asked for) and the threshold (1 hour to 30 days)."""
    require(scope, scope.is_staff, "Only centre staff see the work queues.")
    if community_id is not None:
        require(scope, scope.staff_covers(community_id), "You do not serve this community.")
    if not 1 <= hours <= MAX_HOURS:
        raise DomainError(ErrorCode.OUT_OF_RANGE, f"`unansweredHours` is 1 to {MAX_HOURS}.", "unansweredHours")
    if community_id is not None:
        return QueueScope(frozenset({community_id}), hours)
    return QueueScope(scope.area_ids, hours)


def queue_queryset(queue: str, where: QueueScope, now: datetime | None = None):
    """The needs of one queue, oldest first (not yet executed; on the read replica when there is one)."""
    qs = on_replica(Need.all())
    if where.community_ids is not None:
        qs = qs.filter(community_id__in=sorted(where.community_ids))
    if queue in QUEUE_STATUSES:
        statuses = QUEUE_STATUSES[queue]
        qs = qs.filter(status=statuses[0]) if len(statuses) == 1 else qs.filter(status__in=list(statuses))
    else:
        cut = (now or datetime.now(UTC)) - timedelta(hours=where.hours)
        stale = Match.filter(status=MatchStatus.PROPOSED, created_at__lt=cut).values("need_id")
        qs = qs.filter(status=NeedStatus.PROPOSED, id__in=Subquery(stale))
    return qs.order_by("created_at", "id")



async def queue_page(queue: str, where: QueueScope, args: PageArgs) -> Page:
    """One page of a queue (model instances); its length from the tally when the queue is one of statuses."""
    statuses = QUEUE_STATUSES.get(queue)
    total = await tallied_count(where.community_ids, [s.value for s in statuses]) if statuses else None
    return await paginate(queue_queryset(queue, where), args, total)
