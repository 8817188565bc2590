"""Per object type, how each field can be answered without graphql-core's generic field machinery.

Computed once per type from the Strawberry field definitions and used by :class:`graphql_api.execution.
LinliExecutor`: :func:`shortcuts` are the leaf fields answered from their parent alone (``__typename``, a
basic field's attribute, a synchronous resolver taking only ``self``, a Relay node's ``id``), each
returning :data:`SLOW` whenever graphql-core's own path must take over (a null for a non-null field, a
value the leaf type refuses, an exception); :func:`object_reads` are the object- and list-valued fields whose
value is read without calling their resolver (a basic field's attribute, or a to-one relation the list
resolver loaded for the whole page, :func:`graphql_api.types.row_backed.prefetchable`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from operator import attrgetter
from typing import Any, NamedTuple

from graphql import (
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    get_nullable_type,
    is_interface_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from strawberry import relay
from strawberry.types.cast import get_strawberry_type_cast

DEFINITION = "strawberry-definition"
SLOW = object()
Shortcut = Callable[[Any], Any]
PREFETCHED_AS = "_prefetched_as"  # set on a resolver by graphql_api.types.row_backed.prefetchable
_SHORTCUTS: dict[GraphQLObjectType, dict[str, Shortcut]] = {}
_OBJECT_READS: dict[GraphQLObjectType, dict[str, ObjectRead]] = {}
_NODE_ID = relay.Node.__dict__["_id"].__func__
_RESOLVE_ID = relay.Node.__dict__["resolve_id"].__func__
_RESOLVE_TYPENAME = relay.Node.__dict__["resolve_typename"].__func__


def _read_only_resolver(field: Any) -> Callable[[Any], Any] | None:
    """The function computing a field from its parent alone, if the field is that simple."""
    if field.extensions or getattr(field, "permission_classes", None) or field.arguments:
        return None
    if field.is_basic_field:
        return attrgetter(field.python_name) if field.default_resolver is getattr else None
    resolver = field.base_resolver
    params = resolver.reserved_parameters
    takes_only_self = [p for p in params.values() if p is not None] == [resolver.self_parameter]
    if resolver.is_async or not takes_only_self or resolver.self_parameter is None:
        return None
    function = resolver.wrapped_func
    return function if callable(function) and not isinstance(function, (classmethod, staticmethod)) else None


def node_id_parts(parent: GraphQLObjectType, field: Any) -> tuple[type, str, str] | None:
    """For a Relay node's ``id`` that keeps Strawberry's id and type name resolution: the node's class, the
    attribute holding the key and the prefix of the global ID (``Need:``), else None."""
    resolver = field.base_resolver
    wrapped = getattr(resolver, "wrapped_func", None) if resolver is not None else None
    origin = getattr(parent.extensions.get(DEFINITION), "origin", None)
    if getattr(wrapped, "__func__", None) is not _NODE_ID or field.extensions or not isinstance(origin, type):
        return None
    if not issubclass(origin, relay.Node) or origin.resolve_id.__func__ is not _RESOLVE_ID \
            or origin.resolve_typename.__func__ is not _RESOLVE_TYPENAME:
        return None
    return origin, origin.resolve_id_attr(), f"{parent.name}:"


def _node_id(parent: GraphQLObjectType, field: Any) -> Shortcut | None:
    """The shortcut of a Relay node's ``id`` when the node keeps Strawberry's id and type name resolution."""
    parts = node_id_parts(parent, field)
    if parts is None:
        return None
    origin, attribute, prefix = parts
    read = attrgetter(attribute)

    def node_id(source: Any) -> Any:
        if type(source) is not origin:
            return SLOW
        value = read(source)
        return SLOW if value is None else base64.b64encode(f"{prefix}{value}".encode()).decode()

    return node_id


def _leaf(field_def: GraphQLField, read: Callable[[Any], Any]) -> Shortcut | None:
    """Read, then coerce as graphql-core's ``complete_leaf_value`` does; SLOW whenever it would not succeed."""
    non_null = is_non_null_type(field_def.type)
    leaf = get_nullable_type(field_def.type)
    if not is_leaf_type(leaf):
        return None
    coerce = leaf.coerce_output_value

    def shortcut(source: Any) -> Any:
        try:
            value = read(source)
            if value is None:
                return SLOW if non_null else None
            coerced = coerce(value)
        except Exception:  # graphql-core's path raises it again and reports it
            return SLOW
        return SLOW if coerced is None or coerced is Undefined else coerced

    return shortcut


class ObjectRead(NamedTuple):
    """An object- or list-valued field whose value is read without its resolver (or has none)."""

    read: Shortcut
    field_def: GraphQLField
    object_type: GraphQLObjectType | None  # the (non-null) object type, when it is one
    item_type: GraphQLObjectType | None = None  # the object type of a list's items, when it is a list of objects


def _object_read(field_def: GraphQLField, field: Any) -> ObjectRead | None:
    """The read of a non-leaf field: a basic field's attribute, or the relation its resolver prefetched."""
    if field_def.args or field.extensions or is_leaf_type(get_nullable_type(field_def.type)):
        return None
    if field.is_basic_field and field.default_resolver is getattr:
        attribute = field.python_name

        def read(source: Any) -> Any:
            value = getattr(source, attribute, SLOW)
            return SLOW if value is None else value
    else:
        function = getattr(field.base_resolver, "wrapped_func", None)
        relation = getattr(function, PREFETCHED_AS, None)
        if relation is None:
            return None
        key = f"_prefetched_{relation}"

        def read(source: Any) -> Any:
            value = getattr(source, "__dict__", {}).get(key)
            return SLOW if value is None else value
    named = get_nullable_type(field_def.type)
    item = get_nullable_type(named.of_type) if is_list_type(named) else None
    return ObjectRead(read, field_def, named if is_object_type(named) else None,
                      item if item is not None and is_object_type(item) else None)


def object_reads(parent: GraphQLObjectType) -> dict[str, ObjectRead]:
    """The :class:`ObjectRead` of each field of ``parent`` that has one (computed once per type)."""
    found = _OBJECT_READS.get(parent)
    if found is None:
        found = {}
        for name, field_def in parent.fields.items():
            field = field_def.extensions.get(DEFINITION)
            if field is not None and (plan := _object_read(field_def, field)) is not None:
                found[name] = plan
        _OBJECT_READS[parent] = found
    return found


def shortcuts(parent: GraphQLObjectType) -> dict[str, Shortcut]:
    """The shortcut of each field of ``parent`` that has one (computed once per type)."""
    found = _SHORTCUTS.get(parent)
    if found is None:
        found = {"__typename": lambda source, name=parent.name: name}
        for name, field_def in parent.fields.items():
            field = field_def.extensions.get(DEFINITION)
            if field is None or field_def.args:
                continue
            shortcut = _node_id(parent, field) if name == "id" else None
            if shortcut is None and (read := _read_only_resolver(field)) is not None:
                shortcut = _leaf(field_def, read)
            if shortcut is not None:
                found[name] = shortcut
        _SHORTCUTS[parent] = found
    return found


def _attribute(name: str) -> Callable[..., Any]:
    read = attrgetter(name)

    def resolve(source: Any, info: Any, **_: Any) -> Any:
        return read(source)

    resolve._is_default = True  # type: ignore[attr-defined]  # as Strawberry marks its own
    return resolve


def install_plain_resolvers(schema: GraphQLSchema) -> None:
    """Give every object-valued basic field of the schema a plain ``getattr`` resolver."""
    for named in schema.type_map.values():
        if not is_object_type(named) or named.name.startswith("__"):
            continue
        for field_def in named.fields.values():
            field = field_def.extensions.get(DEFINITION)
            if field is not None and not field_def.args and _read_only_resolver(field) is not None \
                    and field.is_basic_field and not is_leaf_type(get_nullable_type(field_def.type)):
                field_def.resolve = _attribute(field.python_name)


def install_cast_type_resolvers(schema: GraphQLSchema) -> None:
    """Resolve the type of an object cast with ``strawberry.cast`` (every Relay ``node``/``nodes`` answer is) by a
    look-up of its cast class, for every interface of the schema (``Node`` above all).

    Strawberry's ``resolve_type`` compares the cast class with every possible type of the abstract type
    (twenty-six for ``Node``) on each answer; the look-up gives the same name (a class is the definition of one
    object type; a generic class, which may match several specializations, keeps Strawberry's path, as do
    objects that are not cast).
    """
    names: dict[type, str] = {}
    shared: set[type] = set()
    for named in schema.type_map.values():
        definition = getattr(named, "extensions", {}).get(DEFINITION)
        origin = getattr(definition, "origin", None)
        if is_object_type(named) and origin is not None and not getattr(definition, "is_graphql_generic", False):
            if origin in names:
                shared.add(origin)  # a class defining two types: Strawberry's path decides (or refuses)
            names[origin] = named.name
    for origin in shared:
        del names[origin]
    for named in schema.type_map.values():
        resolve_type = getattr(named, "resolve_type", None)
        if resolve_type is not None and is_interface_type(named):  # unions keep theirs: plans.py recognizes it
            named.resolve_type = _by_cast_class(resolve_type, names)


def _by_cast_class(original: Callable[..., Any], names: dict[type, str]) -> Callable[..., Any]:
    def resolve_type(obj: Any, info: Any, abstract_type: Any) -> Any:
        name = names.get(get_strawberry_type_cast(obj))  # type: ignore[arg-type]
        if name is not None and info.schema.is_sub_type(abstract_type, info.schema.get_type(name)):
            return name
        return original(obj, info, abstract_type)

    resolve_type.original = original  # type: ignore[attr-defined]
    return resolve_type
