"""Mutations of service records: check-in and check-out (the provider), confirmation and corrections."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry import relay

import models
from graphql_api.context import Info
from graphql_api.types.common import UserError, decode_id, provided, user_errors
from graphql_api.types.lifecycle import IdempotencyKeyArgument
from graphql_api.types.need import Need
from graphql_api.types.service_record import RecordCorrection, ServiceRecord
from graphql_api.types.time_bank import rules_of
from resolvers import idempotency, record_corrections, service_records
from resolvers.errors import DomainError

UNSET = strawberry.UNSET
NeedId = Annotated[relay.GlobalID, strawberry.argument(description="The need served.")]


@strawberry.input(description="Corrected values of a service record; omitted fields stay as they are.")
class ServiceRecordChangesInput:
    activity_name: str | None = strawberry.field(default=UNSET, description="Activity name (at most 120).")
    service_date: date | None = strawberry.field(default=UNSET, description="Date of the service.")
    place: str | None = strawberry.field(default=UNSET, description="Place (at most 200 characters).")
    content: str | None = strawberry.field(default=UNSET, description="What was done (at most 2000 characters).")
    started_at: datetime | None = strawberry.field(default=UNSET, description="Start time.")
    ended_at: datetime | None = strawberry.field(default=UNSET, description="End time, after the start.")
    person_in_charge: str | None = strawberry.field(default=UNSET, description="Person in charge (at most 60).")
    recorder: str | None = strawberry.field(default=UNSET, description="Recorder (at most 60 characters).")


@strawberry.type(description="Result of checking in or out of a service, or of confirming its record.")
class ServiceRecordPayload:
    service_record: ServiceRecord | None = strawberry.field(description="The record; null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems with the input; empty on success.")

    @strawberry.field(description="The need served, with its new status; null on errors.")
    async def need(self, info: Info) -> Need | None:
        if self.service_record is None:
            return None
        return Need.from_model(await info.context.loaders.by_id(models.Need).load(self.service_record.need_id))


@strawberry.type(description="Result of asking for or deciding a correction of a service record.")
class RecordCorrectionPayload:
    correction: RecordCorrection | None = strawberry.field(description="The correction; null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems with the input; empty on success.")


def _record(row: models.ServiceRecord) -> ServiceRecordPayload:
    return ServiceRecordPayload(service_record=ServiceRecord.from_model(row), errors=[])


@strawberry.type
class ServiceRecordMutation:
    @strawberry.mutation(description="Check in to an ACCEPTED need's service (the provider who accepted it): the "
                                     "need goes IN_SERVICE and a draft service record is started.")
    async def service_check_in(
        self, info: Info, need_id: NeedId,
        place: Annotated[str, strawberry.argument(description="Where the service takes place (at most 200).")],
        person_in_charge: Annotated[str | None, strawberry.argument(
            description="Person in charge (负责人, at most 60 characters); defaults to the provider's name.")] = None,
        idempotency_key: IdempotencyKeyArgument = None,
    ) -> ServiceRecordPayload:
        try:
            scope = await info.context.scope()
            need = decode_id(need_id, "Need", "needId")
            keyed = idempotency.keyed_request(scope.viewer, "serviceCheckIn", idempotency_key,
                                              {"need": need, "place": place, "personInCharge": person_in_charge})
            row = await idempotency.once(keyed, lambda: service_records.check_in(scope, need, place, person_in_charge))
        except DomainError as error:
            return ServiceRecordPayload(service_record=None, errors=user_errors(error))
        return _record(row)

    @strawberry.mutation(description="Check out of a service IN_SERVICE (the same provider), saying what was done: "
                                     "the need goes COMPLETED and waits for the resident's feedback.")
    async def service_check_out(
        self, info: Info, need_id: NeedId,
        content: Annotated[str, strawberry.argument(description="What was done (at most 2000 characters).")],
    ) -> ServiceRecordPayload:
        try:
            row = await service_records.check_out(await info.context.scope(), decode_id(need_id, "Need", "needId"),
                                                  content)
        except DomainError as error:
            return ServiceRecordPayload(service_record=None, errors=user_errors(error))
        return _record(row)

    @strawberry.mutation(description="Confirm a checked-out service record without waiting for feedback (staff "
                                     "serving the community); afterwards it changes only through a correction.")
    async def service_record_confirm(
        self, info: Info, id: Annotated[relay.GlobalID, strawberry.argument(description="The record.")]
    ) -> ServiceRecordPayload:
        try:
            row = await service_records.confirm(await info.context.scope(), decode_id(id, "ServiceRecord", "id"),
                                                rules_of(info))
        except DomainError as error:
            return ServiceRecordPayload(service_record=None, errors=user_errors(error))
        return _record(row)

    @strawberry.mutation(description="Ask for a correction of a service record (the volunteer who served, or staff); "
                                     "nothing changes until staff approve it.")
    async def service_record_correction_request(
        self, info: Info,
        record_id: Annotated[relay.GlobalID, strawberry.argument(description="The record to correct.")],
        changes: Annotated[ServiceRecordChangesInput, strawberry.argument(description="The corrected values.")],
        reason: Annotated[str, strawberry.argument(description="Why (1 to 200 characters).")],
    ) -> RecordCorrectionPayload:
        try:
            record = decode_id(record_id, "ServiceRecord", "recordId")
            row = await record_corrections.request_correction(await info.context.scope(), record, provided(changes),
                                                              reason)
        except DomainError as error:
            return RecordCorrectionPayload(correction=None, errors=user_errors(error))
        return RecordCorrectionPayload(correction=RecordCorrection.from_model(row), errors=[])

    @strawberry.mutation(description="Approve (the record takes the corrected values; the old ones are kept in the "
                                     "correction) or reject a requested correction (staff serving the community).")
    async def service_record_correction_decide(
        self, info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The correction.")],
        approve: Annotated[bool, strawberry.argument(description="True to approve, false to reject.")],
        note: Annotated[str | None, strawberry.argument(description="A note on the decision (at most 200).")] = None,
    ) -> RecordCorrectionPayload:
        try:
            row = await record_corrections.decide_correction(
                await info.context.scope(), decode_id(id, "RecordCorrection", "id"), approve, note)
        except DomainError as error:
            return RecordCorrectionPayload(correction=None, errors=user_errors(error))
        return RecordCorrectionPayload(correction=RecordCorrection.from_model(row), errors=[])
