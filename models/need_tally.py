"""Exact need totals kept by PostgreSQL itself: ``need_tally``, the number of needs of each community, category,
status and urgency.

The need list answers ``totalCount`` for the console's filters (a community, statuses, a category, an urgency).
Counting them is an index-only scan, but at city scale a filter matches up to 500,000 needs and an exact count
of more than ~25,000 index entries takes over 5 ms on a 2-core machine however it is indexed (``bench.explain``).
The tally holds at most communities x categories x statuses x urgencies rows (30 x 12 x 8 x 4 at the
benchmark's scale), so any total of those filters is a sum over a handful of them.

Statement-level triggers with transition tables keep it exact whoever writes (a mutation, the expiry sweep,
an operator's bulk ``UPDATE``): one upsert per statement with the changes summed per cell, taken in key order
so two writers lock cells in the same order. An update that moves no need to another cell (a title edit)
touches no tally row. A cell's row stays at 0 once emptied. ``tests/resolvers/test_need_tally.py`` checks the
tally equals a recount after random inserts, updates and deletes, single and bulk.

The period tallies (:data:`PERIODS`: months, dekads, pentads, days, each with community, category and status)
answer the statistics of any period the same way (:mod:`resolvers.tally_periods`).

SQLite (the embedded default, small data) counts the needs themselves. Every statement is idempotent
(migrations 0006, 0007 and 0009, the test template and the seeder apply them; :data:`BACKFILL_SQL` recounts
from scratch).
"""

TABLE = "need_tally"
KEY = ("community_id", "category", "status", "urgency")
"""The tally's cells: the need's columns a total can be summed over."""
GROUPS = ("community_id", "category", "status")
"""The statistics' groups; the period tallies' keys are a period and these (a period's range reads its cells)."""
MONTH_TABLE = "need_month_tally"
DEKAD_TABLE = "need_dekad_tally"
PENTAD_TABLE = "need_pentad_tally"
DAY_TABLE = "need_day_tally"
_LOCAL = """("created_at" AT TIME ZONE 'Asia/Shanghai')"""
PERIODS = {
    MONTH_TABLE: ("month", f"date_trunc('month', {_LOCAL})::date"),
    DEKAD_TABLE: ("dekad", f"(date_trunc('month', {_LOCAL}) + LEAST((EXTRACT(DAY FROM {_LOCAL})::int - 1) / 10, 2)"
                           " * INTERVAL '10 days')::date"),
    PENTAD_TABLE: ("pentad", f"(date_trunc('month', {_LOCAL}) + LEAST((EXTRACT(DAY FROM {_LOCAL})::int - 1) / 5, 5)"
                             " * INTERVAL '5 days')::date"),
    DAY_TABLE: ("day", f"{_LOCAL}::date"),
}
"""The period tallies: their period column, and the period a need was submitted in, in Hangzhou, as its first
day: a calendar month; a dekad (the 1st to the 10th, the 11th to the 20th, the 21st to the month's end); a
pentad (five days from the 1st, 6th, 11th, 16th and 21st; the 26th to the month's end); a calendar day. Each
is a set of whole periods of the next, so a period of the statistics is read as signed ranges of whole
months, dekads, pentads and days and of the needs of less than a day at its ends
(:mod:`resolvers.tally_periods`)."""


def _names(key: tuple[str, ...]) -> str:
    return ", ".join(f'"{column}"' for column in key)


def _upsert(table: str, key: tuple[str, ...], cells: str, row_sets: tuple[tuple[str, int], ...]) -> str:
    """Add ``+1``/``-1`` per row of the transition tables ``row_sets`` (name, sign) to a tally's cells (``cells``:
    their select list), summed per cell, in key order."""
    names = _names(key)
    changes = " UNION ALL ".join(f"SELECT {cells}, {sign} AS d FROM {rows}" for rows, sign in row_sets)
    return (f'INSERT INTO "{table}" AS t ({names}, "n") SELECT {names}, sum(d) FROM ({changes}) AS changes '
            f"GROUP BY {names} HAVING sum(d) <> 0 ORDER BY {names} "
            f'ON CONFLICT ({names}) DO UPDATE SET "n" = t."n" + EXCLUDED."n"')


def _period_cells(column: str, expression: str) -> str:
    return f'{expression} AS "{column}", {_names(GROUPS)}'


def _all(*row_sets: tuple[str, int]) -> str:
    """Every tally's upsert for the transition tables ``row_sets``."""
    upserts = [_upsert(TABLE, KEY, _names(KEY), row_sets)]
    upserts += [_upsert(table, (column, *GROUPS), _period_cells(column, expression), row_sets)
                for table, (column, expression) in PERIODS.items()]
    return ";\n        ".join(upserts) + ";"


NEED_TALLY_SQL = [
    f"""CREATE TABLE IF NOT EXISTS "{TABLE}" (
    "community_id" INT NOT NULL,
    "category" VARCHAR(30) NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "urgency" VARCHAR(10) NOT NULL,
    "n" BIGINT NOT NULL,
    PRIMARY KEY ({_names(KEY)}))""",
    *(f"""CREATE TABLE IF NOT EXISTS "{table}" (
    "{column}" DATE NOT NULL,
    "community_id" INT NOT NULL,
    "category" VARCHAR(30) NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "n" INT NOT NULL,
    PRIMARY KEY ({_names((column, *GROUPS))}))""" for table, (column, _) in PERIODS.items()),
    f"""CREATE OR REPLACE FUNCTION linli_need_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_all(("new_rows", 1))}
    ELSIF TG_OP = 'DELETE' THEN
        {_all(("old_rows", -1))}
    ELSE
        {_all(("new_rows", 1), ("old_rows", -1))}
    END IF;
    RETURN NULL;
END $$""",
    *(statement for event, tables in (("INSERT", "NEW TABLE AS new_rows"), ("DELETE", "OLD TABLE AS old_rows"),
                                      ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"))
      for statement in (f'DROP TRIGGER IF EXISTS linli_need_tally_{event.lower()} ON "need"',
                        f'CREATE TRIGGER linli_need_tally_{event.lower()} AFTER {event} ON "need" '
                        f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION linli_need_tally()")),
]

def _backfill(table: str) -> list[str]:
    """Recount one period tally from the needs."""
    column, expression = PERIODS[table]
    return [f'DELETE FROM "{table}"',
            f'INSERT INTO "{table}" ({_names((column, *GROUPS))}, "n") SELECT {_period_cells(column, expression)}, '
            'count(*) FROM "need" GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4']  # a period's cells stored together


BACKFILL_SQL = [
    f'DELETE FROM "{TABLE}"',
    f'INSERT INTO "{TABLE}" ({_names(KEY)}, "n") SELECT {_names(KEY)}, count(*) FROM "need" GROUP BY {_names(KEY)}',
    *(statement for table in PERIODS for statement in _backfill(table)),
]
"""Recount every tally from the needs (after a load with triggers off; the migration, for needs already there)."""

DEKAD_UPGRADE_SQL = [
    # a period tally's cell is summed by the thousand: SUM of INT is a BIGINT, of BIGINT a (slow) NUMERIC
    *(f'ALTER TABLE "{table}" ALTER COLUMN "n" TYPE INT' for table in (MONTH_TABLE, DAY_TABLE)),
    *NEED_TALLY_SQL,  # the dekad tally, and the trigger function that keeps it too
    *_backfill(DEKAD_TABLE),
]
"""Migration 0007: from the tallies of migration 0006 to these (idempotent)."""

PENTAD_UPGRADE_SQL = [*NEED_TALLY_SQL, *_backfill(PENTAD_TABLE)]
"""Migration 0009: the pentad tally, and the trigger function that keeps it too (idempotent)."""


def need_tally_sql(dialect: str) -> list[str]:
    """The tally tables and their triggers (PostgreSQL only)."""
    return list(NEED_TALLY_SQL) if dialect == "postgres" else []
