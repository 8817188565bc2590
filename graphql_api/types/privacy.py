"""GraphQL types of the audit trail and of approvals to see children's data (read-only)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

import models
from graphql_api.context import Info
from graphql_api.types.common import node_keys
from graphql_api.types.enums import AuditAction
from models.enums import label
from resolvers.audit import AuditFilter, audit_queryset


@strawberry.type(
    description="One access to or change of a resident's personal data. Append-only: "
    "no mutation changes or deletes audit records."
)
class AuditRecord(relay.Node):
    id: relay.NodeID[int]
    created_at: datetime = strawberry.field(description="When it happened.")
    actor_account_id: relay.GlobalID | None = strawberry.field(description="Account that acted, if any.")
    actor_role: str = strawberry.field(description="Role of the actor at the time.")
    resident_id: relay.GlobalID | None = strawberry.field(description="Whose data it was (null once erased).")
    action: AuditAction = strawberry.field(description="Read, write, export or erase.")
    fields: list[str] = strawberry.field(description="Which personal fields (snake_case; `*` for all).")
    purpose: str = strawberry.field(description="Stated purpose or legal basis (SELF, GUARDIAN, STAFF:<purpose>...).")

    @classmethod
    def from_model(cls, row: models.AuditRecord) -> AuditRecord:
        """Build from an ORM row."""
        return cls(
            id=row.id,
            created_at=row.created_at,
            actor_account_id=relay.GlobalID("Account", str(row.actor_account_id)) if row.actor_account_id else None,
            actor_role=row.actor_role,
            resident_id=relay.GlobalID("Resident", str(row.subject_id)) if row.subject_id else None,
            action=row.action,
            fields=list(row.fields_accessed),
            purpose=row.purpose,
        )

    @strawberry.field(description="Chinese display label of `action`.")
    def action_label(self) -> str:
        return label(self.action)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        scope = await info.context.scope()
        visible = audit_queryset(scope, AuditFilter()).filter(id__in=node_keys(node_ids)) if scope.is_staff else None
        rows = {r.id: r for r in await visible} if visible is not None else {}
        return [cls.from_model(rows[int(i)]) if int(i) in rows else None for i in node_ids]


@strawberry.type(description="A centre admin's approval for one staff account to see one child's personal data.")
class ChildDataApproval(relay.Node):
    id: relay.NodeID[int]
    staff_account_id: relay.GlobalID = strawberry.field(description="The staff account approved.")
    child_id: relay.GlobalID = strawberry.field(description="The child whose data may be seen.")
    purpose: str = strawberry.field(description="Why access is needed.")
    expires_at: datetime = strawberry.field(description="When the approval ends.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked early, if it was.")
    created_at: datetime = strawberry.field(description="When it was given.")

    @classmethod
    def from_model(cls, row: models.ChildDataApproval) -> ChildDataApproval:
        """Build from an ORM row."""
        return cls(
            id=row.id,
            staff_account_id=relay.GlobalID("Account", str(row.staff_account_id)),
            child_id=relay.GlobalID("Resident", str(row.child_id)),
            purpose=row.purpose,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
            created_at=row.created_at,
        )
