"""Demo accounts for a development database that holds the demo subdistrict (never used in production).

- ``admin``: a centre admin; ``staff1``: centre staff serving 和睦社区; ``hubadmin``: the hub centre's
  organization admin; and an API key of the community health centre (a partner).
- One password for the three console accounts: ``LINLI_DEMO_PASSWORD`` if set, else a random one that
  the caller prints. The API key's plaintext is returned so the caller can print it once.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from models import Account, ApiKey, Area, Organization
from models.enums import AccountRole, ApiKeyScope, AreaKind
from resolvers.api_keys import KEY_PREFIX, SHOWN_PREFIX_LENGTH
from resolvers.passwords import hash_password, password_problem
from resolvers.tokens import digest

STAFF_COMMUNITY = "和睦社区"
HUB_NAME = "和诚社会组织服务中心"
PARTNER_NAME = "和睦街道社区卫生服务中心"


@dataclass(frozen=True, slots=True)
class DemoAccounts:
    """What was created: the console user names, their password and the partner's API key."""

    usernames: tuple[str, ...]
    password: str
    password_generated: bool
    api_key: str | None


async def load_demo_accounts(password: str | None = None) -> DemoAccounts | None:
    """Create the demo accounts once (None when any account exists already)."""
    if await Account.exists():
        return None
    chosen = password or os.environ.get("LINLI_DEMO_PASSWORD") or None
    generated = chosen is None
    chosen = chosen or secrets.token_urlsafe(12)
    problem = password_problem(chosen)
    if problem:
        raise ValueError(f"LINLI_DEMO_PASSWORD: {problem}")
    community = await Area.get_or_none(name=STAFF_COMMUNITY, kind=AreaKind.COMMUNITY)
    hub = await Organization.get_or_none(name=HUB_NAME)
    partner = await Organization.get_or_none(name=PARTNER_NAME)
    async with in_transaction():
        admin = await _account(AccountRole.CENTRE_ADMIN, "admin", "中心管理员", chosen)
        usernames = ["admin"]
        if community is not None:
            await _account(AccountRole.STAFF, "staff1", "和睦社区工作人员", chosen, area_ids=[community.id])
            usernames.append("staff1")
        if hub is not None:
            await _account(AccountRole.ORG_ADMIN, "hubadmin", "和诚中心管理员", chosen, organization_id=hub.id)
            usernames.append("hubadmin")
        api_key = await _partner_key(partner, admin) if partner is not None else None
    return DemoAccounts(tuple(usernames), chosen, generated, api_key)


async def _account(role: AccountRole, username: str, name: str, password: str, **values) -> Account:
    return await Account.create(role=role, username=username, display_name=name,
                                password_hash=hash_password(password), **values)


async def _partner_key(partner: Organization, admin: Account) -> str:
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    await ApiKey.create(
        organization_id=partner.id, name="演示接口密钥", prefix=key[:SHOWN_PREFIX_LENGTH], key_hash=digest(key),
        scopes=[s.value for s in ApiKeyScope], created_by_id=admin.id,
    )
    return key
