"""Small builders of rows for tests (explicit values, no randomness)."""

from __future__ import annotations

import base64

from models import Area, Organization
from models.enums import AreaKind, IncubationStage, OrganizationKind


async def make_areas() -> tuple[Area, Area, Area]:
    """The subdistrict and two communities."""
    subdistrict = await Area.create(name="和睦街道", kind=AreaKind.SUBDISTRICT)
    one = await Area.create(name="和睦社区", kind=AreaKind.COMMUNITY, parent=subdistrict,
                            latitude=30.3061, longitude=120.1405)
    two = await Area.create(name="阳光社区", kind=AreaKind.COMMUNITY, parent=subdistrict)
    return subdistrict, one, two


async def make_hub(area: Area, incubatees: int = 0) -> Organization:
    """The hub centre, with ``incubatees`` incubated organizations."""
    hub = await Organization.create(name="和诚社会组织服务中心", kind=OrganizationKind.HUB_CENTRE, area=area)
    for i in range(incubatees):
        await Organization.create(
            name=f"孵化组织{i:02d}", kind=OrganizationKind.INCUBATED, area=area, incubated_by=hub,
            incubation_stage=IncubationStage.INCUBATING, categories=["MEALS"],
        )
    return hub


def gid(type_name: str, pk: int) -> str:
    """The global ID of a row, as the API spells it."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()
