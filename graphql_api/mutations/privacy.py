"""Mutations of residents' data rights and of approvals to see children's data."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.common import UserError, decode_id, user_errors
from graphql_api.types.privacy import ChildDataApproval
from graphql_api.types.resident import Resident
from resolvers import privacy
from resolvers.errors import DomainError


@strawberry.type(description="Result of erasing a resident's personal data.")
class ResidentErasePayload:
    resident: Resident | None = strawberry.field(description="The anonymized record; null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems; empty on success.")


@strawberry.input(description="An approval for a staff account to see a child's personal data.")
class ChildDataApprovalInput:
    staff_account_id: relay.GlobalID = strawberry.field(description="The staff account.")
    child_id: relay.GlobalID = strawberry.field(description="The child (a resident under 14).")
    purpose: str = strawberry.field(description="Why access is needed (at most 200 characters).")
    days: int = strawberry.field(default=7, description="How long the approval lasts, 1 to 30 days.")


@strawberry.type(description="Result of granting or revoking an approval.")
class ChildDataApprovalPayload:
    approval: ChildDataApproval | None = strawberry.field(description="The approval; null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems; empty on success.")


@strawberry.type
class PrivacyMutation:
    @strawberry.mutation(
        description="Erase a resident's personal data and sign-in accounts (PIPL Art. 47); "
        "anonymous service history stays. By the person, their guardian or a centre admin."
    )
    async def resident_erase(
        self, info: Info, id: Annotated[relay.GlobalID, strawberry.argument(description="The resident.")]
    ) -> ResidentErasePayload:
        try:
            row = await privacy.erase_resident(await info.context.scope(), decode_id(id, "Resident", "id"))
        except DomainError as error:
            return ResidentErasePayload(resident=None, errors=user_errors(error))
        return ResidentErasePayload(resident=Resident.from_model(row), errors=[])

    @strawberry.mutation(description="Let a staff account see one child's personal data for a while (centre admin).")
    async def child_data_approval_grant(
        self, info: Info, input: Annotated[ChildDataApprovalInput, strawberry.argument(description="The approval.")]
    ) -> ChildDataApprovalPayload:
        try:
            row = await privacy.approve_child_access(
                await info.context.scope(),
                decode_id(input.staff_account_id, "Account", "staffAccountId"),
                decode_id(input.child_id, "Resident", "childId"),
                input.purpose,
                input.days,
            )
        except DomainError as error:
            return ChildDataApprovalPayload(approval=None, errors=user_errors(error))
        return ChildDataApprovalPayload(approval=ChildDataApproval.from_model(row), errors=[])

    @strawberry.mutation(description="End an approval to see a child's data before it expires (centre admin).")
    async def child_data_approval_revoke(
        self, info: Info, id: Annotated[relay.GlobalID, strawberry.argument(description="The approval.")]
    ) -> ChildDataApprovalPayload:
        try:
            row = await privacy.revoke_child_access(
                await info.context.scope(), decode_id(id, "ChildDataApproval", "id")
            )
        except DomainError as error:
            return ChildDataApprovalPayload(approval=None, errors=user_errors(error))
        return ChildDataApprovalPayload(approval=ChildDataApproval.from_model(row), errors=[])
