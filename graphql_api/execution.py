"""graphql-core's executor with shortcuts for the fields that only read a value: the bulk of every answer.

graphql-core runs every field through the same generic steps: a response path, a resolve-info object,
Strawberry's resolver wrapper (an ``Info``, the arguments, the field extensions), the resolver, then
``complete_value`` through the non-null and leaf layers. For a leaf field that only reads an attribute
(``title``, ``status``), calls a method without arguments (``statusLabel``) or builds a Relay global ID
(``id``), that machinery is most of the cost of an answer: a page of 20 organizations with 10 members each
is about 1,100 fields. :class:`LinliExecutor` answers those fields directly, in ``execute_fields``:

- ``__typename``: the parent type's name;
- a Strawberry field without resolver, arguments or extensions (Strawberry's own "basic field"): the
  attribute, coerced by the leaf type;
- a synchronous resolver taking only ``self`` (no ``info``, no arguments, no extensions): its value, coerced;
- the ``id`` of a ``relay.Node`` that keeps Strawberry's ``resolve_id``/``resolve_typename``: the same
  global ID Strawberry builds (base64 of ``Type:id``).

Anything unusual (a null for a non-null field, a value the leaf type refuses, an exception, a node of a
subclass) falls back to graphql-core's path, which raises and reports the error exactly as before; a
schema extension wrapping resolvers (``resolve``) turns the shortcuts off. Every other field, and
every object or list field, runs as usual: their errors, null propagation and ordering are untouched.
:func:`install_plain_resolvers` also gives object-valued basic fields (``edges``, ``node``,
``pageInfo``) a plain ``getattr`` resolver in place of Strawberry's three-call wrapper.
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
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.executor import to_nodes
from graphql.pyutils import Path, gather_with_cancel
from strawberry import relay
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

DEFINITION = "strawberry-definition"
SLOW = object()
Shortcut = Callable[[Any], Any]
PREFETCHED_AS = "_prefetched_as"  # set on a resolver by graphql_api.types.row_backed.prefetchable
_SHORTCUTS: dict[GraphQLObjectType, dict[str, Shortcut]] = {}
_OBJECT_READS: dict[GraphQLObjectType, dict[str, ObjectRead]] = {}
_PLAIN: dict[GraphQLSchema, bool] = {}
_NODE_ID = relay.Node.__dict__["_id"].__func__
_RESOLVE_ID = relay.Node.__dict__["resolve_id"].__func__
_RESOLVE_TYPENAME = relay.Node.__dict__["resolve_typename"].__func__


def _plain_schema(schema: GraphQLSchema) -> bool:
    """True when the schema has no incremental delivery (@defer, @stream): the shortcuts assume none."""
    plain = _PLAIN.get(schema)
    if plain is None:
        plain = _PLAIN[schema] = schema.get_directive("defer") is None and schema.get_directive("stream") is None
    return plain


def _is_a(object_type: GraphQLObjectType, value: Any) -> bool:
    """graphql-core's ``is_type_of`` check (Strawberry's ignores the resolve info)."""
    return object_type.is_type_of is None or bool(object_type.is_type_of(value, None))


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


def _node_id(parent: GraphQLObjectType, field: Any) -> Shortcut | None:
    """The shortcut of a Relay node's ``id`` when the node keeps Strawberry's id and type name resolution."""
    resolver = field.base_resolver
    wrapped = getattr(resolver, "wrapped_func", None) if resolver is not None else None
    origin = getattr(parent.extensions.get(DEFINITION), "origin", None)
    if getattr(wrapped, "__func__", None) is not _NODE_ID or field.extensions or not isinstance(origin, type):
        return None
    if not issubclass(origin, relay.Node) or origin.resolve_id.__func__ is not _RESOLVE_ID \
            or origin.resolve_typename.__func__ is not _RESOLVE_TYPENAME:
        return None
    read, prefix = attrgetter(origin.resolve_id_attr()), f"{parent.name}:"

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


class LinliExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, answering the read-only leaf fields without the generic field machinery."""

    def execute_fields(self, parent_type, source_value, path, grouped_field_set, position_context):
        manager = self.middleware_manager
        if (manager is not None and manager.middlewares) or not _plain_schema(self.schema):
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        fast, reads = shortcuts(parent_type), object_reads(parent_type)
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list in grouped_field_set.items():
                name = field_details_list[0].node.name.value
                shortcut = fast.get(name)
                if shortcut is not None:
                    value = shortcut(source_value)
                    if value is not SLOW:
                        results[response_name] = value
                        continue
                field_path = Path(path, response_name, parent_type.name)
                plan = reads.get(name)
                value = plan.read(source_value) if plan is not None else SLOW
                if value is SLOW:
                    result = self.execute_field(parent_type, source_value, field_details_list, field_path,
                                                position_context)
                else:
                    result = self._complete_read(plan, parent_type, field_details_list, field_path, value,
                                                 position_context)
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return self._gather_fields(results, awaitable_fields)

    def _complete_read(self, plan: ObjectRead, parent_type: GraphQLObjectType, field_details_list: Any,
                       path: Path, value: Any, position_context: Any) -> Any:
        """What ``execute_field`` does after the resolver returned ``value`` (a plain object goes straight to
        its sub-selection when its ``is_type_of`` accepts it)."""
        return_type = plan.field_def.type
        try:
            object_type, item_type = plan.object_type, plan.item_type
            if position_context is None and object_type is not None and _is_a(object_type, value):
                completed = self._subfields(object_type, field_details_list, path, value)
            elif position_context is None and item_type is not None and type(value) is list \
                    and all(item is not None and _is_a(item_type, item) for item in value):
                completed = self._object_list(get_nullable_type(return_type).of_type, item_type, field_details_list,
                                              path, value)
            else:
                info = self.build_resolve_info(plan.field_def, to_nodes(field_details_list), parent_type, path)
                completed = self.complete_value(return_type, field_details_list, info, path, value, position_context)
            if self.is_awaitable(completed):
                return self._await_completed(completed, return_type, field_details_list, path)
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        return completed

    def _subfields(self, object_type: GraphQLObjectType, field_details_list: Any, path: Path, value: Any) -> Any:
        """``collect_and_execute_subfields`` without incremental delivery (only used without @defer)."""
        grouped_field_set = self.collect_subfields(object_type, field_details_list)[0]
        return self.execute_fields(object_type, value, path, grouped_field_set, None)

    def _object_list(self, declared: Any, object_type: GraphQLObjectType, field_details_list: Any, path: Path,
                     items: list) -> Any:
        """``complete_iterable_value`` for a list of plain objects, each checked by its type already."""
        grouped_field_set = self.collect_subfields(object_type, field_details_list)[0]
        completed: list[Any] = []
        awaitable_indices: list[int] = []
        for index, item in enumerate(items):
            item_path = Path(path, index, None)
            try:
                result = self.execute_fields(object_type, item, item_path, grouped_field_set, None)
            except Exception as raw_error:
                if awaitable_indices:
                    self.settle_in_background([completed[i] for i in awaitable_indices])
                self.handle_field_error(raw_error, declared, field_details_list, item_path)
                result = None
            if self.is_awaitable(result):
                result = self._await_completed(result, declared, field_details_list, item_path)
                awaitable_indices.append(index)
            completed.append(result)
        if not awaitable_indices:
            return completed
        return self._gather_items(completed, awaitable_indices)

    @staticmethod
    async def _gather_items(completed: list[Any], awaitable_indices: list[int]) -> list[Any]:
        awaited = await gather_with_cancel(*(completed[i] for i in awaitable_indices))
        for index, value in zip(awaitable_indices, awaited, strict=True):
            completed[index] = value
        return completed

    async def _await_completed(self, completed: Any, return_type: Any, field_details_list: Any, path: Path) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None

    async def _gather_fields(self, results: dict[str, Any], awaitable_fields: list[str]) -> dict[str, Any]:
        if len(awaitable_fields) == 1:
            field = awaitable_fields[0]
            results[field] = await results[field]
            return results
        awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
        results.update(zip(awaitable_fields, awaited, strict=True))
        return results


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
