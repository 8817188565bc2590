"""Need totals and statistics read from the tallies PostgreSQL keeps (:mod:`models.need_tally`).

An exact count of a large need set costs time proportional to the set (35-65 ms at city scale for the whole
city's needs); the tallies answer the same figures from a few thousand rows at most:

* the need list's ``totalCount`` when its filters are a community, statuses (or ``openOnly``), a category, an
  urgency or submission dates (not both: the period tallies have no urgency), and the caller's reach is all
  communities or the communities they serve (centre staff);
* the need statistics of any period: signed ranges of the monthly, dekad, pentad and daily tallies (Hangzhou)
  and of the needs of less than a day at its ends (:mod:`resolvers.tally_periods`: a few thousand rows
  whatever the period; the console's month-aligned periods read the monthly tally alone).

Anything else (a resident or a text in the list's filters, dates with an urgency, a resident's or provider's
reach, SQLite) counts the needs themselves, as before. Whether the tallies exist is read once per process:
at startup (:func:`detect`, from the app's lifespan) or at the first total; a database built without
migrations 0006, 0007 and 0009 keeps counting needs, with a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from models.need_tally import PENTAD_TABLE, PERIODS, TABLE
from resolvers.replica import read_client
from resolvers.tally_periods import HANGZHOU, Part, plan

if TYPE_CHECKING:
    from resolvers.needs import NeedFilter
    from resolvers.scope import Scope

log = logging.getLogger("linli.need_totals")
PERIOD_TABLES = {column: (table, column) for table, (column, _) in PERIODS.items()}
"""A period tally's table and column by its level (``month``, ``dekad``, ``pentad``, ``day``)."""
_ready: bool | None = None


def set_ready(ready: bool | None) -> None:
    """Declare whether the tallies exist (None: read it again at the next total). For tests and tools."""
    global _ready
    _ready = ready


async def detect(client: BaseDBAsyncClient | None = None) -> bool:
    """Whether this database keeps the tallies (PostgreSQL with migration 0006), read once per process."""
    global _ready
    if _ready is None:
        client = client or connections.get("default")
        if client.capabilities.dialect != "postgres":
            _ready = False
        else:
            _ready = bool(await client.execute_query_dict(
                "SELECT 1 FROM pg_trigger WHERE tgname = 'linli_need_tally_insert' AND NOT tgisinternal"
                f" AND to_regclass('{PENTAD_TABLE}') IS NOT NULL"))
            if not _ready:
                log.warning("The need tallies of migrations 0006, 0007 and 0009 are missing: run `linli migrate`. "
                            "Until then need totals and statistics count the needs themselves (slow at city scale).")
    return _ready


def tallied_communities(criteria: NeedFilter, scope: Scope) -> tuple[int, ...] | None | bool:
    """The communities a list total may be summed over: None for all of them, False when the tallies cannot
    answer the criteria or the caller's reach."""
    dated = criteria.submitted_after is not None or criteria.submitted_before is not None
    if criteria.resident_id is not None or (criteria.search or "").strip() or (dated and criteria.urgency):
        return False  # the monthly tally has no urgency
    if scope.need_filter() is None:
        reach = None
    elif scope.is_staff and not scope.own_resident_ids and not scope.provider_need_ids:
        reach = frozenset(scope.area_ids or ())
    else:
        return False  # residents and providers reach needs by person: small sets, counted exactly
    if criteria.community_id is None:
        return None if reach is None else tuple(sorted(reach))
    return (criteria.community_id,) if reach is None or criteria.community_id in reach else ()


class _Statement:
    """A hand-written statement's values, numbered as they are added."""

    def __init__(self) -> None:
        self.values: list = []

    def value(self, item: object) -> str:
        self.values.append(item)
        return f"${len(self.values)}"

    def period(self, since: datetime | None, until: datetime | None) -> list[tuple[Part, str, str]]:
        """``[since, until)`` as the signed ranges of :func:`resolvers.tally_periods.plan`: each part with its
        table and the condition on it."""
        parts = []
        for part in plan(since, until, datetime.now(HANGZHOU)):
            table, column = ("need", "created_at") if part.level == "need" else PERIOD_TABLES[part.level]
            condition = "".join((f' AND "{column}" >= {self.value(part.start)}' if part.start is not None else "",
                                 f' AND "{column}" < {self.value(part.end)}' if part.end is not None else ""))
            parts.append((part, table, condition))
        return parts


async def tallied_total(criteria: NeedFilter, scope: Scope) -> int | None:
    """The need list's exact total from the tallies, or None when it must be counted from the needs."""
    communities = tallied_communities(criteria, scope)
    if communities is False:
        return None
    since, until = criteria.submitted_after, criteria.submitted_before
    return await tallied_count(communities, criteria.status_set(), criteria.category, criteria.urgency,
                               since and aware(since), until and aware(until))


async def tallied_count(communities: Iterable[int] | None, statuses: Iterable[str] | None = None,
                        category: str | None = None, urgency: str | None = None, since: datetime | None = None,
                        until: datetime | None = None) -> int | None:
    """The number of needs of these communities, statuses, category and urgency (None: any) submitted in
    ``[since, until)``, from the tallies; None without them. An urgency cannot go with dates.

    Without dates: a sum over ``need_tally``. With dates: signed sums over the period tallies' ranges and
    counts of the needs of less than a day at the period's ends (:mod:`resolvers.tally_periods`)."""
    client = read_client()
    if not await detect(client):
        return None
    statement, where = _Statement(), ""
    for column, chosen in (("community_id", communities), ("status", statuses)):
        if chosen is not None:
            where += f' AND "{column}" = ANY({statement.value(sorted(chosen))})'
    for column, value in (("category", category), ("urgency", urgency)):
        if value is not None:
            where += f' AND "{column}" = {statement.value(str(value))}'
    if since is None and until is None:
        parts = [f'(SELECT COALESCE(SUM("n"), 0) FROM "{TABLE}" WHERE TRUE{where})']
    elif urgency is not None:
        raise ValueError("the period tallies have no urgency")
    else:
        parts = [("-" if part.sign < 0 else "") + (
            f'(SELECT COUNT(*) FROM "need" WHERE TRUE{where}{condition})' if table == "need" else
            f'(SELECT COALESCE(SUM("n"), 0) FROM "{table}" WHERE TRUE{where}{condition})')
            for part, table, condition in statement.period(since, until)]
    sql = "SELECT " + " + ".join(parts) + ' AS "n"'
    return int((await client.execute_query_dict(sql, statement.values))[0]["n"])


def aware(moment: datetime) -> datetime:
    """A timezone-aware datetime; a naive one is taken as Hangzhou wall-clock time."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=HANGZHOU)


async def tallied_statistics(communities: Sequence[int] | None, since: datetime | None,
                             until: datetime | None) -> list[tuple[int, str, str, int]] | None:
    """``(community, category, status, count)`` of the needs submitted in ``[since, until)`` in ``communities``
    (None: all), in one statement over the period tallies and the needs at the period's ends; None
    without the tallies. Unordered. The times are aware (``resolvers.statistics.need_counts`` makes them so)."""
    client = read_client()
    if not await detect(client):
        return None
    statement = _Statement()
    reach = f' AND "community_id" = ANY({statement.value(list(communities))})' if communities is not None else ""
    # the needs' counts are INT like the tallies' cells, whose SUM is a BIGINT (a BIGINT's is a slow NUMERIC)
    parts = [f'SELECT "community_id", "category", "status", {"-" if part.sign < 0 else ""}'
             + (f'COUNT(*)::int AS n FROM "need" WHERE TRUE{condition}{reach} GROUP BY 1, 2, 3' if table == "need"
                else f'"n" FROM "{table}" WHERE TRUE{condition}{reach}')
             for part, table, condition in statement.period(since, until)]
    sql = ('SELECT "community_id", "category", "status", SUM("n") AS n FROM ('
           + " UNION ALL ".join(parts) + ') AS cells GROUP BY 1, 2, 3 HAVING SUM("n") > 0')
    return [(row["community_id"], row["category"], row["status"], int(row["n"]))
            for row in await client.execute_query_dict(sql, statement.values)]
