"""Need services: the list with filters and orders, and create / update / cancel with validation.

The list filters on ``community_id``, ``status``, ``category``, ``urgency`` by equality (or a short IN
list) and orders by time, service window or urgency, each with ``id`` as the tiebreaker: the indexes of
``models.list_indexes`` hold each order after the filters whose rows cluster in time, so a page reads
its 50 entries of an index and stops (``bench.explain`` checks the plans at city scale).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import RawSQL
from tortoise.transactions import in_transaction

from models import Match, Need, Resident
from models.enums import (
    OPEN_NEED_STATUSES,
    CareCategory,
    MatchStatus,
    NeedStatus,
    Urgency,
)
from models.list_indexes import URGENCY_RANK_SQL
from resolvers import lifecycle, urgency_pages
from resolvers.errors import Checker, DomainError, ErrorCode
from resolvers.keyset_pages import Keyset, paginate_keyset
from resolvers.lifecycle import Actor
from resolvers.live_events import announce_filed
from resolvers.need_search import text_search
from resolvers.need_totals import aware, tallied_total
from resolvers.pagination import Page, PageArgs
from resolvers.replica import on_replica
from resolvers.residents import check_community, text_list
from resolvers.scope import Scope

EDITABLE_STATUSES = frozenset({NeedStatus.SUBMITTED, NeedStatus.TRIAGED})
MAX_PAST_START = timedelta(days=1)
ORDERINGS = {
    "NEWEST": ("-created_at", "-id"),
    "OLDEST": ("created_at", "id"),
    "WINDOW_START": ("window_start", "id"),
    "URGENCY": urgency_pages.ORDER,
}
LIST_FIELDS = {"languages": "languages", "skills_wanted": "skillsWanted"}
KEYSETS = {order: Keyset(order, column, descending) for order, column, descending in (
    ("NEWEST", "created_at", True), ("OLDEST", "created_at", False), ("WINDOW_START", "window_start", False))}
"""The orders whose pages seek by their cursors' keys in one range of their index (the urgency order seeks in
two: :mod:`resolvers.urgency_pages`)."""


@dataclass(frozen=True, slots=True)
class NeedFilter:
    """Criteria of the need list; every one is optional, all are combined with AND."""

    community_id: int | None = None
    resident_id: int | None = None
    category: CareCategory | None = None
    statuses: tuple[NeedStatus, ...] | None = None
    urgency: Urgency | None = None
    open_only: bool = False
    submitted_after: datetime | None = None
    submitted_before: datetime | None = None
    search: str | None = None

    def status_set(self) -> frozenset[NeedStatus] | None:
        """The statuses asked for (``openOnly`` narrows them), or None for any status."""
        chosen = frozenset(self.statuses) if self.statuses is not None else None
        if self.open_only:
            chosen = OPEN_NEED_STATUSES if chosen is None else chosen & OPEN_NEED_STATUSES
        return chosen


def need_queryset(criteria: NeedFilter, order: str = "NEWEST"):
    """The filtered, ordered need list (not yet executed; on the read replica when there is one)."""
    qs = on_replica(Need.all())
    if criteria.community_id is not None:
        qs = qs.filter(community_id=criteria.community_id)
    statuses = criteria.status_set()
    if statuses is not None:
        qs = qs.filter(status=next(iter(statuses))) if len(statuses) == 1 else qs.filter(status__in=sorted(statuses))
    for name in ("resident_id", "category", "urgency"):
        value = getattr(criteria, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    if criteria.submitted_after is not None:
        qs = qs.filter(created_at__gte=aware(criteria.submitted_after))
    if criteria.submitted_before is not None:
        qs = qs.filter(created_at__lt=aware(criteria.submitted_before))
    text = (criteria.search or "").strip()
    if text:
        qs = qs.filter(text_search(text, Need._meta.db.capabilities.dialect))
    if order == "URGENCY" and criteria.urgency is not None:
        order = "NEWEST"  # one urgency: the same rows in the same order, and the plain index of time serves it
    if order == "URGENCY":
        qs = qs.annotate(urgency_rank=RawSQL(URGENCY_RANK_SQL))
    return qs.order_by(*ORDERINGS[order])


async def need_page(criteria: NeedFilter, order: str, scope: Scope, args: PageArgs,
                    fields: tuple[str, ...] | None = None) -> Page:
    """One page of the need list within the caller's reach, as plain rows; its total from the tally when the
    filters allow (:mod:`resolvers.need_totals`), else counted; a page after or before a cursor, and the last
    page, seek through the order's index (:func:`resolvers.keyset_pages.paginate_keyset`,
    :mod:`resolvers.urgency_pages`)."""
    queryset = need_queryset(criteria, order)
    if (reach := scope.need_filter()) is not None:
        queryset = queryset.filter(reach)
    total = await tallied_total(criteria, scope)
    # the urgency order without an urgency filter: a rank, then time (resolvers.urgency_pages)
    keyset = KEYSETS.get("NEWEST" if order == "URGENCY" and criteria.urgency is not None else order,
                         urgency_pages.URGENCY)
    return await paginate_keyset(queryset, args, keyset, fields, total)


async def create_need(data: dict[str, Any], actor: Actor = None) -> Need:
    """Validate and file a need for a resident, with its first event; nothing is written on bad input."""
    resident_id = data.get("resident_id")
    resident = await Resident.get_or_none(id=resident_id) if resident_id is not None else None
    if resident is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No resident with this ID.", "residentId")
    if data.get("community_id") is None:
        data = {**data, "community_id": resident.community_id}
    checker = Checker()
    values: dict[str, Any] = {"resident_id": resident.id}
    await _validated(checker, data, values, current=None)
    checker.check()
    async with in_transaction():
        need = await Need.create(**values)
        await lifecycle.record_filing(need, actor)
    await announce_filed(need)  # live updates, once committed (resolvers.live_events)
    return need


async def update_need(need_id: int, data: dict[str, Any]) -> Need:
    """Change a need that is still SUBMITTED or TRIAGED, all or nothing."""
    need = await _need_in(need_id, EDITABLE_STATUSES, "A need can be changed only before matching starts.")
    checker = Checker()
    values: dict[str, Any] = {}
    await _validated(checker, data, values, current=need)
    checker.check()
    async with in_transaction():
        changed = await Need.filter(id=need_id, status__in=list(EDITABLE_STATUSES)).update(
            **values, updated_at=datetime.now(UTC)
        )
    if not changed:
        raise DomainError(ErrorCode.INVALID_STATE, "The need moved on meanwhile; reload it.", None)
    await need.refresh_from_db()
    return need


async def cancel_need(need_id: int, actor: Actor, reason: str | None = None) -> Need:
    """Cancel a need before its service starts; its proposals and acceptance are withdrawn (one transaction)."""
    async with in_transaction():
        await lifecycle.transition(need_id, NeedStatus.CANCELLED, actor, reason)
        await Match.filter(need_id=need_id, status__in=[MatchStatus.PROPOSED, MatchStatus.ACCEPTED]).update(
            status=MatchStatus.WITHDRAWN, updated_at=datetime.now(UTC)
        )
    return await Need.get(id=need_id)


async def _need_in(need_id: int, statuses: frozenset[NeedStatus], message: str) -> Need:
    need = await Need.get_or_none(id=need_id)
    if need is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No need with this ID.", "id")
    if need.status not in statuses:
        raise DomainError(ErrorCode.INVALID_STATE, f"{message} It is {need.status.value}.", None)
    return need


async def _validated(checker: Checker, data: dict, values: dict, current: Need | None) -> None:
    if "title" in data or current is None:
        values["title"] = checker.require_text(data.get("title"), "title", 80)
    if "description" in data:
        values["description"] = (data["description"] or "").strip()
        if len(values["description"]) > 2000:
            checker.add(ErrorCode.TOO_LONG, "`description` has at most 2000 characters.", "description")
    if "requested_by_staff" in data:
        staff = (data["requested_by_staff"] or "").strip()
        if len(staff) > 60:
            checker.add(ErrorCode.TOO_LONG, "`requestedByStaff` has at most 60 characters.", "requestedByStaff")
        values["requested_by_staff"] = staff or None
    if "community_id" in data or current is None:
        values["community_id"] = data.get("community_id")
        await check_community(checker, values["community_id"])
    _check_window(checker, data, values, current)
    _check_location(checker, data, values)
    for name in ("category", "urgency", "preferred_gender"):
        if name in data and (data[name] is not None or name == "preferred_gender"):
            values[name] = data[name]
    if data.get("required_certifications") is not None:
        values["required_certifications"] = sorted({kind.value for kind in data["required_certifications"]})
    for name, field in LIST_FIELDS.items():
        if data.get(name) is not None:
            values[name] = text_list(checker, data[name], field)
    if current is None and values.get("category") is None:
        checker.add(ErrorCode.REQUIRED, "`category` is required.", "category")


def _check_window(checker: Checker, data: dict, values: dict, current: Need | None) -> None:
    """The service window: its end after its start, its start at most one day in the past."""
    for name, field in (("window_start", "windowStart"), ("window_end", "windowEnd")):
        if name in data:
            if data[name] is None:
                checker.add(ErrorCode.REQUIRED, f"`{field}` is required.", field)
                return
            values[name] = aware(data[name])
    start = values.get("window_start", current.window_start if current else None)
    end = values.get("window_end", current.window_end if current else None)
    if start is None or end is None:
        checker.add(ErrorCode.REQUIRED, "`windowStart` and `windowEnd` are required.", "windowStart")
        return
    if end <= start:
        checker.add(ErrorCode.INVALID_RANGE, "`windowEnd` must come after `windowStart`.", "windowEnd")
    if "window_start" in values and start < datetime.now(UTC) - MAX_PAST_START:
        checker.add(ErrorCode.INVALID_RANGE, "`windowStart` is more than one day in the past.", "windowStart")


def _check_location(checker: Checker, data: dict, values: dict) -> None:
    """Precise coordinates: kept for matching, never shown (only ``hasLocation``)."""
    if "latitude" not in data:
        return
    latitude, longitude = data["latitude"], data["longitude"]
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        checker.add(ErrorCode.OUT_OF_RANGE, "Latitude is -90 to 90 and longitude -180 to 180.", "location")
    values["latitude"], values["longitude"] = latitude, longitude
