"""The demo time bank: the hours the demo's confirmed elder-care services deposited, and one donation.

Deposits are written in bulk (the same entries :func:`resolvers.time_bank_ledger.post` would write, one per
confirmed record, in the order the services ended), so the demo's ledger sums to every balance from the
start. The volunteer with the most hours then donates two of them to the pool, through the ledger itself.
"""

from __future__ import annotations

from matching.categories import ELDER_CATEGORIES
from models import ServiceRecord, TimeBankAccount, TimeBankEntry
from models.enums import ServiceRecordStatus, TimeBankAccountKind, TimeBankEntryKind
from resolvers.demo_context import DemoContext
from resolvers.lifecycle import SYSTEM_ROLE
from resolvers.time_bank_ledger import DEFAULT_RULES, MINUTES_PER_HOUR, Move, ensure_account, holder_key, post
from resolvers.time_bank_payments import service_minutes

DONATED_MINUTES = 2 * MINUTES_PER_HOUR


async def create_time_bank(ctx: DemoContext) -> None:
    """Deposits of the confirmed elder-care records, then a donation to the pool."""
    records = await ServiceRecord.filter(
        status=ServiceRecordStatus.CONFIRMED, professional_id__not_isnull=True,
        need__category__in=[c.value for c in ELDER_CATEGORIES],
    ).order_by("ended_at", "id").values_list("id", "professional_id", "started_at", "ended_at", "confirmed_at")
    holders = sorted({professional for _, professional, *_ in records})
    await TimeBankAccount.bulk_create([TimeBankAccount(key=holder_key(professional_id=p), professional_id=p,
                                                       kind=TimeBankAccountKind.PERSONAL) for p in holders])
    accounts = dict(await TimeBankAccount.filter(professional_id__in=holders).values_list("professional_id", "id"))
    balances: dict[int, int] = {}
    entries = []
    for record_id, professional, start, end, confirmed in records:
        minutes = service_minutes(start, end)
        account = accounts[professional]
        if minutes == 0 or balances.get(account, 0) + minutes > DEFAULT_RULES.cap_minutes:
            continue
        balances[account] = balances.get(account, 0) + minutes
        entries.append(TimeBankEntry(account_id=account, kind=TimeBankEntryKind.DEPOSIT, minutes=minutes,
                                     balance_after=balances[account], service_record_id=record_id,
                                     actor_role=SYSTEM_ROLE, created_at=confirmed or end))
    await TimeBankEntry.bulk_create(entries, batch_size=500)
    for account, minutes in balances.items():
        await TimeBankAccount.filter(id=account).update(balance_minutes=minutes)
    if balances:
        richest = max(balances, key=lambda account: (balances[account], -account))
        pool = await ensure_account()
        await post([Move(richest, TimeBankEntryKind.DONATION_OUT, -DONATED_MINUTES, pool),
                    Move(pool, TimeBankEntryKind.DONATION_IN, DONATED_MINUTES, richest)],
                   {"actor_role": SYSTEM_ROLE}, note="演示：捐赠给互助池")
    ctx.counts.update(time_bank_accounts=await TimeBankAccount.all().count(),
                      time_bank_entries=await TimeBankEntry.all().count())
