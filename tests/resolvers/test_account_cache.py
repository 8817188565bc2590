"""Accounts kept by a worker until PostgreSQL announces a change (resolvers.account_cache, models.account_events).

The rules without a database (off until listening, a row read across a change is refused, approvals never
kept, a time limit), then on PostgreSQL with a real listening connection: a kept account answers without a
statement, and a ban, a role change, a new approval or a deleted account written by any path (bulk SQL
included) reaches the worker and takes effect; a lost listening connection switches the cache off at once
and a new one switches it back on.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import asyncpg
import pytest
from tortoise import connections

from models import Account, ChildDataApproval
from models.enums import AccountRole, AccountStatus
from resolvers import account_cache
from resolvers.account_cache import ACCOUNTS, LISTENER_NAME, TTL_SECONDS, AccountCache, listening
from resolvers.errors import DomainError, ErrorCode
from resolvers.tokens import issue_access_token
from resolvers.viewers import viewer_for_access_token
from tests.conftest import BACKEND
from tests.factories import make_areas
from tests.factories_accounts import make_account
from tests.factories_residents import make_child, make_resident

SECRET = "account-cache-test-secret-" + "x" * 24


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_nothing_is_kept_or_answered_until_switched_on_and_every_switch_forgets():
    cache = AccountCache()
    row = SimpleNamespace(approved=[])
    cache.put(1, row, cache.generation)
    assert cache.get(1) is None
    cache.switch(True)
    cache.put(1, row, cache.generation)
    assert cache.get(1) is row
    cache.switch(False)
    assert cache.get(1) is None
    cache.switch(True)
    assert cache.get(1) is None  # switching forgot it


def test_a_row_read_across_a_change_is_refused_and_changes_drop_rows():
    cache = AccountCache()
    cache.switch(True)
    seen = cache.generation
    cache.changed(2)  # another account changed while account 1 was being read: still refused (any change)
    cache.put(1, SimpleNamespace(approved=[]), seen)
    assert cache.get(1) is None
    cache.put(1, SimpleNamespace(approved=[]), cache.generation)
    cache.put(2, SimpleNamespace(approved=None), cache.generation)
    cache.changed(1)
    assert cache.get(1) is None and cache.get(2) is not None
    cache.changed(None)  # a payload that is not an id: forget everything
    assert cache.get(2) is None


def test_accounts_with_approvals_are_never_kept_and_rows_expire():
    clock = Clock()
    cache = AccountCache(clock)
    cache.switch(True)
    cache.put(1, SimpleNamespace(approved=[7]), cache.generation)
    assert cache.get(1) is None
    cache.put(2, SimpleNamespace(approved=[]), cache.generation)
    clock.now += TTL_SECONDS - 1
    assert cache.get(2) is not None
    clock.now += 1
    assert cache.get(2) is None


postgres_only = pytest.mark.skipif(BACKEND != "postgres", reason="notifications are PostgreSQL's (SQLite keeps none)")


def _connector():
    client = connections.get("default")
    return lambda: asyncpg.connect(host=client.host, port=client.port, user=client.user, password=client.password,
                                   database=client.database, server_settings={"application_name": LISTENER_NAME})


async def _eventually(condition, seconds: float = 3.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "the change did not arrive"
        await asyncio.sleep(0.01)


async def _refused(token: str) -> str:
    with pytest.raises(DomainError) as refused:
        await viewer_for_access_token(token, SECRET)
    assert refused.value.code is ErrorCode.UNAUTHENTICATED
    return refused.value.message


@postgres_only
@pytest.mark.usefixtures("db")
async def test_kept_accounts_answer_without_a_statement_until_a_change_arrives(sql):
    staff = await make_account(AccountRole.STAFF, "cache-staff")
    other = await make_account(AccountRole.STAFF, "cache-other")
    token = issue_access_token(staff, SECRET)[0]
    async with listening(_connector()):
        await _eventually(lambda: ACCOUNTS.enabled)
        assert (await viewer_for_access_token(token, SECRET)).role is AccountRole.STAFF
        with sql() as counter:
            assert (await viewer_for_access_token(token, SECRET)).role is AccountRole.STAFF
        assert counter.count == 0
        await viewer_for_access_token(issue_access_token(other, SECRET)[0], SECRET)

        await Account.filter(id=staff.id).update(role=AccountRole.CENTRE_ADMIN)  # a bulk update: the trigger tells
        await _eventually(lambda: ACCOUNTS.get(staff.id) is None)
        assert ACCOUNTS.get(other.id) is not None  # only the changed account is dropped
        assert (await viewer_for_access_token(token, SECRET)).role is AccountRole.CENTRE_ADMIN

        await Account.filter(id=staff.id).update(status=AccountStatus.BANNED)
        await _eventually(lambda: ACCOUNTS.get(staff.id) is None)
        assert "banned" in await _refused(token)

        await Account.filter(id=other.id).delete()
        await _eventually(lambda: ACCOUNTS.get(other.id) is None)
        await _refused(issue_access_token(other, SECRET)[0])
    assert not ACCOUNTS.enabled and ACCOUNTS.get(staff.id) is None


@postgres_only
@pytest.mark.usefixtures("db")
async def test_a_new_child_data_approval_reaches_the_kept_account():
    _, one, _ = await make_areas()
    child = await make_child(one, await make_resident(one))
    staff = await make_account(AccountRole.STAFF, "cache-approvals", area_ids=[one.id])
    token = issue_access_token(staff, SECRET)[0]
    async with listening(_connector()):
        await _eventually(lambda: ACCOUNTS.enabled)
        assert not (await viewer_for_access_token(token, SECRET)).approved_child_ids
        assert ACCOUNTS.get(staff.id) is not None
        approval = await ChildDataApproval.create(staff_account_id=staff.id, child=child, approved_by_account_id=1,
                                                  purpose="上门服务", expires_at=datetime.now(UTC) + timedelta(days=1))
        await _eventually(lambda: ACCOUNTS.get(staff.id) is None)
        assert (await viewer_for_access_token(token, SECRET)).approved_child_ids == frozenset({child.id})
        assert ACCOUNTS.get(staff.id) is None  # an account with approvals is read on every request
        await ChildDataApproval.filter(id=approval.id).update(revoked_at=datetime.now(UTC))
        assert not (await viewer_for_access_token(token, SECRET)).approved_child_ids


@postgres_only
@pytest.mark.usefixtures("db")
async def test_a_lost_listening_connection_switches_the_cache_off_until_listening_again(monkeypatch):
    monkeypatch.setattr(account_cache, "RECONNECT_SECONDS", 0.05)
    staff = await make_account(AccountRole.STAFF, "cache-lost")
    token = issue_access_token(staff, SECRET)[0]
    async with listening(_connector()):
        await _eventually(lambda: ACCOUNTS.enabled)
        await viewer_for_access_token(token, SECRET)
        assert ACCOUNTS.get(staff.id) is not None
        client = connections.get("default")
        await client.execute_query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2",
            [client.database, LISTENER_NAME])
        await _eventually(lambda: not ACCOUNTS.enabled)
        assert ACCOUNTS.get(staff.id) is None
        await _eventually(lambda: ACCOUNTS.enabled)  # listening again: kept rows from now on
        await viewer_for_access_token(token, SECRET)
        assert ACCOUNTS.get(staff.id) is not None


@postgres_only
@pytest.mark.usefixtures("db")
async def test_without_the_triggers_nothing_is_kept(monkeypatch):
    monkeypatch.setattr(account_cache, "MISSING_TRIGGERS_SECONDS", 0.05)
    client = connections.get("default")
    await client.execute_script('DROP TRIGGER linli_account_changed ON "account"')
    staff = await make_account(AccountRole.STAFF, "cache-no-triggers")
    async with listening(_connector()):
        await asyncio.sleep(0.3)  # connected and checked a few times
        assert not ACCOUNTS.enabled
        await viewer_for_access_token(issue_access_token(staff, SECRET)[0], SECRET)
        assert ACCOUNTS.get(staff.id) is None
