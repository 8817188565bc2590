"""Attendance at project sessions through the real endpoint: codes, self check-in, staff records, figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest_asyncio

from models import Enrollment, Membership, ProjectClaim, SessionAttendance
from models.enums import EnrollmentStatus, SessionStatus
from tests.factories import make_areas
from tests.factories_matching import as_org_admin, as_professional, as_resident, staff
from tests.factories_people import make_organization, make_professional, make_project, make_residents, make_session
from tests.factories_residents import gid

ISSUE = """mutation($session: ID!) { sessionCheckInCodeIssue(sessionId: $session) {
  checkInCode { code expiresAt session { title } } errors { field code } } }"""
CHECK_IN = """mutation($session: ID!, $code: String!) { sessionCheckIn(sessionId: $session, code: $code) {
  attendance { id method methodLabel residentDisplayName professional { name } } errors { field code } } }"""
RECORD = """mutation($session: ID!, $resident: ID, $pro: ID) {
  sessionAttendanceRecord(sessionId: $session, residentId: $resident, professionalId: $pro) {
    attendance { id method recorder } errors { field code } } }"""
LIST = """query($session: ID!) { sessionAttendances(sessionId: $session) { totalCount
  edges { node { method residentDisplayName professional { name } } } } }"""
FIGURES = """query($project: ID!) { projectAttendance(projectId: $project) { sessions confirmedPlaces residentsPresent
  professionalsPresent volunteerMinutes volunteerHours attendanceRate project { name } } }"""


@pytest_asyncio.fixture
async def running(db):
    """A two-hour session that started ten minutes ago, an enrolled resident, a walk-in and the project's people."""
    _, here, _ = await make_areas()
    organizer = await make_organization(here, "和睦银龄服务社")
    project = await make_project(organizer, "银龄数字课堂")
    session = await make_session(project, capacity=5, days=0)
    start = datetime.now(UTC) - timedelta(minutes=10)
    await type(session).filter(id=session.id).update(starts_at=start, ends_at=start + timedelta(hours=2))
    enrolled, walk_in = await make_residents(here, 2)
    await Enrollment.create(session=session, resident=enrolled, status=EnrollmentStatus.CONFIRMED)
    member, claimant, stranger = (await make_professional("林老师"), await make_professional("陈医生"),
                                  await make_professional("路人甲"))
    await Membership.create(professional=member, organization=organizer)
    await ProjectClaim.create(project=project, professional=claimant)
    return {"here": here, "organizer": organizer, "project": project, "session": session, "enrolled": enrolled,
            "walk_in": walk_in, "member": member, "claimant": claimant, "stranger": stranger}


async def _code(gql_as, running) -> str:
    data = await gql_as(as_org_admin(running["organizer"])).ok(ISSUE, {"session": gid("ProjectSession",
                                                                                       running["session"].id)})
    assert data["sessionCheckInCodeIssue"]["errors"] == []
    return data["sessionCheckInCodeIssue"]["checkInCode"]["code"]


async def test_enrolled_residents_and_serving_professionals_check_in_with_the_code(gql_as, running):
    session = gid("ProjectSession", running["session"].id)
    code = await _code(gql_as, running)
    assert len(code) == 6 and code.isdigit()
    wrong = "000000" if code != "000000" else "111111"
    data = await gql_as(as_resident(running["enrolled"])).ok(CHECK_IN, {"session": session, "code": wrong})
    assert data["sessionCheckIn"]["errors"] == [{"field": "code", "code": "INVALID_CHECK_IN_CODE"}]
    first = await gql_as(as_resident(running["enrolled"])).ok(CHECK_IN, {"session": session, "code": code})
    assert first["sessionCheckIn"]["attendance"] | {"id": None} == {
        "id": None, "method": "CODE", "methodLabel": "签到码签到", "residentDisplayName": "王****",
        "professional": None}
    again = await gql_as(as_resident(running["enrolled"])).ok(CHECK_IN, {"session": session, "code": code})
    assert again["sessionCheckIn"]["attendance"]["id"] == first["sessionCheckIn"]["attendance"]["id"]
    for viewer in (as_resident(running["walk_in"]), as_professional(running["stranger"])):
        data = await gql_as(viewer).ok(CHECK_IN, {"session": session, "code": code})
        assert [e["code"] for e in data["sessionCheckIn"]["errors"]] == ["FORBIDDEN"]
    for pro in (running["member"], running["claimant"]):
        data = await gql_as(as_professional(pro)).ok(CHECK_IN, {"session": session, "code": code})
        assert data["sessionCheckIn"]["attendance"]["professional"] == {"name": pro.name}
    assert await SessionAttendance.all().count() == 3
    renewed = await _code(gql_as, running)
    if renewed != code:
        data = await gql_as(as_professional(running["member"])).ok(CHECK_IN, {"session": session, "code": code})
        assert [e["code"] for e in data["sessionCheckIn"]["errors"]] == ["INVALID_CHECK_IN_CODE"]


async def test_codes_only_for_the_organizer_side_and_only_while_the_session_is_open(gql_as, running):
    session = gid("ProjectSession", running["session"].id)
    other = await make_organization(running["here"], "别的组织")
    for viewer in (as_org_admin(other), as_resident(running["enrolled"]), as_professional(running["member"])):
        data = await gql_as(viewer).ok(ISSUE, {"session": session})
        assert [e["code"] for e in data["sessionCheckInCodeIssue"]["errors"]] == ["FORBIDDEN"]
    data = await gql_as(staff(running["here"].id)).ok(ISSUE, {"session": session})
    assert data["sessionCheckInCodeIssue"]["checkInCode"]["session"] == {"title": "家庭养育读书会"}
    later = await make_session(running["project"], days=3, title="下周课堂")
    code = (await gql_as(staff()).ok(ISSUE, {"session": gid("ProjectSession", later.id)}))[
        "sessionCheckInCodeIssue"]["checkInCode"]["code"]
    data = await gql_as(as_resident(running["enrolled"])).ok(
        CHECK_IN, {"session": gid("ProjectSession", later.id), "code": code})
    assert data["sessionCheckIn"]["errors"] == [{"field": "code", "code": "INVALID_STATE"}]
    past = await make_session(running["project"], days=-1, title="上周课堂")
    data = await gql_as(staff()).ok(ISSUE, {"session": gid("ProjectSession", past.id)})
    assert data["sessionCheckInCodeIssue"]["errors"] == [{"field": "sessionId", "code": "INVALID_STATE"}]


async def test_staff_record_attendance_and_the_project_figures_follow(gql_as, running):
    session = gid("ProjectSession", running["session"].id)
    desk = gql_as(as_org_admin(running["organizer"]))
    data = await desk.ok(RECORD, {"session": session, "resident": gid("Resident", running["walk_in"].id)})
    assert data["sessionAttendanceRecord"]["errors"] == [{"field": "residentId", "code": "INVALID_STATE"}]
    data = await desk.ok(RECORD, {"session": session})
    assert [e["code"] for e in data["sessionAttendanceRecord"]["errors"]] == ["REQUIRED"]
    for args in ({"resident": gid("Resident", running["enrolled"].id)},
                 {"pro": gid("Professional", running["stranger"].id)}):
        data = await desk.ok(RECORD, {"session": session, **args})
        assert data["sessionAttendanceRecord"]["attendance"]["method"] == "STAFF"
    other = await make_organization(running["here"], "别的组织")
    data = await gql_as(as_org_admin(other)).ok(RECORD, {"session": session,
                                                         "pro": gid("Professional", running["member"].id)})
    assert [e["code"] for e in data["sessionAttendanceRecord"]["errors"]] == ["FORBIDDEN"]
    listed = (await desk.ok(LIST, {"session": session}))["sessionAttendances"]
    assert listed["totalCount"] == 2 and listed["edges"][0]["node"]["residentDisplayName"] == "王****"
    body = await gql_as(as_org_admin(other)).execute(LIST, {"session": session})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    cancelled = await make_session(running["project"], days=-2, title="取消的课堂", status=SessionStatus.CANCELLED)
    await Enrollment.create(session=cancelled, resident=running["walk_in"], status=EnrollmentStatus.CONFIRMED)
    figures = (await desk.ok(FIGURES, {"project": gid("Project", running["project"].id)}))["projectAttendance"]
    assert figures == {"sessions": 1, "confirmedPlaces": 1, "residentsPresent": 1, "professionalsPresent": 1,
                       "volunteerMinutes": 120, "volunteerHours": "2.00", "attendanceRate": 1.0,
                       "project": {"name": "银龄数字课堂"}}
