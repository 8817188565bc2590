"""A small, real HTTP server on 127.0.0.1 that answers like WeChat's mini-program server API.

Scripted codes (``js_code`` of code2Session, ``code`` of getuserphonenumber):

- ``login:<openid>``: a valid login code of that user (the answer carries a ``session_key``).
- ``phone:<number>``: a valid phone code for that number; ``phone-other-app:<number>``: the same with
  another mini-program's AppID in the watermark.
- ``invalid``: 40029, ``busy``: 45011, ``blocked``: 40226, ``system``: -1; anything else: 40029.

The endpoints also check the AppID, the AppSecret and the access token like WeChat does.
"""

from __future__ import annotations

import json
import threading
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
                if url.path == "/sns/jscode2session":
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
                if url.path == "/wxa/business/getuserphonenumber":
                    self._reply(fake.phone(query, body))
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


def _error(code: int) -> dict:
    return {"errcode": code, "errmsg": f"scripted error {code}"}
