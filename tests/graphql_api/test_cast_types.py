"""A node cast with ``strawberry.cast`` resolves to its type by a look-up (graphql_api.field_plans), as Strawberry's
own ``resolve_type`` answers, for every type implementing ``Node``."""

from types import SimpleNamespace

from strawberry.types.cast import cast

from graphql_api.schema import schema


def test_every_cast_node_resolves_to_the_type_strawberry_names():
    graphql = schema._schema
    node = graphql.get_type("Node")
    info = SimpleNamespace(schema=graphql, field_name="node")
    possible = graphql.get_possible_types(node)
    assert len(possible) > 10 and node.resolve_type.original is not None
    for object_type in possible:
        origin = object_type.extensions["strawberry-definition"].origin
        fast = node.resolve_type(cast(origin, SimpleNamespace()), info, node)
        assert fast == object_type.name == node.resolve_type.original(cast(origin, SimpleNamespace()), info, node)


def test_objects_not_cast_take_strawberrys_path():
    graphql = schema._schema
    node = graphql.get_type("Node")
    info = SimpleNamespace(schema=graphql, field_name="node")
    need_type = next(t for t in graphql.get_possible_types(node) if t.name == "Need")
    origin = need_type.extensions["strawberry-definition"].origin
    need = origin.__new__(origin)
    assert node.resolve_type(need, info, node) == "Need"
