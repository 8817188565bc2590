"""GraphQL types of professionals, their certifications and their organization memberships.

A professional's phone number is personal information: the API returns it masked (``138****5678``).
The birth date and the precise location are stored for matching but never returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

import models
from graphql_api.context import Info
from graphql_api.types.area import Area
from graphql_api.types.common import After, Before, Connection, First, Last, node_keys, page_args
from graphql_api.types.enums import (
    AssociationRole,
    CareCategory,
    CertificationKind,
    Gender,
    MembershipRole,
    ProfessionalStatus,
)
from graphql_api.types.organization import Organization
from graphql_api.types.row_backed import (
    RowBacked,
    columns_for,
    keep,
    prefetchable,
    prefetched,
    row_fields,
    selects,
)
from models.enums import label
from resolvers.certifications import local_today, valid_on
from resolvers.identifiers import mask_phone
from resolvers.pagination import Joined, Page

if TYPE_CHECKING:
    from graphql_api.types.project import Project, ProjectClaim

LAZY_PROJECT = strawberry.lazy("graphql_api.types.project")


@strawberry.type(description="A recurring weekly time a professional is available.")
class WeeklySlot:
    weekday: int = strawberry.field(description="Day of the week: 0 = Monday ... 6 = Sunday.")
    start: str = strawberry.field(description="Start time, HH:MM (24-hour clock, Hangzhou time).")
    end: str = strawberry.field(description="End time, HH:MM, after `start` on the same day.")

    @classmethod
    def from_json(cls, slot: dict[str, Any]) -> WeeklySlot:
        """Build from one stored slot."""
        return cls(weekday=slot["weekday"], start=slot["start"], end=slot["end"])


@strawberry.type(description="A professional who serves residents: a member of the New Social Stratum "
                             "Association (新联会) or of a service organization.")
class Professional(relay.Node, RowBacked):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="Full name.")
    gender: Gender | None = strawberry.field(description="Gender, if given.")
    profession: str = strawberry.field(description="Profession, e.g. 护士 or 幼儿教师.")
    bio: str = strawberry.field(description="Short introduction.")
    categories: list[CareCategory] = strawberry.field(description="Care categories offered.")
    skills: list[str] = strawberry.field(description="Skills, free text tags.")
    languages: list[str] = strawberry.field(description="Languages and dialects, e.g. zh, hangzhou-dialect.")
    years_experience: float = strawberry.field(description="Years of professional experience.")
    max_concurrent_assignments: int = strawberry.field(description="Most assignments taken on at once.")
    is_association_member: bool = strawberry.field(description="Member of the New Social Stratum Association.")
    association_role: AssociationRole | None = strawberry.field(description="Office held in the association.")
    joined_association_on: date | None = strawberry.field(description="When the professional joined it.")
    status: ProfessionalStatus = strawberry.field(description="Whether the professional takes assignments.")
    service_radius_km: float | None = strawberry.field(description="How far the professional travels, in km.")
    phone: str | None = strawberry.field(description="Mobile number, masked (138****5678): personal information.")
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    slots: strawberry.Private[list[dict]]

    @classmethod
    def from_model(cls, row: models.Professional) -> Professional:
        """Build over an ORM row or plain row (masking the phone number, leaving out birth date and location)."""
        return cls.of_row(row, id=row.id)

    @strawberry.field(description="Weekly availability, by weekday and start.")
    def availability(self) -> list[WeeklySlot]:
        return [WeeklySlot.from_json(slot) for slot in self.slots]  # built only when asked for

    @strawberry.field(description="Chinese display label of `gender`.")
    def gender_label(self) -> str | None:
        return label(self.gender) if self.gender else None

    @strawberry.field(description="Chinese display label of `associationRole`.")
    def association_role_label(self) -> str | None:
        return label(self.association_role) if self.association_role else None

    @strawberry.field(description="Chinese display label of `status`.")
    def status_label(self) -> str:
        return label(self.status)

    @strawberry.field(description="Certificates the professional holds, oldest record first.")
    async def certifications(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Certification]:
        args = page_args(first, after, last, before)
        page = await info.context.loaders.page("professional.certifications", args).load(self.id)
        return Connection.from_page(page, Certification.from_model)

    @strawberry.field(description="Organizations the professional belongs to.")
    async def memberships(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Membership]:
        args = page_args(first, after, last, before)
        page = await info.context.loaders.page("professional.memberships", args).load(self.id)
        return Connection.from_page(page, Membership.from_model)

    @strawberry.field(description="Communities the professional serves, by name.")
    async def service_areas(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Area]:
        args = page_args(first, after, last, before)
        page = await info.context.loaders.page("professional.service_areas", args).load(self.id)
        return Connection.from_page(page, Area.from_model)

    @strawberry.field(description="Projects the professional leads, by name.")
    async def led_projects(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Annotated[Project, LAZY_PROJECT]]:
        from graphql_api.types.project import Project

        args = page_args(first, after, last, before)
        page = await info.context.loaders.page("professional.led_projects", args).load(self.id)
        return Connection.from_page(page, Project.from_model)

    @strawberry.field(description="Projects the professional has claimed (项目认领), active or withdrawn.")
    async def claims(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Annotated[ProjectClaim, LAZY_PROJECT]]:
        from graphql_api.types.project import ProjectClaim

        args = page_args(first, after, last, before)
        page = await info.context.loaders.page("professional.claims", args).load(self.id)
        return Connection.from_page(page, ProjectClaim.from_model)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.Professional).load_many(node_keys(node_ids))
        return [cls.from_model(r) if r else None for r in rows]


@strawberry.type(description="A qualification certificate or background check; only verified, "
                             "unexpired ones count when matching.")
class Certification(relay.Node):
    id: relay.NodeID[int]
    kind: CertificationKind = strawberry.field(description="Kind of certificate.")
    full_number: strawberry.Private[str]
    issued_on: date | None = strawberry.field(description="Date of issue.")
    expires_on: date | None = strawberry.field(description="Last day of validity; null if it never expires.")
    verified_by: str | None = strawberry.field(description="Staff member who checked the original.")
    verified_at: datetime | None = strawberry.field(description="When the original was checked.")
    created_at: datetime = strawberry.field(description="When the record was created.")
    valid_today: bool = strawberry.field(description="Verified, already issued and not expired today.")
    professional_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: models.Certification) -> Certification:
        """Build from an ORM row."""
        return cls(
            id=row.id, kind=row.kind, full_number=row.number, issued_on=row.issued_on, expires_on=row.expires_on,
            verified_by=row.verified_by, verified_at=row.verified_at, created_at=row.created_at,
            valid_today=valid_on(row, local_today()), professional_id=row.professional_id,
        )

    @strawberry.field(description="Chinese display label of `kind`.")
    def kind_label(self) -> str:
        return label(self.kind)

    @strawberry.field(description="Certificate number: in full for the holder and centre staff, otherwise "
                                  "only its first and last two characters.")
    def number(self, info: Info) -> str:
        viewer = info.context.viewer
        if viewer.is_staff or viewer.professional_id == self.professional_id or len(self.full_number) <= 4:
            return self.full_number
        return f"{self.full_number[:2]}****{self.full_number[-2:]}"

    @strawberry.field(description="The professional holding the certificate.")
    async def professional(self, info: Info) -> Professional:
        row = await info.context.loaders.by_id(models.Professional).load(self.professional_id)
        return Professional.from_model(row)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.Certification).load_many(node_keys(node_ids))
        return [cls.from_model(r) if r else None for r in rows]


@strawberry.type(description="A professional's membership of an organization.")
class Membership(relay.Node, RowBacked):
    id: relay.NodeID[int]
    role: MembershipRole = strawberry.field(description="Role within the organization.")
    joined_on: date | None = strawberry.field(description="When the professional joined, if known.")
    created_at: datetime = strawberry.field(description="When the record was created.")
    professional_id: strawberry.Private[int]
    organization_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: models.Membership) -> Membership:
        """Build over an ORM row or plain row."""
        return cls.of_row(row, id=row.id, professional_id=row.professional_id, organization_id=row.organization_id)

    @strawberry.field(description="Chinese display label of `role`.")
    def role_label(self) -> str:
        return label(self.role)

    @strawberry.field(description="The member.")
    @prefetchable("professional")
    def professional(self, info: Info) -> Professional:
        return prefetched(self, "professional") or load_professional(info, self.professional_id)

    @strawberry.field(description="The organization.")
    async def organization(self, info: Info) -> Organization:
        row = await info.context.loaders.by_id(models.Organization).load(self.organization_id)
        return Organization.from_model(row)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.Membership).load_many(node_keys(node_ids))
        return [cls.from_model(r) if r else None for r in rows]


Professional.ROW_FIELDS = row_fields(
    "name", "gender", "profession", "bio", "categories", "skills", "languages", "years_experience",
    "is_association_member", "association_role", "joined_association_on", "status", "created_at", "updated_at",
    slots=lambda row: row.availability or [], max_concurrent_assignments=attrgetter("max_concurrent"),
    service_radius_km=attrgetter("travel_km"), phone=lambda row: mask_phone(row.phone),
)
Membership.ROW_FIELDS = row_fields("role", "joined_on", "created_at")
Professional.FIELD_COLUMNS = {  # the fields answered from the row alone, and the columns each reads
    "id": (), "__typename": (), "name": ("name",), "gender": ("gender",), "genderLabel": ("gender",),
    "profession": ("profession",), "bio": ("bio",), "categories": ("categories",), "skills": ("skills",),
    "languages": ("languages",), "yearsExperience": ("years_experience",),
    "maxConcurrentAssignments": ("max_concurrent",), "isAssociationMember": ("is_association_member",),
    "associationRole": ("association_role",), "associationRoleLabel": ("association_role",),
    "joinedAssociationOn": ("joined_association_on",), "status": ("status",), "statusLabel": ("status",),
    "serviceRadiusKm": ("travel_km",), "phone": ("phone",), "createdAt": ("created_at",),
    "updatedAt": ("updated_at",), "availability": ("availability",),
}


async def load_professional(info: Info, professional_id: int) -> Professional:
    """One professional through the request's loader."""
    return Professional.from_model(await info.context.loaders.by_id(models.Professional).load(professional_id))


def professional_joins(info: Info) -> tuple[Joined, ...]:
    """The professionals of a page of memberships, read with the page when the query selects them."""
    if not selects(info, "edges", "node", "professional"):
        return ()
    return (Joined("professional", models.Professional, "professional_id",
                   columns_for(Professional, info, "edges", "node", "professional")),)


async def prefetch_professionals(info: Info, memberships: list[Membership], page: Page | None = None) -> None:
    """Give a page of memberships their professionals: read with the page (:func:`professional_joins`) or,
    when it was not, loaded together if the query selects them."""
    if memberships and page is not None and page.joined:
        for membership, row in zip(memberships, page.joined["professional"], strict=True):
            keep(membership, "professional", Professional.from_model(row))
    elif memberships and selects(info, "edges", "node", "professional"):
        ids = tuple(m.professional_id for m in memberships)
        fields = columns_for(Professional, info, "edges", "node", "professional")
        rows = await info.context.loaders.by_ids(models.Professional, fields).load(ids)
        for membership, row in zip(memberships, rows, strict=True):
            keep(membership, "professional", Professional.from_model(row))
