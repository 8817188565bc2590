"""Need totals and statistics read from the tallies PostgreSQL keeps (:mod:`models.need_tally`).

An exact count of a large need set costs time proportional to the set (35-65 ms at city scale for the whole
city's needs); the tallies answer the same figures from a few thousand rows at most:

* the need list's ``totalCount`` when its filters are a community, statuses (or ``openOnly``), a category and
  an urgency, and the caller's reach is all communities or the communities they serve (centre staff);
* the need statistics of any period: whole calendar months (Hangzhou time) from the monthly tally, the parts
  of a month at either end of the period from the needs themselves (at most a month of needs each, by the
  submission-time index; none when the period starts and ends on a month's first day, as the console's do).

Anything else (a resident, dates or text in the list's filters, a resident's or provider's reach, SQLite)
counts the needs themselves, as before. Whether the tallies exist is read once per process: at startup
(:func:`detect`, from the app's lifespan) or at the first total; a database built without migration 0006
keeps counting needs, with a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from models.need_tally import MONTH_TABLE, TABLE
from resolvers.replica import read_client

if TYPE_CHECKING:
    from resolvers.needs import NeedFilter
    from resolvers.scope import Scope

log = logging.getLogger("linli.need_totals")
HANGZHOU = ZoneInfo("Asia/Shanghai")  # the tally's months are calendar months there (models.need_tally.MONTH_SQL)
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
                f" AND to_regclass('{MONTH_TABLE}') IS NOT NULL"))
            if not _ready:
                log.warning("The need tallies of migration 0006 are missing: run `linli migrate`. Until then "
                            "need totals and statistics count the needs themselves (slow at city scale).")
    return _ready


def tallied_communities(criteria: NeedFilter, scope: Scope) -> tuple[int, ...] | None | bool:
    """The communities a list total may be summed over: None for all of them, False when the tally cannot
    answer the criteria or the caller's reach."""
    if (criteria.resident_id is not None or criteria.submitted_after is not None
            or criteria.submitted_before is not None or (criteria.search or "").strip()):
        return False
    if scope.need_filter() is None:
        reach = None
    elif scope.is_staff and not scope.own_resident_ids and not scope.provider_need_ids:
        reach = frozenset(scope.area_ids or ())
    else:
        return False  # residents and providers reach needs by person: small sets, counted exactly
    if criteria.community_id is None:
        return None if reach is None else tuple(sorted(reach))
    return (criteria.community_id,) if reach is None or criteria.community_id in reach else ()


async def tallied_total(criteria: NeedFilter, scope: Scope) -> int | None:
    """The need list's exact total from the tally, or None when it must be counted from the needs."""
    communities = tallied_communities(criteria, scope)
    client = read_client()
    if communities is False or not await detect(client):
        return None
    where, values = [], []
    statuses = criteria.status_set()
    for column, chosen in (("community_id", communities), ("status", sorted(statuses) if statuses is not None
                                                           else None)):
        if chosen is not None:
            values.append(list(chosen))
            where.append(f'"{column}" = ANY(${len(values)})')
    for column in ("category", "urgency"):
        if (value := getattr(criteria, column)) is not None:
            values.append(value.value)
            where.append(f'"{column}" = ${len(values)}')
    sql = f'SELECT COALESCE(SUM("n"), 0) AS "n" FROM "{TABLE}"' + (f" WHERE {' AND '.join(where)}" if where else "")
    return int((await client.execute_query_dict(sql, values))[0]["n"])


def month_start(moment: datetime, later: bool) -> date:
    """The first day of ``moment``'s month in Hangzhou, or of the next month when ``later`` and ``moment`` is
    not that first day's midnight (the first whole month from ``moment`` on)."""
    local = moment.astimezone(HANGZHOU)
    first = local.date().replace(day=1)
    if later and (local.day, local.hour, local.minute, local.second, local.microsecond) != (1, 0, 0, 0, 0):
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first


def local_midnight(day: date) -> datetime:
    """Midnight of ``day`` in Hangzhou."""
    return datetime(day.year, day.month, day.day, tzinfo=HANGZHOU)


async def tallied_statistics(communities: Sequence[int] | None, since: datetime | None,
                             until: datetime | None) -> list[tuple[int, str, str, int]] | None:
    """``(community, category, status, count)`` of the needs submitted in ``[since, until)`` in ``communities``
    (None: all), in one statement over the monthly tally and the needs at the period's ends; None without the
    tallies. Unordered."""
    client = read_client()
    if not await detect(client):
        return None
    first = month_start(since, later=True) if since is not None else None
    last = month_start(until, later=False) if until is not None else None
    parts, values = [], []

    def value(item: object) -> str:
        values.append(item)
        return f"${len(values)}"

    reach = f' AND "community_id" = ANY({value(list(communities))})' if communities is not None else ""
    raw = 'SELECT "community_id", "category", "status", count(*) AS n FROM "need" WHERE TRUE{} GROUP BY 1, 2, 3'
    if first is not None and last is not None and first >= last:  # within one month: the needs themselves
        return await _rows(client, raw.format(_between(value, since, until) + reach), values)
    months = "".join((f' AND "month" >= {value(first)}' if first else "", f' AND "month" < {value(last)}' if last
                      else ""))
    parts.append(f'SELECT "community_id", "category", "status", "n" FROM "{MONTH_TABLE}" WHERE TRUE{months}{reach}')
    if since is not None and local_midnight(first) > since:
        parts.append(raw.format(_between(value, since, local_midnight(first)) + reach))
    if until is not None and local_midnight(last) < until:
        parts.append(raw.format(_between(value, local_midnight(last), until) + reach))
    sql = ('SELECT "community_id", "category", "status", SUM("n") AS n FROM ('
           + " UNION ALL ".join(parts) + ') AS cells GROUP BY 1, 2, 3 HAVING SUM("n") > 0')
    return await _rows(client, sql, values)


def _between(value, start: datetime | None, end: datetime | None) -> str:
    return "".join((f' AND "created_at" >= {value(start)}' if start is not None else "",
                    f' AND "created_at" < {value(end)}' if end is not None else ""))


async def _rows(client: BaseDBAsyncClient, sql: str, values: list) -> list[tuple[int, str, str, int]]:
    return [(row["community_id"], row["category"], row["status"], int(row["n"]))
            for row in await client.execute_query_dict(sql, values)]
