"""Builders for the time-bank, volunteer-hours and attendance tests (explicit values, no randomness)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from models import FamilyTie, Need, Professional, Resident, ServiceRecord, TimeBankAccount, TimeBankEntry
from models.enums import (
    AgeBand,
    CareCategory,
    FamilyRelation,
    MatchStatus,
    NeedStatus,
    ServiceRecordStatus,
    TimeBankEntryKind,
)
from resolvers.residents import local_today
from resolvers.scope import load_scope
from resolvers.time_bank_ledger import Move, ensure_account, post
from tests.factories_matching import centre_admin
from tests.factories_residents import make_match, make_need


async def served_need(elder: Resident, carer: Professional, *, hours: float = 2,
                      category: CareCategory = CareCategory.MEALS, day: date | None = None,
                      status: ServiceRecordStatus = ServiceRecordStatus.DRAFT, title: str = "助餐送餐") -> Need:
    """A COMPLETED need of ``elder`` served by ``carer`` for ``hours``, with its checked-out record."""
    need = await make_need(elder, title, category=category, status=NeedStatus.COMPLETED)
    match = await make_match(need, carer, status=MatchStatus.COMPLETED)
    start = (datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=2) if day
             else datetime.now(UTC) - timedelta(hours=hours + 1))
    await ServiceRecord.create(
        need=need, match=match, professional=carer, recipient=elder, activity_name=title,
        service_date=day or start.date(), place="王奶奶家", content="送餐并陪同用餐", started_at=start,
        ended_at=start + timedelta(hours=hours), person_in_charge=carer.name, recorder="记录员小李", status=status,
        evaluation="很细心" if status == ServiceRecordStatus.CONFIRMED else "",
    )
    return need


async def relative(community, name: str, *, age: int | None = None, band: AgeBand = AgeBand.SENIOR_80_PLUS,
                   **values: Any) -> Resident:
    """A resident aged ``age`` (from a birth date) or in ``band``."""
    if age is not None:
        values["birth_date"] = date(local_today().year - age, 1, 1)
        band = AgeBand.SENIOR_80_PLUS if age >= 80 else AgeBand.SENIOR_60_79 if age >= 60 else AgeBand.ADULT_18_59
    return await Resident.create(name=name, community=community, age_band=band, **values)


async def tie(relation: FamilyRelation, to: Resident, *, professional: Professional | None = None,
              resident: Resident | None = None) -> FamilyTie:
    """A verified family tie from a holder's account to ``to``."""
    account = await ensure_account(professional_id=professional.id if professional else None,
                                   resident_id=resident.id if resident else None)
    return await FamilyTie.create(account_id=account, relative=to, relation=relation, verified_by_account_id=2)


async def deposit(hours: float, *, professional: Professional | None = None,
                  resident: Resident | None = None) -> int:
    """Credit ``hours`` to a holder's account as a deposit without a record; returns the account id."""
    account = await ensure_account(professional_id=professional.id if professional else None,
                                   resident_id=resident.id if resident else None)
    await post([Move(account, TimeBankEntryKind.DEPOSIT, int(hours * 60))], {"actor_role": "SYSTEM"})
    return account


async def admin_scope():
    """A centre admin's scope (for calling services directly)."""
    return await load_scope(centre_admin())


async def assert_ledger_consistent() -> None:
    """Every balance is >= 0 and equals the sum of its entries; each entry's balance follows the previous."""
    for account in await TimeBankAccount.all():
        entries = await TimeBankEntry.filter(account_id=account.id).order_by("id")
        running = 0
        for entry in entries:
            running += entry.minutes
            assert entry.balance_after == running, (account.key, entry.id)
        assert account.balance_minutes == running >= 0, account.key
