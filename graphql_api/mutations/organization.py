"""Mutations of organizations."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.common import GeoPointInput, UserError, decode_id, provided, user_errors
from graphql_api.types.enums import CareCategory, IncubationStage, OrganizationKind, OrganizationStatus
from graphql_api.types.organization import Organization
from resolvers import authorization as authorize
from resolvers import organizations as service
from resolvers.errors import DomainError

UNSET = strawberry.UNSET


@strawberry.input(description="A new organization.")
class OrganizationCreateInput:
    name: str = strawberry.field(description="Unique name (at most 120 characters).")
    kind: OrganizationKind = strawberry.field(description="Role in the community's network.")
    area_id: relay.GlobalID = strawberry.field(description="Area the organization is based in.")
    uscc: str | None = strawberry.field(default=None, description="Unified Social Credit Code, checked.")
    incubated_by_id: relay.GlobalID | None = strawberry.field(default=None, description="Incubating hub centre.")
    incubation_stage: IncubationStage | None = strawberry.field(default=None, description="Incubation stage.")
    incubation_started_on: date | None = strawberry.field(default=None, description="Incubation start.")
    graduated_on: date | None = strawberry.field(default=None, description="Graduation from incubation.")
    registered_on: date | None = strawberry.field(default=None, description="Civil-affairs registration.")
    categories: list[CareCategory] = strawberry.field(default_factory=list, description="Categories served.")
    description: str = strawberry.field(default="", description="What the organization does.")
    contact_name: str = strawberry.field(default="", description="Public contact person.")
    contact_phone: str | None = strawberry.field(default=None, description="Mainland mobile number, checked.")
    address: str = strawberry.field(default="", description="Office address.")
    location: GeoPointInput | None = strawberry.field(default=None, description="Office location.")


@strawberry.input(description="Changes to an organization; omitted fields stay as they are.")
class OrganizationUpdateInput:
    name: str | None = strawberry.field(default=UNSET, description="New name.")
    kind: OrganizationKind | None = strawberry.field(default=UNSET, description="New kind.")
    status: OrganizationStatus | None = strawberry.field(default=UNSET, description="New status.")
    area_id: relay.GlobalID | None = strawberry.field(default=UNSET, description="New area.")
    uscc: str | None = strawberry.field(default=UNSET, description="Code after registration (null clears it).")
    incubated_by_id: relay.GlobalID | None = strawberry.field(default=UNSET, description="Incubating hub.")
    incubation_stage: IncubationStage | None = strawberry.field(default=UNSET, description="Incubation stage.")
    incubation_started_on: date | None = strawberry.field(default=UNSET, description="Incubation start.")
    graduated_on: date | None = strawberry.field(default=UNSET, description="Graduation date.")
    registered_on: date | None = strawberry.field(default=UNSET, description="Registration date.")
    categories: list[CareCategory] | None = strawberry.field(default=UNSET, description="Categories served.")
    description: str | None = strawberry.field(default=UNSET, description="Description.")
    contact_name: str | None = strawberry.field(default=UNSET, description="Contact person.")
    contact_phone: str | None = strawberry.field(default=UNSET, description="Contact number (null clears it).")
    address: str | None = strawberry.field(default=UNSET, description="Office address.")


@strawberry.type(description="Result of creating or updating an organization.")
class OrganizationPayload:
    organization: Organization | None = strawberry.field(description="The organization; null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems with the input; empty on success.")


def _service_data(data: dict) -> dict:
    """Decode IDs and flatten the location of an input's fields for the service."""
    if "area_id" in data:
        data["area_id"] = decode_id(data["area_id"], "Area", "areaId")
    if "incubated_by_id" in data:
        data["incubated_by_id"] = decode_id(data["incubated_by_id"], "Organization", "incubatedById")
    location = data.pop("location", None)
    if location is not None:
        data["latitude"], data["longitude"] = location.latitude, location.longitude
    return data


@strawberry.type
class OrganizationMutation:
    @strawberry.mutation(description="Register an organization in the directory.")
    async def organization_create(
        self,
        info: Info,
        input: Annotated[OrganizationCreateInput, strawberry.argument(description="The organization.")],
    ) -> OrganizationPayload:
        try:
            authorize.staff(await info.context.scope())
            row = await service.create_organization(_service_data(vars(input).copy()))
        except DomainError as error:
            return OrganizationPayload(organization=None, errors=user_errors(error))
        return OrganizationPayload(organization=Organization.from_model(row), errors=[])

    @strawberry.mutation(description="Change an organization's details.")
    async def organization_update(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The organization to change.")],
        input: Annotated[OrganizationUpdateInput, strawberry.argument(description="The changes.")],
    ) -> OrganizationPayload:
        try:
            authorize.organization_change(await info.context.scope(), decode_id(id, "Organization", "id"))
            organization_id = decode_id(id, "Organization", "id")
            row = await service.update_organization(organization_id, _service_data(provided(input)))
        except DomainError as error:
            return OrganizationPayload(organization=None, errors=user_errors(error))
        return OrganizationPayload(organization=Organization.from_model(row), errors=[])
