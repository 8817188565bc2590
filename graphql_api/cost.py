"""Static cost of an operation, its per-operation ceiling and the charge against the caller's budget.

The cost is computed from the document alone, before anything runs:

- a leaf field (scalar or enum, ``__typename``) costs 0;
- a field returning an object costs 1 plus the cost of its selections;
- a connection (a ``...Connection`` field with ``first``/``last``) costs 1 plus its page size times the
  cost of its selections; the page size is ``first`` or ``last`` (literal or variable), 20 without them,
  and never counted above the page-size cap (a larger page is refused anyway with PAGE_SIZE_EXCEEDED);
- each root field of a mutation costs ``MUTATION_COST`` more;
- fragments count wherever they are spread (once per selection set, as they run; each fragment is
  costed once, so this stays linear), and all the type conditions of a selection are added up (an
  upper bound).

An operation above ``limits.max_cost`` is refused with ``COST_LIMIT_EXCEEDED``; otherwise its cost
(at least 1) is charged to the caller's rate budget just before execution (``RATE_LIMITED`` when spent).
Every answer reports ``extensions.cost``: ``requested``, ``limit`` and, once charged, the caller's
``budget``, ``remaining`` points and the seconds until the window ``resetAfter``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_operation_ast,
    is_leaf_type,
)
from graphql.execution import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from graphql_api.limits import coded, settings_of
from graphql_api.rate_limit import Verdict, limiter_of
from resolvers.errors import ErrorCode
from resolvers.pagination import DEFAULT_PAGE_SIZE

MUTATION_COST = 10
PAGE_ARGUMENTS = ("first", "last")


class CostAnalysis:
    """Computes the static cost of one operation of a document against a schema."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict | None, max_page: int) -> None:
        self.schema = schema
        self.variables = variables or {}
        self.max_page = max_page
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self._memo: dict[str, int] = {}
        self._active: set[str] = set()

    def operation(self, operation: OperationDefinitionNode) -> int:
        """The cost of an operation, at least 1."""
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            return 1
        cost = self.selections(operation.selection_set, root)
        if operation.operation is OperationType.MUTATION:
            cost += MUTATION_COST * sum(isinstance(s, FieldNode) for s in operation.selection_set.selections)
        return max(cost, 1)

    def selections(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None) -> int:
        """The cost of a selection set on ``parent``."""
        total, spread = 0, set()
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                total += self.selections(
                    selection.selection_set, self.schema.get_type(condition.name.value) if condition else parent
                )
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in spread:
                spread.add(selection.name.value)  # spread twice in one place, a fragment still runs once
                total += self.fragment(selection.name.value)
        return total

    def fragment(self, name: str) -> int:
        """The cost of a named fragment, computed once."""
        if name not in self._memo:
            fragment = self.fragments.get(name)
            if fragment is None or name in self._active:
                return 0
            self._active.add(name)
            self._memo[name] = self.selections(
                fragment.selection_set, self.schema.get_type(fragment.type_condition.name.value)
            )
            self._active.discard(name)
        return self._memo[name]

    def field(self, node: FieldNode, parent: GraphQLNamedType | None) -> int:
        """The cost of one field: 0 for a leaf, 1 plus (page size times) its selections otherwise."""
        if node.selection_set is None or not hasattr(parent, "fields"):
            return 0
        definition = self.schema.get_field(parent, node.name.value)  # type: ignore[arg-type]
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return 0
        size = self.page_size(node) if self._is_connection(named, definition.args) else 1
        return 1 + size * self.selections(node.selection_set, named)

    @staticmethod
    def _is_connection(named: GraphQLNamedType, arguments: dict) -> bool:
        return named.name.endswith("Connection") and any(name in arguments for name in PAGE_ARGUMENTS)

    def page_size(self, node: FieldNode) -> int:
        """The page a connection field asks for: ``first``/``last``, else the default, within the cap."""
        sizes = [self._int_argument(a.value) for a in node.arguments or () if a.name.value in PAGE_ARGUMENTS]
        asked = [s for s in sizes if s is not None]
        size = max(asked) if asked else DEFAULT_PAGE_SIZE
        return min(max(size, 0), self.max_page)

    def _int_argument(self, value: Any) -> int | None:
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            given = self.variables.get(value.name.value)
            return given if isinstance(given, int) and not isinstance(given, bool) else None
        return None


#: Costs already computed, by document identity (graphql_api.document_cache reuses parsed documents), operation,
#: page-size cap and the integer variables (the only ones a cost depends on: page sizes).
_COSTS: dict[tuple, tuple[DocumentNode, int | None]] = {}
MAX_REMEMBERED = 1024


def operation_cost(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: dict | None,
    max_page: int = 100,
) -> int | None:
    """The static cost of the operation a request runs (None when the document names no such operation)."""
    numbers = tuple(sorted((k, v) for k, v in (variables or {}).items() if type(v) is int))
    key = (id(document), id(schema), operation_name, max_page, numbers)
    known = _COSTS.get(key)
    if known is not None and known[0] is document:
        return known[1]
    operation = get_operation_ast(document, operation_name)
    cost = None if operation is None else CostAnalysis(schema, document, variables, max_page).operation(operation)
    if len(_COSTS) >= MAX_REMEMBERED:
        _COSTS.clear()
    _COSTS[key] = (document, cost)
    return cost


class CostLimit(SchemaExtension):
    """Refuses operations above the cost ceiling and charges the rest to the caller's budget."""

    cost: int | None = None
    verdict: Verdict | None = None

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and context.pre_execution_errors is None:
            settings = settings_of(context.context)
            self.cost = operation_cost(
                context.schema._schema, context.graphql_document, context.operation_name, context.variables,
                settings.max_page_size,
            )
            if self.cost is not None and self.cost > settings.limits.max_cost:
                context.pre_execution_errors = [coded(
                    ErrorCode.COST_LIMIT_EXCEEDED,
                    f"The operation costs {self.cost} points; at most {settings.limits.max_cost} are allowed "
                    "per operation. Ask for smaller pages or fewer nested lists.",
                )]
        yield

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        limiter, viewer = limiter_of(context.context), getattr(context.context, "viewer", None)
        if limiter is not None and viewer is not None and self.cost is not None and context.result is None:
            # One point was charged when the request arrived (graphql_api.http).
            self.verdict = await limiter.charge(viewer.rate_key, self.cost - 1)
            if not self.verdict.allowed:
                context.result = GraphQLExecutionResult(data=None, errors=[self.verdict.error()])
        yield

    def get_results(self) -> dict[str, Any]:
        if self.cost is None:
            return {}
        limits = settings_of(self.execution_context.context).limits
        report: dict[str, Any] = {"requested": self.cost, "limit": limits.max_cost}
        if self.verdict is not None:
            report |= {"budget": self.verdict.budget, "remaining": self.verdict.remaining,
                       "resetAfter": self.verdict.reset_after}
        return {"cost": report}
