"""Root queries of the privacy console: the audit trail and a resident's data export."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from graphql_api.context import Info
from graphql_api.types.common import After, Before, Connection, First, Last, decode_id, page_args
from graphql_api.types.enums import AuditAction
from graphql_api.types.privacy import AuditRecord
from resolvers import authorization as authorize
from resolvers.audit import AUDIT_ORDER, audit_queryset
from resolvers.audit import AuditFilter as Criteria
from resolvers.keyset_pages import paginate_keyset
from resolvers.privacy import export_resident_data


@strawberry.input(description="Filters of the audit trail; all optional and combined with AND.")
class AuditFilter:
    resident_id: relay.GlobalID | None = strawberry.field(default=None, description="Only this resident's data.")
    actor_account_id: relay.GlobalID | None = strawberry.field(default=None, description="Only this actor.")
    action: AuditAction | None = strawberry.field(default=None, description="Only this kind of action.")
    since: datetime | None = strawberry.field(default=None, description="From this moment (inclusive).")
    until: datetime | None = strawberry.field(default=None, description="Until this moment (exclusive).")

    def to_criteria(self) -> Criteria:
        """The service-layer filter."""
        return Criteria(
            resident_id=decode_id(self.resident_id, "Resident", "residentId"),
            actor_account_id=decode_id(self.actor_account_id, "Account", "actorAccountId"),
            action=self.action,
            since=self.since,
            until=self.until,
        )


@strawberry.type
class PrivacyQuery:
    @strawberry.field(
        description="The audit trail of personal-data access, newest first: centre staff see "
        "their communities' residents, centre admins everything."
    )
    async def audit_records(
        self,
        info: Info,
        filter: Annotated[AuditFilter | None, strawberry.argument(description="Filters.")] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AuditRecord]:
        args = page_args(first, after, last, before)
        scope = await info.context.scope()
        authorize.staff(scope)
        criteria = filter.to_criteria() if filter else Criteria()
        page = await paginate_keyset(audit_queryset(scope, criteria), args, AUDIT_ORDER, plain=False)
        return Connection.from_page(page, AuditRecord.from_model)

    @strawberry.field(
        description="Everything Linli holds about a resident (PIPL Art. 45), for the person or "
        "their guardian; the export is audited."
    )
    async def resident_data_export(
        self,
        info: Info,
        resident_id: Annotated[relay.GlobalID, strawberry.argument(description="Whose data.")],
    ) -> JSON:
        key = decode_id(resident_id, "Resident", "residentId")
        return await export_resident_data(await info.context.scope(), key)
