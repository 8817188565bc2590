"""Partner API keys: created by a centre admin or the organization's admin, shown once, revocable.

A key reads ``lk_`` followed by 43 URL-safe characters; the database keeps its SHA-256 digest and its
first 8 characters (``prefix``) so people can tell their keys apart.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from models import ApiKey, Organization
from models.enums import AccountRole, ApiKeyScope
from resolvers.access import Viewer
from resolvers.errors import Checker, DomainError, ErrorCode
from resolvers.pagination import Page, PageArgs, paginate
from resolvers.tokens import digest

KEY_PREFIX = "lk_"
SHOWN_PREFIX_LENGTH = 8


@dataclass(frozen=True, slots=True)
class CreatedApiKey:
    """A new key row and its plaintext, which is never retrievable again."""

    row: ApiKey
    key: str


def manages_keys_of(viewer: Viewer, organization_id: int | None) -> bool:
    """A centre admin manages every organization's keys, an ORG_ADMIN those of their organization."""
    if viewer.account_id is None:
        return False
    if viewer.role is AccountRole.CENTRE_ADMIN:
        return True
    return viewer.role is AccountRole.ORG_ADMIN and organization_id is not None and (
        viewer.organization_id == organization_id
    )


def require_key_manager(viewer: Viewer, organization_id: int | None, field: str | None = None) -> None:
    """UNAUTHENTICATED for anonymous callers, FORBIDDEN unless :func:`manages_keys_of`."""
    if not viewer.authenticated or viewer.account_id is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "Sign in to manage API keys.", field)
    if not manages_keys_of(viewer, organization_id):
        raise DomainError(ErrorCode.FORBIDDEN, "Only a centre admin or this organization's admin manages its API keys.",
                          field)


async def create_api_key(
    viewer: Viewer, organization_id: int, name: str | None, scopes: list[str], expires_at: datetime | None = None
) -> CreatedApiKey:
    """Validate, then store a new key's digest; returns the plaintext once."""
    require_key_manager(viewer, organization_id, "organizationId")
    checker = Checker()
    clean_name = checker.require_text(name, "name", 80)
    if not await Organization.filter(id=organization_id).exists():
        checker.add(ErrorCode.NOT_FOUND, "No organization with this ID.", "organizationId")
    if not scopes:
        checker.add(ErrorCode.REQUIRED, "Grant at least one scope.", "scopes")
    if expires_at is not None and expires_at <= datetime.now(UTC):
        checker.add(ErrorCode.INVALID_RANGE, "The expiry must lie in the future.", "expiresAt")
    checker.check()
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    async with in_transaction():
        row = await ApiKey.create(
            organization_id=organization_id, name=clean_name, prefix=key[:SHOWN_PREFIX_LENGTH],
            key_hash=digest(key), scopes=sorted({ApiKeyScope(s).value for s in scopes}),
            created_by_id=viewer.account_id, expires_at=expires_at,
        )
    return CreatedApiKey(row=row, key=key)


async def revoke_api_key(viewer: Viewer, api_key_id: int) -> ApiKey:
    """Revoke a key at once (idempotent: revoking a revoked key keeps its first revocation time)."""
    if not viewer.authenticated or viewer.account_id is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "Sign in to manage API keys.", "id")
    row = await ApiKey.get_or_none(id=api_key_id)
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No API key with this ID.", "id")
    require_key_manager(viewer, row.organization_id, "id")
    if row.revoked_at is None:
        async with in_transaction():
            await ApiKey.filter(id=row.id, revoked_at=None).update(revoked_at=datetime.now(UTC))
        await row.refresh_from_db()
    return row


async def list_api_keys(viewer: Viewer, organization_id: int, args: PageArgs) -> Page:
    """The keys of one organization, newest first (for its admin or a centre admin)."""
    require_key_manager(viewer, organization_id, "organizationId")
    return await paginate(ApiKey.filter(organization_id=organization_id).order_by("-id"), args)


def visible_api_key(viewer: Viewer, row: ApiKey | None) -> ApiKey | None:
    """``row`` if the viewer manages its organization's keys, else None (for ``node(id:)``)."""
    return row if row is not None and manages_keys_of(viewer, row.organization_id) else None
