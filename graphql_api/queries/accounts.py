"""Root queries of identity: the caller's own account, the account list and an organization's API keys."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

import models
from graphql_api.context import Info
from graphql_api.types.account import Account, ApiKey
from graphql_api.types.common import After, Before, Connection, First, Last, decode_id, page_args
from graphql_api.types.enums import AccountRole, AccountStatus
from resolvers.accounts import AccountFilter as Criteria
from resolvers.accounts import list_accounts
from resolvers.api_keys import list_api_keys


@strawberry.input(description="Filters of the account list; all optional and combined with AND.")
class AccountFilter:
    role: AccountRole | None = strawberry.field(default=None, description="Only this role.")
    status: AccountStatus | None = strawberry.field(default=None, description="Only this status.")
    search: str | None = strawberry.field(default=None, description="Text in the display name or user name.")

    def to_criteria(self) -> Criteria:
        """The service-layer filter."""
        return Criteria(role=self.role, status=self.status, search=self.search)


@strawberry.type
class AccountQuery:
    @strawberry.field(description="The signed-in caller's own account; null for anonymous callers and API keys.")
    async def me(self, info: Info) -> Account | None:
        account_id = info.context.viewer.account_id
        if account_id is None:
            return None
        row = await info.context.loaders.by_id(models.Account).load(account_id)
        return Account.from_model(row) if row else None

    @strawberry.field(description="Every account, by creation order (centre admin only).")
    async def accounts(
        self,
        info: Info,
        filter: Annotated[AccountFilter | None, strawberry.argument(description="Filters.")] = None,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[Account]:
        criteria = filter.to_criteria() if filter else Criteria()
        page = await list_accounts(info.context.viewer, criteria, page_args(first, after, last, before))
        return Connection.from_page(page, Account.from_model)

    @strawberry.field(description="An organization's API keys, newest first (centre admin or its admin).")
    async def api_keys(
        self,
        info: Info,
        organization_id: Annotated[relay.GlobalID, strawberry.argument(description="The organization.")],
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[ApiKey]:
        organization = decode_id(organization_id, "Organization", "organizationId")
        page = await list_api_keys(info.context.viewer, organization, page_args(first, after, last, before))
        return Connection.from_page(page, ApiKey.from_model)
