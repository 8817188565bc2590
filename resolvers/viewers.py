"""Building a request's :class:`~resolvers.access.Viewer` from a bearer token or a partner API key.

Rules (each request reads the account or key row once, or on PostgreSQL finds the account its worker kept
until PostgreSQL announced a change, :mod:`resolvers.account_cache`; so a ban, a revocation or a logout takes
effect on the very next request):

- Bearer token: the JWT must verify, its account must exist, be ACTIVE and have the token's ``ver``
  as its ``token_version``, and the token's sign-in must not be among the account's ``ended_sessions``.
  The viewer takes the account's role, id and links: ``resident_id`` and ``professional_id`` as stored,
  ``organization_id`` only for an ORG_ADMIN, ``area_ids`` only for STAFF (a CENTRE_ADMIN has none: all
  areas).
- API key: its digest must match an unrevoked, unexpired key of an ACTIVE organization. The viewer is
  a PARTNER with that ``organization_id``, the key's ``scopes`` and ``api_key_id``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise import connections
from tortoise.expressions import Q

from models import Account, ApiKey
from models.enums import AccountRole, AccountStatus, OrganizationStatus
from resolvers.access import Viewer
from resolvers.account_cache import ACCOUNTS
from resolvers.errors import DomainError, ErrorCode
from resolvers.rows import Row, query_rows
from resolvers.tokens import decode_access_token, digest, session_ended

LAST_USED_RESOLUTION = timedelta(minutes=1)
ACCOUNT_SQL = ('SELECT "id", "role", "status", "resident_id", "professional_id", "organization_id", "area_ids", '
               '"token_version", "ended_sessions" FROM "account" WHERE "id" = $1')
#: On PostgreSQL the staff's child-data approvals come with the account: one statement per request, not two.
ACCOUNT_WITH_APPROVALS_SQL = ACCOUNT_SQL.replace(' FROM "account"', ', ARRAY(SELECT c."child_id" FROM '
                                                 '"child_data_approval" c WHERE c."staff_account_id" = "account"."id" '
                                                 'AND c."revoked_at" IS NULL AND c."expires_at" > NOW()) AS "approved" '
                                                 'FROM "account"')


def viewer_of_account(account: Account | Row, client_ip: str = "unknown") -> Viewer:
    """The viewer an account acts as (see the module's rules)."""
    role = AccountRole(account.role)
    return Viewer(
        role=role,
        account_id=account.id,
        resident_id=account.resident_id,
        professional_id=account.professional_id,
        organization_id=account.organization_id if role is AccountRole.ORG_ADMIN else None,
        area_ids=frozenset(account.area_ids or ()) if role is AccountRole.STAFF else frozenset(),
        client_ip=client_ip,
        approved_child_ids=_approvals(account, role),
    )


def _approvals(account: Account | Row, role: AccountRole) -> frozenset[int] | None:
    """The staff's approved children when the account was read with them (None: the scope reads them)."""
    approved = getattr(account, "approved", None)
    return frozenset(approved) if approved is not None and role in (AccountRole.STAFF, AccountRole.CENTRE_ADMIN) \
        else None


async def viewer_for_access_token(token: str, secret_key: str, client_ip: str = "unknown") -> Viewer:
    """The viewer of a bearer token; raises UNAUTHENTICATED when it is bad, expired or revoked."""
    claims = decode_access_token(token, secret_key)
    postgres = connections.get("default").capabilities.dialect == "postgres"
    sql = ACCOUNT_WITH_APPROVALS_SQL if postgres else ACCOUNT_SQL
    account = ACCOUNTS.get(claims.account_id)  # kept until PostgreSQL announces a change (resolvers.account_cache)
    if account is None:
        generation = ACCOUNTS.generation
        found = await query_rows(Account, sql, [claims.account_id])  # no ORM query building
        account = found[0] if found else None
        if account is not None:
            ACCOUNTS.put(claims.account_id, account, generation)
    if account is None or account.token_version != claims.version:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "The access token was revoked: sign in again.")
    if account.status == AccountStatus.BANNED:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "This account is banned.")
    if session_ended(account, claims):
        raise DomainError(ErrorCode.UNAUTHENTICATED, "This sign-in was ended (logged out): sign in again.")
    return viewer_of_account(account, client_ip)


async def viewer_for_api_key(key: str, client_ip: str = "unknown") -> Viewer:
    """The partner viewer of an API key; raises UNAUTHENTICATED when it is unknown, revoked or expired."""
    now = datetime.now(UTC)
    row = await ApiKey.get_or_none(key_hash=digest(key)).select_related("organization")
    if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        raise DomainError(ErrorCode.UNAUTHENTICATED, "This API key is not valid (unknown, revoked or expired).")
    if row.organization.status != OrganizationStatus.ACTIVE:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "The organization of this API key is not active.")
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        await ApiKey.filter(stale, id=row.id).update(last_used_at=now)
    return Viewer(
        role=AccountRole.PARTNER,
        organization_id=row.organization_id,
        api_key_id=row.id,
        scopes=frozenset(row.scopes or ()),
        client_ip=client_ip,
    )
