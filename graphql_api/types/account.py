"""GraphQL types of identity: accounts, sign-in tokens and partner API keys.

No secret ever appears here: not a password hash, a refresh-token digest, an API key digest, WeChat's
``session_key`` or the AppSecret. A token pair and a new API key's plaintext are returned once, by the
mutation that creates them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

import models
from graphql_api.context import Info
from graphql_api.types.common import node_keys
from graphql_api.types.enums import AccountRole, AccountStatus, ApiKeyScope
from graphql_api.types.organization import Organization
from models.enums import label
from resolvers.accounts import needs_phone_binding, visible_account
from resolvers.api_keys import visible_api_key
from resolvers.identifiers import mask_phone
from resolvers.tokens import TokenPair


def _gid(type_name: str, pk: int | None) -> relay.GlobalID | None:
    return relay.GlobalID(type_name, str(pk)) if pk is not None else None


@strawberry.type(description="Someone who signs in: a resident or professional through WeChat, or a person of "
                             "the community centre console. Visible to its owner and to centre admins.")
class Account(relay.Node):
    id: relay.NodeID[int]
    role: AccountRole = strawberry.field(description="What the account may do.")
    status: AccountStatus = strawberry.field(description="Whether the account may sign in.")
    display_name: str = strawberry.field(description="Name shown in the console and the mini-program.")
    username: str | None = strawberry.field(description="Console sign-in name; null for WeChat accounts.")
    phone_masked: str | None = strawberry.field(description="Bound phone number, masked (138****5678).")
    needs_phone_binding: bool = strawberry.field(
        description="True for a WeChat account that has not bound a phone number yet (call `wechatPhoneBind`)."
    )
    resident_id: relay.GlobalID | None = strawberry.field(description="The resident this account is, if linked.")
    professional_id: relay.GlobalID | None = strawberry.field(
        description="The professional this account is, if linked."
    )
    organization_id: relay.GlobalID | None = strawberry.field(
        description="The organization an ORG_ADMIN manages."
    )
    area_ids: list[relay.GlobalID] = strawberry.field(
        description="Communities a STAFF account serves; empty for every other role (a centre admin sees all)."
    )
    last_login_at: datetime | None = strawberry.field(description="Last sign-in.")
    created_at: datetime = strawberry.field(description="When the account was created.")

    @classmethod
    def from_model(cls, row: models.Account) -> Account:
        """Build from an ORM row."""
        return cls(
            id=row.id, role=row.role, status=row.status, display_name=row.display_name, username=row.username,
            phone_masked=mask_phone(row.phone), needs_phone_binding=needs_phone_binding(row),
            resident_id=_gid("Resident", row.resident_id), professional_id=_gid("Professional", row.professional_id),
            organization_id=_gid("Organization", row.organization_id),
            area_ids=[relay.GlobalID("Area", str(i)) for i in row.area_ids or []],
            last_login_at=row.last_login_at, created_at=row.created_at,
        )

    @strawberry.field(description="Chinese display label of `role`.")
    def role_label(self) -> str:
        return label(self.role)

    @strawberry.field(description="Chinese display label of `status`.")
    def status_label(self) -> str:
        return label(self.status)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.Account).load_many(node_keys(node_ids))
        visible = [visible_account(info.context.viewer, r) for r in rows]
        return [cls.from_model(r) if r else None for r in visible]


@strawberry.type(description="A partner organization's API key; the key itself is shown only once, on creation. "
                             "Visible to centre admins and the organization's admin.")
class ApiKey(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="What the key is for, e.g. the partner's system.")
    prefix: str = strawberry.field(description="First 8 characters of the key, to tell keys apart.")
    scopes: list[ApiKeyScope] = strawberry.field(description="What the key may do.")
    created_at: datetime = strawberry.field(description="When the key was created.")
    last_used_at: datetime | None = strawberry.field(description="Last use, to the minute.")
    expires_at: datetime | None = strawberry.field(description="When the key stops working; null: never.")
    revoked_at: datetime | None = strawberry.field(description="When the key was revoked; null: not revoked.")
    organization_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: models.ApiKey) -> ApiKey:
        """Build from an ORM row."""
        return cls(
            id=row.id, name=row.name, prefix=row.prefix, scopes=[ApiKeyScope(s) for s in row.scopes or []],
            created_at=row.created_at, last_used_at=row.last_used_at, expires_at=row.expires_at,
            revoked_at=row.revoked_at, organization_id=row.organization_id,
        )

    @strawberry.field(description="True while the key is neither revoked nor expired.")
    def active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > datetime.now(self.expires_at.tzinfo)

    @strawberry.field(description="The organization the key belongs to.")
    async def organization(self, info: Info) -> Organization:
        return Organization.from_model(await info.context.loaders.by_id(models.Organization).load(self.organization_id))

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.ApiKey).load_many(node_keys(node_ids))
        visible = [visible_api_key(info.context.viewer, r) for r in rows]
        return [cls.from_model(r) if r else None for r in visible]


@strawberry.type(description="Tokens of a sign-in. Send `Authorization: Bearer <accessToken>`; before it expires "
                             "(15 minutes) call `tokenRefresh` with the refresh token, which works once.")
class AuthTokens:
    access_token: str = strawberry.field(description="Signed access token (JWT) for the Authorization header.")
    access_token_expires_at: datetime = strawberry.field(description="When the access token expires.")
    refresh_token: str = strawberry.field(description="Opaque refresh token (30 days, single use); keep it safe.")
    refresh_token_expires_at: datetime = strawberry.field(description="When the refresh token expires.")
    token_type: str = strawberry.field(description="Always `Bearer`.")

    @classmethod
    def of(cls, pair: TokenPair) -> AuthTokens:
        """Wrap the service's token pair."""
        return cls(
            access_token=pair.access_token, access_token_expires_at=pair.access_expires_at,
            refresh_token=pair.refresh_token, refresh_token_expires_at=pair.refresh_expires_at,
            token_type="Bearer",
        )
