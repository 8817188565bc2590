"""Personal data: masked by default, unmasked only per the rules, every unmasked read and change audited."""

from datetime import UTC, date, datetime, timedelta

from models import Account, AuditRecord, ChildDataApproval, ConsentRecord, Household, Need, Resident
from models.enums import AccountRole, AgeBand, AuditAction, ConsentPurpose, MatchStatus
from resolvers.access import Role, Viewer
from tests.factories import make_areas
from tests.factories_residents import gid, make_child, make_match, make_need, make_professional, make_resident

PERSONAL = """query($id: ID!, $purpose: AccessPurpose) { node(id: $id) { ... on Resident { displayName
    personal(purpose: $purpose) { phone address idNumber birthDate healthNotes unmaskedFields basis } } } }"""


async def _elder(community, name="王秀英"):
    household = await Household.create(community=community, address="和睦新村3幢2单元301室")
    return await make_resident(community, name, phone="13812345678", id_number="11010519491231002X",
                               birth_date=date(1949, 12, 31), health_notes="高血压", household=household)


async def _personal(client, resident, purpose=None):
    body = await client.execute(PERSONAL, {"id": gid("Resident", resident.id), "purpose": purpose})
    assert not body.get("errors"), body
    node = body["data"]["node"]
    return node and node["personal"]


async def test_the_person_sees_their_own_data_unmasked_and_it_is_audited(gql_as):
    _, community, _ = await make_areas()
    elder = await _elder(community)
    me = gql_as(Viewer(role=Role.RESIDENT, account_id=7, resident_id=elder.id))
    personal = await _personal(me, elder)
    assert personal["phone"] == "13812345678" and personal["idNumber"] == "11010519491231002X"
    assert personal["address"] == "和睦新村3幢2单元301室" and personal["healthNotes"] == "高血压"
    assert personal["basis"] == "SELF"
    record = await AuditRecord.get()
    assert (record.actor_account_id, record.subject_id, record.action) == (7, elder.id, AuditAction.READ)
    assert set(record.fields_accessed) == {"phone", "address", "id_number", "birth_date", "health_notes"}


async def test_staff_see_masked_data_without_a_purpose_and_full_data_with_one(gql_as):
    _, community, other = await make_areas()
    elder = await _elder(community)
    staff = gql_as(Viewer(role=Role.STAFF, account_id=3, area_ids=frozenset({community.id})))
    masked = await _personal(staff, elder)
    assert masked == {"phone": "138****5678", "address": "****", "idNumber": "110105********002X",
                      "birthDate": "1949-**-**", "healthNotes": None, "unmaskedFields": [], "basis": "MASKED"}
    assert await AuditRecord.all().count() == 0
    full = await _personal(staff, elder, "WELFARE_CHECK")
    assert full["phone"] == "13812345678" and full["basis"] == "STAFF:WELFARE_CHECK"
    assert (await AuditRecord.get()).purpose == "STAFF:WELFARE_CHECK"
    elsewhere = gql_as(Viewer(role=Role.STAFF, account_id=4, area_ids=frozenset({other.id})))
    assert await _personal(elsewhere, elder, "WELFARE_CHECK") is None


async def test_another_resident_partner_and_anonymous_see_nothing(gql_as, gql):
    _, community, _ = await make_areas()
    elder, neighbour = await _elder(community), await make_resident(community, "赵大爷")
    other = gql_as(Viewer(role=Role.RESIDENT, account_id=8, resident_id=neighbour.id))
    assert await _personal(other, elder) is None
    partner = gql_as(Viewer(role=Role.PARTNER, api_key_id=2, organization_id=1))
    body = await partner.execute("{ residents { totalCount } }")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql.execute("{ residents { totalCount } }")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await _personal(gql, elder) is None


async def test_provider_sees_contact_only_during_an_accepted_service_window(gql_as):
    _, community, _ = await make_areas()
    elder = await _elder(community)
    nurse = await make_professional()
    now = datetime.now(UTC)
    need = await make_need(elder, window_start=now + timedelta(minutes=30))
    await make_match(need, nurse, status=MatchStatus.ACCEPTED)
    provider = gql_as(Viewer(role=Role.PROFESSIONAL, account_id=9, professional_id=nurse.id))
    personal = await _personal(provider, elder)
    assert personal["basis"] == "SERVICE_WINDOW" and personal["phone"] == "13812345678"
    assert personal["idNumber"] == "110105********002X" and personal["birthDate"] == "1949-**-**"
    later_start = now + timedelta(days=3)
    await Need.filter(id=need.id).update(window_start=later_start, window_end=later_start + timedelta(hours=2))
    later = await _personal(gql_as(Viewer(role=Role.PROFESSIONAL, account_id=9, professional_id=nurse.id)), elder)
    assert later["basis"] == "MASKED" and later["phone"] == "138****5678"


async def test_childrens_data_needs_guardian_consent_and_an_approval_for_staff(gql_as):
    _, community, _ = await make_areas()
    mother = await make_resident(community, "李妈妈", age_band=AgeBand.ADULT_18_59)
    child = await make_child(community, mother)
    await Resident.filter(id=child.id).update(phone=None, health_notes="花生过敏", birth_date=date(2022, 5, 1))
    await ConsentRecord.create(resident=child, purpose=ConsentPurpose.CHILD_DATA, policy_version="2026-01",
                               granted_by=mother, granted_at=datetime.now(UTC))
    guardian = gql_as(Viewer(role=Role.RESIDENT, account_id=10, resident_id=mother.id))
    assert (await _personal(guardian, child))["basis"] == "GUARDIAN"
    staff_account = await Account.create(role=AccountRole.STAFF, display_name="社工", username="sw")
    staff = Viewer(role=Role.STAFF, account_id=staff_account.id, area_ids=frozenset({community.id}))
    assert (await _personal(gql_as(staff), child, "SERVICE_DELIVERY"))["healthNotes"] is None
    admin = gql_as(Viewer(role=Role.CENTRE_ADMIN, account_id=1))
    grant = """mutation($input: ChildDataApprovalInput!) { childDataApprovalGrant(input: $input) {
        approval { id purpose } errors { field code } } }"""
    approval_input = {"staffAccountId": gid("Account", staff_account.id), "childId": gid("Resident", child.id),
                      "purpose": "托育随访", "days": 3}
    denied = await gql_as(staff).ok(grant, {"input": approval_input})
    assert denied["childDataApprovalGrant"]["errors"] == [{"field": None, "code": "FORBIDDEN"}]
    data = await admin.ok(grant, {"input": approval_input})
    assert data["childDataApprovalGrant"]["errors"] == []
    assert (await _personal(gql_as(staff), child, "SERVICE_DELIVERY"))["healthNotes"] == "花生过敏"
    await ConsentRecord.filter(resident=child).update(withdrawn_at=datetime.now(UTC))
    assert (await _personal(gql_as(staff), child, "SERVICE_DELIVERY"))["basis"] == "MASKED"
    assert await ChildDataApproval.all().count() == 1


UPDATE = """mutation($id: ID!, $input: ResidentUpdateInput!) { residentUpdate(id: $id, input: $input) {
    resident { id } errors { field code } } }"""


async def test_sensitive_fields_need_consent_and_writes_are_audited(gql_as):
    _, community, _ = await make_areas()
    elder = await make_resident(community, "钱奶奶")
    staff = gql_as(Viewer(role=Role.STAFF, account_id=3, area_ids=frozenset({community.id})))
    data = await staff.ok(UPDATE, {"id": gid("Resident", elder.id), "input": {"healthNotes": "糖尿病"}})
    assert data["residentUpdate"]["errors"] == [{"field": "healthNotes", "code": "CONSENT_REQUIRED"}]
    assert (await Resident.get(id=elder.id)).health_notes is None
    assert await AuditRecord.all().count() == 0
    data = await staff.ok(UPDATE, {"id": gid("Resident", elder.id),
                                   "input": {"healthNotes": "糖尿病", "consents": ["HEALTH_DATA"]}})
    assert data["residentUpdate"]["errors"] == []
    assert (await Resident.get(id=elder.id)).health_notes == "糖尿病"
    assert await ConsentRecord.filter(resident=elder, purpose=ConsentPurpose.HEALTH_DATA).count() == 1
    record = await AuditRecord.get()
    assert (record.action, record.fields_accessed, record.actor_account_id) == (AuditAction.WRITE, ["health_notes"], 3)


AUDIT = "{ auditRecords { totalCount edges { node { action actionLabel fields purpose residentId } } } }"


async def test_audit_trail_is_for_staff_and_has_no_mutation(gql_as, gql):
    _, community, other = await make_areas()
    elder = await _elder(community)
    await _personal(gql_as(Viewer(role=Role.RESIDENT, account_id=7, resident_id=elder.id)), elder)
    admin = gql_as(Viewer(role=Role.CENTRE_ADMIN, account_id=1))
    trail = (await admin.ok(AUDIT))["auditRecords"]
    assert trail["totalCount"] == 1 and trail["edges"][0]["node"]["actionLabel"] == "查看"
    elsewhere = gql_as(Viewer(role=Role.STAFF, account_id=4, area_ids=frozenset({other.id})))
    assert (await elsewhere.ok(AUDIT))["auditRecords"]["totalCount"] == 0
    resident = gql_as(Viewer(role=Role.RESIDENT, account_id=7, resident_id=elder.id))
    assert (await resident.execute(AUDIT))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    mutations = await gql.ok('{ __type(name: "Mutation") { fields { name } } }')
    assert not [f["name"] for f in mutations["__type"]["fields"] if f["name"].lower().startswith("audit")]


async def test_export_and_erase(gql_as):
    _, community, _ = await make_areas()
    elder, neighbour = await _elder(community), await make_resident(community, "赵大爷")
    need = await make_need(elder)
    await Account.create(role=AccountRole.RESIDENT, display_name="王", resident=elder, wechat_openid="o-123")
    me = gql_as(Viewer(role=Role.RESIDENT, account_id=7, resident_id=elder.id))
    query = "query($id: ID!) { residentDataExport(residentId: $id) }"
    exported = (await me.ok(query, {"id": gid("Resident", elder.id)}))["residentDataExport"]
    assert exported["resident"]["phone"] == "13812345678"
    assert exported["household"]["address"] == "和睦新村3幢2单元301室"
    assert [n["id"] for n in exported["needs"]] == [need.id]
    assert exported["serviceRecords"] == [] and isinstance(exported["needEvents"], list)
    stranger = gql_as(Viewer(role=Role.RESIDENT, account_id=8, resident_id=neighbour.id))
    body = await stranger.execute(query, {"id": gid("Resident", elder.id)})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    erase = "mutation($id: ID!) { residentErase(id: $id) { resident { displayName } errors { code } } }"
    assert (await stranger.ok(erase, {"id": gid("Resident", elder.id)}))["residentErase"]["errors"] == [
        {"code": "FORBIDDEN"}]
    assert (await me.ok(erase, {"id": gid("Resident", elder.id)}))["residentErase"]["errors"] == []
    row = await Resident.get(id=elder.id)
    assert row.name == "已注销居民"
    assert (row.phone, row.id_number, row.health_notes, row.birth_date) == (None, None, None, None)
    assert await Need.filter(resident_id=elder.id).count() == 1
    assert await Account.filter(wechat_openid="o-123").count() == 0
    actions = set(await AuditRecord.filter(subject_id=elder.id).values_list("action", flat=True))
    assert {AuditAction.EXPORT, AuditAction.ERASE} <= actions
