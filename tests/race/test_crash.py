"""Kill the server in the middle of a burst of writes, start it again, and find nothing half-written.

The burst: staff triage and propose at once, while a stream of need filings (each with its own idempotency
key) and session enrollments keeps coming, ~120 requests a second, over HTTP to the server processes.
Once two proposals and 60 answers are back, every process is killed with SIGKILL (no shutdown, no
flushing) while requests are still in flight. The server is started again on the same database, and:

- every need has exactly one filing event, and its status is the ``to`` of its last event;
- no session has more confirmed enrollments than seats, and each waitlist is numbered 1..n without gaps;
- every idempotency key names a need that exists, and there are as many keys as needs filed in the burst;
- every match's need exists with its history (and, once the matching services write events, its proposal);
- retrying every filing sent, with the same keys, files each need exactly once; the server serves again.

Runs on PostgreSQL (in CI, like the whole suite); ``LINLI_RACE_REPEAT`` does not apply.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections import defaultdict
from collections.abc import Iterator

import pytest
from tortoise.context import TortoiseContext

from models import Enrollment, IdempotencyKey, Match, Need, NeedEvent, ProjectSession
from models.enums import AccountRole, EnrollmentStatus, NeedStatus
from tests.conftest import BACKEND
from tests.factories_matching import local, make_open_need
from tests.factories_residents import gid
from tests.lifecycle_wiring import MATCHING_WIRED
from tests.race import world
from tests.race.server import LinliServer, client, create_schema, database_url, drop, post, tortoise_config

pytestmark = [pytest.mark.race,
              pytest.mark.skipif(BACKEND != "postgres", reason="the crash test runs on PostgreSQL")]

CREATE = """mutation($input: NeedCreateInput!, $key: String) { needCreate(input: $input, idempotencyKey: $key) {
  need { id } errors { code } } }"""
ENROLL = """mutation($session: ID!, $resident: ID!) { sessionEnroll(sessionId: $session, residentId: $resident) {
  enrollment { id } errors { code } } }"""
TRIAGE = "mutation($id: ID!) { needTriage(id: $id) { need { status } errors { code } } }"
PROPOSE = """mutation($need: ID!, $provider: ID!) { matchPropose(input: {needId: $need, providerId: $provider}) {
  match { id } errors { code } } }"""
TITLE = "每天中午送餐"
PEOPLE, SEATS, SESSIONS, TRIAGED, PROPOSED = 120, 8, 3, 15, 6
KILL_WHEN_ANSWERED, KILL_WHEN_PROPOSED, MAX_STREAM = 60, 2, 3000


async def _world(url: str) -> dict:
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        place = await world.community()
        people = await world.residents(place, PEOPLE)
        desk = await world.account(AccountRole.STAFF, "工作人员", area_ids=[place.id])
        carer, _ = await world.carer(place, "张护理员")
        waiting = []
        for person, _ in people[:TRIAGED + PROPOSED]:
            need = await make_open_need(person, days=2, hour=9, status=NeedStatus.SUBMITTED)
            await NeedEvent.create(need=need, to_status=NeedStatus.SUBMITTED, actor_role="RESIDENT")
            waiting.append(need)
        sessions = [await world.session(place, SEATS) for _ in range(SESSIONS)]
        return {"people": people, "desk": desk, "carer": carer, "waiting": waiting, "sessions": sessions}


def _steps(w: dict) -> list[tuple[str, dict, dict]]:
    """The staff's requests: triage some needs, propose the carer for others."""
    steps = [(TRIAGE, {"id": gid("Need", need.id)}, w["desk"].headers) for need in w["waiting"][:TRIAGED]]
    return steps + [(PROPOSE, {"need": gid("Need", need.id), "provider": gid("Professional", w["carer"].id)},
                     w["desk"].headers) for need in w["waiting"][TRIAGED:]]


def _stream(w: dict) -> Iterator[tuple[str, dict, dict]]:
    """Filings (a new key each) and enrollments, alternating, round-robin over the residents."""
    start, end = local(3, 9).isoformat(), local(3, 11).isoformat()
    for i, (person, caller) in enumerate(itertools.cycle(w["people"])):
        yield CREATE, {"key": uuid.uuid4().hex, "input": {
            "residentId": gid("Resident", person.id), "category": "MEALS", "title": TITLE, "windowStart": start,
            "windowEnd": end}}, caller.headers
        yield ENROLL, {"session": gid("ProjectSession", w["sessions"][i % SESSIONS].id),
                       "resident": gid("Resident", person.id)}, caller.headers


async def _fire_and_kill(server: LinliServer, w: dict) -> tuple[list, list]:
    """The burst, then SIGKILL in its middle; returns the requests sent and their answers (or errors)."""
    done: dict[str, int] = defaultdict(int)
    enough = asyncio.Event()
    sent: list = []

    async def one(http, document, variables, headers):
        try:
            return await post(http, server, document, variables, headers)
        finally:
            done[document] += 1
            done["all"] += 1
            if done["all"] >= KILL_WHEN_ANSWERED and done[PROPOSE] >= KILL_WHEN_PROPOSED:
                enough.set()

    async with client(timeout=30) as http:
        sent += _steps(w)
        tasks = [asyncio.ensure_future(one(http, *request)) for request in sent]
        for i, request in enumerate(itertools.islice(_stream(w), MAX_STREAM)):
            if enough.is_set():
                break
            sent.append(request)
            tasks.append(asyncio.ensure_future(one(http, *request)))
            if i % 6 == 5:
                await asyncio.sleep(0.05)
        assert enough.is_set(), "two proposals should have been answered while the stream was running"
        server.kill()
        return sent, await asyncio.gather(*tasks, return_exceptions=True)


async def _check(url: str, keys: list[str]) -> None:
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        await _check_needs()
        await _check_enrollments()
        stored = await IdempotencyKey.filter(key__in=keys)
        filed = await Need.filter(id__in=[k.response["id"] for k in stored]).count()
        assert filed == len(stored) == await Need.filter(title=TITLE).count()


async def _check_needs() -> None:
    events = defaultdict(list)
    for event in await NeedEvent.all().order_by("id"):
        events[event.need_id].append(event)
    matched = set(await Match.all().values_list("need_id", flat=True))
    assert matched, "some proposals were committed before the kill"
    for need in await Need.all():
        filings = [e for e in events[need.id] if e.from_status is None]
        assert [e.to_status for e in filings] == [NeedStatus.SUBMITTED], need.id
        if MATCHING_WIRED or need.id not in matched:
            assert events[need.id][-1].to_status == need.status, (need.id, need.status)
    for need_id in matched:
        assert events[need_id], need_id
        if MATCHING_WIRED:
            assert NeedStatus.PROPOSED in [e.to_status for e in events[need_id]], need_id


async def _check_enrollments() -> None:
    for session in await ProjectSession.all():
        rows = await Enrollment.filter(session_id=session.id)
        confirmed = [r for r in rows if r.status == EnrollmentStatus.CONFIRMED]
        waitlist = sorted(r.waitlist_position for r in rows if r.status == EnrollmentStatus.WAITLISTED)
        assert len(confirmed) <= session.capacity
        assert waitlist == list(range(1, len(waitlist) + 1))
        assert not waitlist or len(confirmed) == session.capacity


async def test_a_killed_server_leaves_nothing_half_written(tmp_path):
    url = database_url(tmp_path)
    await create_schema(url)
    server = LinliServer(url)
    try:
        w = await _world(url)
        server.start()
        sent, answers = await _fire_and_kill(server, w)
        lost = [a for a in answers if not isinstance(a, dict)]
        assert lost and len(lost) < len(sent), "the server died in the middle of the burst"
        server.start()
        filings = [r for r in sent if r[0] == CREATE]
        keys = [variables["key"] for _, variables, _ in filings]
        await _check(url, keys)
        async with client() as http:
            retried = await asyncio.gather(*[post(http, server, *r) for r in filings])
            assert [a["data"]["needCreate"]["errors"] for a in retried] == [[]] * len(filings)
            late = await _enroll_after_restart(http, server, url, *w["people"][0])
            assert late["errors"] == []
        await _check(url, keys)
        async with TortoiseContext() as ctx:
            await ctx.init(config=tortoise_config(url))
            assert await Need.filter(title=TITLE).count() == len(filings)
    finally:
        server.stop()
        await drop(url)


async def _enroll_after_restart(http, server: LinliServer, url: str, person, caller) -> dict:
    """Enroll in a fresh session after the restart: the server serves again."""
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        session = await world.session(await world.community(), 1)
    body = await post(http, server, ENROLL, {"session": gid("ProjectSession", session.id),
                                             "resident": gid("Resident", person.id)}, caller.headers)
    return body["data"]["sessionEnroll"]
