"""GraphQL type of organizations: the hub centre, the association, incubated organizations, partners."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

import models
from graphql_api.context import Info
from graphql_api.types.area import Area
from graphql_api.types.common import (
    After,
    Before,
    Connection,
    First,
    GeoPoint,
    Last,
    node_keys,
    page_args,
)
from graphql_api.types.enums import CareCategory, IncubationStage, OrganizationKind, OrganizationStatus
from graphql_api.types.row_backed import RowBacked, row_fields
from models.enums import label

if TYPE_CHECKING:
    from graphql_api.types.professional import Membership
    from graphql_api.types.project import Project, ProjectClaim

LAZY_PROJECT = strawberry.lazy("graphql_api.types.project")
LAZY_PROFESSIONAL = strawberry.lazy("graphql_api.types.professional")


@strawberry.type(description="A social organization: the hub centre, the association, an incubated "
                             "service organization or a partner. All fields are public directory data.")
class Organization(relay.Node, RowBacked):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="Registered or working name.")
    kind: OrganizationKind = strawberry.field(description="Role in the community's network.")
    uscc: str | None = strawberry.field(description="Unified Social Credit Code; null until registered.")
    incubation_stage: IncubationStage | None = strawberry.field(description="Stage in the hub's incubation.")
    incubation_started_on: date | None = strawberry.field(description="When incubation started.")
    graduated_on: date | None = strawberry.field(description="When the organization left incubation.")
    registered_on: date | None = strawberry.field(description="When it registered with civil affairs.")
    categories: list[CareCategory] = strawberry.field(description="Care categories it serves.")
    description: str = strawberry.field(description="What the organization does.")
    contact_name: str = strawberry.field(description="Public contact person.")
    contact_phone: str | None = strawberry.field(description="Public contact number of the organization.")
    address: str = strawberry.field(description="Office address.")
    status: OrganizationStatus = strawberry.field(description="Operating status.")
    location: GeoPoint | None = strawberry.field(description="Office location, if known.")
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    area_id: strawberry.Private[int]
    incubated_by_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, row: models.Organization) -> Organization:
        """Build over an ORM row or plain row."""
        return cls.of_row(row, id=row.id, area_id=row.area_id, incubated_by_id=row.incubated_by_id)

    @strawberry.field(description="Chinese display label of `kind`.")
    def kind_label(self) -> str:
        return label(self.kind)

    @strawberry.field(description="Chinese display label of `incubationStage`.")
    def incubation_stage_label(self) -> str | None:
        return label(self.incubation_stage) if self.incubation_stage else None

    @strawberry.field(description="Chinese display label of `status`.")
    def status_label(self) -> str:
        return label(self.status)

    @strawberry.field(description="Community or subdistrict the organization is based in.")
    async def area(self, info: Info) -> Area:
        return Area.from_model(await info.context.loaders.by_id(models.Area).load(self.area_id))

    @strawberry.field(description="The hub centre that incubated this organization, if any.")
    async def incubated_by(self, info: Info) -> Organization | None:
        if self.incubated_by_id is None:
            return None
        row = await info.context.loaders.by_id(models.Organization).load(self.incubated_by_id)
        return Organization.from_model(row) if row else None

    @strawberry.field(description="Organizations incubated by this hub centre, by name.")
    async def incubatees(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Organization]:
        args = page_args(first, after, last, before)
        page = await info.context.loaders.page("organization.incubatees", args).load(self.id)
        return Connection.from_page(page, Organization.from_model)

    @strawberry.field(description="Projects this organization organizes, by name.")
    async def projects(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Annotated[Project, LAZY_PROJECT]]:
        from graphql_api.types.project import Project

        args = page_args(first, after, last, before)
        page = await info.context.loaders.page("organization.projects", args).load(self.id)
        return Connection.from_page(page, Project.from_model)

    @strawberry.field(description="Memberships of professionals in this organization.")
    async def memberships(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Annotated[Membership, LAZY_PROFESSIONAL]]:
        from graphql_api.types.professional import Membership, prefetch_professionals, professional_joins

        args, loaders = page_args(first, after, last, before), info.context.loaders
        joins = loaders.joins_for("organization.memberships", professional_joins(info))
        page = await loaders.page("organization.memberships", args, joins).load(self.id)
        connection = Connection.from_page(page, Membership.from_model)
        await prefetch_professionals(info, [edge.node for edge in connection.edges], page)
        return connection

    @strawberry.field(description="Projects this organization has claimed (项目认领).")
    async def claims(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Annotated[ProjectClaim, LAZY_PROJECT]]:
        from graphql_api.types.project import ProjectClaim

        args = page_args(first, after, last, before)
        page = await info.context.loaders.page("organization.claims", args).load(self.id)
        return Connection.from_page(page, ProjectClaim.from_model)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.Organization).load_many(node_keys(node_ids))
        return [cls.from_model(r) if r else None for r in rows]


Organization.ROW_FIELDS = row_fields(
    "name", "kind", "uscc", "incubation_stage", "incubation_started_on", "graduated_on", "registered_on",
    "categories", "description", "contact_name", "contact_phone", "address", "status", "created_at", "updated_at",
    location=GeoPoint.of,
)
Organization.FIELD_COLUMNS = {  # the fields answered from the row alone, and the columns each reads
    "id": (), "__typename": (), "name": ("name",), "kind": ("kind",), "kindLabel": ("kind",), "uscc": ("uscc",),
    "incubationStage": ("incubation_stage",), "incubationStageLabel": ("incubation_stage",),
    "incubationStartedOn": ("incubation_started_on",), "graduatedOn": ("graduated_on",),
    "registeredOn": ("registered_on",), "categories": ("categories",), "description": ("description",),
    "contactName": ("contact_name",), "contactPhone": ("contact_phone",), "address": ("address",),
    "status": ("status",), "statusLabel": ("status",), "location": ("latitude", "longitude"),
    "createdAt": ("created_at",), "updatedAt": ("updated_at",),
}
Organization.EAGER_COLUMNS = ("id", "area_id", "incubated_by_id")
