"""WeChat sign-in and phone binding against a real fake WeChat server on 127.0.0.1."""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
import pytest_asyncio

from graphql_api.app import create_app
from graphql_api.schema import sdl
from graphql_api.settings import Settings
from models import Account, Professional, Resident
from models.enums import AccountRole, AgeBand
from tests.factories import make_areas
from tests.factories_accounts import ME, bearer, gid, make_account, staff_tokens
from tests.fake_wechat import SESSION_KEY, FakeWeChat

APPID = "wx-linli-test-appid"
SECRET = "linli-test-app-secret-0123456789abcdef"
LOGIN = """
mutation($code: String!) {
  wechatLogin(code: $code) {
    tokens { accessToken refreshToken }
    account { id role displayName needsPhoneBinding phoneMasked residentId professionalId }
    errors { field message code }
  }
}"""
BIND = """
mutation($code: String!) {
  wechatPhoneBind(code: $code) {
    bound account { role phoneMasked needsPhoneBinding residentId professionalId } errors { field message code }
  }
}"""


@dataclass
class WeChatHarness:
    """The app wired to the fake server; every raw response body is kept for inspection."""

    http: httpx.AsyncClient
    fake: FakeWeChat
    bodies: list[str] = field(default_factory=list)

    async def execute(self, query: str, variables: dict | None = None, headers: dict | None = None) -> dict:
        response = await self.http.post("/graphql", json={"query": query, "variables": variables or {}},
                                        headers=headers or {})
        self.bodies.append(response.text)
        return response.json()

    async def run(self, query: str, variables: dict | None = None, headers: dict | None = None) -> dict:
        body = await self.execute(query, variables, headers)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    ok = run

    async def login(self, openid: str) -> dict:
        payload = (await self.run(LOGIN, {"code": f"login:{openid}"}))["wechatLogin"]
        assert payload["errors"] == [], payload
        return payload


def _app_client(settings: Settings):
    app = create_app(settings, manage_database=False)
    return app, httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://linli.test")


@pytest_asyncio.fixture
async def wechat(db) -> AsyncIterator[WeChatHarness]:
    """A fake WeChat on a free port and an app (with its lifespan, hence its cache) pointed at it."""
    fake = FakeWeChat(APPID, SECRET).start()
    app, http = _app_client(Settings(env="test", wechat_appid=APPID, wechat_secret=SECRET, wechat_api_base=fake.url))
    try:
        async with app.router.lifespan_context(app), http:
            harness = WeChatHarness(http=http, fake=fake)
            yield harness
        for body in harness.bodies:
            assert SESSION_KEY not in body and "session_key" not in body and "sessionKey" not in body
            assert SECRET not in body
    finally:
        fake.stop()


async def test_first_login_creates_an_unbound_resident_account_and_second_login_finds_it(wechat):
    first = await wechat.login("openid-alice")
    assert first["account"]["role"] == "RESIDENT" and first["account"]["needsPhoneBinding"] is True
    assert first["account"]["residentId"] is None and first["tokens"]["accessToken"]
    again = await wechat.login("openid-alice")
    assert again["account"]["id"] == first["account"]["id"]
    assert await Account.filter(wechat_openid="openid-alice").count() == 1
    me = await wechat.run(ME, headers=bearer(again["tokens"]["accessToken"]))
    assert me["me"]["needsPhoneBinding"] is True and me["me"]["role"] == "RESIDENT"


@pytest.mark.parametrize(("code", "expected"), [
    ("invalid", "WECHAT_CODE_INVALID"), ("busy", "WECHAT_RATE_LIMITED"), ("blocked", "WECHAT_USER_BLOCKED"),
    ("system", "WECHAT_UNAVAILABLE"), ("  ", "REQUIRED"),
])
async def test_wechat_error_codes_become_linli_codes(wechat, code, expected):
    payload = (await wechat.run(LOGIN, {"code": code}))["wechatLogin"]
    assert payload["tokens"] is None and payload["account"] is None
    assert [e["code"] for e in payload["errors"]] == [expected]
    assert await Account.all().count() == 0


async def test_unreachable_or_unconfigured_wechat_is_unavailable(db):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    configs = [Settings(env="test", wechat_appid=APPID, wechat_secret=SECRET,
                        wechat_api_base=f"http://127.0.0.1:{closed_port}"),
               Settings(env="test")]
    for settings in configs:
        _, http = _app_client(settings)
        async with http:
            response = await http.post("/graphql", json={"query": LOGIN, "variables": {"code": "login:x"}})
        errors = response.json()["data"]["wechatLogin"]["errors"]
        assert [e["code"] for e in errors] == ["WECHAT_UNAVAILABLE"]
        assert SECRET not in response.text


async def test_wrong_app_secret_is_unavailable_and_never_echoed(db):
    fake = FakeWeChat(APPID, "the-real-secret").start()
    try:
        settings = Settings(env="test", wechat_appid=APPID, wechat_secret=SECRET, wechat_api_base=fake.url)
        _, http = _app_client(settings)
        async with http:
            response = await http.post("/graphql", json={"query": LOGIN, "variables": {"code": "login:x"}})
        assert [e["code"] for e in response.json()["data"]["wechatLogin"]["errors"]] == ["WECHAT_UNAVAILABLE"]
        assert SECRET not in response.text and "the-real-secret" not in response.text
    finally:
        fake.stop()


async def test_phone_binding_links_a_professional_then_a_resident_or_nobody(wechat):
    _, community, _ = await make_areas()
    professional = await Professional.create(name="王护理", profession="养老护理员", phone="13900001111")
    resident = await Resident.create(name="李阿姨", age_band=AgeBand.SENIOR_60_79, community=community,
                                     phone="13900002222")
    cases = [("openid-pro", "+86 139-0000-1111", True, "PROFESSIONAL"),
             ("openid-res", "13900002222", True, "RESIDENT"), ("openid-new", "13900003333", False, "RESIDENT")]
    for openid, number, bound, role in cases:
        tokens = (await wechat.login(openid))["tokens"]
        payload = (await wechat.run(BIND, {"code": f"phone:{number}"}, bearer(tokens["accessToken"])))
        result = payload["wechatPhoneBind"]
        assert result["errors"] == [] and result["bound"] is bound and result["account"]["role"] == role
        assert result["account"]["needsPhoneBinding"] is False and "****" in result["account"]["phoneMasked"]
    pro = await Account.get(wechat_openid="openid-pro")
    assert pro.professional_id == professional.id and pro.phone == "13900001111"
    me = await wechat.run(ME, headers=bearer((await wechat.login("openid-res"))["tokens"]["accessToken"]))
    assert me["me"]["role"] == "RESIDENT"
    assert (await Account.get(wechat_openid="openid-res")).resident_id == resident.id
    assert (await Account.get(wechat_openid="openid-new")).resident_id is None
    assert wechat.fake.calls["/cgi-bin/token"] == 1
    taken = (await wechat.login("openid-second-phone-owner"))["tokens"]
    again = await wechat.run(BIND, {"code": "phone:13900002222"}, bearer(taken["accessToken"]))
    assert again["wechatPhoneBind"]["bound"] is False
    assert gid("Resident", resident.id) not in str(again)


async def test_phone_binding_errors(wechat):
    tokens = (await wechat.login("openid-alice"))["tokens"]
    headers = bearer(tokens["accessToken"])
    cases = [("phone-other-app:13900001111", "WECHAT_APPID_MISMATCH"), ("invalid", "WECHAT_CODE_INVALID"),
             ("phone:12345", "INVALID_PHONE")]
    for code, expected in cases:
        result = (await wechat.run(BIND, {"code": code}, headers))["wechatPhoneBind"]
        assert result["account"] is None and [e["code"] for e in result["errors"]] == [expected], code
    anonymous = await wechat.execute(BIND, {"code": "phone:13900001111"})
    assert anonymous["data"] is None and anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await Account.get(wechat_openid="openid-alice")).phone is None


async def test_expired_wechat_access_token_is_renewed_once(wechat):
    headers = bearer((await wechat.login("openid-alice"))["tokens"]["accessToken"])
    await wechat.run(BIND, {"code": "phone:13900004444"}, headers)
    wechat.fake.expire_next_token_use = True
    result = (await wechat.run(BIND, {"code": "phone:13900005555"}, headers))["wechatPhoneBind"]
    assert result["errors"] == [] and result["account"]["phoneMasked"] == "139****5555"


async def test_staff_accounts_cannot_bind_a_wechat_phone(wechat):
    await make_account(AccountRole.STAFF, "staff1")
    tokens = await staff_tokens(wechat, "staff1")
    result = (await wechat.run(BIND, {"code": "phone:13900001111"}, bearer(tokens["accessToken"])))
    assert [e["code"] for e in result["wechatPhoneBind"]["errors"]] == ["FORBIDDEN"]


def test_schema_has_no_session_key_or_secret():
    text = sdl()
    assert "session_key" not in text and "sessionKey" not in text and "sessionkey" not in text.lower()
    assert SECRET not in text and not re.search(r"app_?secret", text, re.IGNORECASE)
