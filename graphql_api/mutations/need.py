"""Mutations of needs: file, change while untriaged or triaged, cancel before the service starts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.common import GeoPointInput, UserError, decode_id, provided, user_errors
from graphql_api.types.enums import CareCategory, CertificationKind, Gender, Urgency
from graphql_api.types.lifecycle import IdempotencyKeyArgument
from graphql_api.types.need import Need
from resolvers import authorization as authorize
from resolvers import idempotency
from resolvers import needs as service
from resolvers.errors import DomainError

UNSET = strawberry.UNSET


@strawberry.input(description="A new need, raised by a resident or filed by staff on their behalf.")
class NeedCreateInput:
    resident_id: relay.GlobalID = strawberry.field(description="The resident who needs the service.")
    category: CareCategory = strawberry.field(description="Care category asked for.")
    title: str = strawberry.field(description="Short title (at most 80 characters).")
    window_start: datetime = strawberry.field(description="Start of the time window (at most 1 day in the past).")
    window_end: datetime = strawberry.field(description="End of the time window (after its start).")
    description: str = strawberry.field(default="", description="What is needed (at most 2000 characters).")
    urgency: Urgency = strawberry.field(default=Urgency.NORMAL, description="How urgent the need is.")
    community_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Community where the service is needed; defaults to the resident's."
    )
    location: GeoPointInput | None = strawberry.field(
        default=None, description="Precise location (kept for matching, never shown)."
    )
    required_certifications: list[CertificationKind] = strawberry.field(
        default_factory=list, description="Qualifications the provider must hold."
    )
    languages: list[str] = strawberry.field(default_factory=list, description="Languages the provider should speak.")
    preferred_gender: Gender | None = strawberry.field(default=None, description="Preferred provider gender.")
    skills_wanted: list[str] = strawberry.field(default_factory=list, description="Skills the provider should have.")
    requested_by_staff: str | None = strawberry.field(
        default=None, description="Staff member filing the need for the resident (at most 60 characters)."
    )


@strawberry.input(description="Changes to a need; omitted fields stay as they are.")
class NeedUpdateInput:
    category: CareCategory | None = strawberry.field(default=UNSET, description="New care category.")
    title: str | None = strawberry.field(default=UNSET, description="New title.")
    description: str | None = strawberry.field(default=UNSET, description="New description.")
    urgency: Urgency | None = strawberry.field(default=UNSET, description="New urgency.")
    window_start: datetime | None = strawberry.field(default=UNSET, description="New window start.")
    window_end: datetime | None = strawberry.field(default=UNSET, description="New window end.")
    community_id: relay.GlobalID | None = strawberry.field(default=UNSET, description="New community.")
    location: GeoPointInput | None = strawberry.field(default=UNSET, description="New location (null clears it).")
    required_certifications: list[CertificationKind] | None = strawberry.field(
        default=UNSET, description="Qualifications the provider must hold."
    )
    languages: list[str] | None = strawberry.field(default=UNSET, description="Languages the provider should speak.")
    preferred_gender: Gender | None = strawberry.field(default=UNSET, description="Preferred gender (null: any).")
    skills_wanted: list[str] | None = strawberry.field(default=UNSET, description="Skills the provider should have.")


@strawberry.type(description="Result of creating, changing or cancelling a need.")
class NeedPayload:
    need: Need | None = strawberry.field(description="The need; null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems with the input; empty on success.")


def _service_data(data: dict) -> dict:
    """Decode IDs and flatten the location of an input's fields for the service."""
    if "resident_id" in data:
        data["resident_id"] = decode_id(data["resident_id"], "Resident", "residentId")
    if "community_id" in data:
        data["community_id"] = decode_id(data["community_id"], "Area", "communityId")
    if "location" in data:
        location = data.pop("location")
        data["latitude"] = location.latitude if location else None
        data["longitude"] = location.longitude if location else None
    return data


@strawberry.type
class NeedMutation:
    @strawberry.mutation(description="File a need for a resident (its history starts with a SUBMITTED event).")
    async def need_create(
        self, info: Info, input: Annotated[NeedCreateInput, strawberry.argument(description="The need.")],
        idempotency_key: IdempotencyKeyArgument = None,
    ) -> NeedPayload:
        try:
            scope = await info.context.scope()
            await authorize.need_change(scope, resident_id=decode_id(input.resident_id, "Resident", "residentId"))
            data = _service_data(vars(input).copy())
            keyed = idempotency.keyed_request(scope.viewer, "needCreate", idempotency_key, data)
            row = await idempotency.once(keyed, lambda: service.create_need(data, scope))
        except DomainError as error:
            return NeedPayload(need=None, errors=user_errors(error))
        return NeedPayload(need=Need.from_model(row), errors=[])

    @strawberry.mutation(description="Change a need while it is SUBMITTED or TRIAGED.")
    async def need_update(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The need to change.")],
        input: Annotated[NeedUpdateInput, strawberry.argument(description="The changes.")],
    ) -> NeedPayload:
        try:
            await authorize.need_change(await info.context.scope(), need_id=decode_id(id, "Need", "id"))
            row = await service.update_need(decode_id(id, "Need", "id"), _service_data(provided(input)))
        except DomainError as error:
            return NeedPayload(need=None, errors=user_errors(error))
        return NeedPayload(need=Need.from_model(row), errors=[])

    @strawberry.mutation(description="Cancel a need before its service starts (the resident, their family or staff); "
                                     "its proposals and any acceptance are withdrawn.")
    async def need_cancel(
        self, info: Info, id: Annotated[relay.GlobalID, strawberry.argument(description="The need to cancel.")],
        reason: Annotated[str | None, strawberry.argument(description="Why (at most 200 characters).")] = None,
    ) -> NeedPayload:
        try:
            scope = await info.context.scope()
            await authorize.need_change(scope, need_id=decode_id(id, "Need", "id"))
            row = await service.cancel_need(decode_id(id, "Need", "id"), scope, reason)
        except DomainError as error:
            return NeedPayload(need=None, errors=user_errors(error))
        return NeedPayload(need=Need.from_model(row), errors=[])
