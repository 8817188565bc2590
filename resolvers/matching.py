"""Matching use cases for one need: rank its candidates, and propose a provider (staff only).

``match_candidates`` pre-filters providers in SQL (``matching_candidates``), loads their facts in a
fixed number of statements (``matching_facts``; professionals and organizations at the same time, on
two pooled connections) and lets the engine rank them. ``match_propose``
refuses a provider that breaks any hard constraint (``NOT_ELIGIBLE``, naming every broken one) and
otherwise writes a PROPOSED match with its score and breakdown and moves the need to PROPOSED, in
one transaction. A stored match's ``score`` is the engine's score divided by 100 (0 to 1); its
``score_breakdown`` keeps the engine's points out of 100.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from matching import Exclusion, ProviderKey, ProviderProfile, RankingResult, ScoreBreakdown, check, rank, score
from matching.context import prepare
from models import Match, Organization, Professional
from models.enums import OPEN_NEED_STATUSES, MatchStatus, NeedStatus, ProviderKind
from resolvers import lifecycle
from resolvers.access import Viewer
from resolvers.errors import DomainError, ErrorCode
from resolvers.matching_access import require_staff
from resolvers.matching_candidates import (
    need_focus,
    organizations_by_id,
    organizations_offering,
    professionals_by_id,
    professionals_for_need,
    professionals_out_of_place,
)
from resolvers.matching_facts import FactsAsOf, shown_columns
from resolvers.matching_needs import load_need, need_profiles, ranking_need
from resolvers.matching_profiles import matching_config

MAX_CANDIDATES = 100
LIVE_MATCH_STATUSES = (MatchStatus.PROPOSED, MatchStatus.ACCEPTED)


async def match_candidates(viewer: Viewer, need_id: int, first: int = 10, include_excluded: bool = False
                           ) -> RankingResult:
    """The ``first`` best providers for a need; with ``include_excluded`` also who is excluded and why."""
    return (await rank_need(viewer, need_id, first, include_excluded)).result


@dataclass(frozen=True, slots=True)
class Ranked:
    """A ranking and the stored columns of the providers it lists (``shown``, by provider key: a professional's
    ``SHOWN_PROFESSIONAL`` columns, an organization's ``SHOWN_ORGANIZATION`` ones), read by the ranking's own
    statements, so an answer showing who they are needs no statement of its own."""

    result: RankingResult
    shown: dict[ProviderKey, dict[str, Any]]


async def rank_need(viewer: Viewer, need_id: int, first: int = 10, include_excluded: bool = False) -> Ranked:
    """:func:`match_candidates`, with the shown columns of the providers listed (candidates and excluded)."""
    await require_staff(viewer)
    if not 0 <= first <= MAX_CANDIDATES:
        raise DomainError(ErrorCode.OUT_OF_RANGE, f"`first` is 0 to {MAX_CANDIDATES}.", "first")
    need, profile = await ranking_need(need_id)
    await require_staff(viewer, [need.community_id])
    config = matching_config()
    asof = FactsAsOf.of([need.resident_id], config.reliability_prior.rating)
    rows: dict[str, dict[int, Any]] = {ProviderKind.PROFESSIONAL.value: {}, ProviderKind.ORGANIZATION.value: {}}
    pros, orgs = rows[ProviderKind.PROFESSIONAL.value], rows[ProviderKind.ORGANIZATION.value]
    if include_excluded:
        loads = (professionals_for_need(need, asof, shown=pros), professionals_out_of_place(need, asof, shown=pros),
                 organizations_offering([need.category], asof, shown=orgs))
    else:
        ctx = prepare(profile, config)
        loads = (professionals_for_need(need, asof, ctx, pros),
                 organizations_offering([need.category], asof, need.community_id, need_focus(need, ctx), orgs))
    providers = [provider for found in await asyncio.gather(*loads) for provider in found]
    result = rank(profile, providers, config, first, include_excluded)
    shown = {}
    for listed in (result.candidates, result.excluded):
        for item in listed:
            kind, provider_id = item.provider_key
            row = rows[kind].get(provider_id)
            if row is not None:
                shown[item.provider_key] = shown_columns(kind, row)
    return Ranked(result, shown)


async def provider_profile(kind: ProviderKind, provider_id: int, resident_id: int, field: str = "providerId"
                           ) -> ProviderProfile:
    """The engine profile of one provider (NOT_FOUND when missing, NOT_ELIGIBLE when inactive)."""
    model = Professional if kind is ProviderKind.PROFESSIONAL else Organization
    statuses = await model.filter(id=provider_id).values_list("status", flat=True)
    if not statuses:
        raise DomainError(ErrorCode.NOT_FOUND, f"No {kind.value.lower()} with this ID.", field)
    if statuses[0] != "ACTIVE":
        raise DomainError(ErrorCode.NOT_ELIGIBLE, f"This {kind.value.lower()} is not active.", field)
    asof = FactsAsOf.of([resident_id], matching_config().reliability_prior.rating)
    if kind is ProviderKind.PROFESSIONAL:
        return (await professionals_by_id([provider_id], asof))[0]
    return (await organizations_by_id([provider_id], asof))[0]


def not_eligible(exclusions: list[Exclusion], field: str = "providerId") -> DomainError:
    """NOT_ELIGIBLE naming every broken constraint (code and reason)."""
    listed = "; ".join(f"{e.code.value}: {e.message_en} ({e.message_zh})" for e in exclusions)
    return DomainError(ErrorCode.NOT_ELIGIBLE, f"Not eligible for this need. {listed}", field)


def breakdown_json(breakdown: ScoreBreakdown) -> dict:
    """The stored form of a score breakdown (points out of 100)."""
    return {
        "total": round(breakdown.total, 4),
        "components": [
            {"criterion": c.criterion.value, "points": round(c.points, 4), "max_points": round(c.max_points, 4),
             "reason_zh": c.reason_zh, "reason_en": c.reason_en}
            for c in breakdown.components
        ],
    }


def new_match(need_id: int, provider: ProviderProfile, breakdown: ScoreBreakdown, proposed_by: str,
              **values) -> Match:
    """An unsaved PROPOSED match of ``provider`` for the need."""
    kind = ProviderKind(provider.kind.value)
    owner = {"professional_id": provider.id} if kind is ProviderKind.PROFESSIONAL else {"organization_id": provider.id}
    return Match(
        need_id=need_id, provider_kind=kind, **owner, score=round(breakdown.total / 100, 4),
        score_breakdown=breakdown_json(breakdown), status=MatchStatus.PROPOSED, proposed_by=proposed_by, **values,
    )


def proposer(viewer: Viewer) -> str:
    """How a viewer is recorded in ``proposed_by``."""
    return f"{viewer.role.value.lower()}#{viewer.account_id}" if viewer.account_id is not None else viewer.role.value


async def match_propose(viewer: Viewer, need_id: int, kind: ProviderKind, provider_id: int) -> Match:
    """Propose an eligible provider for an open need (staff); nothing is written when refused."""
    await require_staff(viewer)
    need = await load_need(need_id)
    await require_staff(viewer, [need.community_id])
    if need.status not in OPEN_NEED_STATUSES:
        raise DomainError(ErrorCode.INVALID_STATE, f"Only open needs take proposals; it is {need.status.value}.",
                          "needId")
    profile = (await need_profiles([need]))[0]
    provider = await provider_profile(kind, provider_id, need.resident_id)
    await _refuse_duplicate(need.id, kind, provider_id)
    config = matching_config()
    exclusions = check(profile, provider, config)
    if exclusions:
        raise not_eligible(exclusions)
    match = new_match(need.id, provider, score(profile, provider, config), proposer(viewer))
    async with in_transaction():
        await lifecycle.transition(need.id, NeedStatus.PROPOSED, viewer, "推荐服务者 (provider proposed)",
                                   field="needId")
        await match.save()
    return match


async def _refuse_duplicate(need_id: int, kind: ProviderKind, provider_id: int) -> None:
    """DUPLICATE when the provider already has a live proposal (or acceptance) for the need."""
    owner = {"professional_id": provider_id} if kind is ProviderKind.PROFESSIONAL else {"organization_id": provider_id}
    if await Match.filter(need_id=need_id, status__in=list(LIVE_MATCH_STATUSES), **owner).exists():
        raise DomainError(ErrorCode.DUPLICATE, "This provider is already proposed for this need.", "providerId")

