"""Compiled answers: each selection of a cached document that only reads values becomes one function.

:class:`graphql_api.execution.LinliExecutor` answers most fields of an answer from shortcuts
(:mod:`graphql_api.field_plans`), but still walks graphql-core's grouped field sets field by field,
object by object: name look-ups, response paths, sub-field collection and type checks for each of the
thousands of objects of a nested page. A *plan* does that walk once per selection: for an object type and
the field nodes selected on it, :func:`compile_plan` writes the Python function that builds the answer's
dictionary of one object (leaf fields read and coerced inline, object, list and union fields calling the
plans of their own selections), and the executor calls it for every object of that selection, in this
request and the next ones (plans are cached by the identity of the document's field nodes, which
:mod:`graphql_api.document_cache` keeps alive).

A plan exists only for a selection that is entirely pure reads: leaf fields with a shortcut, object and
list fields read without a resolver (a plain attribute or a relation the list resolver prefetched), unions
of Strawberry's own resolution. A field with arguments or a resolver to call, a directive anywhere in the
document (``@skip``/``@include``/``@defer``), an interface: no plan, graphql-core's path as before.
A plan returns :data:`~graphql_api.field_plans.SLOW` as soon as anything is unusual (a null where the schema
forbids one, a value of another class, a value its leaf type refuses, any exception): the executor then
answers that object through graphql-core's path, which reports the error exactly as before. A plan has no
side effects (it only reads), so computing an object a second time that way changes nothing.
``tests/bench/test_hot_paths.py`` compares the answers, errors included, with Strawberry's own executor.
"""

from __future__ import annotations

import binascii
from collections.abc import Callable
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLBoolean,
    GraphQLID,
    GraphQLObjectType,
    GraphQLString,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    is_union_type,
)
from strawberry.schema.schema_converter import CustomGraphQLEnumType
from strawberry.types.cast import TYPE_CAST_ATTRIBUTE

from graphql_api.field_plans import DEFINITION, PREFETCHED_AS, SLOW, node_id_parts, shortcuts
from graphql_api.types.row_backed import RowBacked

Plan = Callable[[Any], Any]
MAX_PLANS = 2048
_PLANS: dict[tuple, tuple[Plan | None, Any]] = {}  # key: (type, ids of field nodes); value: (plan, the nodes)
_PLAIN_DOCUMENTS: dict[int, tuple[Any, bool]] = {}  # id(operation): (operation, no directive anywhere)


def _free_of_directives(selection_set: SelectionSetNode | None, fragments: dict, seen: set[str]) -> bool:
    for selection in selection_set.selections if selection_set else ():
        if selection.directives:
            return False
        if isinstance(selection, FieldNode | InlineFragmentNode):
            if not _free_of_directives(selection.selection_set, fragments, seen):
                return False
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            seen.add(selection.name.value)
            fragment = fragments.get(selection.name.value)
            definition = getattr(fragment, "definition", fragment)
            if definition is None or definition.directives or getattr(definition, "variable_definitions", None) \
                    or not _free_of_directives(definition.selection_set, fragments, seen):
                return False
    return True


def plannable_document(operation: OperationDefinitionNode, fragments: dict) -> bool:
    """True when the operation uses no directive at all (so its field collection never depends on variables)."""
    entry = _PLAIN_DOCUMENTS.get(id(operation))
    if entry is not None and entry[0] is operation:
        return entry[1]
    plain = not operation.directives and _free_of_directives(operation.selection_set, fragments, set())
    if len(_PLAIN_DOCUMENTS) >= MAX_PLANS:
        _PLAIN_DOCUMENTS.clear()
    _PLAIN_DOCUMENTS[id(operation)] = (operation, plain)
    return plain


def plan_key(object_type: GraphQLObjectType, grouped_field_set: dict) -> tuple | None:
    """The cache key of a selection (None when a field uses incremental delivery or fragment variables)."""
    ids: list[int] = [id(object_type)]
    for field_details_list in grouped_field_set.values():
        for details in field_details_list:
            if details.defer_usage is not None or details.fragment_variable_values is not None:
                return None
            ids.append(id(details.node))
    return tuple(ids)


def cached_plan(executor: Any, object_type: GraphQLObjectType, grouped_field_set: dict) -> Plan | None:
    """The plan of ``grouped_field_set`` on ``object_type`` (compiled on first use), or None."""
    key = plan_key(object_type, grouped_field_set)
    if key is None:
        return None
    entry = _PLANS.get(key)
    if entry is None:
        plan = compile_plan(executor, object_type, grouped_field_set)
        nodes = [d.node for fields in grouped_field_set.values() for d in fields]
        if len(_PLANS) >= MAX_PLANS:
            _PLANS.clear()
        _PLANS[key] = entry = (plan, (object_type, nodes))  # the nodes stay alive: their ids stay unique
    return entry[0]


def _type_check(object_type: GraphQLObjectType) -> tuple[type, str] | None:
    """The class a plan accepts for ``object_type`` and the code checking a value ``v`` against it.

    Only instances of exactly the type's class (of the generic class for a specialization such as
    ``NeedEdge``), not cast to another type: for those Strawberry's ``is_type_of`` is true. A type with its own
    ``is_type_of`` calls it.
    """
    definition = object_type.extensions.get(DEFINITION)
    origin = getattr(definition, "origin", None)
    if getattr(definition, "concrete_of", None) is not None:  # e.g. NeedEdge: instances of the generic Edge
        origin = definition.concrete_of.origin
    if not isinstance(origin, type):
        return None
    if getattr(definition, "is_type_of", None) is not None:
        return origin, "type(v) is T and ISA(v, None)"
    if object_type.is_type_of is None:
        return origin, "type(v) is T"
    return origin, f"type(v) is T and getattr(v, {TYPE_CAST_ATTRIBUTE!r}, None) is None"


def _bind(names: dict[str, Any], prefix: str, value: Any) -> str:
    """A new global name of the generated code, bound to ``value``."""
    name = f"{prefix}{len(names)}"
    names[name] = value
    return name


def _attribute(origin: type, attribute: str) -> str:
    """The expression reading ``v.<attribute>``: straight from the row for a field a row-backed type reads
    from the row's attribute of the same name (what ``RowBacked.__getattr__`` would compute, without it)."""
    compute = getattr(origin, "ROW_FIELDS", {}).get(attribute) if issubclass(origin, RowBacked) else None
    if compute is None or repr(compute) != f"operator.attrgetter({attribute!r})" or hasattr(origin, attribute):
        return f"v.{attribute}"
    return f"(v.__dict__[{attribute!r}] if {attribute!r} in v.__dict__ else v.__dict__['_row'].{attribute})"


def _leaf_code(object_type: GraphQLObjectType, name: str, field_def: Any, names: dict[str, Any]) -> list[str] | None:
    """Code reading the leaf field ``name`` of ``v`` into ``a``, or None when it has no shortcut."""
    field = field_def.extensions.get(DEFINITION)
    shortcut = shortcuts(object_type).get(name)
    if shortcut is None:
        return None
    leaf = get_nullable_type(field_def.type)
    plain = field is not None and field.is_basic_field and field.default_resolver is getattr \
        and not field.extensions and not getattr(field, "permission_classes", None) and field.python_name.isidentifier()
    by_value: dict[Any, str] = {}
    if isinstance(leaf, CustomGraphQLEnumType):
        try:
            for value_name, value in leaf.values.items():
                by_value.setdefault(value.value, value_name)
        except TypeError:  # an unhashable value: the shortcut's path
            plain = False
    parts = node_id_parts(object_type, field) if name == "id" and field is not None else None
    if parts is not None and parts[0] is names["T"] and parts[1].isidentifier():  # a global ID, as the shortcut
        return [f"a = {_attribute(names['T'], parts[1])}", "if a is None: return SLOW",
                f"a = B2A(f'{{{_bind(names, 'N', parts[2])}}}{{a}}'.encode(), newline=False).decode()"]
    if not plain:
        return [f"a = {_bind(names, 'S', shortcut)}(v)", "if a is SLOW: return SLOW"]
    null = "return SLOW" if is_non_null_type(field_def.type) else "pass"
    code = [f"a = {_attribute(names['T'], field.python_name)}", "if a is None:", f"    {null}"]
    if leaf in (GraphQLString, GraphQLID, GraphQLBoolean):
        kind = "bool" if leaf is GraphQLBoolean else "str"
        code += [f"elif type(a) is not {kind}:", f"    a = {_bind(names, 'C', leaf.coerce_output_value)}(a)",
                 "    if a is None or a is UNDEFINED: return SLOW"]
    elif by_value:  # Strawberry's enum coercion (the name of the member's value), as a dictionary look-up
        code += [f"elif type(a) is {_bind(names, 'W', leaf.wrapped_cls)}:",
                 f"    a = {_bind(names, 'E', by_value)}.get(a.value, SLOW)", "    if a is SLOW: return SLOW",
                 "else:", "    return SLOW"]
    else:
        code += ["else:", f"    a = {_bind(names, 'C', leaf.coerce_output_value)}(a)",
                 "    if a is None or a is UNDEFINED: return SLOW"]
    return code


def _read_code(field_def: Any) -> str | None:
    """The expression reading an object- or list-valued field of ``v`` without its resolver."""
    field = field_def.extensions.get(DEFINITION)
    if field is None or field_def.args or field.extensions or getattr(field, "permission_classes", None):
        return None
    if field.is_basic_field and field.default_resolver is getattr and field.python_name.isidentifier():
        return f"v.{field.python_name}"
    relation = getattr(getattr(field.base_resolver, "wrapped_func", None), PREFETCHED_AS, None)
    if relation is None:
        return None
    return f"v.__dict__.get({f'_prefetched_{relation}'!r}, SLOW)"  # a None (not loaded): the resolver's path


def _value_plan(executor: Any, return_type: Any, field_details_list: list) -> Plan | None:
    """The plan completing a non-null value of ``return_type`` (an object or a union), or None."""
    if is_object_type(return_type):
        return cached_plan(executor, return_type, executor.collect_subfields(return_type, field_details_list)[0])
    if is_union_type(return_type) and _strawberry_union(return_type):
        by_class: dict[type, Plan] = {}
        for member in return_type.types:
            definition = member.extensions.get(DEFINITION)
            if definition is None or definition.concrete_of is not None or definition.is_graphql_generic:
                return None
            plan = cached_plan(executor, member, executor.collect_subfields(member, field_details_list)[0])
            if plan is None or definition.origin in by_class:
                return None
            by_class[definition.origin] = plan
        return _union(by_class)
    return None


def _strawberry_union(union: GraphQLUnionType) -> bool:
    resolve = union.resolve_type
    return resolve is not None and resolve.__module__ == "strawberry.types.union" \
        and resolve.__name__ == "_resolve_union_type"


def _union(by_class: dict[type, Plan]) -> Plan:
    get = by_class.get

    def union(x: Any) -> Any:
        if getattr(x, TYPE_CAST_ATTRIBUTE, None) is not None:
            return SLOW
        plan = get(type(x))
        return SLOW if plan is None else plan(x)

    return union


def compile_plan(executor: Any, object_type: GraphQLObjectType, grouped_field_set: dict) -> Plan | None:
    """The function answering ``grouped_field_set`` for one object of ``object_type`` (None: not pure reads)."""
    checked = _type_check(object_type)
    if checked is None:
        return None
    names: dict[str, Any] = {"SLOW": SLOW, "UNDEFINED": Undefined, "T": checked[0], "ISA": object_type.is_type_of,
                             "B2A": binascii.b2a_base64}
    body = [f"if not ({checked[1]}): return SLOW"]
    keys = []
    for index, (response_name, field_details_list) in enumerate(grouped_field_set.items()):
        name = field_details_list[0].node.name.value
        keys.append(f"{response_name!r}: r{index}")
        if name == "__typename":
            body.append(f"r{index} = {object_type.name!r}")
            continue
        field_def = object_type.fields.get(name)
        if field_def is None:
            return None
        nullable = get_nullable_type(field_def.type)
        if is_leaf_type(nullable):
            code = _leaf_code(object_type, name, field_def, names)
            if code is None:
                return None
            body += code + [f"r{index} = a"]
            continue
        read = _read_code(field_def)
        if read is None:
            return None
        null = f"r{index} = None" if not is_non_null_type(field_def.type) else "return SLOW"
        body += [f"x = {read}", "if x is SLOW: return SLOW", "if x is None:", f"    {null}"]
        if is_list_type(nullable):
            item_type = nullable.of_type
            plan = _value_plan(executor, get_nullable_type(item_type), field_details_list)
            if plan is None:
                return None
            function = _bind(names, "F", plan)
            none_item = "None" if not is_non_null_type(item_type) else "SLOW"
            body += ["elif type(x) is not list: return SLOW", "else:",
                     f"    r{index} = [{function}(i) if i is not None else {none_item} for i in x]",
                     f"    if SLOW in r{index}: return SLOW"]
        else:
            plan = _value_plan(executor, nullable, field_details_list)
            if plan is None:
                return None
            function = _bind(names, "F", plan)
            body += ["else:", f"    r{index} = {function}(x)", f"    if r{index} is SLOW: return SLOW"]
    source = "def plan(v):\n    try:\n" + "".join(f"        {line}\n" for line in body) \
        + "    except Exception:\n        return SLOW\n" + f"    return {{{', '.join(keys)}}}\n"
    namespace = dict(names)
    exec(compile(source, f"<plan {object_type.name}>", "exec"), namespace)  # the code built above
    plan = namespace["plan"]
    plan.source = source  # type: ignore[attr-defined]  # for debugging and the tests
    return plan
