"""Service records: check-in and check-out by the provider, feedback by the resident, confirmation by staff.

- ``check_in``: the provider of the need's accepted match starts the service (ACCEPTED -> IN_SERVICE);
  a DRAFT record is written with the activity (the need's title), the Hangzhou date, the place, the
  recipient, the start time, the person in charge (given, or the provider's name) and the recorder (the
  signed-in account's name).
- ``check_out``: the same provider ends it (IN_SERVICE -> COMPLETED) with what was done; the record gets
  its end time and content, and the need's accepted matches become COMPLETED.
- ``give_feedback``: the resident (their family or guardian, or staff on their behalf) rates the service
  1-5 (COMPLETED -> CLOSED): the rating and comment go on the record, which is confirmed, and the rating
  on the completed matches, where the matching engine reads reliability and continuity.
- ``confirm``: staff confirm a checked-out record without waiting for feedback.

Each runs in one transaction with the need's transition and its event. A confirmed record changes only
through an approved correction (:mod:`resolvers.record_corrections`); feedback still adds the
resident's rating and evaluation to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import Account, Match, Need, Organization, Professional, ServiceRecord
from models.enums import MatchStatus, NeedStatus, ServiceRecordStatus
from resolvers import lifecycle, time_bank_payments
from resolvers.access import Viewer
from resolvers.authorization import deny, require
from resolvers.errors import Checker, DomainError, ErrorCode
from resolvers.matching_access import is_match_provider
from resolvers.residents import SHANGHAI
from resolvers.scope import Scope
from resolvers.time_bank_ledger import DEFAULT_RULES, TimeBankRules

MAX_CONTENT = 2000
MAX_COMMENT = 500


async def serving_match(viewer: Viewer, need_id: int) -> Match | None:
    """The accepted match through which the viewer serves the need (a member's dispatched match first)."""
    matches = await Match.filter(need_id=need_id, status=MatchStatus.ACCEPTED).order_by("-id")
    mine = [m for m in matches if is_match_provider(viewer, m)]
    return next((m for m in mine if m.dispatched_from_id is not None), mine[0] if mine else None)


async def _serving(scope: Scope, need_id: int) -> Match:
    match = await serving_match(scope.viewer, need_id)
    if match is None:
        raise deny(scope, "Only the provider who accepted this need checks in and out of its service.")
    return match


async def _names(viewer: Viewer, match: Match) -> tuple[str, str]:
    """The provider's name (the professional, or the organization) and the recorder's (the account's)."""
    if match.professional_id is not None:
        provider = (await Professional.filter(id=match.professional_id).values_list("name", flat=True))[0]
    else:
        provider = (await Organization.filter(id=match.organization_id).values_list("name", flat=True))[0]
    account = await Account.filter(id=viewer.account_id).values_list("display_name", flat=True)
    return provider[:60], ((account[0] if account else "") or provider)[:60]


async def check_in(scope: Scope, need_id: int, place: str | None, person_in_charge: str | None = None
                   ) -> ServiceRecord:
    """Start the service: the need goes IN_SERVICE and a DRAFT record is written."""
    checker = Checker()
    where = checker.require_text(place, "place", 200)
    chief = (person_in_charge or "").strip()
    if len(chief) > 60:
        checker.add(ErrorCode.TOO_LONG, "`personInCharge` has at most 60 characters.", "personInCharge")
    checker.check()
    now = datetime.now(UTC)
    async with in_transaction():
        need = await lifecycle.transition(need_id, NeedStatus.IN_SERVICE, scope, field="needId")
        match = await _serving(scope, need.id)
        provider, recorder = await _names(scope.viewer, match)
        return await ServiceRecord.create(
            need_id=need.id, match_id=match.id, professional_id=match.professional_id, recipient_id=need.resident_id,
            activity_name=need.title[:120], service_date=now.astimezone(SHANGHAI).date(), place=where,
            started_at=now, person_in_charge=chief or provider, recorder=recorder,
        )


async def check_out(scope: Scope, need_id: int, content: str | None) -> ServiceRecord:
    """End the service: the need goes COMPLETED, the record gets its end and content, the matches complete."""
    checker = Checker()
    text = checker.require_text(content, "content", MAX_CONTENT)
    checker.check()
    now = datetime.now(UTC)
    async with in_transaction():
        need = await lifecycle.transition(need_id, NeedStatus.COMPLETED, scope, field="needId")
        await _serving(scope, need.id)
        record = await ServiceRecord.filter(need_id=need.id, ended_at=None).order_by("-id").select_for_update().first()
        if record is None:
            raise DomainError(ErrorCode.INVALID_STATE, "This need has no service checked in.", "needId")
        await ServiceRecord.filter(id=record.id).update(ended_at=now, content=text, updated_at=now)
        await Match.filter(need_id=need.id, status=MatchStatus.ACCEPTED).update(
            status=MatchStatus.COMPLETED, updated_at=now
        )
    await record.refresh_from_db()
    return record


async def give_feedback(scope: Scope, need_id: int, rating: int, comment: str | None, *, pay_from: int | None = None,
                        rules: TimeBankRules = DEFAULT_RULES) -> Need:
    """The resident's rating closes the need; it goes on the record (confirming it) and on the matches.

    A record confirmed here deposits its hours in the time bank, and ``pay_from`` (a time-bank account) pays
    for the service, in the same transaction (:mod:`resolvers.time_bank_payments`).
    """
    checker = Checker()
    if not 1 <= rating <= 5:
        checker.add(ErrorCode.OUT_OF_RANGE, "`rating` is 1 to 5.", "rating")
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        checker.add(ErrorCode.TOO_LONG, f"`comment` has at most {MAX_COMMENT} characters.", "comment")
    checker.check()
    now = datetime.now(UTC)
    async with in_transaction():
        need = await lifecycle.transition(need_id, NeedStatus.CLOSED, scope, f"评价 {rating}/5 (feedback)",
                                          field="needId")
        record = await ServiceRecord.filter(need_id=need.id).order_by("-id").select_for_update().first()
        if record is not None:
            await ServiceRecord.filter(id=record.id).update(rating=rating, evaluation=text, updated_at=now,
                                                            **_confirmation(record, scope.viewer, now))
        await Match.filter(need_id=need.id, status=MatchStatus.COMPLETED).update(rating=rating, updated_at=now)
        confirmed_now = record is not None and record.status != ServiceRecordStatus.CONFIRMED
        await time_bank_payments.on_closure(scope, need, record, confirmed_now=confirmed_now, pay_from=pay_from,
                                            rules=rules)
    return need


def _confirmation(record: ServiceRecord, viewer: Viewer, now: datetime) -> dict:
    """The columns that confirm a draft record (nothing for a confirmed one)."""
    if record.status == ServiceRecordStatus.CONFIRMED:
        return {}
    return {"status": ServiceRecordStatus.CONFIRMED, "confirmed_at": now, "confirmed_by_account_id": viewer.account_id}


async def load_record(record_id: int, field: str = "id") -> tuple[ServiceRecord, Need]:
    """The record and its need; NOT_FOUND when missing."""
    record = await ServiceRecord.get_or_none(id=record_id)
    if record is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No service record with this ID.", field)
    return record, await Need.get(id=record.need_id)


async def confirm(scope: Scope, record_id: int, rules: TimeBankRules = DEFAULT_RULES) -> ServiceRecord:
    """Staff serving the community confirm a checked-out record (depositing its hours in the time bank)."""
    record, need = await load_record(record_id)
    require(scope, scope.staff_covers(need.community_id), "Only centre staff serving this community confirm records.")
    now = datetime.now(UTC)
    async with in_transaction():
        record = await ServiceRecord.filter(id=record_id).select_for_update().first()
        if record.status == ServiceRecordStatus.CONFIRMED:
            raise DomainError(ErrorCode.INVALID_STATE, "This record is already confirmed.", "id")
        if record.ended_at is None:
            raise DomainError(ErrorCode.INVALID_STATE, "The service has not been checked out yet.", "id")
        await ServiceRecord.filter(id=record_id).update(updated_at=now, **_confirmation(record, scope.viewer, now))
        await time_bank_payments.settle(scope, await time_bank_payments.deposit_moves(record, need), rules)
    await record.refresh_from_db()
    return record


@dataclass(frozen=True, slots=True)
class RecordFilter:
    """Criteria of the service-record list; every one optional."""

    need_id: int | None = None
    professional_id: int | None = None
    status: ServiceRecordStatus | None = None


def record_queryset(scope: Scope, criteria: RecordFilter):
    """The records this viewer may see (staff of the community, the recipient's family, the provider), newest first."""
    qs = ServiceRecord.all()
    if not (scope.is_staff and scope.area_ids is None):
        reach = (
            [("recipient_id__in", scope.own_resident_ids), ("need_id__in", scope.provider_need_ids)]
            + ([("need__community_id__in", scope.area_ids)] if scope.is_staff else [])
        )
        qs = qs.filter(Q(*[Q(**{name: list(ids)}) for name, ids in reach], join_type="OR"))
    for name in ("need_id", "professional_id", "status"):
        value = getattr(criteria, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    return qs.order_by("-started_at", "-id")


def sees_record(scope: Scope, record: ServiceRecord, need: Need) -> bool:
    """May see this record: whoever may see its need."""
    return scope.sees_need(need) or scope.owns(record.recipient_id)


async def latest_records(need_ids: list[int]) -> list[ServiceRecord | None]:
    """The latest record of each need, in the order given (one statement: a DataLoader batch)."""
    found: dict[int, ServiceRecord] = {}
    for record in await ServiceRecord.filter(need_id__in=set(need_ids)).order_by("id"):
        found[record.need_id] = record
    return [found.get(need_id) for need_id in need_ids]
