"""Mutations of residents, guardianships and consent records."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.common import UserError, decode_id, provided, user_errors
from graphql_api.types.enums import AgeBand, ConsentPurpose, Gender, GuardianRelation, Mobility
from graphql_api.types.resident import ConsentRecord, Guardianship, Resident
from resolvers import authorization as authorize
from resolvers import consents, residents
from resolvers.errors import DomainError

UNSET = strawberry.UNSET


@strawberry.input(description="A new resident. Give `birthDate` or `ageBand`; a child under 14 needs a guardian.")
class ResidentCreateInput:
    name: str = strawberry.field(description="Full name (at most 50 characters); shown masked.")
    community_id: relay.GlobalID = strawberry.field(description="Community the resident lives in.")
    gender: Gender | None = strawberry.field(default=None, description="Gender, if the resident gives it.")
    birth_date: date | None = strawberry.field(default=None, description="Birth date; sets the age band.")
    age_band: AgeBand | None = strawberry.field(default=None, description="Age band, when no birth date is given.")
    household_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Existing household in the same community (not with `householdAddress`)."
    )
    household_address: str | None = strawberry.field(
        default=None, description="Address of a new household to create (building, unit, room)."
    )
    phone: str | None = strawberry.field(default=None, description="Mainland mobile number, checked.")
    id_number: str | None = strawberry.field(
        default=None, description="Resident ID number (GB 11643), checked; must agree with `birthDate`."
    )
    lives_alone: bool = strawberry.field(default=False, description="Whether the resident lives alone.")
    mobility: Mobility = strawberry.field(default=Mobility.INDEPENDENT, description="How well they move alone.")
    health_notes: str | None = strawberry.field(default=None, description="Health notes (sensitive, at most 2000).")
    languages: list[str] = strawberry.field(default_factory=list, description="Languages and dialects (at most 20).")
    interests: list[str] = strawberry.field(default_factory=list, description="Topics of interest (at most 20).")
    consents: list[ConsentPurpose] = strawberry.field(
        default_factory=list,
        description="Consents the resident (or, for a child, the guardian) gives now; "
        "health notes need HEALTH_DATA and an ID number IDENTITY (PIPL Art. 29).",
    )
    consent_policy_version: str | None = strawberry.field(
        default=None, description="Privacy-policy version the consents refer to (default the current one)."
    )
    guardian_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Adult guardian; required under 14, who then consents to CHILD_DATA."
    )
    guardian_relation: GuardianRelation | None = strawberry.field(
        default=None, description="How the guardian is related to the child (required with `guardianId`)."
    )


@strawberry.input(description="Changes to a resident; omitted fields stay as they are, null clears.")
class ResidentUpdateInput:
    name: str | None = strawberry.field(default=UNSET, description="New full name.")
    community_id: relay.GlobalID | None = strawberry.field(default=UNSET, description="New community.")
    gender: Gender | None = strawberry.field(default=UNSET, description="Gender (null clears it).")
    birth_date: date | None = strawberry.field(default=UNSET, description="Birth date; sets the age band.")
    age_band: AgeBand | None = strawberry.field(default=UNSET, description="Age band, without a birth date.")
    household_id: relay.GlobalID | None = strawberry.field(default=UNSET, description="Household here (null: none).")
    household_address: str | None = strawberry.field(default=UNSET, description="Move to a new household here.")
    phone: str | None = strawberry.field(default=UNSET, description="Mobile number (null clears it).")
    id_number: str | None = strawberry.field(default=UNSET, description="ID number (null clears it).")
    lives_alone: bool | None = strawberry.field(default=UNSET, description="Whether the resident lives alone.")
    mobility: Mobility | None = strawberry.field(default=UNSET, description="How well they move alone.")
    health_notes: str | None = strawberry.field(default=UNSET, description="Health notes (null clears them).")
    languages: list[str] | None = strawberry.field(default=UNSET, description="Languages and dialects.")
    interests: list[str] | None = strawberry.field(default=UNSET, description="Topics of interest.")
    consents: list[ConsentPurpose] | None = strawberry.field(
        default=UNSET, description="Consents given with this change (needed before storing sensitive fields)."
    )
    consent_policy_version: str | None = strawberry.field(
        default=UNSET, description="Privacy-policy version the consents refer to (default the current one)."
    )


@strawberry.input(description="A guardian to link to a child under 18.")
class GuardianshipAddInput:
    guardian_id: relay.GlobalID = strawberry.field(description="The adult guardian.")
    child_id: relay.GlobalID = strawberry.field(description="The child (under 18).")
    relation: GuardianRelation = strawberry.field(description="How the guardian is related to the child.")


@strawberry.input(description="A consent to record.")
class ConsentGrantInput:
    resident_id: relay.GlobalID = strawberry.field(description="The resident whose data the consent covers.")
    purpose: ConsentPurpose = strawberry.field(description="What the consent covers.")
    policy_version: str = strawberry.field(description="Version of the privacy policy, e.g. 2026-01.")
    guardian_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The registered guardian consenting for a child (required under 14)."
    )


@strawberry.type(description="Result of creating or updating a resident.")
class ResidentPayload:
    resident: Resident | None = strawberry.field(description="The resident (minimized view); null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems with the input; empty on success.")


@strawberry.type(description="Result of adding a guardianship.")
class GuardianshipPayload:
    guardianship: Guardianship | None = strawberry.field(description="The guardianship; null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems with the input; empty on success.")


@strawberry.type(description="Result of granting or withdrawing a consent.")
class ConsentPayload:
    consent: ConsentRecord | None = strawberry.field(description="The consent record; null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems with the input; empty on success.")


def _service_data(data: dict) -> dict:
    """Decode the global IDs of an input's fields for the service."""
    for key, type_name, field in (
        ("community_id", "Area", "communityId"),
        ("household_id", "Household", "householdId"),
        ("guardian_id", "Resident", "guardianId"),
    ):
        if key in data:
            data[key] = decode_id(data[key], type_name, field)
    return data


@strawberry.type
class ResidentMutation:
    @strawberry.mutation(description="Register a resident (with a guardian and the guardian's consent if under 14).")
    async def resident_create(
        self, info: Info, input: Annotated[ResidentCreateInput, strawberry.argument(description="The resident.")]
    ) -> ResidentPayload:
        try:
            authorize.resident_create(await info.context.scope(), decode_id(input.community_id, "Area", "communityId"))
            row = await residents.create_resident(_service_data(vars(input).copy()), await info.context.scope())
        except DomainError as error:
            return ResidentPayload(resident=None, errors=user_errors(error))
        return ResidentPayload(resident=Resident.from_model(row), errors=[])

    @strawberry.mutation(description="Change a resident's details.")
    async def resident_update(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The resident to change.")],
        input: Annotated[ResidentUpdateInput, strawberry.argument(description="The changes.")],
    ) -> ResidentPayload:
        try:
            await authorize.resident_change(await info.context.scope(), decode_id(id, "Resident", "id"))
            resident_id = decode_id(id, "Resident", "id")
            row = await residents.update_resident(
                resident_id, _service_data(provided(input)), await info.context.scope()
            )
        except DomainError as error:
            return ResidentPayload(resident=None, errors=user_errors(error))
        return ResidentPayload(resident=Resident.from_model(row), errors=[])

    @strawberry.mutation(description="Register an adult as a guardian of a child under 18.")
    async def guardianship_add(
        self, info: Info, input: Annotated[GuardianshipAddInput, strawberry.argument(description="The guardianship.")]
    ) -> GuardianshipPayload:
        try:
            await authorize.resident_change(
                await info.context.scope(), decode_id(input.child_id, "Resident", "childId")
            )
            row = await consents.add_guardianship(
                decode_id(input.guardian_id, "Resident", "guardianId"),
                decode_id(input.child_id, "Resident", "childId"),
                input.relation,
            )
        except DomainError as error:
            return GuardianshipPayload(guardianship=None, errors=user_errors(error))
        return GuardianshipPayload(guardianship=Guardianship.from_model(row), errors=[])

    @strawberry.mutation(description="Record a consent; a guardian consents for a child under 14.")
    async def consent_grant(
        self, info: Info, input: Annotated[ConsentGrantInput, strawberry.argument(description="The consent.")]
    ) -> ConsentPayload:
        try:
            await authorize.consent_change(
                await info.context.scope(), resident_id=decode_id(input.resident_id, "Resident", "residentId")
            )
            row = await consents.grant_consent(
                decode_id(input.resident_id, "Resident", "residentId"),
                input.purpose,
                input.policy_version,
                decode_id(input.guardian_id, "Resident", "guardianId"),
            )
        except DomainError as error:
            return ConsentPayload(consent=None, errors=user_errors(error))
        return ConsentPayload(consent=ConsentRecord.from_model(row), errors=[])

    @strawberry.mutation(description="Withdraw a consent; the record stays, marked as withdrawn.")
    async def consent_withdraw(
        self, info: Info, id: Annotated[relay.GlobalID, strawberry.argument(description="The consent record.")]
    ) -> ConsentPayload:
        try:
            await authorize.consent_change(await info.context.scope(), consent_id=decode_id(id, "ConsentRecord", "id"))
            row = await consents.withdraw_consent(decode_id(id, "ConsentRecord", "id"))
        except DomainError as error:
            return ConsentPayload(consent=None, errors=user_errors(error))
        return ConsentPayload(consent=ConsentRecord.from_model(row), errors=[])
