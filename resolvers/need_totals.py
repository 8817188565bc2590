"""Need totals and statistics read from the tallies PostgreSQL keeps (:mod:`models.need_tally`).

An exact count of a large need set costs time proportional to the set (35-65 ms at city scale for the whole
city's needs); the tallies answer the same figures from a few thousand rows at most:

* the need list's ``totalCount`` when its filters are a community, statuses (or ``openOnly``), a category, an
  urgency or submission dates (not both: the period tallies have no urgency), and the caller's reach is all
  communities or the communities they serve (centre staff);
* the need statistics of any period: its whole calendar months (Hangzhou time) from the monthly tally, the
  whole days at its ends from the daily tally, and the parts of a day at its very ends from the needs
  themselves (at most a day of needs each, by the submission-time index; none when the period starts and
  ends at midnight, as the console's do).

Anything else (a resident or a text in the list's filters, dates with an urgency, a resident's or provider's
reach, SQLite) counts the needs themselves, as before. Whether the tallies exist is read once per process:
at startup (:func:`detect`, from the app's lifespan) or at the first total; a database built without
migration 0006 keeps counting needs, with a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from models.need_tally import DAY_TABLE, MONTH_TABLE, TABLE
from resolvers.replica import read_client

if TYPE_CHECKING:
    from resolvers.needs import NeedFilter
    from resolvers.scope import Scope

log = logging.getLogger("linli.need_totals")
HANGZHOU = ZoneInfo("Asia/Shanghai")  # the period tallies' months and days are Hangzhou's (models.need_tally.PERIODS)
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
                f" AND to_regclass('{DAY_TABLE}') IS NOT NULL"))
            if not _ready:
                log.warning("The need tallies of migration 0006 are missing: run `linli migrate`. Until then "
                            "need totals and statistics count the needs themselves (slow at city scale).")
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

    def period(self, since: datetime | None, until: datetime | None) -> list[tuple[str, str]]:
        """``[since, until)`` as conditions on the tallies of :data:`models.need_tally.PERIODS` and on the
        needs: ``(table, condition)`` for its whole months, the whole days at its ends, and the parts of a
        day at its very ends (read from the needs)."""
        day_from = month_from = day_to = month_to = None
        if since is not None:
            day_from, month_from = next_start(since, day=True), next_start(since, day=False)
        if until is not None:
            day_to, month_to = until.astimezone(HANGZHOU).date(), until.astimezone(HANGZHOU).date().replace(day=1)
        if since is not None and until is not None and month_from >= month_to:  # no whole month
            if day_from >= day_to:  # not even a whole day: the needs themselves
                return [("need", self.between(since, until))]
            month_from = month_to = day_to  # no month: whole days from day_from to day_to, then the ends
        parts = [(MONTH_TABLE, self.within("month", month_from, month_to))]
        if since is not None and day_from < month_from:
            parts.append((DAY_TABLE, self.within("day", day_from, month_from)))
        if until is not None and month_to < day_to:
            parts.append((DAY_TABLE, self.within("day", month_to, day_to)))
        if since is not None and local_midnight(day_from) > since:
            parts.append(("need", self.between(since, local_midnight(day_from))))
        if until is not None and local_midnight(day_to) < until:
            parts.append(("need", self.between(local_midnight(day_to), until)))
        return [(table, condition) for table, condition in parts if condition is not None]

    def within(self, column: str, start: date | None, end: date | None) -> str | None:
        """A condition on a period tally's ``column``; None for an empty range."""
        if start is not None and end is not None and start >= end:
            return None
        return "".join((f' AND "{column}" >= {self.value(start)}' if start is not None else "",
                        f' AND "{column}" < {self.value(end)}' if end is not None else ""))

    def between(self, start: datetime | None, end: datetime | None) -> str:
        return "".join((f' AND "created_at" >= {self.value(start)}' if start is not None else "",
                        f' AND "created_at" < {self.value(end)}' if end is not None else ""))


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

    Without dates: a sum over ``need_tally``. With dates: sums over the period tallies' whole months and days
    plus a count of the needs in the parts of a day at the period's ends."""
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
        parts = [f'SELECT COALESCE(SUM("n"), 0) FROM "{TABLE}" WHERE TRUE{where}']
    elif urgency is not None:
        raise ValueError("the period tallies have no urgency")
    else:
        parts = [f'SELECT COUNT(*) FROM "need" WHERE TRUE{where}{condition}' if table == "need" else
                 f'SELECT COALESCE(SUM("n"), 0) FROM "{table}" WHERE TRUE{where}{condition}'
                 for table, condition in statement.period(since, until)]
    sql = "SELECT " + " + ".join(f"({part})" for part in parts) + ' AS "n"'
    return int((await client.execute_query_dict(sql, statement.values))[0]["n"])


def aware(moment: datetime) -> datetime:
    """A timezone-aware datetime; a naive one is taken as Hangzhou wall-clock time."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=HANGZHOU)


def next_start(moment: datetime, day: bool) -> date:
    """The first whole day (``day``) or calendar month in Hangzhou from ``moment`` on: its own day or month
    when ``moment`` is its first midnight, else the next one."""
    local = moment.astimezone(HANGZHOU)
    first = local.date() if day else local.date().replace(day=1)
    if (local.hour, local.minute, local.second, local.microsecond) != (0, 0, 0, 0) or first != local.date():
        first = first + timedelta(days=1) if day else date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first


def local_midnight(day: date) -> datetime:
    """Midnight of ``day`` in Hangzhou."""
    return datetime(day.year, day.month, day.day, tzinfo=HANGZHOU)


async def tallied_statistics(communities: Sequence[int] | None, since: datetime | None,
                             until: datetime | None) -> list[tuple[int, str, str, int]] | None:
    """``(community, category, status, count)`` of the needs submitted in ``[since, until)`` in ``communities``
    (None: all), in one statement over the period tallies and the needs at the period's very ends; None
    without the tallies. Unordered. The times are aware (``resolvers.statistics.need_counts`` makes them so)."""
    client = read_client()
    if not await detect(client):
        return None
    statement = _Statement()
    reach = f' AND "community_id" = ANY({statement.value(list(communities))})' if communities is not None else ""
    parts = [f'SELECT "community_id", "category", "status", COUNT(*) AS n FROM "need" WHERE TRUE{condition}{reach} '
             "GROUP BY 1, 2, 3" if table == "need" else
             f'SELECT "community_id", "category", "status", "n" FROM "{table}" WHERE TRUE{condition}{reach}'
             for table, condition in statement.period(since, until)]
    sql = ('SELECT "community_id", "category", "status", SUM("n") AS n FROM ('
           + " UNION ALL ".join(parts) + ') AS cells GROUP BY 1, 2, 3 HAVING SUM("n") > 0')
    return [(row["community_id"], row["category"], row["status"], int(row["n"]))
            for row in await client.execute_query_dict(sql, statement.values)]
