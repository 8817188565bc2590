"""Time-bank services: family ties, transfers, donations, and the accounts and ledgers a viewer may read.

The ledger rules (locking, the cap, never below zero) are in :mod:`resolvers.time_bank_ledger`; who may
see, use and receive in :mod:`resolvers.time_bank_access`; deposits from confirmed services and payments
for closed needs in :mod:`resolvers.time_bank_payments`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import FamilyTie, Professional, Resident, TimeBankAccount, TimeBankEntry
from models.enums import FamilyRelation, TimeBankAccountKind, TimeBankEntryKind
from resolvers.authorization import require
from resolvers.errors import DomainError, ErrorCode
from resolvers.lifecycle import actor_fields
from resolvers.scope import Scope
from resolvers.time_bank_access import (
    eligible_tie,
    holder_community,
    load_account,
    sees_account,
    uses_account,
)
from resolvers.time_bank_ledger import DEFAULT_RULES, POOL_KEY, Move, TimeBankRules, ensure_account, post, to_minutes

K = TimeBankEntryKind
MAX_NOTE = 200


@dataclass(frozen=True, slots=True)
class Operation:
    """The result of a transfer or a donation: the debit entry and the source account after it."""

    entry: TimeBankEntry
    account: TimeBankAccount


def _note(note: str | None) -> str:
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise DomainError(ErrorCode.TOO_LONG, f"`note` has at most {MAX_NOTE} characters.", "note")
    return text


async def _resident(resident_id: int | None, field: str) -> Resident:
    resident = await Resident.get_or_none(id=resident_id) if resident_id is not None else None
    if resident is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No resident with this ID.", field)
    return resident


async def _usable(scope: Scope, account_id: int | None) -> TimeBankAccount:
    account = await load_account(account_id, "fromAccountId")
    community = await holder_community(account)
    if not sees_account(scope, account, community):
        raise DomainError(ErrorCode.NOT_FOUND, "No time-bank account with this ID.", "fromAccountId")
    require(scope, uses_account(scope, account, community),
            "Only the holder (or centre staff at the desk) moves hours out of a personal account.")
    return account


async def add_relative(scope: Scope, *, professional_id: int | None, resident_id: int | None, relative_id: int | None,
                       relation: FamilyRelation, note: str | None = None) -> FamilyTie:
    """Staff record a resident they verified (户口本, 结婚证) as the holder's relative or the holder themself."""
    text = _note(note)
    if (professional_id is None) == (resident_id is None):
        raise DomainError(ErrorCode.REQUIRED, "Name the holder: `professionalId` or `residentId`.", "professionalId")
    relative = await _resident(relative_id, "relativeId")
    require(scope, scope.staff_covers(relative.community_id),
            "Only centre staff serving the relative's community verify family ties.")
    if professional_id is not None and not await Professional.filter(id=professional_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "No professional with this ID.", "professionalId")
    if resident_id is not None:
        await _resident(resident_id, "residentId")
    if (resident_id is not None and relation == FamilyRelation.SELF) or resident_id == relative_id:
        raise DomainError(ErrorCode.INVALID, "SELF ties a volunteer's account to their own resident record; a "
                          "resident's relatives are other residents.", "relation")
    async with in_transaction():
        account_id = await ensure_account(professional_id=professional_id, resident_id=resident_id)
        ties = FamilyTie.filter(account_id=account_id)
        if await ties.filter(Q(relative_id=relative.id) | Q(relation=FamilyRelation.SELF)
                             if relation == FamilyRelation.SELF else Q(relative_id=relative.id)).exists():
            raise DomainError(ErrorCode.DUPLICATE, "This relative (or a SELF tie) is already recorded for the "
                              "account.", "relativeId")
        return await FamilyTie.create(account_id=account_id, relative_id=relative.id, relation=relation, note=text,
                                      verified_by_account_id=scope.viewer.account_id)


async def transfer(scope: Scope, from_account_id: int | None, to_resident_id: int | None, hours: Decimal,
                   note: str | None = None, rules: TimeBankRules = DEFAULT_RULES) -> Operation:
    """Move hours to the holder's verified spouse or direct relative aged 60+ (or their own resident record)."""
    minutes, text = to_minutes(hours), _note(note)
    source = await _usable(scope, from_account_id)
    relative = await _resident(to_resident_id, "toResidentId")
    if source.resident_id == relative.id:
        raise DomainError(ErrorCode.INVALID, "This is the account's own holder.", "toResidentId")
    await eligible_tie(source, relative, "toResidentId")
    async with in_transaction():
        target = await ensure_account(resident_id=relative.id)
        entries = await post([Move(source.id, K.TRANSFER_OUT, -minutes, target),
                              Move(target, K.TRANSFER_IN, minutes, source.id)], actor_fields(scope), rules, text)
    return Operation(entry=entries[0], account=await TimeBankAccount.get(id=source.id))


async def donate(scope: Scope, from_account_id: int | None, hours: Decimal, note: str | None = None) -> Operation:
    """Give hours to the pool that serves priority elders."""
    minutes, text = to_minutes(hours), _note(note)
    source = await _usable(scope, from_account_id)
    async with in_transaction():
        pool = await ensure_account()
        entries = await post([Move(source.id, K.DONATION_OUT, -minutes, pool),
                              Move(pool, K.DONATION_IN, minutes, source.id)], actor_fields(scope), note=text)
    return Operation(entry=entries[0], account=await TimeBankAccount.get(id=source.id))


async def holder_account(scope: Scope, *, professional_id: int | None = None, resident_id: int | None = None,
                         pool: bool = False) -> TimeBankAccount | None:
    """An account the viewer may see (None when it does not exist yet, or is out of reach).

    Without a holder: the viewer's own (as a professional, else as a resident).
    """
    viewer = scope.viewer
    if pool:
        key = POOL_KEY
    elif professional_id is None and resident_id is None:
        if viewer.professional_id is None and viewer.resident_id is None:
            return None
        key = (f"P:{viewer.professional_id}" if viewer.professional_id is not None else f"R:{viewer.resident_id}")
    else:
        key = f"P:{professional_id}" if professional_id is not None else f"R:{resident_id}"
    account = await TimeBankAccount.get_or_none(key=key)
    if account is None or not sees_account(scope, account, await holder_community(account)):
        return None
    return account


def account_queryset(scope: Scope, kind: TimeBankAccountKind | None = None):
    """The accounts staff may list (a resident's only in the communities they serve), highest balance first."""
    require(scope, scope.is_staff, "Only centre staff list time-bank accounts.")
    qs = TimeBankAccount.all()
    if scope.area_ids is not None:
        qs = qs.filter(Q(resident_id__isnull=True) | Q(resident__community_id__in=list(scope.area_ids)))
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs.order_by("-balance_minutes", "id")


async def visible_accounts(scope: Scope, accounts: list[TimeBankAccount | None]) -> list[TimeBankAccount | None]:
    """The accounts, with None for those the viewer may not see (one statement for the holders' communities)."""
    residents = {a.resident_id for a in accounts if a and a.resident_id is not None}
    communities = dict(await Resident.filter(id__in=list(residents)).values_list("id", "community_id"))
    return [a if a and sees_account(scope, a, communities.get(a.resident_id)) else None for a in accounts]

