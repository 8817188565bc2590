"""Where the time bank meets the need lifecycle: deposits from confirmed services, payments at closure.

- A service record confirmed (by the resident's feedback or by staff) deposits its length, in whole
  minutes, into the account of the professional who served, when the need is home elder care (居家养老:
  meals, bathing, cleaning, ...). An organization's check-in without a professional deposits nothing.
- A need may be paid for from a time-bank account when it is closed (``needFeedback`` or ``needClose``
  with ``timeBankAccountId``): the length of its service is spent from the resident's own account, from
  the account of a holder who has the resident as a verified eligible relative, or (staff only) from the
  pool for a priority elder. Only elder-care needs are paid from the time bank.

Both are :class:`~resolvers.time_bank_ledger.Move` lists posted in ONE ledger operation inside the
caller's transaction (the one that confirms the record or closes the need): nothing is written unless
all of it is, and the accounts are locked in the one global order.
"""

from __future__ import annotations

from datetime import datetime

from matching.categories import ELDER_CATEGORIES
from models import Need, Resident, ServiceRecord
from models.enums import TimeBankAccountKind, TimeBankEntryKind
from resolvers.authorization import deny
from resolvers.errors import DomainError, ErrorCode
from resolvers.lifecycle import actor_fields
from resolvers.scope import Scope
from resolvers.time_bank_access import eligible_tie, holder_community, is_priority_elder, load_account, uses_account
from resolvers.time_bank_ledger import DEFAULT_RULES, Move, TimeBankRules, ensure_account, post

FIELD = "timeBankAccountId"


def service_minutes(started_at: datetime, ended_at: datetime | None) -> int:
    """The length of a service in whole minutes (0 while it has not ended)."""
    if ended_at is None or ended_at <= started_at:
        return 0
    return int((ended_at - started_at).total_seconds() // 60)


async def deposit_moves(record: ServiceRecord, need: Need) -> list[Move]:
    """The deposit a record earns when it is confirmed (none outside elder care or without a professional)."""
    minutes = service_minutes(record.started_at, record.ended_at)
    if record.professional_id is None or need.category not in ELDER_CATEGORIES or minutes == 0:
        return []
    account = await ensure_account(professional_id=record.professional_id)
    return [Move(account, TimeBankEntryKind.DEPOSIT, minutes, service_record_id=record.id)]


async def payment_moves(scope: Scope, need: Need, account_id: int, record: ServiceRecord | None) -> list[Move]:
    """The spend that pays for a need's service from ``account_id``, after checking who may pay from it."""
    if need.category not in ELDER_CATEGORIES:
        raise DomainError(ErrorCode.INVALID, "The time bank pays only for elder-care services.", FIELD)
    minutes = service_minutes(record.started_at, record.ended_at) if record else 0
    if minutes == 0:
        raise DomainError(ErrorCode.INVALID_STATE, "This need has no checked-out service to pay for.", FIELD)
    account = await load_account(account_id, FIELD)
    resident = await Resident.get(id=need.resident_id)
    if account.kind == TimeBankAccountKind.POOL:
        if not scope.staff_covers(need.community_id):
            raise deny(scope, "Only centre staff serving the community pay from the pool.")
        if not is_priority_elder(resident):
            raise DomainError(ErrorCode.NOT_PRIORITY_ELDER, "The pool serves only priority elders.", FIELD)
    elif account.resident_id == need.resident_id:
        if not (scope.owns(need.resident_id) or scope.staff_covers(need.community_id)):
            raise deny(scope, "Only the resident, their family or centre staff pay from the resident's account.")
    else:
        if not uses_account(scope, account, await holder_community(account)):
            raise deny(scope, "Only the account's holder (or centre staff) pays from it.")
        await eligible_tie(account, resident, FIELD)
    return [Move(account.id, TimeBankEntryKind.SPEND, -minutes, need_id=need.id)]


async def settle(scope: Scope, moves: list[Move], rules: TimeBankRules = DEFAULT_RULES) -> None:
    """Post the moves of a confirmation or a closure as one operation (nothing when there are none)."""
    if moves:
        await post(moves, actor_fields(scope), rules, field=FIELD)


async def on_closure(scope: Scope, need: Need, record: ServiceRecord | None, *, confirmed_now: bool,
                     pay_from: int | None, rules: TimeBankRules = DEFAULT_RULES) -> None:
    """At a need's closure (in its transaction): the record's deposit if it was just confirmed, and the payment."""
    moves = await deposit_moves(record, need) if record is not None and confirmed_now else []
    if pay_from is not None:
        moves += await payment_moves(scope, need, pay_from, record)
    await settle(scope, moves, rules)


async def latest_record(need_id: int) -> ServiceRecord | None:
    """The need's latest service record."""
    return await ServiceRecord.filter(need_id=need_id).order_by("-id").first()
