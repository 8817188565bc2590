"""Memberships of professionals in organizations: add, remove, and replace a professional's set."""

from __future__ import annotations

from datetime import date

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import Membership, Organization, Professional
from models.enums import MembershipRole
from resolvers.errors import Checker, DomainError, ErrorCode


async def add_membership(
    professional_id: int, organization_id: int, role: MembershipRole = MembershipRole.MEMBER,
    joined_on: date | None = None,
) -> Membership:
    """Make a professional a member of an organization (once)."""
    checker = Checker()
    if not await Professional.filter(id=professional_id).exists():
        checker.add(ErrorCode.NOT_FOUND, "No professional with this ID.", "professionalId")
    if not await Organization.filter(id=organization_id).exists():
        checker.add(ErrorCode.NOT_FOUND, "No organization with this ID.", "organizationId")
    checker.check()
    if await Membership.filter(professional_id=professional_id, organization_id=organization_id).exists():
        raise DomainError(ErrorCode.DUPLICATE, "The professional is already a member.", "organizationId")
    try:
        async with in_transaction():
            return await Membership.create(
                professional_id=professional_id, organization_id=organization_id, role=role, joined_on=joined_on
            )
    except IntegrityError:
        raise DomainError(ErrorCode.DUPLICATE, "The professional is already a member.", "organizationId") from None


async def remove_membership(membership_id: int) -> Membership:
    """Delete a membership; returns the deleted row (its id and links stay readable)."""
    membership = await Membership.get_or_none(id=membership_id)
    if membership is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No membership with this ID.", "membershipId")
    async with in_transaction():
        await Membership.filter(id=membership_id).delete()
    return membership


async def sync_memberships(professional_id: int, organization_ids: list[int]) -> None:
    """Make the professional a member of exactly these organizations (call inside a transaction).

    Existing memberships that stay keep their role and date; new ones start as plain members.
    """
    await Membership.filter(professional_id=professional_id).exclude(organization_id__in=organization_ids).delete()
    existing = set(
        await Membership.filter(professional_id=professional_id).values_list("organization_id", flat=True)
    )
    new = [Membership(professional_id=professional_id, organization_id=oid)
           for oid in organization_ids if oid not in existing]
    if new:
        await Membership.bulk_create(new)
