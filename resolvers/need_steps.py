"""The staff's own steps of a need's lifecycle: triage, reject, start matching, close without feedback.

Each is one :func:`~resolvers.lifecycle.transition`; rejecting and closing need a reason, kept in the
history. The other steps belong to the services that do the work: proposals and answers (matching),
check-in and check-out and feedback (:mod:`resolvers.service_records`), cancelling
(:mod:`resolvers.needs`), expiry (:mod:`resolvers.expiry`).
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from models import Need
from models.enums import NeedStatus
from resolvers import time_bank_payments
from resolvers.authorization import deny
from resolvers.lifecycle import reason_text, transition
from resolvers.scope import Scope
from resolvers.time_bank_ledger import DEFAULT_RULES, TimeBankRules


async def triage(scope: Scope, need_id: int, reason: str | None = None) -> Need:
    """Staff accept a submitted need for matching (分拣)."""
    return await transition(need_id, NeedStatus.TRIAGED, scope, reason)


async def reject(scope: Scope, need_id: int, reason: str | None) -> Need:
    """Staff turn a submitted need down, saying why."""
    return await transition(need_id, NeedStatus.REJECTED, scope, reason_text(reason, required=True))


async def start_matching(scope: Scope, need_id: int, reason: str | None = None) -> Need:
    """Staff start looking for a provider for a triaged need."""
    return await transition(need_id, NeedStatus.MATCHING, scope, reason)


async def close(scope: Scope, need_id: int, reason: str | None, *, pay_from: int | None = None,
                rules: TimeBankRules = DEFAULT_RULES) -> Need:
    """Staff close a completed need without the resident's feedback, saying why.

    ``pay_from`` (a time-bank account) pays for the service in the same transaction.
    """
    text = reason_text(reason, required=True)
    if not scope.is_staff:
        raise deny(scope, "Only centre staff close a need without feedback; residents give feedback instead.")
    async with in_transaction():
        need = await transition(need_id, NeedStatus.CLOSED, scope, text)
        if pay_from is not None:
            record = await time_bank_payments.latest_record(need.id)
            await time_bank_payments.on_closure(scope, need, record, confirmed_now=False, pay_from=pay_from,
                                                rules=rules)
    return need
