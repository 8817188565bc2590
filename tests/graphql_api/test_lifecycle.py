"""The need lifecycle through the real GraphQL endpoint: steps, roles, invalid transitions, history."""

from __future__ import annotations

import pytest

from models import Need, NeedEvent
from models.enums import MatchStatus, NeedStatus
from resolvers import lifecycle, need_steps
from resolvers.errors import DomainError, ErrorCode
from resolvers.scope import load_scope
from tests.factories import make_areas
from tests.factories_matching import as_professional, as_resident, centre_admin, make_carer, make_elder, staff
from tests.factories_residents import gid, iso, make_match, make_need, soon

HISTORY = """query($id: ID!) { node(id: $id) { ... on Need { status history {
  fromStatus toStatus toStatusLabel actorRole actorRoleLabel actorAccountId reason createdAt } } } }"""
CREATE = """mutation($input: NeedCreateInput!) { needCreate(input: $input) {
  need { id status history { fromStatus toStatus actorRole } } errors { field code } } }"""


def step(name: str, reason: bool = False) -> str:
    argument = ", reason: $reason" if reason else ""
    variables = ", $reason: String!" if reason else ""
    return (f"mutation($id: ID!{variables}) {{ {name}(id: $id{argument}) {{ need {{ status }} "
            "errors { field code message } } }")


TRIAGE, START, CANCEL = step("needTriage"), step("needStartMatching"), step("needCancel")
REJECT, CLOSE = step("needReject", reason=True), step("needClose", reason=True)


async def _history(client, need_id: int) -> list[dict]:
    return (await client.ok(HISTORY, {"id": gid("Need", need_id)}))["node"]["history"]


async def _events(need_id: int) -> list[tuple]:
    return [(e.from_status, e.to_status) for e in await NeedEvent.filter(need_id=need_id).order_by("id")]


async def test_filing_triage_and_matching_each_leave_an_event(gql_as):
    _, here, _ = await make_areas()
    elder = await make_elder(here)
    resident, desk = gql_as(as_resident(elder)), gql_as(staff(here.id))
    start = soon(48)
    data = await resident.ok(CREATE, {"input": {
        "residentId": gid("Resident", elder.id), "category": "MEALS", "title": "每天中午送餐",
        "windowStart": iso(start), "windowEnd": iso(soon(50))}})
    need = data["needCreate"]["need"]
    assert need["history"] == [{"fromStatus": None, "toStatus": "SUBMITTED", "actorRole": "RESIDENT"}]
    need_id = int((await Need.get()).id)
    assert (await desk.ok(TRIAGE, {"id": need["id"]}))["needTriage"] == {"need": {"status": "TRIAGED"}, "errors": []}
    assert (await desk.ok(START, {"id": need["id"]}))["needStartMatching"]["need"] == {"status": "MATCHING"}
    history = await _history(desk, need_id)
    assert [(h["fromStatus"], h["toStatus"], h["actorRole"]) for h in history] == [
        (None, "SUBMITTED", "RESIDENT"), ("SUBMITTED", "TRIAGED", "STAFF"), ("TRIAGED", "MATCHING", "STAFF")]
    assert [h["toStatusLabel"] for h in history] == ["已提交", "已分拣", "匹配中"]
    assert history[1]["actorAccountId"] == gid("Account", 1) and history[1]["actorRoleLabel"] == "中心工作人员"
    assert history[0]["createdAt"] <= history[1]["createdAt"] <= history[2]["createdAt"]
    mine = await _history(resident, need_id)
    assert [h["actorAccountId"] for h in mine] == [None, None, None]  # account ids are for staff only


async def test_reject_needs_a_reason_and_ends_the_need(gql_as):
    _, here, _ = await make_areas()
    need = await make_need(await make_elder(here))
    desk = gql_as(staff(here.id))
    data = await desk.ok(REJECT, {"id": gid("Need", need.id), "reason": "  "})
    assert data["needReject"]["errors"] == [{"field": "reason", "code": "REQUIRED", "message": "`reason` must not "
                                                                                               "be blank."}]
    data = await desk.ok(REJECT, {"id": gid("Need", need.id), "reason": "不在本街道服务范围"})
    assert data["needReject"] == {"need": {"status": "REJECTED"}, "errors": []}
    history = await _history(desk, need.id)
    assert history[-1]["reason"] == "不在本街道服务范围"
    data = await desk.ok(TRIAGE, {"id": gid("Need", need.id)})
    assert [e["code"] for e in data["needTriage"]["errors"]] == ["INVALID_TRANSITION"]
    assert (await Need.get(id=need.id)).status == NeedStatus.REJECTED


@pytest.mark.parametrize(("status", "document", "variables"), [
    (NeedStatus.MATCHING, TRIAGE, {}),
    (NeedStatus.SUBMITTED, START, {}),
    (NeedStatus.CLOSED, REJECT, {"reason": "重复提交"}),
    (NeedStatus.IN_SERVICE, CLOSE, {"reason": "已处理"}),
    (NeedStatus.IN_SERVICE, CANCEL, {}),
    (NeedStatus.EXPIRED, CANCEL, {}),
])
async def test_an_invalid_transition_is_refused_and_changes_nothing(gql_as, status, document, variables):
    _, here, _ = await make_areas()
    need = await make_need(await make_elder(here), status=status)
    data = await gql_as(staff(here.id)).ok(document, {"id": gid("Need", need.id), **variables})
    (payload,) = data.values()
    assert payload["need"] is None
    assert [e["code"] for e in payload["errors"]] == ["INVALID_TRANSITION"]
    assert status.value in payload["errors"][0]["message"]
    row = await Need.get(id=need.id)
    assert (row.status, row.updated_at) == (status, need.updated_at)
    assert await NeedEvent.filter(need_id=need.id).count() == 0


async def test_each_step_is_allowed_only_to_its_roles(gql_as):
    _, here, there = await make_areas()
    elder = await make_elder(here)
    carer = await make_carer(here, "张护理员")
    need = await make_need(elder)
    await make_match(need, carer)
    for viewer in (as_resident(elder), as_professional(carer), staff(there.id)):
        data = await gql_as(viewer).ok(TRIAGE, {"id": gid("Need", need.id)})
        assert [e["code"] for e in data["needTriage"]["errors"]] == ["FORBIDDEN"], viewer
    data = await gql_as(as_resident(elder)).ok(CLOSE, {"id": gid("Need", need.id), "reason": "不需要了"})
    assert [e["code"] for e in data["needClose"]["errors"]] == ["FORBIDDEN"]
    data = await gql_as(as_professional(carer)).ok(CANCEL, {"id": gid("Need", need.id)})
    assert [e["code"] for e in data["needCancel"]["errors"]] == ["FORBIDDEN"]
    assert await NeedEvent.filter(need_id=need.id).count() == 0
    data = await gql_as(as_resident(elder)).ok(CANCEL, {"id": gid("Need", need.id)})
    assert data["needCancel"] == {"need": {"status": "CANCELLED"}, "errors": []}
    assert await _events(need.id) == [(NeedStatus.SUBMITTED, NeedStatus.CANCELLED)]


async def test_an_anonymous_caller_is_asked_to_sign_in(gql):
    _, here, _ = await make_areas()
    need = await make_need(await make_elder(here))
    body = await gql.execute(TRIAGE, {"id": gid("Need", need.id)})
    assert {e["extensions"]["code"] for e in body["errors"]} == {"UNAUTHENTICATED"}
    assert (await Need.get(id=need.id)).status == NeedStatus.SUBMITTED


async def test_a_proposal_walks_the_diagram_and_a_second_one_is_no_step(db):
    _, here, _ = await make_areas()
    need = await make_need(await make_elder(here))
    desk = await load_scope(staff(here.id))
    await lifecycle.transition(need.id, NeedStatus.PROPOSED, desk, "engine")
    await lifecycle.transition(need.id, NeedStatus.PROPOSED, desk, "engine")
    assert await _events(need.id) == [
        (NeedStatus.SUBMITTED, NeedStatus.TRIAGED), (NeedStatus.TRIAGED, NeedStatus.MATCHING),
        (NeedStatus.MATCHING, NeedStatus.PROPOSED)]
    reasons = await NeedEvent.filter(need_id=need.id).order_by("id").values_list("reason", flat=True)
    assert reasons == [lifecycle.AUTOMATIC_REASON, lifecycle.AUTOMATIC_REASON, "engine"]
    carer = await make_carer(here, "张护理员")
    await make_match(need, carer)
    accepted = await lifecycle.transition(need.id, NeedStatus.ACCEPTED, as_professional(carer))
    assert accepted.status == NeedStatus.ACCEPTED
    with pytest.raises(DomainError) as refused:
        await lifecycle.transition(need.id, NeedStatus.EXPIRED, desk)
    assert refused.value.code == ErrorCode.FORBIDDEN


async def test_the_table_has_no_dead_ends_and_every_status_is_reachable():
    reachable, frontier = {NeedStatus.SUBMITTED}, [NeedStatus.SUBMITTED]
    while frontier:
        current = frontier.pop()
        for (source, target) in lifecycle.TRANSITIONS:
            if source == current and target not in reachable:
                reachable.add(target)
                frontier.append(target)
    assert reachable == set(NeedStatus)
    finals = {NeedStatus.REJECTED, NeedStatus.CLOSED, NeedStatus.CANCELLED, NeedStatus.EXPIRED}
    assert {source for source, _ in lifecycle.TRANSITIONS} == set(NeedStatus) - finals


async def test_history_is_batched_across_needs(gql_as, sql):
    _, here, _ = await make_areas()
    elder = await make_elder(here)
    desk = await load_scope(centre_admin())
    for i in range(30):
        need = await make_need(elder, f"需求{i}")
        await lifecycle.record_filing(need, desk)
        await need_steps.triage(desk, need.id)
    client = gql_as(centre_admin())
    query = "query($n: Int) { needs(first: $n) { edges { node { history { toStatus } } } } }"
    counts = []
    for size in (3, 30):
        with sql() as counter:
            data = await client.ok(query, {"n": size})
        assert [len(e["node"]["history"]) for e in data["needs"]["edges"]] == [2] * size
        counts.append(counter.count)
    assert counts[0] == counts[1]


async def test_history_is_for_the_resident_and_staff_only(gql_as):
    _, here, there = await make_areas()
    elder = await make_elder(here)
    carer = await make_carer(here, "张护理员")
    need = await make_need(elder)
    await make_match(need, carer, status=MatchStatus.ACCEPTED)
    for viewer in (as_professional(carer), staff(there.id)):
        body = await gql_as(viewer).execute(HISTORY, {"id": gid("Need", need.id)})
        assert body["data"]["node"] is None or body["errors"][0]["extensions"]["code"] == "FORBIDDEN", viewer


async def test_no_mutation_can_change_or_delete_an_event(gql_as):
    schema = await gql_as(centre_admin()).ok("{ __schema { mutationType { fields { name } } } }")
    names = [f["name"] for f in schema["__schema"]["mutationType"]["fields"]]
    assert [n for n in names if "event" in n.lower() or "history" in n.lower()] == []


async def test_a_batch_moves_every_need_or_none(db):
    _, here, _ = await make_areas()
    elder = await make_elder(here)
    submitted, triaged = await make_need(elder, "甲"), await make_need(elder, "乙", status=NeedStatus.TRIAGED)
    closed = await make_need(elder, "丙", status=NeedStatus.CLOSED)
    desk = await load_scope(staff(here.id))
    with pytest.raises(DomainError) as refused:
        await lifecycle.transition_many([submitted.id, triaged.id, closed.id], NeedStatus.PROPOSED, desk, "engine")
    assert refused.value.code == ErrorCode.INVALID_TRANSITION
    assert await NeedEvent.all().count() == 0
    assert (await Need.get(id=submitted.id)).status == NeedStatus.SUBMITTED
    moved = await lifecycle.transition_many([triaged.id, submitted.id], NeedStatus.PROPOSED, desk, "engine")
    assert [(n.id, n.status) for n in moved] == [(submitted.id, NeedStatus.PROPOSED), (triaged.id, NeedStatus.PROPOSED)]
    assert await _events(submitted.id) == [
        (NeedStatus.SUBMITTED, NeedStatus.TRIAGED), (NeedStatus.TRIAGED, NeedStatus.MATCHING),
        (NeedStatus.MATCHING, NeedStatus.PROPOSED)]
    assert await _events(triaged.id) == [(NeedStatus.TRIAGED, NeedStatus.MATCHING),
                                         (NeedStatus.MATCHING, NeedStatus.PROPOSED)]
