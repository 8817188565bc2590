"""A scope known without a statement (resolvers.scope.static_scope) equals the one load_scope reads."""

import pytest

from graphql_api.context import Context
from graphql_api.settings import Settings
from resolvers.access import Role, Viewer
from resolvers.scope import load_scope, static_scope
from tests.factories import make_areas

pytestmark = pytest.mark.usefixtures("db")


async def test_static_scopes_equal_the_loaded_ones_and_send_no_statement(sql):
    _, one, _ = await make_areas()
    viewers = [
        Viewer(), Viewer(role=Role.PARTNER, organization_id=3, api_key_id=1),
        Viewer(role=Role.CENTRE_ADMIN, account_id=1, approved_child_ids=frozenset()),
        Viewer(role=Role.CENTRE_ADMIN, account_id=1, approved_child_ids=frozenset({7, 8})),
        Viewer(role=Role.STAFF, account_id=2, approved_child_ids=frozenset({9})),
    ]
    for viewer in viewers:
        known = static_scope(viewer)
        assert known is not None and known == await load_scope(viewer), viewer
        context = Context(settings=Settings(env="test"), viewer=viewer)
        with sql() as counter:
            assert await context.scope() == known
        assert counter.count == 0
    loaded = [  # these need statements: no static scope
        Viewer(role=Role.CENTRE_ADMIN, account_id=1),  # approvals not read with the account (SQLite)
        Viewer(role=Role.STAFF, account_id=2, area_ids=frozenset({one.id}), approved_child_ids=frozenset()),
        Viewer(role=Role.RESIDENT, account_id=3, resident_id=5),
        Viewer(role=Role.PROFESSIONAL, account_id=4, professional_id=6),
        Viewer(role=Role.ORG_ADMIN, account_id=5, organization_id=2),
    ]
    for viewer in loaded:
        assert static_scope(viewer) is None, viewer
        assert await Context(settings=Settings(env="test"), viewer=viewer).scope() == await load_scope(viewer)
