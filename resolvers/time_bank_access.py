"""Who may see and use a time-bank account, and who may receive hours (Nanjing's rules, RULES.md).

- See: the holder (the professional, or the resident with their household and guardians), and centre
  staff (a resident's account only in the communities they serve). The pool: staff only.
- Use (transfer or donate out of it): the holder themself, or centre staff at the desk (a resident's
  account only in the communities they serve). The pool is spent only by staff, on a priority elder's need.
- Receive a transfer: a resident staff verified as the holder's spouse, or as a direct relative (parent,
  grandparent, child, grandchild) aged 60 or more, or as the holder themself (a volunteer's own resident
  record). Ages come from the birth date, else from the age band.
- The pool serves priority elders: 80 or older and living alone, or 60-79 and disabled (in a wheelchair
  or bedridden). Minimum income is not recorded here: the staff member paying from the pool vouches for it.
"""

from __future__ import annotations

from datetime import date

from models import FamilyTie, Resident, TimeBankAccount
from models.enums import AgeBand, FamilyRelation, Mobility, TimeBankAccountKind
from resolvers.errors import DomainError, ErrorCode
from resolvers.residents import age_on, local_today
from resolvers.scope import Scope

ANY_AGE_RELATIONS = frozenset({FamilyRelation.SELF, FamilyRelation.SPOUSE})
ELDER_AGE, OLDEST_AGE = 60, 80
DISABLED = frozenset({Mobility.WHEELCHAIR, Mobility.BEDRIDDEN})


def age_at_least(resident: Resident, years: int, today: date | None = None) -> bool:
    """Whether the resident is ``years`` (60 or 80) or older: from the birth date, else the age band."""
    if resident.birth_date is not None:
        return age_on(resident.birth_date, today or local_today()) >= years
    bands = {AgeBand.SENIOR_80_PLUS} if years >= OLDEST_AGE else {AgeBand.SENIOR_60_79, AgeBand.SENIOR_80_PLUS}
    return resident.age_band in bands


def may_receive(relation: FamilyRelation, relative: Resident, today: date | None = None) -> bool:
    """Whether hours may go to this relative: the holder, a spouse, or a direct relative aged 60+."""
    return relation in ANY_AGE_RELATIONS or age_at_least(relative, ELDER_AGE, today)


def is_priority_elder(resident: Resident, today: date | None = None) -> bool:
    """80+ living alone, or 60-79 and disabled (the pool's beneficiaries)."""
    if age_at_least(resident, OLDEST_AGE, today):
        return resident.lives_alone
    return age_at_least(resident, ELDER_AGE, today) and resident.mobility in DISABLED


async def holder_community(account: TimeBankAccount) -> int | None:
    """The community of a resident holder (None for a professional's account and the pool)."""
    if account.resident_id is None:
        return None
    rows = await Resident.filter(id=account.resident_id).values_list("community_id", flat=True)
    return rows[0] if rows else None


def sees_account(scope: Scope, account: TimeBankAccount, community_id: int | None) -> bool:
    """May see the account's balance and ledger (``community_id``: the resident holder's community)."""
    viewer = scope.viewer
    if account.kind == TimeBankAccountKind.POOL:
        return scope.is_staff
    if account.professional_id is not None:
        return viewer.professional_id == account.professional_id or scope.is_staff
    return scope.owns(account.resident_id) or (community_id is not None and scope.staff_covers(community_id))


def uses_account(scope: Scope, account: TimeBankAccount, community_id: int | None) -> bool:
    """May move hours out of a personal account: its holder, or staff (serving a resident holder's community)."""
    viewer = scope.viewer
    if account.kind == TimeBankAccountKind.POOL:
        return False
    if account.professional_id is not None:
        return viewer.professional_id == account.professional_id or scope.is_staff
    if viewer.resident_id is not None and viewer.resident_id == account.resident_id:
        return True
    return community_id is not None and scope.staff_covers(community_id)


async def load_account(account_id: int | None, field: str = "accountId") -> TimeBankAccount:
    """The account; NOT_FOUND when missing."""
    account = await TimeBankAccount.get_or_none(id=account_id) if account_id is not None else None
    if account is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No time-bank account with this ID.", field)
    return account


async def eligible_tie(account: TimeBankAccount, relative: Resident, field: str) -> FamilyTie:
    """The verified tie through which ``relative`` may receive the account's hours, else NOT_ELIGIBLE_RELATIVE."""
    tie = await FamilyTie.get_or_none(account_id=account.id, relative_id=relative.id)
    if tie is None:
        raise DomainError(ErrorCode.NOT_ELIGIBLE_RELATIVE, "Staff have not verified this resident as the holder's "
                          "spouse or direct relative.", field)
    if not may_receive(tie.relation, relative):
        raise DomainError(ErrorCode.NOT_ELIGIBLE_RELATIVE, "Hours go to a direct relative only from the age of "
                          f"{ELDER_AGE}.", field)
    return tie
