"""The committed schema.graphql matches the code, and the schema documents itself."""

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
)

from graphql_api.schema import SCHEMA_PATH, schema, sdl


def test_schema_file_is_current():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == sdl(), (
        "schema.graphql is stale: run `.venv/bin/python -m graphql_api.schema` and commit it."
    )


def test_every_type_field_argument_and_enum_value_is_described():
    missing = []
    for name, gtype in schema._schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not (gtype.description or "").strip():
            missing.append(name)
        if isinstance(gtype, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in gtype.fields.items():
                if not (field.description or "").strip():
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not (arg.description or "").strip():
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(gtype, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, value in gtype.values.items() if not (value.description or "").strip()]
        if isinstance(gtype, GraphQLUnionType) and not gtype.description:
            missing.append(name)
    assert missing == [], f"undocumented: {missing}"
