"""The pre-filter's distance test keeps everyone the engine's haversine rule keeps (both databases)."""

from __future__ import annotations

import math
import random

import pytest

from matching import GeoPoint
from resolvers.matching_candidates import _within_reach
from resolvers.matching_sql import Statement

pytestmark = pytest.mark.usefixtures("db")


def _point_at(lat: float, lng: float, km: float, bearing: float) -> tuple[float, float]:
    """The point ``km`` away from (lat, lng) along ``bearing`` on the engine's sphere."""
    delta, phi, lam = km / 6371.0088, math.radians(lat), math.radians(lng)
    phi2 = math.asin(math.sin(phi) * math.cos(delta) + math.cos(phi) * math.sin(delta) * math.cos(bearing))
    lam2 = lam + math.atan2(math.sin(bearing) * math.sin(delta) * math.cos(phi),
                            math.cos(delta) - math.sin(phi) * math.sin(phi2))
    return math.degrees(phi2), math.degrees(lam2)


async def test_the_distance_test_keeps_every_provider_the_engine_keeps():
    """Providers just inside their travel distance of a need (any bearing, latitudes up to 70, travel up to
    80 km, by the engine's own haversine) pass the SQL test, and ones well outside it do not."""
    rng = random.Random(8)
    for _ in range(300):
        need_lat, need_lng = rng.uniform(-70, 70), rng.uniform(-179, 179)
        travel = rng.choice((0.3, 1.5, 3.0, 5.0, rng.uniform(0.1, 80)))
        bearing = rng.uniform(0, 2 * math.pi)
        inside = _point_at(need_lat, need_lng, travel * 0.9999, bearing)
        outside = _point_at(need_lat, need_lng, travel * 1.05 + 0.05, bearing)
        assert GeoPoint(*inside).distance_km(GeoPoint(need_lat, need_lng)) <= travel
        for (lat, lng), kept in ((inside, True), (outside, False)):
            sql = Statement()
            condition = _within_reach(sql, need_lat, need_lng)
            values = ", ".join(sql.param(v) for v in (travel, lat, lng))
            cast = "::float8" if sql.postgres else ""
            source = (f"(SELECT {values.split(', ')[0]}{cast} AS travel_km, {values.split(', ')[1]}{cast} AS latitude, "
                      f"{values.split(', ')[2]}{cast} AS longitude) p")
            rows = await sql.rows(f"SELECT COUNT(*) AS n FROM {source} WHERE {condition}")
            assert rows[0]["n"] == int(kept), (need_lat, need_lng, travel, lat, lng, kept)
