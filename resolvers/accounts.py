"""Account administration by a centre admin: staff accounts, roles, area scope, bans.

Residents and professionals get their accounts by signing in through WeChat; the console's people
(STAFF, ORG_ADMIN, CENTRE_ADMIN) are created here with a user name and an initial password.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from models import Account, Area, Organization
from models.enums import AccountRole, AccountStatus, AreaKind
from resolvers.access import Viewer
from resolvers.errors import Checker, DomainError, ErrorCode
from resolvers.identifiers import InvalidIdentifier, normalize_phone
from resolvers.pagination import Page, PageArgs, paginate
from resolvers.passwords import hash_password, password_problem
from resolvers.tokens import revoke_account_refresh_tokens

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,49}$")
CONSOLE_ROLES = frozenset({AccountRole.STAFF, AccountRole.ORG_ADMIN, AccountRole.CENTRE_ADMIN})
ASSIGNABLE_ROLES = CONSOLE_ROLES | {AccountRole.RESIDENT, AccountRole.PROFESSIONAL}


@dataclass(frozen=True, slots=True)
class AccountFilter:
    """Criteria of the account list; every one is optional."""

    role: AccountRole | None = None
    status: AccountStatus | None = None
    search: str | None = None


def require_centre_admin(viewer: Viewer, field: str | None = None) -> None:
    """UNAUTHENTICATED for anonymous callers, FORBIDDEN for anyone but a centre admin."""
    if not viewer.authenticated:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "Sign in as a centre admin first.", field)
    if viewer.role is not AccountRole.CENTRE_ADMIN or viewer.account_id is None:
        raise DomainError(ErrorCode.FORBIDDEN, "Only a centre admin manages accounts.", field)


def normalize_username(value: str | None) -> str:
    """User names are compared case-insensitively: stored lower-case, without surrounding blanks."""
    return (value or "").strip().lower()


async def create_account(viewer: Viewer, data: dict[str, Any]) -> Account:
    """Create a console account (STAFF, ORG_ADMIN or CENTRE_ADMIN) with an initial password."""
    require_centre_admin(viewer)
    return await _create_console_account(data)


async def create_centre_admin(username: str, password: str, display_name: str | None = None) -> Account:
    """Bootstrap: a centre admin made from the command line, where no viewer exists yet."""
    data = {"role": AccountRole.CENTRE_ADMIN, "username": username, "password": password,
            "display_name": display_name or username}
    return await _create_console_account(data)


async def _create_console_account(data: dict[str, Any]) -> Account:
    checker = Checker()
    role = data.get("role")
    if role not in CONSOLE_ROLES:
        checker.add(ErrorCode.INVALID, "Console accounts are STAFF, ORG_ADMIN or CENTRE_ADMIN.", "role")
    username = normalize_username(data.get("username"))
    if not USERNAME_RE.fullmatch(username):
        checker.add(ErrorCode.INVALID, "A user name has 3-50 of a-z, 0-9, '_', '.', '-'.", "username")
    elif await Account.filter(username=username).exists():
        checker.add(ErrorCode.DUPLICATE, "Another account already uses this user name.", "username")
    problem = password_problem(data.get("password"))
    if problem:
        checker.add(ErrorCode.INVALID, problem, "password")
    values: dict[str, Any] = {"display_name": checker.require_text(data.get("display_name"), "displayName", 50)}
    _check_phone(checker, data, values)
    await _check_scope(checker, role, data, values, current=None)
    checker.check()
    async with in_transaction():
        return await Account.create(
            role=role, username=username, password_hash=hash_password(data["password"]), **values
        )


async def update_account(viewer: Viewer, account_id: int, data: dict[str, Any]) -> Account:
    """Change an account's role, area scope, organization, display name or password, all or nothing."""
    require_centre_admin(viewer)
    account = await _account(account_id)
    checker = Checker()
    role = data.get("role") or AccountRole(account.role)
    if role not in ASSIGNABLE_ROLES:
        checker.add(ErrorCode.INVALID, "This role cannot be given to an account.", "role")
    elif account.id == viewer.account_id and role is not AccountRole.CENTRE_ADMIN:
        checker.add(ErrorCode.INVALID, "A centre admin cannot take away their own admin role.", "role")
    values: dict[str, Any] = {"role": role}
    if "display_name" in data:
        values["display_name"] = checker.require_text(data["display_name"], "displayName", 50)
    if data.get("password") is not None:
        problem = password_problem(data["password"])
        if problem:
            checker.add(ErrorCode.INVALID, problem, "password")
        elif account.username is None:
            checker.add(ErrorCode.INVALID, "Only console accounts with a user name have a password.", "password")
    await _check_scope(checker, role, data, values, current=account)
    checker.check()
    if data.get("password") is not None:
        values["password_hash"] = hash_password(data["password"])
    async with in_transaction():
        await Account.filter(id=account.id).update(**values)
        if "password_hash" in values:
            await _revoke_everything(account.id)
    await account.refresh_from_db()
    return account


async def set_account_banned(viewer: Viewer, account_id: int, banned: bool) -> Account:
    """Ban (revoking every token at once) or unban an account."""
    require_centre_admin(viewer, "id")
    account = await _account(account_id)
    if banned and account.id == viewer.account_id:
        raise DomainError(ErrorCode.INVALID, "A centre admin cannot ban their own account.", "id")
    async with in_transaction():
        if banned:
            await Account.filter(id=account.id).update(status=AccountStatus.BANNED)
            await _revoke_everything(account.id)
        else:
            await Account.filter(id=account.id).update(status=AccountStatus.ACTIVE)
    await account.refresh_from_db()
    return account


async def list_accounts(viewer: Viewer, criteria: AccountFilter, args: PageArgs) -> Page:
    """Accounts by creation order, for a centre admin."""
    require_centre_admin(viewer)
    qs = Account.all()
    if criteria.role is not None:
        qs = qs.filter(role=criteria.role)
    if criteria.status is not None:
        qs = qs.filter(status=criteria.status)
    if criteria.search:
        text = criteria.search.strip()
        qs = qs.filter(Q(display_name__icontains=text) | Q(username__icontains=text.lower()))
    return await paginate(qs.order_by("id"), args)


def visible_account(viewer: Viewer, row: Account | None) -> Account | None:
    """``row`` for its owner or a centre admin, else None (for ``node(id:)``)."""
    if row is None or viewer.account_id is None:
        return None
    if row.id == viewer.account_id or viewer.role is AccountRole.CENTRE_ADMIN:
        return row
    return None


def needs_phone_binding(account: Account) -> bool:
    """True for a WeChat account (resident or professional) that has not bound a phone number yet."""
    return account.wechat_openid is not None and account.phone is None


async def _revoke_everything(account_id: int) -> None:
    """Kill every access token (version bump) and refresh token of an account."""
    await Account.filter(id=account_id).update(token_version=F("token_version") + 1)
    await revoke_account_refresh_tokens(account_id)


async def _account(account_id: int) -> Account:
    account = await Account.get_or_none(id=account_id)
    if account is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No account with this ID.", "id")
    return account


def _check_phone(checker: Checker, data: dict, values: dict) -> None:
    if data.get("phone"):
        try:
            values["phone"] = normalize_phone(data["phone"])
        except InvalidIdentifier as exc:
            checker.add(ErrorCode.INVALID_PHONE, str(exc), "phone")


async def _check_scope(checker: Checker, role: Any, data: dict, values: dict, current: Account | None) -> None:
    """Areas only for STAFF (at least one community), an organization only for ORG_ADMIN (required)."""
    area_ids = data.get("area_ids", current.area_ids if current else None) or []
    organization_id = data.get("organization_id", current.organization_id if current else None)
    if role is AccountRole.STAFF:
        if not area_ids:
            checker.add(ErrorCode.REQUIRED, "Centre staff serve at least one community: give `areaIds`.", "areaIds")
        elif await Area.filter(id__in=area_ids, kind=AreaKind.COMMUNITY).count() != len(set(area_ids)):
            checker.add(ErrorCode.NOT_FOUND, "Every area of a staff account must be a community.", "areaIds")
    elif data.get("area_ids"):
        checker.add(ErrorCode.INVALID, "Only STAFF accounts have an area scope.", "areaIds")
    values["area_ids"] = sorted(set(area_ids)) if role is AccountRole.STAFF else []
    if role is AccountRole.ORG_ADMIN:
        if organization_id is None:
            checker.add(ErrorCode.REQUIRED, "An organization admin needs `organizationId`.", "organizationId")
        elif not await Organization.filter(id=organization_id).exists():
            checker.add(ErrorCode.NOT_FOUND, "No organization with this ID.", "organizationId")
    elif data.get("organization_id") is not None:
        checker.add(ErrorCode.INVALID, "Only ORG_ADMIN accounts manage an organization.", "organizationId")
    values["organization_id"] = organization_id if role is AccountRole.ORG_ADMIN else None
    if role is AccountRole.PROFESSIONAL and (current is None or current.professional_id is None):
        checker.add(ErrorCode.INVALID, "Only an account linked to a professional can be a PROFESSIONAL.", "role")
