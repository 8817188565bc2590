"""Load everything the engine needs about a set of candidate providers, in a fixed number of statements.

Whatever the number of candidates, :func:`provider_profiles` issues at most seven statements:
organization members, child areas of the organizations' areas, certificates, service areas,
engagements (accepted and recent assignments with their windows), the track record aggregated per
provider (``GROUP BY``), and the ratings the given residents left per provider (continuity).

Track record: ``completed`` counts COMPLETED matches, ``no_shows`` the matches marked as such,
``cancelled`` the DECLINED ones and the WITHDRAWN ones the provider had responded to (a proposal
withdrawn because someone else accepted first is nobody's fault). Engagements: an ACCEPTED match
whose window has not ended books that window and takes one unit of capacity; ACCEPTED or COMPLETED
matches whose window started in the last 30 days count as recent assignments (fairness).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q

from matching import ProviderProfile, TimeWindow
from models import Match
from models.enums import MatchStatus
from resolvers.matching_profiles import (
    ProviderFacts,
    certification,
    organization_profile,
    professional_profile,
)
from resolvers.matching_sql import Statement, as_bool, as_list

RECENT_DAYS = 30
ACCEPTED, COMPLETED = MatchStatus.ACCEPTED.value, MatchStatus.COMPLETED.value
DECLINED, WITHDRAWN = MatchStatus.DECLINED.value, MatchStatus.WITHDRAWN.value


async def provider_profiles(
    professionals: Sequence[dict], organizations: Sequence[dict], resident_ids: Iterable[int] = (),
    prior_rating: float = 4.0, now: datetime | None = None,
) -> list[ProviderProfile]:
    """Profiles of the given pre-filter rows (professionals first, then organizations, each by id)."""
    now = now or datetime.now(UTC)
    pro_ids = [row["id"] for row in professionals]
    org_ids = [row["id"] for row in organizations]
    pros: dict[int, ProviderFacts] = defaultdict(ProviderFacts)
    orgs: dict[int, ProviderFacts] = defaultdict(ProviderFacts)
    members = await _members(org_ids, orgs) if org_ids else {}
    member_ids = {pid for ids in members.values() for pid in ids}
    people = set(pro_ids) | member_ids
    if org_ids:
        await _organization_areas(organizations, orgs)
    if people:
        await _certifications(people, pros)
        await _service_areas(people, pros)
    for org_id, ids in members.items():
        for pid in ids:
            orgs[org_id].community_ids |= pros[pid].community_ids
            orgs[org_id].certifications += pros[pid].certifications
    if pro_ids or org_ids:
        await _engagements(pro_ids, org_ids, pros, orgs, now)
        await _track_record(pro_ids, org_ids, pros, orgs)
        await _continuity(pro_ids, org_ids, set(resident_ids), pros, orgs, prior_rating)
    return [professional_profile(row, pros[row["id"]]) for row in professionals] + [
        organization_profile(row, orgs[row["id"]]) for row in organizations
    ]


def _provider_filter(sql: Statement, pro_ids: Sequence[int], org_ids: Sequence[int], alias: str = "m") -> str:
    """Matches of the given professionals or organizations."""
    parts = []
    if pro_ids:
        parts.append(sql.in_ids(f"{alias}.professional_id", pro_ids))
    if org_ids:
        parts.append(sql.in_ids(f"{alias}.organization_id", org_ids))
    return "(" + " OR ".join(parts) + ")"


def _facts_of(row: dict, pros: dict, orgs: dict) -> ProviderFacts:
    """The facts record a match row belongs to (its professional, else its organization)."""
    if row["professional_id"] is not None:
        return pros[row["professional_id"]]
    return orgs[row["organization_id"]]


async def _members(org_ids: Sequence[int], orgs: dict[int, ProviderFacts]) -> dict[int, list[int]]:
    """Active members per organization; their languages, skills, capacity and experience go to the org."""
    sql = Statement()
    chosen = sql.in_ids("ms.organization_id", org_ids)
    rows = await sql.rows(
        "SELECT ms.organization_id, p.id, p.languages, p.skills, p.max_concurrent, p.years_experience "
        f"FROM membership ms JOIN professional p ON p.id = ms.professional_id "
        f"WHERE {chosen} AND p.status = 'ACTIVE' ORDER BY ms.organization_id, p.id"
    )
    members: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        facts = orgs[row["organization_id"]]
        members[row["organization_id"]].append(row["id"])
        facts.languages |= set(as_list(row["languages"]))
        facts.skills |= set(as_list(row["skills"]))
        facts.capacity += int(row["max_concurrent"] or 0)
        facts.years_experience = max(facts.years_experience, float(row["years_experience"] or 0))
    return members


async def _organization_areas(organizations: Sequence[dict], orgs: dict[int, ProviderFacts]) -> None:
    """An organization serves its area and, for a subdistrict, every community in it."""
    sql = Statement()
    chosen = sql.in_ids("a.parent_id", {row["area_id"] for row in organizations})
    children: dict[int, set[int]] = defaultdict(set)
    for row in await sql.rows(f"SELECT a.id, a.parent_id FROM area a WHERE {chosen}"):
        children[row["parent_id"]].add(row["id"])
    for row in organizations:
        orgs[row["id"]].community_ids |= {row["area_id"], *children[row["area_id"]]}


async def _certifications(people: Iterable[int], pros: dict[int, ProviderFacts]) -> None:
    """Every certificate of the people (the engine checks verification and dates)."""
    sql = Statement()
    chosen = sql.in_ids("c.professional_id", people)
    rows = await sql.rows(
        "SELECT c.professional_id, c.kind, c.verified_at IS NOT NULL AS verified, c.issued_on, c.expires_on "
        f"FROM certification c WHERE {chosen} ORDER BY c.professional_id, c.id"
    )
    for row in rows:
        pros[row["professional_id"]].certifications.append(
            certification(row["kind"], as_bool(row["verified"]), row["issued_on"], row["expires_on"])
        )


async def _service_areas(people: Iterable[int], pros: dict[int, ProviderFacts]) -> None:
    """The communities each person serves."""
    sql = Statement()
    chosen = sql.in_ids("s.professional_id", people)
    for row in await sql.rows(f"SELECT s.professional_id, s.area_id FROM professional_service_area s WHERE {chosen}"):
        pros[row["professional_id"]].community_ids.add(row["area_id"])


async def _engagements(pro_ids, org_ids, pros, orgs, now: datetime) -> None:
    """Booked windows and active load (accepted, not yet over) and recent assignments (30 days)."""
    since = now - timedelta(days=RECENT_DAYS)
    parts = [Q(professional_id__in=list(pro_ids))] if pro_ids else []
    parts += [Q(organization_id__in=list(org_ids))] if org_ids else []
    who = Q(*parts, join_type=Q.OR)
    rows = await Match.filter(who, status__in=[ACCEPTED, COMPLETED], need__window_end__gt=since).values(
        "professional_id", "organization_id", "status", "need__window_start", "need__window_end"
    )
    for row in rows:
        facts = _facts_of(row, pros, orgs)
        start, end = row["need__window_start"], row["need__window_end"]
        if start >= since:
            facts.recent += 1
        if row["status"] == ACCEPTED and end > now:
            facts.active += 1
            if row["professional_id"] is not None:
                facts.booked.append(TimeWindow(start, end))


async def _track_record(pro_ids, org_ids, pros, orgs) -> None:
    """Completed, no-show, cancelled counts and rating sums per provider, in one GROUP BY."""
    sql = Statement()
    who = _provider_filter(sql, pro_ids, org_ids)
    rows = await sql.rows(
        "SELECT m.professional_id, m.organization_id, "
        f"SUM(CASE WHEN m.status = '{COMPLETED}' THEN 1 ELSE 0 END) AS completed, "
        "SUM(CASE WHEN m.no_show THEN 1 ELSE 0 END) AS no_shows, "
        f"SUM(CASE WHEN m.status = '{DECLINED}' OR (m.status = '{WITHDRAWN}' AND m.responded_at IS NOT NULL) "
        "THEN 1 ELSE 0 END) AS cancelled, "
        "COALESCE(SUM(m.rating), 0) AS rating_sum, COUNT(m.rating) AS rating_count "
        f"FROM match m WHERE {who} GROUP BY m.professional_id, m.organization_id"
    )
    for row in rows:
        facts = _facts_of(row, pros, orgs)
        facts.completed, facts.no_shows = int(row["completed"] or 0), int(row["no_shows"] or 0)
        facts.cancelled = int(row["cancelled"] or 0)
        facts.rating_sum, facts.rating_count = float(row["rating_sum"] or 0), int(row["rating_count"] or 0)


async def _continuity(pro_ids, org_ids, residents: set[int], pros, orgs, prior_rating: float) -> None:
    """Average rating each resident gave each provider over completed services (unrated: the prior)."""
    if not residents:
        return
    sql = Statement()
    who = _provider_filter(sql, pro_ids, org_ids)
    chosen = sql.in_ids("n.resident_id", residents)
    rows = await sql.rows(
        "SELECT n.resident_id, m.professional_id, m.organization_id, AVG(m.rating) AS rating "
        f"FROM match m JOIN need n ON n.id = m.need_id WHERE m.status = '{COMPLETED}' AND {who} AND {chosen} "
        "GROUP BY n.resident_id, m.professional_id, m.organization_id"
    )
    for row in rows:
        rating = row["rating"]
        _facts_of(row, pros, orgs).served[row["resident_id"]] = prior_rating if rating is None else float(rating)
