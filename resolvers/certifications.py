"""Certification services: record a certificate, verify it against the original, tell if it counts today."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import Certification, Professional
from resolvers.errors import Checker, DomainError, ErrorCode

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


def local_now() -> datetime:
    """The current time in Hangzhou."""
    return datetime.now(LOCAL_ZONE)


def local_today() -> date:
    """Today's date in Hangzhou (certificates expire by local calendar day)."""
    return local_now().date()


def valid_on(certification: Certification, day: date) -> bool:
    """A certificate counts when it is verified, already issued and not expired (``expires_on`` is its last day)."""
    return (
        certification.verified_at is not None
        and (certification.issued_on is None or certification.issued_on <= day)
        and (certification.expires_on is None or day <= certification.expires_on)
    )


async def add_certification(professional_id: int, data: dict[str, Any]) -> Certification:
    """Record an unverified certificate of a professional; expired or duplicate ones are refused."""
    checker = Checker()
    if not await Professional.filter(id=professional_id).exists():
        checker.add(ErrorCode.NOT_FOUND, "No professional with this ID.", "professionalId")
    number = checker.require_text(data.get("number"), "number", 60)
    issued, expires, today = data.get("issued_on"), data.get("expires_on"), local_today()
    if issued and issued > today:
        checker.add(ErrorCode.INVALID, "`issuedOn` cannot be in the future.", "issuedOn")
    if issued and expires and expires < issued:
        checker.add(ErrorCode.INVALID_RANGE, "`expiresOn` cannot come before `issuedOn`.", "expiresOn")
    elif expires and expires < today:
        checker.add(ErrorCode.INVALID, "This certificate has already expired; record a current one.", "expiresOn")
    if number and await Certification.filter(kind=data["kind"], number=number).exists():
        checker.add(ErrorCode.DUPLICATE, "A certificate of this kind with this number is already recorded.",
                    "number")
    checker.check()
    try:
        async with in_transaction():
            return await Certification.create(
                professional_id=professional_id, kind=data["kind"], number=number, issued_on=issued,
                expires_on=expires,
            )
    except IntegrityError:
        raise DomainError(ErrorCode.DUPLICATE, "A certificate of this kind with this number is already recorded.",
                          "number") from None


async def verify_certification(certification_id: int, verified_by: str | None) -> Certification:
    """Mark a certificate as checked against the original by ``verified_by``, now."""
    checker = Checker()
    name = checker.require_text(verified_by, "verifiedBy", 60)
    checker.check()
    certification = await Certification.get_or_none(id=certification_id)
    if certification is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No certification with this ID.", "certificationId")
    if certification.expires_on and certification.expires_on < local_today():
        raise DomainError(ErrorCode.INVALID_STATE, "An expired certificate cannot be verified.", "certificationId")
    async with in_transaction():
        await Certification.filter(id=certification_id).update(verified_by=name, verified_at=local_now())
    await certification.refresh_from_db()
    return certification
