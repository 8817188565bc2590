"""Resident services: the register with filters, and create / update with the PIPL checks.

Personal fields (phone, ID number, birth date, address, health notes) are validated and stored here;
the services return ORM rows and the GraphQL layer builds the minimized view. A child under 14 is
registered together with a guardian and the guardian's CHILD_DATA consent (PIPL Art. 28, 31).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from models import Area, ConsentRecord, Guardianship, Household, Resident
from models.enums import AgeBand, AreaKind, AuditAction, ConsentPurpose, GuardianRelation
from resolvers.audit import audit_record
from resolvers.errors import Checker, DomainError, ErrorCode
from resolvers.identifiers import InvalidIdentifier, id_number_birth_date, normalize_id_number, normalize_phone
from resolvers.keyset_pages import Keyset
from resolvers.scope import Scope

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHILD_CONSENT_POLICY = "2026-01"
CHILD_AGE = 14
ADULT_AGE = 18
MAX_LIST_ITEMS = 20
MAX_ITEM_LENGTH = 30
CHILD_BANDS = frozenset({AgeBand.INFANT_0_3, AgeBand.PRESCHOOL_3_6, AgeBand.CHILD_6_14})
MINOR_BANDS = CHILD_BANDS | {AgeBand.MINOR_14_18}
BAND_LIMITS = ((3, AgeBand.INFANT_0_3), (6, AgeBand.PRESCHOOL_3_6), (14, AgeBand.CHILD_6_14),
               (18, AgeBand.MINOR_14_18), (60, AgeBand.ADULT_18_59), (80, AgeBand.SENIOR_60_79))


def local_today() -> date:
    """Today's date in Hangzhou."""
    return datetime.now(SHANGHAI).date()


def age_on(birth: date, today: date) -> int:
    """Whole years between ``birth`` and ``today``."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def age_band_of(birth: date, today: date | None = None) -> AgeBand:
    """The age band of someone born on ``birth``."""
    age = age_on(birth, today or local_today())
    return next((band for limit, band in BAND_LIMITS if age < limit), AgeBand.SENIOR_80_PLUS)


def is_younger_than(years: int, birth: date | None, band: AgeBand) -> bool:
    """Whether a person is under ``years`` (14 or 18), from the birth date if known, else the band."""
    if birth is not None:
        return age_on(birth, local_today()) < years
    return band in (CHILD_BANDS if years == CHILD_AGE else MINOR_BANDS)


def is_child(resident: Resident) -> bool:
    """Under 14: all their personal information is sensitive (PIPL Art. 28)."""
    return is_younger_than(CHILD_AGE, resident.birth_date, resident.age_band)


def is_adult(resident: Resident) -> bool:
    """18 or older."""
    return not is_younger_than(ADULT_AGE, resident.birth_date, resident.age_band)


def text_list(checker: Checker, items: list[str] | None, field: str) -> list[str]:
    """Stripped, de-duplicated short texts; at most 20 of at most 30 characters each."""
    cleaned = list(dict.fromkeys(item.strip() for item in items or [] if item and item.strip()))
    if len(cleaned) > MAX_LIST_ITEMS:
        checker.add(ErrorCode.OUT_OF_RANGE, f"`{field}` has at most {MAX_LIST_ITEMS} items.", field)
    if any(len(item) > MAX_ITEM_LENGTH for item in cleaned):
        checker.add(ErrorCode.TOO_LONG, f"Each of `{field}` has at most {MAX_ITEM_LENGTH} characters.", field)
    return cleaned


async def check_community(checker: Checker, area_id: int | None, field: str = "communityId") -> None:
    """Record NOT_FOUND / INVALID unless ``area_id`` is a community."""
    if area_id is None:
        checker.add(ErrorCode.REQUIRED, f"`{field}` is required.", field)
        return
    area = await Area.get_or_none(id=area_id)
    if area is None:
        checker.add(ErrorCode.NOT_FOUND, "No community with this ID.", field)
    elif area.kind != AreaKind.COMMUNITY:
        checker.add(ErrorCode.INVALID, "Residents and needs belong to a community, not the subdistrict.", field)


@dataclass(frozen=True, slots=True)
class ResidentFilter:
    """Criteria of the resident register; every one is optional."""

    community_id: int | None = None
    age_band: AgeBand | None = None
    lives_alone: bool | None = None
    search: str | None = None


REGISTER_ORDER = Keyset("ID", "id", descending=False)
"""The register's order (registration): its pages seek by the id in their cursors."""


def resident_queryset(criteria: ResidentFilter):
    """The filtered register ordered by id (not yet executed)."""
    qs = Resident.all()
    for name in ("community_id", "age_band", "lives_alone"):
        value = getattr(criteria, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    if criteria.search and criteria.search.strip():
        qs = qs.filter(name__icontains=criteria.search.strip())
    return qs.order_by("id")


@dataclass(slots=True)
class _Plan:
    """What to write: the resident's column values and the rows created with it."""

    values: dict[str, Any] = field(default_factory=dict)
    household_address: str | None = None
    guardian_id: int | None = None
    relation: GuardianRelation | None = None
    child: bool = False
    consents: set[ConsentPurpose] = field(default_factory=set)
    policy_version: str = CHILD_CONSENT_POLICY


async def create_resident(data: dict[str, Any], scope: Scope | None = None) -> Resident:
    """Validate and register a resident (with a new household, guardian and consents as needed).

    With ``scope`` the write of personal fields is recorded in the audit trail (same transaction).
    """
    plan = await _validated(data, current=None)
    async with in_transaction():
        if plan.household_address:
            household = await Household.create(community_id=plan.values["community_id"],
                                               address=plan.household_address)
            plan.values["household_id"] = household.id
        resident = await Resident.create(**plan.values)
        if plan.guardian_id is not None:
            await Guardianship.create(guardian_id=plan.guardian_id, child_id=resident.id, relation=plan.relation)
        if plan.child:
            plan.consents.add(ConsentPurpose.CHILD_DATA)
        await _record_consents(resident.id, plan)
        await _audit_write(scope, resident.id, plan.values)
    return resident


async def update_resident(resident_id: int, data: dict[str, Any], scope: Scope | None = None) -> Resident:
    """Apply the given fields to a resident, all or nothing (audited like :func:`create_resident`)."""
    resident = await Resident.get_or_none(id=resident_id)
    if resident is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No resident with this ID.", "id")
    plan = await _validated(data, current=resident)
    async with in_transaction():
        if plan.household_address:
            community_id = plan.values.get("community_id", resident.community_id)
            household = await Household.create(community_id=community_id, address=plan.household_address)
            plan.values["household_id"] = household.id
        if plan.values:
            await Resident.filter(id=resident_id).update(**plan.values, updated_at=datetime.now(UTC))
        await _record_consents(resident_id, plan)
        await _audit_write(scope, resident_id, {**plan.values, **(
            {"address": True} if plan.household_address else {})})
    await resident.refresh_from_db()
    return resident


async def _validated(data: dict[str, Any], current: Resident | None) -> _Plan:
    checker, plan = Checker(), _Plan()
    values = plan.values
    if "name" in data or current is None:
        values["name"] = checker.require_text(data.get("name"), "name", 50)
    await _check_age(checker, data, values, current)
    await _check_place(checker, data, plan, current)
    _check_contact(checker, data, values)
    for name in ("gender", "lives_alone", "mobility"):
        if name in data and (data[name] is not None or name == "gender"):
            values[name] = data[name]
    if current is None:
        await _check_guardian(checker, data, plan)
    elif any(k in data for k in ("birth_date", "id_number", "age_band")):
        await _check_still_guarded(checker, data, values, current)
    await _check_consents(checker, data, plan, current)
    checker.check()
    return plan


#: Sensitive fields (PIPL Art. 28) and the separate consent each needs before it is stored (Art. 29).
SENSITIVE_CONSENTS = {
    "health_notes": (ConsentPurpose.HEALTH_DATA, "healthNotes"),
    "id_number": (ConsentPurpose.IDENTITY, "idNumber"),
}
PERSONAL_COLUMNS = ("name", "phone", "id_number", "birth_date", "health_notes", "household_id", "address")


async def _check_consents(checker: Checker, data: dict, plan: _Plan, current: Resident | None) -> None:
    """Refuse a sensitive field without the matching consent, on record or given with this request."""
    given = {ConsentPurpose(p) for p in data.get("consents") or ()}
    plan.policy_version = (data.get("consent_policy_version") or CHILD_CONSENT_POLICY).strip()[:20]
    on_record: set[ConsentPurpose] = set()
    if current is not None:
        on_record = set(await ConsentRecord.filter(resident_id=current.id, withdrawn_at__isnull=True)
                        .values_list("purpose", flat=True))
    for column, (purpose, field_name) in SENSITIVE_CONSENTS.items():
        if plan.values.get(column) and purpose not in given | on_record:
            checker.add(ErrorCode.CONSENT_REQUIRED, f"Storing `{field_name}` needs the resident's separate "
                        f"{purpose.value} consent (PIPL Art. 29): pass it in `consents`.", field_name)
    plan.consents = given - on_record


async def _record_consents(resident_id: int, plan: _Plan) -> None:
    """Write the consents given with this request (by the guardian for a child)."""
    now = datetime.now(UTC)
    await ConsentRecord.bulk_create([
        ConsentRecord(resident_id=resident_id, purpose=purpose, policy_version=plan.policy_version,
                      granted_by_id=plan.guardian_id, granted_at=now)
        for purpose in sorted(plan.consents)
    ])


async def _audit_write(scope: Scope | None, resident_id: int, values: dict) -> None:
    """Record which personal fields this write touched."""
    touched = [c for c in PERSONAL_COLUMNS if c in values]
    if scope is not None and touched:
        await audit_record(scope, resident_id, AuditAction.WRITE, touched, "RECORD_UPDATE").save()


async def _check_age(checker: Checker, data: dict, values: dict, current: Resident | None) -> None:
    """Birth date, ID number and age band, which must agree; the band follows the birth date."""
    birth = data.get("birth_date") if "birth_date" in data else (current.birth_date if current else None)
    if "birth_date" in data:
        values["birth_date"] = birth
        if birth is not None and birth > local_today():
            checker.add(ErrorCode.INVALID_RANGE, "`birthDate` cannot be in the future.", "birthDate")
            birth = None
    id_birth = await _check_id_number(checker, data, values, current)
    if birth and id_birth and birth != id_birth:
        checker.add(ErrorCode.INVALID, "The birth date in `idNumber` does not agree with `birthDate`.", "idNumber")
    effective = birth or id_birth
    band = data.get("age_band")
    if effective is not None:
        derived = age_band_of(effective)
        if band is not None and band != derived:
            checker.add(ErrorCode.INVALID, "`ageBand` does not agree with the birth date.", "ageBand")
        if current is None or derived != current.age_band:
            values["age_band"] = derived
    elif band is not None:
        values["age_band"] = band
    elif current is None:
        if not (data.get("birth_date") or data.get("id_number")):  # an invalid one is reported already
            checker.add(ErrorCode.REQUIRED, "Give `birthDate` or `ageBand`.", "birthDate")
    elif "age_band" in data:
        checker.add(ErrorCode.REQUIRED, "`ageBand` cannot be cleared.", "ageBand")


async def _check_id_number(checker: Checker, data: dict, values: dict, current: Resident | None) -> date | None:
    """Normalise and de-duplicate the ID number; return the birth date it encodes (if any)."""
    if "id_number" not in data:
        return id_number_birth_date(current.id_number) if current and current.id_number else None
    if not data["id_number"]:
        values["id_number"] = None
        return None
    try:
        number = normalize_id_number(data["id_number"], today=local_today())
    except InvalidIdentifier as exc:
        checker.add(ErrorCode.INVALID_ID_NUMBER, str(exc), "idNumber")
        return None
    others = Resident.exclude(id=current.id) if current else Resident.all()
    if await others.filter(id_number=number).exists():
        checker.add(ErrorCode.DUPLICATE, "Another resident is registered with this ID number.", "idNumber")
    values["id_number"] = number
    return id_number_birth_date(number)


async def _check_place(checker: Checker, data: dict, plan: _Plan, current: Resident | None) -> None:
    """The community, and the household: an existing one there, or a new one at an address."""
    values = plan.values
    if "community_id" in data or current is None:
        values["community_id"] = data.get("community_id")
        await check_community(checker, values["community_id"])
    community_id = values.get("community_id", current.community_id if current else None)
    household_id, address = data.get("household_id"), data.get("household_address")
    if household_id is not None and address:
        checker.add(ErrorCode.INVALID, "Give `householdId` or `householdAddress`, not both.", "householdAddress")
    elif household_id is not None:
        household = await Household.get_or_none(id=household_id)
        if household is None:
            checker.add(ErrorCode.NOT_FOUND, "No household with this ID.", "householdId")
        elif household.community_id != community_id:
            checker.add(ErrorCode.INVALID, "The household is in another community.", "householdId")
        values["household_id"] = household_id
    elif address is not None:
        plan.household_address = checker.require_text(address, "householdAddress", 200)
    elif "household_id" in data:
        values["household_id"] = None


def _check_contact(checker: Checker, data: dict, values: dict) -> None:
    """Phone, health notes, languages and interests."""
    if data.get("phone"):
        try:
            values["phone"] = normalize_phone(data["phone"])
        except InvalidIdentifier as exc:
            checker.add(ErrorCode.INVALID_PHONE, str(exc), "phone")
    elif "phone" in data:
        values["phone"] = None
    if "health_notes" in data:
        notes = (data["health_notes"] or "").strip()
        if len(notes) > 2000:
            checker.add(ErrorCode.TOO_LONG, "`healthNotes` has at most 2000 characters.", "healthNotes")
        values["health_notes"] = notes or None
    for name, field_name in (("languages", "languages"), ("interests", "interests")):
        if name in data and data[name] is not None:
            values[name] = text_list(checker, data[name], field_name)


async def _check_guardian(checker: Checker, data: dict, plan: _Plan) -> None:
    """A child under 14 is registered with an adult guardian (PIPL Art. 31); minors may have one."""
    band, birth = plan.values.get("age_band"), plan.values.get("birth_date")
    if band is None:
        return
    plan.child = is_younger_than(CHILD_AGE, birth, band)
    minor = is_younger_than(ADULT_AGE, birth, band)
    guardian_id, relation = data.get("guardian_id"), data.get("guardian_relation")
    if guardian_id is None:
        if plan.child:
            checker.add(ErrorCode.REQUIRED, "A child under 14 is registered with a guardian (PIPL Art. 31).",
                        "guardianId")
        return
    guardian = await Resident.get_or_none(id=guardian_id)
    if guardian is None:
        checker.add(ErrorCode.NOT_FOUND, "No resident with this ID.", "guardianId")
    elif not is_adult(guardian):
        checker.add(ErrorCode.INVALID, "A guardian must be an adult.", "guardianId")
    elif not minor:
        checker.add(ErrorCode.INVALID, "Only a resident under 18 has a guardian.", "guardianId")
    if relation is None:
        checker.add(ErrorCode.REQUIRED, "Say how the guardian is related to the child.", "guardianRelation")
    plan.guardian_id, plan.relation = guardian_id, relation


async def _check_still_guarded(checker: Checker, data: dict, values: dict, current: Resident) -> None:
    """A change of age must not leave a child under 14 without a guardian."""
    band = values.get("age_band", current.age_band)
    birth = values.get("birth_date", current.birth_date)
    if is_younger_than(CHILD_AGE, birth, band) and not await Guardianship.filter(child_id=current.id).exists():
        field = next(f for k, f in (("birth_date", "birthDate"), ("id_number", "idNumber"), ("age_band", "ageBand"))
                     if k in data)
        checker.add(ErrorCode.INVALID, "A child under 14 needs a guardian; add one first.", field)
