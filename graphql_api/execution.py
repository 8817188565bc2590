"""graphql-core's executor with shortcuts for the fields that only read a value: the bulk of every answer.

graphql-core runs every field through the same generic steps: a response path, a resolve-info object,
Strawberry's resolver wrapper (an ``Info``, the arguments, the field extensions), the resolver, then
``complete_value`` through the non-null, list, leaf and object layers. For fields that only read a value
that machinery is most of the cost of an answer: a page of 20 organizations with 10 members each is about
1,100 fields. :class:`LinliExecutor` keeps graphql-core's collection of fields, error handling and null
propagation, and in ``execute_fields`` answers directly (plans per type: :mod:`graphql_api.field_plans`):

- leaf fields read from the parent alone (``__typename``, ``title``, ``statusLabel``, a node's ``id``);
- object and list fields whose value is read without a resolver (``edges``, ``node``, a relation loaded
  for the whole page): a plain object goes straight to its sub-selection, a list of plain objects item by
  item, with the same paths and the same error handling as ``execute_field`` and ``complete_value``.

Before that, a selection made only of such reads has a compiled plan (:mod:`graphql_api.plans`): one
function per selection, cached with the document, building an object's answer in a single call; a plan
that meets anything unusual hands the object back to the field-by-field path below.

Anything unusual (a null, a value its type refuses, an exception, an object another type claims, an
awaitable) takes graphql-core's own path, which raises and reports the error exactly as before; a schema
extension wrapping resolvers (``resolve``) or incremental delivery (``@defer``) turns the shortcuts off.
``tests/bench/test_hot_paths.py`` compares the answers, errors included, with Strawberry's executor.
"""

from __future__ import annotations

import weakref
from typing import Any

from graphql import GraphQLObjectType, GraphQLResolveInfoHelpers, GraphQLSchema, Undefined, get_nullable_type
from graphql.execution.executor import to_nodes
from graphql.pyutils import Path, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graphql_api.field_plans import SLOW, ObjectRead, install_plain_resolvers, object_reads, shortcuts
from graphql_api.plans import cached_plan, plannable_document

__all__ = ["LinliExecutor", "install_plain_resolvers"]
_PLAIN: dict[GraphQLSchema, bool] = {}


def _plain_schema(schema: GraphQLSchema) -> bool:
    """True when the schema has no incremental delivery (@defer, @stream): the shortcuts assume none."""
    plain = _PLAIN.get(schema)
    if plain is None:
        plain = _PLAIN[schema] = schema.get_directive("defer") is None and schema.get_directive("stream") is None
    return plain


def _is_a(object_type: GraphQLObjectType, value: Any) -> bool:
    """graphql-core's ``is_type_of`` check (Strawberry's ignores the resolve info)."""
    return object_type.is_type_of is None or bool(object_type.is_type_of(value, None))


class LinliExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, answering the read-only leaf fields without the generic field machinery."""

    _plans: dict[int, tuple[Any, Any]] | None = None  # id(grouped field set): (the set, its plan or None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._weak_helpers()

    def _weak_helpers(self) -> None:
        """graphql-core's helpers hold bound methods of the executor, which holds them: a reference cycle that
        kept each answer's whole object graph (through the context's loaders) alive until the cyclic
        collector ran. Through a weak reference the executor is freed as soon as the answer is sent."""
        executor = weakref.ref(self)
        self.async_helpers = GraphQLResolveInfoHelpers(
            gather=lambda values: executor().gather_async_work(values),  # type: ignore[union-attr]
            track=lambda values: executor().track_async_work(values))  # type: ignore[union-attr]

    def build_per_event_executor(self, payload: Any) -> Any:
        """A subscription event's copy of the executor, with helpers of its own (not the original's)."""
        executor = super().build_per_event_executor(payload)
        executor._weak_helpers()
        return executor

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> Any:
        """The compiled plan of this selection (:mod:`graphql_api.plans`), None when it has none."""
        plans = self._plans
        if plans is None:
            plans = self._plans = {} if plannable_document(self.operation, self.fragments) else None
            if plans is None:
                self._plan = lambda *_: None  # type: ignore[method-assign]  # for the rest of this execution
                return None
        entry = plans.get(id(grouped_field_set))
        if entry is None:
            plan = cached_plan(self, parent_type, grouped_field_set)
            entry = plans[id(grouped_field_set)] = (grouped_field_set, plan)
        return entry[1]

    def execute_fields(self, parent_type, source_value, path, grouped_field_set, position_context):
        manager = self.middleware_manager
        if (manager is not None and manager.middlewares) or not _plain_schema(self.schema):
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        if position_context is None:
            plan = self._plan(parent_type, grouped_field_set)
            if plan is not None:
                answer = plan(source_value)
                if answer is not SLOW:
                    return answer
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
