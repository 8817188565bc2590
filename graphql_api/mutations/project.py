"""Mutations of projects and their claims (项目认领)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.common import UserError, decode_id, provided, user_errors
from graphql_api.types.enums import CareCategory, ProjectStatus, TargetGroup
from graphql_api.types.project import Project, ProjectClaim
from resolvers import authorization as authorize
from resolvers import claims
from resolvers import projects as service
from resolvers.errors import DomainError

UNSET = strawberry.UNSET


@strawberry.input(description="A new project.")
class ProjectCreateInput:
    name: str = strawberry.field(description="Unique name (at most 120 characters).")
    organizer_id: relay.GlobalID = strawberry.field(description="Organization running the project.")
    category: CareCategory = strawberry.field(description="Main care category.")
    target_group: TargetGroup = strawberry.field(description="Whom the project is for.")
    min_age: int | None = strawberry.field(default=None, description="Youngest age, 0 to 120.")
    max_age: int | None = strawberry.field(default=None, description="Oldest age, 0 to 120, not below `minAge`.")
    description: str = strawberry.field(default="", description="What the project does.")
    status: ProjectStatus = strawberry.field(default=ProjectStatus.ACTIVE, description="Lifecycle status.")
    starts_on: date | None = strawberry.field(default=None, description="First day.")
    ends_on: date | None = strawberry.field(default=None, description="Last day, not before `startsOn`.")
    area_id: relay.GlobalID | None = strawberry.field(default=None, description="Community served, if one.")
    lead_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="Professionals leading the project (at most 20)."
    )


@strawberry.input(description="Changes to a project; omitted fields stay as they are.")
class ProjectUpdateInput:
    name: str | None = strawberry.field(default=UNSET, description="New name.")
    organizer_id: relay.GlobalID | None = strawberry.field(default=UNSET, description="New organizer.")
    category: CareCategory | None = strawberry.field(default=UNSET, description="Main care category.")
    target_group: TargetGroup | None = strawberry.field(default=UNSET, description="Whom it is for.")
    min_age: int | None = strawberry.field(default=UNSET, description="Youngest age (null: no limit).")
    max_age: int | None = strawberry.field(default=UNSET, description="Oldest age (null: no limit).")
    description: str | None = strawberry.field(default=UNSET, description="Description.")
    status: ProjectStatus | None = strawberry.field(default=UNSET, description="Lifecycle status.")
    starts_on: date | None = strawberry.field(default=UNSET, description="First day.")
    ends_on: date | None = strawberry.field(default=UNSET, description="Last day.")
    area_id: relay.GlobalID | None = strawberry.field(default=UNSET, description="Community (null: subdistrict).")
    lead_ids: list[relay.GlobalID] | None = strawberry.field(default=UNSET, description="Replaces the leads.")


@strawberry.type(description="Result of creating or updating a project.")
class ProjectPayload:
    project: Project | None = strawberry.field(description="The project; null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems with the input; empty on success.")


@strawberry.input(description="A claim of a project by exactly one professional or one organization.")
class ProjectClaimInput:
    project_id: relay.GlobalID = strawberry.field(description="The project to claim.")
    professional_id: relay.GlobalID | None = strawberry.field(default=None, description="The claiming professional.")
    organization_id: relay.GlobalID | None = strawberry.field(default=None, description="The claiming organization.")
    note: str | None = strawberry.field(default=None, description="What the claimant offers (at most 200).")


@strawberry.type(description="Result of claiming a project or withdrawing a claim.")
class ProjectClaimPayload:
    claim: ProjectClaim | None = strawberry.field(description="The claim; null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems with the input; empty on success.")


def _service_data(data: dict) -> dict:
    """Decode the IDs of a project input for the service."""
    if data.get("organizer_id") is not None:
        data["organizer_id"] = decode_id(data["organizer_id"], "Organization", "organizerId")
    if "area_id" in data:
        data["area_id"] = decode_id(data["area_id"], "Area", "areaId")
    if "lead_ids" in data:
        data["lead_ids"] = [decode_id(i, "Professional", "leadIds") for i in data["lead_ids"] or []]
    return data


@strawberry.type
class ProjectMutation:
    @strawberry.mutation(description="Create a project.")
    async def project_create(
        self, info: Info, input: Annotated[ProjectCreateInput, strawberry.argument(description="The project.")]
    ) -> ProjectPayload:
        try:
            await authorize.project_change(
                await info.context.scope(), organizer_id=decode_id(input.organizer_id, "Organization", "organizerId")
            )
            row = await service.create_project(_service_data(vars(input).copy()))
        except DomainError as error:
            return ProjectPayload(project=None, errors=user_errors(error))
        return ProjectPayload(project=Project.from_model(row), errors=[])

    @strawberry.mutation(description="Change a project's details or leads.")
    async def project_update(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The project to change.")],
        input: Annotated[ProjectUpdateInput, strawberry.argument(description="The changes.")],
    ) -> ProjectPayload:
        try:
            await authorize.project_change(await info.context.scope(), project_id=decode_id(id, "Project", "id"))
            row = await service.update_project(decode_id(id, "Project", "id"), _service_data(provided(input)))
        except DomainError as error:
            return ProjectPayload(project=None, errors=user_errors(error))
        return ProjectPayload(project=Project.from_model(row), errors=[])

    @strawberry.mutation(description="Claim a project (项目认领); a withdrawn claim is re-activated.")
    async def project_claim(
        self, info: Info, input: Annotated[ProjectClaimInput, strawberry.argument(description="The claim.")]
    ) -> ProjectClaimPayload:
        try:
            await authorize.claim_change(
                await info.context.scope(),
                professional_id=decode_id(input.professional_id, "Professional", "professionalId"),
                organization_id=decode_id(input.organization_id, "Organization", "organizationId"),
            )
            row = await claims.claim_project(
                decode_id(input.project_id, "Project", "projectId"),
                decode_id(input.professional_id, "Professional", "professionalId"),
                decode_id(input.organization_id, "Organization", "organizationId"),
                input.note,
            )
        except DomainError as error:
            return ProjectClaimPayload(claim=None, errors=user_errors(error))
        return ProjectClaimPayload(claim=ProjectClaim.from_model(row), errors=[])

    @strawberry.mutation(description="Withdraw an active project claim.")
    async def project_claim_withdraw(
        self, info: Info, claim_id: Annotated[relay.GlobalID, strawberry.argument(description="The claim.")]
    ) -> ProjectClaimPayload:
        try:
            await authorize.claim_change(
                await info.context.scope(), claim_id=decode_id(claim_id, "ProjectClaim", "claimId")
            )
            row = await claims.withdraw_claim(decode_id(claim_id, "ProjectClaim", "claimId"))
        except DomainError as error:
            return ProjectClaimPayload(claim=None, errors=user_errors(error))
        return ProjectClaimPayload(claim=ProjectClaim.from_model(row), errors=[])
