"""Who may change what: one check per kind of change, called before the service does the work.

Reads are scoped in :mod:`resolvers.scope`; these checks guard writes. Each raises ``UNAUTHENTICATED``
for an anonymous caller and ``FORBIDDEN`` for one without the right, and reads only the few columns
it needs. The table of roles and rights is in the README ("Roles and what they see").
"""

from __future__ import annotations

from models import ConsentRecord, Enrollment, Membership, Need, Project, ProjectClaim, ProjectSession, Resident
from resolvers.access import Role
from resolvers.errors import DomainError, ErrorCode
from resolvers.scope import Scope

PROJECTS_WRITE = "projects:write"


async def _column(model, pk: int | None, column: str):
    """One column of one row (None when the row does not exist)."""
    if pk is None:
        return None
    rows = await model.filter(id=pk).limit(1).values_list(column, flat=True)
    return rows[0] if rows else None


def deny(scope: Scope, message: str) -> DomainError:
    """The error for a caller without the right (asks an anonymous caller to sign in)."""
    if not scope.viewer.authenticated:
        return DomainError(ErrorCode.UNAUTHENTICATED, "Sign in first.")
    return DomainError(ErrorCode.FORBIDDEN, message)


def require(scope: Scope, allowed: bool, message: str) -> None:
    """Raise :func:`deny` unless ``allowed``."""
    if not allowed:
        raise deny(scope, message)


def staff(scope: Scope) -> None:
    """Centre staff or centre admins only."""
    require(scope, scope.is_staff, "Only community centre staff may do this.")


def _org_member_admin(scope: Scope, organization_id: int | None) -> bool:
    viewer = scope.viewer
    if organization_id is None or viewer.organization_id != organization_id:
        return False
    return viewer.role == Role.ORG_ADMIN or (viewer.role == Role.PARTNER and PROJECTS_WRITE in viewer.scopes)


def organization_change(scope: Scope, organization_id: int | None) -> None:
    """Staff register organizations; an organization's admin edits its own record."""
    allowed = scope.is_staff or (scope.viewer.role == Role.ORG_ADMIN and organization_id is not None
                                 and scope.viewer.organization_id == organization_id)
    require(scope, allowed, "Only centre staff or this organization's admin may change it.")


def professional_change(scope: Scope, professional_id: int | None) -> None:
    """Staff register professionals; a professional edits their own profile and certificates."""
    allowed = scope.is_staff or (professional_id is not None and scope.viewer.professional_id == professional_id)
    require(scope, allowed, "Only centre staff or the professional themself may change this profile.")


async def membership_change(scope: Scope, organization_id: int | None = None, membership_id: int | None = None) -> None:
    """Staff, or the admin of the organization concerned."""
    if membership_id is not None:
        organization_id = await _column(Membership, membership_id, "organization_id")
    require(scope, scope.is_staff or (scope.viewer.role == Role.ORG_ADMIN and organization_id is not None
                                      and scope.viewer.organization_id == organization_id),
            "Only centre staff or this organization's admin manage its members.")


async def project_change(scope: Scope, *, project_id: int | None = None, organizer_id: int | None = None) -> None:
    """Staff, or the organizer's admin (or its partner key with ``projects:write``)."""
    if project_id is not None:
        organizer_id = await _column(Project, project_id, "organizer_id")
    require(scope, scope.is_staff or _org_member_admin(scope, organizer_id),
            "Only centre staff or the organizing organization may change this project.")


async def session_change(scope: Scope, *, project_id: int | None = None, session_id: int | None = None) -> None:
    """Same rule as the session's project."""
    if session_id is not None:
        project_id = await _column(ProjectSession, session_id, "project_id")
    await project_change(scope, project_id=project_id)


async def claim_change(scope: Scope, *, professional_id: int | None = None, organization_id: int | None = None,
                       claim_id: int | None = None) -> None:
    """A professional claims for themself, an organization's admin for it; staff for anyone."""
    if claim_id is not None:
        rows = await ProjectClaim.filter(id=claim_id).values("professional_id", "organization_id")
        if rows:
            professional_id, organization_id = rows[0]["professional_id"], rows[0]["organization_id"]
    viewer = scope.viewer
    allowed = scope.is_staff or (professional_id is not None and viewer.professional_id == professional_id) or (
        organization_id is not None and viewer.role == Role.ORG_ADMIN and viewer.organization_id == organization_id)
    require(scope, allowed, "Claim projects for yourself or for the organization you administer.")


async def _resident(resident_id: int | None) -> Resident | None:
    if resident_id is None:
        return None
    return await Resident.get_or_none(id=resident_id).only("id", "community_id")


async def resident_change(scope: Scope, resident_id: int | None) -> None:
    """The resident, their household or guardian, or staff serving their community."""
    resident = await _resident(resident_id)
    require(scope, resident is None or scope.manages_resident(resident),
            "Only the resident, their guardian or centre staff serving their community may do this.")


def resident_create(scope: Scope, community_id: int | None) -> None:
    """Staff register residents in the communities they serve."""
    require(scope, scope.is_staff and (community_id is None or scope.staff_covers(community_id)),
            "Only centre staff serving this community register residents.")


async def consent_change(scope: Scope, *, resident_id: int | None = None, consent_id: int | None = None) -> None:
    """Consents are given or withdrawn by the resident, their guardian, or staff on their behalf."""
    if consent_id is not None:
        resident_id = await _column(ConsentRecord, consent_id, "resident_id")
    await resident_change(scope, resident_id)


async def enrollment_change(scope: Scope, *, resident_id: int | None = None, enrollment_id: int | None = None) -> None:
    """Residents enroll themselves and their family; staff enroll anyone they serve."""
    if enrollment_id is not None:
        resident_id = await _column(Enrollment, enrollment_id, "resident_id")
    await resident_change(scope, resident_id)


async def need_change(scope: Scope, *, resident_id: int | None = None, need_id: int | None = None) -> None:
    """Needs are raised and changed by the resident (or family) or by staff on their behalf."""
    if need_id is not None:
        row = await Need.filter(id=need_id).values("resident_id", "community_id")
        if not row:
            return
        allowed = scope.owns(row[0]["resident_id"]) or scope.staff_covers(row[0]["community_id"])
        require(scope, allowed, "Only the resident, their family or centre staff serving them may change this need.")
        return
    await resident_change(scope, resident_id)
