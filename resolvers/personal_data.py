"""Residents' personal fields: masked by default, unmasked only for those the law lets see them.

Unmasked to: the person; their guardian; staff serving their community who state a purpose (for a
child under 14 only with the guardian's consent on record AND a centre admin's approval); the
provider of an accepted match during its service window (phone, address and health notes only:
the minimum needed to serve). Every unmasked read writes an audit record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from models import AuditRecord, ConsentRecord, Household, Resident
from models.enums import AccessPurpose, AuditAction, ConsentPurpose
from resolvers.audit import audit_record
from resolvers.identifiers import mask_id_number, mask_phone
from resolvers.residents import is_younger_than
from resolvers.scope import Scope

PERSONAL_FIELDS = ("phone", "address", "id_number", "birth_date", "health_notes")
PROVIDER_FIELDS = frozenset({"phone", "address", "health_notes"})
SERVICE_WINDOW_MARGIN = timedelta(hours=2)


@dataclass(frozen=True, slots=True)
class PersonalView:
    """The personal fields as this viewer may see them; ``unmasked`` lists the fields shown in full."""

    phone: str | None
    address: str | None
    id_number: str | None
    birth_date: str | None
    health_notes: str | None
    unmasked: tuple[str, ...]
    basis: str


@dataclass(frozen=True, slots=True)
class Grant:
    """Which fields a viewer may see unmasked, and on what basis (recorded in the audit trail)."""

    fields: frozenset[str]
    basis: str


NO_GRANT = Grant(frozenset(), "MASKED")


def access_grant(scope: Scope, resident: Resident, purpose: AccessPurpose | None,
                 child_consented: bool, now: datetime) -> Grant:
    """Decide which personal fields of ``resident`` this viewer may see unmasked."""
    viewer = scope.viewer
    if viewer.resident_id == resident.id:
        return Grant(frozenset(PERSONAL_FIELDS), "SELF")
    if resident.id in scope.ward_ids:
        return Grant(frozenset(PERSONAL_FIELDS), "GUARDIAN")
    if scope.staff_covers(resident.community_id) and purpose is not None:
        if is_younger_than(14, resident.birth_date, resident.age_band):
            if not (child_consented and resident.id in scope.approved_child_ids):
                return NO_GRANT
        return Grant(frozenset(PERSONAL_FIELDS), f"STAFF:{purpose.value}")
    for start, end in scope.service_windows.get(resident.id, ()):
        if start - SERVICE_WINDOW_MARGIN <= now <= end + SERVICE_WINDOW_MARGIN:
            return Grant(PROVIDER_FIELDS, "SERVICE_WINDOW")
    return NO_GRANT


def build_view(resident: Resident, address: str | None, grant: Grant) -> PersonalView:
    """The personal fields, each in full when granted, masked otherwise."""
    full = grant.fields
    birth: date | None = resident.birth_date
    return PersonalView(
        phone=resident.phone if "phone" in full else mask_phone(resident.phone),
        address=address if "address" in full else ("****" if address else None),
        id_number=resident.id_number if "id_number" in full else mask_id_number(resident.id_number),
        birth_date=(birth.isoformat() if "birth_date" in full else f"{birth.year}-**-**") if birth else None,
        health_notes=resident.health_notes if "health_notes" in full else None,
        unmasked=tuple(f for f in PERSONAL_FIELDS if f in full),
        basis=grant.basis,
    )


async def personal_views(scope: Scope, residents: list[Resident], purpose: AccessPurpose | None) -> list[PersonalView]:
    """Views of many residents at once (three statements at most) with their audit records written."""
    household_ids = {r.household_id for r in residents if r.household_id is not None}
    addresses = dict(await Household.filter(id__in=household_ids).values_list("id", "address")) if household_ids else {}
    child_ids = [r.id for r in residents if is_younger_than(14, r.birth_date, r.age_band)]
    consented = set()
    if child_ids:
        consented = set(await ConsentRecord.filter(
            resident_id__in=child_ids, purpose=ConsentPurpose.CHILD_DATA, withdrawn_at__isnull=True,
        ).values_list("resident_id", flat=True))
    now = datetime.now().astimezone()
    views, audits = [], []
    for resident in residents:
        grant = access_grant(scope, resident, purpose, resident.id in consented, now)
        view = build_view(resident, addresses.get(resident.household_id), grant)
        views.append(view)
        if view.unmasked:
            audits.append(audit_record(scope, resident.id, AuditAction.READ, view.unmasked, grant.basis))
    if audits:
        await AuditRecord.bulk_create(audits)
    return views
