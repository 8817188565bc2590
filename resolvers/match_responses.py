"""A provider's answer to a proposal: accept or decline (the provider only).

Accepting locks the need and then the provider (``SELECT ... FOR UPDATE`` on PostgreSQL, in that
order everywhere, so two accepts never deadlock; SQLite runs transactions one at a time anyway)
and re-checks every hard constraint with the engine under those locks: when two overlapping
proposals of one professional are accepted at once, the second sees the first's booking and gets
``CONFLICT``. The accepted match withdraws the need's other proposals and the need becomes ACCEPTED.

Declining records the reason; when no proposal is left the need goes back to MATCHING, and the
engine no longer offers this provider for it. A match dispatched from an organization's accepted
match (``dispatched_from``) only changes itself: the need stays ACCEPTED by the organization.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from matching import ExclusionCode, check
from models import Match, Need, Organization, Professional
from models.enums import OPEN_NEED_STATUSES, MatchStatus, NeedStatus, ProviderKind
from resolvers import lifecycle
from resolvers.access import Viewer
from resolvers.errors import DomainError, ErrorCode
from resolvers.matching import not_eligible, provider_profile
from resolvers.matching_access import require_match_provider
from resolvers.matching_needs import need_profiles
from resolvers.matching_profiles import matching_config

MAX_REASON = 200
CONFLICTS = frozenset({ExclusionCode.DOUBLE_BOOKING, ExclusionCode.CAPACITY})


async def load_match(match_id: int, field: str = "id") -> Match:
    """The match, or NOT_FOUND."""
    match = await Match.get_or_none(id=match_id)
    if match is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No match with this ID.", field)
    return match


def _require_proposed(match: Match) -> None:
    """INVALID_STATE unless the match still waits for an answer."""
    if match.status != MatchStatus.PROPOSED:
        message = f"Only a proposed match can be answered; it is {match.status.value}."
        raise DomainError(ErrorCode.INVALID_STATE, message, "id")


async def _locked(match: Match) -> tuple[Need, Match]:
    """Lock the need, then the provider; return the need and the match re-read under the locks."""
    need = await Need.filter(id=match.need_id).select_for_update().first()
    if match.professional_id is not None:
        await Professional.filter(id=match.professional_id).select_for_update().first()
    else:
        await Organization.filter(id=match.organization_id).select_for_update().first()
    return need, await Match.get(id=match.id)


async def _recheck(need: Need, match: Match) -> None:
    """Every hard constraint again, now: CONFLICT for a booking or capacity clash, else NOT_ELIGIBLE."""
    kind = ProviderKind(match.provider_kind)
    provider_id = match.professional_id if kind is ProviderKind.PROFESSIONAL else match.organization_id
    profile = (await need_profiles([need]))[0]
    provider = await provider_profile(kind, provider_id, need.resident_id, field="id")
    exclusions = check(profile, provider, matching_config())
    clashes = [e for e in exclusions if e.code in CONFLICTS]
    if clashes:
        raise DomainError(ErrorCode.CONFLICT, f"{clashes[0].message_en} ({clashes[0].message_zh}).", "id")
    if exclusions:
        raise not_eligible(exclusions, field="id")


async def match_accept(viewer: Viewer, match_id: int) -> Match:
    """The provider accepts a proposal (see the module's rules)."""
    match = await load_match(match_id)
    require_match_provider(viewer, match)
    _require_proposed(match)
    now = datetime.now(UTC)
    async with in_transaction():
        need, match = await _locked(match)
        _require_proposed(match)
        top_level = match.dispatched_from_id is None
        if top_level and need.status not in OPEN_NEED_STATUSES:
            raise DomainError(ErrorCode.INVALID_STATE, f"The need is {need.status.value}.", "id")
        await _recheck(need, match)
        await Match.filter(id=match.id).update(status=MatchStatus.ACCEPTED, responded_at=now, updated_at=now)
        if top_level:
            await Match.filter(need_id=need.id, status=MatchStatus.PROPOSED, dispatched_from_id=None).exclude(
                id=match.id
            ).update(status=MatchStatus.WITHDRAWN, updated_at=now)
            await lifecycle.transition(need.id, NeedStatus.ACCEPTED, viewer, "服务者已接单 (provider accepted)")
    await match.refresh_from_db()
    return match


async def match_decline(viewer: Viewer, match_id: int, reason: str | None) -> Match:
    """The provider declines a proposal, optionally saying why (at most 200 characters)."""
    text = (reason or "").strip() or None
    if text is not None and len(text) > MAX_REASON:
        raise DomainError(ErrorCode.TOO_LONG, f"`reason` has at most {MAX_REASON} characters.", "reason")
    match = await load_match(match_id)
    require_match_provider(viewer, match)
    _require_proposed(match)
    now = datetime.now(UTC)
    async with in_transaction():
        need, match = await _locked(match)
        _require_proposed(match)
        pending = Match.filter(need_id=need.id, status=MatchStatus.PROPOSED, dispatched_from_id=None).exclude(
            id=match.id)
        if match.dispatched_from_id is None and need.status == NeedStatus.PROPOSED and not await pending.exists():
            # while the match is still live, so the provider counts as this need's provider
            await lifecycle.transition(need.id, NeedStatus.MATCHING, viewer, text or "服务者婉拒 (provider declined)")
        await Match.filter(id=match.id).update(
            status=MatchStatus.DECLINED, decline_reason=text, responded_at=now, updated_at=now
        )
    await match.refresh_from_db()
    return match
