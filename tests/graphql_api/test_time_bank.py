"""The time bank through the real endpoint: deposits from confirmed elder care, family transfers, donations,
paying for a need at its closure, the cap, and a ledger that sums to every balance."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
import pytest_asyncio

from graphql_api.settings import Settings, SettingsError
from models import Need, ServiceRecord, TimeBankAccount, TimeBankEntry
from models.enums import (
    AgeBand,
    CareCategory,
    FamilyRelation,
    Mobility,
    NeedStatus,
    ServiceRecordStatus,
    TimeBankEntryKind,
)
from resolvers import service_records, time_bank
from resolvers.errors import DomainError, ErrorCode
from resolvers.time_bank_ledger import TimeBankRules
from tests import conftest
from tests.factories import make_areas
from tests.factories_matching import as_professional, as_resident, make_carer, make_elder, staff
from tests.factories_residents import gid
from tests.factories_time_bank import (
    admin_scope,
    assert_ledger_consistent,
    deposit,
    relative,
    served_need,
    tie,
)

K = TimeBankEntryKind
FEEDBACK = """mutation($need: ID!, $account: ID) { needFeedback(needId: $need, rating: 5, timeBankAccountId: $account) {
  need { status } serviceRecord { status } errors { field code } } }"""
CLOSE = """mutation($need: ID!, $account: ID) { needClose(id: $need, reason: "电话回访", timeBankAccountId: $account) {
  need { status } errors { field code } } }"""
CONFIRM = "mutation($id: ID!) { serviceRecordConfirm(id: $id) { serviceRecord { status } errors { code } } }"
ACCOUNT = """query($pro: ID, $res: ID) { timeBankAccount(professionalId: $pro, residentId: $res) {
  id kind kindLabel balanceMinutes balanceHours capHours
  entries(first: 10) { totalCount edges { node { kind kindLabel minutes hours balanceAfterHours counterpartName
    serviceRecord { activityName } need { title } } } } } }"""
TRANSFER = """mutation($from: ID!, $to: ID!, $hours: Decimal!) {
  timeBankTransfer(fromAccountId: $from, toResidentId: $to, hours: $hours, note: "给妈妈") {
    entry { kind hours balanceAfterHours counterpartName } account { balanceHours } errors { field code } } }"""
DONATE = """mutation($from: ID!, $hours: Decimal!) { timeBankDonate(fromAccountId: $from, hours: $hours) {
  entry { kind hours } account { balanceHours } errors { field code } } }"""
RELATIVE = """mutation($input: FamilyTieInput!) { timeBankRelativeAdd(input: $input) {
  familyTie { relation relationLabel mayReceive relative { displayName } } errors { field code } } }"""


@pytest_asyncio.fixture
async def bank(db):
    """A carer, an elder living alone (80+), the carer's 82-year-old mother, 35-year-old son and a neighbour."""
    _, here, there = await make_areas()
    carer = await make_carer(here, "张护理员")
    elder = await make_elder(here, "王奶奶", lives_alone=True)
    mother = await relative(here, "张妈妈", age=82)
    son = await relative(here, "张小明", age=35)
    neighbour = await relative(here, "李爷爷", age=75)
    return {"here": here, "there": there, "carer": carer, "elder": elder, "mother": mother, "son": son,
            "neighbour": neighbour}


async def _account(gql_as, viewer, **holder) -> dict | None:
    args = {"pro": gid("Professional", holder["pro"].id) if "pro" in holder else None,
            "res": gid("Resident", holder["res"].id) if "res" in holder else None}
    return (await gql_as(viewer).ok(ACCOUNT, args))["timeBankAccount"]


async def test_feedback_on_elder_care_deposits_the_service_hours_once(gql_as, bank):
    need = await served_need(bank["elder"], bank["carer"], hours=2.5)
    data = await gql_as(as_resident(bank["elder"])).ok(FEEDBACK, {"need": gid("Need", need.id)})
    assert data["needFeedback"] == {"need": {"status": "CLOSED"}, "serviceRecord": {"status": "CONFIRMED"},
                                    "errors": []}
    mine = await _account(gql_as, as_professional(bank["carer"]))
    assert (mine["kind"], mine["kindLabel"], mine["balanceMinutes"], mine["balanceHours"], mine["capHours"]) == (
        "PERSONAL", "个人账户", 150, "2.50", "1500.00")
    assert mine["entries"]["edges"][0]["node"] == {
        "kind": "DEPOSIT", "kindLabel": "服务存入", "minutes": 150, "hours": "2.50", "balanceAfterHours": "2.50",
        "counterpartName": None, "serviceRecord": {"activityName": "助餐送餐"}, "need": None}
    record = await ServiceRecord.get(need_id=need.id)
    desk = gql_as(staff(bank["here"].id))
    data = await desk.ok(CONFIRM, {"id": gid("ServiceRecord", record.id)})
    assert [e["code"] for e in data["serviceRecordConfirm"]["errors"]] == ["INVALID_STATE"]
    assert await TimeBankEntry.filter(kind=K.DEPOSIT).count() == 1


async def test_staff_confirmation_deposits_but_childcare_and_organizations_do_not(gql_as, bank):
    need = await served_need(bank["elder"], bank["carer"], hours=1)
    child_care = await served_need(bank["elder"], bank["carer"], hours=3, category=CareCategory.INFANT_CARE)
    desk = gql_as(staff(bank["here"].id))
    for served in (need, child_care):
        record = await ServiceRecord.get(need_id=served.id)
        data = await desk.ok(CONFIRM, {"id": gid("ServiceRecord", record.id)})
        assert data["serviceRecordConfirm"] == {"serviceRecord": {"status": "CONFIRMED"}, "errors": []}
    assert [(e.kind, e.minutes) for e in await TimeBankEntry.all()] == [(K.DEPOSIT, 60)]
    await gql_as(as_resident(bank["elder"])).ok(FEEDBACK, {"need": gid("Need", need.id)})
    assert await TimeBankEntry.all().count() == 1
    assert await _account(gql_as, as_professional(await make_carer(bank["here"], "李护理员")),
                          pro=bank["carer"]) is None


async def test_staff_verify_relatives_and_transfers_reach_only_eligible_ones(gql_as, bank):
    carer, desk = bank["carer"], gql_as(staff(bank["here"].id))
    for person, relation in ((bank["mother"], "PARENT"), (bank["son"], "CHILD")):
        data = await desk.ok(RELATIVE, {"input": {"professionalId": gid("Professional", carer.id),
                                                  "relativeId": gid("Resident", person.id), "relation": relation}})
        assert data["timeBankRelativeAdd"]["errors"] == []
    assert data["timeBankRelativeAdd"]["familyTie"] == {"relation": "CHILD", "relationLabel": "子女",
                                                        "mayReceive": False, "relative": {"displayName": "张**"}}
    again = await desk.ok(RELATIVE, {"input": {"professionalId": gid("Professional", carer.id),
                                               "relativeId": gid("Resident", bank["son"].id), "relation": "CHILD"}})
    assert again["timeBankRelativeAdd"]["errors"] == [{"field": "relativeId", "code": "DUPLICATE"}]
    mine = gql_as(as_professional(carer))
    refused = await mine.ok(RELATIVE, {"input": {"professionalId": gid("Professional", carer.id), "relation": "SPOUSE",
                                                 "relativeId": gid("Resident", bank["neighbour"].id)}})
    assert [e["code"] for e in refused["timeBankRelativeAdd"]["errors"]] == ["FORBIDDEN"]
    account = gid("TimeBankAccount", await deposit(5, professional=carer))
    for person, hours, code in ((bank["son"], "1", "NOT_ELIGIBLE_RELATIVE"),
                                (bank["neighbour"], "1", "NOT_ELIGIBLE_RELATIVE"),
                                (bank["mother"], "5.5", "INSUFFICIENT_BALANCE"),
                                (bank["mother"], "0.01", "INVALID"), (bank["mother"], "-1", "OUT_OF_RANGE")):
        data = await mine.ok(TRANSFER, {"from": account, "to": gid("Resident", person.id), "hours": hours})
        assert [e["code"] for e in data["timeBankTransfer"]["errors"]] == [code], (person.name, hours)
    assert await TimeBankEntry.all().count() == 1
    data = await mine.ok(TRANSFER, {"from": account, "to": gid("Resident", bank["mother"].id), "hours": "1.5"})
    assert data["timeBankTransfer"] == {"errors": [], "account": {"balanceHours": "3.50"}, "entry": {
        "kind": "TRANSFER_OUT", "hours": "-1.50", "balanceAfterHours": "3.50", "counterpartName": "张**"}}
    theirs = await _account(gql_as, as_resident(bank["mother"]))
    assert theirs["balanceHours"] == "1.50" and theirs["entries"]["edges"][0]["node"]["counterpartName"] == "张护理员"
    stranger = await gql_as(as_resident(bank["neighbour"])).ok(
        TRANSFER, {"from": account, "to": gid("Resident", bank["mother"].id), "hours": "1"})
    assert [e["code"] for e in stranger["timeBankTransfer"]["errors"]] == ["NOT_FOUND"]
    await assert_ledger_consistent()


async def test_spouse_at_any_age_and_direct_relatives_from_sixty(db, bank):
    scope, carer = await admin_scope(), bank["carer"]
    account = await deposit(10, professional=carer)
    spouse, herself = await relative(bank["here"], "刘丽", age=45), await relative(bank["here"], "张护理员", age=40)
    fifty_nine, sixty = await relative(bank["here"], "张叔", age=59), await relative(bank["here"], "张伯", age=60)
    banded = await relative(bank["here"], "张姑", band=AgeBand.SENIOR_60_79)
    for person, relation in ((spouse, FamilyRelation.SPOUSE), (fifty_nine, FamilyRelation.PARENT),
                             (sixty, FamilyRelation.PARENT), (banded, FamilyRelation.GRANDPARENT),
                             (herself, FamilyRelation.SELF)):
        await tie(relation, person, professional=carer)
    outcomes = {}
    for person in (spouse, fifty_nine, sixty, banded, herself):
        try:
            await time_bank.transfer(scope, account, person.id, Decimal(1))
            outcomes[person.name] = "ok"
        except DomainError as error:
            outcomes[person.name] = error.code
    assert outcomes == {"刘丽": "ok", "张叔": ErrorCode.NOT_ELIGIBLE_RELATIVE, "张伯": "ok", "张姑": "ok",
                        "张护理员": "ok"}


def test_the_cap_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("LINLI_TIME_BANK_CAP_HOURS", "800")
    assert Settings.from_env().time_bank_cap_hours == 800
    monkeypatch.setenv("LINLI_TIME_BANK_CAP_HOURS", "0")
    with pytest.raises(SettingsError):
        Settings.from_env()


async def test_the_cap_sends_the_excess_to_the_pool(gql_as, bank, monkeypatch):
    monkeypatch.setattr(conftest, "FUNCTIONAL_SETTINGS", replace(conftest.FUNCTIONAL_SETTINGS, time_bank_cap_hours=3))
    scope, carer, rules = await admin_scope(), bank["carer"], TimeBankRules.of_hours(3)
    await deposit(2, professional=carer)
    need = await served_need(bank["elder"], carer, hours=2)
    data = await gql_as(as_resident(bank["elder"])).ok(FEEDBACK, {"need": gid("Need", need.id)})
    assert data["needFeedback"]["errors"] == []
    assert (await _account(gql_as, as_professional(carer)))["capHours"] == "3.00"
    mine = await TimeBankAccount.get(key=f"P:{carer.id}")
    assert mine.balance_minutes == 180
    entries = [(e.kind, e.minutes, e.balance_after) for e in await TimeBankEntry.filter(account_id=mine.id)]
    assert entries[-2:] == [(K.DEPOSIT, 120, 240), (K.CAP_EXCESS_OUT, -60, 180)]
    pool = await TimeBankAccount.get(key="POOL")
    assert pool.balance_minutes == 60
    await tie(FamilyRelation.SPOUSE, bank["mother"], professional=carer)
    await deposit(2.5, resident=bank["mother"])
    await time_bank.transfer(scope, mine.id, bank["mother"].id, Decimal(1), rules=rules)
    theirs = await TimeBankAccount.get(key=f"R:{bank['mother'].id}")
    assert (theirs.balance_minutes, (await TimeBankAccount.get(key="POOL")).balance_minutes) == (180, 90)
    await assert_ledger_consistent()


async def test_donations_go_to_the_pool_which_staff_spend_on_priority_elders(gql_as, bank):
    carer = bank["carer"]
    account = gid("TimeBankAccount", await deposit(3, professional=carer))
    data = await gql_as(as_professional(carer)).ok(DONATE, {"from": account, "hours": "2"})
    assert data["timeBankDonate"] == {"entry": {"kind": "DONATION_OUT", "hours": "-2.00"},
                                      "account": {"balanceHours": "1.00"}, "errors": []}
    pool_query = "{ timeBankPool { id balanceHours capHours } }"
    body = await gql_as(as_resident(bank["elder"])).execute(pool_query)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    pool = (await gql_as(staff(bank["here"].id)).ok(pool_query))["timeBankPool"]
    assert (pool["balanceHours"], pool["capHours"]) == ("2.00", None)
    couple = await relative(bank["here"], "赵爷爷", age=70, mobility=Mobility.INDEPENDENT)
    for resident, code in ((couple, "NOT_PRIORITY_ELDER"), (bank["elder"], None)):
        need = await served_need(resident, carer, hours=1.5)
        data = await gql_as(staff(bank["here"].id)).ok(CLOSE, {"need": gid("Need", need.id), "account": pool["id"]})
        assert [e["code"] for e in data["needClose"]["errors"]] == ([code] if code else [])
    resident_try = await served_need(bank["elder"], carer, hours=0.5)
    data = await gql_as(as_resident(bank["elder"])).ok(FEEDBACK, {"need": gid("Need", resident_try.id),
                                                                  "account": pool["id"]})
    assert [e["code"] for e in data["needFeedback"]["errors"]] == ["FORBIDDEN"]
    assert (await TimeBankAccount.get(key="POOL")).balance_minutes == 30
    await assert_ledger_consistent()


async def test_a_need_is_paid_from_a_balance_in_the_closing_transaction(gql_as, bank):
    elder, carer, mother = bank["elder"], bank["carer"], bank["mother"]
    own = gid("TimeBankAccount", await deposit(2, resident=elder))
    need = await served_need(elder, carer, hours=3)
    data = await gql_as(as_resident(elder)).ok(FEEDBACK, {"need": gid("Need", need.id), "account": own})
    assert data["needFeedback"]["errors"] == [{"field": "timeBankAccountId", "code": "INSUFFICIENT_BALANCE"}]
    assert (await Need.get(id=need.id)).status == NeedStatus.COMPLETED
    assert (await ServiceRecord.get(need_id=need.id)).status == ServiceRecordStatus.DRAFT
    assert await TimeBankEntry.all().count() == 1
    cheaper = await served_need(elder, carer, hours=1.5)
    data = await gql_as(as_resident(elder)).ok(FEEDBACK, {"need": gid("Need", cheaper.id), "account": own})
    assert data["needFeedback"]["errors"] == [] and data["needFeedback"]["need"] == {"status": "CLOSED"}
    spends = await TimeBankEntry.filter(kind=K.SPEND)
    assert [(e.minutes, e.balance_after, e.need_id) for e in spends] == [(-90, 30, cheaper.id)]
    helper = await deposit(5, professional=carer)
    mothers = await served_need(mother, await make_carer(bank["here"], "李护理员"), hours=1)
    for holder_tie, code in ((None, "NOT_ELIGIBLE_RELATIVE"), (FamilyRelation.PARENT, None)):
        if holder_tie:
            await tie(holder_tie, mother, professional=carer)
        data = await gql_as(staff(bank["here"].id)).ok(
            CLOSE, {"need": gid("Need", mothers.id), "account": gid("TimeBankAccount", helper)})
        assert [e["code"] for e in data["needClose"]["errors"]] == ([code] if code else [])
    assert (await TimeBankAccount.get(id=helper)).balance_minutes == 90 + 300 - 60
    child_care = await served_need(elder, carer, hours=0.5, category=CareCategory.PRESCHOOL_CARE)
    data = await gql_as(as_resident(elder)).ok(FEEDBACK, {"need": gid("Need", child_care.id), "account": own})
    assert data["needFeedback"]["errors"] == [{"field": "timeBankAccountId", "code": "INVALID"}]
    await assert_ledger_consistent()
    deposits = sum(e.minutes for e in await TimeBankEntry.filter(kind=K.DEPOSIT))
    spent = sum(e.minutes for e in await TimeBankEntry.filter(kind=K.SPEND))
    assert sum(a.balance_minutes for a in await TimeBankAccount.all()) == deposits + spent


async def test_the_ledger_reads_in_a_bounded_number_of_statements(gql_as, bank, sql):
    carer = bank["carer"]
    for _ in range(3):
        need = await served_need(bank["elder"], carer, hours=1)
        await service_records.give_feedback(await admin_scope(), need.id, 4, None)
    await tie(FamilyRelation.PARENT, bank["mother"], professional=carer)
    account = await TimeBankAccount.get(key=f"P:{carer.id}")
    for _ in range(3):
        await time_bank.transfer(await admin_scope(), account.id, bank["mother"].id, Decimal("0.5"))
    client = gql_as(as_professional(carer))
    with sql() as counter:
        data = await client.ok(ACCOUNT, {})
    assert data["timeBankAccount"]["entries"]["totalCount"] == 6
    assert counter.count <= 8, counter.statements


async def test_accounts_are_seen_by_their_holders_and_by_staff_of_their_community(gql_as, bank):
    elder_account = gid("TimeBankAccount", await deposit(1, resident=bank["elder"]))
    carer_account = gid("TimeBankAccount", await deposit(1, professional=bank["carer"]))
    node = "query($id: ID!) { node(id: $id) { ... on TimeBankAccount { balanceHours } } }"
    for viewer, account, seen in ((as_resident(bank["elder"]), elder_account, True),
                                  (as_resident(bank["neighbour"]), elder_account, False),
                                  (as_professional(bank["carer"]), elder_account, False),
                                  (staff(bank["there"].id), elder_account, False),
                                  (staff(bank["here"].id), elder_account, True),
                                  (as_resident(bank["elder"]), carer_account, False),
                                  (staff(bank["there"].id), carer_account, True)):
        found = (await gql_as(viewer).ok(node, {"id": account}))["node"]
        assert (found is not None) == seen, (viewer, account)
    listing = "{ timeBankAccounts(first: 10) { totalCount edges { node { kind professional { name } } } } }"
    there = (await gql_as(staff(bank["there"].id)).ok(listing))["timeBankAccounts"]
    assert there["totalCount"] == 1 and there["edges"][0]["node"]["professional"] == {"name": "张护理员"}
    assert (await gql_as(staff(bank["here"].id)).ok(listing))["timeBankAccounts"]["totalCount"] == 2
    body = await gql_as(as_resident(bank["elder"])).execute(listing)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
