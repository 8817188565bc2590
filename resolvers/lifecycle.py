"""The need lifecycle: which status leads to which, who may take each step, and the step itself.

:func:`transition` is the only way a need's status changes after it is filed. In one transaction (nested
in the caller's when there is one, so the caller's other writes commit or roll back with it) it locks
the need row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite runs one transaction at a time), checks
that the actor may ever take a need to the status asked for (else ``FORBIDDEN``), that the step leads
there from the current status (else ``INVALID_TRANSITION``) and that this actor may take this step,
then updates the status (and the time of a timed step: :mod:`models.step_times`) and writes a
:class:`~models.NeedEvent` (and, for a step people are told about, a notification trigger:
:mod:`resolvers.notifications`). A refused step changes nothing.

Who the actor is, relative to the need, is a :class:`Party`: staff serving its community, the resident
(their household or guardian), the provider proposed for or serving it, or the service itself (the
expiry job, which passes no actor). The table is drawn in the README ("Need lifecycle").

A proposal may be made while the need is still SUBMITTED or TRIAGED: the steps to MATCHING are then taken
automatically before MATCHING -> PROPOSED, each with its own event, so every history follows the diagram.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from tortoise.transactions import in_transaction

from models import Match, Need, NeedEvent
from models.enums import MatchStatus, NeedStatus
from models.step_times import STEP_COLUMNS
from resolvers.access import Role, Viewer
from resolvers.authorization import deny
from resolvers.errors import DomainError, ErrorCode
from resolvers.live_events import announce_steps
from resolvers.notifications import enqueue_for_step
from resolvers.scope import Scope, load_scope

S = NeedStatus
MAX_REASON = 200
SYSTEM_ROLE = "SYSTEM"
LIVE_MATCHES = (MatchStatus.PROPOSED, MatchStatus.ACCEPTED, MatchStatus.COMPLETED)


class Party(StrEnum):
    """Who an actor is to one need."""

    STAFF = "STAFF"
    RESIDENT = "RESIDENT"
    PROVIDER = "PROVIDER"
    SYSTEM = "SYSTEM"


STAFF, RESIDENT, PROVIDER, SYSTEM = Party.STAFF, Party.RESIDENT, Party.PROVIDER, Party.SYSTEM
CANCELLABLE = (S.SUBMITTED, S.TRIAGED, S.MATCHING, S.PROPOSED, S.ACCEPTED)
EXPIRABLE = (S.SUBMITTED, S.TRIAGED, S.MATCHING, S.PROPOSED)

#: Every step of the lifecycle and the parties who may take it.
TRANSITIONS: dict[tuple[NeedStatus, NeedStatus], frozenset[Party]] = {
    (S.SUBMITTED, S.TRIAGED): frozenset({STAFF}),
    (S.SUBMITTED, S.REJECTED): frozenset({STAFF}),
    (S.TRIAGED, S.MATCHING): frozenset({STAFF}),
    (S.MATCHING, S.PROPOSED): frozenset({STAFF}),
    (S.PROPOSED, S.ACCEPTED): frozenset({PROVIDER}),
    (S.PROPOSED, S.MATCHING): frozenset({PROVIDER, STAFF, SYSTEM}),
    (S.ACCEPTED, S.IN_SERVICE): frozenset({PROVIDER}),
    (S.IN_SERVICE, S.COMPLETED): frozenset({PROVIDER}),
    (S.COMPLETED, S.CLOSED): frozenset({RESIDENT, STAFF}),
    **{(status, S.CANCELLED): frozenset({RESIDENT, STAFF}) for status in CANCELLABLE},
    **{(status, S.EXPIRED): frozenset({SYSTEM}) for status in EXPIRABLE},
}
#: Steps taken automatically on the way to a status (a proposal made before matching formally started).
AUTOMATIC_STEPS: dict[tuple[NeedStatus, NeedStatus], tuple[NeedStatus, ...]] = {
    (S.SUBMITTED, S.PROPOSED): (S.TRIAGED, S.MATCHING),
    (S.TRIAGED, S.PROPOSED): (S.MATCHING,),
}
AUTOMATIC_REASON = "自动：已推荐服务者 (automatic: a provider was proposed)"
#: Asking for the status a need already has is no step for these (another proposal for a proposed need).
REENTRANT = frozenset({S.PROPOSED})

Actor = Scope | Viewer | None
"""Who takes a step: a request's scope (or viewer, whose scope is then loaded), or None for the system."""


def reason_text(reason: str | None, required: bool = False) -> str:
    """A step's reason, stripped: at most 200 characters, and not blank when ``required``."""
    text = (reason or "").strip()
    if required and not text:
        raise DomainError(ErrorCode.REQUIRED, "`reason` must not be blank.", "reason")
    if len(text) > MAX_REASON:
        raise DomainError(ErrorCode.TOO_LONG, f"`reason` has at most {MAX_REASON} characters.", "reason")
    return text


async def transition(need_id: int, to: NeedStatus, actor: Actor, reason: str | None = "", *,
                     field: str = "id") -> Need:
    """Take the need to ``to`` on behalf of ``actor`` (see the module's rules); returns the updated need."""
    return (await transition_many([need_id], to, actor, reason, field=field))[0]


async def transition_many(need_ids: list[int], to: NeedStatus, actor: Actor, reason: str | None = "", *,
                          field: str = "needIds") -> list[Need]:
    """Take several needs to ``to`` at once (e.g. a batch of proposals): all of them, or none if any is refused.

    The rows are locked in id order (so concurrent batches never deadlock); the statuses are updated in one
    statement and the events written in one. Returns the needs in id order, updated.
    """
    text = reason_text(reason)
    scope = await load_scope(actor) if isinstance(actor, Viewer) else actor
    wanted = sorted(set(need_ids))
    async with in_transaction():
        needs = list(await Need.filter(id__in=wanted).order_by("id").select_for_update())
        if len(needs) != len(wanted):
            raise DomainError(ErrorCode.NOT_FOUND, "No need with this ID.", field)
        plans = [(need, await _plan(need, to, scope)) for need in needs]
        before = {need.id: need.status for need, path in plans if path}
        await _write([(need, path) for need, path in plans if path], to, scope, text)
        await enqueue_for_step([need.id for need in needs], to)  # the outbox, in this transaction
    await announce_steps(needs, before)  # live updates, once committed (resolvers.live_events)
    return needs


async def _plan(need: Need, to: NeedStatus, scope: Scope | None) -> tuple[NeedStatus, ...]:
    """The steps from the need's status to ``to`` (none for a re-entrant status), each checked for the actor."""
    parties = await parties_of(scope, need)
    if not any(target == to and parties & allowed for (_, target), allowed in TRANSITIONS.items()):
        raise _refusal(scope, f"You may not take a need to {to.value}.")
    if need.status == to and to in REENTRANT:
        return ()
    path = (*AUTOMATIC_STEPS.get((need.status, to), ()), to)
    current = need.status
    for step in path:
        allowed = TRANSITIONS.get((current, step))
        if allowed is None:
            raise DomainError(ErrorCode.INVALID_TRANSITION, f"A {current.value} need cannot become {step.value}.", None)
        if not parties & allowed:
            raise _refusal(scope, f"You may not take a {current.value} need to {step.value}.")
        current = step
    return path


async def _write(plans: list[tuple[Need, tuple[NeedStatus, ...]]], to: NeedStatus, scope: Scope | None,
                 reason: str) -> None:
    """The new statuses (the rows are locked; the WHERE re-checks them anyway) and one event per step."""
    if not plans:
        return
    now = datetime.now(UTC)
    events = []
    for need, path in plans:
        before = need.status
        for step in path:
            events.append(NeedEvent(need_id=need.id, from_status=before, to_status=step, created_at=now,
                                    reason=reason if step == to else AUTOMATIC_REASON, **actor_fields(scope)))
            before = step
    by_status: dict[NeedStatus, list[int]] = {}
    stamps: dict[NeedStatus, dict[str, datetime]] = {}
    for need, path in plans:
        by_status.setdefault(need.status, []).append(need.id)
        stamps[need.status] = _step_times(path, now)  # the needs of one status all take the same path
    for status, ids in by_status.items():
        if await Need.filter(id__in=ids, status=status).update(status=to, updated_at=now, **stamps[status]) != len(ids):
            raise DomainError(ErrorCode.CONFLICT, "The need moved on meanwhile; reload it.", None)
    await NeedEvent.bulk_create(events)
    for need, _ in plans:
        need.update_from_dict(stamps[need.status])
        need.status, need.updated_at = to, now


def _step_times(path: tuple[NeedStatus, ...], now: datetime) -> dict[str, datetime]:
    """The step columns the path sets (:data:`models.step_times.STEP_COLUMNS`): each timed status it passes."""
    return {STEP_COLUMNS[step]: now for step in path if step in STEP_COLUMNS}


def _refusal(scope: Scope | None, message: str) -> DomainError:
    if scope is None:
        return DomainError(ErrorCode.FORBIDDEN, message)
    return deny(scope, message)


async def parties_of(scope: Scope | None, need: Need) -> frozenset[Party]:
    """Who the actor is to this need (several at once: a staff member may also be the resident's family)."""
    if scope is None:
        return frozenset({SYSTEM})
    found = set()
    if scope.staff_covers(need.community_id):
        found.add(STAFF)
    if scope.owns(need.resident_id):
        found.add(RESIDENT)
    if await is_provider(scope.viewer, need.id):
        found.add(PROVIDER)
    return frozenset(found)


async def is_provider(viewer: Viewer, need_id: int) -> bool:
    """The viewer is the provider of a live match of the need (the professional, or the organization's admin)."""
    if viewer.professional_id is not None:
        owner = {"professional_id": viewer.professional_id}
    elif viewer.role == Role.ORG_ADMIN and viewer.organization_id is not None:
        owner = {"organization_id": viewer.organization_id}
    else:
        return False
    return await Match.filter(need_id=need_id, status__in=LIVE_MATCHES, **owner).exists()


def actor_fields(scope: Scope | Viewer | None) -> dict:
    """The actor columns of an event: the account and role, or SYSTEM."""
    viewer = scope.viewer if isinstance(scope, Scope) else scope
    if viewer is None:
        return {"actor_account_id": None, "actor_role": SYSTEM_ROLE}
    return {"actor_account_id": viewer.account_id, "actor_role": viewer.role.value}


async def record_filing(need: Need, actor: Scope | Viewer | None) -> NeedEvent:
    """The first event of a need: filed as SUBMITTED (call in the transaction that creates the need)."""
    return await NeedEvent.create(need_id=need.id, from_status=None, to_status=need.status, **actor_fields(actor))


async def histories(need_ids: list[int]) -> list[list[NeedEvent]]:
    """The events of each need, oldest first, in the order given (one statement: a DataLoader batch)."""
    found: dict[int, list[NeedEvent]] = {need_id: [] for need_id in need_ids}
    for event in await NeedEvent.filter(need_id__in=set(need_ids)).order_by("need_id", "id"):
        found[event.need_id].append(event)
    return [found[need_id] for need_id in need_ids]

