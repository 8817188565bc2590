"""GraphQL over HTTP: methods, media types, status codes, body size, batching, masking and timeouts."""

import asyncio
import gc
import logging
import time

import pytest
from tortoise.backends.asyncpg import AsyncpgDBClient
from tortoise.transactions import in_transaction

import graphql_api.queries.directory as directory
from graphql_api.app import create_app
from tests.conftest import BACKEND, POSTGRES_URL
from tests.graphql_api.edge import DOCUMENTED, GRAPHQL_RESPONSE, codes, endpoint, settings

pytestmark = pytest.mark.usefixtures("db")
AREAS = "{ areas { totalCount } }"
NESTED_PAGES = "{ organizations(first: 100) { edges { node { projects(first: 100) { edges { node { id } } } } } } }"


async def test_post_json_and_get_for_queries():
    async with endpoint() as edge:
        posted = await edge.post(AREAS)
        assert posted.status_code == 200 and posted.json()["data"] == {"areas": {"totalCount": 0}}
        got = await edge.get({"query": "query($k: AreaKind) { areas(kind: $k) { totalCount } }",
                              "variables": '{"k": "COMMUNITY"}'})
        assert got.status_code == 200 and got.json()["data"] == {"areas": {"totalCount": 0}}


async def test_mutations_over_get_are_405_with_allow_post():
    async with endpoint() as edge:
        response = await edge.get({"query": "mutation { __typename }"})
        assert response.status_code == 405 and response.headers["allow"] == "POST"
        assert codes(response) == ["METHOD_NOT_ALLOWED"]
        assert (await edge.post("mutation { __typename }")).json()["data"] == {"__typename": "Mutation"}


async def test_application_json_keeps_200_for_request_errors():
    async with endpoint() as edge:
        for accept in (None, "application/json", "*/*", "application/json, application/graphql-response+json;q=0.5"):
            response = await edge.post("{ nope }", accept=accept)
            assert response.status_code == 200, accept
            assert response.headers["content-type"].startswith("application/json")
            assert response.json()["data"] is None and codes(response) == ["GRAPHQL_VALIDATION_FAILED"]


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, f"{GRAPHQL_RESPONSE}, application/json;q=0.9"])
async def test_graphql_response_json_answers_4xx_without_data_for_request_errors(accept):
    async with endpoint() as edge:
        cases = [
            ("{ nope }", None, "GRAPHQL_VALIDATION_FAILED"),
            ("{ areas ", None, "GRAPHQL_PARSE_FAILED"),
            ("query($k: AreaKind!) { areas(kind: $k) { totalCount } }", {"k": 7}, "GRAPHQL_VALIDATION_FAILED"),
        ]
        for query, variables, code in cases:
            response = await edge.post(query, variables, accept=accept)
            assert response.status_code == 400, query
            assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
            assert "data" not in response.json() and codes(response) == [code]
        ok = await edge.post(AREAS, accept=accept)
        assert ok.status_code == 200 and ok.headers["content-type"].startswith(GRAPHQL_RESPONSE)
        assert ok.json()["data"] == {"areas": {"totalCount": 0}}
        field_error = await edge.post("{ areas(first: 101) { totalCount } }", accept=accept)
        assert field_error.status_code == 200 and "data" in field_error.json()
        assert codes(field_error) == ["PAGE_SIZE_EXCEEDED"]


async def test_body_above_64_kib_is_413_by_content_length_and_while_streaming():
    async with endpoint() as edge:
        padding = " " * (64 * 1024)
        declared = await edge.post("{ __typename }" + padding)
        assert declared.status_code == 413 and codes(declared) == ["REQUEST_TOO_LARGE"]

        async def chunks():
            yield b'{"query": "{ __typename }'
            for _ in range(100):
                yield b" " * 1024
            yield b'"}'

        streamed = await edge.http.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413 and codes(streamed) == ["REQUEST_TOO_LARGE"]
        fits = await edge.post("{ __typename }" + " " * (60 * 1024))
        assert fits.status_code == 200 and not codes(fits)


async def test_websockets_speak_graphql_transport_ws_only():
    """Subscriptions only, over graphql-transport-ws (tests/graphql_api/test_subscriptions.py): the legacy
    graphql-ws protocol, or none, is closed with 4406."""
    for protocols in (["graphql-ws"], []):
        sent, incoming = [], iter([{"type": "websocket.connect"}, {"type": "websocket.disconnect", "code": 1000}])

        async def receive(incoming=incoming):
            return next(incoming)

        async def send(message, sent=sent):
            sent.append(message)

        scope = {"type": "websocket", "path": "/graphql", "root_path": "", "query_string": b"", "headers": [],
                 "subprotocols": protocols, "scheme": "ws", "server": ("linli.test", 80)}
        app = create_app(settings(), manage_database=False)
        await app(scope, receive, send)
        assert [(m["type"], m.get("code")) for m in sent] == [("websocket.accept", None), ("websocket.close", 4406)]
        await app.state.cache.close()


async def test_subscriptions_are_refused_over_http(gql):
    document = "subscription { needsInArea { kind } }"
    for response in (await gql.http.post("/graphql", json={"query": document}),
                     await gql.http.get("/graphql", params={"query": document})):
        assert response.status_code == 400 and codes(response) == ["BAD_REQUEST"]
        assert "WebSocket" in response.json()["errors"][0]["message"]


async def test_batches_are_refused():
    async with endpoint() as edge:
        response = await edge.http.post("/graphql", json=[{"query": AREAS}, {"query": AREAS}])
        assert response.status_code == 400 and codes(response) == ["BATCHING_NOT_SUPPORTED"]


@pytest.mark.parametrize(("content", "content_type"), [
    (b"{", "application/json"),
    (b"[" * 5000 + b"]" * 5000, "application/json"),
    (b'{"query": "{ __typename }"}', "text/plain"),
    (b"{}", "application/json"),
    (b'{"query": "{ __typename }", "variables": [1]}', "application/json"),
])
async def test_malformed_requests_are_400_with_a_code(content, content_type):
    async with endpoint() as edge:
        response = await edge.http.post("/graphql", content=content, headers={"content-type": content_type})
        assert response.status_code == 400 and codes(response) == ["BAD_REQUEST"]
        listed = await edge.get({"query": "{ __typename }", "variables": "[1]"})
        assert listed.status_code == 400 and codes(listed) == ["BAD_REQUEST"]
        unknown = await edge.post("query A { __typename }", operation_name="B")
        assert unknown.status_code == 400 and codes(unknown) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_unexpected_errors_are_masked_with_a_correlation_id(monkeypatch, caplog):
    async def broken(*args, **kwargs):
        raise RuntimeError('relation "area" does not exist: SELECT * FROM "area" /* tortoise asyncpg */')

    monkeypatch.setattr(directory, "paginate", broken)
    async with endpoint() as edge:
        with caplog.at_level(logging.ERROR, logger="linli.errors"):
            response = await edge.post(AREAS)
    assert codes(response) == ["INTERNAL"]
    error = response.json()["errors"][0]
    correlation_id = error["extensions"]["correlationId"]
    assert correlation_id in error["message"] and correlation_id in caplog.text
    for leak in ("RuntimeError", "Traceback", "SELECT", "does not exist", "tortoise", "asyncpg", 'File "'):
        assert leak not in response.text


async def test_execution_timeout(monkeypatch):
    async def slow(*args, **kwargs):
        await asyncio.sleep(5)

    monkeypatch.setattr(directory, "paginate", slow)
    async with endpoint(settings(execution_timeout_seconds=0.2)) as edge:
        started = time.perf_counter()
        response = await edge.post(AREAS)
        assert time.perf_counter() - started < 2
    assert response.status_code == 200 and codes(response) == ["TIMEOUT"]
    assert response.json()["data"] is None


@pytest.mark.skipif(BACKEND != "postgres", reason="statement_timeout is a PostgreSQL setting")
async def test_postgres_statement_timeout_cancels_slow_statements():
    config = settings(database_url=POSTGRES_URL, statement_timeout_ms=200).tortoise_config(statement_timeout=True)
    connection = config["connections"]["default"]
    assert connection["credentials"]["server_settings"]["statement_timeout"] == "200"
    plain = settings(database_url=POSTGRES_URL).tortoise_config()["connections"]["default"]
    assert plain == POSTGRES_URL or "statement_timeout" not in plain["credentials"].get("server_settings", {})
    client = AsyncpgDBClient(connection_name="statement_timeout", **connection["credentials"])
    await client.create_connection(with_db=True)
    try:
        started = time.perf_counter()
        with pytest.raises(Exception, match="statement timeout"):
            await client.execute_query("SELECT pg_sleep(2)")
        assert time.perf_counter() - started < 1.5
        assert (await client.execute_query_dict("SELECT 1 AS one")) == [{"one": 1}]
    finally:
        await client.close()


@pytest.mark.skipif(BACKEND != "postgres", reason="statement_timeout is a PostgreSQL setting")
async def test_a_cancelled_statement_reaches_the_client_as_timeout(monkeypatch):
    async def slow_statement(*args, **kwargs):
        async with in_transaction() as connection:
            await connection.execute_script("SET LOCAL statement_timeout = 100")
            await connection.execute_query("SELECT pg_sleep(2)")

    monkeypatch.setattr(directory, "paginate", slow_statement)
    async with endpoint() as edge:
        response = await edge.post(AREAS)
    assert codes(response) == ["TIMEOUT"] and "pg_sleep" not in response.text


async def test_bad_documents_never_block_the_event_loop():
    """Abusive documents are refused in milliseconds while a normal request is answered meanwhile."""
    bad = [
        "{ " + "__typename " * 5000 + "}",
        "{a" * 3000 + "}" * 3000,
        "query { ...F0 } " + " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(150))
        + " fragment F150 on Query { __typename }",  # 2^150 spreads, valid: answered without expanding them
        "{ " + "areas { totalCount } " * 450 + "}",
        NESTED_PAGES,
    ]
    longest_pause = 0.0
    done = asyncio.Event()

    async def ticker():
        """The longest stretch of work the event loop did between two ticks (CPU time of its thread, so that
        other processes on a busy machine do not count)."""
        nonlocal longest_pause
        last = time.thread_time()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.thread_time()
            longest_pause, last = max(longest_pause, now - last), now

    gc.collect()  # a full collection over the whole test session's heap is not the work under test
    gc.disable()
    try:
        async with endpoint() as edge:
            tick = asyncio.create_task(ticker())
            answers = await asyncio.gather(*(edge.post(query) for query in bad), edge.post(AREAS))
            done.set()
            await tick
    finally:
        gc.enable()
    assert [codes(a) for a in answers[:-1]] == [
        ["TOKEN_LIMIT_EXCEEDED"], ["DEPTH_LIMIT_EXCEEDED"], [], ["VALIDATION_LIMIT_EXCEEDED"], ["COST_LIMIT_EXCEEDED"],
    ]
    assert answers[-1].json()["data"] == {"areas": {"totalCount": 0}}
    assert longest_pause < 0.5, f"the event loop was blocked for {longest_pause:.2f} s"


EDGE_CODES = {
    "BAD_REQUEST", "METHOD_NOT_ALLOWED", "REQUEST_TOO_LARGE", "BATCHING_NOT_SUPPORTED", "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_VALIDATION_FAILED", "TOKEN_LIMIT_EXCEEDED", "DEPTH_LIMIT_EXCEEDED", "ALIAS_LIMIT_EXCEEDED",
    "INPUT_LIST_TOO_LONG", "PAGE_SIZE_EXCEEDED", "COST_LIMIT_EXCEEDED", "VALIDATION_LIMIT_EXCEEDED",
    "RATE_LIMITED", "PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_INVALID", "TIMEOUT",
}


async def test_every_code_the_edge_emits_is_in_the_documented_enum(monkeypatch):
    async def slow(*args, **kwargs):
        await asyncio.sleep(5)

    seen = set()
    async with endpoint(settings(rate_points=60, execution_timeout_seconds=0.2)) as edge:
        for call in (
            edge.http.post("/graphql", content=b"{", headers={"content-type": "application/json"}),
            edge.get({"query": "mutation { __typename }"}),
            edge.post(" " * 70000),
            edge.http.post("/graphql", json=[{"query": AREAS}]),
            edge.post("{"), edge.post("{ nope }"), edge.post("{ " + "a " * 2100 + "}"),
            edge.post("{a" * 20 + "}" * 20), edge.post("{ " + " ".join(f"a{i}: __typename" for i in range(16)) + " }"),
            edge.post("query($x: [Int]) { __typename }", {"x": list(range(101))}),
            edge.post("{ areas(first: 101) { totalCount } }"),
            edge.post(NESTED_PAGES),
            edge.post("{ " + "areas { totalCount } " * 450 + "}"),
            edge.post(None, extensions={"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}),
            edge.post(None, extensions={"persistedQuery": {"version": 2, "sha256Hash": "0" * 64}}),
        ):
            seen.update(codes(await call))
        monkeypatch.setattr(directory, "paginate", slow)
        seen.update(codes(await edge.post(AREAS)))
        for _ in range(60):
            seen.update(codes(await edge.post("{ __typename }")))
    assert seen == EDGE_CODES
    assert seen <= DOCUMENTED
