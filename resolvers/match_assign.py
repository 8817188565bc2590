"""Assign a batch of open needs at once (staff): the engine's optimal assignment, then one transaction.

The needs must exist, lie in the caller's communities and wait for a provider (SUBMITTED, TRIAGED or
MATCHING); otherwise nothing is computed. Their candidates are the union of the pre-filtered
providers of every need, read in a fixed number of statements. ``dry_run`` only reports; otherwise
every assignment becomes a PROPOSED match (proposed by ``engine``) and its need PROPOSED, all in
one transaction that fails with CONFLICT (writing nothing) if any need moved on meanwhile.

Waiting times are measured from the start of the current hour, so the same batch gives the same
assignment all hour long (a dry run and the real run agree): with the clock to the microsecond,
exact ties between equally good assignments would be broken by rounding noise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from matching import (
    EXCLUSION_LABELS,
    AssignmentResult,
    ExclusionCode,
    NeedProfile,
    ProviderProfile,
    assign,
    score,
)
from models import Match, Need
from models.enums import NeedStatus
from resolvers import lifecycle
from resolvers.access import Viewer
from resolvers.errors import DomainError, ErrorCode
from resolvers.matching import new_match
from resolvers.matching_access import require_staff
from resolvers.matching_candidates import categories_offered, organizations_offering, professionals_for_batch
from resolvers.matching_facts import FactsAsOf
from resolvers.matching_needs import need_profiles
from resolvers.matching_profiles import matching_config

MAX_BATCH = 2000
ASSIGNABLE = (NeedStatus.SUBMITTED, NeedStatus.TRIAGED, NeedStatus.MATCHING)
ENGINE = "engine"


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """The engine's result, how many providers were considered, and whether it was written."""

    result: AssignmentResult
    providers_considered: int
    written: bool


async def _assignable_needs(viewer: Viewer, need_ids: Sequence[int]) -> list[Need]:
    """The needs, checked: all exist, in the caller's communities, waiting for a provider."""
    wanted = list(dict.fromkeys(need_ids))
    if not wanted:
        raise DomainError(ErrorCode.REQUIRED, "`needIds` must name at least one need.", "needIds")
    if len(wanted) > MAX_BATCH:
        raise DomainError(ErrorCode.OUT_OF_RANGE, f"`needIds` names at most {MAX_BATCH} needs.", "needIds")
    needs = await Need.filter(id__in=wanted).order_by("id")
    missing = sorted(set(wanted) - {n.id for n in needs})
    if missing:
        raise DomainError(ErrorCode.NOT_FOUND, f"No need with ID {missing[0]} (and {len(missing) - 1} more).",
                          "needIds")
    await require_staff(viewer, {n.community_id for n in needs})
    closed = [n for n in needs if n.status not in ASSIGNABLE]
    if closed:
        raise DomainError(ErrorCode.INVALID_STATE, f"Need {closed[0].id} is {closed[0].status.value}: only "
                          f"submitted, triaged or matching needs are assigned ({len(closed)} such).", "needIds")
    return needs


async def match_assign(viewer: Viewer, need_ids: Sequence[int], dry_run: bool = True) -> BatchOutcome:
    """Assign the needs optimally; write the proposals unless ``dry_run``."""
    await require_staff(viewer)
    needs = await _assignable_needs(viewer, need_ids)
    config = matching_config(now=datetime.now(UTC).replace(minute=0, second=0, microsecond=0))
    profiles = await need_profiles(needs)
    asof = FactsAsOf.of({n.resident_id for n in needs}, config.reliability_prior.rating)
    providers = await professionals_for_batch(needs, asof)
    providers += await organizations_offering({n.category for n in needs}, asof)
    result = await _out_of_place(assign(profiles, providers, config), needs)
    if not dry_run and result.assignments:
        await _write(viewer, result, profiles, providers, config)
    return BatchOutcome(result, len(providers), written=not dry_run and bool(result.assignments))


async def _out_of_place(result: AssignmentResult, needs: Sequence[Need]) -> AssignmentResult:
    """Say PLACE, not CATEGORY, for needs whose category is offered, only not where they are.

    The engine saw only the pre-filtered providers, so a category offered by nobody *there* looks
    like a category offered by nobody at all. One statement, only when such needs exist.
    """
    suspects = [u for u in result.unassigned if u.exclusion is ExclusionCode.CATEGORY]
    if not suspects:
        return result
    category = {n.id: n.category for n in needs}
    offered = await categories_offered({category[u.need_id] for u in suspects})
    zh, en = EXCLUSION_LABELS[ExclusionCode.PLACE]
    unassigned = tuple(
        replace(u, exclusion=ExclusionCode.PLACE, message_zh=f"没有符合条件的服务者，最常见原因：{zh}",
                message_en=f"No eligible provider; most common reason: {en}")
        if u.exclusion is ExclusionCode.CATEGORY and category[u.need_id] in offered else u
        for u in result.unassigned
    )
    return replace(result, unassigned=unassigned)


async def _write(viewer: Viewer, result: AssignmentResult, profiles: list[NeedProfile],
                 providers: list[ProviderProfile],
                 config) -> None:
    """Proposals and need statuses in one transaction; CONFLICT (nothing written) if a need moved on."""
    by_need = {p.id: p for p in profiles}
    by_key = {p.key: p for p in providers}
    matches = [
        new_match(a.need_id, by_key[a.provider_key], score(by_need[a.need_id], by_key[a.provider_key], config), ENGINE)
        for a in result.assignments
    ]
    ids = [a.need_id for a in result.assignments]
    async with in_transaction():
        if await Need.filter(id__in=ids, status__in=list(ASSIGNABLE)).count() != len(ids):
            raise DomainError(ErrorCode.CONFLICT, "Some needs moved on meanwhile; nothing was written.", "needIds")
        await lifecycle.transition_many(ids, NeedStatus.PROPOSED, viewer, "批量分派 (batch assignment)")
        await Match.bulk_create(matches, batch_size=500)
