"""Who may do what in matching: staff rank, propose and assign; providers answer their own proposals.

As everywhere in Linli, a centre admin serves every community and staff serve the communities of
their ``area_ids`` (an area that is a subdistrict covers its communities; no areas: none). A
professional answers the matches proposing them; an ORG_ADMIN answers, and dispatches, the matches
of their organization. An anonymous caller is asked to sign in (UNAUTHENTICATED), anyone else
without the right gets FORBIDDEN.
"""

from __future__ import annotations

from collections.abc import Iterable

from models import Area, Match
from resolvers.access import Role, Viewer
from resolvers.errors import DomainError, ErrorCode


def denied(viewer: Viewer, message: str) -> DomainError:
    """UNAUTHENTICATED for an anonymous caller, else FORBIDDEN."""
    if not viewer.authenticated:
        return DomainError(ErrorCode.UNAUTHENTICATED, "Sign in first.")
    return DomainError(ErrorCode.FORBIDDEN, message)


async def require_staff(viewer: Viewer, community_ids: Iterable[int] = ()) -> None:
    """Raise unless the viewer is staff serving every one of ``community_ids``."""
    if not viewer.is_staff:
        raise denied(viewer, "Only community-centre staff may do this.")
    wanted = set(community_ids)
    if viewer.role is Role.CENTRE_ADMIN or not wanted:
        return
    outside = wanted - viewer.area_ids
    if outside:
        parents = await Area.filter(id__in=sorted(outside)).values_list("id", "parent_id")
        outside -= {area_id for area_id, parent_id in parents if parent_id in viewer.area_ids}
    if outside:
        raise denied(viewer, "This is in a community you do not serve.")


def is_match_provider(viewer: Viewer, match: Match) -> bool:
    """The viewer is the proposed professional, or an ORG_ADMIN of the proposed organization."""
    if match.professional_id is not None:
        return viewer.professional_id is not None and viewer.professional_id == match.professional_id
    return (
        viewer.role is Role.ORG_ADMIN
        and viewer.organization_id is not None
        and viewer.organization_id == match.organization_id
    )


def require_match_provider(viewer: Viewer, match: Match) -> None:
    """Raise unless the viewer is the match's provider."""
    if not is_match_provider(viewer, match):
        raise denied(viewer, "Only the proposed provider may answer this proposal.")
