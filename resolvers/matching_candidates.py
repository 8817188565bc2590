"""The candidate pre-filter in SQL: which providers are worth loading for a need (or a batch of needs).

A professional is loaded when ACTIVE, offering the category, and either serving the need's
community (``professional_service_area``, indexed by area) or, when the need has coordinates, lying
within their own travel distance of it. The distance test uses a bounding box as wide as the
largest travel distance on file (the index ``professional(status, latitude, longitude)``), then an
equirectangular distance with slack, so it never drops a provider the engine's exact (haversine)
rule would keep. Organizations are few: every ACTIVE one offering the category is loaded and the
engine applies the place rule. Rows come back with the columns the profiles need, nothing else.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from models import Need
from models.enums import OrganizationStatus, ProfessionalStatus
from resolvers.matching_sql import Statement

KM_PER_DEGREE = 111.2
DISTANCE_SLACK = 1.02
DISTANCE_SLACK_KM = 0.1
EXCLUDED_LIMIT = 200
"""At most this many providers failing the place rule are shown when asked "why not this person?"."""

PRO_COLUMNS = (
    "p.id, p.name, p.gender, p.birth_date, p.categories, p.skills, p.languages, p.years_experience, "
    "p.availability, p.max_concurrent, p.latitude, p.longitude, p.travel_km, p.status"
)
ORG_COLUMNS = "o.id, o.name, o.categories, o.area_id, o.latitude, o.longitude, o.status"
ACTIVE = ProfessionalStatus.ACTIVE.value
MAX_TRAVEL = f"(SELECT MAX(t.travel_km) FROM professional t WHERE t.status = '{ACTIVE}')"


def _real(sql: Statement, value: float) -> str:
    """A float parameter typed for PostgreSQL (SQLite needs no cast)."""
    mark = sql.param(float(value))
    return f"CAST({mark} AS DOUBLE PRECISION)" if sql.postgres else mark


def _within_travel(sql: Statement, latitude: float, longitude: float) -> str:
    """Ids of active professionals within their travel distance of a point (with slack)."""
    lat, lng = _real(sql, latitude), _real(sql, longitude)
    km_lat = _real(sql, KM_PER_DEGREE)
    km_lng = _real(sql, KM_PER_DEGREE * math.cos(math.radians(latitude)))
    reach = f"(q.travel_km * {DISTANCE_SLACK} + {DISTANCE_SLACK_KM})"
    return (
        f"SELECT q.id FROM professional q WHERE q.status = '{ACTIVE}' "
        f"AND q.latitude BETWEEN {lat} - {MAX_TRAVEL} / {km_lat} AND {lat} + {MAX_TRAVEL} / {km_lat} "
        f"AND q.longitude BETWEEN {lng} - {MAX_TRAVEL} / {km_lng} AND {lng} + {MAX_TRAVEL} / {km_lng} "
        f"AND q.travel_km IS NOT NULL "
        f"AND ((q.latitude - {lat}) * {km_lat}) * ((q.latitude - {lat}) * {km_lat}) "
        f"+ ((q.longitude - {lng}) * {km_lng}) * ((q.longitude - {lng}) * {km_lng}) <= {reach} * {reach}"
    )


def _place_ids(sql: Statement, need: Need) -> str:
    """Ids of the professionals serving the need's community or within reach of its location."""
    community = sql.param(need.community_id)
    served = f"SELECT s.professional_id FROM professional_service_area s WHERE s.area_id = {community}"
    if need.latitude is None or need.longitude is None:
        return served
    return f"{served} UNION {_within_travel(sql, need.latitude, need.longitude)}"


async def professionals_for_need(need: Need) -> list[dict]:
    """Active professionals offering the need's category who pass the place pre-filter."""
    sql = Statement()
    offers = sql.json_has("p.categories", need.category)
    place = _place_ids(sql, need)
    return await sql.rows(
        f"SELECT {PRO_COLUMNS} FROM professional p WHERE p.status = '{ACTIVE}' AND {offers} "
        f"AND p.id IN ({place}) ORDER BY p.id"
    )


async def professionals_out_of_place(need: Need, limit: int = EXCLUDED_LIMIT) -> list[dict]:
    """Active professionals offering the category who fail the place pre-filter (at most ``limit``)."""
    sql = Statement()
    offers = sql.json_has("p.categories", need.category)
    place = _place_ids(sql, need)
    return await sql.rows(
        f"SELECT {PRO_COLUMNS} FROM professional p WHERE p.status = '{ACTIVE}' AND {offers} "
        f"AND p.id NOT IN ({place}) ORDER BY p.id LIMIT {int(limit)}"
    )


async def professionals_for_batch(needs: Sequence[Need]) -> list[dict]:
    """Active professionals offering any of the needs' categories and serving one of their communities,
    or within reach of the box around the needs' locations (the engine then checks every pair)."""
    sql = Statement()
    offers = sql.json_has_any("p.categories", {n.category for n in needs})
    communities = sql.in_ids("s.area_id", {n.community_id for n in needs})
    place = f"SELECT s.professional_id FROM professional_service_area s WHERE {communities}"
    located = [n for n in needs if n.latitude is not None and n.longitude is not None]
    if located:
        place += f" UNION {_within_box(sql, located)}"
    return await sql.rows(
        f"SELECT {PRO_COLUMNS} FROM professional p WHERE p.status = '{ACTIVE}' AND {offers} "
        f"AND p.id IN ({place}) ORDER BY p.id"
    )


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


async def professionals_by_id(ids: Iterable[int], active_only: bool = True) -> list[dict]:
    """Professionals with these ids (e.g. an organization's members), as pre-filter rows."""
    sql = Statement()
    chosen = sql.in_ids("p.id", ids)
    active = f" AND p.status = '{ACTIVE}'" if active_only else ""
    return await sql.rows(f"SELECT {PRO_COLUMNS} FROM professional p WHERE {chosen}{active} ORDER BY p.id")


async def organizations_offering(categories: Iterable[str]) -> list[dict]:
    """Active organizations offering any of ``categories``."""
    sql = Statement()
    offers = sql.json_has_any("o.categories", categories)
    return await sql.rows(
        f"SELECT {ORG_COLUMNS} FROM organization o WHERE o.status = '{OrganizationStatus.ACTIVE.value}' "
        f"AND {offers} ORDER BY o.id"
    )


async def organizations_by_id(ids: Iterable[int]) -> list[dict]:
    """Organizations with these ids, whatever their status, as pre-filter rows."""
    sql = Statement()
    return await sql.rows(f"SELECT {ORG_COLUMNS} FROM organization o WHERE {sql.in_ids('o.id', ids)} ORDER BY o.id")


async def categories_offered(categories: Iterable[str]) -> set[str]:
    """Which of ``categories`` some active professional or organization offers anywhere (one statement)."""
    sql = Statement()
    wanted = sorted({str(c) for c in categories})
    checks = " UNION ".join(
        f"SELECT {sql.param(c)} AS category WHERE EXISTS (SELECT 1 FROM professional p WHERE p.status = '{ACTIVE}' "
        f"AND {sql.json_has('p.categories', c)}) OR EXISTS (SELECT 1 FROM organization o WHERE o.status = "
        f"'{OrganizationStatus.ACTIVE.value}' AND {sql.json_has('o.categories', c)})"
        for c in wanted
    )
    return {str(row["category"]) for row in await sql.rows(checks)} if wanted else set()
