"""Dispatch an organization's accepted match to one of its members, ranked by the same engine.

An ORG_ADMIN of the organization (or staff serving the need's community) ranks the organization's
active members for the need exactly as ``matchCandidates`` ranks providers, and proposes the best
one, or the member they name if that member is eligible. The member's match is a PROPOSED match of
the same need with ``dispatched_from`` set; the member then accepts or declines it. A member who
declined is not offered again. One live (proposed or accepted) dispatch per organization match.
"""

from __future__ import annotations

from matching import check, rank, score
from models import Match, Membership
from models.enums import MatchStatus, ProviderKind
from resolvers.access import Role, Viewer
from resolvers.errors import DomainError, ErrorCode
from resolvers.match_responses import load_match
from resolvers.matching import LIVE_MATCH_STATUSES, new_match, not_eligible, proposer
from resolvers.matching_access import denied, require_staff
from resolvers.matching_candidates import professionals_by_id
from resolvers.matching_facts import FactsAsOf
from resolvers.matching_needs import load_need, need_profiles
from resolvers.matching_profiles import matching_config


async def _authorized_org_match(viewer: Viewer, match_id: int) -> Match:
    """The organization's accepted match, if the viewer may dispatch it and it is not dispatched yet."""
    match = await load_match(match_id)
    is_admin = viewer.role is Role.ORG_ADMIN and viewer.organization_id is not None and (
        viewer.organization_id == match.organization_id
    )
    if not is_admin:
        if not viewer.is_staff:
            raise denied(viewer, "Only the organization's admin or staff may dispatch it.")
        await require_staff(viewer, [(await load_need(match.need_id, "id")).community_id])
    if match.provider_kind != ProviderKind.ORGANIZATION or match.status != MatchStatus.ACCEPTED:
        raise DomainError(ErrorCode.INVALID_STATE, "Only an organization's accepted match is dispatched.", "id")
    if await Match.filter(dispatched_from_id=match.id, status__in=list(LIVE_MATCH_STATUSES)).exists():
        raise DomainError(ErrorCode.INVALID_STATE, "This match is already dispatched to a member.", "id")
    return match


async def match_dispatch(viewer: Viewer, match_id: int, professional_id: int | None = None) -> Match:
    """Propose the best (or the named) eligible member for the organization's accepted match."""
    match = await _authorized_org_match(viewer, match_id)
    need = await load_need(match.need_id, "id")
    member_ids = await Membership.filter(organization_id=match.organization_id).values_list(
        "professional_id", flat=True
    )
    if professional_id is not None and professional_id not in member_ids:
        raise DomainError(ErrorCode.NOT_FOUND, "This professional is not a member of the organization.",
                          "professionalId")
    chosen = [professional_id] if professional_id is not None else member_ids
    config = matching_config()
    profile = (await need_profiles([need]))[0]
    asof = FactsAsOf.of([need.resident_id], config.reliability_prior.rating)
    members = await professionals_by_id(chosen, asof) if chosen else []
    if professional_id is not None:
        if not members:
            raise DomainError(ErrorCode.NOT_ELIGIBLE, "This member is not active.", "professionalId")
        exclusions = check(profile, members[0], config)
        if exclusions:
            raise not_eligible(exclusions, field="professionalId")
    ranking = rank(profile, members, config, first=1)
    if not ranking.candidates:
        raise DomainError(ErrorCode.NOT_ELIGIBLE, "No active member of the organization can take this need.",
                          "professionalId")
    best = next(m for m in members if m.key == ranking.candidates[0].provider_key)
    child = new_match(need.id, best, score(profile, best, config), proposer(viewer), dispatched_from_id=match.id)
    await child.save()
    return child
