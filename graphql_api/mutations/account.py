"""Mutations of accounts (centre admin) and partner API keys (centre admin or the organization's admin)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.account import Account, ApiKey
from graphql_api.types.common import UserError, decode_id, provided, user_errors
from graphql_api.types.enums import AccountRole, ApiKeyScope
from resolvers import accounts as service
from resolvers import api_keys
from resolvers.errors import DomainError

UNSET = strawberry.UNSET


@strawberry.input(description="A new console account: centre staff, an organization admin or a centre admin.")
class AccountCreateInput:
    role: AccountRole = strawberry.field(description="STAFF, ORG_ADMIN or CENTRE_ADMIN.")
    username: str = strawberry.field(description="Sign-in name: 3-50 of a-z, 0-9, '_', '.', '-'.")
    password: str = strawberry.field(description="Initial password, at least 12 characters.")
    display_name: str = strawberry.field(description="Name shown in the console.")
    area_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="Communities a STAFF account serves (required for STAFF, else empty)."
    )
    organization_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Organization an ORG_ADMIN manages (required for ORG_ADMIN)."
    )
    phone: str | None = strawberry.field(default=None, description="Work mobile number, checked.")


@strawberry.input(description="Changes to an account; omitted fields stay as they are.")
class AccountUpdateInput:
    role: AccountRole | None = strawberry.field(default=UNSET, description="New role.")
    area_ids: list[relay.GlobalID] | None = strawberry.field(default=UNSET, description="New area scope (STAFF).")
    organization_id: relay.GlobalID | None = strawberry.field(
        default=UNSET, description="New organization (ORG_ADMIN)."
    )
    display_name: str | None = strawberry.field(default=UNSET, description="New display name.")
    password: str | None = strawberry.field(
        default=UNSET, description="New password (at least 12 characters); ends every session of the account."
    )


@strawberry.input(description="A new API key for a partner organization's server.")
class ApiKeyCreateInput:
    organization_id: relay.GlobalID = strawberry.field(description="The organization the key acts for.")
    name: str = strawberry.field(description="What the key is for (at most 80 characters).")
    scopes: list[ApiKeyScope] = strawberry.field(description="What the key may do (at least one).")
    expires_at: datetime | None = strawberry.field(default=None, description="When the key stops working.")


@strawberry.type(description="Result of creating or changing an account.")
class AccountPayload:
    account: Account | None = strawberry.field(description="The account; null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems with the input; empty on success.")


@strawberry.type(description="Result of creating an API key: the key is shown here once and never again.")
class ApiKeyCreatePayload:
    api_key: ApiKey | None = strawberry.field(description="The key's record; null on errors.")
    key: str | None = strawberry.field(description="The key itself, for `X-Api-Key`; store it now.")
    errors: list[UserError] = strawberry.field(description="Problems with the input; empty on success.")


@strawberry.type(description="Result of revoking an API key.")
class ApiKeyPayload:
    api_key: ApiKey | None = strawberry.field(description="The key's record; null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems; empty on success.")


def _service_data(data: dict) -> dict:
    """Decode the global IDs of an account input for the service."""
    if data.get("area_ids") is not None:
        data["area_ids"] = [decode_id(i, "Area", "areaIds") for i in data["area_ids"]]
    if "organization_id" in data:
        data["organization_id"] = decode_id(data["organization_id"], "Organization", "organizationId")
    return data


AccountId = Annotated[relay.GlobalID, strawberry.argument(description="The account.")]


@strawberry.type
class AccountMutation:
    @strawberry.mutation(description="Create a console account (centre admin only).")
    async def account_create(
        self, info: Info, input: Annotated[AccountCreateInput, strawberry.argument(description="The account.")]
    ) -> AccountPayload:
        try:
            row = await service.create_account(info.context.viewer, _service_data(vars(input).copy()))
        except DomainError as error:
            return AccountPayload(account=None, errors=user_errors(error))
        return AccountPayload(account=Account.from_model(row), errors=[])

    @strawberry.mutation(description="Change an account's role, scope, name or password (centre admin only).")
    async def account_update(
        self, info: Info, id: AccountId,
        input: Annotated[AccountUpdateInput, strawberry.argument(description="The changes.")],
    ) -> AccountPayload:
        try:
            account_id = decode_id(id, "Account", "id")
            row = await service.update_account(info.context.viewer, account_id, _service_data(provided(input)))
        except DomainError as error:
            return AccountPayload(account=None, errors=user_errors(error))
        return AccountPayload(account=Account.from_model(row), errors=[])

    @strawberry.mutation(description="Ban an account: every token it holds stops working at once (centre admin).")
    async def account_ban(self, info: Info, id: AccountId) -> AccountPayload:
        return await _set_banned(info, id, banned=True)

    @strawberry.mutation(description="Lift a ban; the account signs in again to get tokens (centre admin).")
    async def account_unban(self, info: Info, id: AccountId) -> AccountPayload:
        return await _set_banned(info, id, banned=False)

    @strawberry.mutation(description="Create an API key for a partner organization (centre admin or the "
                                     "organization's admin). The key is returned once.")
    async def api_key_create(
        self, info: Info, input: Annotated[ApiKeyCreateInput, strawberry.argument(description="The key.")]
    ) -> ApiKeyCreatePayload:
        try:
            organization_id = decode_id(input.organization_id, "Organization", "organizationId")
            created = await api_keys.create_api_key(
                info.context.viewer, organization_id, input.name, [s.value for s in input.scopes], input.expires_at
            )
        except DomainError as error:
            return ApiKeyCreatePayload(api_key=None, key=None, errors=user_errors(error))
        return ApiKeyCreatePayload(api_key=ApiKey.from_model(created.row), key=created.key, errors=[])

    @strawberry.mutation(description="Revoke an API key at once (centre admin or the organization's admin).")
    async def api_key_revoke(
        self, info: Info, id: Annotated[relay.GlobalID, strawberry.argument(description="The API key.")]
    ) -> ApiKeyPayload:
        try:
            row = await api_keys.revoke_api_key(info.context.viewer, decode_id(id, "ApiKey", "id"))
        except DomainError as error:
            return ApiKeyPayload(api_key=None, errors=user_errors(error))
        return ApiKeyPayload(api_key=ApiKey.from_model(row), errors=[])


async def _set_banned(info: Info, id: relay.GlobalID, banned: bool) -> AccountPayload:
    try:
        row = await service.set_account_banned(info.context.viewer, decode_id(id, "Account", "id"), banned)
    except DomainError as error:
        return AccountPayload(account=None, errors=user_errors(error))
    return AccountPayload(account=Account.from_model(row), errors=[])
