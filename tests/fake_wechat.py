"""A small, real HTTP server on 127.0.0.1 that answers like WeChat's mini-program server API.

Scripted codes (``js_code`` of code2Session, ``code`` of getuserphonenumber):

- ``login:<openid>``: a valid login code of that user (the answer carries a ``session_key``).
- ``phone:<number>``: a valid phone code for that number; ``phone-other-app:<number>``: the same with
  another mini-program's AppID in the watermark.
- ``invalid``: 40029, ``busy``: 45011, ``blocked``: 40226, ``system``: -1; anything else: 40029.

The endpoints also check the AppID, the AppSecret and the access token like WeChat does.

Subscription messages (``/cgi-bin/message/subscribe/send``): every accepted message is kept in
:attr:`FakeWeChat.delivered` (errcode 0), after checking the template values against WeChat's limits
(47003 otherwise). Failure modes, switchable at any time: ``outage`` (an HTTP status every endpoint
answers, e.g. 503), ``send_errcode`` (every send answers that errcode, e.g. -1 "system busy"),
``send_delay`` (seconds each send takes); an openid starting with ``unsubscribed`` gets 43101 and one
starting with ``invalid`` 40003.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

SESSION_KEY = "tiHlTQ0yH+fake+session+key=="
SCRIPTED_ERRORS = {"invalid": 40029, "busy": 45011, "blocked": 40226, "system": -1}


class FakeWeChat:
    """Start with :meth:`start`, point ``WECHAT_API_BASE`` at :attr:`url`, stop with :meth:`stop`."""

    def __init__(self, appid: str, secret: str) -> None:
        self.appid = appid
        self.secret = secret
        self.calls: Counter[str] = Counter()
        self.access_tokens: list[str] = []
        self.expire_next_token_use = False
        self.delivered: list[dict] = []
        self.outage: int | None = None
        self.send_errcode: int | None = None
        self.send_delay = 0.0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeWeChat:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                fake.calls[url.path] += 1
                if fake.outage:
                    self._reply({"errcode": -1, "errmsg": "outage"}, status=fake.outage)
                elif url.path == "/sns/jscode2session":
                    self._reply(fake.code_to_session(query))
                elif url.path == "/cgi-bin/token":
                    self._reply(fake.token(query))
                else:
                    self._reply({"errcode": 404, "errmsg": "not found"}, status=404)

            def do_POST(self) -> None:
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                fake.calls[url.path] += 1
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if fake.outage:
                    self._reply({"errcode": -1, "errmsg": "outage"}, status=fake.outage)
                elif url.path == "/wxa/business/getuserphonenumber":
                    self._reply(fake.phone(query, body))
                elif url.path == "/cgi-bin/message/subscribe/send":
                    self._reply(fake.subscribe_send(query, body))
                else:
                    self._reply({"errcode": 404, "errmsg": "not found"}, status=404)

            def _reply(self, payload: dict, status: int = 200) -> None:
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        return Handler

    def code_to_session(self, query: dict) -> dict:
        if query.get("appid") != self.appid or query.get("secret") != self.secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        if query.get("grant_type") != "authorization_code":
            return {"errcode": 40002, "errmsg": "invalid grant_type"}
        code = query.get("js_code", "")
        if code.startswith("login:"):
            return {"openid": code.removeprefix("login:"), "session_key": SESSION_KEY, "unionid": None}
        return _error(SCRIPTED_ERRORS.get(code, 40029))

    def token(self, query: dict) -> dict:
        if query.get("appid") != self.appid or query.get("secret") != self.secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        token = f"access-token-{len(self.access_tokens) + 1}"
        self.access_tokens.append(token)
        return {"access_token": token, "expires_in": 7200}

    def phone(self, query: dict, body: dict) -> dict:
        token = query.get("access_token")
        if not self.access_tokens or token != self.access_tokens[-1]:
            return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}
        if self.expire_next_token_use:
            self.expire_next_token_use = False
            self.access_tokens.append("expired-marker")
            return {"errcode": 42001, "errmsg": "access_token expired"}
        code = body.get("code", "")
        kind, _, number = code.partition(":")
        if kind in {"phone", "phone-other-app"} and number:
            appid = self.appid if kind == "phone" else "wx-someone-else"
            return {"errcode": 0, "errmsg": "ok", "phone_info": {
                "phoneNumber": number, "purePhoneNumber": number, "countryCode": "86",
                "watermark": {"timestamp": 1700000000, "appid": appid},
            }}
        return _error(SCRIPTED_ERRORS.get(code, 40029))

    def subscribe_send(self, query: dict, body: dict) -> dict:
        if self.send_delay:
            time.sleep(self.send_delay)
        if query.get("access_token") not in self.access_tokens:  # an older token stays valid a while, as WeChat's
            return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}
        if self.send_errcode is not None:
            return _error(self.send_errcode)
        openid = str(body.get("touser") or "")
        if not openid or openid.startswith("invalid"):
            return _error(40003)
        if openid.startswith("unsubscribed"):
            return _error(43101)
        if not body.get("template_id"):
            return _error(40037)
        bad = [key for key, item in (body.get("data") or {}).items() if not template_value_ok(key, item)]
        if bad or not body.get("data"):
            return {"errcode": 47003, "errmsg": f"argument invalid! data.{(bad or ['?'])[0]}.value invalid"}
        with self._lock:
            self.delivered.append(body)
        return {"errcode": 0, "errmsg": "ok", "msgid": len(self.delivered)}


#: WeChat's limits of template values (RULES.md), by the keyword's type (``thing3`` is a thing).
VALUE_RULES = {
    "thing": r".{1,20}",
    "phrase": r"[\u3400-\u9fff]{1,5}",
    "name": r"[\u3400-\u9fff·]{1,10}|[A-Za-z .·-]{1,20}",
    "number": r"\d{1,32}(?:\.\d+)?",
    "character_string": r"[!-~]{1,32}",
    "phone_number": r"[\d+\-* ()]{1,17}",
    "time": r"(?:\d{4}年\d{1,2}月\d{1,2}日 )?\d{2}:\d{2}(?:~(?:\d{4}年\d{1,2}月\d{1,2}日 )?\d{2}:\d{2})?",
    "date": r"\d{4}年\d{1,2}月\d{1,2}日(?: \d{2}:\d{2})?",
}


def template_value_ok(keyword: str, item: object) -> bool:
    """True when ``item`` is ``{"value": text}`` and the text fits the keyword's type."""
    kind = re.fullmatch(r"([a-z_]+?)\d+", keyword)
    value = item.get("value") if isinstance(item, dict) else None
    return bool(kind and kind.group(1) in VALUE_RULES and isinstance(value, str)
                and re.fullmatch(VALUE_RULES[kind.group(1)], value))


def _error(code: int) -> dict:
    return {"errcode": code, "errmsg": f"scripted error {code}"}
