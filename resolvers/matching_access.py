"""Who may do what in matching: staff rank, propose and assign; providers answer their own proposals.

Staff with ``area_ids`` act only on needs of those communities (an empty set, as for a centre admin,
means every community). A professional answers the matches proposing them; an ORG_ADMIN answers, and
dispatches, the matches of their organization.
"""

from __future__ import annotations

from collections.abc import Iterable

from models import Match
from resolvers.access import Role, Viewer
from resolvers.errors import DomainError, ErrorCode


def require_staff(viewer: Viewer, community_ids: Iterable[int] = ()) -> None:
    """Raise FORBIDDEN unless the viewer is staff serving every one of ``community_ids``."""
    if not viewer.is_staff:
        raise DomainError(ErrorCode.FORBIDDEN, "Only community-centre staff may do this.")
    outside = sorted(set(community_ids) - viewer.area_ids) if viewer.area_ids else []
    if outside:
        raise DomainError(ErrorCode.FORBIDDEN, "This need is in a community you do not serve.")


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
    """Raise FORBIDDEN unless the viewer is the match's provider."""
    if not is_match_provider(viewer, match):
        raise DomainError(ErrorCode.FORBIDDEN, "Only the proposed provider may answer this proposal.")
