"""Projects, project claims and the nested project lists through the real GraphQL endpoint."""

import pytest_asyncio

from models import Project, ProjectClaim
from models.enums import ClaimStatus, ProjectStatus
from tests.factories_people import (
    gid,
    make_areas,
    make_organization,
    make_people_graph,
    make_professional,
    make_project,
)


@pytest_asyncio.fixture
async def gql(admin_gql):
    """These tests act as a centre admin: authorization is tested in test_authorization.py."""
    return admin_gql

FIELDS = """project { id name minAge maxAge categoryLabel targetGroupLabel organizer { name } area { name }
    leads { totalCount edges { node { name phone } } } }
  errors { field message code }"""
CREATE = f"mutation($input: ProjectCreateInput!) {{ projectCreate(input: $input) {{ {FIELDS} }} }}"
UPDATE = f"mutation($id: ID!, $input: ProjectUpdateInput!) {{ projectUpdate(id: $id, input: $input) {{ {FIELDS} }} }}"


async def test_create_project_with_leads_and_area(gql):
    _, community, _ = await make_areas()
    association = await make_organization(community)
    lead = await make_professional(phone="13812345678")
    data = await gql.ok(CREATE, {"input": {
        "name": "爱有方", "organizerId": gid("Organization", association.id), "category": "PRESCHOOL_CARE",
        "targetGroup": "PARENTS", "minAge": 0, "maxAge": 6, "startsOn": "2025-03-01",
        "areaId": gid("Area", community.id), "leadIds": [gid("Professional", lead.id)],
    }})
    payload = data["projectCreate"]
    assert payload["errors"] == []
    project = payload["project"]
    assert (project["categoryLabel"], project["targetGroupLabel"]) == ("学龄前托育", "婴幼儿家长")
    assert project["organizer"]["name"] == "和睦新联会" and project["area"]["name"] == "和睦社区"
    assert project["leads"]["edges"] == [{"node": {"name": "林晓雯", "phone": "138****5678"}}]


async def test_invalid_project_changes_return_codes_and_write_nothing(gql):
    _, community, _ = await make_areas()
    project = await make_project(await make_organization(community), min_age=0, max_age=6)
    project_id = gid("Project", project.id)
    cases = [
        ({"minAge": 8}, [("maxAge", "INVALID_RANGE")]),
        ({"minAge": -1}, [("minAge", "OUT_OF_RANGE")]),
        ({"maxAge": 200}, [("maxAge", "OUT_OF_RANGE")]),
        ({"startsOn": "2025-06-01", "endsOn": "2025-05-31"}, [("endsOn", "INVALID_RANGE")]),
        ({"organizerId": gid("Organization", 999), "name": " "}, [("name", "REQUIRED"), ("organizerId", "NOT_FOUND")]),
        ({"leadIds": [gid("Professional", 999)]}, [("leadIds", "NOT_FOUND")]),
    ]
    for changes, expected in cases:
        payload = (await gql.ok(UPDATE, {"id": project_id, "input": changes}))["projectUpdate"]
        assert payload["project"] is None
        assert [(e["field"], e["code"]) for e in payload["errors"]] == expected, changes
    await project.refresh_from_db()
    assert (project.name, project.min_age, project.max_age, project.starts_on) == ("爱有方", 0, 6, None)

    payload = (await gql.ok(UPDATE, {"id": project_id, "input": {"maxAge": None, "minAge": 3}}))["projectUpdate"]
    assert payload["errors"] == []
    assert (payload["project"]["minAge"], payload["project"]["maxAge"]) == (3, None)


CLAIM = """mutation($input: ProjectClaimInput!) { projectClaim(input: $input) {
  claim { id statusLabel note project { name } claimant { __typename ... on Professional { name }
          ... on Organization { name } } }
  errors { field code } } }"""
WITHDRAW = """mutation($id: ID!) { projectClaimWithdraw(claimId: $id) {
  claim { id statusLabel } errors { field code } } }"""


async def test_claim_twice_is_duplicate_and_a_withdrawn_claim_is_reactivated(gql):
    _, community, _ = await make_areas()
    organization = await make_organization(community, name="乐龄助餐服务社")
    project = await make_project(await make_organization(community))
    professional = await make_professional()
    by_professional = {"projectId": gid("Project", project.id), "professionalId": gid("Professional", professional.id),
                       "note": "负责读书会"}
    first = (await gql.ok(CLAIM, {"input": by_professional}))["projectClaim"]
    assert first["errors"] == []
    assert first["claim"]["claimant"] == {"__typename": "Professional", "name": "林晓雯"}
    again = (await gql.ok(CLAIM, {"input": by_professional}))["projectClaim"]
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("projectId", "DUPLICATE")]
    assert await ProjectClaim.all().count() == 1

    withdrawn = (await gql.ok(WITHDRAW, {"id": first["claim"]["id"]}))["projectClaimWithdraw"]
    assert withdrawn["errors"] == [] and withdrawn["claim"]["id"] == first["claim"]["id"]
    assert (await ProjectClaim.get(professional_id=professional.id)).status == ClaimStatus.WITHDRAWN
    twice = (await gql.ok(WITHDRAW, {"id": first["claim"]["id"]}))["projectClaimWithdraw"]
    assert [e["code"] for e in twice["errors"]] == ["INVALID_STATE"]
    back = (await gql.ok(CLAIM, {"input": by_professional}))["projectClaim"]
    assert back["errors"] == [] and back["claim"]["id"] == first["claim"]["id"]
    assert (await ProjectClaim.get(professional_id=professional.id)).status == ClaimStatus.ACTIVE

    by_organization = {"projectId": gid("Project", project.id), "organizationId": gid("Organization", organization.id)}
    claimed = (await gql.ok(CLAIM, {"input": by_organization}))["projectClaim"]
    assert claimed["claim"]["claimant"] == {"__typename": "Organization", "name": "乐龄助餐服务社"}
    both = (await gql.ok(CLAIM, {"input": {**by_professional, **by_organization}}))["projectClaim"]
    assert [(e["field"], e["code"]) for e in both["errors"]] == [("professionalId", "INVALID")]
    assert await ProjectClaim.all().count() == 2


async def test_closed_project_cannot_be_claimed(gql):
    _, community, _ = await make_areas()
    project = await make_project(await make_organization(community), status=ProjectStatus.COMPLETED)
    professional = await make_professional()
    payload = (await gql.ok(CLAIM, {"input": {"projectId": gid("Project", project.id),
                                              "professionalId": gid("Professional", professional.id)}}))
    assert [(e["field"], e["code"]) for e in payload["projectClaim"]["errors"]] == [("projectId", "INVALID_STATE")]
    assert await ProjectClaim.all().count() == 0


async def test_project_filters(gql):
    _, one, two = await make_areas()
    association = await make_organization(one)
    await make_project(association, name="爱有方", area=one)
    await make_project(association, name="银龄跨越数字鸿沟行动", category="DIGITAL_HELP", target_group="ELDERLY",
                       area=two, description="智能手机课堂")
    query = """query($filter: ProjectFilter) { projects(filter: $filter) { totalCount edges { node { name } } } }"""
    for criteria, names in [
        ({"search": "手机"}, ["银龄跨越数字鸿沟行动"]),
        ({"targetGroup": "PARENTS"}, ["爱有方"]),
        ({"category": "DIGITAL_HELP", "areaId": gid("Area", two.id)}, ["银龄跨越数字鸿沟行动"]),
        ({"organizerId": gid("Organization", association.id)}, ["爱有方", "银龄跨越数字鸿沟行动"]),
    ]:
        connection = (await gql.ok(query, {"filter": criteria}))["projects"]
        assert [e["node"]["name"] for e in connection["edges"]] == names, criteria


NESTED = """query($n: Int!) { projects(first: $n) { edges { node { name
  sessions(first: $n) { totalCount edges { node { title confirmedCount waitlistCount seatsLeft
    enrollments(first: $n) { totalCount edges { node { residentDisplayName } } } } } }
  leads(first: $n) { edges { node { name } } }
  claims(first: $n) { totalCount } } } } }"""


async def test_nested_project_lists_issue_the_same_statements_for_any_page_size(gql, sql):
    _, community, _ = await make_areas()
    await make_people_graph(projects=12, sessions=12, community=community)
    counts = {}
    for n in (10, 100):
        with sql() as counter:
            data = await gql.ok(NESTED, {"n": n})
        counts[n] = counter.count
        edges = data["projects"]["edges"]
        assert len(edges) == min(n, 12)
        assert len(edges[0]["node"]["sessions"]["edges"]) == min(n, 12)
    assert counts[10] == counts[100], counts
    session = edges[0]["node"]["sessions"]["edges"][0]["node"]
    assert (session["confirmedCount"], session["waitlistCount"], session["seatsLeft"]) == (1, 0, 4)
    assert session["enrollments"]["edges"] == [{"node": {"residentDisplayName": "王****"}}]
    assert await Project.all().count() == 12
