"""Builders for matching tests: carers with certificates and hours, needs at a given hour, viewers.

Explicit values, no randomness. Every carer is available every day 07:00-21:00 unless told otherwise,
serves its home community, and holds the certificates named (verified, valid for years).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from models import Area, Certification, Membership, Need, Organization, Professional, Resident
from models.enums import (
    AgeBand,
    CareCategory,
    CertificationKind,
    Gender,
    MembershipRole,
    NeedStatus,
    OrganizationKind,
    Urgency,
)
from resolvers.access import Role, Viewer

HANGZHOU = ZoneInfo("Asia/Shanghai")
ALL_WEEK = [{"weekday": day, "start": "07:00", "end": "21:00"} for day in range(7)]
VALID_UNTIL = date(2099, 12, 31)
_numbers = iter(range(1, 1_000_000))


def local(days: int, hour: int, minute: int = 0) -> datetime:
    """Hangzhou wall-clock time ``days`` from today at ``hour:minute``."""
    day = datetime.now(HANGZHOU).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=HANGZHOU)


async def make_carer(community: Area, name: str, categories: tuple[CareCategory, ...] = (CareCategory.MEALS,),
                     certificates: tuple[CertificationKind, ...] = (), **values: Any) -> Professional:
    """An active professional serving ``community``, with verified certificates of ``certificates``."""
    values.setdefault("gender", Gender.FEMALE)
    values.setdefault("availability", ALL_WEEK)
    values.setdefault("max_concurrent", 2)
    values.setdefault("years_experience", 5.0)
    values.setdefault("languages", ["zh"])
    if community.latitude is not None:
        values.setdefault("latitude", community.latitude)
        values.setdefault("longitude", community.longitude)
    carer = await Professional.create(name=name, profession="护理员", categories=[c.value for c in categories],
                                      **values)
    await carer.service_areas.add(community)
    for kind in certificates:
        await make_certificate(carer, kind)
    return carer


async def make_certificate(carer: Professional, kind: CertificationKind, expires_on: date | None = VALID_UNTIL,
                           verified: bool = True) -> Certification:
    """A certificate of ``carer`` issued in 2020."""
    return await Certification.create(
        professional=carer, kind=kind, number=f"T-{next(_numbers):06d}", issued_on=date(2020, 1, 1),
        expires_on=expires_on, verified_by="测试核验员" if verified else None,
        verified_at=datetime(2020, 1, 2, tzinfo=HANGZHOU) if verified else None,
    )


async def make_elder(community: Area, name: str = "王奶奶", **values: Any) -> Resident:
    """A resident aged 80+ in ``community``."""
    values.setdefault("age_band", AgeBand.SENIOR_80_PLUS)
    values.setdefault("birth_date", date(1940, 5, 1))
    return await Resident.create(name=name, community=community, **values)


async def make_open_need(resident: Resident, category: CareCategory = CareCategory.MEALS, days: int = 2,
                         hour: int = 9, hours: int = 2, **values: Any) -> Need:
    """A SUBMITTED need of ``resident`` in their community, ``days`` from today at ``hour`` for ``hours``."""
    start = local(days, hour)
    values.setdefault("status", NeedStatus.SUBMITTED)
    values.setdefault("urgency", Urgency.NORMAL)
    values.setdefault("community_id", resident.community_id)
    return await Need.create(resident=resident, category=category, title="测试需求", window_start=start,
                             window_end=start + timedelta(hours=hours), **values)


async def make_service_org(community: Area, name: str, members: list[Professional],
                           categories: tuple[CareCategory, ...] = (CareCategory.MEALS,)) -> Organization:
    """An incubated organization in ``community`` with ``members``."""
    organization = await Organization.create(name=name, kind=OrganizationKind.INCUBATED, area=community,
                                             categories=[c.value for c in categories],
                                             latitude=community.latitude, longitude=community.longitude)
    for member in members:
        await Membership.create(professional=member, organization=organization, role=MembershipRole.MEMBER)
    return organization


def staff(*area_ids: int) -> Viewer:
    """Staff serving ``area_ids``."""
    return Viewer(role=Role.STAFF, account_id=1, area_ids=frozenset(area_ids))


def centre_admin() -> Viewer:
    """A centre admin (every community)."""
    return Viewer(role=Role.CENTRE_ADMIN, account_id=2)


def as_professional(carer: Professional) -> Viewer:
    """The professional ``carer`` signed in."""
    return Viewer(role=Role.PROFESSIONAL, account_id=100 + carer.id, professional_id=carer.id)


def as_resident(resident: Resident) -> Viewer:
    """The resident signed in."""
    return Viewer(role=Role.RESIDENT, account_id=1000 + resident.id, resident_id=resident.id)


def as_org_admin(organization: Organization) -> Viewer:
    """An admin of ``organization``."""
    return Viewer(role=Role.ORG_ADMIN, account_id=5000 + organization.id, organization_id=organization.id)
