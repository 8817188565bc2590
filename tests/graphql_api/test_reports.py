"""The console's reports through the real endpoint, against figures computed by hand (tests/report_world.py)."""

from __future__ import annotations

from datetime import date

import pytest

from resolvers.reports.incubation import incubation_report
from resolvers.reports.needs import need_counts, need_timings
from resolvers.reports.projects import project_report
from resolvers.reports.providers import organization_figures, provider_totals
from resolvers.reports.scope import ReportPeriod, ReportScope
from tests.factories_matching import as_org_admin, as_resident, centre_admin, staff
from tests.factories_residents import gid
from tests.report_world import MARCH, build_world

PERIOD = {"from": MARCH[0], "to": MARCH[1]}
NEEDS = """query($period: ReportPeriodInput!, $community: ID) { needReport(period: $period, communityId: $community) {
  submitted closed expired finished closedShare closedShareOfFinished
  counts { community { name } communityName category status statusLabel count }
  timings(byCategory: true) { toStatus category categoryLabel needs medianHours p90Hours } } }"""
OVERALL = """query($period: ReportPeriodInput!) {
  needReport(period: $period) { timings { toStatus category needs } } }"""
PROVIDERS = """query($period: ReportPeriodInput!) { providerReport(period: $period) {
  totals { activeProfessionals activeOrganizations assignedNeeds professionalsAssigned noShows services hoursServed
           ratings averageRating
           loadSpread { professionals assignments meanAssignments maxAssignments gini topDecileShare } }
  organizations { organization { name } name kind activeMembers assignedNeeds services hoursServed ratings
                  averageRating } } }"""
INCUBATION = """query($period: ReportPeriodInput!) { incubationReport(period: $period) {
  stages { stage stageLabel count } graduatedThisYear graduatedInPeriod startedInPeriod projectsClaimed activeClaims
  claimsByOrganizations claimsByProfessionals claimsInPeriod } }"""
PROJECTS = """query($period: ReportPeriodInput!) { projectReport(period: $period) {
  totals { project { name } sessions held cancelled seats seatsFilled fillRate waitlisted sessionsWithWaitlist
           attended attendanceRate }
  projects { project { name } sessions held cancelled seats seatsFilled fillRate waitlisted sessionsWithWaitlist
             attended attendanceRate } } }"""


def _timings(report: dict) -> dict:
    return {(t["toStatus"], t["category"]): (t["needs"], t["medianHours"], t["p90Hours"]) for t in report["timings"]}


async def test_need_report_matches_the_figures_computed_by_hand(gql_as):
    await build_world()
    report = (await gql_as(centre_admin()).ok(NEEDS, {"period": PERIOD}))["needReport"]
    assert (report["submitted"], report["closed"], report["expired"], report["finished"]) == (8, 3, 1, 5)
    assert report["closedShare"] == pytest.approx(3 / 8) and report["closedShareOfFinished"] == pytest.approx(3 / 5)
    counts = {(r["communityName"], r["category"], r["status"]): r["count"] for r in report["counts"]}
    assert counts == {("和睦社区", "MEALS", "CLOSED"): 2, ("和睦社区", "MEALS", "EXPIRED"): 1,
                      ("和睦社区", "MEALS", "CANCELLED"): 1, ("和睦社区", "CLEANING", "COMPLETED"): 1,
                      ("和睦社区", "CLEANING", "MATCHING"): 1, ("阳光社区", "MEALS", "CLOSED"): 1,
                      ("阳光社区", "BATHING", "SUBMITTED"): 1}
    assert {r["community"]["name"] for r in report["counts"]} == {"和睦社区", "阳光社区"}
    timings = _timings(report)
    assert timings[("TRIAGED", None)] == pytest.approx((6, 3.5, 5.5))  # 1 2 3 4 5 6 h
    assert timings[("ACCEPTED", None)] == pytest.approx((4, 8.0, 9.7))  # 5 7 9 10 h
    assert timings[("CLOSED", None)] == pytest.approx((3, 30.0, 46.0))  # 20 30 50 h
    assert timings[("TRIAGED", "MEALS")] == pytest.approx((4, 4.0, 5.7))  # 1 3 5 6 h
    assert timings[("TRIAGED", "CLEANING")] == pytest.approx((2, 3.0, 3.8))  # 2 4 h
    assert timings[("CLOSED", "MEALS")] == pytest.approx((3, 30.0, 46.0))
    assert ("CLOSED", "CLEANING") not in timings
    assert [t["categoryLabel"] for t in report["timings"]][:2] == ["全部", "助餐"]
    overall = (await gql_as(centre_admin()).ok(OVERALL, {"period": PERIOD}))["needReport"]["timings"]
    assert [(t["toStatus"], t["category"], t["needs"]) for t in overall] == [
        ("TRIAGED", None, 6), ("ACCEPTED", None, 4), ("CLOSED", None, 3)]


async def test_staff_see_their_communities_needs_only(gql_as):
    world = await build_world()
    here = gql_as(staff(world.here.id))
    report = (await here.ok(NEEDS, {"period": PERIOD}))["needReport"]
    assert (report["submitted"], report["closed"], report["finished"]) == (6, 2, 4)
    assert report["closedShare"] == pytest.approx(2 / 6) and report["closedShareOfFinished"] == pytest.approx(0.5)
    timings = _timings(report)
    assert timings[("TRIAGED", None)] == pytest.approx((5, 3.0, 5.2))  # 1 2 3 4 6 h
    assert timings[("CLOSED", None)] == pytest.approx((2, 40.0, 48.0))  # 30 50 h
    one = (await gql_as(centre_admin()).ok(NEEDS, {"period": PERIOD, "community": gid("Area", world.there.id)}))
    assert one["needReport"]["submitted"] == 2
    body = await here.execute(NEEDS, {"period": PERIOD, "community": gid("Area", world.there.id)})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_reports_are_refused_to_others_and_check_the_period(gql_as, gql):
    world = await build_world()
    elder = await world.needs["n1"].resident
    for client, code in ((gql, "UNAUTHENTICATED"), (gql_as(as_resident(elder)), "FORBIDDEN"),
                         (gql_as(as_org_admin(world.org1)), "FORBIDDEN")):
        for query in (NEEDS, INCUBATION):
            body = await client.execute(query, {"period": PERIOD})
            assert body["errors"][0]["extensions"]["code"] == code
    body = await gql.execute(PROVIDERS, {"period": PERIOD})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    body = await gql_as(centre_admin()).execute(NEEDS, {"period": {"from": "2025-03-31", "to": "2025-03-01"}})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_RANGE"
    for period in ({"from": "2000-01-01", "to": "2025-03-01"}, {"from": "9999-12-31", "to": "9999-12-31"},
                   {"from": "0001-01-01", "to": "0001-01-01"}):
        body = await gql_as(centre_admin()).execute(NEEDS, {"period": period})
        assert body["errors"][0]["extensions"]["code"] == "OUT_OF_RANGE", period


async def test_provider_report_hours_ratings_and_load_spread(gql_as):
    world = await build_world()
    report = (await gql_as(centre_admin()).ok(PROVIDERS, {"period": PERIOD}))["providerReport"]
    totals = report["totals"]
    # carers A B C active (D not); every organization but the hub; n1 n2 n3 n7 assigned; 2 + 1.5 + 3 hours
    assert {k: v for k, v in totals.items() if k != "loadSpread"} == pytest.approx({
        "activeProfessionals": 3, "activeOrganizations": 7, "assignedNeeds": 4, "professionalsAssigned": 2,
        "noShows": 1, "services": 3, "hoursServed": 6.5, "ratings": 2, "averageRating": 4.5})
    # loads 0 (C), 2 (A: n1 n3), 2 (B: n2 dispatched, n7): Gini (-2*0 + 0*2 + 2*2) / (3 * 4)
    assert totals["loadSpread"] == pytest.approx({"professionals": 3, "assignments": 4, "meanAssignments": 4 / 3,
                                                  "maxAssignments": 2, "gini": 1 / 3, "topDecileShare": 0.5})
    rows = {r["name"]: r for r in report["organizations"]}
    assert len(rows) == 7 and rows["邻里助餐社"]["organization"]["name"] == "邻里助餐社"
    assert {k: rows["邻里助餐社"][k] for k in ("activeMembers", "assignedNeeds", "services", "hoursServed",
                                           "ratings", "averageRating")} == {
        "activeMembers": 2, "assignedNeeds": 1, "services": 1, "hoursServed": 1.5, "ratings": 1, "averageRating": 4.0}
    assert rows["阳光合作医院"]["assignedNeeds"] == 0 and rows["阳光合作医院"]["averageRating"] is None

    here = (await gql_as(staff(world.here.id)).ok(PROVIDERS, {"period": PERIOD}))["providerReport"]["totals"]
    assert (here["assignedNeeds"], here["noShows"], here["activeOrganizations"]) == (3, 0, 5)
    assert here["loadSpread"]["gini"] == pytest.approx(4 / 9)  # loads 0 1 2

    own = (await gql_as(as_org_admin(world.org1)).ok(PROVIDERS, {"period": PERIOD}))["providerReport"]
    assert {k: v for k, v in own["totals"].items() if k != "loadSpread"} == pytest.approx({
        "activeProfessionals": 2, "activeOrganizations": 1, "assignedNeeds": 1, "professionalsAssigned": 1,
        "noShows": 0, "services": 1, "hoursServed": 1.5, "ratings": 1, "averageRating": 4.0})
    assert own["totals"]["loadSpread"]["gini"] == pytest.approx(0.5)  # members' loads 0 (A) and 1 (B)
    assert [r["name"] for r in own["organizations"]] == ["邻里助餐社"]


async def test_incubation_report(gql_as):
    world = await build_world()
    report = (await gql_as(centre_admin()).ok(INCUBATION, {"period": PERIOD}))["incubationReport"]
    assert {s["stage"]: s["count"] for s in report["stages"]} == {"APPLIED": 1, "INCUBATING": 2, "GRADUATED": 3}
    assert report["stages"][2]["stageLabel"] == "已出壳"
    assert {k: v for k, v in report.items() if k != "stages"} == {
        "graduatedThisYear": 2, "graduatedInPeriod": 1, "startedInPeriod": 1, "projectsClaimed": 2, "activeClaims": 3,
        "claimsByOrganizations": 2, "claimsByProfessionals": 1, "claimsInPeriod": 3}
    there = (await gql_as(staff(world.there.id)).ok(INCUBATION, {"period": PERIOD}))["incubationReport"]
    assert {s["stage"]: s["count"] for s in there["stages"]} == {"APPLIED": 0, "INCUBATING": 0, "GRADUATED": 1}
    assert (there["graduatedThisYear"], there["projectsClaimed"], there["claimsInPeriod"]) == (0, 1, 2)


async def test_project_report_sessions_seats_waitlists_attendance(gql_as):
    world = await build_world()
    report = (await gql_as(centre_admin()).ok(PROJECTS, {"period": PERIOD}))["projectReport"]
    p1 = {"project": {"name": "爱有方"}, "sessions": 3, "held": 2, "cancelled": 1, "seats": 5, "seatsFilled": 4,
          "fillRate": 0.8, "waitlisted": 2, "sessionsWithWaitlist": 1, "attended": 4, "attendanceRate": 1.0}
    p2 = {"project": {"name": "健康义诊"}, "sessions": 1, "held": 1, "cancelled": 0, "seats": 4, "seatsFilled": 1,
          "fillRate": 0.25, "waitlisted": 0, "sessionsWithWaitlist": 0, "attended": 0, "attendanceRate": 0.0}
    assert report["projects"] == [p1, p2]
    assert report["totals"] == {"project": None, "sessions": 4, "held": 3, "cancelled": 1, "seats": 9,
                                "seatsFilled": 5, "fillRate": pytest.approx(5 / 9), "waitlisted": 2,
                                "sessionsWithWaitlist": 1, "attended": 4, "attendanceRate": 0.8}
    own = (await gql_as(as_org_admin(world.org1)).ok(PROJECTS, {"period": PERIOD}))["projectReport"]
    assert own["projects"] == [p1]
    there = (await gql_as(staff(world.there.id)).ok(PROJECTS, {"period": PERIOD}))["projectReport"]
    assert there["projects"] == [p2]  # P2 serves the whole subdistrict; P3 has no session in March


async def test_each_report_is_a_few_aggregate_statements(db, sql):
    await build_world()
    where = ReportScope(ReportPeriod.of(date(2025, 3, 1), date(2025, 3, 31)))
    for build, statements in ((need_counts, 1), (need_timings, 1), (provider_totals, 1), (organization_figures, 1),
                              (incubation_report, 2), (project_report, 1)):
        with sql() as counted:
            await build(where)
        assert counted.count == statements, build.__name__
