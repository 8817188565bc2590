"""Accounts for identity tests, and signing them in through the real API."""

from __future__ import annotations

from typing import Any

from models import Account
from models.enums import AccountRole
from resolvers.passwords import hash_password
from tests.factories import gid  # noqa: F401 (re-exported for the tests)

PASSWORD = "correct horse battery"

STAFF_LOGIN = """
mutation($username: String!, $password: String!) {
  staffLogin(username: $username, password: $password) {
    tokens { accessToken refreshToken accessTokenExpiresAt refreshTokenExpiresAt tokenType }
    account { id role roleLabel username }
    errors { field message code }
  }
}"""

ME = "{ me { id role roleLabel displayName username phoneMasked needsPhoneBinding organizationId areaIds } }"



def bearer(token: str) -> dict[str, str]:
    """Headers carrying an access token."""
    return {"Authorization": f"Bearer {token}"}


async def make_account(role: AccountRole, username: str, password: str = PASSWORD, **values: Any) -> Account:
    """A console account with a password."""
    return await Account.create(
        role=role, username=username, password_hash=hash_password(password), display_name=username, **values
    )


async def staff_tokens(gql, username: str, password: str = PASSWORD) -> dict:
    """Sign in through ``staffLogin`` and return the token pair."""
    data = await gql.ok(STAFF_LOGIN, {"username": username, "password": password})
    assert data["staffLogin"]["errors"] == [], data
    return data["staffLogin"]["tokens"]


async def signed_in_admin(gql, username: str = "admin") -> tuple[Account, dict]:
    """A centre admin account and its bearer headers."""
    account = await make_account(AccountRole.CENTRE_ADMIN, username)
    tokens = await staff_tokens(gql, username)
    return account, bearer(tokens["accessToken"])
