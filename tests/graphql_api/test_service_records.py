"""Check-in, check-out, feedback, confirmation and corrections of service records, through the real endpoint."""

from __future__ import annotations

from datetime import timedelta

import pytest_asyncio

from models import Match, Need, NeedEvent, RecordCorrection, ServiceRecord
from models.enums import CorrectionStatus, MatchStatus, NeedStatus, ServiceRecordStatus
from tests.factories import make_areas
from tests.factories_matching import as_professional, as_resident, make_carer, make_elder, staff
from tests.factories_residents import gid, iso, make_match, make_need

CHECK_IN = """mutation($need: ID!, $place: String!, $chief: String) {
  serviceCheckIn(needId: $need, place: $place, personInCharge: $chief) {
    serviceRecord { id activityName serviceDate place startedAt endedAt personInCharge recorder status statusLabel
                    recipient { displayName } professional { name } }
    need { status } errors { field code } } }"""
CHECK_OUT = """mutation($need: ID!, $content: String!) { serviceCheckOut(needId: $need, content: $content) {
  serviceRecord { content endedAt status } need { status } errors { field code } } }"""
FEEDBACK = """mutation($need: ID!, $rating: Int!, $comment: String) {
  needFeedback(needId: $need, rating: $rating, comment: $comment) {
    need { status } serviceRecord { rating evaluation status } errors { field code } } }"""
CONFIRM = """mutation($id: ID!) { serviceRecordConfirm(id: $id) { serviceRecord { status confirmedAt }
  errors { field code } } }"""
REQUEST = """mutation($id: ID!, $changes: ServiceRecordChangesInput!, $reason: String!) {
  serviceRecordCorrectionRequest(recordId: $id, changes: $changes, reason: $reason) {
    correction { id status changes { field previous value } } errors { field code } } }"""
DECIDE = """mutation($id: ID!, $approve: Boolean!) { serviceRecordCorrectionDecide(id: $id, approve: $approve) {
  correction { status statusLabel changes { field previous value } record { place endedAt } }
  errors { field code } } }"""


@pytest_asyncio.fixture
async def served(db):
    """An elder's accepted need, its carer's accepted match, and the staff, resident and carer viewers."""
    _, here, there = await make_areas()
    elder = await make_elder(here, "王奶奶")
    carer = await make_carer(here, "张护理员")
    need = await make_need(elder, "每天中午送餐", status=NeedStatus.ACCEPTED)
    match = await make_match(need, carer, status=MatchStatus.ACCEPTED)
    return {"need": need, "match": match, "carer": carer, "elder": elder, "here": here, "there": there}


async def _check_in(gql_as, served, place="王奶奶家（和睦新村3幢）") -> dict:
    data = await gql_as(as_professional(served["carer"])).ok(
        CHECK_IN, {"need": gid("Need", served["need"].id), "place": place})
    return data["serviceCheckIn"]


async def test_the_provider_checks_in_and_out_and_the_resident_closes_with_a_rating(gql_as, served):
    need, carer = served["need"], served["carer"]
    started = await _check_in(gql_as, served)
    assert started["errors"] == [] and started["need"] == {"status": "IN_SERVICE"}
    record = started["serviceRecord"]
    assert record | {"id": None, "startedAt": None, "serviceDate": None} == {
        "id": None, "activityName": "每天中午送餐", "serviceDate": None, "place": "王奶奶家（和睦新村3幢）",
        "startedAt": None, "endedAt": None, "personInCharge": "张护理员", "recorder": "张护理员", "status": "DRAFT",
        "statusLabel": "待确认", "recipient": {"displayName": "王**"}, "professional": {"name": "张护理员"}}
    provider = gql_as(as_professional(carer))
    data = await provider.ok(CHECK_OUT, {"need": gid("Need", need.id), "content": "送餐并陪同用餐"})
    assert data["serviceCheckOut"]["need"] == {"status": "COMPLETED"}
    assert data["serviceCheckOut"]["serviceRecord"]["content"] == "送餐并陪同用餐"
    assert (await Match.get(id=served["match"].id)).status == MatchStatus.COMPLETED
    data = await gql_as(as_resident(served["elder"])).ok(
        FEEDBACK, {"need": gid("Need", need.id), "rating": 5, "comment": "很细心"})
    assert data["needFeedback"] == {"need": {"status": "CLOSED"}, "errors": [],
                                    "serviceRecord": {"rating": 5, "evaluation": "很细心", "status": "CONFIRMED"}}
    assert (await Match.get(id=served["match"].id)).rating == 5
    steps = [(e.from_status, e.to_status, e.actor_role) for e in await NeedEvent.filter(need_id=need.id)]
    assert steps == [(NeedStatus.ACCEPTED, NeedStatus.IN_SERVICE, "PROFESSIONAL"),
                     (NeedStatus.IN_SERVICE, NeedStatus.COMPLETED, "PROFESSIONAL"),
                     (NeedStatus.COMPLETED, NeedStatus.CLOSED, "RESIDENT")]
    row = await ServiceRecord.get()
    assert row.ended_at > row.started_at and row.confirmed_by_account_id == as_resident(served["elder"]).account_id


async def test_only_the_accepted_provider_checks_in_and_nothing_is_written(gql_as, served):
    other = await make_carer(served["here"], "李护理员")
    await make_match(served["need"], other, status=MatchStatus.DECLINED)
    for viewer in (as_professional(other), as_resident(served["elder"]), staff(served["here"].id)):
        data = await gql_as(viewer).ok(CHECK_IN, {"need": gid("Need", served["need"].id), "place": "家中"})
        assert [e["code"] for e in data["serviceCheckIn"]["errors"]] == ["FORBIDDEN"], viewer
    data = await gql_as(as_professional(served["carer"])).ok(
        CHECK_OUT, {"need": gid("Need", served["need"].id), "content": "未开始"})
    assert [e["code"] for e in data["serviceCheckOut"]["errors"]] == ["INVALID_TRANSITION"]
    data = await gql_as(as_professional(served["carer"])).ok(
        CHECK_IN, {"need": gid("Need", served["need"].id), "place": " "})
    assert data["serviceCheckIn"]["errors"] == [{"field": "place", "code": "REQUIRED"}]
    assert await ServiceRecord.all().count() == 0 and await NeedEvent.all().count() == 0
    assert (await Need.get(id=served["need"].id)).status == NeedStatus.ACCEPTED


async def test_staff_rate_on_behalf_and_a_bad_rating_changes_nothing(gql_as, served):
    await _check_in(gql_as, served)
    provider = gql_as(as_professional(served["carer"]))
    await provider.ok(CHECK_OUT, {"need": gid("Need", served["need"].id), "content": "助浴"})
    desk = gql_as(staff(served["here"].id))
    data = await desk.ok(FEEDBACK, {"need": gid("Need", served["need"].id), "rating": 6})
    assert data["needFeedback"]["errors"] == [{"field": "rating", "code": "OUT_OF_RANGE"}]
    data = await gql_as(staff(served["there"].id)).ok(FEEDBACK, {"need": gid("Need", served["need"].id), "rating": 4})
    assert [e["code"] for e in data["needFeedback"]["errors"]] == ["FORBIDDEN"]
    assert (await Need.get(id=served["need"].id)).status == NeedStatus.COMPLETED
    data = await desk.ok(FEEDBACK, {"need": gid("Need", served["need"].id), "rating": 4, "comment": "电话回访"})
    assert data["needFeedback"]["need"] == {"status": "CLOSED"}
    event = await NeedEvent.filter(need_id=served["need"].id).order_by("-id").first()
    assert (event.actor_role, event.to_status) == ("STAFF", NeedStatus.CLOSED)


async def test_staff_confirm_a_checked_out_record_and_close_without_feedback(gql_as, served):
    await _check_in(gql_as, served)
    record = await ServiceRecord.get()
    record_id = gid("ServiceRecord", record.id)
    desk = gql_as(staff(served["here"].id))
    data = await desk.ok(CONFIRM, {"id": record_id})
    assert data["serviceRecordConfirm"]["errors"] == [{"field": "id", "code": "INVALID_STATE"}]
    await gql_as(as_professional(served["carer"])).ok(
        CHECK_OUT, {"need": gid("Need", served["need"].id), "content": "助洁"})
    data = await gql_as(as_professional(served["carer"])).ok(CONFIRM, {"id": record_id})
    assert [e["code"] for e in data["serviceRecordConfirm"]["errors"]] == ["FORBIDDEN"]
    data = await desk.ok(CONFIRM, {"id": record_id})
    assert data["serviceRecordConfirm"]["serviceRecord"]["status"] == "CONFIRMED"
    close = """mutation($id: ID!, $reason: String!) { needClose(id: $id, reason: $reason) {
      need { status } errors { code } } }"""
    data = await desk.ok(close, {"id": gid("Need", served["need"].id), "reason": "居民电话确认满意"})
    assert data["needClose"] == {"need": {"status": "CLOSED"}, "errors": []}


async def _confirmed_record(gql_as, served) -> ServiceRecord:
    await _check_in(gql_as, served)
    await gql_as(as_professional(served["carer"])).ok(
        CHECK_OUT, {"need": gid("Need", served["need"].id), "content": "送餐"})
    await gql_as(as_resident(served["elder"])).ok(FEEDBACK, {"need": gid("Need", served["need"].id), "rating": 5})
    return await ServiceRecord.get()


async def test_a_confirmed_record_changes_only_through_an_approved_correction(gql_as, served):
    record = await _confirmed_record(gql_as, served)
    volunteer, desk = gql_as(as_professional(served["carer"])), gql_as(staff(served["here"].id))
    later = record.ended_at + timedelta(minutes=30)
    changes = {"place": "社区食堂", "endedAt": iso(later)}
    data = await volunteer.ok(REQUEST, {"id": gid("ServiceRecord", record.id), "changes": changes,
                                        "reason": "实际在社区食堂服务，签退晚了"})
    correction = data["serviceRecordCorrectionRequest"]["correction"]
    assert correction["status"] == "REQUESTED"
    assert {c["field"]: c["previous"] for c in correction["changes"]}["place"] == record.place
    assert (await ServiceRecord.get(id=record.id)).place == record.place  # unchanged while it waits
    data = await volunteer.ok(REQUEST, {"id": gid("ServiceRecord", record.id), "changes": {"place": "别处"},
                                        "reason": "再改"})
    assert data["serviceRecordCorrectionRequest"]["errors"] == [{"field": "recordId", "code": "INVALID_STATE"}]
    data = await volunteer.ok(DECIDE, {"id": correction["id"], "approve": True})
    assert [e["code"] for e in data["serviceRecordCorrectionDecide"]["errors"]] == ["FORBIDDEN"]
    data = await desk.ok(DECIDE, {"id": correction["id"], "approve": True})
    decided = data["serviceRecordCorrectionDecide"]["correction"]
    assert (decided["status"], decided["statusLabel"], decided["record"]["place"]) == ("APPROVED", "已更正", "社区食堂")
    assert {c["field"]: c["previous"] for c in decided["changes"]} == {
        "endedAt": record.ended_at.isoformat(), "place": record.place}
    row = await ServiceRecord.get(id=record.id)
    assert (row.place, row.ended_at, row.status) == ("社区食堂", later, ServiceRecordStatus.CONFIRMED)
    data = await desk.ok(DECIDE, {"id": correction["id"], "approve": False})
    assert data["serviceRecordCorrectionDecide"]["errors"] == [{"field": "id", "code": "INVALID_STATE"}]


async def test_corrections_are_checked_and_a_rejection_keeps_the_record(gql_as, served):
    record = await _confirmed_record(gql_as, served)
    volunteer, desk = gql_as(as_professional(served["carer"])), gql_as(staff(served["here"].id))
    record_id = gid("ServiceRecord", record.id)
    bad = {"endedAt": iso(record.started_at - timedelta(minutes=1))}
    data = await volunteer.ok(REQUEST, {"id": record_id, "changes": bad, "reason": "时间"})
    assert data["serviceRecordCorrectionRequest"]["errors"] == [{"field": "endedAt", "code": "INVALID_RANGE"}]
    data = await volunteer.ok(REQUEST, {"id": record_id, "changes": {}, "reason": "无"})
    assert data["serviceRecordCorrectionRequest"]["errors"] == [{"field": "changes", "code": "REQUIRED"}]
    data = await gql_as(as_resident(served["elder"])).ok(
        REQUEST, {"id": record_id, "changes": {"place": "家"}, "reason": "改"})
    assert [e["code"] for e in data["serviceRecordCorrectionRequest"]["errors"]] == ["FORBIDDEN"]
    data = await desk.ok(REQUEST, {"id": record_id, "changes": {"recorder": "社区网格员"}, "reason": "记录人有误"})
    correction_id = data["serviceRecordCorrectionRequest"]["correction"]["id"]
    data = await desk.ok(DECIDE, {"id": correction_id, "approve": False})
    assert data["serviceRecordCorrectionDecide"]["correction"]["status"] == "REJECTED"
    assert (await ServiceRecord.get(id=record.id)).recorder == record.recorder
    assert [c.status for c in await RecordCorrection.all()] == [CorrectionStatus.REJECTED]


async def test_records_are_listed_to_those_who_see_the_need(gql_as, served):
    await _check_in(gql_as, served)
    query = "{ serviceRecords { totalCount edges { node { place } } } }"
    for viewer, count in ((as_professional(served["carer"]), 1), (as_resident(served["elder"]), 1),
                          (staff(served["here"].id), 1), (staff(served["there"].id), 0)):
        data = await gql_as(viewer).ok(query)
        assert data["serviceRecords"]["totalCount"] == count, viewer
    other = await make_elder(served["here"], "李爷爷")
    data = await gql_as(as_resident(other)).ok(query)
    assert data["serviceRecords"]["totalCount"] == 0
    pending = "{ serviceRecordCorrections { totalCount } }"
    body = await gql_as(as_resident(other)).execute(pending)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
