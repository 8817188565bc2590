"""Kill the server in the middle of a burst of writes, start it again, and find nothing half-written.

The burst mixes need filing (with idempotency keys), session enrollment, triage and proposals, sent at once
over HTTP to the server processes; once a third of the answers (and two proposals) are back, every
process is killed with SIGKILL (no shutdown, no flushing), while requests are still being sent. The server is started again on the same database and the data checked:

- every need has exactly one filing event, and its status is the ``to`` of its last event;
- no session has more confirmed enrollments than seats, and each waitlist is numbered 1..n without gaps;
- every idempotency key names a need that exists, and there are as many keys as needs filed in the burst;
- every match's need exists with its history (and, once the matching services write events, its proposal);
- retrying the whole burst of filings with the same keys files each need once; the server serves again.

Runs on PostgreSQL (in CI, like the whole suite); ``LINLI_RACE_REPEAT`` does not apply.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from pathlib import Path

import pytest
from tortoise.context import TortoiseContext

from models import Enrollment, IdempotencyKey, Match, Need, NeedEvent, ProjectSession
from models.enums import AccountRole, EnrollmentStatus, NeedStatus
from tests.conftest import BACKEND
from tests.factories_matching import local, make_open_need
from tests.factories_residents import gid
from tests.race import world
from tests.race.server import LinliServer, client, create_schema, database_url, drop, post, tortoise_config

pytestmark = [pytest.mark.race,
              pytest.mark.skipif(BACKEND != "postgres", reason="the crash test runs on PostgreSQL")]

ROOT = Path(__file__).resolve().parents[2]
MATCHING_WIRED = all("lifecycle" in (ROOT / "resolvers" / name).read_text(encoding="utf-8")
                     for name in ("matching.py", "match_responses.py"))
CREATE = """mutation($input: NeedCreateInput!, $key: String) { needCreate(input: $input, idempotencyKey: $key) {
  need { id } errors { code } } }"""
ENROLL = """mutation($session: ID!, $resident: ID!) { sessionEnroll(sessionId: $session, residentId: $resident) {
  enrollment { id } errors { code } } }"""
TRIAGE = "mutation($id: ID!) { needTriage(id: $id) { need { status } errors { code } } }"
PROPOSE = """mutation($need: ID!, $provider: ID!) { matchPropose(input: {needId: $need, providerId: $provider}) {
  match { id } errors { code } } }"""
PEOPLE, SEATS, SESSIONS, KILL_AFTER, STEPS = 120, 8, 3, 0.35, 21


async def _world(url: str) -> dict:
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        place = await world.community()
        people = await world.residents(place, PEOPLE)
        desk = await world.account(AccountRole.STAFF, "工作人员", area_ids=[place.id])
        carer, _ = await world.carer(place, "张护理员")
        waiting = []
        for person, _ in people[:21]:
            need = await make_open_need(person, days=2, hour=9, status=NeedStatus.SUBMITTED)
            await NeedEvent.create(need=need, to_status=NeedStatus.SUBMITTED, actor_role="RESIDENT")
            waiting.append(need)
        sessions = [await world.session(place, SEATS) for _ in range(SESSIONS)]
        return {"people": people, "desk": desk, "carer": carer, "waiting": waiting, "sessions": sessions}


def _burst(w: dict, keys: list[str]) -> list[tuple[str, dict, dict]]:
    """(document, variables, headers) of every request of the burst, interleaved."""
    start, end = local(3, 9).isoformat(), local(3, 11).isoformat()
    filings = [(CREATE, {"key": key, "input": {"residentId": gid("Resident", person.id), "category": "MEALS",
                                               "title": "每天中午送餐", "windowStart": start, "windowEnd": end}},
                caller.headers) for key, (person, caller) in zip(keys, w["people"], strict=True)]
    enrollments = [(ENROLL, {"session": gid("ProjectSession", w["sessions"][i % SESSIONS].id),
                             "resident": gid("Resident", person.id)}, caller.headers)
                   for i, (person, caller) in enumerate(w["people"])]
    steps = [(TRIAGE, {"id": gid("Need", need.id)}, w["desk"].headers) for need in w["waiting"][:15]]
    steps += [(PROPOSE, {"need": gid("Need", need.id), "provider": gid("Professional", w["carer"].id)},
               w["desk"].headers) for need in w["waiting"][15:]]
    mixed = [r for group in zip(filings, enrollments, strict=True) for r in group]
    return steps + mixed


async def _fire_and_kill(server: LinliServer, requests: list) -> list:
    """Send the burst (triage and proposals at once, the rest in a stream of 6 every 50 ms); SIGKILL the server
    once a third of the answers, and two proposals, are back."""
    done = defaultdict(int)
    enough = asyncio.Event()

    async def one(http, document, variables, headers):
        try:
            return await post(http, server, document, variables, headers)
        finally:
            done[document] += 1
            done["all"] += 1
            if done["all"] >= len(requests) * KILL_AFTER and done[PROPOSE] >= 2:
                enough.set()

    async def stream(http, tasks: list) -> None:
        for i, request in enumerate(requests):
            tasks.append(asyncio.ensure_future(one(http, *request)))
            if i >= STEPS and i % 6 == 0:
                await asyncio.sleep(0.05)

    async with client(timeout=30) as http:
        tasks: list = []
        sender = asyncio.ensure_future(stream(http, tasks))
        await enough.wait()
        server.kill()
        await sender
        return await asyncio.gather(*tasks, return_exceptions=True)


async def _check(url: str, keys: list[str]) -> None:
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        events = defaultdict(list)
        for event in await NeedEvent.all().order_by("id"):
            events[event.need_id].append(event)
        matched = set(await Match.all().values_list("need_id", flat=True))
        for need in await Need.all():
            filings = [e for e in events[need.id] if e.from_status is None]
            assert [e.to_status for e in filings] == [NeedStatus.SUBMITTED], need.id
            if MATCHING_WIRED or need.id not in matched:
                assert events[need.id][-1].to_status == need.status, (need.id, need.status)
        for need_id in matched:
            assert events[need_id], need_id
            if MATCHING_WIRED:
                assert NeedStatus.PROPOSED in [e.to_status for e in events[need_id]], need_id
        for session in await ProjectSession.all():
            rows = await Enrollment.filter(session_id=session.id)
            confirmed = [r for r in rows if r.status == EnrollmentStatus.CONFIRMED]
            waitlist = sorted(r.waitlist_position for r in rows if r.status == EnrollmentStatus.WAITLISTED)
            assert len(confirmed) <= session.capacity
            assert waitlist == list(range(1, len(waitlist) + 1))
            assert not waitlist or len(confirmed) == session.capacity
        stored = await IdempotencyKey.filter(key__in=keys)
        filed = await Need.filter(id__in=[k.response["id"] for k in stored]).count()
        assert filed == len(stored) == await Need.filter(title="每天中午送餐").count()
        print("DEBUG keys", len(stored), "enrollments", await Enrollment.all().count(), "events", await NeedEvent.all().count(), "matches", len(matched))


async def test_a_killed_server_leaves_nothing_half_written(tmp_path):
    url = database_url(tmp_path)
    await create_schema(url)
    server = LinliServer(url)
    try:
        w = await _world(url)
        keys = [uuid.uuid4().hex for _ in range(PEOPLE)]
        requests = _burst(w, keys)
        server.start()
        answers = await _fire_and_kill(server, requests)
        answered = [a for a in answers if isinstance(a, dict)]
        assert 0 < len(answered) < len(requests), "the server must die in the middle of the burst"
        print("DEBUG answered", len(answered), "of", len(requests), [str(a)[:200] for a, r in zip(answers, requests) if r[0] == PROPOSE][:3])
        server.start()
        await _check(url, keys)
        filings = [r for r in requests if r[0] == CREATE]
        async with client() as http:
            retried = await asyncio.gather(*[post(http, server, *r) for r in filings])
            assert [a["data"]["needCreate"]["errors"] for a in retried] == [[]] * len(filings)
            person, caller = w["people"][0]
            late = await _enroll_after_restart(http, server, url, person, caller)
            assert late["errors"] == []
        await _check(url, keys)
        async with TortoiseContext() as ctx:
            await ctx.init(config=tortoise_config(url))
            assert await Need.filter(title="每天中午送餐").count() == len(filings)
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
