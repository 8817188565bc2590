"""Signing in and out: staff passwords, token refresh, logout (WeChat sign-in is in ``wechat_accounts``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from models import Account
from models.enums import AccountStatus
from resolvers.accounts import normalize_username
from resolvers.errors import DomainError, ErrorCode
from resolvers.passwords import verify_password
from resolvers.tokens import TokenPair, issue_tokens, revoke_refresh_token_family, rotate_refresh_token

BAD_CREDENTIALS = "Unknown user name or wrong password."


@dataclass(frozen=True, slots=True)
class SignIn:
    """A signed-in account and the tokens it was given."""

    account: Account
    tokens: TokenPair


async def sign_in(account: Account, secret_key: str, user_agent: str = "") -> SignIn:
    """Record the login and hand out a new token pair (a new refresh family)."""
    if account.status == AccountStatus.BANNED:
        raise DomainError(ErrorCode.ACCOUNT_BANNED, "This account is banned; ask the community centre.")
    async with in_transaction():
        account.last_login_at = datetime.now(UTC)
        await account.save(update_fields=["last_login_at"])
        tokens = await issue_tokens(account, secret_key, user_agent)
    return SignIn(account=account, tokens=tokens)


async def staff_login(username: str, password: str, secret_key: str, user_agent: str = "") -> SignIn:
    """Sign in with a user name and password; one generic error for any unknown name or wrong password."""
    account = await Account.get_or_none(username=normalize_username(username))
    if not verify_password(password or "", account.password_hash if account else None) or account is None:
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, BAD_CREDENTIALS)
    return await sign_in(account, secret_key, user_agent)


async def refresh_tokens(refresh_token: str, secret_key: str, user_agent: str = "") -> SignIn:
    """Rotate a refresh token into a new pair."""
    account, tokens = await rotate_refresh_token(refresh_token, secret_key, user_agent)
    return SignIn(account=account, tokens=tokens)


async def logout(refresh_token: str) -> None:
    """Revoke the refresh token's whole family (idempotent for an already revoked one)."""
    if not await revoke_refresh_token_family(refresh_token):
        raise DomainError(ErrorCode.UNAUTHENTICATED, "This refresh token is not valid.", "refreshToken")
