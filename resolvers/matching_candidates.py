"""The candidate pre-filter in SQL: which providers are worth loading for a need (or a batch of needs).

A professional is loaded when ACTIVE, offering the category, and either serving the need's
community or, when the need has coordinates, within their own travel distance of it (an
equirectangular distance with slack, so no one the engine's exact haversine rule would keep is
dropped). On PostgreSQL the three tests are index scans ANDed and ORed as bitmaps (see
``models.matching.extra_index_sql``): the GIN index of categories, the GIN index of the communities
each professional serves, and the GiST index of the box each professional reaches, so only the
few hundred rows passing all of them are read. For ranking, the rules a professional's own rows
decide (gender, language, age, weekly hours, certificates) are checked in SQL as well, as
necessary conditions: the engine still decides. Organizations are few: the active ones offering the
category and serving the community. For "why not this person?" the same queries run without the
extra rules, plus up to 200 providers of the category failing the place rule. A batch loads, once,
everyone offering one of its categories and serving one of its communities or inside the box around
its needs widened by the largest travel distance on file (index ``professional(status, latitude,
longitude)``).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterable, Sequence
from typing import Any

from matching import ProviderProfile
from matching.context import NeedContext
from models import Need
from models.enums import OrganizationStatus, ProfessionalStatus
from models.matching import KM_PER_DEGREE, reach_box
from resolvers.matching_facts import FactsAsOf, Focus, Where, organizations, professionals
from resolvers.matching_sql import Statement, spare_connections

SPLIT_WHEN_IDLE = 3
"""Ranking one need loads its professionals as two halves at once, on two pooled connections, when at
least this many sit idle (the organizations take a third): on an idle server a large need's query then
runs on two cores, in about half the time. A busy server, whose connections are taken, sends one
statement (the halves cost the database a second index scan, which only pays off on idle cores)."""

EXCLUDED_LIMIT = 200
"""At most this many providers failing the place rule are shown when asked "why not this person?"."""

ACTIVE = ProfessionalStatus.ACTIVE.value
ORG_ACTIVE = OrganizationStatus.ACTIVE.value
STORED_GENDERS = {"F": "FEMALE", "M": "MALE"}
MAX_TRAVEL = f"(SELECT MAX(t.travel_km) FROM professional t WHERE t.status = '{ACTIVE}')"


def _real(sql: Statement, value: float) -> str:
    """A float parameter typed for PostgreSQL (SQLite needs no cast)."""
    mark = sql.param(float(value))
    return f"CAST({mark} AS DOUBLE PRECISION)" if sql.postgres else mark


def _within_reach(sql: Statement, latitude: float, longitude: float) -> str:
    """The professional ``p`` has a travel distance that reaches the point, on a flat map with the
    point's degrees of longitude (with slack).

    The flat distance differs from the engine's haversine by less than ``d / 2000`` (relative) up to
    latitude 70 for ``d`` km (mostly from reckoning longitude at the point's latitude, a
    ``tan(latitude) * d / 6371`` error), so the reach ``travel_km * (1.002 + travel_km / 2000) + 0.01``
    keeps everyone the engine would (tests/resolvers/test_matching_sql.py) while letting through only a
    sliver more; the reach box of the index is wider still (``REACH_FACTOR``, ``REACH_SLACK_KM``).
    """
    lat, lng = _real(sql, latitude), _real(sql, longitude)
    km_lat = _real(sql, KM_PER_DEGREE)
    km_lng = _real(sql, KM_PER_DEGREE * math.cos(math.radians(latitude)))
    reach = "(p.travel_km * (1.002 + p.travel_km / 2000.0) + 0.01)"
    return (
        f"(p.travel_km IS NOT NULL AND p.latitude IS NOT NULL AND p.longitude IS NOT NULL "
        f"AND ((p.latitude - {lat}) * {km_lat}) * ((p.latitude - {lat}) * {km_lat}) "
        f"+ ((p.longitude - {lng}) * {km_lng}) * ((p.longitude - {lng}) * {km_lng}) <= {reach} * {reach})"
    )


def _place(sql: Statement, need: Need) -> str:
    """The professional ``p`` reaches the need's location (when it has one) or serves its community.

    On PostgreSQL "serves" reads the communities the database keeps on the row (``p.area_ids``, see
    ``models.matching.AREA_IDS_SQL``), and a first condition is written for the indexes only: the reach
    box holds the point (``idx_professional_reach``) or ``area_ids @> {c}`` (``idx_professional_area_ids``),
    which the planner ORs as bitmaps and ANDs with the categories' one. Since the bitmap answers it
    exactly, the rows read are tested only with the second condition, the exact one.
    """
    community = sql.param(need.community_id)
    if sql.postgres:
        indexed = f"p.area_ids @> ARRAY[{community}::int]"
        serves = f"{community}::int = ANY(p.area_ids)"
    else:
        indexed = serves = (f"p.id IN (SELECT s.professional_id FROM professional_service_area s "
                            f"WHERE s.area_id = {community})")
    if need.latitude is None or need.longitude is None:
        return indexed
    exact = f"({_within_reach(sql, need.latitude, need.longitude)} OR {serves})"
    if not sql.postgres:
        return exact
    lat, lng = _real(sql, need.latitude), _real(sql, need.longitude)
    boxed = (f"p.travel_km IS NOT NULL AND p.latitude IS NOT NULL AND p.longitude IS NOT NULL "
             f"AND {reach_box('p.')} @> box(point({lng}, {lat}), point({lng}, {lat}))")
    return f"((({boxed}) OR {indexed}) AND {exact})"


async def professionals_for_need(need: Need, asof: FactsAsOf, ctx: NeedContext | None = None,
                                 shown: dict[int, Any] | None = None) -> list[ProviderProfile]:
    """Active professionals offering the need's category who pass the place pre-filter.

    With the engine's prepared need ``ctx``, the rules a row alone decides are checked in SQL too
    (see :func:`_row_rules`), so only providers that may be eligible are loaded, with only the facts
    this need looks at (:class:`~resolvers.matching_facts.Focus`). On PostgreSQL the
    indexes pick the rows passing the category and place tests before any rule is tested; on
    SQLite a ``CASE`` makes the database test the rules only on the rows that pass the place test.
    With ``shown``, the rows are kept there too (see :func:`~resolvers.matching_facts.professionals`).
    """
    def where(sql: Statement) -> str:
        offers, place = sql.json_has("p.categories", need.category), _place(sql, need)
        if ctx is None:
            return f"p.status = '{ACTIVE}' AND {offers} AND {place}"
        rules = " AND ".join(_row_rules(sql, ctx))
        if sql.postgres:
            return f"p.status = '{ACTIVE}' AND {offers} AND {place} AND {rules}"
        return f"p.status = '{ACTIVE}' AND {offers} AND CASE WHEN {place} THEN {rules} ELSE FALSE END"

    if ctx is None:
        return await professionals(where, asof, shown=shown)
    focus = need_focus(need, ctx)
    if spare_connections() < SPLIT_WHEN_IDLE:
        return await professionals(where, asof, focus=focus, shown=shown)

    def part(remainder: int) -> Where:  # every other professional by id: two halves of the same rows
        return lambda sql: f"{where(sql)} AND {half(remainder)}"

    halves = await asyncio.gather(*(professionals(part(r), asof, focus=focus, shown=shown) for r in (0, 1)))
    return sorted(halves[0] + halves[1], key=_provider_id)


def half(remainder: int) -> str:
    """The condition picking one half of a need's professionals (``bench.explain`` finds the halves by it)."""
    return f"p.id % 2 = {remainder}"


def _provider_id(provider: ProviderProfile) -> int:
    return provider.id


def need_focus(need: Need, ctx: NeedContext) -> Focus:
    """What ranking this one need looks at of a provider (see :class:`~resolvers.matching_facts.Focus`)."""
    kinds = frozenset(str(k) for k in ctx.qualification_any | ctx.required_all | ctx.child_safety_all)
    return Focus(need.community_id, str(need.category), kinds, bool(ctx.need.languages), bool(ctx.need.skills_wanted))


async def professionals_out_of_place(need: Need, asof: FactsAsOf, limit: int = EXCLUDED_LIMIT,
                                     shown: dict[int, Any] | None = None) -> list[ProviderProfile]:
    """Active professionals offering the category who fail the place pre-filter (at most ``limit``)."""
    def where(sql: Statement) -> str:
        return f"p.status = '{ACTIVE}' AND {sql.json_has('p.categories', need.category)} AND NOT {_place(sql, need)}"

    return await professionals(where, asof, suffix=f"ORDER BY p.id LIMIT {int(limit)}", shown=shown)


async def professionals_for_batch(needs: Sequence[Need], asof: FactsAsOf) -> list[ProviderProfile]:
    """Active professionals offering any of the needs' categories and serving one of their communities,
    or within reach of the box around the needs' locations (the engine then checks every pair)."""
    def where(sql: Statement) -> str:
        communities = sql.in_ids("s.area_id", {n.community_id for n in needs})
        place = f"SELECT s.professional_id FROM professional_service_area s WHERE {communities}"
        located = [n for n in needs if n.latitude is not None and n.longitude is not None]
        if located:
            place += f" UNION {_within_box(sql, located)}"
        offers = sql.json_has_any("p.categories", {n.category for n in needs})
        return f"p.status = '{ACTIVE}' AND {offers} AND p.id IN ({place})"

    return await professionals(where, asof)


async def professionals_by_id(ids: Iterable[int], asof: FactsAsOf, active_only: bool = True
                              ) -> list[ProviderProfile]:
    """Professionals with these ids (e.g. an organization's members)."""
    def where(sql: Statement) -> str:
        return sql.in_ids("p.id", ids) + (f" AND p.status = '{ACTIVE}'" if active_only else "")

    return await professionals(where, asof)


async def organizations_offering(categories: Iterable[str], asof: FactsAsOf, community_id: int | None = None,
                                 focus: Focus | None = None, shown: dict[int, Any] | None = None
                                 ) -> list[ProviderProfile]:
    """Active organizations offering any of ``categories`` (serving ``community_id``, when given).

    An organization serves its area (a subdistrict: each of its communities) and every community
    an active member serves, exactly as its profile says, so the place test here drops no one. The
    members are probed per organization offering the category (a dozen each), not hashed all at once.
    With a ``focus`` (ranking one need of ``community_id``), only the facts that need looks at are loaded.
    """
    def where(sql: Statement) -> str:
        condition = f"o.status = '{ORG_ACTIVE}' AND {sql.json_has_any('o.categories', categories)}"
        if community_id is None:
            return condition
        here = sql.param(community_id)
        return (
            f"{condition} AND (o.area_id = {here} OR o.area_id IN (SELECT a.parent_id FROM area a WHERE a.id = {here}) "
            f"OR EXISTS (SELECT 1 FROM membership ms JOIN professional_service_area s "
            f"ON s.professional_id = ms.professional_id AND s.area_id = {here} JOIN professional m "
            f"ON m.id = ms.professional_id AND m.status = '{ACTIVE}' WHERE ms.organization_id = o.id "
            f"AND o.status = '{ORG_ACTIVE}'))"  # the outer test keeps PostgreSQL from hashing every membership
        )

    return await organizations(where, asof, focus if community_id is not None else None, shown)


async def organizations_by_id(ids: Iterable[int], asof: FactsAsOf) -> list[ProviderProfile]:
    """Organizations with these ids, whatever their status."""
    return await organizations(lambda sql: sql.in_ids("o.id", ids), asof)


def _row_rules(sql: Statement, ctx: NeedContext) -> list[str]:
    """Necessary conditions of eligibility a professional's own rows decide, as SQL.

    Gender, language and age exactly; availability as the engine's rule on PostgreSQL (the merged
    weekly minutes cover the window), as "a weekly slot holds the window's first minute" on SQLite;
    qualifications and child-safety checks as "holds a verified certificate of the kind, issued by
    the first day and valid on the last". The
    engine still checks every rule exactly: these only keep hopeless rows out.
    """
    need = ctx.need
    rules = [f"(p.birth_date IS NULL OR p.birth_date <= {sql.day(ctx.adult_cutoff)})"]
    if need.preferred_gender:
        rules.append(f"p.gender = {sql.param(STORED_GENDERS[need.preferred_gender])}")
    if need.languages:
        rules.append(sql.json_has_any("p.languages", need.languages))
    rules.append(sql.hours_cover("p", ctx.segments))
    groups = [ctx.qualification_any] if ctx.qualification_any else []
    groups += [frozenset({kind}) for kind in sorted(ctx.required_all | ctx.child_safety_all)]
    if not groups:
        return rules
    valid = (f"c.verified_at IS NOT NULL AND (c.issued_on IS NULL OR c.issued_on <= {sql.day(ctx.first_day)}) "
             f"AND (c.expires_on IS NULL OR c.expires_on >= {sql.day(ctx.last_day)})")
    # OFFSET 0 keeps PostgreSQL from turning the test into a join: for a few hundred candidates it then hashed
    # every certificate of the city (a 10 ms plan instead of 6.5 ms of index probes, per candidate)
    fence = " OFFSET 0" if sql.postgres else ""
    for kinds in groups:
        listed = ", ".join(sql.param(str(kind)) for kind in sorted(kinds))
        rules.append(f"EXISTS (SELECT 1 FROM certification c WHERE c.professional_id = p.id AND c.kind IN ({listed}) "
                     f"AND {valid}{fence})")
    return rules


def _within_box(sql: Statement, needs: Sequence[Need]) -> str:
    """Ids of active professionals with a travel distance, within the largest one of the needs' box."""
    low_lat, high_lat = min(n.latitude for n in needs), max(n.latitude for n in needs)
    low_lng, high_lng = min(n.longitude for n in needs), max(n.longitude for n in needs)
    km_lat = _real(sql, KM_PER_DEGREE)
    km_lng = _real(sql, KM_PER_DEGREE * math.cos(math.radians(max(abs(low_lat), abs(high_lat)))))
    return (
        f"SELECT q.id FROM professional q WHERE q.status = '{ACTIVE}' AND q.travel_km IS NOT NULL "
        f"AND q.latitude BETWEEN {_real(sql, low_lat)} - {MAX_TRAVEL} / {km_lat} "
        f"AND {_real(sql, high_lat)} + {MAX_TRAVEL} / {km_lat} "
        f"AND q.longitude BETWEEN {_real(sql, low_lng)} - {MAX_TRAVEL} / {km_lng} "
        f"AND {_real(sql, high_lng)} + {MAX_TRAVEL} / {km_lng}"
    )


async def categories_offered(categories: Iterable[str]) -> set[str]:
    """Which of ``categories`` some active professional or organization offers anywhere (one statement)."""
    sql = Statement()
    wanted = sorted({str(c) for c in categories})
    checks = " UNION ".join(
        f"SELECT {sql.param(c)} AS category WHERE EXISTS (SELECT 1 FROM professional p WHERE p.status = '{ACTIVE}' "
        f"AND {sql.json_has('p.categories', c)}) OR EXISTS (SELECT 1 FROM organization o WHERE o.status = "
        f"'{ORG_ACTIVE}' AND {sql.json_has('o.categories', c)})"
        for c in wanted
    )
    return {str(row["category"]) for row in await sql.rows(checks)} if wanted else set()
