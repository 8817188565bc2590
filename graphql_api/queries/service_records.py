"""Root queries of service records and of the corrections waiting for staff."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.common import After, Before, Connection, First, Last, decode_id, page_args
from graphql_api.types.enums import CorrectionStatus, ServiceRecordStatus
from graphql_api.types.service_record import RecordCorrection, ServiceRecord
from resolvers.pagination import paginate
from resolvers.record_corrections import correction_queryset
from resolvers.service_records import RecordFilter, record_queryset


@strawberry.input(description="Filters of the service-record list; all optional and combined with AND.")
class ServiceRecordFilter:
    need_id: relay.GlobalID | None = strawberry.field(default=None, description="Only this need's records.")
    professional_id: relay.GlobalID | None = strawberry.field(default=None, description="Only this professional's.")
    status: ServiceRecordStatus | None = strawberry.field(default=None, description="Only drafts or confirmed ones.")

    def to_criteria(self) -> RecordFilter:
        """The service-layer filter."""
        return RecordFilter(need_id=decode_id(self.need_id, "Need", "needId"),
                            professional_id=decode_id(self.professional_id, "Professional", "professionalId"),
                            status=self.status)


@strawberry.type
class ServiceRecordQuery:
    @strawberry.field(description="Service records you may see (the recipient's family, the provider, staff serving "
                                  "the community), most recent service first.")
    async def service_records(
        self, info: Info,
        filter: Annotated[ServiceRecordFilter | None, strawberry.argument(description="Filters.")] = None,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[ServiceRecord]:
        args = page_args(first, after, last, before)
        scope = await info.context.scope()
        info.context.require(scope.viewer.authenticated and scope.viewer.role != "PARTNER",
                             "Partners see aggregated statistics, never service records.")
        criteria = filter.to_criteria() if filter else RecordFilter()
        page = await paginate(record_queryset(scope, criteria), args)
        return Connection.from_page(page, ServiceRecord.from_model)

    @strawberry.field(description="Corrections of service records in the communities you serve, oldest first "
                                  "(staff): by default those waiting for a decision.")
    async def service_record_corrections(
        self, info: Info,
        status: Annotated[CorrectionStatus | None, strawberry.argument(
            description="Only this status; null for all.")] = CorrectionStatus.REQUESTED,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[RecordCorrection]:
        args = page_args(first, after, last, before)
        page = await paginate(correction_queryset(await info.context.scope(), status), args)
        return Connection.from_page(page, RecordCorrection.from_model)
