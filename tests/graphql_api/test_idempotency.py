"""Idempotency keys of creating mutations: a retry returns the first result and creates nothing new."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from models import Enrollment, IdempotencyKey, Need, NeedEvent, ServiceRecord
from models.enums import MatchStatus, NeedStatus
from resolvers import idempotency
from resolvers.access import Role, Viewer
from resolvers.errors import DomainError, ErrorCode
from tests.factories import make_areas
from tests.factories_matching import as_professional, as_resident, make_carer, make_elder, staff
from tests.factories_people import make_organization, make_project, make_session
from tests.factories_residents import gid, iso, make_match, make_need, soon

CREATE = """mutation($input: NeedCreateInput!, $key: String) { needCreate(input: $input, idempotencyKey: $key) {
  need { id title status } errors { field code } } }"""
ENROLL = """mutation($session: ID!, $resident: ID!, $key: String) {
  sessionEnroll(sessionId: $session, residentId: $resident, idempotencyKey: $key) {
    enrollment { id status } errors { field code } } }"""
CHECK_IN = """mutation($need: ID!, $key: String) { serviceCheckIn(needId: $need, place: "家中", idempotencyKey: $key) {
  serviceRecord { id } need { status } errors { field code } } }"""
CHECK_OUT = """mutation($need: ID!) { serviceCheckOut(needId: $need, content: "送餐") { errors { code } } }"""
FEEDBACK = """mutation($need: ID!, $key: String) { needFeedback(needId: $need, rating: 5, idempotencyKey: $key) {
  need { id status } serviceRecord { rating } errors { field code } } }"""


START, END = iso(soon(48)), iso(soon(50))


def _input(resident_id: int, title: str = "每天中午送餐") -> dict:
    """The same request every time it is called (a genuine retry)."""
    return {"residentId": gid("Resident", resident_id), "category": "MEALS", "title": title,
            "windowStart": START, "windowEnd": END}


async def test_a_retried_need_create_returns_the_first_need(gql_as):
    _, here, _ = await make_areas()
    elder = await make_elder(here)
    client = gql_as(as_resident(elder))
    first = await client.ok(CREATE, {"input": _input(elder.id), "key": "8d1c-retry"})
    again = await client.ok(CREATE, {"input": _input(elder.id), "key": "8d1c-retry"})
    assert first["needCreate"]["errors"] == [] and again == first
    assert await Need.all().count() == 1 and await NeedEvent.all().count() == 1
    other = await client.ok(CREATE, {"input": _input(elder.id), "key": "another"})
    assert other["needCreate"]["need"]["id"] != first["needCreate"]["need"]["id"]
    assert await Need.all().count() == 2


async def test_the_same_key_for_another_request_is_refused(gql_as):
    _, here, _ = await make_areas()
    elder = await make_elder(here)
    client = gql_as(as_resident(elder))
    await client.ok(CREATE, {"input": _input(elder.id), "key": "k1"})
    data = await client.ok(CREATE, {"input": _input(elder.id, "换个标题"), "key": "k1"})
    assert data["needCreate"] == {"need": None, "errors": [{"field": "idempotencyKey",
                                                             "code": "IDEMPOTENCY_KEY_REUSED"}]}
    assert await Need.all().count() == 1


async def test_keys_belong_to_their_caller_and_a_failed_request_stores_none(gql_as):
    _, here, _ = await make_areas()
    elder = await make_elder(here)
    desk = gql_as(staff(here.id))
    bad = {**_input(elder.id), "title": " "}
    data = await desk.ok(CREATE, {"input": bad, "key": "k1"})
    assert data["needCreate"]["errors"] == [{"field": "title", "code": "REQUIRED"}]
    assert await IdempotencyKey.all().count() == 0
    mine = await desk.ok(CREATE, {"input": _input(elder.id), "key": "k1"})
    theirs = await gql_as(as_resident(elder)).ok(CREATE, {"input": _input(elder.id), "key": "k1"})
    assert mine["needCreate"]["need"]["id"] != theirs["needCreate"]["need"]["id"]
    data = await desk.ok(CREATE, {"input": _input(elder.id), "key": "x" * 101})
    assert data["needCreate"]["errors"] == [{"field": "idempotencyKey", "code": "OUT_OF_RANGE"}]


async def test_a_retried_enrollment_returns_the_first_place(gql_as):
    _, here, _ = await make_areas()
    session = await make_session(await make_project(await make_organization(here)), capacity=1)
    elder = await make_elder(here)
    client = gql_as(as_resident(elder))
    variables = {"session": gid("ProjectSession", session.id), "resident": gid("Resident", elder.id), "key": "e1"}
    first = await client.ok(ENROLL, variables)
    again = await client.ok(ENROLL, variables)
    assert first["sessionEnroll"]["enrollment"]["status"] == "CONFIRMED" and again == first
    unkeyed = await client.ok(ENROLL, {**variables, "key": None})
    assert unkeyed["sessionEnroll"]["errors"] == [{"field": "residentId", "code": "DUPLICATE"}]
    assert await Enrollment.all().count() == 1


async def test_retried_check_in_and_feedback_return_the_first_result(gql_as):
    _, here, _ = await make_areas()
    elder = await make_elder(here)
    carer = await make_carer(here, "张护理员")
    need = await make_need(elder, status=NeedStatus.ACCEPTED)
    await make_match(need, carer, status=MatchStatus.ACCEPTED)
    provider = gql_as(as_professional(carer))
    first = await provider.ok(CHECK_IN, {"need": gid("Need", need.id), "key": "in-1"})
    again = await provider.ok(CHECK_IN, {"need": gid("Need", need.id), "key": "in-1"})
    assert first["serviceCheckIn"]["errors"] == [] and again == first
    assert await ServiceRecord.all().count() == 1
    await provider.ok(CHECK_OUT, {"need": gid("Need", need.id)})
    resident = gql_as(as_resident(elder))
    first = await resident.ok(FEEDBACK, {"need": gid("Need", need.id), "key": "fb-1"})
    again = await resident.ok(FEEDBACK, {"need": gid("Need", need.id), "key": "fb-1"})
    assert first["needFeedback"]["need"]["status"] == "CLOSED" and again == first
    unkeyed = await resident.ok(FEEDBACK, {"need": gid("Need", need.id), "key": None})
    assert [e["code"] for e in unkeyed["needFeedback"]["errors"]] == ["INVALID_TRANSITION"]
    assert await NeedEvent.filter(need_id=need.id, to_status=NeedStatus.CLOSED).count() == 1


async def test_concurrent_duplicates_create_one_need(gql_as):
    _, here, _ = await make_areas()
    elder = await make_elder(here)
    client = gql_as(as_resident(elder))
    variables = {"input": _input(elder.id), "key": "storm"}
    answers = await asyncio.gather(*[client.ok(CREATE, variables) for _ in range(8)])
    assert len({a["needCreate"]["need"]["id"] for a in answers}) == 1
    assert [a["needCreate"]["errors"] for a in answers] == [[]] * 8
    assert await Need.all().count() == 1 and await IdempotencyKey.all().count() == 1


async def test_a_crash_after_the_creation_leaves_neither_the_key_nor_the_row(db):
    _, here, _ = await make_areas()
    elder = await make_elder(here)
    viewer = Viewer(role=Role.RESIDENT, account_id=7, resident_id=elder.id)
    request = idempotency.keyed_request(viewer, "needCreate", "k", {"title": "x"})

    async def create_then_fail():
        await make_need(elder)
        raise RuntimeError("the process died here")

    with pytest.raises(RuntimeError):
        await idempotency.once(request, create_then_fail)
    assert await Need.all().count() == 0 and await IdempotencyKey.all().count() == 0
    with pytest.raises(DomainError) as refused:
        idempotency.keyed_request(Viewer(), "needCreate", "k", {})
    assert refused.value.code == ErrorCode.UNAUTHENTICATED


async def test_keys_are_forgotten_after_a_week(db):
    _, here, _ = await make_areas()
    elder = await make_elder(here)
    viewer = Viewer(role=Role.RESIDENT, account_id=7, resident_id=elder.id)
    for key in ("old", "new"):
        await idempotency.once(idempotency.keyed_request(viewer, "needCreate", key, {}), lambda: make_need(elder))
    await IdempotencyKey.filter(key="old").update(created_at=datetime.now(UTC) - timedelta(days=8))
    assert await idempotency.forget_old_keys() == 1
    assert await IdempotencyKey.all().values_list("key", flat=True) == ["new"]
