"""The open-data export: every record validates against the published HSDS 3.0 schemas, and no resident is in it.

The schemas are copies of Open Referral's (tests/fixtures/hsds/README.md). HSDS objects allow extra
properties, so the test also checks that every field the export writes is one the schema defines, and
that every link (organization, service, location, taxonomy term) points at a record of the export.
"""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from models import Enrollment, Organization, ProjectClaim
from models.enums import (
    CareCategory,
    EnrollmentStatus,
    IncubationStage,
    OrganizationKind,
    OrganizationStatus,
    SessionStatus,
)
from resolvers.open_data import TABLES
from tests.factories import make_areas, make_hub
from tests.factories_people import make_professional, make_project, make_session
from tests.factories_residents import make_need, make_resident

SCHEMAS = Path(__file__).parent / "fixtures" / "hsds"
BASE = "https://linli.test/hsds/"
LINKS = {"organization_id": "organizations", "service_id": "services", "location_id": "locations",
         "service_at_location_id": "service_at_locations", "taxonomy_id": "taxonomies",
         "taxonomy_term_id": "taxonomy_terms", "parent_id": "taxonomy_terms"}
RESIDENT = {"name": "欧阳秀兰", "phone": "13912345678", "id_number": "11010519491231002X", "health_notes": "高血压"}


def validators() -> dict[str, tuple[Draft202012Validator, dict]]:
    """A validator per HSDS schema, resolving the schemas' relative references among the copies."""
    schemas = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources(
        (BASE + f"{name}.json", Resource.from_contents(schema, default_specification=DRAFT202012))
        for name, schema in schemas.items())
    return {name: (Draft202012Validator({"$ref": BASE + f"{name}.json"}, registry=registry,
                                        format_checker=Draft202012Validator.FORMAT_CHECKER), schemas[name])
            for name in schemas}


async def _directory():
    _, here, there = await make_areas()
    hub = await make_hub(here, incubatees=2)
    organization = await Organization.create(
        name="和睦乐龄服务社", kind=OrganizationKind.INCUBATED, area=here, incubated_by=hub, uscc="52330106MJ0A1B2C5W",
        incubation_stage=IncubationStage.GRADUATED, categories=["MEALS", "DIGITAL_HELP"], description="助餐与数字助老",
        contact_name="联系人张三", contact_phone="0571-88880000", address="和睦路1号", latitude=30.3, longitude=120.14)
    gone = await Organization.create(name="已注销组织", kind=OrganizationKind.PARTNER, area=there,
                                     status=OrganizationStatus.DISSOLVED)
    await make_project(gone, "注销组织的项目")
    lead = await make_professional("专业人士李四", phone="13700001111")
    digital = await make_project(organization, "银龄跨越数字鸿沟行动", category=CareCategory.DIGITAL_HELP,
                                 min_age=60, area=here)
    reading = await make_project(hub, "爱有方")
    await digital.leads.add(lead)
    await ProjectClaim.create(project=reading, professional=lead)
    upcoming = await make_session(digital, capacity=2, days=3)
    await make_session(digital, capacity=2, days=4, venue="社区活动室")
    await make_session(digital, capacity=2, days=5, status=SessionStatus.CANCELLED, title="取消的课")
    await make_session(reading, capacity=5, days=-3, title="上周的读书会")
    await make_session(reading, capacity=5, days=6)
    resident = await make_resident(here, RESIDENT["name"], phone=RESIDENT["phone"], id_number=RESIDENT["id_number"],
                                   health_notes=RESIDENT["health_notes"])
    await Enrollment.create(session=upcoming, resident=resident, status=EnrollmentStatus.CONFIRMED)
    await make_need(resident, "需要助餐服务")


async def test_the_export_validates_against_hsds_3(gql):
    await _directory()
    response = await gql.http.get("/open-data/hsds.json")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    export = response.json()
    assert export["hsds_version"] == "3.0.0"
    checks = validators()
    for table, schema_name in TABLES.items():
        validator, schema = checks[schema_name]
        for record in export[table]:
            errors = [f"{table} {record.get('id')}: {e.message}" for e in validator.iter_errors(record)]
            assert errors == []
            assert set(record) <= set(schema["properties"]), (table, set(record) - set(schema["properties"]))
    ids = {table: {r["id"] for r in export[table]} for table in TABLES}
    for table in TABLES:
        for record in export[table]:
            for field, target in LINKS.items():
                if field in record and not (table == "organizations" and field == "parent_organization_id"):
                    assert record[field] in ids[target], (table, field)
    assert sum(len(ids[t]) for t in TABLES) == sum(len(export[t]) for t in TABLES)  # ids are unique per table


async def test_the_export_holds_the_public_directory(gql):
    await _directory()
    export = (await gql.http.get("/open-data/hsds.json")).json()
    names = {o["name"] for o in export["organizations"]}
    assert names == {"和诚社会组织服务中心", "孵化组织00", "孵化组织01", "和睦乐龄服务社"}  # not the dissolved one
    services = {s["name"]: s for s in export["services"]}
    assert set(services) == {"银龄跨越数字鸿沟行动", "爱有方"}
    assert services["银龄跨越数字鸿沟行动"]["minimum_age"] == 60 and services["爱有方"]["status"] == "active"
    assert [a["name"] for a in export["service_areas"] if a["service_id"] == services["爱有方"]["id"]] == ["和睦街道"]
    schedules = sorted(s["description"] for s in export["schedules"])
    assert schedules == ["家庭养育读书会"] * 3  # not the cancelled class, not last week's session
    assert {loc["name"] for loc in export["locations"]} >= {"和睦乐龄服务社", "同心荟", "社区活动室"}
    terms = {t["code"]: t for t in export["taxonomy_terms"]}
    assert len(terms) == len(CareCategory) + 2 and terms["DIGITAL_HELP"]["name"] == "数字助老"
    assert terms["FAMILY_READING"]["parent_id"] == terms["CHILDCARE"]["id"]
    linked = {(a["link_id"], a["taxonomy_term_id"]) for a in export["attributes"]}
    assert (services["爱有方"]["id"], terms["FAMILY_READING"]["id"]) in linked
    identifiers = [i["identifier"] for i in export["organization_identifiers"]]
    assert identifiers == ["52330106MJ0A1B2C5W"]
    assert [p["number"] for p in export["phones"]] == ["0571-88880000"]


async def test_the_export_never_holds_personal_data(gql):
    await _directory()
    response = await gql.http.get("/open-data/hsds.json")
    text = response.content.decode("utf-8")
    for value in [*RESIDENT.values(), "需要助餐服务", "专业人士李四", "13700001111", "联系人张三"]:
        assert value not in text
    assert set(json.loads(text)) == {"hsds_version", "generated_at", "publisher", *TABLES}


async def test_the_export_is_refused_with_bad_credentials(gql):
    response = await gql.http.get("/open-data/hsds.json", headers={"Authorization": "Bearer forged"})
    assert response.status_code == 401 and response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await gql.http.get("/open-data/hsds.json")).status_code == 200
