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
NEED_FACTS_BACKFILL = """UPDATE match m SET need_resident_id = n.resident_id, need_window_start = n.window_start,
           need_window_end = n.window_end FROM need n WHERE n.id = m.need_id"""
RECORD_BACKFILL = """INSERT INTO provider_record
    (owner, owner_id, completed, no_shows, cancelled, rating_sum, rating_count)
    SELECT owner, owner_id, count(*) FILTER (WHERE status = 'COMPLETED'), count(*) FILTER (WHERE no_show),
           count(*) FILTER (WHERE status = 'DECLINED' OR (status = 'WITHDRAWN' AND responded_at IS NOT NULL)),
           COALESCE(sum(rating), 0), count(rating)
    FROM (SELECT 'P' AS owner, professional_id AS owner_id, * FROM match WHERE professional_id IS NOT NULL
          UNION ALL SELECT 'O', organization_id, * FROM match WHERE organization_id IS NOT NULL) m
    GROUP BY owner, owner_id"""
AREA_IDS_UPDATE = """UPDATE professional p SET area_ids = ARRAY(SELECT s.area_id FROM professional_service_area s
      WHERE s.professional_id = p.id ORDER BY s.area_id) WHERE p.id IN ({})"""
"""Recompute ``area_ids`` of the professionals the subquery ``{}`` names."""
AREA_IDS_BACKFILL = AREA_IDS_UPDATE.format("SELECT DISTINCT professional_id FROM professional_service_area")


def derived_backfill_sql() -> list[str]:
    """PostgreSQL: fill every derived column and table of the matching pre-filter from scratch (for a bulk
    load made with the triggers off, ``session_replication_role = replica``: ``bench.seed_city``)."""
    return [NEED_FACTS_BACKFILL, "DELETE FROM provider_record", RECORD_BACKFILL, AREA_IDS_BACKFILL]


NEED_FACTS_ON_MATCH_SQL = [
    'ALTER TABLE "match" ADD COLUMN IF NOT EXISTS "need_resident_id" int, '
    'ADD COLUMN IF NOT EXISTS "need_window_start" timestamptz, ADD COLUMN IF NOT EXISTS "need_window_end" timestamptz',
    """CREATE OR REPLACE FUNCTION linli_match_need_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT n.resident_id, n.window_start, n.window_end INTO NEW.need_resident_id, NEW.need_window_start,
         NEW.need_window_end FROM need n WHERE n.id = NEW.need_id;
  RETURN NEW;
END $$""",
    """CREATE OR REPLACE FUNCTION linli_need_facts_to_matches() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE match SET need_resident_id = NEW.resident_id, need_window_start = NEW.window_start,
         need_window_end = NEW.window_end WHERE need_id = NEW.id;
  RETURN NULL;
END $$""",
    """DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'trg_match_need_facts') THEN
    CREATE TRIGGER trg_match_need_facts BEFORE INSERT OR UPDATE OF need_id ON match
      FOR EACH ROW EXECUTE FUNCTION linli_match_need_facts();
    CREATE TRIGGER trg_need_facts_to_matches AFTER UPDATE OF resident_id, window_start, window_end ON need
      FOR EACH ROW WHEN (OLD.resident_id IS DISTINCT FROM NEW.resident_id
                         OR OLD.window_start IS DISTINCT FROM NEW.window_start
                         OR OLD.window_end IS DISTINCT FROM NEW.window_end)
      EXECUTE FUNCTION linli_need_facts_to_matches();
    """ + NEED_FACTS_BACKFILL + """;
  END IF;
END $$""",
]
"""PostgreSQL: each match carries its need's resident and window (``need_resident_id``,
``need_window_start``, ``need_window_end``), copied by triggers when the match is written and when the
need's window changes, so a provider's engagements and the residents they served are read from one
covering index of their matches without visiting a need per match."""

PROVIDER_RECORD_SQL = [
    """CREATE TABLE IF NOT EXISTS "provider_record" (
    "owner" char(1) NOT NULL, "owner_id" int NOT NULL,
    "completed" int NOT NULL DEFAULT 0, "no_shows" int NOT NULL DEFAULT 0, "cancelled" int NOT NULL DEFAULT 0,
    "rating_sum" bigint NOT NULL DEFAULT 0, "rating_count" int NOT NULL DEFAULT 0,
    PRIMARY KEY ("owner", "owner_id"))""",
    """CREATE OR REPLACE FUNCTION linli_record_add(kind char, who int, m match, sign int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  done int := (m.status = 'COMPLETED')::int;
  missed int := COALESCE(m.no_show, false)::int;
  dropped int := (m.status = 'DECLINED' OR (m.status = 'WITHDRAWN' AND m.responded_at IS NOT NULL))::int;
  rated int := (m.rating IS NOT NULL)::int;
BEGIN
  IF who IS NULL OR done + missed + dropped + rated = 0 THEN
    RETURN;  -- proposals, acceptances and silent withdrawals change no record: no row is locked for them
  END IF;
  INSERT INTO provider_record AS r (owner, owner_id, completed, no_shows, cancelled, rating_sum, rating_count)
  VALUES (kind, who, sign * done, sign * missed, sign * dropped, sign * COALESCE(m.rating, 0), sign * rated)
  ON CONFLICT (owner, owner_id) DO UPDATE SET completed = r.completed + EXCLUDED.completed,
    no_shows = r.no_shows + EXCLUDED.no_shows, cancelled = r.cancelled + EXCLUDED.cancelled,
    rating_sum = r.rating_sum + EXCLUDED.rating_sum, rating_count = r.rating_count + EXCLUDED.rating_count;
END $$""",
    """CREATE OR REPLACE FUNCTION linli_match_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM linli_record_add('P', OLD.professional_id, OLD, -1);
    PERFORM linli_record_add('O', OLD.organization_id, OLD, -1);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM linli_record_add('P', NEW.professional_id, NEW, 1);
    PERFORM linli_record_add('O', NEW.organization_id, NEW, 1);
  END IF;
  RETURN NULL;
END $$""",
    """DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'trg_match_record') THEN
    LOCK TABLE match IN SHARE MODE;
    CREATE TRIGGER trg_match_record AFTER INSERT OR DELETE OR UPDATE OF status, no_show, responded_at, rating,
      professional_id, organization_id ON match FOR EACH ROW EXECUTE FUNCTION linli_match_record();
    DELETE FROM provider_record;
    """ + RECORD_BACKFILL + """;
  END IF;
END $$""",
]
"""PostgreSQL: each provider's track record (services completed, no-shows, cancellations, the sum and count
of ratings) kept up to date by a trigger on ``match`` in the transaction that changes a match, so ranking
reads one row per provider whatever the length of its history (it grows by every service, for years)."""

MATCH_FACTS_INDEX_SQL = [
    *(f'CREATE INDEX IF NOT EXISTS "idx_match_{owner}_engaged" ON "match" ("{owner}_id", "need_window_end") '
      f'INCLUDE ("status", "need_window_start", "need_resident_id", "rating") '
      f"WHERE \"{owner}_id\" IS NOT NULL AND status IN ('ACCEPTED', 'COMPLETED')"
      for owner in ("professional", "organization")),
    'CREATE INDEX IF NOT EXISTS "idx_match_served_resident" ON "match" ("need_resident_id") '
    "INCLUDE (\"professional_id\", \"organization_id\", \"need_window_start\", \"need_window_end\", \"rating\") "
    "WHERE status = 'COMPLETED'",
    *(f'DROP INDEX IF EXISTS "idx_match_{owner}_facts"' for owner in ("professional", "organization")),
]
"""Indexes of a provider's engagements: its accepted and completed matches by the end of their window (the
recent ones are a range of it), and the completed matches of a resident (continuity); the track-record
indexes of migration 0003 (``idx_match_<owner>_facts``) are dropped, the record being kept in
``provider_record``."""

WEEKLY_MINUTES_SQL = [
    """CREATE OR REPLACE FUNCTION linli_weekly_minutes(slots jsonb) RETURNS int4multirange
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT COALESCE(range_agg(int4range(day * 1440 + first, day * 1440 + last)), '{}'::int4multirange)
  FROM jsonb_array_elements(CASE jsonb_typeof(slots) WHEN 'array' THEN slots ELSE '[]'::jsonb END) s,
       LATERAL (SELECT (s->>'weekday')::int AS day,
                       substr(s->>'start', 1, 2)::int * 60 + substr(s->>'start', 4, 2)::int AS first,
                       CASE s->>'end' WHEN '00:00' THEN 1440  -- the engine's midnight at the end of the day
                            ELSE substr(s->>'end', 1, 2)::int * 60 + substr(s->>'end', 4, 2)::int END AS last
                WHERE s->>'weekday' ~ '^[0-6]$' AND s->>'start' ~ '^[0-2][0-9]:[0-5][0-9]$'
                  AND s->>'end' ~ '^[0-2][0-9]:[0-5][0-9]$') m
  WHERE last > first
$$""",
    'ALTER TABLE "professional" ADD COLUMN IF NOT EXISTS "weekly_minutes" int4multirange '
    'GENERATED ALWAYS AS (linli_weekly_minutes("availability")) STORED',
]
"""PostgreSQL: each professional's weekly availability as minutes of the week (0 = Monday 00:00), a
multirange the database computes from the ``availability`` JSON whenever it is written, so "a slot holds
minute m of weekday d" is one ``@>`` test instead of unpacking the JSON of every row."""

AREA_IDS_SQL = [
    'ALTER TABLE "professional" ADD COLUMN IF NOT EXISTS "area_ids" int[] NOT NULL DEFAULT \'{}\'',
    """CREATE OR REPLACE FUNCTION linli_refresh_area_ids() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    """ + AREA_IDS_UPDATE.format("SELECT professional_id FROM added") + """;
  ELSIF TG_OP = 'DELETE' THEN
    """ + AREA_IDS_UPDATE.format("SELECT professional_id FROM removed") + """;
  ELSE
    """ + AREA_IDS_UPDATE.format("SELECT professional_id FROM added UNION SELECT professional_id FROM removed") + """;
  END IF;
  RETURN NULL;
END $$""",
    """DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'trg_service_area_added') THEN
    CREATE TRIGGER trg_service_area_added AFTER INSERT ON professional_service_area
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION linli_refresh_area_ids();
    CREATE TRIGGER trg_service_area_removed AFTER DELETE ON professional_service_area
      REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION linli_refresh_area_ids();
    CREATE TRIGGER trg_service_area_changed AFTER UPDATE ON professional_service_area
      REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION linli_refresh_area_ids();
    """ + AREA_IDS_BACKFILL + """;
  END IF;
END $$""",
    'CREATE INDEX IF NOT EXISTS "idx_professional_area_ids" ON "professional" USING GIN ("area_ids")',
]
"""PostgreSQL: the ids of the communities each professional serves, kept by triggers on
``professional_service_area`` (one statement per write, whatever writes it: the API, the seeders, a
cascade), with a GIN index, so "serves community c" is a bitmap of one index entry instead of a
primary-key probe per professional serving c (3,000 in a large community)."""


def extra_index_sql(dialect: str) -> list[str]:
    """Indexes of the matching pre-filter that model ``Meta`` cannot declare, for a database dialect.

    The many-to-many table gets an index led by ``area_id`` (Tortoise's own unique index is led by
    ``professional_id``), on every database. On PostgreSQL: a GIN index on the care categories of
    professionals, which answers ``categories @> '["MEALS"]'``; a GiST index on the box each
    professional reaches (:func:`reach_box`), which finds who can travel to a point, and which the
    planner ANDs with the GIN one; covering indexes of a provider's recent engagements and of a
    resident's completed services; and what the database derives, :data:`NEED_FACTS_ON_MATCH_SQL`,
    :data:`PROVIDER_RECORD_SQL`, :data:`WEEKLY_MINUTES_SQL` and :data:`AREA_IDS_SQL` (the matching queries
    read them on PostgreSQL only). Migrations apply them with ``RunPython`` (the
    statements are idempotent).
    """
    if dialect != "postgres":
        return [SERVICE_AREA_INDEX_SQL]
    return [SERVICE_AREA_INDEX_SQL, CATEGORIES_GIN_SQL, REACH_INDEX_SQL, *NEED_FACTS_ON_MATCH_SQL,
            *PROVIDER_RECORD_SQL, *MATCH_FACTS_INDEX_SQL, *WEEKLY_MINUTES_SQL, *AREA_IDS_SQL]
