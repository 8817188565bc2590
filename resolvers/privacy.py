"""Residents' rights over their data (PIPL Art. 45-47) and staff approvals for children's data.

- Export (Art. 45): everything Linli holds about a resident, for the person or their guardian.
- Erase (Art. 47): personal fields erased, the name replaced, sign-in accounts removed; needs, matches
  and service records stay (anonymous) so statistics and providers' histories remain consistent.
- Child data approvals: a centre admin lets one staff account see one child's personal data, for a
  purpose, until a date (CAC 2019 provisions on children's personal information).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from models import (
    Account,
    AuditRecord,
    ChildDataApproval,
    ConsentRecord,
    Enrollment,
    Guardianship,
    Household,
    Match,
    Need,
    NeedEvent,
    Resident,
    ServiceRecord,
)
from models.enums import AuditAction
from resolvers.access import Role
from resolvers.audit import audit_record
from resolvers.authorization import require
from resolvers.errors import Checker, DomainError, ErrorCode
from resolvers.scope import Scope

ERASED_NAME = "已注销居民"
MAX_APPROVAL_DAYS = 30


async def _resident(resident_id: int) -> Resident:
    resident = await Resident.get_or_none(id=resident_id)
    if resident is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No resident with this ID.", "residentId")
    return resident


def _self_or_guardian(scope: Scope, resident_id: int) -> bool:
    return scope.viewer.resident_id == resident_id or resident_id in scope.ward_ids


async def export_resident_data(scope: Scope, resident_id: int) -> dict[str, Any]:
    """All data held about a resident, as JSON-ready values; the export itself is audited."""
    resident = await _resident(resident_id)
    require(scope, _self_or_guardian(scope, resident_id), "Only the person or their guardian may export their data.")
    household = await Household.get_or_none(id=resident.household_id) if resident.household_id else None
    data = {
        "resident": _plain(await Resident.filter(id=resident_id).values())[0],
        "household": {"id": household.id, "address": household.address} if household else None,
        "guardianships": _plain(await Guardianship.filter(child_id=resident_id).values()
                                + await Guardianship.filter(guardian_id=resident_id).values()),
        "consents": _plain(await ConsentRecord.filter(resident_id=resident_id).values()),
        "needs": _plain(await Need.filter(resident_id=resident_id).values()),
        "matches": _plain(await Match.filter(need__resident_id=resident_id).values(
            "id", "need_id", "provider_kind", "status", "rating", "created_at")),
        "enrollments": _plain(await Enrollment.filter(resident_id=resident_id).values()),
        "needEvents": _plain(await NeedEvent.filter(need__resident_id=resident_id).values(
            "need_id", "from_status", "to_status", "reason", "created_at")),
        "serviceRecords": _plain(await ServiceRecord.filter(recipient_id=resident_id).values()),
        "accessLog": _plain(await AuditRecord.filter(subject_id=resident_id).values(
            "created_at", "actor_role", "action", "fields_accessed", "purpose")),
        "exportedAt": datetime.now(UTC).isoformat(),
    }
    await audit_record(scope, resident_id, AuditAction.EXPORT, ["*"], "DATA_EXPORT").save()
    return data


def _plain(rows: list[dict]) -> list[dict]:
    """Rows with dates as ISO strings (JSON-ready)."""
    return [{k: v.isoformat() if isinstance(v, datetime | date) else v for k, v in row.items()} for row in rows]


async def erase_resident(scope: Scope, resident_id: int) -> Resident:
    """Erase a resident's personal data and sign-in accounts; keep anonymous service history."""
    resident = await _resident(resident_id)
    allowed = _self_or_guardian(scope, resident_id) or scope.viewer.role == Role.CENTRE_ADMIN
    require(scope, allowed, "Only the person, their guardian or a centre admin may erase this record.")
    async with in_transaction():
        await Resident.filter(id=resident_id).update(
            name=ERASED_NAME, phone=None, id_number=None, birth_date=None, health_notes=None, household_id=None,
            languages=[], interests=[], updated_at=datetime.now(UTC),
        )
        await Need.filter(resident_id=resident_id).update(latitude=None, longitude=None)
        await Account.filter(resident_id=resident_id).delete()
        await ConsentRecord.filter(resident_id=resident_id, withdrawn_at__isnull=True).update(
            withdrawn_at=datetime.now(UTC))
        await audit_record(scope, resident_id, AuditAction.ERASE,
                           ["name", "phone", "id_number", "birth_date", "health_notes", "address"], "ERASURE").save()
    await resident.refresh_from_db()
    return resident


async def approve_child_access(scope: Scope, staff_account_id: int, child_id: int, purpose: str,
                               days: int) -> ChildDataApproval:
    """A centre admin lets one staff account see one child's personal data for ``days`` days."""
    require(scope, scope.viewer.role == Role.CENTRE_ADMIN, "Only a centre admin approves access to children's data.")
    checker = Checker()
    text = checker.require_text(purpose, "purpose", 200)
    if not 1 <= days <= MAX_APPROVAL_DAYS:
        checker.add(ErrorCode.OUT_OF_RANGE, f"`days` must be between 1 and {MAX_APPROVAL_DAYS}.", "days")
    staff = await Account.get_or_none(id=staff_account_id)
    if staff is None or staff.role not in (Role.STAFF, Role.CENTRE_ADMIN):
        checker.add(ErrorCode.INVALID, "Approvals are given to centre staff accounts.", "staffAccountId")
    if not await Resident.filter(id=child_id).exists():
        checker.add(ErrorCode.NOT_FOUND, "No resident with this ID.", "childId")
    checker.check()
    return await ChildDataApproval.create(
        staff_account_id=staff_account_id, child_id=child_id, approved_by_account_id=scope.viewer.account_id,
        purpose=text, expires_at=datetime.now(UTC) + timedelta(days=days),
    )


async def revoke_child_access(scope: Scope, approval_id: int) -> ChildDataApproval:
    """End an approval before it expires."""
    require(scope, scope.viewer.role == Role.CENTRE_ADMIN, "Only a centre admin revokes approvals.")
    approval = await ChildDataApproval.get_or_none(id=approval_id)
    if approval is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No approval with this ID.", "id")
    if approval.revoked_at is None:
        approval.revoked_at = datetime.now(UTC)
        await approval.save(update_fields=["revoked_at", "updated_at"])
    return approval
