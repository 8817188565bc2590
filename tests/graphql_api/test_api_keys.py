"""Partner API keys: created by a centre admin or the organization's admin, used, revoked."""

from datetime import UTC, datetime, timedelta

from starlette.requests import Request

from graphql_api.auth import viewer_from_request
from graphql_api.settings import Settings
from models import ApiKey, Organization
from models.enums import AccountRole, OrganizationKind, OrganizationStatus
from resolvers.access import Role
from resolvers.demo_accounts import load_demo_accounts
from resolvers.tokens import digest
from tests.factories import make_areas, make_hub
from tests.factories_accounts import bearer, gid, make_account, signed_in_admin, staff_tokens

CREATE = """
mutation($input: ApiKeyCreateInput!) {
  apiKeyCreate(input: $input) {
    key apiKey { id name prefix scopes active organization { name } } errors { field message code }
  }
}"""
REVOKE = "mutation($id: ID!) { apiKeyRevoke(id: $id) { apiKey { active revokedAt } errors { code } } }"
DIRECTORY = "{ organizations { totalCount } }"


def key_input(organization_id: int, **extra) -> dict:
    return {"organizationId": gid("Organization", organization_id), "name": "卫生服务中心对接",
            "scopes": ["DIRECTORY_READ", "STATS_READ"], **extra}


async def _partner(community) -> Organization:
    return await Organization.create(name="和睦街道社区卫生服务中心", kind=OrganizationKind.PARTNER, area=community)


def _request(headers: dict[str, str]) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "method": "POST", "path": "/graphql", "headers": raw, "client": ("10.0.0.9", 1)})


async def test_key_is_shown_once_stored_hashed_and_authenticates_a_partner(gql):
    _, community, _ = await make_areas()
    partner = await _partner(community)
    _, admin = await signed_in_admin(gql)
    payload = (await gql.ok(CREATE, {"input": key_input(partner.id)}, headers=admin))["apiKeyCreate"]
    assert payload["errors"] == []
    key = payload["key"]
    assert key.startswith("lk_") and payload["apiKey"]["prefix"] == key[:8]
    assert payload["apiKey"]["scopes"] == ["DIRECTORY_READ", "STATS_READ"] and payload["apiKey"]["active"]
    row = await ApiKey.get()
    assert row.key_hash == digest(key) and key not in str(await ApiKey.all().values())
    listed = await gql.ok("query($o: ID!) { apiKeys(organizationId: $o) { totalCount edges { node { prefix } } } }",
                          {"o": gid("Organization", partner.id)}, headers=admin)
    assert listed["apiKeys"]["totalCount"] == 1 and key not in str(listed)
    for headers in ({"X-Api-Key": key}, {"Authorization": f"ApiKey {key}"}):
        assert (await gql.ok(DIRECTORY, headers=headers))["organizations"]["totalCount"] == 1
        assert (await gql.ok("{ me { id } }", headers=headers))["me"] is None
    viewer = await viewer_from_request(_request({"X-Api-Key": key}), Settings(env="test"))
    assert viewer.role is Role.PARTNER and viewer.organization_id == partner.id and viewer.api_key_id == row.id
    assert viewer.scopes == {"directory:read", "stats:read"} and viewer.account_id is None
    assert viewer.rate_key == f"apikey:{row.id}" and viewer.client_ip == "10.0.0.9"
    assert (await ApiKey.get()).last_used_at is not None


async def test_last_used_is_written_at_most_once_a_minute(gql, sql):
    _, community, _ = await make_areas()
    partner = await _partner(community)
    _, admin = await signed_in_admin(gql)
    key = (await gql.ok(CREATE, {"input": key_input(partner.id)}, headers=admin))["apiKeyCreate"]["key"]
    await gql.ok(DIRECTORY, headers={"X-Api-Key": key})
    with sql() as counter:
        await viewer_from_request(_request({"X-Api-Key": key}), Settings(env="test"))
    assert counter.count == 1
    await ApiKey.all().update(last_used_at=datetime.now(UTC) - timedelta(minutes=2))
    with sql() as counter:
        await viewer_from_request(_request({"X-Api-Key": key}), Settings(env="test"))
    assert counter.count == 2


async def test_revoked_expired_unknown_and_suspended_keys_are_unauthenticated(gql):
    _, community, _ = await make_areas()
    partner = await _partner(community)
    _, admin = await signed_in_admin(gql)
    created = (await gql.ok(CREATE, {"input": key_input(partner.id)}, headers=admin))["apiKeyCreate"]
    key, key_id = created["key"], created["apiKey"]["id"]
    revoked = (await gql.ok(REVOKE, {"id": key_id}, headers=admin))["apiKeyRevoke"]
    assert revoked["errors"] == [] and revoked["apiKey"]["active"] is False and revoked["apiKey"]["revokedAt"]
    other = (await gql.ok(CREATE, {"input": key_input(partner.id)}, headers=admin))["apiKeyCreate"]["key"]
    await gql.ok(DIRECTORY, headers={"X-Api-Key": other})
    await Organization.filter(id=partner.id).update(status=OrganizationStatus.SUSPENDED)
    expiring = await ApiKey.create(organization=await make_hub(community), name="old", prefix="lk_old00",
                                   key_hash=digest("lk_old"), expires_at=datetime.now(UTC) - timedelta(days=1))
    assert expiring.id
    for bad in (key, other, "lk_old", "lk_unknown"):
        body = await gql.execute(DIRECTORY, headers={"X-Api-Key": bad})
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", bad
    both = await gql.execute(DIRECTORY, headers={"X-Api-Key": other, "Authorization": "Bearer x"})
    assert both["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_org_admin_manages_only_their_own_organizations_keys(gql):
    _, community, _ = await make_areas()
    hub = await make_hub(community)
    partner = await _partner(community)
    await make_account(AccountRole.ORG_ADMIN, "hubadmin", organization_id=hub.id)
    await make_account(AccountRole.STAFF, "staff1", area_ids=[community.id])
    hub_admin = bearer((await staff_tokens(gql, "hubadmin"))["accessToken"])
    staff = bearer((await staff_tokens(gql, "staff1"))["accessToken"])
    own = (await gql.ok(CREATE, {"input": key_input(hub.id, scopes=["PROJECTS_WRITE"])}, headers=hub_admin))
    assert own["apiKeyCreate"]["errors"] == [] and own["apiKeyCreate"]["apiKey"]["organization"]["name"] == hub.name
    for headers in (hub_admin, staff):
        refused = (await gql.ok(CREATE, {"input": key_input(partner.id)}, headers=headers))["apiKeyCreate"]
        assert refused["key"] is None and refused["errors"][0]["code"] == "FORBIDDEN"
    anonymous = await gql.execute(CREATE, {"input": key_input(partner.id)})
    assert anonymous["data"] is None and anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    partner_key = (await gql.ok(CREATE, {"input": key_input(hub.id)}, headers=hub_admin))["apiKeyCreate"]["key"]
    by_partner = await gql.ok(CREATE, {"input": key_input(hub.id)}, headers={"X-Api-Key": partner_key})
    assert by_partner["apiKeyCreate"]["errors"][0]["code"] == "UNAUTHENTICATED"
    _, admin = await signed_in_admin(gql)
    foreign = (await gql.ok(CREATE, {"input": key_input(partner.id)}, headers=admin))["apiKeyCreate"]["apiKey"]["id"]
    assert (await gql.ok(REVOKE, {"id": foreign}, headers=hub_admin))["apiKeyRevoke"]["errors"] == [
        {"code": "FORBIDDEN"}]
    node = "query($id: ID!) { node(id: $id) { ... on ApiKey { name } } }"
    assert (await gql.ok(node, {"id": foreign}, headers=hub_admin))["node"] is None
    assert (await gql.ok(node, {"id": foreign}, headers=admin))["node"] == {"name": "卫生服务中心对接"}
    assert await ApiKey.filter(revoked_at__isnull=False).count() == 0


async def test_invalid_key_input_writes_nothing(gql):
    _, admin = await signed_in_admin(gql)
    bad = {"organizationId": gid("Organization", 999), "name": " ", "scopes": [],
           "expiresAt": (datetime.now(UTC) - timedelta(days=1)).isoformat()}
    payload = (await gql.ok(CREATE, {"input": bad}, headers=admin))["apiKeyCreate"]
    assert {(e["field"], e["code"]) for e in payload["errors"]} == {
        ("name", "REQUIRED"), ("organizationId", "NOT_FOUND"), ("scopes", "REQUIRED"), ("expiresAt", "INVALID_RANGE")}
    assert await ApiKey.all().count() == 0


async def test_demo_accounts_sign_in_and_their_partner_key_works(gql, monkeypatch):
    _, community, _ = await make_areas()
    await make_hub(community)
    await _partner(community)
    monkeypatch.setenv("LINLI_DEMO_PASSWORD", "demo password 2026")
    demo = await load_demo_accounts()
    assert demo.usernames == ("admin", "staff1", "hubadmin") and not demo.password_generated
    for username in demo.usernames:
        await staff_tokens(gql, username, "demo password 2026")
    assert (await gql.ok(DIRECTORY, headers={"X-Api-Key": demo.api_key}))["organizations"]["totalCount"] == 2
    assert await load_demo_accounts() is None
