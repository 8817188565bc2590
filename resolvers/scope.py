"""What one viewer may see of residents' data, loaded once per request.

The :class:`Scope` answers "is this resident / need within reach of this caller?" without a query
per object: the handful of id sets it holds are loaded up front (a few small statements).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tortoise.expressions import Q

from models import Area, ChildDataApproval, Guardianship, Match, Need, Resident
from models.enums import MatchStatus
from resolvers.access import Role, Viewer
from resolvers.rows import query_rows

PROVIDER_MATCH_STATUSES = (MatchStatus.PROPOSED, MatchStatus.ACCEPTED, MatchStatus.COMPLETED)


@dataclass(frozen=True, slots=True)
class Scope:
    """The reach of one viewer.

    ``own_resident_ids``: the viewer as a resident, their household and the children they are
    guardian of. ``ward_ids``: those children. ``provider_need_ids``: needs proposed to or served by
    the viewer as a provider; ``service_windows``: resident -> windows of the viewer's accepted
    matches. ``area_ids`` is None for a centre admin (every community) and the served communities
    for staff; ``approved_child_ids``: children whose data a centre admin approved this staff to see.
    """

    viewer: Viewer
    own_resident_ids: frozenset[int] = frozenset()
    ward_ids: frozenset[int] = frozenset()
    provider_need_ids: frozenset[int] = frozenset()
    provider_resident_ids: frozenset[int] = frozenset()
    service_windows: dict[int, tuple[tuple[datetime, datetime], ...]] = field(default_factory=dict)
    area_ids: frozenset[int] | None = frozenset()
    approved_child_ids: frozenset[int] = frozenset()
    household_id: int | None = None

    @property
    def is_staff(self) -> bool:
        """Centre staff or centre admin."""
        return self.viewer.is_staff

    def staff_covers(self, community_id: int) -> bool:
        """True when staff serve this community (a centre admin serves all)."""
        return self.is_staff and (self.area_ids is None or community_id in self.area_ids)

    def owns(self, resident_id: int) -> bool:
        """The viewer themself, their household, or a child in their care."""
        return resident_id in self.own_resident_ids

    def sees_resident(self, resident: Resident) -> bool:
        """May see the minimized view of this resident."""
        return (
            self.owns(resident.id)
            or self.staff_covers(resident.community_id)
            or resident.id in self.provider_resident_ids
        )

    def manages_resident(self, resident: Resident) -> bool:
        """May see the resident's needs, guardians and consents and change their record."""
        return self.owns(resident.id) or self.staff_covers(resident.community_id)

    def sees_need(self, need: Need) -> bool:
        """May see this need (and its matches)."""
        return self.owns(need.resident_id) or self.staff_covers(need.community_id) or need.id in self.provider_need_ids

    def resident_filter(self) -> Q | None:
        """A filter of the residents within reach (None: all of them)."""
        if self.is_staff and self.area_ids is None:
            return None
        clauses = [Q(id__in=list(self.own_resident_ids | self.provider_resident_ids))]
        if self.is_staff:
            clauses.append(Q(community_id__in=list(self.area_ids or ())))
        return Q(*clauses, join_type="OR")

    def need_filter(self) -> Q | None:
        """A filter of the needs within reach (None: all of them)."""
        if self.is_staff and self.area_ids is None:
            return None
        clauses = [Q(resident_id__in=list(self.own_resident_ids)), Q(id__in=list(self.provider_need_ids))]
        if self.is_staff:
            clauses.append(Q(community_id__in=list(self.area_ids or ())))
        return Q(*clauses, join_type="OR")


#: Sent for every staff request: a fixed statement, not built through the ORM each time (resolvers.rows).
APPROVALS_SQL = ('SELECT "id", "child_id" FROM "child_data_approval" WHERE "staff_account_id" = $1 '
                 'AND "revoked_at" IS NULL AND "expires_at" > $2')


def _db_time(model: type, name: str, moment: datetime) -> object:
    """A time as the model's field stores it (a string on SQLite), for a hand-written statement."""
    return model._meta.fields_map[name].to_db_value(moment, model)


def static_scope(viewer: Viewer) -> Scope | None:
    """The scope of a viewer whose reach needs no statement, or None.

    Anonymous callers, partners, and centre admins (or staff without communities) whose child-data approvals
    came with their account reach nothing a statement would add: their scope is known at once, equal to what
    :func:`load_scope` reads (tests/resolvers/test_scope_static.py), and the request needs no task to share it.
    """
    if viewer.resident_id is not None or viewer.professional_id is not None \
            or (viewer.role == Role.ORG_ADMIN and viewer.organization_id is not None) \
            or (viewer.role == Role.STAFF and viewer.area_ids):
        return None
    approved: frozenset[int] = frozenset()
    if viewer.is_staff and viewer.account_id is not None:
        if viewer.approved_child_ids is None:
            return None  # read when the scope loads
        approved = viewer.approved_child_ids
    return Scope(viewer=viewer, area_ids=None if viewer.role == Role.CENTRE_ADMIN else frozenset(),
                 approved_child_ids=approved)


async def load_scope(viewer: Viewer) -> Scope:
    """Load the id sets that decide what ``viewer`` may see (a few small statements, once per request)."""
    own: set[int] = set()
    wards: set[int] = set()
    household_id = None
    if viewer.resident_id is not None:
        own.add(viewer.resident_id)
        me = await Resident.get_or_none(id=viewer.resident_id).only("id", "household_id")
        household_id = me.household_id if me else None
        if household_id is not None:
            own |= set(await Resident.filter(household_id=household_id).values_list("id", flat=True))
        wards = set(await Guardianship.filter(guardian_id=viewer.resident_id).values_list("child_id", flat=True))
        own |= wards
    need_ids, resident_ids, windows = await _provider_reach(viewer)
    area_ids: frozenset[int] | None = frozenset()
    approved: frozenset[int] = frozenset()
    if viewer.role == Role.CENTRE_ADMIN:
        area_ids = None
    elif viewer.role == Role.STAFF:
        area_ids = await _expand_areas(viewer.area_ids)
    if viewer.is_staff and viewer.account_id is not None and viewer.approved_child_ids is not None:
        approved = viewer.approved_child_ids  # read with the account (resolvers.viewers)
    elif viewer.is_staff and viewer.account_id is not None:
        approved = frozenset(row.child_id for row in await query_rows(ChildDataApproval, APPROVALS_SQL, [
            viewer.account_id, _db_time(ChildDataApproval, "expires_at", datetime.now().astimezone())]))
    return Scope(
        viewer=viewer, own_resident_ids=frozenset(own), ward_ids=frozenset(wards),
        provider_need_ids=need_ids, provider_resident_ids=resident_ids, service_windows=windows,
        area_ids=area_ids, approved_child_ids=approved, household_id=household_id,
    )


async def _provider_reach(viewer: Viewer):
    """Needs proposed to or served by the viewer as a professional or as an organization's admin."""
    if viewer.professional_id is not None:
        matches = Match.filter(professional_id=viewer.professional_id, status__in=PROVIDER_MATCH_STATUSES)
    elif viewer.role == Role.ORG_ADMIN and viewer.organization_id is not None:
        matches = Match.filter(organization_id=viewer.organization_id, status__in=PROVIDER_MATCH_STATUSES)
    else:
        return frozenset(), frozenset(), {}
    rows = await matches.values("need_id", "status", "need__resident_id", "need__window_start", "need__window_end")
    windows: dict[int, list[tuple[datetime, datetime]]] = {}
    for row in rows:
        if row["status"] == MatchStatus.ACCEPTED:
            windows.setdefault(row["need__resident_id"], []).append(
                (row["need__window_start"], row["need__window_end"]))
    return (
        frozenset(r["need_id"] for r in rows),
        frozenset(r["need__resident_id"] for r in rows),
        {k: tuple(v) for k, v in windows.items()},
    )


async def _expand_areas(area_ids: frozenset[int]) -> frozenset[int]:
    """Staff assigned to a subdistrict serve all its communities."""
    if not area_ids:
        return frozenset()
    children = await Area.filter(parent_id__in=list(area_ids)).values_list("id", flat=True)
    return frozenset(area_ids) | frozenset(children)
