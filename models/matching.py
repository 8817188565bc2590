"""What residents tell matching about providers: blocks of providers they do not want again."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import ProviderKind


class ProviderBlock(TimestampedModel):
    """A resident who blocked a provider is not offered that provider again (exactly one provider is set)."""

    resident = fields.ForeignKeyField("models.Resident", related_name="provider_blocks", on_delete=fields.CASCADE)
    provider_kind = fields.CharEnumField(ProviderKind, max_length=20)
    professional = fields.ForeignKeyField(
        "models.Professional", related_name="blocked_by", null=True, on_delete=fields.CASCADE
    )
    organization = fields.ForeignKeyField(
        "models.Organization", related_name="blocked_by", null=True, on_delete=fields.CASCADE
    )
    reason = fields.CharField(max_length=200, default="", description="Why, in the resident's words (optional)")

    class Meta:
        table = "provider_block"
        ordering = ["id"]
        unique_together = (("resident", "professional"), ("resident", "organization"))


KM_PER_DEGREE = 111.2
"""Kilometres per degree of latitude (and of longitude at the equator), as the pre-filter reckons."""
REACH_FACTOR, REACH_SLACK_KM = 1.02, 0.1
"""The pre-filter keeps a professional within ``travel_km * 1.02 + 0.1`` km of a need (a superset of the
engine's exact haversine rule)."""

SERVICE_AREA_INDEX_SQL = (
    'CREATE INDEX IF NOT EXISTS "idx_professional_service_area_area" '
    'ON "professional_service_area" ("area_id", "professional_id")'
)
CATEGORIES_GIN_SQL = (
    'CREATE INDEX IF NOT EXISTS "idx_professional_categories_gin" ON "professional" USING GIN ("categories")'
)


def reach_box(alias: str = "") -> str:
    """The box (longitude, latitude) a professional reaches: every point within ``travel_km * 1.02 + 0.1``
    km of them, with 10 m more (PostgreSQL).

    Degrees of longitude are reckoned at the latitude farthest from the equator the reach gets to,
    so the box holds every point the pre-filter's distance test keeps. ``alias`` prefixes the
    columns (``"p."``): the planner matches the expression of ``idx_professional_reach`` whatever
    the alias.
    """
    reach = f"({alias}travel_km * {REACH_FACTOR} + {round(REACH_SLACK_KM + 0.01, 6)})"
    half_lat = f"{reach} / {KM_PER_DEGREE}"
    half_lng = f"{reach} / ({KM_PER_DEGREE} * cos(radians(LEAST(abs({alias}latitude) + {half_lat}, 89.9))))"
    return (f"box(point({alias}longitude - {half_lng}, {alias}latitude - {half_lat}), "
            f"point({alias}longitude + {half_lng}, {alias}latitude + {half_lat}))")


REACH_INDEX_SQL = (
    f'CREATE INDEX IF NOT EXISTS "idx_professional_reach" ON "professional" USING GIST (({reach_box()})) '
    "WHERE travel_km IS NOT NULL AND latitude IS NOT NULL AND longitude IS NOT NULL"
)
MATCH_FACTS_INDEX_SQL = [
    f'CREATE INDEX IF NOT EXISTS "idx_match_{owner}_facts" ON "match" ("{owner}_id", "status") '
    f'INCLUDE ("need_id", "no_show", "responded_at", "rating") WHERE "{owner}_id" IS NOT NULL'
    for owner in ("professional", "organization")
]


def extra_index_sql(dialect: str) -> list[str]:
    """Indexes of the matching pre-filter that model ``Meta`` cannot declare, for a database dialect.

    The many-to-many table gets an index led by ``area_id`` (Tortoise's own unique index is led by
    ``professional_id``), on every database. On PostgreSQL: a GIN index on the care categories of
    professionals, which answers ``categories @> '["MEALS"]'``; a GiST index on the box each
    professional reaches (:func:`reach_box`), which finds who can travel to a point, and which the
    planner ANDs with the GIN one; and covering indexes of a provider's matches, from which the
    track record and engagements are read without visiting the table. A migration applies them
    with ``RunPython`` (the statements are idempotent).
    """
    if dialect != "postgres":
        return [SERVICE_AREA_INDEX_SQL]
    return [SERVICE_AREA_INDEX_SQL, CATEGORIES_GIN_SQL, REACH_INDEX_SQL, *MATCH_FACTS_INDEX_SQL]
