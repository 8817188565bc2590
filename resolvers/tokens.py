"""Bearer tokens: short-lived signed access tokens and rotating, revocable refresh tokens.

- Access token: a JWT (HS256, signed with the service's secret key) valid 15 minutes with the claims
  ``sub`` (account id), ``role``, ``ver`` (the account's ``token_version``), ``fam`` (its sign-in: the
  refresh family), ``jti``, ``iat``, ``exp`` and ``iss`` = ``linli``. Every request compares ``ver`` with
  the account row, so bumping the version (ban) kills all of an account's access tokens at once; and
  looks ``fam`` up in the account's ``ended_sessions``, so a logout (or a stolen refresh token's reuse)
  stops that sign-in's access tokens at once too, on every worker (the account row changed).
- Refresh token: 32 random bytes (URL-safe text) valid 30 days, stored only as its SHA-256 digest.
  Each use rotates it: the old one is revoked and replaced by a new one of the same family. Presenting
  an already rotated token means it was stolen or replayed: the whole family is revoked.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from tortoise.transactions import in_transaction

from models import Account, RefreshToken
from models.enums import AccountStatus
from resolvers.errors import DomainError, ErrorCode

ISSUER = "linli"
ALGORITHM = "HS256"
ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=30)
LEEWAY_SECONDS = 5
REQUIRED_CLAIMS = ["sub", "role", "ver", "jti", "iat", "exp", "iss"]


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """The verified claims of an access token."""

    account_id: int
    role: str
    version: int
    token_id: str
    expires_at: datetime
    family: str | None = None  # the sign-in (refresh family); None for a token issued outside one


@dataclass(frozen=True, slots=True)
class TokenPair:
    """What a sign-in or a refresh hands out; the refresh token is shown here and never again."""

    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


def digest(secret_text: str) -> str:
    """SHA-256 hex digest of a token or key (what the database keeps instead of it)."""
    return hashlib.sha256(secret_text.encode()).hexdigest()


def issue_access_token(account: Account, secret_key: str, now: datetime | None = None,
                       family: str | None = None) -> tuple[str, datetime]:
    """A signed access token for ``account`` (of the sign-in ``family``) and its expiry."""
    issued = (now or _now()).replace(microsecond=0)
    expires = issued + ACCESS_TTL
    claims = {
        "sub": str(account.id), "role": str(account.role), "ver": account.token_version,
        "jti": uuid.uuid4().hex, "iat": issued, "exp": expires, "iss": ISSUER,
    }
    if family is not None:
        claims["fam"] = family
    return jwt.encode(claims, secret_key, algorithm=ALGORITHM), expires


#: Tokens whose signature and issuer were verified (by token and key), with their claims: a client sends the
#: same token with every request until it expires, and the signature of a given token never changes. The
#: expiry is checked again on every use; revocation is the account's ``token_version``, read per request.
_VERIFIED: dict[tuple[str, str], AccessClaims] = {}
MAX_VERIFIED = 4096


def decode_access_token(token: str, secret_key: str) -> AccessClaims:
    """Verify signature, issuer and expiry; raises UNAUTHENTICATED for any bad token."""
    known = _VERIFIED.get((token, secret_key))
    if known is not None and known.expires_at.timestamp() + LEEWAY_SECONDS > time.time():
        return known
    claims = _decode_access_token(token, secret_key)
    if len(_VERIFIED) >= MAX_VERIFIED:
        _VERIFIED.clear()
    _VERIFIED[(token, secret_key)] = claims
    return claims


def _decode_access_token(token: str, secret_key: str) -> AccessClaims:
    try:
        claims = jwt.decode(
            token, secret_key, algorithms=[ALGORITHM], issuer=ISSUER, leeway=LEEWAY_SECONDS,
            options={"require": REQUIRED_CLAIMS},
        )
        return AccessClaims(
            account_id=int(claims["sub"]), role=str(claims["role"]), version=int(claims["ver"]),
            token_id=str(claims["jti"]), expires_at=datetime.fromtimestamp(claims["exp"], UTC),
            family=str(claims["fam"]) if "fam" in claims else None,
        )
    except jwt.ExpiredSignatureError:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "The access token has expired: refresh it.") from None
    except (jwt.InvalidTokenError, ValueError, TypeError):
        raise DomainError(ErrorCode.UNAUTHENTICATED, "The access token is not valid: sign in again.") from None


async def issue_tokens(account: Account, secret_key: str, user_agent: str = "", family: str | None = None) -> TokenPair:
    """A new access token and a new refresh token (of a new family unless ``family`` is given)."""
    pair, _ = await _issue(account, secret_key, user_agent, family)
    return pair


async def _issue(account: Account, secret_key: str, user_agent: str, family: str | None) -> tuple[TokenPair, int]:
    family = family or uuid.uuid4().hex
    access, access_expires = issue_access_token(account, secret_key, family=family)
    refresh = secrets.token_urlsafe(32)
    refresh_expires = _now() + REFRESH_TTL
    row = await RefreshToken.create(
        account_id=account.id, token_hash=digest(refresh), family=family,
        expires_at=refresh_expires, user_agent=(user_agent or "")[:120],
    )
    return TokenPair(access, access_expires, refresh, refresh_expires), row.id


async def rotate_refresh_token(token: str, secret_key: str, user_agent: str = "") -> tuple[Account, TokenPair]:
    """Exchange a refresh token for a new pair; a reused (already rotated) token revokes its family."""
    row = await RefreshToken.get_or_none(token_hash=digest(token or "")).select_related("account")
    if row is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "This refresh token is not valid: sign in again.", "refreshToken")
    if row.replaced_by_id is not None:
        await end_session(row.account_id, row.family)
        raise DomainError(ErrorCode.UNAUTHENTICATED,
                          "This refresh token was already used: every session of this sign-in has been ended.",
                          "refreshToken")
    if row.revoked_at is not None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "This refresh token was revoked: sign in again.", "refreshToken")
    if row.expires_at <= _now():
        raise DomainError(ErrorCode.UNAUTHENTICATED, "This refresh token has expired: sign in again.", "refreshToken")
    account = row.account
    if account.status == AccountStatus.BANNED:
        raise DomainError(ErrorCode.ACCOUNT_BANNED, "This account is banned.", "refreshToken")
    async with in_transaction():
        claimed = await RefreshToken.filter(id=row.id, revoked_at=None).update(revoked_at=_now())
        if claimed != 1:
            raise _ReusedInRace()
        pair, new_id = await _issue(account, secret_key, user_agent, row.family)
        await RefreshToken.filter(id=row.id).update(replaced_by_id=new_id)
    return account, pair


class _ReusedInRace(DomainError):
    """Two requests presented the same refresh token at once; the loser gets no new pair."""

    def __init__(self) -> None:
        super().__init__(ErrorCode.UNAUTHENTICATED, "This refresh token was already used.", "refreshToken")


async def revoke_refresh_token_family(token: str) -> bool:
    """Log out: revoke the family of ``token`` (every token rotated from that sign-in). False if unknown."""
    row = await RefreshToken.get_or_none(token_hash=digest(token or ""))
    if row is None:
        return False
    await end_session(row.account_id, row.family)
    return True


async def end_session(account_id: int, family: str) -> None:
    """End one sign-in: revoke every still-valid refresh token of its family, and stop its access tokens by
    noting the family on the account (sign-ins ended longer ago than an access token lives are forgotten)."""
    now = _now()
    async with in_transaction():
        await RefreshToken.filter(family=family, revoked_at=None).update(revoked_at=now)
        account = await Account.select_for_update().get_or_none(id=account_id)  # two logouts at once: both kept
        if account is None:
            return
        recent = now - ACCESS_TTL - timedelta(seconds=LEEWAY_SECONDS)
        ended = {name: when for name, when in (account.ended_sessions or {}).items()
                 if datetime.fromisoformat(when) > recent}
        ended[family] = now.isoformat()
        await Account.filter(id=account_id).update(ended_sessions=ended)


def session_ended(account: object, claims: AccessClaims) -> bool:
    """Whether the access token's sign-in was ended (``account``: the row or model, with ``ended_sessions``)."""
    return claims.family is not None and claims.family in (getattr(account, "ended_sessions", None) or ())


async def revoke_account_refresh_tokens(account_id: int) -> None:
    """Revoke every refresh token of an account (used when banning it)."""
    await RefreshToken.filter(account_id=account_id, revoked_at=None).update(revoked_at=_now())
