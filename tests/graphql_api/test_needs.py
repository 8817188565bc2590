"""Needs and their matches through the real GraphQL endpoint."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio
from tortoise import connections
from tortoise.transactions import in_transaction

from models import Match, Need
from models.enums import MatchStatus, NeedStatus, Urgency
from resolvers.needs import NeedFilter, need_queryset
from tests.conftest import BACKEND
from tests.factories import make_areas, make_hub
from tests.factories_residents import gid, iso, make_match, make_need, make_professional, make_resident, soon


@pytest_asyncio.fixture
async def gql(admin_gql):
    """These tests act as a centre admin: authorization is tested in test_authorization.py."""
    return admin_gql


CREATE = """
mutation($input: NeedCreateInput!) {
  needCreate(input: $input) {
    need { id title categoryLabel urgencyLabel statusLabel hasLocation requiredCertifications
           community { name } resident { displayName } }
    errors { field message code }
  }
}"""

UPDATE = """mutation($id: ID!, $input: NeedUpdateInput!) { needUpdate(id: $id, input: $input) {
    need { title urgency windowEnd } errors { field code } } }"""
CANCEL = """mutation($id: ID!) { needCancel(id: $id) { need { status } errors { field code } } }"""
LIST = """query($f: NeedFilter, $o: NeedOrder) { needs(filter: $f, orderBy: $o) {
    totalCount edges { node { title } } } }"""


def _input(resident_id: int, **changes) -> dict:
    start = soon()
    return {"residentId": gid("Resident", resident_id), "category": "MEALS", "title": "每天中午送餐",
            "description": "腿脚不便，希望有人送午餐", "windowStart": iso(start),
            "windowEnd": iso(start + timedelta(hours=1)), **changes}


async def test_create_need_defaults_to_residents_community_and_hides_location(gql):
    _, community, _ = await make_areas()
    resident = await make_resident(community, "王秀英")
    data = await gql.ok(CREATE, {"input": _input(
        resident.id, urgency="HIGH", location={"latitude": 30.3061, "longitude": 120.1405},
        requiredCertifications=["ELDER_CARE_WORKER", "ELDER_CARE_WORKER"])})
    payload = data["needCreate"]
    assert payload["errors"] == []
    assert payload["need"] | {"id": None} == {
        "id": None, "title": "每天中午送餐", "categoryLabel": "助餐", "urgencyLabel": "紧急", "statusLabel": "已提交",
        "hasLocation": True, "requiredCertifications": ["ELDER_CARE_WORKER"], "community": {"name": "和睦社区"},
        "resident": {"displayName": "王**"},
    }
    row = await Need.get()
    assert (row.community_id, row.latitude, row.urgency) == (community.id, 30.3061, Urgency.HIGH)
    text = json.dumps(await gql.ok('query($id: ID!) { node(id: $id) { ... on Need { hasLocation } } }',
                                   {"id": payload["need"]["id"]}))
    assert "30.3061" not in text and "120.1405" not in text


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"windowEnd": iso(soon(-1))}, "windowEnd", "INVALID_RANGE"),
    ({"windowStart": iso(soon(-49)), "windowEnd": iso(soon(-48))}, "windowStart", "INVALID_RANGE"),
    ({"title": "长" * 81}, "title", "TOO_LONG"),
    ({"title": " "}, "title", "REQUIRED"),
    ({"description": "长" * 2001}, "description", "TOO_LONG"),
    ({"residentId": gid("Resident", 999)}, "residentId", "NOT_FOUND"),
    ({"communityId": gid("Area", 999)}, "communityId", "NOT_FOUND"),
    ({"location": {"latitude": 95, "longitude": 120}}, "location", "OUT_OF_RANGE"),
    ({"skillsWanted": [f"技能{i}" for i in range(21)]}, "skillsWanted", "OUT_OF_RANGE"),
    ({"residentId": gid("Area", 1)}, "residentId", "INVALID_ID"),
])
async def test_each_invalid_field_is_reported_and_nothing_written(gql, changes, field, code):
    _, community, _ = await make_areas()
    resident = await make_resident(community)
    data = await gql.ok(CREATE, {"input": _input(resident.id, **changes)})
    payload = data["needCreate"]
    assert payload["need"] is None
    assert {(e["field"], e["code"]) for e in payload["errors"]} == {(field, code)}
    assert await Need.all().count() == 0


async def test_update_only_before_matching(gql):
    _, community, _ = await make_areas()
    resident = await make_resident(community)
    need = await make_need(resident, "原标题")
    data = await gql.ok(UPDATE, {"id": gid("Need", need.id), "input": {"title": "新标题", "urgency": "CRITICAL"}})
    assert data["needUpdate"]["need"]["title"] == "新标题"
    assert data["needUpdate"]["need"]["urgency"] == "CRITICAL"
    data = await gql.ok(UPDATE, {"id": gid("Need", need.id), "input": {"windowEnd": iso(need.window_start)}})
    assert data["needUpdate"]["errors"] == [{"field": "windowEnd", "code": "INVALID_RANGE"}]
    data = await gql.ok(CANCEL, {"id": gid("Need", need.id)})
    assert data["needCancel"]["need"]["status"] == "CANCELLED"
    data = await gql.ok(UPDATE, {"id": gid("Need", need.id), "input": {"title": "再改"}})
    assert data["needUpdate"] == {"need": None, "errors": [{"field": None, "code": "INVALID_STATE"}]}
    row = await Need.get(id=need.id)
    assert (row.title, row.status) == ("新标题", NeedStatus.CANCELLED)


async def test_cancel_withdraws_proposals_and_acceptance_but_not_a_started_service(gql):
    _, community, _ = await make_areas()
    resident = await make_resident(community)
    proposed = await make_need(resident, "待推荐", status=NeedStatus.PROPOSED)
    match = await make_match(proposed, await make_professional())
    data = await gql.ok(CANCEL, {"id": gid("Need", proposed.id)})
    assert data["needCancel"]["errors"] == []
    assert (await Match.get(id=match.id)).status == MatchStatus.WITHDRAWN
    accepted = await make_need(resident, "已接单", status=NeedStatus.ACCEPTED)
    booked = await make_match(accepted, await make_professional("李护士"), status=MatchStatus.ACCEPTED)
    data = await gql.ok(CANCEL, {"id": gid("Need", accepted.id)})
    assert data["needCancel"] == {"need": {"status": "CANCELLED"}, "errors": []}
    assert (await Match.get(id=booked.id)).status == MatchStatus.WITHDRAWN
    started = await make_need(resident, "服务中", status=NeedStatus.IN_SERVICE)
    data = await gql.ok(CANCEL, {"id": gid("Need", started.id)})
    assert data["needCancel"]["errors"] == [{"field": None, "code": "INVALID_TRANSITION"}]
    assert (await Need.get(id=started.id)).status == NeedStatus.IN_SERVICE


async def test_filters_and_orders(gql):
    _, one, two = await make_areas()
    elder, mother = await make_resident(one, "王秀英"), await make_resident(two, "李芳")
    base = datetime(2026, 11, 1, 9, tzinfo=UTC)
    await make_need(elder, "助餐", created_at=base, window_start=soon(72), urgency=Urgency.LOW)
    await make_need(elder, "助浴", category="BATHING", created_at=base + timedelta(days=1),
                    window_start=soon(24), urgency=Urgency.CRITICAL, description="需要护理员协助洗澡")
    await make_need(elder, "陪诊", category="MEDICAL", created_at=base + timedelta(days=2),
                    window_start=soon(48), status=NeedStatus.COMPLETED, urgency=Urgency.HIGH)
    await make_need(mother, "亲子阅读", category="FAMILY_READING", created_at=base + timedelta(days=3),
                    window_start=soon(96), status=NeedStatus.TRIAGED)

    async def titles(order="NEWEST", **criteria):
        data = await gql.ok(LIST, {"f": criteria, "o": order})
        assert data["needs"]["totalCount"] == len(data["needs"]["edges"])
        return [e["node"]["title"] for e in data["needs"]["edges"]]

    assert await titles() == ["亲子阅读", "陪诊", "助浴", "助餐"]
    assert await titles("OLDEST") == ["助餐", "助浴", "陪诊", "亲子阅读"]
    assert await titles("WINDOW_START") == ["助浴", "陪诊", "助餐", "亲子阅读"]
    assert await titles("URGENCY") == ["助浴", "陪诊", "亲子阅读", "助餐"]
    assert await titles(communityId=gid("Area", one.id), openOnly=True) == ["助浴", "助餐"]
    assert await titles(residentId=gid("Resident", mother.id)) == ["亲子阅读"]
    assert await titles(category="MEDICAL") == ["陪诊"]
    assert await titles(status=["COMPLETED", "TRIAGED"]) == ["亲子阅读", "陪诊"]
    assert await titles(status=["COMPLETED"], openOnly=True) == []
    assert await titles(urgency="CRITICAL") == ["助浴"]
    assert await titles(search="护理员") == ["助浴"]
    assert await titles(submittedAfter=iso(base + timedelta(days=1)),
                        submittedBefore=iso(base + timedelta(days=3))) == ["陪诊", "助浴"]


async def test_community_status_filter_uses_composite_index(db):
    _, community, _ = await make_areas()
    await make_need(await make_resident(community))
    criteria = NeedFilter(community_id=community.id, statuses=(NeedStatus.SUBMITTED,))
    sql = need_queryset(criteria).sql(params_inline=True)
    if BACKEND == "postgres":
        async with in_transaction() as conn:
            await conn.execute_script("SET LOCAL enable_seqscan = off")
            plan = " ".join(str(r) for r in await conn.execute_query_dict(f"EXPLAIN {sql}"))
        # several indexes serve it (models.list_indexes): any of them, in order, with a filter in its condition
        assert "Seq Scan" not in plan and "Sort" not in plan, plan
        assert "Index Cond: ((community_id = " in plan or "Index Cond: ((status)::text = " in plan, plan
    else:
        rows = await connections.get("default").execute_query_dict(f"EXPLAIN QUERY PLAN {sql}")
        assert any("(community_id=? AND status=?)" in row["detail"] for row in rows), rows


async def test_nested_need_lists_use_constant_statements(gql, sql):
    _, one, two = await make_areas()
    professionals = [await make_professional(f"专业人士{i}") for i in range(3)]
    hub = await make_hub(one, incubatees=2)
    residents = [await make_resident(one if i % 2 else two, f"居民{i:02d}") for i in range(8)]
    for i in range(104):
        need = await make_need(residents[i % 8], f"需求{i:03d}")
        await make_match(need, professionals[i % 3], score=0.9)
        await make_match(need, hub, score=0.6 if i % 2 else None)
    query = """query($n: Int!) { needs(first: $n) { edges { node {
        resident { displayName community { name } } community { name }
        matches(first: $n) { totalCount edges { node { score provider { __typename } } } } } } } }"""
    counts = []
    for n in (10, 100):
        with sql() as counter:
            data = await gql.ok(query, {"n": n})
        edges = data["needs"]["edges"]
        assert len(edges) == n
        kinds = {e["node"]["provider"]["__typename"] for edge in edges for e in edge["node"]["matches"]["edges"]}
        assert kinds == {"Professional", "Organization"}
        for edge in edges:
            scores = [e["node"]["score"] for e in edge["node"]["matches"]["edges"]]
            assert scores in ([0.9, 0.6], [0.9, None]), "best score first, unscored last"
        counts.append(counter.count)
    assert counts[0] == counts[1]
