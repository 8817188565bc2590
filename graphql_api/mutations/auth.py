"""Signing in and out: WeChat login and phone binding, staff login, token refresh, logout."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graphql_api.context import Info
from graphql_api.types.account import Account, AuthTokens
from graphql_api.types.common import UserError, user_errors
from resolvers import logins, wechat_accounts
from resolvers.errors import DomainError
from resolvers.logins import SignIn
from resolvers.wechat import WeChatClient, WeChatConfig


@strawberry.type(description="Result of a sign-in or a token refresh.")
class AuthPayload:
    tokens: AuthTokens | None = strawberry.field(description="The new tokens; null on errors.")
    account: Account | None = strawberry.field(description="The signed-in account; null on errors.")
    errors: list[UserError] = strawberry.field(description="Why signing in failed; empty on success.")

    @classmethod
    def of(cls, signed_in: SignIn) -> AuthPayload:
        """The payload of a successful sign-in."""
        return cls(tokens=AuthTokens.of(signed_in.tokens), account=Account.from_model(signed_in.account), errors=[])

    @classmethod
    def failed(cls, error: DomainError) -> AuthPayload:
        """The payload of a failed sign-in."""
        return cls(tokens=None, account=None, errors=user_errors(error))


@strawberry.type(description="Result of binding a phone number to the signed-in account.")
class PhoneBindPayload:
    account: Account | None = strawberry.field(description="The account after binding; null on errors.")
    bound: bool = strawberry.field(
        description="True when the number linked the account to a professional or a resident; false when it "
                    "is only kept on the account (the community centre can link it later)."
    )
    errors: list[UserError] = strawberry.field(description="Problems; empty on success.")


@strawberry.type(description="Result of logging out.")
class LogoutPayload:
    ok: bool = strawberry.field(description="True when the refresh token's sign-in has been ended.")
    errors: list[UserError] = strawberry.field(description="Problems; empty on success.")


def wechat_client(info: Info) -> WeChatClient:
    """The WeChat API client of this process's configuration (WECHAT_UNAVAILABLE when unconfigured)."""
    settings = info.context.settings
    config = WeChatConfig(appid=settings.wechat_appid, secret=settings.wechat_secret,
                          api_base=settings.wechat_api_base)
    return WeChatClient(config, cache=info.context.cache)


Code = Annotated[str, strawberry.argument(description="One-time code from the mini-program (valid 5 minutes).")]
RefreshTokenArg = Annotated[str, strawberry.argument(description="The refresh token of the sign-in.")]


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="Sign in from the mini-program with a `wx.login` code. A first sign-in creates "
                                     "a resident account that needs a phone binding (`wechatPhoneBind`).")
    async def wechat_login(self, info: Info, code: Code) -> AuthPayload:
        try:
            signed_in = await wechat_accounts.wechat_login(
                wechat_client(info), code, info.context.settings.secret_key, info.context.user_agent
            )
        except DomainError as error:
            return AuthPayload.failed(error)
        return AuthPayload.of(signed_in)

    @strawberry.mutation(description="Bind the phone number of a `getPhoneNumber` code to the signed-in account: "
                                     "it links the account to the professional or resident with that number.")
    async def wechat_phone_bind(self, info: Info, code: Code) -> PhoneBindPayload:
        try:
            binding = await wechat_accounts.wechat_phone_bind(wechat_client(info), info.context.viewer, code)
        except DomainError as error:
            return PhoneBindPayload(account=None, bound=False, errors=user_errors(error))
        return PhoneBindPayload(account=Account.from_model(binding.account), bound=binding.bound, errors=[])

    @strawberry.mutation(description="Sign in to the community centre console with a user name and password.")
    async def staff_login(
        self,
        info: Info,
        username: Annotated[str, strawberry.argument(description="Console user name (case-insensitive).")],
        password: Annotated[str, strawberry.argument(description="Password.")],
    ) -> AuthPayload:
        try:
            signed_in = await logins.staff_login(
                username, password, info.context.settings.secret_key, info.context.user_agent
            )
        except DomainError as error:
            return AuthPayload.failed(error)
        return AuthPayload.of(signed_in)

    @strawberry.mutation(description="Exchange a refresh token for new tokens. Each refresh token works once; "
                                     "using one twice ends every session of that sign-in.")
    async def token_refresh(self, info: Info, refresh_token: RefreshTokenArg) -> AuthPayload:
        try:
            signed_in = await logins.refresh_tokens(
                refresh_token, info.context.settings.secret_key, info.context.user_agent
            )
        except DomainError as error:
            return AuthPayload.failed(error)
        return AuthPayload.of(signed_in)

    @strawberry.mutation(description="End a sign-in: its refresh tokens stop working at once (its current access "
                                     "token expires within 15 minutes; the client should drop it).")
    async def logout(self, refresh_token: RefreshTokenArg) -> LogoutPayload:
        try:
            await logins.logout(refresh_token)
        except DomainError as error:
            return LogoutPayload(ok=False, errors=user_errors(error))
        return LogoutPayload(ok=True, errors=[])
