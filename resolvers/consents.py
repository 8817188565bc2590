"""Guardianships and consent records (PIPL Art. 14, 29, 31): who may consent for whom, and to what."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from models import ConsentRecord, Guardianship, Resident
from models.enums import ConsentPurpose, GuardianRelation
from resolvers.errors import Checker, DomainError, ErrorCode
from resolvers.residents import ADULT_AGE, is_adult, is_child, is_younger_than


async def add_guardianship(guardian_id: int, child_id: int, relation: GuardianRelation) -> Guardianship:
    """Link an adult guardian to a resident under 18."""
    checker = Checker()
    guardian = await _resident(checker, guardian_id, "guardianId")
    child = await _resident(checker, child_id, "childId")
    if guardian and child:
        if guardian.id == child.id:
            checker.add(ErrorCode.INVALID, "A resident cannot be their own guardian.", "guardianId")
        elif not is_adult(guardian):
            checker.add(ErrorCode.INVALID, "A guardian must be an adult.", "guardianId")
        elif not is_younger_than(ADULT_AGE, child.birth_date, child.age_band):
            checker.add(ErrorCode.INVALID, "Only a resident under 18 has a guardian.", "childId")
        elif await Guardianship.filter(guardian_id=guardian.id, child_id=child.id).exists():
            checker.add(ErrorCode.DUPLICATE, "This guardian is already registered for this child.", "guardianId")
    checker.check()
    async with in_transaction():
        return await Guardianship.create(guardian_id=guardian_id, child_id=child_id, relation=relation)


async def grant_consent(
    resident_id: int, purpose: ConsentPurpose, policy_version: str | None, guardian_id: int | None
) -> ConsentRecord:
    """Record a consent; a child's consent is given by one of their registered guardians."""
    checker = Checker()
    version = checker.require_text(policy_version, "policyVersion", 20)
    resident = await _resident(checker, resident_id, "residentId")
    if resident is not None:
        await _check_consenter(checker, resident, guardian_id)
        active = ConsentRecord.filter(resident_id=resident.id, purpose=purpose, policy_version=version,
                                      withdrawn_at__isnull=True)
        if version and await active.exists():
            checker.add(ErrorCode.DUPLICATE, "This consent is already granted and active.", "purpose")
    checker.check()
    async with in_transaction():
        return await ConsentRecord.create(
            resident_id=resident_id, purpose=purpose, policy_version=version, granted_by_id=guardian_id,
            granted_at=datetime.now(UTC),
        )


async def withdraw_consent(consent_id: int) -> ConsentRecord:
    """Withdraw a consent (PIPL Art. 15); the record stays, marked with the time of withdrawal."""
    consent = await ConsentRecord.get_or_none(id=consent_id)
    if consent is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No consent record with this ID.", "id")
    if consent.withdrawn_at is not None:
        raise DomainError(ErrorCode.INVALID_STATE, "This consent was already withdrawn.", "id")
    async with in_transaction():
        changed = await ConsentRecord.filter(id=consent_id, withdrawn_at__isnull=True).update(
            withdrawn_at=datetime.now(UTC), updated_at=datetime.now(UTC)
        )
    if not changed:
        raise DomainError(ErrorCode.CONFLICT, "The consent changed meanwhile; reload it.", "id")
    await consent.refresh_from_db()
    return consent


async def _resident(checker: Checker, resident_id: int | None, field: str) -> Resident | None:
    resident = await Resident.get_or_none(id=resident_id) if resident_id is not None else None
    if resident is None:
        checker.add(ErrorCode.NOT_FOUND, "No resident with this ID.", field)
    return resident


async def _check_consenter(checker: Checker, resident: Resident, guardian_id: int | None) -> None:
    """A child under 14 needs a guardian's consent; a named guardian must be registered for the resident."""
    if guardian_id is None:
        if is_child(resident):
            checker.add(ErrorCode.REQUIRED, "A guardian consents for a child under 14 (PIPL Art. 31).",
                        "guardianId")
        return
    if not await Guardianship.filter(guardian_id=guardian_id, child_id=resident.id).exists():
        checker.add(ErrorCode.INVALID, "This resident is not a registered guardian of the child.", "guardianId")
