"""The PostgreSQL side of the matching pre-filter: the reach box and the indexes of ``extra_index_sql``."""

from __future__ import annotations

import math
import random

import pytest
from tortoise import connections

from matching import rank
from models import Area, Professional
from models.enums import CareCategory
from models.matching import KM_PER_DEGREE, REACH_FACTOR, REACH_SLACK_KM, extra_index_sql, reach_box
from resolvers.matching import match_candidates
from resolvers.matching_candidates import professionals_by_id
from resolvers.matching_facts import FactsAsOf
from resolvers.matching_needs import need_profiles
from resolvers.matching_profiles import matching_config
from tests.conftest import BACKEND
from tests.factories import make_areas
from tests.factories_matching import centre_admin, make_carer, make_elder, make_open_need

pytestmark = [pytest.mark.usefixtures("db"),
              pytest.mark.skipif(BACKEND != "postgres", reason="the reach box and these indexes are PostgreSQL's")]


async def test_the_reach_box_holds_every_point_the_distance_test_keeps():
    """Points just inside the pre-filter's distance (any bearing, latitudes 0-70, reaches up to 80 km) lie
    in the box the GiST index stores: the index never drops a professional the query would keep."""
    rng = random.Random(3)
    cases = []
    for _ in range(400):
        lat, lng = rng.uniform(-70, 70), rng.uniform(-179, 179)
        travel, bearing = rng.choice((0.0, 0.5, 1.5, 5.0, rng.uniform(0, 80))), rng.uniform(0, 2 * math.pi)
        reach = (travel * REACH_FACTOR + REACH_SLACK_KM) * 0.999999
        need_lat = lat + reach * math.cos(bearing) / KM_PER_DEGREE
        need_lng = lng + reach * math.sin(bearing) / (KM_PER_DEGREE * math.cos(math.radians(need_lat)))
        cases.append((lat, lng, travel, need_lat, need_lng))
    box = reach_box("c.")
    rows = await connections.get("default").execute_query_dict(
        f"SELECT count(*) AS outside FROM unnest($1::float8[], $2::float8[], $3::float8[], $4::float8[], "
        f"$5::float8[]) AS c(latitude, longitude, travel_km, need_lat, need_lng) "
        f"WHERE NOT {box} @> box(point(c.need_lng, c.need_lat), point(c.need_lng, c.need_lat))",
        [list(column) for column in zip(*cases, strict=True)],
    )
    assert rows[0]["outside"] == 0


async def test_ranking_with_the_indexes_equals_ranking_every_professional():
    client = connections.get("default")
    for statement in extra_index_sql("postgres"):
        await client.execute_script(statement)
    names = {row["indexname"] for row in await client.execute_query_dict("SELECT indexname FROM pg_indexes")}
    assert {"idx_professional_reach", "idx_match_professional_engaged", "idx_professional_categories_gin"} <= names
    _, here, there = await make_areas()
    await Area.filter(id=there.id).update(latitude=here.latitude + 0.03, longitude=here.longitude + 0.03)
    rng = random.Random(11)
    for i in range(60):
        await make_carer(rng.choice((here, there)), f"护理员{i:02d}", (CareCategory.MEALS,),
                         latitude=here.latitude + rng.uniform(-0.06, 0.06),
                         longitude=here.longitude + rng.uniform(-0.06, 0.06), travel_km=rng.choice((None, 1.0, 4.0)))
    await client.execute_script("ANALYZE")
    everyone = await professionals_by_id(await Professional.all().values_list("id", flat=True), FactsAsOf.of([], 4.0))
    for j in range(12):
        need = await make_open_need(await make_elder(rng.choice((here, there)), f"老人{j}"),
                                    latitude=here.latitude + rng.uniform(-0.05, 0.05),
                                    longitude=here.longitude + rng.uniform(-0.05, 0.05))
        [profile] = await need_profiles([need])
        expected = rank(profile, everyone, matching_config(), 100)
        found = await match_candidates(centre_admin(), need.id, first=100)
        assert [c.provider_key for c in found.candidates] == [c.provider_key for c in expected.candidates]
        assert found.total_eligible == expected.total_eligible


async def _derived(sql: str, *params) -> list[dict]:
    return await connections.get("default").execute_query_dict(sql, list(params))


async def test_area_ids_follow_every_write_of_the_service_areas():
    """The communities kept on the professional's row equal its service-area rows after inserts, deletes,
    clears and a cascade, whoever writes them (the triggers of ``AREA_IDS_SQL``)."""
    _, here, there = await make_areas()
    carer = await make_carer(here, "护理员甲")
    other = await make_carer(there, "护理员乙")
    await carer.service_areas.add(there)
    assert (await _derived("SELECT area_ids FROM professional WHERE id = $1", carer.id))[0]["area_ids"] == sorted(
        [here.id, there.id])
    await carer.service_areas.remove(here)
    await connections.get("default").execute_query(
        "UPDATE professional_service_area SET area_id = $1 WHERE professional_id = $2", [here.id, other.id])
    rows = {r["id"]: r["area_ids"] for r in await _derived("SELECT id, area_ids FROM professional")}
    assert rows == {carer.id: [there.id], other.id: [here.id]}
    await carer.service_areas.clear()
    assert (await _derived("SELECT area_ids FROM professional WHERE id = $1", carer.id))[0]["area_ids"] == []
    stale = await _derived(
        "SELECT count(*) AS n FROM professional p WHERE p.area_ids <> ARRAY(SELECT s.area_id FROM "
        "professional_service_area s WHERE s.professional_id = p.id ORDER BY s.area_id)")
    assert stale[0]["n"] == 0


async def test_weekly_minutes_hold_exactly_the_minutes_a_slot_holds():
    """``weekly_minutes @> m`` (what the pre-filter asks) agrees with reading the JSON slots for random
    hours and minutes, follows a change of availability, and ignores malformed slots."""
    _, here, _ = await make_areas()
    rng = random.Random(5)
    carers = []
    for i in range(25):
        slots = []
        for _ in range(rng.randint(0, 5)):
            start = rng.randint(0, 23 * 60)
            end = rng.randint(start + 1, 24 * 60)
            slots.append({"weekday": rng.randint(0, 6), "start": f"{start // 60:02d}:{start % 60:02d}",
                          "end": f"{end // 60:02d}:{end % 60:02d}"})
        carers.append((await make_carer(here, f"护理员{i}", availability=slots), slots))
    carer, _ = carers[0]
    carer.availability = [{"weekday": 2, "start": "09:00", "end": "10:30"}, {"weekday": 9, "start": "x"}, "junk",
                          {"weekday": 3, "start": "12:00", "end": "11:00"}]
    await carer.save()
    carers[0] = (carer, [{"weekday": 2, "start": "09:00", "end": "10:30"}])
    for professional, slots in carers:
        for _ in range(40):
            weekday, minute = rng.randint(0, 6), rng.randint(0, 24 * 60 - 1)
            hhmm = f"{minute // 60:02d}:{minute % 60:02d}"
            expected = any(s["weekday"] == weekday and s["start"] <= hhmm < s["end"] for s in slots)
            found = await _derived("SELECT weekly_minutes @> $1::int AS holds FROM professional WHERE id = $2",
                                   weekday * 1440 + minute, professional.id)
            assert found[0]["holds"] is expected, (slots, weekday, hhmm)


async def test_matches_carry_their_needs_window_and_resident():
    """A match gets its need's resident and window when written, and again when the need's window moves
    (the triggers of ``NEED_FACTS_ON_MATCH_SQL``): the track record never reads a stale window."""
    from datetime import timedelta

    from models import Match
    from models.enums import MatchStatus, ProviderKind

    _, here, _ = await make_areas()
    carer = await make_carer(here, "护理员甲")
    need = await make_open_need(await make_elder(here))
    match = await Match.create(need=need, provider_kind=ProviderKind.PROFESSIONAL, professional=carer,
                               status=MatchStatus.ACCEPTED, proposed_by="test")
    query = "SELECT need_resident_id, need_window_start, need_window_end FROM match WHERE id = $1"
    [row] = await _derived(query, match.id)
    assert (row["need_resident_id"], row["need_window_start"], row["need_window_end"]) == (
        need.resident_id, need.window_start, need.window_end)
    need.window_start += timedelta(days=1)
    need.window_end += timedelta(days=1, hours=1)
    await need.save()
    [row] = await _derived(query, match.id)
    assert (row["need_window_start"], row["need_window_end"]) == (need.window_start, need.window_end)


RECORD = """SELECT owner, owner_id, completed, no_shows, cancelled, rating_sum, rating_count FROM provider_record
WHERE completed <> 0 OR no_shows <> 0 OR cancelled <> 0 OR rating_sum <> 0 OR rating_count <> 0"""
RECOUNTED = """SELECT owner, owner_id, count(*) FILTER (WHERE status = 'COMPLETED') AS completed,
  count(*) FILTER (WHERE no_show) AS no_shows,
  count(*) FILTER (WHERE status = 'DECLINED' OR (status = 'WITHDRAWN' AND responded_at IS NOT NULL)) AS cancelled,
  COALESCE(sum(rating), 0) AS rating_sum, count(rating) AS rating_count
FROM (SELECT 'P' AS owner, professional_id AS owner_id, * FROM match WHERE professional_id IS NOT NULL
      UNION ALL SELECT 'O', organization_id, * FROM match WHERE organization_id IS NOT NULL) m
GROUP BY owner, owner_id"""


def _records(rows: list[dict]) -> dict:
    return {(r["owner"].strip(), r["owner_id"]): tuple(int(r[k]) for k in ("completed", "no_shows", "cancelled",
                                                                          "rating_sum", "rating_count"))
            for r in rows if any(r[k] for k in ("completed", "no_shows", "cancelled", "rating_sum", "rating_count"))}


async def test_the_kept_track_record_equals_a_recount_after_any_writes():
    """``provider_record`` (kept by the trigger of ``PROVIDER_RECORD_SQL``) equals the counts recomputed from
    every match after random inserts, status changes, ratings, no-shows, a change of provider, bulk updates
    and deletes, for professionals and organizations."""
    from models import Match
    from models.enums import MatchStatus, ProviderKind
    from tests.factories_matching import make_service_org

    _, here, _ = await make_areas()
    carers = [await make_carer(here, f"护理员{i}") for i in range(4)]
    org = await make_service_org(here, "助老社", carers[:2])
    needs = [await make_open_need(await make_elder(here, f"老人{i}")) for i in range(6)]
    rng = random.Random(21)
    statuses = list(MatchStatus)
    matches = []
    for step in range(120):
        action = rng.random()
        if action < 0.35 or not matches:
            by_org = rng.random() < 0.25
            kind = ProviderKind.ORGANIZATION if by_org else ProviderKind.PROFESSIONAL
            matches.append(await Match.create(
                need=rng.choice(needs), provider_kind=kind,
                professional=None if by_org else rng.choice(carers), organization=org if by_org else None,
                status=rng.choice(statuses), rating=rng.choice((None, 3, 5)), no_show=rng.random() < 0.1,
                responded_at=rng.choice((None, needs[0].created_at)), proposed_by="test"))
        elif action < 0.75:
            match = rng.choice(matches)
            match.status = rng.choice(statuses)
            match.rating = rng.choice((None, 1, 4, 5))
            match.no_show = rng.random() < 0.2
            match.responded_at = rng.choice((None, needs[0].created_at))
            if match.professional_id is not None and rng.random() < 0.2:
                match.professional_id = rng.choice(carers).id
            await match.save()
        elif action < 0.85:
            await Match.filter(id__in=[m.id for m in rng.sample(matches, min(3, len(matches)))]).update(
                status=rng.choice(statuses), rating=rng.choice((None, 2)))
        else:
            gone = matches.pop(rng.randrange(len(matches)))
            await gone.delete()
        if step % 20 == 19:
            assert _records(await _derived(RECORD)) == _records(await _derived(RECOUNTED))
    assert _records(await _derived(RECORD))  # the sequence did leave records to compare


async def test_history_read_from_the_kept_facts_equals_a_scan_of_the_matches():
    """The history the ranking reads on PostgreSQL (kept record, recent engagements, the residents' served
    providers) equals the plain scan of every match and its need, for professionals and an organization."""
    from datetime import UTC, datetime, timedelta

    from models import Match
    from models.enums import MatchStatus, ProviderKind
    from resolvers.matching_facts import _history_postgres, _history_scan
    from resolvers.matching_sql import Statement, as_list
    from tests.factories_matching import make_service_org

    _, here, _ = await make_areas()
    carers = [await make_carer(here, f"护理员{i}") for i in range(5)]
    org = await make_service_org(here, "助老社", carers[:2])
    elders = [await make_elder(here, f"老人{i}") for i in range(4)]
    rng = random.Random(4)
    for _ in range(60):
        need = await make_open_need(rng.choice(elders), days=rng.choice((-90, -40, -20, -1, 3, 10)))
        by_org = rng.random() < 0.2
        await Match.create(need=need, provider_kind=ProviderKind.ORGANIZATION if by_org else ProviderKind.PROFESSIONAL,
                           professional=None if by_org else rng.choice(carers), organization=org if by_org else None,
                           status=rng.choice(list(MatchStatus)), rating=rng.choice((None, 2, 5)),
                           no_show=rng.random() < 0.1, proposed_by="test")
    now = datetime.now(UTC)
    for residents in (frozenset(), frozenset({elders[0].id}), frozenset({elders[1].id, elders[2].id})):
        asof = FactsAsOf(now, residents, 4.0)
        since = now - timedelta(days=30)
        for table, column in (("professional", "professional_id"), ("organization", "organization_id")):
            found = []
            for build in ("kept", "scan"):
                sql = Statement()
                if build == "kept":
                    prefix, history = _history_postgres(sql, column, "x.id", asof, since)
                else:
                    prefix, history = "", _history_scan(sql, column, "x.id", asof, since)
                rows = await sql.rows(f"{prefix}SELECT x.id, {history} FROM {table} x ORDER BY x.id")
                found.append({r["id"]: _normal(as_list(r["history"])) for r in rows})
            assert found[0] == found[1]
            assert any(h[5] for h in found[0].values()) or not residents


def _normal(history: list) -> tuple:
    """Counts as ints, engagements as a sorted tuple (their order is not part of the answer)."""
    from resolvers.matching_sql import as_list

    *counts, engagements = history
    items = sorted(tuple(str(v) for v in item) for item in as_list(engagements) if item is not None)
    return (*(int(c or 0) for c in counts), tuple(items))


async def test_the_apps_connections_plan_every_statement_for_its_values():
    """The app's connections never switch a prepared statement to a generic plan (the pre-filter's generic
    plan was up to 20 times slower for some needs): after many runs of one statement, no generic plan."""
    from tortoise.backends.asyncpg.client import AsyncpgDBClient

    from graphql_api.settings import Settings
    from tests.conftest import POSTGRES_URL

    name = (await _derived("SELECT current_database() AS name"))[0]["name"]
    url = f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}"
    credentials = Settings(database_url=url).tortoise_config()["connections"]["default"]["credentials"]
    assert credentials["server_settings"]["plan_cache_mode"] == "force_custom_plan"
    client = AsyncpgDBClient(connection_name="plans", **credentials)
    await client.create_connection(with_db=True)
    try:
        async with client.acquire_connection() as conn:
            for i in range(8):
                await conn.fetch("SELECT count(*) FROM professional WHERE id > $1", i)
            rows = await conn.fetch("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                                    "WHERE statement LIKE 'SELECT count(*) FROM professional WHERE id > $1'")
    finally:
        await client.close()
    assert [(r["generic_plans"], r["custom_plans"]) for r in rows] == [(0, 8)]


async def test_the_apps_connections_start_no_parallel_workers_but_reports_do(db):
    """A parallel plan's workers took longer to start than the API's short statements run; reports, long scans,
    still use them."""
    from tortoise.backends.asyncpg.client import AsyncpgDBClient

    from graphql_api.settings import Settings
    from resolvers.reports.sql import PARALLEL_WORKERS, ReportStatement
    from tests.conftest import POSTGRES_URL

    name = (await _derived("SELECT current_database() AS name"))[0]["name"]
    credentials = Settings(database_url=f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}").tortoise_config()[
        "connections"]["default"]["credentials"]
    client = AsyncpgDBClient(connection_name="workers", **credentials)
    await client.create_connection(with_db=True)
    try:
        async with client.acquire_connection() as conn:
            assert await conn.fetchval("SHOW max_parallel_workers_per_gather") == "0"
    finally:
        await client.close()
    report = await ReportStatement().rows("SELECT current_setting('max_parallel_workers_per_gather') AS workers")
    assert report == [{"workers": str(PARALLEL_WORKERS)}]
