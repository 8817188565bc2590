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
    assert {"idx_professional_reach", "idx_match_professional_facts", "idx_professional_categories_gin"} <= names
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
