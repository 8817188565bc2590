"""Account administration: only a centre admin creates and changes accounts; `me`, `accounts`, `node`."""

import os
from pathlib import Path

import pytest

from models import Account
from models.enums import AccountRole
from resolvers.errors import DomainError, ErrorCode
from resolvers.passwords import verify_password
from tests.factories import make_areas, make_hub
from tests.factories_accounts import ME, bearer, gid, make_account, signed_in_admin, staff_tokens

CREATE = """
mutation($input: AccountCreateInput!) {
  accountCreate(input: $input) {
    account { id role roleLabel username displayName areaIds organizationId phoneMasked needsPhoneBinding }
    errors { field message code }
  }
}"""
UPDATE = """
mutation($id: ID!, $input: AccountUpdateInput!) {
  accountUpdate(id: $id, input: $input) { account { role areaIds organizationId } errors { field code } }
}"""


def staff_input(community_id: int, **extra) -> dict:
    return {"role": "STAFF", "username": "staff1", "password": "a long enough pw", "displayName": "李工作",
            "areaIds": [gid("Area", community_id)], "phone": "138 1234 5678", **extra}


async def test_centre_admin_creates_staff_and_org_admin_accounts(gql):
    _, community, _ = await make_areas()
    hub = await make_hub(community)
    _, admin = await signed_in_admin(gql)
    payload = (await gql.ok(CREATE, {"input": staff_input(community.id)}, headers=admin))["accountCreate"]
    assert payload["errors"] == []
    assert payload["account"]["areaIds"] == [gid("Area", community.id)]
    assert payload["account"]["phoneMasked"] == "138****5678" and payload["account"]["roleLabel"] == "中心工作人员"
    row = await Account.get(username="staff1")
    assert row.password_hash.startswith("scrypt$") and verify_password("a long enough pw", row.password_hash)
    org_admin = {"role": "ORG_ADMIN", "username": "hubadmin", "password": "another long pw",
                 "displayName": "枢纽管理员", "organizationId": gid("Organization", hub.id)}
    created = (await gql.ok(CREATE, {"input": org_admin}, headers=admin))["accountCreate"]
    assert created["errors"] == [] and created["account"]["organizationId"] == gid("Organization", hub.id)
    tokens = await staff_tokens(gql, "hubadmin", "another long pw")
    me = (await gql.ok(ME, headers=bearer(tokens["accessToken"])))["me"]
    assert me["role"] == "ORG_ADMIN" and me["organizationId"] == gid("Organization", hub.id)


async def test_invalid_account_input_writes_nothing(gql):
    _, community, _ = await make_areas()
    _, admin = await signed_in_admin(gql)
    bad = {"role": "RESIDENT", "username": "No Spaces!", "password": "short", "displayName": " ",
           "areaIds": [gid("Area", community.id)], "phone": "12345"}
    payload = (await gql.ok(CREATE, {"input": bad}, headers=admin))["accountCreate"]
    assert payload["account"] is None
    assert {(e["field"], e["code"]) for e in payload["errors"]} == {
        ("role", "INVALID"), ("username", "INVALID"), ("password", "INVALID"), ("displayName", "REQUIRED"),
        ("phone", "INVALID_PHONE"), ("areaIds", "INVALID")}
    no_scope = staff_input(community.id, areaIds=[])
    assert (await gql.ok(CREATE, {"input": no_scope}, headers=admin))["accountCreate"]["errors"] == [
        {"field": "areaIds", "message": "Centre staff serve at least one community: give `areaIds`.",
         "code": "REQUIRED"}]
    org_admin = {"role": "ORG_ADMIN", "username": "orgadmin", "password": "a long enough pw", "displayName": "x"}
    errors = (await gql.ok(CREATE, {"input": org_admin}, headers=admin))["accountCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("organizationId", "REQUIRED")]
    await gql.ok(CREATE, {"input": staff_input(community.id)}, headers=admin)
    duplicate = (await gql.ok(CREATE, {"input": staff_input(community.id, username="STAFF1")}, headers=admin))
    assert [(e["field"], e["code"]) for e in duplicate["accountCreate"]["errors"]] == [("username", "DUPLICATE")]
    assert await Account.all().count() == 2


@pytest.mark.parametrize("role", [AccountRole.STAFF, AccountRole.ORG_ADMIN, AccountRole.RESIDENT])
async def test_only_a_centre_admin_manages_accounts(gql, role):
    _, community, _ = await make_areas()
    other = await make_account(role, "someone")
    tokens = await staff_tokens(gql, "someone")
    headers = bearer(tokens["accessToken"])
    created = (await gql.ok(CREATE, {"input": staff_input(community.id)}, headers=headers))["accountCreate"]
    assert created["account"] is None and created["errors"][0]["code"] == "FORBIDDEN"
    changed = await gql.ok(UPDATE, {"id": gid("Account", other.id), "input": {"role": "CENTRE_ADMIN"}},
                           headers=headers)
    assert changed["accountUpdate"]["errors"][0]["code"] == "FORBIDDEN"
    ban = "mutation($id: ID!) { accountBan(id: $id) { errors { code } } }"
    assert (await gql.ok(ban, {"id": gid("Account", other.id)}, headers=headers))["accountBan"]["errors"][0][
        "code"] == "FORBIDDEN"
    anonymous = await gql.execute(CREATE, {"input": staff_input(community.id)})
    assert anonymous["data"] is None and anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    listing = await gql.execute("{ accounts { totalCount } }", headers=headers)
    assert listing["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await Account.get(id=other.id)).role == role and await Account.all().count() == 1


async def test_update_changes_role_and_scope_and_password_ends_sessions(gql):
    _, one, two = await make_areas()
    hub = await make_hub(one)
    admin_account, admin = await signed_in_admin(gql)
    staff = await make_account(AccountRole.STAFF, "staff1", area_ids=[one.id])
    tokens = await staff_tokens(gql, "staff1")
    moved = await gql.ok(UPDATE, {"id": gid("Account", staff.id),
                                  "input": {"areaIds": [gid("Area", one.id), gid("Area", two.id)]}}, headers=admin)
    assert moved["accountUpdate"]["account"]["areaIds"] == [gid("Area", one.id), gid("Area", two.id)]
    promoted = await gql.ok(UPDATE, {"id": gid("Account", staff.id), "input": {
        "role": "ORG_ADMIN", "organizationId": gid("Organization", hub.id)}}, headers=admin)
    assert promoted["accountUpdate"]["account"] == {
        "role": "ORG_ADMIN", "areaIds": [], "organizationId": gid("Organization", hub.id)}
    reset = await gql.ok(UPDATE, {"id": gid("Account", staff.id), "input": {"password": "a brand new password"}},
                         headers=admin)
    assert reset["accountUpdate"]["errors"] == []
    assert (await gql.execute(ME, headers=bearer(tokens["accessToken"])))["data"] is None
    await staff_tokens(gql, "staff1", "a brand new password")
    self_demotion = await gql.ok(UPDATE, {"id": gid("Account", admin_account.id), "input": {"role": "STAFF",
                                 "areaIds": [gid("Area", one.id)]}}, headers=admin)
    assert self_demotion["accountUpdate"]["errors"] == [{"field": "role", "code": "INVALID"}]
    self_ban = "mutation($id: ID!) { accountBan(id: $id) { errors { code } } }"
    assert (await gql.ok(self_ban, {"id": gid("Account", admin_account.id)}, headers=admin))["accountBan"][
        "errors"] == [{"code": "INVALID"}]


async def test_node_shows_an_account_to_its_owner_and_centre_admins_only(gql):
    _, admin = await signed_in_admin(gql)
    mine = await make_account(AccountRole.STAFF, "staff1")
    await make_account(AccountRole.STAFF, "staff2")
    query = "query($id: ID!) { node(id: $id) { ... on Account { username } } }"
    own = bearer((await staff_tokens(gql, "staff1"))["accessToken"])
    other = bearer((await staff_tokens(gql, "staff2"))["accessToken"])
    variables = {"id": gid("Account", mine.id)}
    assert (await gql.ok(query, variables, headers=own))["node"] == {"username": "staff1"}
    assert (await gql.ok(query, variables, headers=admin))["node"] == {"username": "staff1"}
    assert (await gql.ok(query, variables, headers=other))["node"] is None
    assert (await gql.ok(query, variables))["node"] is None
    listing = await gql.ok("{ accounts(filter: {role: STAFF}) { totalCount edges { node { username } } } }",
                           headers=admin)
    assert listing["accounts"]["totalCount"] == 2


async def test_admin_create_command_creates_the_first_centre_admin(db):
    from graphql_api.cli import create_admin

    account = await create_admin("Root", "first admin password")
    assert account.role == AccountRole.CENTRE_ADMIN and account.username == "root"
    with pytest.raises(DomainError) as duplicate:
        await create_admin("root", "first admin password")
    assert duplicate.value.code == ErrorCode.DUPLICATE
    with pytest.raises(DomainError, match="12 characters"):
        await create_admin("root2", "short")


MIGRATIONS = Path(__file__).resolve().parents[2] / "models" / "migrations"
ACCOUNT_MIGRATED = any("'table': 'account'" in f.read_text(encoding="utf-8") for f in MIGRATIONS.glob("0*.py"))


@pytest.mark.skipif(not ACCOUNT_MIGRATED, reason="the account table's migration is generated separately")
def test_admin_create_command_line_reads_the_password_from_the_environment(tmp_path):
    import subprocess
    import sys

    env = {**os.environ, "LINLI_ENV": "development", "LINLI_ADMIN_PASSWORD": "first admin password",
           "DATABASE_URL": f"sqlite://{tmp_path / 'cli.sqlite3'}"}
    done = subprocess.run([sys.executable, "-m", "graphql_api.cli", "admin-create", "--username", "chief"],
                          env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert "Created centre admin 'chief'" in done.stdout
    again = subprocess.run([sys.executable, "-m", "graphql_api.cli", "admin-create", "--username", "chief"],
                           env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert again.returncode == 1 and "already uses this user name" in again.stderr
