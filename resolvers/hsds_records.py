"""Linli's public directory rows as Open Referral HSDS 3.0 records (plain dicts, one per HSDS object).

Identifiers are UUIDs derived from Linli's ids (:func:`hsds_id`), so the same object keeps its id from
one export to the next. Only public directory fields are mapped: organizations (no contact person),
projects as services, sessions as one-off schedules, offices and venues as locations, the communities a
project serves as service areas, and the care categories as a two-level taxonomy (居家养老 / 托育).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from matching.categories import CATEGORY_LABELS_EN, CHILD_CATEGORIES
from models.enums import AreaKind, CareCategory, OrganizationKind, ProjectStatus, SessionKind, label

HZ = ZoneInfo("Asia/Shanghai")
NAMESPACE = uuid.UUID("3f0c7a52-6c4e-5d8e-9a51-7b1f2e0c4d11")
CITY, PROVINCE, COUNTRY = "杭州市", "浙江省", "CN"
SERVICE_STATUS = {ProjectStatus.ACTIVE: "active", ProjectStatus.PLANNED: "inactive",
                  ProjectStatus.COMPLETED: "defunct", ProjectStatus.SUSPENDED: "temporarily closed"}
GROUPS = {"ELDER_CARE": ("居家养老", "Home elder care (一老)"), "CHILDCARE": ("托育", "Childcare (一小)")}
TAXONOMY = "care-categories"
Record = dict[str, Any]


def hsds_id(kind: str, key: object) -> str:
    """A stable UUID for Linli's object ``kind`` number (or key) ``key``."""
    return str(uuid.uuid5(NAMESPACE, f"linli:{kind}:{key}"))


def compact(record: Record) -> Record:
    """The record without its empty fields (HSDS leaves unknown fields out)."""
    return {k: v for k, v in record.items() if v not in (None, "", [])}


def taxonomy() -> tuple[Record, list[Record]]:
    """The care-category taxonomy and its terms (two groups, then each category under its group)."""
    taxonomy_id = hsds_id("taxonomy", TAXONOMY)
    record = {"id": taxonomy_id, "name": "邻里照护类别（一老一小）",
              "description": "Care categories of Linli's needs, providers and projects: home elder care (居家养老) "
                             "and childcare (托育), as named in Chinese community-care policy texts."}
    terms = [compact({"id": hsds_id("taxonomy-term", code), "code": code, "name": name, "description": english,
                      "taxonomy_id": taxonomy_id, "language": "zh"}) for code, (name, english) in GROUPS.items()]
    for category in CareCategory:
        group = "CHILDCARE" if category in CHILD_CATEGORIES else "ELDER_CARE"
        terms.append({"id": term_id(category), "code": category.value, "name": label(category),
                      "description": f"{label(category)}: {CATEGORY_LABELS_EN[category]}",
                      "parent_id": hsds_id("taxonomy-term", group), "taxonomy_id": taxonomy_id, "language": "zh"})
    return record, terms


def term_id(category: CareCategory | str) -> str:
    """The taxonomy term of a care category."""
    return hsds_id("taxonomy-term", CareCategory(category).value)


def category_attribute(entity: str, key: int, link_id: str, category: CareCategory | str) -> Record:
    """Links a service or an organization to a care category's term."""
    value = CareCategory(category).value
    return {"id": hsds_id("attribute", f"{entity}:{key}:{value}"), "link_id": link_id, "link_entity": entity,
            "link_type": "care_category", "taxonomy_term_id": term_id(value)}


def organization(row: Record, exported: set[int]) -> Record:
    """An organization: name, description, year registered, the hub that incubated it."""
    parent = row["incubated_by_id"]
    return compact({
        "id": hsds_id("organization", row["id"]), "name": row["name"],
        "description": row["description"] or label(OrganizationKind(row["kind"])),
        "year_incorporated": row["registered_on"].year if row["registered_on"] else None,
        "parent_organization_id": hsds_id("organization", parent) if parent in exported else None,
    })


def identifier(row: Record) -> Record:
    """The Unified Social Credit Code of a registered organization."""
    return {"id": hsds_id("organization-identifier", row["id"]), "organization_id": hsds_id("organization", row["id"]),
            "identifier_type": "统一社会信用代码 (Unified Social Credit Code, GB 32100-2015)",
            "identifier": row["uscc"]}


def office(row: Record, area_name: str) -> tuple[Record, Record | None]:
    """The organization's office as a location, and its address when it has one."""
    location_id = hsds_id("office", row["id"])
    location = compact({"id": location_id, "location_type": "physical", "organization_id": hsds_id("organization",
                        row["id"]), "name": row["name"], "latitude": row["latitude"], "longitude": row["longitude"]})
    if not row["address"]:
        return location, None
    return location, {"id": hsds_id("address", row["id"]), "location_id": location_id, "address_1": row["address"],
                      "city": CITY, "region": area_name, "state_province": PROVINCE, "postal_code": "",
                      "country": COUNTRY, "address_type": "physical"}


def phone(row: Record) -> Record:
    """The organization's public contact number (never a person's)."""
    return {"id": hsds_id("phone", row["id"]), "organization_id": hsds_id("organization", row["id"]),
            "number": row["contact_phone"], "type": "voice"}


def service(row: Record) -> Record:
    """A project as a service."""
    return compact({
        "id": hsds_id("service", row["id"]), "organization_id": hsds_id("organization", row["organizer_id"]),
        "name": row["name"], "description": row["description"], "status": SERVICE_STATUS[ProjectStatus(row["status"])],
        "eligibility_description": row["eligibility"], "minimum_age": row["min_age"], "maximum_age": row["max_age"],
    })


def service_area(row: Record, area: Record) -> Record:
    """The community (or whole subdistrict) a project serves."""
    return {"id": hsds_id("service-area", row["id"]), "service_id": hsds_id("service", row["id"]),
            "name": area["name"], "description": _area_kind(area)}


def _area_kind(area: Record) -> str:
    """社区 or 街道, with the administrative division code when known."""
    kind = label(AreaKind(area["kind"]))
    return f"{kind}（行政区划代码 {area['code']}）" if area["code"] else kind


def venue(organizer_id: int, name: str) -> Record:
    """A session venue of an organization as a location."""
    return {"id": hsds_id("venue", f"{organizer_id}:{name}"), "location_type": "physical",
            "organization_id": hsds_id("organization", organizer_id), "name": name}


def schedule(row: Record, location_id: str, service_at_location_id: str) -> Record:
    """A session as a one-off schedule (its Hangzhou date and hours)."""
    starts, ends = _local(row["starts_at"]), _local(row["ends_at"])
    return {"id": hsds_id("schedule", row["id"]), "service_id": hsds_id("service", row["project_id"]),
            "location_id": location_id, "service_at_location_id": service_at_location_id,
            "valid_from": starts.date().isoformat(), "valid_to": ends.date().isoformat(),
            "dtstart": starts.date().isoformat(), "timezone": 8, "opens_at": starts.strftime("%H:%M+08:00"),
            "closes_at": ends.strftime("%H:%M+08:00"), "description": row["title"], "attending_type": "in person",
            "notes": label(SessionKind(row["kind"]))}


def _local(moment: datetime) -> datetime:
    return moment.astimezone(HZ)
