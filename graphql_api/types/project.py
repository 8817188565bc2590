"""GraphQL types of public-welfare projects and their claims (项目认领)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

import models
from graphql_api.context import Info
from graphql_api.types.area import Area
from graphql_api.types.common import After, Before, Connection, First, Last, node_keys, page_args
from graphql_api.types.enums import CareCategory, ClaimStatus, ProjectStatus, TargetGroup
from graphql_api.types.organization import Organization
from graphql_api.types.professional import Professional
from models.enums import label

if TYPE_CHECKING:
    from graphql_api.types.session import ProjectSession

LAZY_SESSION = strawberry.lazy("graphql_api.types.session")

Claimant = Annotated[
    Professional | Organization,
    strawberry.union("Claimant", description="Who claimed a project: a professional or an organization."),
]


@strawberry.type(description="A public-welfare project run by an organization, e.g. 爱有方 preschool care "
                             "or 银龄跨越数字鸿沟行动 (digital help for seniors).")
class Project(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="Unique project name.")
    category: CareCategory = strawberry.field(description="Main care category.")
    target_group: TargetGroup = strawberry.field(description="Whom the project is for.")
    min_age: int | None = strawberry.field(description="Youngest age the project is for, if limited.")
    max_age: int | None = strawberry.field(description="Oldest age the project is for, if limited.")
    description: str = strawberry.field(description="What the project does.")
    status: ProjectStatus = strawberry.field(description="Lifecycle status.")
    starts_on: date | None = strawberry.field(description="First day, if known.")
    ends_on: date | None = strawberry.field(description="Last day, if known.")
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    organizer_id: strawberry.Private[int]
    area_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, row: models.Project) -> Project:
        """Build from an ORM row."""
        return cls(
            id=row.id, name=row.name, category=row.category, target_group=row.target_group,
            min_age=row.min_age, max_age=row.max_age, description=row.description, status=row.status,
            starts_on=row.starts_on, ends_on=row.ends_on, created_at=row.created_at, updated_at=row.updated_at,
            organizer_id=row.organizer_id, area_id=row.area_id,
        )

    @strawberry.field(description="Chinese display label of `category`.")
    def category_label(self) -> str:
        return label(self.category)

    @strawberry.field(description="Chinese display label of `targetGroup`.")
    def target_group_label(self) -> str:
        return label(self.target_group)

    @strawberry.field(description="Chinese display label of `status`.")
    def status_label(self) -> str:
        return label(self.status)

    @strawberry.field(description="The organization running the project.")
    async def organizer(self, info: Info) -> Organization:
        return Organization.from_model(await info.context.loaders.by_id(models.Organization).load(self.organizer_id))

    @strawberry.field(description="Community the project serves; null for the whole subdistrict.")
    async def area(self, info: Info) -> Area | None:
        if self.area_id is None:
            return None
        row = await info.context.loaders.by_id(models.Area).load(self.area_id)
        return Area.from_model(row) if row else None

    @strawberry.field(description="Professionals leading the project (项目负责人), by name.")
    async def leads(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Professional]:
        page = await info.context.loaders.page("project.leads", page_args(first, after, last, before)).load(self.id)
        return Connection.from_page(page, Professional.from_model)

    @strawberry.field(description="Sessions of the project, earliest first.")
    async def sessions(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Annotated[ProjectSession, LAZY_SESSION]]:
        from graphql_api.types.session import ProjectSession

        args = page_args(first, after, last, before)
        page = await info.context.loaders.page("project.sessions", args).load(self.id)
        return Connection.from_page(page, ProjectSession.from_model)

    @strawberry.field(description="Claims of the project (项目认领), active or withdrawn.")
    async def claims(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[ProjectClaim]:
        page = await info.context.loaders.page("project.claims", page_args(first, after, last, before)).load(self.id)
        return Connection.from_page(page, ProjectClaim.from_model)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.Project).load_many(node_keys(node_ids))
        return [cls.from_model(r) if r else None for r in rows]


@strawberry.type(description="A claim of a project (项目认领) by a professional or an organization.")
class ProjectClaim(relay.Node):
    id: relay.NodeID[int]
    status: ClaimStatus = strawberry.field(description="Active, or withdrawn by the claimant.")
    note: str = strawberry.field(description="What the claimant offers to do.")
    created_at: datetime = strawberry.field(description="When the project was first claimed.")
    updated_at: datetime = strawberry.field(description="When the claim last changed.")
    project_id: strawberry.Private[int]
    professional_id: strawberry.Private[int | None]
    organization_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, row: models.ProjectClaim) -> ProjectClaim:
        """Build from an ORM row."""
        return cls(
            id=row.id, status=row.status, note=row.note, created_at=row.created_at, updated_at=row.updated_at,
            project_id=row.project_id, professional_id=row.professional_id, organization_id=row.organization_id,
        )

    @strawberry.field(description="Chinese display label of `status`.")
    def status_label(self) -> str:
        return label(self.status)

    @strawberry.field(description="The claimed project.")
    async def project(self, info: Info) -> Project:
        return Project.from_model(await info.context.loaders.by_id(models.Project).load(self.project_id))

    @strawberry.field(description="Who claimed the project: a professional or an organization.")
    async def claimant(self, info: Info) -> Claimant:
        if self.professional_id is not None:
            row = await info.context.loaders.by_id(models.Professional).load(self.professional_id)
            return Professional.from_model(row)
        row = await info.context.loaders.by_id(models.Organization).load(self.organization_id)
        return Organization.from_model(row)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.ProjectClaim).load_many(node_keys(node_ids))
        return [cls.from_model(r) if r else None for r in rows]
