"""Mutations of professionals: create and update (with service areas and memberships)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.common import GeoPointInput, UserError, decode_id, provided, user_errors
from graphql_api.types.enums import AssociationRole, CareCategory, Gender, ProfessionalStatus
from graphql_api.types.professional import Professional
from resolvers import authorization as authorize
from resolvers import professionals as service
from resolvers.errors import DomainError

UNSET = strawberry.UNSET


@strawberry.input(description="A recurring weekly time a professional is available.")
class WeeklySlotInput:
    weekday: int = strawberry.field(description="Day of the week: 0 = Monday ... 6 = Sunday.")
    start: str = strawberry.field(description="Start time, HH:MM (24-hour clock).")
    end: str = strawberry.field(description="End time, HH:MM, after `start` on the same day.")


@strawberry.input(description="A new professional.")
class ProfessionalCreateInput:
    name: str = strawberry.field(description="Full name (at most 50 characters).")
    profession: str = strawberry.field(description="Profession, e.g. 护士 (at most 80 characters).")
    gender: Gender | None = strawberry.field(default=None, description="Gender, if the person gives it.")
    birth_date: date | None = strawberry.field(
        default=None, description="Birth date, used only for age rules in matching; never returned."
    )
    bio: str = strawberry.field(default="", description="Short introduction (at most 2000 characters).")
    categories: list[CareCategory] = strawberry.field(default_factory=list, description="Categories offered.")
    skills: list[str] = strawberry.field(default_factory=list, description="Skills (at most 30 tags).")
    languages: list[str] = strawberry.field(default_factory=list, description="Languages and dialects.")
    years_experience: float = strawberry.field(default=0, description="Years of experience, 0 to 80.")
    availability: list[WeeklySlotInput] = strawberry.field(default_factory=list, description="Weekly slots.")
    max_concurrent_assignments: int = strawberry.field(default=3, description="Assignments at once, 1 to 50.")
    phone: str | None = strawberry.field(default=None, description="Mainland mobile number, checked.")
    location: GeoPointInput | None = strawberry.field(
        default=None, description="Home base, used only for distances in matching; never returned."
    )
    service_radius_km: float | None = strawberry.field(default=None, description="Travel distance, 0 to 100 km.")
    is_association_member: bool = strawberry.field(default=False, description="Member of the association.")
    association_role: AssociationRole | None = strawberry.field(default=None, description="Office held.")
    joined_association_on: date | None = strawberry.field(default=None, description="When they joined it.")
    service_area_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="Communities served (at most 50)."
    )
    organization_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="Organizations the professional is a member of (at most 50)."
    )


@strawberry.input(description="Changes to a professional; omitted fields stay as they are.")
class ProfessionalUpdateInput:
    name: str | None = strawberry.field(default=UNSET, description="New name.")
    profession: str | None = strawberry.field(default=UNSET, description="New profession.")
    gender: Gender | None = strawberry.field(default=UNSET, description="Gender (null clears it).")
    birth_date: date | None = strawberry.field(default=UNSET, description="Birth date (never returned).")
    bio: str | None = strawberry.field(default=UNSET, description="Introduction.")
    categories: list[CareCategory] | None = strawberry.field(default=UNSET, description="Categories offered.")
    skills: list[str] | None = strawberry.field(default=UNSET, description="Skills.")
    languages: list[str] | None = strawberry.field(default=UNSET, description="Languages and dialects.")
    years_experience: float | None = strawberry.field(default=UNSET, description="Years of experience.")
    availability: list[WeeklySlotInput] | None = strawberry.field(default=UNSET, description="Weekly slots.")
    max_concurrent_assignments: int | None = strawberry.field(default=UNSET, description="Assignments at once.")
    phone: str | None = strawberry.field(default=UNSET, description="Mobile number (null clears it).")
    location: GeoPointInput | None = strawberry.field(default=UNSET, description="Home base (never returned).")
    service_radius_km: float | None = strawberry.field(default=UNSET, description="Travel distance in km.")
    status: ProfessionalStatus | None = strawberry.field(default=UNSET, description="Takes assignments or not.")
    is_association_member: bool | None = strawberry.field(default=UNSET, description="Association member.")
    association_role: AssociationRole | None = strawberry.field(default=UNSET, description="Office held.")
    joined_association_on: date | None = strawberry.field(default=UNSET, description="When they joined it.")
    service_area_ids: list[relay.GlobalID] | None = strawberry.field(
        default=UNSET, description="Replaces the communities served."
    )
    organization_ids: list[relay.GlobalID] | None = strawberry.field(
        default=UNSET, description="Replaces the memberships (kept ones keep their role and date)."
    )


@strawberry.type(description="Result of creating or updating a professional.")
class ProfessionalPayload:
    professional: Professional | None = strawberry.field(description="The professional; null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems with the input; empty on success.")


def _service_data(data: dict) -> dict:
    """Decode IDs, turn slots into plain dicts and flatten the location for the service."""
    if "service_area_ids" in data:
        data["service_area_ids"] = [decode_id(i, "Area", "serviceAreaIds") for i in data["service_area_ids"] or []]
    if "organization_ids" in data:
        data["organization_ids"] = [
            decode_id(i, "Organization", "organizationIds") for i in data["organization_ids"] or []
        ]
    if "availability" in data:
        data["availability"] = [vars(slot) for slot in data["availability"] or []]
    if "location" in data:
        location = data.pop("location")
        data["latitude"] = location.latitude if location else None
        data["longitude"] = location.longitude if location else None
    return data


@strawberry.type
class ProfessionalMutation:
    @strawberry.mutation(description="Register a professional.")
    async def professional_create(
        self,
        info: Info,
        input: Annotated[ProfessionalCreateInput, strawberry.argument(description="The professional.")],
    ) -> ProfessionalPayload:
        try:
            authorize.staff(await info.context.scope())
            row = await service.create_professional(_service_data(vars(input).copy()))
        except DomainError as error:
            return ProfessionalPayload(professional=None, errors=user_errors(error))
        return ProfessionalPayload(professional=Professional.from_model(row), errors=[])

    @strawberry.mutation(description="Change a professional's details, service areas or memberships.")
    async def professional_update(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The professional to change.")],
        input: Annotated[ProfessionalUpdateInput, strawberry.argument(description="The changes.")],
    ) -> ProfessionalPayload:
        try:
            authorize.professional_change(await info.context.scope(), decode_id(id, "Professional", "id"))
            professional_id = decode_id(id, "Professional", "id")
            row = await service.update_professional(professional_id, _service_data(provided(input)))
        except DomainError as error:
            return ProfessionalPayload(professional=None, errors=user_errors(error))
        return ProfessionalPayload(professional=Professional.from_model(row), errors=[])
