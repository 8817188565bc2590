"""Rows the races run on, written straight into the server's database, and signed-in callers for them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from models import Account, Area, Organization, Professional, Project, ProjectSession, Resident
from models.enums import AccountRole, AgeBand, AreaKind, CareCategory, SessionKind
from tests.factories_matching import make_carer, make_elder
from tests.factories_people import in_days
from tests.race.server import bearer_for


@dataclass(frozen=True, slots=True)
class Caller:
    """A signed-in account and its request headers."""

    account: Account
    headers: dict[str, str]


async def community() -> Area:
    """A fresh community (with coordinates, so carers there are near its residents)."""
    tag = uuid.uuid4().hex[:8]
    subdistrict = await Area.create(name=f"街道{tag}", kind=AreaKind.SUBDISTRICT)
    return await Area.create(name=f"社区{tag}", kind=AreaKind.COMMUNITY, parent=subdistrict,
                             latitude=30.3061, longitude=120.1405)


async def residents(place: Area, count: int) -> list[tuple[Resident, Caller]]:
    """``count`` adult residents of ``place``, each with a resident account and a token."""
    tag = uuid.uuid4().hex[:6]
    await Resident.bulk_create([Resident(name=f"居民{tag}{i:03d}", age_band=AgeBand.ADULT_18_59, community=place)
                                for i in range(count)])
    people = await Resident.filter(community=place, name__startswith=f"居民{tag}").order_by("id")
    await Account.bulk_create([Account(role=AccountRole.RESIDENT, display_name=p.name, resident_id=p.id)
                               for p in people])
    accounts = {a.resident_id: a for a in await Account.filter(resident_id__in=[p.id for p in people])}
    return [(p, Caller(accounts[p.id], bearer_for(accounts[p.id]))) for p in people]


async def account(role: AccountRole, name: str, **links) -> Caller:
    """An account of ``role`` with a token."""
    row = await Account.create(role=role, display_name=name, **links)
    return Caller(row, bearer_for(row))


async def resident(place: Area, name: str = "王奶奶") -> tuple[Resident, Caller]:
    """An elder of ``place`` who signs in."""
    elder = await make_elder(place, name)
    return elder, await account(AccountRole.RESIDENT, name, resident_id=elder.id)


async def carer(place: Area, name: str) -> tuple[Professional, Caller]:
    """An eligible meal helper of ``place`` (free all week, room for many services) who signs in."""
    pro = await make_carer(place, name, max_concurrent=100)
    return pro, await account(AccountRole.PROFESSIONAL, name, professional_id=pro.id)


async def session(place: Area, capacity: int, days: int = 7) -> ProjectSession:
    """A scheduled session of a new project, ``days`` from now."""
    organizer = await Organization.create(name=f"组织{uuid.uuid4().hex[:8]}", kind="INCUBATED", area=place)
    project = await Project.create(name=f"项目{uuid.uuid4().hex[:8]}", organizer=organizer,
                                   category=CareCategory.FAMILY_READING, target_group="ALL")
    starts = in_days(days)
    return await ProjectSession.create(project=project, title="亲子共读", kind=SessionKind.READING_SESSION,
                                       venue="同心荟", capacity=capacity, starts_at=starts, ends_at=in_days(days, 11))
