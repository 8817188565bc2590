"""The need list's plans: an index serves every filter and order the API offers, on any size of city (and the
professional directory's orders).

``bench.explain`` times the statements on the seeded city; this test checks the plans' shape on a tiny
database, where timings mean nothing: with sequential scans and sorts priced out (``enable_seqscan``,
``enable_sort``, ``enable_incremental_sort`` off), PostgreSQL still scans ``need`` whole or sorts it only
when no index can serve the statement. So a page must read an index already in its order (no Sort node),
and neither a page nor a count may read ``need`` with a sequential scan. A renamed order, a changed
``URGENCY_RANK_SQL`` or a dropped index of ``models.list_indexes`` fails here. It also checks that the
search's index condition (``resolvers.need_search``) changes no answer. PostgreSQL only.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime

import pytest
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import Need
from models.enums import OPEN_NEED_STATUSES, CareCategory, NeedStatus, Urgency
from resolvers import urgency_pages
from resolvers.needs import KEYSETS, ORDERINGS, NeedFilter, need_queryset
from resolvers.professionals import KEYSETS as PROFESSIONAL_KEYSETS
from resolvers.professionals import ProfessionalFilter, professional_queryset
from tests.conftest import BACKEND
from tests.factories import make_areas
from tests.factories_residents import make_need, make_resident

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="the indexes and plans are PostgreSQL's")

CUTOFF = datetime(2026, 10, 1, tzinfo=UTC)
FILTERS = {  # name: criteria (community and resident ids are filled in by the test)
    "none": {}, "community": {"community_id": 0}, "community+open": {"community_id": 0, "open_only": True},
    "open": {"open_only": True}, "category": {"category": CareCategory.MEALS},
    "status": {"statuses": (NeedStatus.SUBMITTED,)}, "closed": {"statuses": (NeedStatus.CLOSED,)},
    "urgency": {"urgency": Urgency.LOW}, "resident": {"resident_id": 0}, "after": {"submitted_after": CUTOFF},
    "before": {"submitted_before": CUTOFF}, "community+category": {"community_id": 0, "category": CareCategory.MEALS},
    "community+status": {"community_id": 0, "statuses": (NeedStatus.TRIAGED,)},
    "some open statuses": {"statuses": (NeedStatus.SUBMITTED, NeedStatus.TRIAGED), "open_only": True},
}


async def plan_of(queryset) -> dict:
    """The JSON plan of a queryset's statement, sequential scans and sorts priced out."""
    queryset._choose_db_if_not_chosen()
    queryset._make_query()
    sql, params = queryset.query.get_parameterized_sql()
    async with in_transaction() as conn:
        for setting in ("enable_seqscan", "enable_sort", "enable_incremental_sort"):
            await conn.execute_script(f"SET LOCAL {setting} = off")
        rows = await conn.execute_query_dict(f"EXPLAIN (FORMAT JSON) {sql}", params)
    plan = rows[0]["QUERY PLAN"]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def nodes(plan: dict) -> list[dict]:
    """Every node of a plan."""
    return [plan, *(node for child in plan.get("Plans", ()) for node in nodes(child))]


@pytest.fixture
async def ids(db) -> dict:
    _, community, _ = await make_areas()
    resident = await make_resident(community)
    await make_need(resident)
    return {"community_id": community.id, "resident_id": resident.id}


async def test_each_filter_and_order_reads_an_index_in_order(ids):
    wrong = []  # every combination is checked on one database, and all the wrong ones reported
    for (name, values), order in itertools.product(FILTERS.items(), ORDERINGS):
        criteria = NeedFilter(**{key: ids.get(key, value) for key, value in values.items()})
        queryset = need_queryset(criteria, order)
        page = nodes(await plan_of(queryset.offset(20).limit(50)))
        kinds = {node["Node Type"] for node in page}
        if "Seq Scan" in kinds or not any(node.get("Index Name", "need_pkey") != "need_pkey" for node in page):
            wrong.append((name, order, "page without an index", kinds))
        if name != "resident" and {"Sort", "Incremental Sort"} & kinds:  # a resident's few needs may be sorted
            wrong.append((name, order, "page sorted", kinds))
        if "Seq Scan" in {node["Node Type"] for node in nodes(await plan_of(queryset.count()))}:
            wrong.append((name, order, "count scans need", kinds))
    assert not wrong, wrong


async def test_every_open_status_set_is_one_partial_index(ids):
    """``openOnly``, or several of the open statuses, read the partial index of the open needs."""
    for statuses in (tuple(OPEN_NEED_STATUSES), (NeedStatus.MATCHING, NeedStatus.PROPOSED)):
        page = await plan_of(need_queryset(NeedFilter(statuses=statuses, open_only=True), "WINDOW_START").limit(50))
        assert "idx_need_open_by_window" in {node.get("Index Name") for node in nodes(page)}, statuses


async def test_search_finds_its_candidates_in_the_grams_index(ids):
    count = await plan_of(need_queryset(NeedFilter(search="助餐")).count())
    assert "idx_need_search_grams" in {node.get("Index Name") for node in nodes(count)}


async def test_the_grams_condition_changes_no_search_answer(db):
    _, community, _ = await make_areas()
    resident = await make_resident(community)
    titles = ["需要助餐", "助浴", "Meals on Wheels", "ÄPFEL schälen", "100% 陪诊_x", "a\\b", "餐", "Straße"]
    for title in titles:
        await make_need(resident, title=title, description=f"说明 {title[::-1]}")
    for text in ["助餐", "餐", "需", "MEALS", "meals on", "s o", "äpf", "%", "_x", "\\", "a", "x", "说明", "SS",
                 "straße", "诊_", "求助", "餐需", "LEEHW", "no such text"]:
        found = await need_queryset(NeedFilter(search=text)).values_list("id", flat=True)
        plain = await Need.filter(Q(title__icontains=text) | Q(description__icontains=text)).values_list("id",
                                                                                                        flat=True)
        assert sorted(found) == sorted(plain), text
    assert len(await need_queryset(NeedFilter(search="餐")).values_list("id", flat=True)) == 2


async def test_pages_after_a_cursor_and_last_pages_read_an_index_in_order(ids):
    """The seeking pages (``resolvers.keyset_pages.paginate_keyset``) of the need list and the professional
    directory: after a cursor, and the last page read backwards, each one index range with no sort."""
    moment = datetime(2026, 10, 1, tzinfo=UTC)
    lists = [(need_queryset(NeedFilter(**values), order), KEYSETS[order])
             for values in ({}, {"community_id": ids["community_id"]}, {"statuses": (NeedStatus.SUBMITTED,)},
                            {"open_only": True})
             for order in KEYSETS]
    lists += [(professional_queryset(ProfessionalFilter(), order), keyset)
              for order, keyset in PROFESSIONAL_KEYSETS.items()]
    wrong = []
    urgency = need_queryset(NeedFilter(), "URGENCY")
    for forward in (True, False):  # the urgency order's two ranges (resolvers.urgency_pages.UrgencyKeyset.seek)
        order = urgency_pages.ORDER if forward else urgency_pages.BACKWARDS
        for condition in (Q(urgency_rank=1, created_at__lte=moment), Q(urgency_rank__gt=1), Q(urgency_rank__lt=1)):
            kinds = {node["Node Type"] for node in nodes(await plan_of(urgency.filter(condition).order_by(*order)
                                                                           .limit(50)))}
            if {"Sort", "Incremental Sort", "Seq Scan"} & kinds:
                wrong.append(("Need", "URGENCY", forward, kinds))
    for queryset, keyset in lists:
        at = ("某人" if keyset.text else moment, 7)
        for statement in (queryset.filter(keyset.beyond(at, forward=True)).limit(50),
                          queryset.order_by(*keyset.order(reverse=True)).limit(50)):
            kinds = {node["Node Type"] for node in nodes(await plan_of(statement))}
            if {"Sort", "Incremental Sort", "Seq Scan"} & kinds:
                wrong.append((queryset.model.__name__, keyset.name, kinds))
    assert not wrong, wrong
