"""The time-bank ledger: the only code that writes ledger entries and account balances.

Whose accounts? Hours are earned by the professional who served (志愿者): a ``Professional`` is the
volunteer of a service record, and many volunteers have no resident record in the subdistrict, so a
professional holds their own account (key ``P:<id>``). A resident holds one too (``R:<id>``): it receives
transfers and pays for services. A volunteer who is also a resident keeps both; staff record a
:class:`~models.FamilyTie` of kind SELF from the volunteer's account to their resident record, so they
can move hours to it for their own care later. One ``POOL`` account serves priority elders. Accounts are
created on first use (``INSERT ... ON CONFLICT DO NOTHING``, so concurrent first uses make one).

How balances stay right: :func:`post` writes one operation (a deposit, a transfer, a donation, a spend,
or several of them, as when a need is closed) in one transaction, nested in the caller's. It locks the
accounts' rows (``SELECT ... FOR UPDATE``, personal accounts in id order and the pool last, so concurrent
operations never deadlock; SQLite runs one transaction at a time), refuses a debit larger than the
balance (``INSUFFICIENT_BALANCE``, nothing written), sends whatever a credit lifts above the cap to the
pool (``CAP_EXCESS_OUT`` / ``CAP_EXCESS_IN``), then writes each entry with the balance after it and
updates each balance with ``WHERE balance_minutes = <the locked value>``. So a balance is never negative,
always equals the sum of its account's entries, and no entry is lost. Amounts are whole minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from tortoise.transactions import in_transaction

from models import TimeBankAccount, TimeBankEntry
from models.enums import TimeBankAccountKind, TimeBankEntryKind
from resolvers.errors import DomainError, ErrorCode

K = TimeBankEntryKind
MINUTES_PER_HOUR = 60
DEFAULT_CAP_HOURS = 1500
POOL_KEY = "POOL"
MAX_OPERATION_HOURS = 10_000


@dataclass(frozen=True, slots=True)
class TimeBankRules:
    """The configurable rules: the cap on a personal balance (``LINLI_TIME_BANK_CAP_HOURS``, 1,500 h)."""

    cap_minutes: int = DEFAULT_CAP_HOURS * MINUTES_PER_HOUR

    @classmethod
    def of_hours(cls, cap_hours: int) -> TimeBankRules:
        """Rules with a cap given in hours."""
        return cls(cap_minutes=int(cap_hours) * MINUTES_PER_HOUR)


DEFAULT_RULES = TimeBankRules()


@dataclass(frozen=True, slots=True)
class Move:
    """One change of one account: a credit (minutes > 0) or a debit (minutes < 0), and what it refers to."""

    account_id: int
    kind: TimeBankEntryKind
    minutes: int
    counterpart_id: int | None = None
    service_record_id: int | None = None
    need_id: int | None = None


def to_hours(minutes: int) -> Decimal:
    """Minutes as hours with two decimals (for display: the ledger itself counts whole minutes)."""
    return (Decimal(minutes) / MINUTES_PER_HOUR).quantize(Decimal("0.01"))


def to_minutes(hours: Decimal | None, field: str = "hours") -> int:
    """Hours asked for, as whole minutes: positive, at most 10,000 h, a whole number of minutes."""
    try:
        minutes = Decimal(hours) * MINUTES_PER_HOUR
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(ErrorCode.INVALID, f"`{field}` is not a number.", field) from None
    if not minutes.is_finite() or minutes <= 0 or minutes > MAX_OPERATION_HOURS * MINUTES_PER_HOUR:
        raise DomainError(ErrorCode.OUT_OF_RANGE, f"`{field}` is above 0 and at most {MAX_OPERATION_HOURS}.", field)
    if minutes != minutes.to_integral_value():
        raise DomainError(ErrorCode.INVALID, f"`{field}` must be a whole number of minutes (e.g. 1.5 or 0.25).",
                          field)
    return int(minutes)


def holder_key(*, professional_id: int | None = None, resident_id: int | None = None) -> str:
    """The unique key of a holder's account."""
    if professional_id is not None:
        return f"P:{professional_id}"
    if resident_id is not None:
        return f"R:{resident_id}"
    return POOL_KEY


async def ensure_account(*, professional_id: int | None = None, resident_id: int | None = None) -> int:
    """The id of the holder's account (the pool's when no holder is given), created when missing."""
    key = holder_key(professional_id=professional_id, resident_id=resident_id)
    found = await TimeBankAccount.filter(key=key).values_list("id", flat=True)
    if found:
        return found[0]
    kind = TimeBankAccountKind.POOL if key == POOL_KEY else TimeBankAccountKind.PERSONAL
    await TimeBankAccount.bulk_create([TimeBankAccount(key=key, kind=kind, professional_id=professional_id,
                                                       resident_id=resident_id)], ignore_conflicts=True)
    return (await TimeBankAccount.filter(key=key).values_list("id", flat=True))[0]


async def _lock(ids: set[int]) -> dict[int, TimeBankAccount]:
    """Lock the accounts, personal ones in id order and the pool last (the order every operation follows)."""
    rows = await TimeBankAccount.filter(id__in=list(ids)).order_by("kind", "id").select_for_update()
    if len(rows) != len(ids):
        raise DomainError(ErrorCode.NOT_FOUND, "No time-bank account with this ID.", "accountId")
    return {row.id: row for row in rows}


async def post(moves: Sequence[Move], actor: dict, rules: TimeBankRules = DEFAULT_RULES, note: str = "",
               field: str = "hours") -> list[TimeBankEntry]:
    """Write one operation (see the module's rules); returns its entries in the order written."""
    async with in_transaction():
        accounts = await _lock({m.account_id for m in moves})
        start = {pk: row.balance_minutes for pk, row in accounts.items()}
        balance = dict(start)
        planned: list[Move] = []
        for move in moves:
            balance[move.account_id] += move.minutes
            if balance[move.account_id] < 0:
                raise DomainError(ErrorCode.INSUFFICIENT_BALANCE, "The account holds only "
                                  f"{to_hours(start[move.account_id])} h; nothing was changed.", field)
            planned.append(move)
        planned += await _cap_excess(planned, accounts, balance, start, rules)
        return await _write(planned, accounts, start, actor, note)


async def _cap_excess(moves: list[Move], accounts: dict[int, TimeBankAccount], balance: dict[int, int],
                      start: dict[int, int], rules: TimeBankRules) -> list[Move]:
    """The moves that send to the pool whatever this operation's credits lifted a personal balance above the cap."""
    extra: list[Move] = []
    for pk, row in list(accounts.items()):
        credited = sum(m.minutes for m in moves if m.account_id == pk and m.minutes > 0)
        excess = min(balance[pk] - rules.cap_minutes, credited)
        if row.kind != TimeBankAccountKind.PERSONAL or excess <= 0:
            continue
        pool_id = await ensure_account()
        if pool_id not in accounts:
            accounts |= await _lock({pool_id})
            start[pool_id] = balance[pool_id] = accounts[pool_id].balance_minutes
        source = next(m for m in reversed(moves) if m.account_id == pk and m.minutes > 0)
        reference = {"service_record_id": source.service_record_id}
        extra += [Move(pk, K.CAP_EXCESS_OUT, -excess, pool_id, **reference),
                  Move(pool_id, K.CAP_EXCESS_IN, excess, pk, **reference)]
        balance[pk] -= excess
        balance[pool_id] += excess
    return extra


async def _write(moves: list[Move], accounts: dict[int, TimeBankAccount], start: dict[int, int], actor: dict,
                 note: str) -> list[TimeBankEntry]:
    now = datetime.now(UTC)
    balance = dict(start)
    entries = []
    for move in moves:
        balance[move.account_id] += move.minutes
        entries.append(await TimeBankEntry.create(
            account_id=move.account_id, kind=move.kind, minutes=move.minutes, balance_after=balance[move.account_id],
            counterpart_id=move.counterpart_id, service_record_id=move.service_record_id, need_id=move.need_id,
            note=note[:200], created_at=now, **actor))
    for pk, before in start.items():
        if balance[pk] != before:
            changed = await TimeBankAccount.filter(id=pk, balance_minutes=before).update(
                balance_minutes=balance[pk], updated_at=now)
            if changed != 1:
                raise DomainError(ErrorCode.CONFLICT, "The account changed meanwhile; try again.", None)
            accounts[pk].balance_minutes = balance[pk]
    return entries

