"""Bearer tokens through the real endpoint: staff login, refresh rotation, reuse detection, logout, bans."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from graphql_api.app import create_app
from graphql_api.settings import DEV_SECRET, Settings, SettingsError
from models import Account, RefreshToken
from models.enums import AccountRole
from resolvers.tokens import issue_access_token
from tests.factories_accounts import (
    ME,
    PASSWORD,
    STAFF_LOGIN,
    bearer,
    gid,
    make_account,
    signed_in_admin,
    staff_tokens,
)

REFRESH = """
mutation($token: String!) {
  tokenRefresh(refreshToken: $token) {
    tokens { accessToken refreshToken } account { username } errors { field message code }
  }
}"""
LOGOUT = "mutation($token: String!) { logout(refreshToken: $token) { ok errors { code } } }"
BAN = "mutation($id: ID!) { accountBan(id: $id) { account { status statusLabel } errors { code message } } }"


def _codes(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors") or []]


async def test_staff_login_returns_tokens_and_me_reads_the_account(gql):
    await make_account(AccountRole.STAFF, "staff1", area_ids=[])
    tokens = await staff_tokens(gql, "  Staff1 ")
    assert tokens["tokenType"] == "Bearer"
    claims = jwt.decode(tokens["accessToken"], DEV_SECRET, algorithms=["HS256"], issuer="linli")
    assert claims["role"] == "STAFF" and claims["ver"] == 0 and claims["exp"] - claims["iat"] == 15 * 60
    me = (await gql.ok(ME, headers=bearer(tokens["accessToken"])))["me"]
    assert me["username"] == "staff1" and me["role"] == "STAFF" and me["roleLabel"] == "中心工作人员"
    assert me["needsPhoneBinding"] is False
    assert (await gql.ok(ME))["me"] is None
    stored = await RefreshToken.get()
    assert stored.token_hash != tokens["refreshToken"] and len(stored.token_hash) == 64
    assert (await Account.get(username="staff1")).last_login_at is not None


async def test_unknown_user_and_wrong_password_get_the_same_error(gql):
    await make_account(AccountRole.STAFF, "staff1")
    answers = []
    for username, password in (("nobody", PASSWORD), ("staff1", "wrong password!!")):
        payload = (await gql.ok(STAFF_LOGIN, {"username": username, "password": password}))["staffLogin"]
        assert payload["tokens"] is None
        answers.append(payload["errors"])
    assert answers[0] == answers[1] == [
        {"field": None, "message": "Unknown user name or wrong password.", "code": "INVALID_CREDENTIALS"}]


async def test_refresh_rotates_and_reuse_revokes_the_whole_family(gql):
    await make_account(AccountRole.STAFF, "staff1")
    first = await staff_tokens(gql, "staff1")
    rotated = (await gql.ok(REFRESH, {"token": first["refreshToken"]}))["tokenRefresh"]
    assert rotated["errors"] == [] and rotated["account"]["username"] == "staff1"
    second = rotated["tokens"]
    assert second["refreshToken"] != first["refreshToken"]
    reused = (await gql.ok(REFRESH, {"token": first["refreshToken"]}))["tokenRefresh"]
    assert reused["tokens"] is None and reused["errors"][0]["code"] == "UNAUTHENTICATED"
    assert "already used" in reused["errors"][0]["message"]
    after_theft = (await gql.ok(REFRESH, {"token": second["refreshToken"]}))["tokenRefresh"]
    assert after_theft["errors"][0]["code"] == "UNAUTHENTICATED"
    assert await RefreshToken.filter(revoked_at=None).count() == 0


async def test_logout_revokes_the_refresh_family_only(gql):
    await make_account(AccountRole.STAFF, "staff1")
    phone, laptop = await staff_tokens(gql, "staff1"), await staff_tokens(gql, "staff1")
    assert (await gql.ok(LOGOUT, {"token": phone["refreshToken"]}))["logout"] == {"ok": True, "errors": []}
    refused = (await gql.ok(REFRESH, {"token": phone["refreshToken"]}))["tokenRefresh"]
    assert refused["errors"][0]["code"] == "UNAUTHENTICATED"
    still = (await gql.ok(REFRESH, {"token": laptop["refreshToken"]}))["tokenRefresh"]
    assert still["errors"] == []
    unknown = (await gql.ok(LOGOUT, {"token": "not-a-token"}))["logout"]
    assert unknown == {"ok": False, "errors": [{"code": "UNAUTHENTICATED"}]}


async def test_logout_stops_that_sign_ins_access_tokens_at_once(gql):
    account = await make_account(AccountRole.STAFF, "staff1")
    phone, laptop = await staff_tokens(gql, "staff1"), await staff_tokens(gql, "staff1")
    outside, _ = issue_access_token(account, DEV_SECRET)  # a token of no sign-in: only expiry and bans end it
    for tokens in (phone, laptop):
        assert (await gql.ok(ME, headers=bearer(tokens["accessToken"])))["me"]["username"] == "staff1"
    assert (await gql.ok(LOGOUT, {"token": phone["refreshToken"]}))["logout"]["ok"] is True
    body = await gql.execute(ME, headers=bearer(phone["accessToken"]))
    assert body["data"] is None and _codes(body) == ["UNAUTHENTICATED"]
    assert "logged out" in body["errors"][0]["message"]
    for token in (laptop["accessToken"], outside):  # the other sign-in goes on
        assert (await gql.ok(ME, headers=bearer(token)))["me"]["username"] == "staff1"
    rotated = (await gql.ok(REFRESH, {"token": laptop["refreshToken"]}))["tokenRefresh"]["tokens"]
    assert (await gql.ok(ME, headers=bearer(rotated["accessToken"])))["me"]["username"] == "staff1"


async def test_a_reused_refresh_token_stops_the_sign_ins_access_tokens(gql):
    await make_account(AccountRole.STAFF, "staff1")
    first = await staff_tokens(gql, "staff1")
    thief = (await gql.ok(REFRESH, {"token": first["refreshToken"]}))["tokenRefresh"]["tokens"]
    assert (await gql.ok(ME, headers=bearer(thief["accessToken"])))["me"]["username"] == "staff1"
    await gql.ok(REFRESH, {"token": first["refreshToken"]})  # the owner's copy, already rotated: theft
    for token in (first["accessToken"], thief["accessToken"]):
        assert _codes(await gql.execute(ME, headers=bearer(token))) == ["UNAUTHENTICATED"]


async def test_an_account_forgets_sign_ins_ended_longer_ago_than_a_token_lives(gql):
    account = await make_account(AccountRole.STAFF, "staff1")
    long_ago = (datetime.now(UTC) - timedelta(minutes=16)).isoformat()
    await Account.filter(id=account.id).update(ended_sessions={"old-family": long_ago})
    for _ in range(2):
        tokens = await staff_tokens(gql, "staff1")
        await gql.ok(LOGOUT, {"token": tokens["refreshToken"]})
    ended = (await Account.get(id=account.id)).ended_sessions
    assert len(ended) == 2 and "old-family" not in ended


async def test_ban_kills_existing_access_and_refresh_tokens_at_once(gql):
    _, admin = await signed_in_admin(gql)
    staff = await make_account(AccountRole.STAFF, "staff1")
    tokens = await staff_tokens(gql, "staff1")
    assert (await gql.ok(ME, headers=bearer(tokens["accessToken"])))["me"]["username"] == "staff1"
    banned = (await gql.ok(BAN, {"id": _gid(staff.id)}, headers=admin))["accountBan"]
    assert banned == {"account": {"status": "BANNED", "statusLabel": "已封禁"}, "errors": []}
    body = await gql.execute(ME, headers=bearer(tokens["accessToken"]))
    assert body["data"] is None and _codes(body) == ["UNAUTHENTICATED"]
    refused = (await gql.ok(REFRESH, {"token": tokens["refreshToken"]}))["tokenRefresh"]
    assert refused["errors"][0]["code"] == "UNAUTHENTICATED"
    login = (await gql.ok(STAFF_LOGIN, {"username": "staff1", "password": PASSWORD}))["staffLogin"]
    assert login["errors"][0]["code"] == "ACCOUNT_BANNED"
    unban = "mutation($id: ID!) { accountUnban(id: $id) { account { status } errors { code } } }"
    assert (await gql.ok(unban, {"id": _gid(staff.id)}, headers=admin))["accountUnban"]["errors"] == []
    assert (await gql.execute(ME, headers=bearer(tokens["accessToken"])))["data"] is None
    fresh = await staff_tokens(gql, "staff1")
    assert (await gql.ok(ME, headers=bearer(fresh["accessToken"])))["me"]["username"] == "staff1"


async def test_expired_tampered_foreign_and_malformed_tokens_are_unauthenticated(gql):
    account = await make_account(AccountRole.STAFF, "staff1")
    expired, _ = issue_access_token(account, DEV_SECRET, now=datetime.now(UTC) - timedelta(minutes=16))
    valid, _ = issue_access_token(account, DEV_SECRET)
    head, payload, signature = valid.split(".")
    tampered = f"{head}.{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{signature}"
    foreign, _ = issue_access_token(account, "another-secret-of-at-least-thirty-two-chars")
    cases = {
        "expired": bearer(expired), "tampered": bearer(tampered), "foreign": bearer(foreign),
        "garbage": bearer("garbage"), "scheme": {"Authorization": f"Token {valid}"},
    }
    for name, headers in cases.items():
        body = await gql.execute("{ organizations { totalCount } }", headers=headers)
        assert body["data"] is None and _codes(body) == ["UNAUTHENTICATED"], name
    assert "expired" in (await gql.execute(ME, headers=cases["expired"]))["errors"][0]["message"]


async def test_refresh_still_works_while_the_expired_access_token_is_sent(gql):
    account = await make_account(AccountRole.STAFF, "staff1")
    tokens = await staff_tokens(gql, "staff1")
    expired, _ = issue_access_token(account, DEV_SECRET, now=datetime.now(UTC) - timedelta(hours=1))
    data = await gql.ok(REFRESH, {"token": tokens["refreshToken"]}, headers=bearer(expired))
    assert data["tokenRefresh"]["errors"] == []
    mixed = """mutation($t: String!) {
      tokenRefresh(refreshToken: $t) { errors { code } } accountBan(id: "x") { errors { code } } }"""
    body = await gql.execute(mixed, {"t": "x"}, headers=bearer(expired))
    assert body["data"] is None and _codes(body) == ["UNAUTHENTICATED"]


async def test_role_changes_apply_on_the_next_request_without_new_tokens(gql):
    account = await make_account(AccountRole.STAFF, "staff1")
    tokens = await staff_tokens(gql, "staff1")
    await Account.filter(id=account.id).update(role=AccountRole.CENTRE_ADMIN)
    assert (await gql.ok(ME, headers=bearer(tokens["accessToken"])))["me"]["role"] == "CENTRE_ADMIN"


def test_production_app_cannot_be_built_with_the_default_secret():
    settings = Settings(env="production", database_url="postgres://linli@db:5432/linli")
    with pytest.raises(SettingsError, match="LINLI_SECRET_KEY"):
        create_app(settings)
    strong = Settings(env="production", database_url="postgres://linli@db:5432/linli", secret_key="s" * 48)
    assert create_app(strong) is not None


def test_production_requires_the_wechat_secret_when_wechat_is_enabled():
    base = {"env": "production", "database_url": "postgres://linli@db:5432/linli", "secret_key": "s" * 48}
    with pytest.raises(SettingsError, match="WECHAT_SECRET"):
        Settings(**base, wechat_appid="wx123").validate()
    with pytest.raises(SettingsError, match="https"):
        Settings(**base, wechat_appid="wx123", wechat_secret="x", wechat_api_base="http://127.0.0.1").validate()
    assert "app-secret" not in repr(Settings(**base, wechat_appid="wx123", wechat_secret="app-secret"))


def _gid(pk: int) -> str:
    return gid("Account", pk)
