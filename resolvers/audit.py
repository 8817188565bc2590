"""The audit trail of personal-data access: written by the services, read by staff, never changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models import AuditRecord
from models.enums import AuditAction
from resolvers.keyset_pages import Keyset
from resolvers.scope import Scope


def audit_record(scope: Scope, resident_id: int | None, action: AuditAction, fields: tuple[str, ...] | list[str],
                 purpose: str) -> AuditRecord:
    """An (unsaved) audit record of the viewer acting on one resident's data."""
    viewer = scope.viewer
    return AuditRecord(
        actor_account_id=viewer.account_id, actor_api_key_id=viewer.api_key_id, actor_role=viewer.role.value,
        subject_id=resident_id, action=action, fields_accessed=list(fields), purpose=purpose,
    )


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Criteria of the audit trail; every one is optional."""

    resident_id: int | None = None
    actor_account_id: int | None = None
    action: AuditAction | None = None
    since: datetime | None = None
    until: datetime | None = None


AUDIT_ORDER = Keyset("NEWEST", "id", descending=True)
"""The audit log's order (newest first): it grows without end, so its pages seek by the id in their cursors."""


def audit_queryset(scope: Scope, criteria: AuditFilter):
    """The audit records this staff viewer may read, newest first: those of residents they serve."""
    qs = AuditRecord.all()
    if scope.area_ids is not None:
        qs = qs.filter(subject__community_id__in=list(scope.area_ids))
    if criteria.resident_id is not None:
        qs = qs.filter(subject_id=criteria.resident_id)
    if criteria.actor_account_id is not None:
        qs = qs.filter(actor_account_id=criteria.actor_account_id)
    if criteria.action is not None:
        qs = qs.filter(action=criteria.action)
    if criteria.since is not None:
        qs = qs.filter(created_at__gte=criteria.since)
    if criteria.until is not None:
        qs = qs.filter(created_at__lt=criteria.until)
    return qs.order_by("-id")
