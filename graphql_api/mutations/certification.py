"""Mutations of certifications and memberships of professionals."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.common import UserError, decode_id, user_errors
from graphql_api.types.enums import CertificationKind, MembershipRole
from graphql_api.types.professional import Certification, Membership
from resolvers import authorization as authorize
from resolvers import certifications, memberships
from resolvers.errors import DomainError


@strawberry.input(description="A certificate to record; it counts once a staff member verifies it.")
class CertificationAddInput:
    professional_id: relay.GlobalID = strawberry.field(description="The holder.")
    kind: CertificationKind = strawberry.field(description="Kind of certificate.")
    number: str = strawberry.field(description="Certificate number; unique per kind.")
    issued_on: date | None = strawberry.field(default=None, description="Date of issue (not in the future).")
    expires_on: date | None = strawberry.field(
        default=None, description="Last day of validity (not before `issuedOn`, not already past)."
    )


@strawberry.type(description="Result of recording or verifying a certificate.")
class CertificationPayload:
    certification: Certification | None = strawberry.field(description="The certificate; null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems with the input; empty on success.")


@strawberry.input(description="A professional joining an organization.")
class MembershipAddInput:
    professional_id: relay.GlobalID = strawberry.field(description="The professional.")
    organization_id: relay.GlobalID = strawberry.field(description="The organization.")
    role: MembershipRole = strawberry.field(default=MembershipRole.MEMBER, description="Role in it.")
    joined_on: date | None = strawberry.field(default=None, description="When they joined, if known.")


@strawberry.type(description="Result of adding or removing a membership.")
class MembershipPayload:
    membership: Membership | None = strawberry.field(
        description="The membership (as it was, after a removal); null on errors."
    )
    errors: list[UserError] = strawberry.field(description="Problems with the input; empty on success.")


@strawberry.type
class CertificationMutation:
    @strawberry.mutation(description="Record a professional's certificate (unverified until checked).")
    async def certification_add(
        self, info: Info, input: Annotated[CertificationAddInput, strawberry.argument(description="The certificate.")]
    ) -> CertificationPayload:
        try:
            authorize.professional_change(
                await info.context.scope(), decode_id(input.professional_id, "Professional", "professionalId")
            )
            professional_id = decode_id(input.professional_id, "Professional", "professionalId")
            row = await certifications.add_certification(professional_id, vars(input))
        except DomainError as error:
            return CertificationPayload(certification=None, errors=user_errors(error))
        return CertificationPayload(certification=Certification.from_model(row), errors=[])

    @strawberry.mutation(description="Mark a certificate as checked against the original.")
    async def certification_verify(
        self,
        info: Info,
        certification_id: Annotated[relay.GlobalID, strawberry.argument(description="The certificate.")],
        verified_by: Annotated[str, strawberry.argument(description="Name of the staff member who checked it.")],
    ) -> CertificationPayload:
        try:
            authorize.staff(await info.context.scope())
            key = decode_id(certification_id, "Certification", "certificationId")
            row = await certifications.verify_certification(key, verified_by)
        except DomainError as error:
            return CertificationPayload(certification=None, errors=user_errors(error))
        return CertificationPayload(certification=Certification.from_model(row), errors=[])

    @strawberry.mutation(description="Make a professional a member of an organization.")
    async def membership_add(
        self, info: Info, input: Annotated[MembershipAddInput, strawberry.argument(description="The membership.")]
    ) -> MembershipPayload:
        try:
            await authorize.membership_change(
                await info.context.scope(),
                organization_id=decode_id(input.organization_id, "Organization", "organizationId"),
            )
            row = await memberships.add_membership(
                decode_id(input.professional_id, "Professional", "professionalId"),
                decode_id(input.organization_id, "Organization", "organizationId"),
                input.role,
                input.joined_on,
            )
        except DomainError as error:
            return MembershipPayload(membership=None, errors=user_errors(error))
        return MembershipPayload(membership=Membership.from_model(row), errors=[])

    @strawberry.mutation(description="End a professional's membership of an organization.")
    async def membership_remove(
        self, info: Info, membership_id: Annotated[relay.GlobalID, strawberry.argument(description="The membership.")]
    ) -> MembershipPayload:
        try:
            await authorize.membership_change(
                await info.context.scope(), membership_id=decode_id(membership_id, "Membership", "membershipId")
            )
            row = await memberships.remove_membership(decode_id(membership_id, "Membership", "membershipId"))
        except DomainError as error:
            return MembershipPayload(membership=None, errors=user_errors(error))
        return MembershipPayload(membership=Membership.from_model(row), errors=[])
