"""The need tallies (``models.need_tally``, migrations 0006 and 0007) and the totals and statistics read from them
(``resolvers.need_totals``): always equal to counting the needs themselves."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from models import Area, Need
from models.enums import OPEN_NEED_STATUSES, AreaKind, CareCategory, NeedStatus, Urgency
from models.need_tally import (
    BACKFILL_SQL,
    DAY_TABLE,
    DEKAD_TABLE,
    DEKAD_UPGRADE_SQL,
    MONTH_TABLE,
    PENTAD_TABLE,
    PENTAD_UPGRADE_SQL,
    TABLE,
)
from resolvers import need_totals
from resolvers.access import Role, Viewer
from resolvers.need_totals import HANGZHOU, tallied_count, tallied_statistics, tallied_total
from resolvers.needs import NeedFilter, need_queryset
from resolvers.pagination import PageArgs
from resolvers.queues import QUEUE_STATUSES, QueueScope, queue_page, queue_queryset
from resolvers.scope import Scope
from resolvers.statistics import _counted, need_counts
from tests.conftest import BACKEND
from tests.factories_residents import gid, make_need, make_resident

postgres_only = pytest.mark.skipif(BACKEND != "postgres", reason="the tallies are kept by PostgreSQL triggers")
CATEGORIES = [CareCategory.MEALS, CareCategory.BATHING, CareCategory.HEALTH_CHECK]
STATUSES = list(NeedStatus)
URGENCIES = list(Urgency)
START = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)  # needs over ~3 months, across month ends in Hangzhou


async def _world(rng: random.Random, needs: int = 60) -> list[Area]:
    communities = [await Area.create(name=f"社区{i}", kind=AreaKind.COMMUNITY) for i in range(3)]
    residents = [await make_resident(c, f"居民{i}") for i, c in enumerate(communities * 2)]
    for i in range(needs):
        await make_need(rng.choice(residents), f"需求{i}", category=rng.choice(CATEGORIES),
                        status=rng.choice(STATUSES), urgency=rng.choice(URGENCIES),
                        created_at=START + timedelta(hours=rng.randrange(0, 24 * 90)))
    return communities


async def _fetch(sql: str) -> set[tuple]:
    rows = await connections.get("default").execute_query_dict(sql)
    return {tuple(row.values()) for row in rows}


TALLIES = [f'SELECT community_id, category, status, urgency, n FROM "{TABLE}"',
           f'SELECT month, community_id, category, status, n FROM "{MONTH_TABLE}"',
           f'SELECT dekad, community_id, category, status, n FROM "{DEKAD_TABLE}"',
           f'SELECT pentad, community_id, category, status, n FROM "{PENTAD_TABLE}"',
           f'SELECT day, community_id, category, status, n FROM "{DAY_TABLE}"']


async def _tallies() -> list[set[tuple]]:
    """Every tally without its empty cells."""
    return [await _fetch(f"{sql} WHERE n <> 0") for sql in TALLIES]


async def _recount() -> list[set[tuple]]:
    """Every tally counted from scratch (the migration's own backfill, in a transaction rolled back)."""
    async with in_transaction() as tx:  # the backfill rewrites the tallies: look, then roll back
        for statement in BACKFILL_SQL:
            await tx.execute_script(statement)
        raise _Rollback([{tuple(r.values()) for r in await tx.execute_query_dict(sql)} for sql in TALLIES])


class _Rollback(Exception):
    def __init__(self, counted):
        self.counted = counted


async def recount() -> list[set[tuple]]:
    try:
        await _recount()
    except _Rollback as done:
        return done.counted
    raise AssertionError("unreachable")


async def _random_writes(rng: random.Random, communities: list[Area], rounds: int) -> None:
    conn = connections.get("default")
    ids = [need.id for need in await Need.all()]
    for _ in range(rounds):
        kind = rng.randrange(6)
        if kind == 0:  # one need changes cell (as a mutation does)
            await Need.filter(id=rng.choice(ids)).update(status=rng.choice(STATUSES))
        elif kind == 1:  # a bulk update across cells (as the expiry sweep does)
            await Need.filter(status=rng.choice(STATUSES)).update(urgency=rng.choice(URGENCIES),
                                                                 category=rng.choice(CATEGORIES))
        elif kind == 2:  # moved to another community and month, by an operator's SQL
            await conn.execute_query(
                'UPDATE "need" SET "community_id" = $1, "created_at" = "created_at" + interval \'17 days\' '
                'WHERE "id" = ANY($2)', [rng.choice(communities).id, rng.sample(ids, 5)])
        elif kind == 3:  # an update that moves no need to another cell
            await Need.filter(id__in=rng.sample(ids, 4)).update(title="改了标题")
        elif kind == 4 and len(ids) > 10:  # deletes, single and bulk
            gone = rng.sample(ids, rng.choice((1, 3)))
            await Need.filter(id__in=gone).delete()
            ids = [i for i in ids if i not in gone]
        else:  # new needs
            resident = await make_resident(rng.choice(communities), "新居民")
            for _ in range(rng.choice((1, 2))):
                ids.append((await make_need(resident, category=rng.choice(CATEGORIES))).id)


@postgres_only
async def test_the_tallies_equal_a_recount_after_random_writes(db):
    rng = random.Random(8)
    communities = await _world(rng)
    assert await _tallies() == await recount()
    for _ in range(6):
        await _random_writes(rng, communities, 20)
        assert await _tallies() == await recount()
    total = await connections.get("default").execute_query_dict(f'SELECT SUM(n) AS n FROM "{TABLE}"')
    assert total[0]["n"] == await Need.all().count() > 0


@postgres_only
async def test_migrations_0007_and_0009_upgrade_the_tallies_of_0006(db):
    conn = connections.get("default")
    await _world(random.Random(4), 40)
    # the tallies as migration 0006 left them: BIGINT counts, no dekad or pentad tally, a trigger keeping none
    for statement in (f'DROP TABLE "{DEKAD_TABLE}"', f'DROP TABLE "{PENTAD_TABLE}"',
                      f'ALTER TABLE "{MONTH_TABLE}" ALTER COLUMN "n" TYPE BIGINT',
                      f'ALTER TABLE "{DAY_TABLE}" ALTER COLUMN "n" TYPE BIGINT',
                      "CREATE OR REPLACE FUNCTION linli_need_tally() RETURNS trigger LANGUAGE plpgsql AS "
                      "$$ BEGIN RETURN NULL; END $$"):
        await conn.execute_script(statement)
    for _ in range(2):  # idempotent
        async with in_transaction() as tx:
            for statement in [*DEKAD_UPGRADE_SQL, *PENTAD_UPGRADE_SQL]:
                await tx.execute_script(statement)
    types = await _fetch("SELECT table_name, data_type FROM information_schema.columns WHERE column_name = 'n' "
                         f"AND table_name IN ('{MONTH_TABLE}', '{DEKAD_TABLE}', '{DAY_TABLE}')")
    assert types == {(MONTH_TABLE, "integer"), (DEKAD_TABLE, "integer"), (DAY_TABLE, "integer")}
    await _random_writes(random.Random(6), await Area.all(), 10)  # the new trigger keeps dekads and pentads
    tallies, counted = await _tallies(), await recount()
    assert tallies[2:4] == counted[2:4] and len(tallies[2]) > 3 and len(tallies[3]) > 3


@postgres_only
async def test_a_need_is_tallied_in_its_hangzhou_month_dekad_and_day(db):
    here = await Area.create(name="和睦社区", kind=AreaKind.COMMUNITY)
    someone = await make_resident(here)
    await make_need(someone, created_at=datetime(2026, 3, 31, 16, 30, tzinfo=UTC))  # 1 April 00:30 in Hangzhou
    await make_need(someone, created_at=datetime(2026, 3, 31, 15, 30, tzinfo=UTC))  # 31 March 23:30 in Hangzhou
    months = await _fetch(f'SELECT month, n FROM "{MONTH_TABLE}" WHERE n <> 0')  # created now, then moved
    assert months == {(date(2026, 3, 1), 1), (date(2026, 4, 1), 1)}
    dekads = await _fetch(f'SELECT dekad, n FROM "{DEKAD_TABLE}" WHERE n <> 0')
    assert dekads == {(date(2026, 3, 21), 1), (date(2026, 4, 1), 1)}
    pentads = await _fetch(f'SELECT pentad, n FROM "{PENTAD_TABLE}" WHERE n <> 0')
    assert pentads == {(date(2026, 3, 26), 1), (date(2026, 4, 1), 1)}
    days = await _fetch(f'SELECT day, n FROM "{DAY_TABLE}" WHERE n <> 0')
    assert days == {(date(2026, 3, 31), 1), (date(2026, 4, 1), 1)}


def _scopes(communities: list[Area]) -> list[Scope]:
    one, two, _ = communities
    return [Scope(Viewer(role=Role.CENTRE_ADMIN, account_id=1), area_ids=None),
            Scope(Viewer(role=Role.STAFF, account_id=2), area_ids=frozenset({one.id, two.id})),
            Scope(Viewer(role=Role.STAFF, account_id=3), area_ids=frozenset({two.id})),
            Scope(Viewer(role=Role.STAFF, account_id=4), area_ids=frozenset())]


def _criteria(rng: random.Random, communities: list[Area], periods: list) -> NeedFilter:
    statuses = tuple(rng.sample(STATUSES, rng.randrange(1, 4))) if rng.random() < 0.5 else None
    since, until = rng.choice(periods) if rng.random() < 0.5 else (None, None)
    return NeedFilter(
        community_id=rng.choice(communities).id if rng.random() < 0.5 else None,
        category=rng.choice(CATEGORIES) if rng.random() < 0.4 else None, statuses=statuses,
        urgency=rng.choice(URGENCIES) if rng.random() < 0.3 else None, open_only=rng.random() < 0.3,
        submitted_after=since, submitted_before=until)


@postgres_only
async def test_list_totals_from_the_tally_equal_counting_the_needs(db):
    rng = random.Random(3)
    communities = await _world(rng, 80)
    await _random_writes(rng, communities, 15)
    tallied, dated, periods = 0, 0, _periods(rng)
    for _ in range(300):
        criteria, scope = _criteria(rng, communities, periods), rng.choice(_scopes(communities))
        queryset = need_queryset(criteria)
        if (reach := scope.need_filter()) is not None:
            queryset = queryset.filter(reach)
        total = await tallied_total(criteria, scope)
        if total is None:  # dates with an urgency: the monthly tally has none
            assert criteria.urgency and (criteria.submitted_after or criteria.submitted_before)
            continue
        assert total == await queryset.count(), (criteria, scope.area_ids)
        tallied += total > 0
        dated += total > 0 and bool(criteria.submitted_after or criteria.submitted_before)
    assert tallied > 70 and dated > 20  # most combinations find needs: the sums were not all of empty sets


@postgres_only
async def test_totals_the_tally_cannot_answer_are_counted(db):
    here = await Area.create(name="和睦社区", kind=AreaKind.COMMUNITY)
    admin = Scope(Viewer(role=Role.CENTRE_ADMIN, account_id=1), area_ids=None)
    for criteria in (NeedFilter(resident_id=1), NeedFilter(search="助餐"),
                     NeedFilter(submitted_after=START, urgency=Urgency.HIGH),
                     NeedFilter(submitted_before=START, urgency=Urgency.LOW)):
        assert await tallied_total(criteria, admin) is None
    resident = Scope(Viewer(role=Role.RESIDENT, account_id=5), own_resident_ids=frozenset({1}), area_ids=None)
    staff_and_resident = Scope(Viewer(role=Role.STAFF, account_id=6), own_resident_ids=frozenset({1}),
                               area_ids=frozenset({here.id}))
    for scope in (resident, staff_and_resident):
        assert await tallied_total(NeedFilter(), scope) is None
    assert await tallied_total(NeedFilter(community_id=here.id), admin) == 0


def _periods(rng: random.Random) -> list[tuple[datetime | None, datetime | None]]:
    local = [datetime(2026, 2, 1, tzinfo=HANGZHOU), datetime(2026, 3, 1, tzinfo=HANGZHOU),
             datetime(2026, 1, 1, tzinfo=HANGZHOU), datetime(2026, 5, 1, tzinfo=HANGZHOU)]
    moments = [*local, *(START + timedelta(hours=rng.randrange(-48, 24 * 95)) for _ in range(12))]
    periods = [(None, None), (local[0], None), (None, local[1]), (local[0], local[1]),
               (datetime(2026, 2, 10, tzinfo=HANGZHOU), datetime(2026, 2, 20, tzinfo=HANGZHOU)),
               (datetime(2026, 2, 10, 9, tzinfo=HANGZHOU), datetime(2026, 2, 10, 18, tzinfo=HANGZHOU)),
               (datetime(2026, 2, 10, 9, tzinfo=HANGZHOU), datetime(2026, 2, 11, 18, tzinfo=HANGZHOU)),
               (datetime(2026, 1, 20, 9, tzinfo=HANGZHOU), datetime(2026, 3, 11, 18, tzinfo=HANGZHOU)),
               # ends near the next dekad or month (read as it minus what follows) and in mid-dekad
               (datetime(2026, 2, 9, 20, tzinfo=HANGZHOU), datetime(2026, 3, 30, 22, tzinfo=HANGZHOU)),
               (datetime(2026, 2, 6, 12, tzinfo=HANGZHOU), datetime(2026, 3, 6, 12, tzinfo=HANGZHOU)),
               (datetime(2026, 2, 28, 23, tzinfo=HANGZHOU), datetime(2026, 4, 20, 1, tzinfo=HANGZHOU))]
    periods += [(rng.choice([None, *moments]), rng.choice([None, *moments])) for _ in range(40)]
    return periods


@postgres_only
async def test_statistics_from_the_period_tallies_equal_counting_the_needs(db):
    rng = random.Random(5)
    communities = await _world(rng, 90)
    await _random_writes(rng, communities, 15)
    compared = 0
    for since, until in _periods(rng):
        for chosen in (None, [communities[0].id], [c.id for c in communities[1:]], []):
            tallied = await tallied_statistics(chosen, since, until)
            assert sorted(tallied) == sorted(await _counted(chosen, since, until)), (since, until, chosen)
            compared += bool(tallied)
    assert compared > 60


async def test_without_the_tallies_totals_and_statistics_count_the_needs(db):
    if BACKEND == "postgres":
        for statement in ('DROP TRIGGER linli_need_tally_insert ON "need"', f'DROP TABLE "{MONTH_TABLE}"'):
            await connections.get("default").execute_script(statement)
    need_totals.set_ready(None)
    here = await Area.create(name="和睦社区", kind=AreaKind.COMMUNITY)
    admin = Scope(Viewer(role=Role.CENTRE_ADMIN, account_id=1), area_ids=None)
    await make_need(await make_resident(here))
    assert await tallied_total(NeedFilter(statuses=tuple(OPEN_NEED_STATUSES)), admin) is None
    assert await tallied_statistics(None, None, None) is None
    assert need_totals._ready is False


NEED_LIST = """query($filter: NeedFilter) { needs(filter: $filter, first: 5) { totalCount edges { node { id } } } }"""
STATISTICS = """query($since: DateTime, $until: DateTime) {
  needStatistics(since: $since, until: $until) { category status count community { id } } }"""


@postgres_only
async def test_the_api_answers_totals_and_statistics_from_the_tallies(db, admin_gql, sql):
    rng = random.Random(11)
    communities = await _world(rng, 40)
    one = communities[0]
    with sql() as statements:
        data = await admin_gql.ok(NEED_LIST, {"filter": {"communityId": gid("Area", one.id), "openOnly": True}})
        stats = await admin_gql.ok(STATISTICS, {"since": "2026-02-01T00:00:00+08:00", "until": None})
    sent = " ".join(statements.statements)
    assert "need_tally" in sent and "need_month_tally" in sent and 'COUNT(*) FROM "need"' not in sent
    assert data["needs"]["totalCount"] == await Need.filter(
        community_id=one.id, status__in=list(OPEN_NEED_STATUSES)).count() > 0
    counted = sorted(await _counted(None, datetime(2026, 2, 1, tzinfo=HANGZHOU), None))
    assert [(s["category"], s["status"], s["count"]) for s in stats["needStatistics"]] == [
        (category, status, n) for _, category, status, n in counted]


@postgres_only
async def test_queue_lengths_from_the_tally_equal_counting_the_needs(db):
    rng = random.Random(13)
    communities = await _world(rng, 60)
    await _random_writes(rng, communities, 10)
    ids = [c.id for c in communities]
    for community_ids in (None, frozenset(ids[:1]), frozenset(ids[1:]), frozenset()):
        for queue in QUEUE_STATUSES:
            where = QueueScope(community_ids, 24)
            page = await queue_page(queue, where, PageArgs(first=5))
            assert page.total == await queue_queryset(queue, where).count()
            assert page.total == await tallied_count(community_ids, [s.value for s in QUEUE_STATUSES[queue]])


@postgres_only
async def test_a_naive_time_is_hangzhou_time_in_the_statistics(db):
    await _world(random.Random(17), 40)
    admin = Scope(Viewer(role=Role.CENTRE_ADMIN, account_id=1), area_ids=None)
    naive, local = datetime(2026, 2, 20, 8, 30), datetime(2026, 2, 20, 8, 30, tzinfo=HANGZHOU)
    assert await need_counts(admin, naive, None) == await need_counts(admin, local, None) != []
    assert await need_counts(admin, None, naive) == await need_counts(admin, None, local)
