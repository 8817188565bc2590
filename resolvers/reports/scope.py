"""The period a report covers and the reach of the viewer who asks for it.

A period is a range of Hangzhou calendar days, both ends included (``2025-01-01`` to ``2025-01-31`` is
January). Who sees what:

- centre admins: every community; centre staff: the communities they serve (or one of them);
- an organization's admin: the provider and project figures of their own organization;
- anyone else: refused (``UNAUTHENTICATED`` when anonymous, ``FORBIDDEN`` otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from resolvers.access import Role
from resolvers.authorization import require
from resolvers.errors import DomainError, ErrorCode
from resolvers.scope import Scope

HANGZHOU = ZoneInfo("Asia/Shanghai")
MAX_DAYS = 3660
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2999, 12, 31)


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    """Hangzhou days ``first_day`` to ``last_day``, both included."""

    first_day: date
    last_day: date

    @classmethod
    def of(cls, first_day: date, last_day: date) -> ReportPeriod:
        """A checked period: not reversed, at most ``MAX_DAYS`` days, between 1970 and 2999."""
        for name, day in (("from", first_day), ("to", last_day)):
            if not FIRST_DAY <= day <= LAST_DAY:
                raise DomainError(ErrorCode.OUT_OF_RANGE, f"`{name}` must be between {FIRST_DAY} and {LAST_DAY}.", name)
        if last_day < first_day:
            raise DomainError(ErrorCode.INVALID_RANGE, "`to` is before `from`.", "to")
        if (last_day - first_day).days + 1 > MAX_DAYS:
            raise DomainError(ErrorCode.OUT_OF_RANGE, f"A period has at most {MAX_DAYS} days.", "to")
        return cls(first_day, last_day)

    @property
    def start(self) -> datetime:
        """The first moment of the period (Hangzhou midnight)."""
        return datetime.combine(self.first_day, time(), HANGZHOU)

    @property
    def end(self) -> datetime:
        """The first moment after the period (excluded)."""
        return datetime.combine(self.last_day + timedelta(days=1), time(), HANGZHOU)


@dataclass(frozen=True, slots=True)
class ReportScope:
    """What one report covers: the period, the communities (None: all) and the organization (None: all)."""

    period: ReportPeriod
    community_ids: frozenset[int] | None = None
    organization_id: int | None = None


def _communities(scope: Scope, community_id: int | None) -> frozenset[int] | None:
    """Staff's communities, or the one asked for if they serve it."""
    if community_id is not None:
        require(scope, scope.staff_covers(community_id), "You do not serve this community.")
        return frozenset({community_id})
    return scope.area_ids


def staff_report(scope: Scope, period: ReportPeriod, community_id: int | None = None) -> ReportScope:
    """A report for centre staff only (needs, incubation)."""
    require(scope, scope.is_staff, "Only centre staff see this report.")
    return ReportScope(period, _communities(scope, community_id))


def organization_report(scope: Scope, period: ReportPeriod, community_id: int | None = None) -> ReportScope:
    """A report staff see for their communities and an organization's admin for their organization."""
    viewer = scope.viewer
    if viewer.role == Role.ORG_ADMIN and viewer.organization_id is not None:
        communities = frozenset({community_id}) if community_id is not None else None
        return ReportScope(period, communities, viewer.organization_id)
    require(scope, scope.is_staff, "Only centre staff and organizations' admins see this report.")
    return ReportScope(period, _communities(scope, community_id))
