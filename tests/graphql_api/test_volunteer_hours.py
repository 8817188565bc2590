"""Volunteer hours through the real endpoint: totals by month, category and project, scope, and the statement."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest_asyncio

from models import Membership, SessionAttendance
from models.enums import AccountRole, AttendanceMethod, CareCategory, ServiceRecordStatus, SessionStatus
from tests.factories import make_areas
from tests.factories_accounts import bearer, make_account, staff_tokens
from tests.factories_matching import as_org_admin, as_professional, as_resident, make_carer, make_elder, staff
from tests.factories_people import make_organization, make_project, make_session
from tests.factories_residents import gid
from tests.factories_time_bank import served_need

HOURS = """query($pro: ID, $org: ID, $from: Date, $to: Date) {
  volunteerHours(professionalId: $pro, organizationId: $org, from: $from, to: $to) {
    totalMinutes totalHours serviceCount sessionCount
    byMonth { month minutes hours } byCategory { category categoryLabel hours }
    byProject { project { name } hours } } }"""
STATEMENT = """query($pro: ID, $first: Int) { volunteerHourStatement(professionalId: $pro) {
  professional { name } from to totalHours
  lines(first: $first) { totalCount edges { node { activityName serviceDate place recipient content startedAt endedAt
    evaluation personInCharge recorder hours categoryLabel } } } } }"""
CONFIRMED = ServiceRecordStatus.CONFIRMED


@pytest_asyncio.fixture
async def hours(db):
    """A carer with services in January and February 2026 (one a draft), a childcare one, and a staffed session."""
    _, here, _ = await make_areas()
    elder = await make_elder(here, "王奶奶")
    carer, other = await make_carer(here, "张护理员"), await make_carer(here, "李护理员")
    organization = await make_organization(here, "和睦银龄服务社")
    await Membership.create(professional=carer, organization=organization)
    await served_need(elder, carer, hours=2, day=date(2026, 1, 10), status=CONFIRMED)
    await served_need(elder, carer, hours=1.5, day=date(2026, 2, 3), status=CONFIRMED,
                      category=CareCategory.COMPANIONSHIP, title="陪伴聊天")
    await served_need(elder, carer, hours=1, day=date(2026, 2, 4), status=CONFIRMED,
                      category=CareCategory.INFANT_CARE, title="托育帮忙")
    await served_need(elder, carer, hours=5, day=date(2026, 2, 5))
    await served_need(elder, other, hours=3, day=date(2026, 2, 6), status=CONFIRMED)
    project = await make_project(organization, "银龄数字课堂", category=CareCategory.DIGITAL_HELP)
    session = await make_session(project, title="智能手机入门")
    start = datetime(2026, 2, 20, 1, 0, tzinfo=UTC)
    await type(session).filter(id=session.id).update(starts_at=start, ends_at=start + timedelta(hours=2),
                                                     status=SessionStatus.COMPLETED)
    await SessionAttendance.create(session=session, professional=carer, method=AttendanceMethod.STAFF,
                                   checked_in_at=start, recorder="社工小王")
    cancelled = await make_session(project, title="取消的课", status=SessionStatus.CANCELLED)
    await SessionAttendance.create(session=cancelled, professional=carer, method=AttendanceMethod.STAFF,
                                   checked_in_at=start, recorder="社工小王")
    return {"here": here, "elder": elder, "carer": carer, "other": other, "organization": organization}


async def test_a_volunteer_sees_their_hours_by_month_category_and_project(gql_as, hours):
    data = await gql_as(as_professional(hours["carer"])).ok(HOURS, {})
    assert data["volunteerHours"] == {
        "totalMinutes": 390, "totalHours": "6.50", "serviceCount": 3, "sessionCount": 1,
        "byMonth": [{"month": "2026-01", "minutes": 120, "hours": "2.00"},
                    {"month": "2026-02", "minutes": 270, "hours": "4.50"}],
        "byCategory": [{"category": "DIGITAL_HELP", "categoryLabel": "数字助老", "hours": "2.00"},
                       {"category": "MEALS", "categoryLabel": "助餐", "hours": "2.00"},
                       {"category": "COMPANIONSHIP", "categoryLabel": "陪伴", "hours": "1.50"},
                       {"category": "INFANT_CARE", "categoryLabel": "婴幼儿照护", "hours": "1.00"}],
        "byProject": [{"project": None, "hours": "4.50"}, {"project": {"name": "银龄数字课堂"}, "hours": "2.00"}],
    }
    february = await gql_as(as_professional(hours["carer"])).ok(HOURS, {"from": "2026-02-01", "to": "2026-02-28"})
    assert february["volunteerHours"]["totalMinutes"] == 270
    body = await gql_as(as_professional(hours["carer"])).execute(HOURS, {"from": "2026-02-01", "to": "2026-01-01"})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_RANGE"


async def test_organizations_see_their_members_and_staff_see_everyone(gql_as, hours):
    carer, other = gid("Professional", hours["carer"].id), gid("Professional", hours["other"].id)
    admin = gql_as(as_org_admin(hours["organization"]))
    assert (await admin.ok(HOURS, {}))["volunteerHours"]["totalMinutes"] == 390
    assert (await admin.ok(HOURS, {"pro": carer}))["volunteerHours"]["totalMinutes"] == 390
    for client, args in ((admin, {"pro": other}), (gql_as(as_professional(hours["other"])), {"pro": carer}),
                         (gql_as(as_resident(hours["elder"])), {}),
                         (gql_as(as_org_admin(hours["organization"])), {
                             "org": gid("Organization", hours["organization"].id + 99)})):
        body = await client.execute(HOURS, args)
        assert body["errors"][0]["extensions"]["code"] in {"FORBIDDEN", "NOT_FOUND"}, args
    desk = gql_as(staff(hours["here"].id))
    assert (await desk.ok(HOURS, {}))["volunteerHours"]["totalMinutes"] == 390 + 180
    data = await desk.ok(HOURS, {"org": gid("Organization", hours["organization"].id)})
    assert data["volunteerHours"]["serviceCount"] == 3
    assert (await desk.ok(HOURS, {"pro": other}))["volunteerHours"]["totalHours"] == "3.00"
    body = await gql_as(as_resident(hours["elder"])).execute(STATEMENT, {"pro": carer})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_statement_lists_every_line_with_the_record_fields(gql_as, hours):
    data = await gql_as(as_professional(hours["carer"])).ok(STATEMENT, {"first": 10})
    found = data["volunteerHourStatement"]
    assert (found["professional"], found["from"], found["to"], found["totalHours"]) == (
        {"name": "张护理员"}, None, None, "6.50")
    lines = [edge["node"] for edge in found["lines"]["edges"]]
    assert [line["activityName"] for line in lines] == [
        "助餐送餐", "陪伴聊天", "托育帮忙", "银龄数字课堂：智能手机入门"]
    assert lines[0] | {"startedAt": None, "endedAt": None} == {
        "activityName": "助餐送餐", "serviceDate": "2026-01-10", "place": "王奶奶家", "recipient": "王**",
        "content": "送餐并陪同用餐", "startedAt": None, "endedAt": None, "evaluation": "很细心",
        "personInCharge": "张护理员", "recorder": "记录员小李", "hours": "2.00", "categoryLabel": "助餐"}
    assert lines[3] | {"startedAt": None, "endedAt": None} == {
        "activityName": "银龄数字课堂：智能手机入门", "serviceDate": "2026-02-20", "place": "同心荟",
        "recipient": "婴幼儿家长（项目参与者）", "content": "读书会：智能手机入门", "startedAt": None, "endedAt": None,
        "evaluation": "", "personInCharge": "和睦银龄服务社", "recorder": "社工小王", "hours": "2.00",
        "categoryLabel": "数字助老"}
    page = await gql_as(as_org_admin(hours["organization"])).ok(
        STATEMENT, {"pro": gid("Professional", hours["carer"].id), "first": 2})
    assert page["volunteerHourStatement"]["lines"]["totalCount"] == 4
    assert len(page["volunteerHourStatement"]["lines"]["edges"]) == 2
    body = await gql_as(staff(hours["here"].id)).execute(STATEMENT, {})
    assert body["errors"][0]["extensions"]["code"] == "REQUIRED"


async def _signed_in(gql, username: str, role: AccountRole, **values) -> dict[str, str]:
    await make_account(role, username, **values)
    return bearer((await staff_tokens(gql, username))["accessToken"])


async def test_the_statement_downloads_as_csv_for_who_may_see_it(gql, hours):
    carer = await _signed_in(gql, "carer", AccountRole.PROFESSIONAL, professional=hours["carer"])
    other = await _signed_in(gql, "other", AccountRole.PROFESSIONAL, professional=hours["other"])
    response = await gql.http.get("/volunteer-hours/statement.csv", params={"from": "2026-02-01"}, headers=carer)
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="linli-volunteer-hours-{hours["carer"].id}.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["活动名称", "服务日期", "服务地点", "服务对象"]
    assert [(row[0], row[3], row[7]) for row in rows[1:]] == [
        ("陪伴聊天", "王**", "1.50"), ("托育帮忙", "王**", "1.00"),
        ("银龄数字课堂：智能手机入门", "婴幼儿家长（项目参与者）", "2.00"), ("合计", "", "4.50")]
    mine = {"professionalId": gid("Professional", hours["carer"].id)}
    refused = await gql.http.get("/volunteer-hours/statement.csv", params=mine, headers=other)
    assert refused.status_code == 403 and refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad = await gql.http.get("/volunteer-hours/statement.csv", params={"from": "2026-13-01"}, headers=carer)
    assert bad.status_code == 400 and bad.json()["errors"][0]["extensions"]["code"] == "INVALID"
    anonymous = await gql.http.get("/volunteer-hours/statement.csv", params=mine)
    assert anonymous.status_code == 401 and anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
