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
    assert {"idx_professional_reach", "idx_match_professional_history", "idx_professional_categories_gin"} <= names
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
