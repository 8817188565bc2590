"""GraphQL types of service records and of the corrections that are their change log.

A record is seen by whoever sees its need: the resident (and family), staff serving the community, and
the provider. The recipient appears as the minimized resident view.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

import models
from graphql_api.context import Info
from graphql_api.types.common import After, Before, Connection, First, Last, node_keys, page_args
from graphql_api.types.enums import CorrectionStatus, ServiceRecordStatus
from graphql_api.types.need import Need
from graphql_api.types.resident import Resident, load_resident
from models.enums import label
from resolvers.record_corrections import CORRECTABLE
from resolvers.service_records import sees_record

if TYPE_CHECKING:
    from graphql_api.types.professional import Professional


@strawberry.type(description="The record of one service, holding what the volunteer-service regulations ask for "
                             "(志愿服务记录): activity, date, place, recipient, content, start and end, evaluation, "
                             "person in charge and recorder.")
class ServiceRecord(relay.Node):
    id: relay.NodeID[int]
    activity_name: str = strawberry.field(description="Name of the activity (the need's title at check-in).")
    service_date: date = strawberry.field(description="Date of the service (Hangzhou).")
    place: str = strawberry.field(description="Where the service took place, as given at check-in.")
    content: str = strawberry.field(description="What was done, written at check-out.")
    started_at: datetime = strawberry.field(description="Check-in time.")
    ended_at: datetime | None = strawberry.field(description="Check-out time; null while the service runs.")
    evaluation: str = strawberry.field(description="The recipient's evaluation, from their feedback.")
    rating: int | None = strawberry.field(description="The recipient's rating, 1 to 5; null before feedback.")
    person_in_charge: str = strawberry.field(description="Person in charge of the service (负责人).")
    recorder: str = strawberry.field(description="Who recorded it (记录人): the account that checked in.")
    status: ServiceRecordStatus = strawberry.field(description="Draft or confirmed.")
    confirmed_at: datetime | None = strawberry.field(description="When it was confirmed.")
    created_at: datetime = strawberry.field(description="When the record was written (check-in).")
    need_id: strawberry.Private[int]
    recipient_id: strawberry.Private[int]
    professional_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, row: models.ServiceRecord) -> ServiceRecord:
        """Build from an ORM row."""
        return cls(
            id=row.id, activity_name=row.activity_name, service_date=row.service_date, place=row.place,
            content=row.content, started_at=row.started_at, ended_at=row.ended_at, evaluation=row.evaluation,
            rating=row.rating, person_in_charge=row.person_in_charge, recorder=row.recorder, status=row.status,
            confirmed_at=row.confirmed_at, created_at=row.created_at, need_id=row.need_id,
            recipient_id=row.recipient_id, professional_id=row.professional_id,
        )

    @strawberry.field(description="Chinese display label of `status`.")
    def status_label(self) -> str:
        return label(self.status)

    @strawberry.field(description="The need served.")
    async def need(self, info: Info) -> Need:
        return Need.from_model(await info.context.loaders.by_id(models.Need).load(self.need_id))

    @strawberry.field(description="The recipient of the service (minimized view).")
    async def recipient(self, info: Info) -> Resident:
        return await load_resident(info, self.recipient_id)

    @strawberry.field(description="The professional who served; null when an organization's admin checked in.")
    async def professional(
        self, info: Info
    ) -> Annotated[Professional, strawberry.lazy("graphql_api.types.professional")] | None:
        if self.professional_id is None:
            return None
        from graphql_api.types.professional import Professional

        return Professional.from_model(await info.context.loaders.by_id(models.Professional).load(self.professional_id))

    @strawberry.field(description="Corrections asked for this record, oldest first: its change log.")
    async def corrections(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[RecordCorrection]:
        args = page_args(first, after, last, before)
        page = await info.context.loaders.page("service_record.corrections", args).load(self.id)
        return Connection.from_page(page, RecordCorrection.from_model)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.ServiceRecord).load_many(node_keys(node_ids))
        needs = await info.context.loaders.by_id(models.Need).load_many([r.need_id for r in rows if r])
        by_id = {n.id: n for n in needs if n}
        scope = await info.context.scope()
        return [cls.from_model(r) if r and sees_record(scope, r, by_id[r.need_id]) else None for r in rows]


@strawberry.type(description="One field of a correction: its value before and the corrected value.")
class RecordFieldChange:
    field: str = strawberry.field(description="The record's field (camelCase, e.g. `endedAt`).")
    previous: str | None = strawberry.field(description="The value before: when requested, or the value actually "
                                                        "replaced once approved (dates and times as ISO 8601).")
    value: str = strawberry.field(description="The corrected value (dates and times as ISO 8601).")


def _text(value) -> str | None:
    return value if value is None or isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@strawberry.type(description="A request to correct a service record and its decision (志愿服务记录更正); the "
                             "log of every change to a confirmed record. Never deleted.")
class RecordCorrection(relay.Node):
    id: relay.NodeID[int]
    status: CorrectionStatus = strawberry.field(description="Requested, approved or rejected.")
    reason: str = strawberry.field(description="Why the correction is asked for.")
    requested_by_role: str = strawberry.field(description="Role of who asked (an `AccountRole` value).")
    decision_note: str = strawberry.field(description="The deciding staff member's note, if any.")
    decided_at: datetime | None = strawberry.field(description="When it was decided; null while it waits.")
    created_at: datetime = strawberry.field(description="When it was asked for.")
    record_id: strawberry.Private[int]
    stored_changes: strawberry.Private[dict]
    stored_previous: strawberry.Private[dict]

    @classmethod
    def from_model(cls, row: models.RecordCorrection) -> RecordCorrection:
        """Build from an ORM row."""
        return cls(
            id=row.id, status=row.status, reason=row.reason, requested_by_role=row.requested_by_role,
            decision_note=row.decision_note, decided_at=row.decided_at, created_at=row.created_at,
            record_id=row.record_id, stored_changes=dict(row.changes), stored_previous=dict(row.previous),
        )

    @strawberry.field(description="Chinese display label of `status`.")
    def status_label(self) -> str:
        return label(self.status)

    @strawberry.field(description="The fields corrected, with their values before and after.")
    def changes(self) -> list[RecordFieldChange]:
        return [
            RecordFieldChange(field=CORRECTABLE[name][0], previous=_text(self.stored_previous.get(name)),
                              value=_text(value))
            for name, value in sorted(self.stored_changes.items())
        ]

    @strawberry.field(description="The record to correct.")
    async def record(self, info: Info) -> ServiceRecord:
        return ServiceRecord.from_model(await info.context.loaders.by_id(models.ServiceRecord).load(self.record_id))

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.RecordCorrection).load_many(node_keys(node_ids))
        records = await ServiceRecord.resolve_nodes(info=info, node_ids=[str(r.record_id) for r in rows if r])
        visible = {r.id for r in records if r}
        return [cls.from_model(r) if r and r.record_id in visible else None for r in rows]
