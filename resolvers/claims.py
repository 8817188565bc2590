"""Project claims (项目认领): a professional or an organization takes on a project, or withdraws."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import Organization, Professional, Project, ProjectClaim
from models.enums import ClaimStatus
from resolvers.errors import Checker, DomainError, ErrorCode
from resolvers.projects import project_is_open

DUPLICATE_MESSAGE = "This project is already claimed by this claimant."


async def claim_project(
    project_id: int, professional_id: int | None, organization_id: int | None, note: str | None = None
) -> ProjectClaim:
    """Record an active claim; a withdrawn claim by the same claimant is re-activated."""
    claimant = await _check_claim(project_id, professional_id, organization_id, note)
    existing = await ProjectClaim.get_or_none(project_id=project_id, **claimant)
    if existing is not None and existing.status == ClaimStatus.ACTIVE:
        raise DomainError(ErrorCode.DUPLICATE, DUPLICATE_MESSAGE, "projectId")
    text = (note or "").strip()
    try:
        async with in_transaction():
            if existing is None:
                return await ProjectClaim.create(project_id=project_id, note=text, **claimant)
            reactivated = await ProjectClaim.filter(id=existing.id, status=ClaimStatus.WITHDRAWN).update(
                status=ClaimStatus.ACTIVE, note=text or existing.note
            )
    except IntegrityError:
        raise DomainError(ErrorCode.DUPLICATE, DUPLICATE_MESSAGE, "projectId") from None
    if not reactivated:
        raise DomainError(ErrorCode.DUPLICATE, DUPLICATE_MESSAGE, "projectId")
    await existing.refresh_from_db()
    return existing


async def _check_claim(
    project_id: int, professional_id: int | None, organization_id: int | None, note: str | None
) -> dict[str, int]:
    """The claimant as a filter (``professional_id`` or ``organization_id``), or ValidationFailed."""
    checker = Checker()
    if (professional_id is None) == (organization_id is None):
        checker.add(ErrorCode.INVALID, "Give exactly one of `professionalId` and `organizationId`.",
                    "professionalId")
    elif professional_id is not None and not await Professional.filter(id=professional_id).exists():
        checker.add(ErrorCode.NOT_FOUND, "No professional with this ID.", "professionalId")
    elif organization_id is not None and not await Organization.filter(id=organization_id).exists():
        checker.add(ErrorCode.NOT_FOUND, "No organization with this ID.", "organizationId")
    project = await Project.get_or_none(id=project_id)
    if project is None:
        checker.add(ErrorCode.NOT_FOUND, "No project with this ID.", "projectId")
    elif not project_is_open(project):
        checker.add(ErrorCode.INVALID_STATE, "Only planned or active projects can be claimed.", "projectId")
    if note and len(note.strip()) > 200:
        checker.add(ErrorCode.TOO_LONG, "`note` has at most 200 characters.", "note")
    checker.check()
    if professional_id is not None:
        return {"professional_id": professional_id}
    return {"organization_id": organization_id}


async def withdraw_claim(claim_id: int) -> ProjectClaim:
    """Withdraw an active claim (the record stays, as WITHDRAWN)."""
    claim = await ProjectClaim.get_or_none(id=claim_id)
    if claim is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No project claim with this ID.", "claimId")
    if claim.status != ClaimStatus.ACTIVE:
        raise DomainError(ErrorCode.INVALID_STATE, "This claim is already withdrawn.", "claimId")
    async with in_transaction():
        await ProjectClaim.filter(id=claim_id).update(status=ClaimStatus.WITHDRAWN)
    await claim.refresh_from_db()
    return claim
