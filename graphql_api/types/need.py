"""GraphQL types of needs and of the matches that propose providers for them.

A need's precise coordinates are sensitive (precise whereabouts, PIPL Art. 28): only ``hasLocation``
is shown.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Annotated, Union

import strawberry
from strawberry import relay

import models
from graphql_api.context import Info
from graphql_api.types.area import Area
from graphql_api.types.common import After, Before, Connection, First, Last, node_keys, page_args
from graphql_api.types.enums import (
    CareCategory,
    CertificationKind,
    Gender,
    MatchStatus,
    NeedStatus,
    ProviderKind,
    Urgency,
)
from graphql_api.types.lifecycle import NeedEvent, need_history
from graphql_api.types.organization import Organization
from graphql_api.types.resident import Resident, load_resident
from graphql_api.types.row_backed import (
    RowBacked,
    columns_for,
    keep,
    prefetchable,
    prefetched,
    row_fields,
    selects,
)
from graphql_api.types.score import ScoreComponent
from models.enums import label
from resolvers.pagination import Joined, Page
from resolvers.scope import Scope

if TYPE_CHECKING:
    from graphql_api.types.professional import Professional

# Passed as ``graphql_type``: a string annotation would make ``typing`` evaluate the lazy forward reference.
Provider = Annotated[
    Union[Annotated["Professional", strawberry.lazy("graphql_api.types.professional")], Organization],  # noqa: UP007
    strawberry.union("Provider", description="Who is proposed to serve a need: a professional or an organization."),
]


@strawberry.type(description="A resident's request for a service in one care category and time window.")
class Need(relay.Node, RowBacked):
    id: relay.NodeID[int]
    requested_by_staff: str | None = strawberry.field(description="Staff member who filed it for the resident.")
    category: CareCategory = strawberry.field(description="Care category asked for.")
    title: str = strawberry.field(description="Short title (at most 80 characters).")
    description: str = strawberry.field(description="What is needed, in the resident's words.")
    urgency: Urgency = strawberry.field(description="How urgent the need is.")
    window_start: datetime = strawberry.field(description="Start of the time window for the service.")
    window_end: datetime = strawberry.field(description="End of the time window for the service.")
    has_location: bool = strawberry.field(description="Whether a precise location is on file (never shown).")
    required_certifications: list[CertificationKind] = strawberry.field(
        description="Qualifications the provider must hold, beyond those of the category."
    )
    languages: list[str] = strawberry.field(description="Languages or dialects the provider should speak.")
    preferred_gender: Gender | None = strawberry.field(description="Preferred gender of the provider, if any.")
    skills_wanted: list[str] = strawberry.field(description="Skills the provider should have.")
    status: NeedStatus = strawberry.field(description="Where the need stands.")
    created_at: datetime = strawberry.field(description="When the need was submitted.")
    updated_at: datetime = strawberry.field(description="When the need last changed.")
    resident_id: strawberry.Private[int]
    community_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: models.Need) -> Need:
        """Build over an ORM row or plain row (coordinates are reduced to ``hasLocation``)."""
        return cls.of_row(row, id=row.id, resident_id=row.resident_id, community_id=row.community_id)

    @strawberry.field(description="Chinese display label of `category`.")
    def category_label(self) -> str:
        return label(self.category)

    @strawberry.field(description="Chinese display label of `urgency`.")
    def urgency_label(self) -> str:
        return label(self.urgency)

    @strawberry.field(description="Chinese display label of `preferredGender`.")
    def preferred_gender_label(self) -> str | None:
        return label(self.preferred_gender) if self.preferred_gender else None

    @strawberry.field(description="Chinese display label of `status`.")
    def status_label(self) -> str:
        return label(self.status)

    @strawberry.field(description="The resident the need is for (minimized view).")
    @prefetchable("resident")
    def resident(self, info: Info) -> Resident:
        return prefetched(self, "resident") or load_resident(info, self.resident_id)

    @strawberry.field(description="Community where the service is needed.")
    @prefetchable("community")
    def community(self, info: Info) -> Area:
        return prefetched(self, "community") or load_area(info, self.community_id)

    @strawberry.field(description="Providers proposed for this need, best score first.")
    async def matches(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Match]:
        scope = await info.context.scope()
        info.context.require(scope.owns(self.resident_id) or scope.staff_covers(self.community_id),
                             "Only the resident, their guardian or centre staff see every proposal of a need.")
        joins, fields = provider_joins(info), columns_for(Match, info, "edges", "node")
        page = await info.context.loaders.page("need.matches", page_args(first, after, last, before), joins, fields) \
            .load(self.id)
        connection = Connection.from_page(page, Match.from_model)
        keep_providers([edge.node for edge in connection.edges], page)
        return connection

    @strawberry.field(description="Every status change of the need, oldest first: who, from, to, why and when "
                                  "(the resident, their family and centre staff serving the community).")
    async def history(self, info: Info) -> list[NeedEvent]:
        return await need_history(info, self.id, self.resident_id, self.community_id)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.Need).load_many(node_keys(node_ids))
        scope = await info.context.scope()
        return [cls.from_model(r) if r and scope.sees_need(r) else None for r in rows]


@strawberry.type(description="A provider (professional or organization) proposed for a need.")
class Match(relay.Node, RowBacked):
    id: relay.NodeID[int]
    provider_kind: ProviderKind = strawberry.field(description="Whether the provider is a person or an organization.")
    score: float | None = strawberry.field(description="Matching score, 0 to 1 (higher is better); null if manual.")
    status: MatchStatus = strawberry.field(description="Where the proposal stands.")
    proposed_by: str = strawberry.field(description="Who proposed it: a staff name or `engine`.")
    responded_at: datetime | None = strawberry.field(description="When the provider responded, if they did.")
    created_at: datetime = strawberry.field(description="When the match was proposed.")
    decline_reason: str | None = strawberry.field(description="Why the provider declined, if they said.")
    need_id: strawberry.Private[int]
    professional_id: strawberry.Private[int | None]
    organization_id: strawberry.Private[int | None]
    breakdown: strawberry.Private[dict | None]

    @classmethod
    def from_model(cls, row: models.Match) -> Match:
        """Build over an ORM row or plain row."""
        return cls.of_row(row, id=row.id, need_id=row.need_id, professional_id=row.professional_id,
                          organization_id=row.organization_id)

    @strawberry.field(description="How the engine scored the provider when proposing it: points per criterion out "
                                  "of 100 with the reasons (empty for a manual match).")
    def score_breakdown(self) -> list[ScoreComponent]:
        return ScoreComponent.from_json(self.breakdown)

    @strawberry.field(description="Chinese display label of `providerKind`.")
    def provider_kind_label(self) -> str:
        return label(self.provider_kind)

    @strawberry.field(description="Chinese display label of `status`.")
    def status_label(self) -> str:
        return label(self.status)

    @strawberry.field(description="The need the provider is proposed for.")
    async def need(self, info: Info) -> Need:
        return Need.from_model(await info.context.loaders.by_id(models.Need).load(self.need_id))

    @strawberry.field(description="The proposed provider (the professional or the organization).",
                      graphql_type=Provider)
    @prefetchable("provider")
    def provider(self, info: Info) -> Professional | Organization:
        return prefetched(self, "provider") or load_provider(info, self)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.Match).load_many(node_keys(node_ids))
        needs = await info.context.loaders.by_id(models.Need).load_many([r.need_id for r in rows if r])
        scope = await info.context.scope()
        visible = {n.id for n in needs if n and (scope.owns(n.resident_id) or scope.staff_covers(n.community_id))}
        return [cls.from_model(r) if r and (r.need_id in visible or is_own_match(scope, r)) else None for r in rows]


def is_own_match(scope: Scope, match: Match | models.Match) -> bool:
    """The viewer is the match's provider (the professional, or an admin of the organization)."""
    viewer = scope.viewer
    if match.professional_id is not None:
        return match.professional_id == viewer.professional_id
    return viewer.role == "ORG_ADMIN" and match.organization_id == viewer.organization_id


Need.ROW_FIELDS = row_fields(
    "requested_by_staff", "category", "title", "description", "urgency", "window_start", "window_end",
    "preferred_gender", "status", "created_at", "updated_at",
    has_location=lambda row: row.latitude is not None and row.longitude is not None,
    required_certifications=lambda row: list(row.required_certifications), languages=lambda row: list(row.languages),
    skills_wanted=lambda row: list(row.skills_wanted),
)
Need.FIELD_COLUMNS = {  # the fields answered from the row alone (and the eager ids), and the columns each reads
    "id": (), "__typename": (), "resident": (), "community": (), "requestedByStaff": ("requested_by_staff",),
    "category": ("category",), "categoryLabel": ("category",), "title": ("title",), "description": ("description",),
    "urgency": ("urgency",), "urgencyLabel": ("urgency",), "windowStart": ("window_start",),
    "windowEnd": ("window_end",), "hasLocation": ("latitude", "longitude"),
    "requiredCertifications": ("required_certifications",), "languages": ("languages",),
    "preferredGender": ("preferred_gender",), "preferredGenderLabel": ("preferred_gender",),
    "skillsWanted": ("skills_wanted",), "status": ("status",), "statusLabel": ("status",),
    "createdAt": ("created_at",), "updatedAt": ("updated_at",),
}
Need.EAGER_COLUMNS = ("id", "resident_id", "community_id")
Match.ROW_FIELDS = row_fields(
    "provider_kind", "score", "status", "proposed_by", "responded_at", "created_at", "decline_reason",
    breakdown=attrgetter("score_breakdown"),
)
Match.FIELD_COLUMNS = {  # the fields answered from the row alone (and the eager ids), and the columns each reads
    "id": (), "__typename": (), "need": (), "provider": (), "providerKind": ("provider_kind",),
    "providerKindLabel": ("provider_kind",), "score": ("score",), "status": ("status",), "statusLabel": ("status",),
    "proposedBy": ("proposed_by",), "respondedAt": ("responded_at",), "createdAt": ("created_at",),
    "declineReason": ("decline_reason",), "scoreBreakdown": ("score_breakdown",),
}
Match.EAGER_COLUMNS = ("id", "need_id", "professional_id", "organization_id")


async def load_area(info: Info, area_id: int) -> Area:
    """One area through the request's loader."""
    return Area.from_model(await info.context.loaders.by_id(models.Area).load(area_id))


async def load_provider(info: Info, match: Match) -> Professional | Organization:
    """A match's provider through the request's loaders."""
    if match.professional_id is not None:
        from graphql_api.types.professional import load_professional

        return await load_professional(info, match.professional_id)
    return Organization.from_model(await info.context.loaders.by_id(models.Organization).load(match.organization_id))


async def prefetch_needs_relations(info: Info, needs: list[Need]) -> None:
    """Load the residents and communities of a page of needs together, if the query selects them."""
    loaders = info.context.loaders
    wanted = [(name, model, key, convert) for name, model, key, convert in (
        ("resident", models.Resident, "resident_id", Resident.from_model),
        ("community", models.Area, "community_id", Area.from_model),
    ) if needs and selects(info, "edges", "node", name)]
    loads = [loaders.by_ids(model, columns_for(Resident, info, "edges", "node", name) if name == "resident" else None)
             .load(tuple(getattr(n, key) for n in needs)) for name, model, key, _ in wanted]
    for (name, _, _, convert), rows in zip(wanted, await asyncio.gather(*loads), strict=True):
        for need, row in zip(needs, rows, strict=True):
            keep(need, name, convert(row))


def provider_joins(info: Info) -> tuple[Joined, ...]:
    """The providers of a page of matches, read with the page when the query selects them (one statement)."""
    if not selects(info, "edges", "node", "provider"):
        return ()
    from graphql_api.types.professional import Professional

    return (Joined("professional", models.Professional, "professional_id",
                   columns_for(Professional, info, "edges", "node", "provider")),
            Joined("organization", models.Organization, "organization_id",
                   columns_for(Organization, info, "edges", "node", "provider")))


def keep_providers(matches: list[Match], page: Page) -> None:
    """Give each match of the page its provider, read with the page (:func:`provider_joins`)."""
    if not matches or not page.joined:
        return
    from graphql_api.types.professional import Professional

    pros, orgs = page.joined["professional"], page.joined["organization"]
    for match, professional, organization in zip(matches, pros, orgs, strict=True):
        if professional is not None:
            keep(match, "provider", Professional.from_model(professional))
        elif organization is not None:
            keep(match, "provider", Organization.from_model(organization))
