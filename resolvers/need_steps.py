"""The staff's own steps of a need's lifecycle: triage, reject, start matching, close without feedback.

Each is one :func:`~resolvers.lifecycle.transition`; rejecting and closing need a reason, kept in the
history. The other steps belong to the services that do the work: proposals and answers (matching),
check-in and check-out and feedback (:mod:`resolvers.service_records`), cancelling
(:mod:`resolvers.needs`), expiry (:mod:`resolvers.expiry`).
"""

from __future__ import annotations

from models import Need
from models.enums import NeedStatus
from resolvers.authorization import deny
from resolvers.lifecycle import reason_text, transition
from resolvers.scope import Scope


async def triage(scope: Scope, need_id: int, reason: str | None = None) -> Need:
    """Staff accept a submitted need for matching (分拣)."""
    return await transition(need_id, NeedStatus.TRIAGED, scope, reason)


async def reject(scope: Scope, need_id: int, reason: str | None) -> Need:
    """Staff turn a submitted need down, saying why."""
    return await transition(need_id, NeedStatus.REJECTED, scope, reason_text(reason, required=True))


async def start_matching(scope: Scope, need_id: int, reason: str | None = None) -> Need:
    """Staff start looking for a provider for a triaged need."""
    return await transition(need_id, NeedStatus.MATCHING, scope, reason)


async def close(scope: Scope, need_id: int, reason: str | None) -> Need:
    """Staff close a completed need without the resident's feedback, saying why."""
    text = reason_text(reason, required=True)
    if not scope.is_staff:
        raise deny(scope, "Only centre staff close a need without feedback; residents give feedback instead.")
    return await transition(need_id, NeedStatus.CLOSED, scope, text)
