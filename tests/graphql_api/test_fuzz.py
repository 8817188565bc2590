"""Fuzzing the endpoint with queries and mutations generated from the schema (hypothesis-graphql).

hypothesis-graphql is the generator schemathesis uses for GraphQL; it is driven here through the same
in-process ASGI client as the other tests, so generated operations run against this test's database
(schemathesis itself runs ASGI apps on an event loop of its own, away from the test's connections).
Valid operations (``Mode.POSITIVE``) and operations with one schema violation (``Mode.NEGATIVE``) are
sent as an anonymous caller and as a centre admin, against the demo subdistrict. Every answer must be
below 500, arrive within ``REQUEST_TIMEOUT`` seconds, carry only documented error codes (no
``INTERNAL``: a masked crash is a finding too) and leak no internals (tracebacks, SQL, driver or
Python exception names).

CI runs ``LINLI_FUZZ_CASES`` (default 100) cases per caller; a longer run:

    LINLI_FUZZ_CASES=5000 .venv/bin/python -m pytest tests/graphql_api/test_fuzz.py -q
"""

import asyncio
import os
import re
from datetime import UTC

import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

from graphql_api.schema import schema
from resolvers.access import Role, Viewer
from resolvers.demo import load_demo_data
from tests.graphql_api.edge import GRAPHQL_RESPONSE, codes, endpoint
from tests.graphql_api.edge import settings as edge_settings

CASES = int(os.environ.get("LINLI_FUZZ_CASES", "100"))
REQUEST_TIMEOUT = 15
SCALARS = {
    "Date": st.dates().map(lambda day: nodes.String(day.isoformat())),
    "DateTime": st.datetimes(timezones=st.just(UTC)).map(lambda moment: nodes.String(moment.isoformat())),
    "JSON": st.one_of(st.integers(-1000, 1000).map(nodes.Int), st.text(max_size=20).map(nodes.String)),
    "Decimal": st.one_of(st.decimals(-10**6, 10**6, places=2).map(lambda d: nodes.String(str(d))),
                         st.sampled_from(["NaN", "sNaN", "-Infinity", "1e999999", "0.001", "x"]).map(nodes.String)),
}
OPERATIONS = st.one_of(
    from_schema(schema._schema, custom_scalars=SCALARS, mode=Mode.POSITIVE),
    from_schema(schema._schema, custom_scalars=SCALARS, mode=Mode.NEGATIVE),
)
LEAKS = re.compile(
    r"Traceback|File \"|tortoise|asyncpg|aiosqlite|sqlite|psycopg|pypika|strawberry\.|"
    r"\b(SELECT|INSERT INTO|UPDATE|DELETE FROM)\s+[\"*a-z]|\b[A-Z][A-Za-z]*(Error|Exception)\b",
)
CALLERS = {"anonymous": None, "centre admin": Viewer(role=Role.CENTRE_ADMIN, account_id=1)}


@pytest_asyncio.fixture(params=sorted(CALLERS))
async def fuzzed(request, db):
    """An endpoint with the real limits (but no rate budget), over the demo subdistrict."""
    await load_demo_data()
    async with endpoint(edge_settings(rate_points=10**9), viewer=CALLERS[request.param]) as edge:
        yield edge


@settings(max_examples=CASES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operation=OPERATIONS, strict_media_type=st.booleans())
async def test_generated_operations_never_crash_hang_or_leak(fuzzed, operation, strict_media_type):
    accept = GRAPHQL_RESPONSE if strict_media_type else None
    response = await asyncio.wait_for(fuzzed.post(operation, accept=accept), REQUEST_TIMEOUT)
    assert response.status_code < 500, response.text
    assert "INTERNAL" not in codes(response), response.text
    leak = LEAKS.search(response.text)
    assert leak is None, f"leaked {leak.group(0)!r}: {response.text[:2000]}"
