"""The reports as CSV downloads beside /graphql: same figures, same authorization, real bearer tokens."""

from __future__ import annotations

import csv
import io

from models.enums import AccountRole
from tests.factories_accounts import bearer, make_account, staff_tokens
from tests.factories_residents import gid
from tests.report_world import MARCH, build_world

QUERY = {"from": MARCH[0], "to": MARCH[1]}


async def _signed_in(gql, username: str, role: AccountRole, **values) -> dict[str, str]:
    await make_account(role, username, **values)
    return bearer((await staff_tokens(gql, username))["accessToken"])


def _rows(response) -> list[list[str]]:
    assert response.content.startswith("\ufeff".encode())  # Excel reads the BOM as UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_csv_reports_carry_the_graphql_figures(gql):
    await build_world()
    admin = await _signed_in(gql, "admin", AccountRole.CENTRE_ADMIN)
    response = await gql.http.get("/reports/need-summary.csv", params=QUERY, headers=admin)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = 'attachment; filename="linli-need-summary-2025-03-01-2025-03-31.csv"'
    assert response.headers["content-disposition"] == disposition
    assert dict(_rows(response)[1:]) == {"提交需求数": "8", "已闭环": "3", "已过期": "1", "已结束": "5",
                                         "闭环率（占提交）": "0.3750", "闭环率（占已结束）": "0.6000"}
    timings = _rows(await gql.http.get("/reports/need-timings.csv", params=QUERY, headers=admin))
    assert timings[0] == ["环节（到达状态）", "状态代码", "类别", "类别代码", "需求数", "中位数（小时）",
                          "90分位（小时）"]
    assert ["已分拣", "TRIAGED", "全部", "", "6", "3.50", "5.50"] in timings
    assert ["已闭环", "CLOSED", "全部", "", "3", "30.00", "46.00"] in timings
    needs = _rows(await gql.http.get("/reports/needs.csv", params=QUERY, headers=admin))
    assert needs[0] == ["社区", "类别", "类别代码", "状态", "状态代码", "需求数"]
    assert ["阳光社区", "助浴", "BATHING", "已提交", "SUBMITTED", "1"] in needs
    providers = dict(_rows(await gql.http.get("/reports/providers.csv", params=QUERY, headers=admin))[1:])
    assert (providers["已派单需求"], providers["服务时长（小时）"], providers["平均评分"]) == ("4", "6.50", "4.5000")
    assert providers["派单基尼系数"] == "0.3333"
    organizations = _rows(await gql.http.get("/reports/provider-organizations.csv", params=QUERY, headers=admin))
    assert ["邻里助餐社", "孵化社会组织", "INCUBATED", "2", "1", "1", "1.50", "1", "4.0000"] in organizations
    incubation = dict(_rows(await gql.http.get("/reports/incubation.csv", params=QUERY, headers=admin))[1:])
    assert (incubation["孵化阶段：已出壳"], incubation["本年度出壳"], incubation["已被认领的项目"]) == ("3", "2", "2")
    projects = _rows(await gql.http.get("/reports/projects.csv", params=QUERY, headers=admin))
    assert projects[1][:9] == ["爱有方", "邻里助餐社", "家庭阅读", "3", "2", "1", "5", "4", "0.8000"]
    assert projects[-1] == ["合计", "", "", "4", "3", "1", "9", "5", "0.5556", "2", "1", "4", "0.8000"]


async def test_csv_reports_are_authorized_like_the_queries(gql):
    world = await build_world()
    anonymous = await gql.http.get("/reports/needs.csv", params=QUERY)
    assert anonymous.status_code == 401 and anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    forged = await gql.http.get("/reports/needs.csv", params=QUERY, headers=bearer("not-a-token"))
    assert forged.status_code == 401
    staff = await _signed_in(gql, "staff1", AccountRole.STAFF, area_ids=[world.here.id])
    here = dict(_rows(await gql.http.get("/reports/need-summary.csv", params=QUERY, headers=staff))[1:])
    assert here["提交需求数"] == "6"
    there = await gql.http.get("/reports/needs.csv", params={**QUERY, "communityId": gid("Area", world.there.id)},
                               headers=staff)
    assert there.status_code == 403 and there.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    org_admin = await _signed_in(gql, "org1", AccountRole.ORG_ADMIN, organization_id=world.org1.id)
    assert (await gql.http.get("/reports/needs.csv", params=QUERY, headers=org_admin)).status_code == 403
    own = _rows(await gql.http.get("/reports/projects.csv", params=QUERY, headers=org_admin))
    assert [row[0] for row in own[1:]] == ["爱有方", "合计"]


async def test_csv_reports_check_their_input(gql):
    await build_world()
    admin = await _signed_in(gql, "admin", AccountRole.CENTRE_ADMIN)
    cases = [("/reports/needs.csv", {"from": "2025-03-01"}, 400, "REQUIRED"),
             ("/reports/needs.csv", {"from": "2025-03-01", "to": "March"}, 400, "INVALID"),
             ("/reports/needs.csv", {"from": "2025-03-31", "to": "2025-03-01"}, 400, "INVALID_RANGE"),
             ("/reports/needs.csv", {**QUERY, "communityId": "???"}, 400, "INVALID_ID"),
             ("/reports/needs.csv", {**QUERY, "communityId": gid("Project", 1)}, 400, "INVALID_ID"),
             ("/reports/residents.csv", QUERY, 404, "NOT_FOUND")]
    for path, params, status, code in cases:
        response = await gql.http.get(path, params=params, headers=admin)
        assert (response.status_code, response.json()["errors"][0]["extensions"]["code"]) == (status, code), params
    assert (await gql.http.post("/reports/needs.csv", params=QUERY, headers=admin)).status_code == 405
