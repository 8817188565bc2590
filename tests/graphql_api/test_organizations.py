"""Organization directory and mutations through the real GraphQL endpoint."""

import pytest_asyncio

from models import Organization
from tests.factories import make_areas, make_hub


@pytest_asyncio.fixture
async def gql(admin_gql):
    """These tests act as a centre admin: authorization is tested in test_authorization.py."""
    return admin_gql


CREATE = """
mutation($input: OrganizationCreateInput!) {
  organizationCreate(input: $input) {
    organization { id name uscc kind kindLabel area { name } incubatedBy { name } }
    errors { field message code }
  }
}"""


async def test_create_organization_with_valid_uscc(gql):
    _, community, _ = await make_areas()
    hub = await make_hub(community)
    data = await gql.ok(CREATE, {"input": {
        "name": "乐龄助餐服务社", "kind": "INCUBATED", "areaId": _gid("Area", community.id),
        "uscc": "52330106mj0a1b2c5w", "incubatedById": _gid("Organization", hub.id),
        "contactPhone": "+86 138-1234-5678", "categories": ["MEALS", "CLEANING"],
    }})
    payload = data["organizationCreate"]
    assert payload["errors"] == []
    assert payload["organization"]["uscc"] == "52330106MJ0A1B2C5W"
    assert payload["organization"]["kindLabel"] == "孵化社会组织"
    assert payload["organization"]["incubatedBy"]["name"] == hub.name
    row = await Organization.get(name="乐龄助餐服务社")
    assert row.contact_phone == "13812345678"


async def test_bad_uscc_and_phone_write_nothing(gql):
    _, community, _ = await make_areas()
    data = await gql.ok(CREATE, {"input": {
        "name": "错误代码组织", "kind": "PARTNER", "areaId": _gid("Area", community.id),
        "uscc": "91350100M000100Y4Z", "contactPhone": "12345",
    }})
    payload = data["organizationCreate"]
    assert payload["organization"] is None
    assert {(e["field"], e["code"]) for e in payload["errors"]} == {
        ("uscc", "INVALID_USCC"), ("contactPhone", "INVALID_PHONE")}
    assert await Organization.all().count() == 0


async def test_directory_filters_incubatees_of_hub(gql):
    _, community, _ = await make_areas()
    hub = await make_hub(community, incubatees=15)
    query = """query($hub: ID!) { organizations(filter: {incubatedById: $hub}, first: 10) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { name incubationStageLabel } } } }"""
    data = await gql.ok(query, {"hub": _gid("Organization", hub.id)})
    connection = data["organizations"]
    assert connection["totalCount"] == 15
    assert connection["pageInfo"]["hasNextPage"] is True
    assert len(connection["edges"]) == 10
    assert connection["edges"][0]["node"]["incubationStageLabel"] == "孵化中"


def _gid(type_name: str, pk: int) -> str:
    import base64

    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


async def test_directory_filters_by_category_on_json_list(gql):
    _, community, _ = await make_areas()
    await Organization.create(name="助餐社", kind="INCUBATED", area=community, categories=["BATHING", "MEALS"])
    await Organization.create(name="保洁社", kind="INCUBATED", area=community, categories=["CLEANING"])
    query = "{ organizations(filter: {category: MEALS}) { totalCount edges { node { name } } } }"
    data = await gql.ok(query)
    assert data["organizations"]["totalCount"] == 1
    assert data["organizations"]["edges"][0]["node"]["name"] == "助餐社"
