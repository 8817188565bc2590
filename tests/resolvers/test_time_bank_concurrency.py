"""Concurrent time-bank operations on PostgreSQL: real transactions on separate pooled connections at once.

Each race fires its operations with ``asyncio.gather``; every operation runs in its own transaction on its
own connection of the pool, so they overlap in the database (row locks, waits) exactly as requests of
several workers do. SQLite runs one transaction at a time, so there is nothing to race there.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from models import Need, NeedEvent, TimeBankAccount, TimeBankEntry
from models.enums import FamilyRelation, NeedStatus, TimeBankEntryKind
from resolvers import need_steps, service_records, time_bank
from resolvers.errors import DomainError, ErrorCode
from resolvers.time_bank_ledger import TimeBankRules
from tests.conftest import BACKEND
from tests.factories import make_areas
from tests.factories_matching import make_carer, make_elder
from tests.factories_time_bank import admin_scope, assert_ledger_consistent, deposit, relative, served_need, tie

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="real concurrency needs PostgreSQL "
                                                              "(SQLite runs one transaction at a time)")
K = TimeBankEntryKind


def _outcomes(results: list) -> tuple[list, list]:
    """Successes and refusals; anything but INSUFFICIENT_BALANCE (a deadlock, a conflict) fails the test."""
    refused = [r for r in results if isinstance(r, BaseException)]
    for error in refused:
        assert isinstance(error, DomainError) and error.code == ErrorCode.INSUFFICIENT_BALANCE, repr(error)
    return [r for r in results if not isinstance(r, BaseException)], refused


async def test_transfers_donations_and_spends_on_one_account_never_overdraw_it(db):
    _, here, _ = await make_areas()
    carer, mother = await make_carer(here, "张护理员"), await make_elder(here, "张妈妈")
    relatives = [mother] + [await relative(here, f"张家长辈{i}", age=70 + i) for i in range(3)]
    for person in relatives:
        await tie(FamilyRelation.PARENT, person, professional=carer)
    account = await deposit(10, professional=carer)
    needs = [await served_need(mother, await make_carer(here, f"护理员{i}"), hours=1) for i in range(10)]
    scope = await admin_scope()
    operations = (
        [time_bank.transfer(scope, account, relatives[i % 4].id, Decimal(1)) for i in range(20)]
        + [time_bank.donate(scope, account, Decimal(1)) for _ in range(10)]
        + [need_steps.close(scope, need.id, "电话回访", pay_from=account) for need in needs]
    )
    done, refused = _outcomes(await asyncio.gather(*operations, return_exceptions=True))
    assert (len(done), len(refused)) == (10, 30)
    assert (await TimeBankAccount.get(id=account)).balance_minutes == 0
    debits = await TimeBankEntry.filter(account_id=account, minutes__lt=0).count()
    assert debits == 10
    spends = await TimeBankEntry.filter(kind=K.SPEND).values_list("need_id", flat=True)
    closed = await Need.filter(status=NeedStatus.CLOSED).values_list("id", flat=True)
    assert sorted(spends) == sorted(closed)
    assert await NeedEvent.filter(to_status=NeedStatus.CLOSED).count() == len(closed)
    credits = await TimeBankEntry.filter(kind__in=[K.TRANSFER_IN, K.DONATION_IN]).count()
    assert credits == debits - len(spends)
    await assert_ledger_consistent()


async def test_transfers_both_ways_with_the_cap_lose_nothing_and_never_deadlock(db):
    _, here, _ = await make_areas()
    husband, wife = await relative(here, "王大爷", age=72), await relative(here, "王奶奶", age=70)
    await tie(FamilyRelation.SPOUSE, wife, resident=husband)
    await tie(FamilyRelation.SPOUSE, husband, resident=wife)
    one, two = await deposit(5, resident=husband), await deposit(5, resident=wife)
    scope, rules = await admin_scope(), TimeBankRules.of_hours(6)
    operations = [time_bank.transfer(scope, one, wife.id, Decimal(1), rules=rules) for _ in range(30)]
    operations += [time_bank.transfer(scope, two, husband.id, Decimal(1), rules=rules) for _ in range(30)]
    done, refused = _outcomes(await asyncio.gather(*operations, return_exceptions=True))
    assert len(done) + len(refused) == 60 and done
    balances = {a.key: a.balance_minutes for a in await TimeBankAccount.all()}
    assert sum(balances.values()) == 600
    assert max(balances[f"R:{husband.id}"], balances[f"R:{wife.id}"]) <= 360
    assert await TimeBankEntry.filter(kind=K.TRANSFER_OUT).count() == len(done)
    assert await TimeBankEntry.filter(kind=K.TRANSFER_IN).count() == len(done)
    await assert_ledger_consistent()


async def test_concurrent_first_deposits_open_one_account_and_keep_every_entry(db):
    _, here, _ = await make_areas()
    elder, carer = await make_elder(here, "王奶奶"), await make_carer(here, "新来的护理员")
    needs = [await served_need(elder, carer, hours=1 + i / 4) for i in range(20)]
    scope = await admin_scope()
    await asyncio.gather(*[service_records.give_feedback(scope, need.id, 5, None) for need in needs])
    accounts = await TimeBankAccount.filter(professional_id=carer.id)
    assert len(accounts) == 1
    assert await TimeBankEntry.filter(kind=K.DEPOSIT).count() == 20
    assert accounts[0].balance_minutes == sum(60 + 15 * i for i in range(20))
    await assert_ledger_consistent()
