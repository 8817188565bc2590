"""Project sessions, enrollments and the waitlist through the real GraphQL endpoint."""

import asyncio
from datetime import timedelta

import pytest_asyncio

from models import Enrollment, ProjectSession
from models.enums import EnrollmentStatus, SessionStatus
from tests.factories_people import (
    gid,
    in_days,
    make_areas,
    make_organization,
    make_project,
    make_residents,
    make_session,
)


@pytest_asyncio.fixture
async def gql(admin_gql):
    """These tests act as a centre admin: authorization is tested in test_authorization.py."""
    return admin_gql

SESSION_FIELDS = """session { id title capacity confirmedCount waitlistCount seatsLeft kindLabel project { name } }
  errors { field message code }"""
CREATE = f"mutation($input: SessionCreateInput!) {{ sessionCreate(input: $input) {{ {SESSION_FIELDS} }} }}"
UPDATE = f"""mutation($id: ID!, $input: SessionUpdateInput!) {{
  sessionUpdate(id: $id, input: $input) {{ {SESSION_FIELDS} }} }}"""
ENROLL = """mutation($session: ID!, $resident: ID!) { sessionEnroll(sessionId: $session, residentId: $resident) {
  enrollment { id status waitlistPosition residentDisplayName } errors { field code } } }"""
CANCEL = """mutation($id: ID!) { enrollmentCancel(enrollmentId: $id) {
  enrollment { id status waitlistPosition } promoted { id status residentDisplayName } errors { field code } } }"""
SESSION = """query($id: ID!) { node(id: $id) { ... on ProjectSession { confirmedCount waitlistCount seatsLeft
  enrollments { totalCount edges { node { status waitlistPosition residentDisplayName } } } } } }"""


async def _project():
    _, community, _ = await make_areas()
    return community, await make_project(await make_organization(community))


async def test_create_session_and_reject_bad_capacity_and_times(gql):
    _, project = await _project()
    starts = in_days(3)
    valid = {"projectId": gid("Project", project.id), "title": "家庭养育读书会", "kind": "READING_SESSION",
             "startsAt": starts.isoformat(), "endsAt": (starts + timedelta(hours=2)).isoformat(),
             "venue": "同心荟", "capacity": 20}
    cases = [
        ({"capacity": -1}, [("capacity", "OUT_OF_RANGE")]),
        ({"endsAt": (starts - timedelta(hours=1)).isoformat()}, [("endsAt", "INVALID_RANGE")]),
        ({"endsAt": starts.isoformat(), "title": ""}, [("title", "REQUIRED"), ("endsAt", "INVALID_RANGE")]),
        ({"projectId": gid("Project", 999)}, [("projectId", "NOT_FOUND")]),
    ]
    for changes, expected in cases:
        payload = (await gql.ok(CREATE, {"input": {**valid, **changes}}))["sessionCreate"]
        assert payload["session"] is None
        assert [(e["field"], e["code"]) for e in payload["errors"]] == expected, changes
    assert await ProjectSession.all().count() == 0
    payload = (await gql.ok(CREATE, {"input": valid}))["sessionCreate"]
    assert payload["errors"] == []
    session = payload["session"]
    assert (session["kindLabel"], session["project"]["name"], session["seatsLeft"]) == ("读书会", "爱有方", 20)

    bad = (await gql.ok(UPDATE, {"id": session["id"], "input": {"capacity": -3}}))["sessionUpdate"]
    assert [(e["field"], e["code"], e["message"]) for e in bad["errors"]] == [
        ("capacity", "OUT_OF_RANGE", "`capacity` cannot be below zero.")]
    bad = (await gql.ok(UPDATE, {"id": session["id"], "input": {"endsAt": starts.isoformat()}}))["sessionUpdate"]
    assert [(e["field"], e["code"]) for e in bad["errors"]] == [("endsAt", "INVALID_RANGE")]
    row = await ProjectSession.get()
    assert (row.capacity, row.ends_at) == (20, starts + timedelta(hours=2))


async def test_three_residents_into_two_seats_and_cancel_promotes_the_waitlist(gql):
    community, project = await _project()
    session = await make_session(project, capacity=2)
    session_id = gid("ProjectSession", session.id)
    residents = await make_residents(community, 4)
    enrolled = []
    for resident in residents[:3]:
        payload = (await gql.ok(ENROLL, {"session": session_id, "resident": gid("Resident", resident.id)}))
        assert payload["sessionEnroll"]["errors"] == []
        enrolled.append(payload["sessionEnroll"]["enrollment"])
    assert [(e["status"], e["waitlistPosition"]) for e in enrolled] == [
        ("CONFIRMED", None), ("CONFIRMED", None), ("WAITLISTED", 1)]
    assert enrolled[0]["residentDisplayName"] == "王****"
    counts = (await gql.ok(SESSION, {"id": session_id}))["node"]
    assert (counts["confirmedCount"], counts["waitlistCount"], counts["seatsLeft"]) == (2, 1, 0)

    twice = await gql.ok(ENROLL, {"session": session_id, "resident": gid("Resident", residents[0].id)})
    assert [(e["field"], e["code"]) for e in twice["sessionEnroll"]["errors"]] == [("residentId", "DUPLICATE")]
    fourth = await gql.ok(ENROLL, {"session": session_id, "resident": gid("Resident", residents[3].id)})
    assert fourth["sessionEnroll"]["enrollment"]["waitlistPosition"] == 2
    assert await Enrollment.all().count() == 4

    cancelled = (await gql.ok(CANCEL, {"id": enrolled[0]["id"]}))["enrollmentCancel"]
    assert cancelled["errors"] == []
    assert (cancelled["enrollment"]["status"], cancelled["enrollment"]["waitlistPosition"]) == ("CANCELLED", None)
    assert cancelled["promoted"]["id"] == enrolled[2]["id"] and cancelled["promoted"]["status"] == "CONFIRMED"
    after = (await gql.ok(SESSION, {"id": session_id}))["node"]
    assert (after["confirmedCount"], after["waitlistCount"], after["seatsLeft"]) == (2, 1, 0)
    assert [(e["node"]["status"], e["node"]["waitlistPosition"]) for e in after["enrollments"]["edges"]] == [
        ("CONFIRMED", None), ("CONFIRMED", None), ("WAITLISTED", 1), ("CANCELLED", None)]
    again = (await gql.ok(CANCEL, {"id": enrolled[0]["id"]}))["enrollmentCancel"]
    assert [e["code"] for e in again["errors"]] == ["INVALID_STATE"]


async def test_cancelling_a_waitlisted_enrollment_renumbers_the_rest(gql):
    community, project = await _project()
    session = await make_session(project, capacity=1)
    residents = await make_residents(community, 4)
    ids = []
    for resident in residents:
        data = await gql.ok(ENROLL, {"session": gid("ProjectSession", session.id),
                                     "resident": gid("Resident", resident.id)})
        ids.append(data["sessionEnroll"]["enrollment"]["id"])
    payload = (await gql.ok(CANCEL, {"id": ids[1]}))["enrollmentCancel"]
    assert payload["errors"] == [] and payload["promoted"] is None
    rows = await Enrollment.filter(status=EnrollmentStatus.WAITLISTED).order_by("waitlist_position")
    assert [(r.resident_id, r.waitlist_position) for r in rows] == [(residents[2].id, 1), (residents[3].id, 2)]


async def test_larger_capacity_confirms_the_waitlist_and_smaller_is_refused(gql):
    community, project = await _project()
    session = await make_session(project, capacity=1)
    for resident in await make_residents(community, 3):
        await gql.ok(ENROLL, {"session": gid("ProjectSession", session.id), "resident": gid("Resident", resident.id)})
    session_id = gid("ProjectSession", session.id)
    payload = (await gql.ok(UPDATE, {"id": session_id, "input": {"capacity": 2}}))["sessionUpdate"]
    assert payload["errors"] == []
    assert (payload["session"]["confirmedCount"], payload["session"]["waitlistCount"]) == (2, 1)
    assert (await Enrollment.get(status=EnrollmentStatus.WAITLISTED)).waitlist_position == 1
    payload = (await gql.ok(UPDATE, {"id": session_id, "input": {"capacity": 1}}))["sessionUpdate"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("capacity", "OUT_OF_RANGE")]
    assert (await ProjectSession.get(id=session.id)).capacity == 2


async def test_cancelled_session_refuses_enrollment(gql):
    community, project = await _project()
    session = await make_session(project, status=SessionStatus.CANCELLED)
    resident = (await make_residents(community, 1))[0]
    variables = {"session": gid("ProjectSession", session.id), "resident": gid("Resident", resident.id)}
    data = await gql.ok(ENROLL, variables)
    assert [(e["field"], e["code"]) for e in data["sessionEnroll"]["errors"]] == [("sessionId", "INVALID_STATE")]
    assert await Enrollment.all().count() == 0


async def test_sessions_query_filters_by_project_time_and_kind(gql):
    _, project = await _project()
    other = await make_project(await project.organizer, name="全职妈妈俱乐部")
    await make_session(project, days=1, title="第一期")
    await make_session(project, days=8, title="第二期", kind="LECTURE")
    await make_session(other, days=2, title="妈妈沙龙")
    query = """query($filter: SessionFilter, $order: SessionOrder) { sessions(filter: $filter, orderBy: $order) {
        totalCount edges { node { title } } } }"""
    cases = [
        ({}, None, ["第一期", "妈妈沙龙", "第二期"]),
        ({}, "STARTS_AT_DESC", ["第二期", "妈妈沙龙", "第一期"]),
        ({"projectId": gid("Project", project.id)}, None, ["第一期", "第二期"]),
        ({"from": in_days(2).isoformat(), "to": in_days(8).isoformat()}, None, ["妈妈沙龙"]),
        ({"kind": "LECTURE"}, None, ["第二期"]),
    ]
    for criteria, order, titles in cases:
        variables = {"filter": criteria, **({"order": order} if order else {})}
        connection = (await gql.ok(query, variables))["sessions"]
        assert [e["node"]["title"] for e in connection["edges"]] == titles, criteria


async def test_concurrent_enrollments_never_overbook(gql):
    community, project = await _project()
    session = await make_session(project, capacity=3)
    residents = await make_residents(community, 8)
    session_id = gid("ProjectSession", session.id)
    results = await asyncio.gather(*[
        gql.ok(ENROLL, {"session": session_id, "resident": gid("Resident", r.id)}) for r in residents
    ])
    assert all(r["sessionEnroll"]["errors"] == [] for r in results)
    rows = await Enrollment.filter(session_id=session.id)
    assert sum(r.status == EnrollmentStatus.CONFIRMED for r in rows) == 3
    assert sorted(r.waitlist_position for r in rows if r.status == EnrollmentStatus.WAITLISTED) == [1, 2, 3, 4, 5]
    confirmed = [r for r in rows if r.status == EnrollmentStatus.CONFIRMED]
    await asyncio.gather(*[gql.ok(CANCEL, {"id": gid("Enrollment", r.id)}) for r in confirmed])
    rows = await Enrollment.filter(session_id=session.id)
    assert sum(r.status == EnrollmentStatus.CONFIRMED for r in rows) == 3
    assert sorted(r.waitlist_position for r in rows if r.status == EnrollmentStatus.WAITLISTED) == [1, 2]
