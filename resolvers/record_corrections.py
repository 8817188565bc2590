"""Corrections of service records: requested by the volunteer or staff, decided by staff, always logged.

The regulations want records truthful and corrected only through a logged request the volunteer may
make (志愿服务记录更正). A correction names new values for some of the record's fields (not the
recipient, nor the resident's rating and evaluation) and why. While it waits, the record is unchanged
and no second request is taken for it. Staff serving the community approve it, which writes the new
values and keeps the replaced ones in the correction, or reject it. Corrections are never deleted.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tortoise.transactions import in_transaction

from models import RecordCorrection, ServiceRecord
from models.enums import CorrectionStatus
from resolvers import lifecycle
from resolvers.authorization import require
from resolvers.errors import Checker, DomainError, ErrorCode
from resolvers.need_totals import aware
from resolvers.scope import Scope
from resolvers.service_records import load_record

#: Correctable fields: their camelCase input name and maximum length (0: a date or a time).
CORRECTABLE: dict[str, tuple[str, int]] = {
    "activity_name": ("activityName", 120),
    "service_date": ("serviceDate", 0),
    "place": ("place", 200),
    "content": ("content", 2000),
    "started_at": ("startedAt", 0),
    "ended_at": ("endedAt", 0),
    "person_in_charge": ("personInCharge", 60),
    "recorder": ("recorder", 60),
}
TIMES = ("started_at", "ended_at")


def to_json(value: Any) -> Any:
    """A field value as stored in a correction (dates and times as ISO text)."""
    return value.isoformat() if isinstance(value, date | datetime) else value


def from_json(name: str, value: Any) -> Any:
    """A stored value back as the record's field type."""
    if value is None or name not in ("service_date", *TIMES):
        return value
    return date.fromisoformat(value) if name == "service_date" else datetime.fromisoformat(value)


def _validated(record: ServiceRecord, changes: dict[str, Any], reason: str | None) -> tuple[dict[str, Any], str]:
    checker = Checker()
    text = checker.require_text(reason, "reason", lifecycle.MAX_REASON) or ""
    values: dict[str, Any] = {}
    for name, value in changes.items():
        field, limit = CORRECTABLE[name]
        if value is None:
            checker.add(ErrorCode.REQUIRED, f"`{field}` cannot be cleared.", field)
        elif limit:
            values[name] = checker.require_text(value, field, limit)
        else:
            values[name] = aware(value) if name in TIMES else value
    if not changes:
        checker.add(ErrorCode.REQUIRED, "Name at least one field to correct.", "changes")
    _check_times(checker, record, values)
    checker.check()
    return values, text


def _check_times(checker: Checker, record: ServiceRecord, values: dict[str, Any]) -> None:
    start = values.get("started_at", record.started_at)
    end = values.get("ended_at", record.ended_at)
    if start is not None and end is not None and end <= start:
        checker.add(ErrorCode.INVALID_RANGE, "`endedAt` must come after `startedAt`.", "endedAt")


async def _may_request(scope: Scope, record: ServiceRecord, community_id: int) -> None:
    volunteer = record.professional_id is not None and record.professional_id == scope.viewer.professional_id
    allowed = volunteer or scope.staff_covers(community_id) or await lifecycle.is_provider(scope.viewer, record.need_id)
    require(scope, allowed, "Only the volunteer who served or centre staff ask to correct a record.")


async def request_correction(scope: Scope, record_id: int, changes: dict[str, Any], reason: str | None
                             ) -> RecordCorrection:
    """Ask for a correction of a record (nothing on the record changes until staff approve it)."""
    record, need = await load_record(record_id, "recordId")
    await _may_request(scope, record, need.community_id)
    values, text = _validated(record, changes, reason)
    async with in_transaction():
        record = await ServiceRecord.filter(id=record_id).select_for_update().first()
        if await RecordCorrection.filter(record_id=record_id, status=CorrectionStatus.REQUESTED).exists():
            raise DomainError(ErrorCode.INVALID_STATE, "A correction of this record already waits for a decision.",
                              "recordId")
        return await RecordCorrection.create(
            record_id=record_id, requested_by_account_id=scope.viewer.account_id or 0,
            requested_by_role=scope.viewer.role.value, reason=text,
            changes={k: to_json(v) for k, v in values.items()},
            previous={k: to_json(getattr(record, k)) for k in values},
        )


async def decide_correction(scope: Scope, correction_id: int, approve: bool, note: str | None = None
                            ) -> RecordCorrection:
    """Staff approve (the record takes the new values, the old ones are kept) or reject a correction."""
    correction = await RecordCorrection.get_or_none(id=correction_id)
    if correction is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No correction with this ID.", "id")
    record, need = await load_record(correction.record_id)
    require(scope, scope.staff_covers(need.community_id),
            "Only centre staff serving this community decide corrections.")
    text = (note or "").strip()
    if len(text) > lifecycle.MAX_REASON:
        raise DomainError(ErrorCode.TOO_LONG, f"`note` has at most {lifecycle.MAX_REASON} characters.", "note")
    now = datetime.now(UTC)
    async with in_transaction():
        correction = await RecordCorrection.filter(id=correction_id).select_for_update().first()
        if correction.status != CorrectionStatus.REQUESTED:
            raise DomainError(ErrorCode.INVALID_STATE, f"This correction is already {correction.status.value}.", "id")
        decided = {"decided_by_account_id": scope.viewer.account_id, "decided_at": now, "decision_note": text,
                   "updated_at": now, "status": CorrectionStatus.APPROVED if approve else CorrectionStatus.REJECTED}
        if approve:
            decided["previous"] = await _apply(record.id, correction.changes, now)
        await RecordCorrection.filter(id=correction_id).update(**decided)
    await correction.refresh_from_db()
    return correction


async def _apply(record_id: int, changes: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Write the corrected values to the (locked) record; return the values they replace."""
    record = await ServiceRecord.filter(id=record_id).select_for_update().first()
    values = {name: from_json(name, value) for name, value in changes.items()}
    checker = Checker()
    _check_times(checker, record, values)
    checker.check()
    previous = {name: to_json(getattr(record, name)) for name in values}
    await ServiceRecord.filter(id=record_id).update(**values, updated_at=now)
    return previous


def correction_queryset(scope: Scope, status: CorrectionStatus | None):
    """Corrections of records in the communities this staff member serves, oldest first."""
    require(scope, scope.is_staff, "Only centre staff review corrections.")
    qs = RecordCorrection.all()
    if scope.area_ids is not None:
        qs = qs.filter(record__need__community_id__in=sorted(scope.area_ids))
    if status is not None:
        qs = qs.filter(status=status)
    return qs.order_by("id")
