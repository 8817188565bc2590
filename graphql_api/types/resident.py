"""GraphQL types of residents, guardianships and consent records: a minimized, masked view.

Only derived or masked values leave this module: the masked name and phone, whether an ID number is
on file, the age band. Birth date, address, ID number and health notes are never exposed here
(GB/T 35273 7.2: mask on the server); a later, permission-checked view may unmask them per viewer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

import models
from graphql_api.context import Info
from graphql_api.types.area import Area
from graphql_api.types.common import After, Before, Connection, First, Last, node_keys, page_args
from graphql_api.types.enums import AccessPurpose, AgeBand, ConsentPurpose, Gender, GuardianRelation, Mobility
from graphql_api.types.row_backed import RowBacked, row_fields
from models.enums import label
from resolvers.identifiers import mask_name, mask_phone
from resolvers.personal_data import PersonalView, personal_views
from resolvers.scope import Scope

if TYPE_CHECKING:
    from graphql_api.types.need import Need

LAZY_NEED = strawberry.lazy("graphql_api.types.need")


@strawberry.type(description="A resident, minimized: masked name and phone, an age band instead of a birth "
                             "date; no address, ID number or health notes.")
class Resident(relay.Node, RowBacked):
    id: relay.NodeID[int]
    display_name: str = strawberry.field(description="Name with all but the surname masked, e.g. 王**.")
    gender: Gender | None = strawberry.field(description="Gender, if given.")
    age_band: AgeBand = strawberry.field(description="Age band (the birth date itself is not shown).")
    lives_alone: bool = strawberry.field(description="Whether the resident lives alone (独居).")
    mobility: Mobility = strawberry.field(description="How well the resident moves on their own.")
    phone_masked: str | None = strawberry.field(description="Mobile number with the middle masked, "
                                                            "e.g. 138****5678; null if none.")
    has_id_number: bool = strawberry.field(description="Whether an ID number is on file (never the number).")
    languages: list[str] = strawberry.field(description="Languages and dialects spoken.")
    interests: list[str] = strawberry.field(description="Care categories or topics of interest.")
    created_at: datetime = strawberry.field(description="When the resident was registered.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    community_id: strawberry.Private[int]
    household_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, row: models.Resident) -> Resident:
        """The minimized view over an ORM row or plain row (only masked or derived values are read from it)."""
        return cls.of_row(row, id=row.id, community_id=row.community_id, household_id=row.household_id)

    @strawberry.field(description="Chinese display label of `gender`.")
    def gender_label(self) -> str | None:
        return label(self.gender) if self.gender else None

    @strawberry.field(description="Chinese display label of `ageBand`.")
    def age_band_label(self) -> str:
        return label(self.age_band)

    @strawberry.field(description="Chinese display label of `mobility`.")
    def mobility_label(self) -> str:
        return label(self.mobility)

    @strawberry.field(description="Community the resident lives in.")
    async def community(self, info: Info) -> Area:
        return Area.from_model(await info.context.loaders.by_id(models.Area).load(self.community_id))

    @strawberry.field(description="The resident's household (its address is not shown), if registered.")
    async def household(self, info: Info) -> Household | None:
        if self.household_id is None:
            return None
        row = await info.context.loaders.by_id(models.Household).load(self.household_id)
        return Household.from_model(row) if row else None

    @strawberry.field(description="Needs raised by or for this resident, newest first.")
    async def needs(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Annotated[Need, LAZY_NEED]]:
        from graphql_api.types.need import Need

        await require_manages(info, self)
        page = await info.context.loaders.page("resident.needs", page_args(first, after, last, before)).load(self.id)
        return Connection.from_page(page, Need.from_model)

    @strawberry.field(description="This resident's guardians (for a minor).")
    async def guardians(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Guardianship]:
        await require_manages(info, self)
        args = page_args(first, after, last, before)
        page = await info.context.loaders.page("resident.guardians", args).load(self.id)
        return Connection.from_page(page, Guardianship.from_model)

    @strawberry.field(description="Children this resident is a guardian of.")
    async def wards(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Guardianship]:
        await require_manages(info, self)
        page = await info.context.loaders.page("resident.wards", page_args(first, after, last, before)).load(self.id)
        return Connection.from_page(page, Guardianship.from_model)

    @strawberry.field(description="Consent records of this resident, most recently granted first.")
    async def consents(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[ConsentRecord]:
        await require_manages(info, self)
        args = page_args(first, after, last, before)
        page = await info.context.loaders.page("resident.consents", args).load(self.id)
        return Connection.from_page(page, ConsentRecord.from_model)

    @strawberry.field(description="Personal fields (phone, address, ID number, birth date, health notes): "
                                  "masked unless the caller may see them; every unmasked read is audited.")
    async def personal(
        self, info: Info,
        purpose: Annotated[AccessPurpose | None, strawberry.argument(
            description="Why centre staff open the record (required for staff to see it unmasked).")] = None,
    ) -> PersonalData:
        scope = await info.context.scope()
        info.context.require(scope.sees_resident(self))
        key = purpose.value if purpose else "-"
        view = await info.context.loaders.batch(f"personal:{key}", _personal_loader(info, purpose)).load(self.id)
        return PersonalData.from_view(view)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.Resident).load_many(node_keys(node_ids))
        scope = await info.context.scope()
        return [cls.from_model(r) if r and scope.sees_resident(r) else None for r in rows]


async def require_manages(info: Info, resident: Resident | models.Resident) -> None:
    """FORBIDDEN unless the viewer is the resident, their household or guardian, or staff serving them."""
    scope = await info.context.scope()
    info.context.require(scope.manages_resident(resident), "Only the resident, their guardian or centre staff "
                                                           "serving their community may see this.")


def _personal_loader(info: Info, purpose: AccessPurpose | None):
    async def load(ids: list[int]) -> list[PersonalView]:
        rows = await info.context.loaders.by_id(models.Resident).load_many(ids)
        return await personal_views(await info.context.scope(), list(rows), purpose)

    return load


@strawberry.type(description="A resident's personal fields as the caller may see them: in full only for the "
                             "person, their guardian, staff with a stated purpose (children: with consent and "
                             "approval) or a provider during an accepted service; masked otherwise.")
class PersonalData:
    phone: str | None = strawberry.field(description="Mobile number (masked 138****5678 unless shown in full).")
    address: str | None = strawberry.field(description="Household address (masked unless shown in full).")
    id_number: str | None = strawberry.field(description="ID number (masked to first 6 and last 4 characters).")
    birth_date: str | None = strawberry.field(description="Birth date, YYYY-MM-DD (masked to the year).")
    health_notes: str | None = strawberry.field(description="Health notes (null unless shown in full).")
    unmasked_fields: list[str] = strawberry.field(description="Which fields are shown in full (snake_case).")
    basis: str = strawberry.field(description="Why they are shown: SELF, GUARDIAN, STAFF:<purpose>, "
                                              "SERVICE_WINDOW, or MASKED.")

    @classmethod
    def from_view(cls, view: PersonalView) -> PersonalData:
        """Build from the service's view."""
        return cls(phone=view.phone, address=view.address, id_number=view.id_number, birth_date=view.birth_date,
                   health_notes=view.health_notes, unmasked_fields=list(view.unmasked), basis=view.basis)


async def load_resident(info: Info, resident_id: int) -> Resident:
    """The minimized view of one resident, through the request's loader."""
    return Resident.from_model(await info.context.loaders.by_id(models.Resident).load(resident_id))


@strawberry.type(description="A guardian's link to a child under 18 (监护关系).")
class Guardianship(relay.Node):
    id: relay.NodeID[int]
    relation: GuardianRelation = strawberry.field(description="How the guardian is related to the child.")
    created_at: datetime = strawberry.field(description="When the link was registered.")
    guardian_id: strawberry.Private[int]
    child_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: models.Guardianship) -> Guardianship:
        """Build from an ORM row."""
        return cls(id=row.id, relation=row.relation, created_at=row.created_at,
                   guardian_id=row.guardian_id, child_id=row.child_id)

    @strawberry.field(description="Chinese display label of `relation`.")
    def relation_label(self) -> str:
        return label(self.relation)

    @strawberry.field(description="The guardian.")
    async def guardian(self, info: Info) -> Resident:
        return await load_resident(info, self.guardian_id)

    @strawberry.field(description="The child.")
    async def child(self, info: Info) -> Resident:
        return await load_resident(info, self.child_id)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.Guardianship).load_many(node_keys(node_ids))
        children = await info.context.loaders.by_id(models.Resident).load_many([r.child_id for r in rows if r])
        managed = {c.id for c in children if c and (await info.context.scope()).manages_resident(c)}
        return [cls.from_model(r) if r and r.child_id in managed else None for r in rows]


@strawberry.type(description="Consent to one purpose under one policy version (PIPL Art. 14, 29, 31).")
class ConsentRecord(relay.Node):
    id: relay.NodeID[int]
    purpose: ConsentPurpose = strawberry.field(description="What the consent covers.")
    policy_version: str = strawberry.field(description="Version of the privacy policy consented to.")
    granted_at: datetime = strawberry.field(description="When consent was given.")
    withdrawn_at: datetime | None = strawberry.field(description="When consent was withdrawn; null if not.")
    granted_by_guardian: bool = strawberry.field(description="Whether a guardian consented for the resident.")
    resident_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: models.ConsentRecord) -> ConsentRecord:
        """Build from an ORM row."""
        return cls(
            id=row.id, purpose=row.purpose, policy_version=row.policy_version, granted_at=row.granted_at,
            withdrawn_at=row.withdrawn_at, granted_by_guardian=row.granted_by_id is not None,
            resident_id=row.resident_id,
        )

    @strawberry.field(description="Chinese display label of `purpose`.")
    def purpose_label(self) -> str:
        return label(self.purpose)

    @strawberry.field(description="Whether the consent is in force (not withdrawn).")
    def active(self) -> bool:
        return self.withdrawn_at is None

    @strawberry.field(description="The resident whose data the consent covers.")
    async def resident(self, info: Info) -> Resident:
        return await load_resident(info, self.resident_id)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.ConsentRecord).load_many(node_keys(node_ids))
        people = await info.context.loaders.by_id(models.Resident).load_many([r.resident_id for r in rows if r])
        managed = {p.id for p in people if p and (await info.context.scope()).manages_resident(p)}
        return [cls.from_model(r) if r and r.resident_id in managed else None for r in rows]


@strawberry.type(description="A household (户) in a community; its address is personal and not shown.")
class Household(relay.Node):
    id: relay.NodeID[int]
    created_at: datetime = strawberry.field(description="When the household was registered.")
    community_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: models.Household) -> Household:
        """Build from an ORM row (without the address)."""
        return cls(id=row.id, created_at=row.created_at, community_id=row.community_id)

    @strawberry.field(description="Community the household is in.")
    async def community(self, info: Info) -> Area:
        return Area.from_model(await info.context.loaders.by_id(models.Area).load(self.community_id))

    @strawberry.field(description="Residents of the household (minimized view), by registration order.")
    async def members(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Resident]:
        info.context.require(household_visible(await info.context.scope(), self))
        args = page_args(first, after, last, before)
        page = await info.context.loaders.page("household.members", args).load(self.id)
        return Connection.from_page(page, Resident.from_model)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.Household).load_many(node_keys(node_ids))
        scope = await info.context.scope()
        return [cls.from_model(r) if r and household_visible(scope, r) else None for r in rows]


def household_visible(scope: Scope, household: Household | models.Household) -> bool:
    """The household's own members and staff serving its community."""
    return scope.household_id == household.id or scope.staff_covers(household.community_id)


Resident.ROW_FIELDS = row_fields(
    "gender", "age_band", "lives_alone", "mobility", "created_at", "updated_at",
    display_name=lambda row: mask_name(row.name), phone_masked=lambda row: mask_phone(row.phone),
    has_id_number=lambda row: bool(row.id_number), languages=lambda row: list(row.languages),
    interests=lambda row: list(row.interests),
)
Resident.FIELD_COLUMNS = {  # the fields answered from the row alone, and the columns each reads
    "id": (), "__typename": (), "displayName": ("name",), "gender": ("gender",), "genderLabel": ("gender",),
    "ageBand": ("age_band",), "ageBandLabel": ("age_band",), "livesAlone": ("lives_alone",),
    "mobility": ("mobility",), "mobilityLabel": ("mobility",), "phoneMasked": ("phone",),
    "hasIdNumber": ("id_number",), "languages": ("languages",), "interests": ("interests",),
    "createdAt": ("created_at",), "updatedAt": ("updated_at",),
}
Resident.EAGER_COLUMNS = ("id", "community_id", "household_id")
