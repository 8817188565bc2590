"""The WeChat mini-program server API: code2Session, the access token, getuserphonenumber, subscription messages.

Only what Linli needs leaves this module: the ``openid`` (and ``unionid``) of a login code, and the
phone number of a phone code after its ``watermark.appid`` was checked. ``session_key`` is dropped as
soon as the response is parsed, and the AppSecret appears in no error, log line or return value.
WeChat's error codes become Linli's (40029, 45011, 40226 and everything else: unavailable).
"""

from __future__ import annotations

import logging
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from resolvers.errors import DomainError, ErrorCode

log = logging.getLogger("linli.wechat")
# httpx logs every request URL at INFO, and code2Session and the token endpoint carry the AppSecret
# in their query strings: keep those lines out of the logs.
logging.getLogger("httpx").setLevel(logging.WARNING)

WECHAT_ERRORS = {
    40029: (ErrorCode.WECHAT_CODE_INVALID, "WeChat says this code is invalid, used or expired: get a new one."),
    45011: (ErrorCode.WECHAT_RATE_LIMITED, "WeChat is rate-limiting sign-ins: try again in a minute."),
    40226: (ErrorCode.WECHAT_USER_BLOCKED, "WeChat has blocked this user from signing in."),
}
EXPIRED_ACCESS_TOKEN_CODES = frozenset({40001, 42001})
TOKEN_MARGIN_SECONDS = 300
SUBSCRIBE_SEND = "/cgi-bin/message/subscribe/send"


class Cache(Protocol):
    """The part of aiocache the token cache uses."""

    async def get(self, key: str) -> Any: ...

    async def set(self, key: str, value: Any, ttl: int | None = None) -> Any: ...


@dataclass(frozen=True, slots=True)
class WeChatConfig:
    """The mini-program's credentials and WeChat's base URL (tests point it at a local fake)."""

    appid: str | None
    secret: str | None = field(default=None, repr=False)
    api_base: str = "https://api.weixin.qq.com"
    timeout_seconds: float = 10.0

    @property
    def enabled(self) -> bool:
        """True when both the AppID and the AppSecret are configured."""
        return bool(self.appid and self.secret)


@dataclass(frozen=True, slots=True)
class WeChatIdentity:
    """Who a login code belongs to (``session_key`` deliberately left out)."""

    openid: str
    unionid: str | None = None


def http_client(config: WeChatConfig) -> httpx.AsyncClient:
    """An HTTP client of WeChat's API (building one costs milliseconds of CPU: reuse it for many calls)."""
    return httpx.AsyncClient(base_url=config.api_base, timeout=config.timeout_seconds)


def _unavailable(reason: str) -> DomainError:
    return DomainError(ErrorCode.WECHAT_UNAVAILABLE, f"WeChat is unavailable: {reason}. Try again later.")


class WeChatClient:
    """Calls WeChat's server API for one mini-program; the access token is shared through ``cache``."""

    def __init__(self, config: WeChatConfig, cache: Cache | None = None, http: httpx.AsyncClient | None = None) -> None:
        """``http``: a long-lived client of :func:`http_client` to reuse (the notification sender), else one a call."""
        if not config.enabled:
            raise _unavailable("WeChat sign-in is not configured on this server")
        self.config = config
        self.cache = cache
        self.http = http

    async def identity(self, code: str) -> WeChatIdentity:
        """Exchange a ``wx.login`` code at code2Session for the user's openid."""
        body = await self._call("GET", "/sns/jscode2session", params={
            "appid": self.config.appid, "secret": self.config.secret, "js_code": code,
            "grant_type": "authorization_code",
        })
        body.pop("session_key", None)
        openid = body.get("openid")
        if not isinstance(openid, str) or not openid:
            raise _unavailable("code2Session returned no openid")
        unionid = body.get("unionid")
        return WeChatIdentity(openid=openid, unionid=unionid if isinstance(unionid, str) else None)

    async def phone_number(self, code: str) -> str:
        """Exchange a ``getPhoneNumber`` code for the number, checking it was issued for our AppID."""
        body = await self._with_access_token("/wxa/business/getuserphonenumber", {"code": code})
        info = body.get("phone_info") or {}
        if (info.get("watermark") or {}).get("appid") != self.config.appid:
            raise DomainError(ErrorCode.WECHAT_APPID_MISMATCH,
                              "This phone code was issued for another mini-program.", "code")
        number = info.get("purePhoneNumber")
        if not isinstance(number, str) or not number:
            raise _unavailable("getuserphonenumber returned no number")
        return number

    async def send_subscribe_message(self, message: dict) -> int:
        """Send one subscription message (``touser``, ``template_id``, ``page``, ``data``, ...): WeChat's errcode.

        0 means WeChat accepted it; any other code is returned, not raised, for the sender to decide. An
        expired access token is renewed once; an unreachable WeChat raises ``WECHAT_UNAVAILABLE``.
        """
        try:
            await self._with_access_token(SUBSCRIBE_SEND, message)
        except WeChatRefused as refused:
            return refused.errcode
        return 0

    async def _with_access_token(self, path: str, payload: dict) -> dict:
        """POST with the cached access token; fetch a fresh one once if WeChat says it expired."""
        for attempt in range(2):
            token = await self._access_token(force=attempt > 0)
            try:
                return await self._call("POST", path, params={"access_token": token}, json=payload)
            except _ExpiredAccessToken:
                continue
        raise _unavailable("the access token was refused twice")

    async def _access_token(self, force: bool = False) -> str:
        key = f"wechat:access_token:{self.config.appid}"
        if self.cache is not None and not force:
            cached = await self.cache.get(key)
            if cached:
                return str(cached)
        body = await self._call("GET", "/cgi-bin/token", params={
            "grant_type": "client_credential", "appid": self.config.appid, "secret": self.config.secret,
        })
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise _unavailable("no access token was issued")
        ttl = int(body.get("expires_in") or 7200) - TOKEN_MARGIN_SECONDS
        if self.cache is not None and ttl > 0:
            await self.cache.set(key, token, ttl=ttl)
        return token

    async def _call(self, method: str, path: str, params: dict, json: dict | None = None) -> dict:
        try:
            async with nullcontext(self.http) if self.http else http_client(self.config) as http:
                response = await http.request(method, path, params=params, json=json)
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("WeChat %s failed: %s", path, type(exc).__name__)
            raise _unavailable("it could not be reached") from None
        if response.status_code != 200 or not isinstance(body, dict):
            log.warning("WeChat %s answered HTTP %s", path, response.status_code)
            raise _unavailable(f"it answered HTTP {response.status_code}")
        return _checked(path, body)


class WeChatRefused(DomainError):
    """WeChat answered with an error code Linli has no error of its own for."""

    def __init__(self, errcode: int) -> None:
        super().__init__(ErrorCode.WECHAT_UNAVAILABLE, f"WeChat is unavailable: it answered error {errcode}. "
                                                       "Try again later.")
        self.errcode = errcode


class _ExpiredAccessToken(DomainError):
    def __init__(self) -> None:
        super().__init__(ErrorCode.WECHAT_UNAVAILABLE, "The WeChat access token expired.")


def _checked(path: str, body: dict) -> dict:
    """The body when ``errcode`` is absent or 0, else the mapped Linli error."""
    code = body.get("errcode") or 0
    if code == 0:
        return body
    if code in EXPIRED_ACCESS_TOKEN_CODES:
        raise _ExpiredAccessToken()
    log.warning("WeChat %s answered errcode %s", path, code)
    if code in WECHAT_ERRORS:
        error_code, message = WECHAT_ERRORS[code]
        raise DomainError(error_code, message, "code")
    raise WeChatRefused(code)
