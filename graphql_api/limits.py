"""Shape limits of a GraphQL document, checked before the schema validation and execution run.

The parser stops at ``limits.max_tokens`` tokens (and as many comments), so a huge document costs at most
that much parsing. Before graphql-core's own validation (the costlier part), :class:`DocumentLimits`
checks, in time linear in the document even when fragments spread fragments many times over:

- depth: how deeply fields nest (``{ a { b { c } } }`` has depth 2, the graphql-depth-limit convention),
  through fragments; introspection fields are not counted (introspection is closed in production);
- aliases: how many aliased fields the operations select, a fragment's counted wherever it is spread;
- input lists: list literals in the document and lists in the variables (a variable's list at one of the
  :data:`LONG_LISTS` input fields may hold that field's own number of items);
- introspection: ``__schema`` and ``__type`` are refused in production except for centre admins.

A document over a limit is refused with that limit's code without being validated or executed. The schema
validation itself is capped too: graphql-core meters the work of comparing overlapping fields (quadratic
and worse when the same fields are selected over and over, e.g. through fragments) and gives up past
``limits.validation_budget`` units (``VALIDATION_LIMIT_EXCEEDED``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInputType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    Node,
    ObjectFieldNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeInfo,
    TypeInfoVisitor,
    VariableDefinitionNode,
    VariableNode,
    Visitor,
    get_nullable_type,
    is_input_object_type,
    is_list_type,
    type_from_ast,
    visit,
)
from graphql.validation.rules import overlapping_fields_can_be_merged as overlapping_fields
from strawberry.extensions import SchemaExtension

from graphql_api.settings import Limits, Settings
from resolvers.access import Role
from resolvers.errors import ErrorCode
from resolvers.match_assign import MAX_BATCH

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
DEFAULT_SETTINGS = Settings()


def settings_of(context: Any) -> Settings:
    """The settings of the app serving this request (the defaults outside one)."""
    return getattr(context, "settings", None) or DEFAULT_SETTINGS


def coded(code: ErrorCode, message: str, node: Node | None = None) -> GraphQLError:
    """A GraphQL error with ``extensions.code``."""
    return GraphQLError(message, node, extensions={"code": code.value})


def syntax_error_code(error: GraphQLError) -> ErrorCode:
    """The code of a parse failure: a limit the parser enforced, or plain bad syntax."""
    if "Parsing aborted" in error.message:
        if "nested too deeply" in error.message:
            return ErrorCode.DEPTH_LIMIT_EXCEEDED
        return ErrorCode.TOKEN_LIMIT_EXCEEDED
    return ErrorCode.GRAPHQL_PARSE_FAILED


class SelectionShape:
    """Depth and alias counts of a document's selection sets, with each fragment measured once."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self._memo: dict[tuple[str, str], int] = {}
        self._active: set[str] = set()

    def _fragment(self, measure: str, name: str) -> int:
        key = (measure, name)
        if key not in self._memo:
            fragment = self.fragments.get(name)
            if fragment is None or name in self._active:
                return 0
            self._active.add(name)
            self._memo[key] = getattr(self, measure)(fragment.selection_set)
            self._active.discard(name)
        return self._memo[key]

    def depth(self, selection_set: SelectionSetNode | None) -> int:
        """How many levels of fields nest below this selection set's fields."""
        deepest = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                if selection.selection_set and selection.name.value not in INTROSPECTION_FIELDS:
                    deepest = max(deepest, 1 + self.depth(selection.selection_set))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self.depth(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                deepest = max(deepest, self._fragment("depth", selection.name.value))
        return deepest

    def aliases(self, selection_set: SelectionSetNode | None) -> int:
        """How many aliased fields this selection set selects, fragments expanded."""
        count, spread = 0, set()
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                count += (1 if selection.alias else 0) + self.aliases(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                count += self.aliases(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in spread:
                spread.add(selection.name.value)  # the same fragment twice in one place selects the same keys
                count += self._fragment("aliases", selection.name.value)
        return count


class _DocumentScan(Visitor):
    """One pass over the document for long list literals and introspection fields."""

    def __init__(self, max_list: int) -> None:
        super().__init__()
        self.max_list = max_list
        self.long_list: ListValueNode | None = None
        self.introspection: FieldNode | None = None

    def enter_list_value(self, node: ListValueNode, *_: Any) -> None:
        if self.long_list is None and len(node.values) > self.max_list:
            self.long_list = node

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if self.introspection is None and node.name.value in INTROSPECTION_FIELDS:
            self.introspection = node


LONG_LISTS: dict[tuple[str, str], int] = {("MatchAssignInput", "needIds"): MAX_BATCH}
"""Input fields (type, field) whose lists, sent in variables, may hold more than ``limits.max_input_list``
items: the batch assignment takes up to 2,000 needs (a list literal that long would pass no token limit)."""


def variables_fit(schema: GraphQLSchema, document: DocumentNode, variables: dict, max_list: int) -> bool:
    """Whether every list in ``variables`` holds at most ``max_list`` items, or its field's :data:`LONG_LISTS`
    number; a variable the operations do not declare is held to ``max_list``."""
    declared: dict[str, GraphQLInputType] = {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            for variable in definition.variable_definitions or ():
                input_type = type_from_ast(schema, variable.type)
                if input_type is not None:
                    declared[variable.variable.name.value] = input_type  # type: ignore[assignment]
    allowed = _usage_allowances(schema, document, max_list)
    return all(_fits(value, declared[name], allowed.get(name, max_list), max_list) if name in declared else
               longest_list(value) <= max_list for name, value in variables.items())


def _usage_allowances(schema: GraphQLSchema, document: DocumentNode, max_list: int) -> dict[str, int]:
    """For each variable, the items its list may hold where the document uses it: a :data:`LONG_LISTS` field's
    number when every use is that field's whole value (``needIds: $ids``), else ``max_list``."""
    type_info, uses = TypeInfo(schema), {}

    class Uses(Visitor):
        def enter_variable(self, node: VariableNode, _key: Any, parent: Any, *_: Any) -> None:
            if isinstance(parent, VariableDefinitionNode):
                return
            allowed, holder = max_list, get_nullable_type(type_info.get_parent_input_type())
            if isinstance(parent, ObjectFieldNode) and is_input_object_type(holder):
                allowed = LONG_LISTS.get((holder.name, parent.name.value), max_list)
            uses[node.name.value] = min(uses.get(node.name.value, allowed), allowed)

    visit(document, TypeInfoVisitor(type_info, Uses()))
    return uses


def _fits(value: Any, input_type: Any, allowed: int, max_list: int) -> bool:
    """``value`` of ``input_type`` holds no list longer than allowed (``allowed`` for itself if a list)."""
    input_type = get_nullable_type(input_type)
    if is_list_type(input_type):
        if not isinstance(value, list):
            return longest_list(value) <= max_list  # a single value for a list: coerced later
        return len(value) <= allowed and all(_fits(item, input_type.of_type, max_list, max_list) for item in value)
    if is_input_object_type(input_type) and isinstance(value, dict):
        fields = input_type.fields
        return all(_fits(item, fields[name].type, LONG_LISTS.get((input_type.name, name), max_list), max_list)
                   if name in fields else longest_list(item) <= max_list for name, item in value.items())
    return longest_list(value) <= max_list  # a scalar, or a value of the wrong shape (validation refuses it)


def longest_list(value: Any) -> int:
    """The length of the longest list anywhere inside a JSON value (without recursion)."""
    longest, pending = 0, [value]
    while pending:
        item = pending.pop()
        if isinstance(item, list):
            longest = max(longest, len(item))
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
    return longest


#: Documents (by identity: the parsed documents of graphql_api.document_cache are reused) known to pass every
#: limit of the document itself; only their variables are checked again.
_WITHIN_LIMITS: dict[tuple[int, Limits, bool], DocumentNode] = {}
MAX_REMEMBERED = 1024


def limit_errors(
    document: DocumentNode, variables: dict | None, limits: Limits, introspection: bool,
    schema: GraphQLSchema | None = None,
) -> Iterator[GraphQLError]:
    """The limits this document (and its variables) break, each as a coded error. Without the ``schema``, a
    variable's list is never allowed past ``limits.max_input_list`` (:data:`LONG_LISTS` needs the types)."""
    key = (id(document), limits, introspection)
    if _WITHIN_LIMITS.get(key) is not document:
        errors = list(_limit_errors(document, variables, limits, introspection, schema))
        if not errors:  # the document and these variables pass: next time only variables are checked
            if len(_WITHIN_LIMITS) >= MAX_REMEMBERED:
                _WITHIN_LIMITS.clear()
            _WITHIN_LIMITS[key] = document
        yield from errors
        return
    if _lists_too_long(document, variables, limits.max_input_list, schema):
        yield coded(ErrorCode.INPUT_LIST_TOO_LONG, _too_long(limits.max_input_list))


def _too_long(max_list: int) -> str:
    longer = ", ".join(f"{type_name}.{field} {most:,}" for (type_name, field), most in LONG_LISTS.items())
    return f"Lists in arguments and variables have at most {max_list} items (in variables: {longer})."


def _lists_too_long(document: DocumentNode, variables: dict | None, max_list: int,
                    schema: GraphQLSchema | None) -> bool:
    if not variables or longest_list(variables) <= max_list:
        return False
    return schema is None or not variables_fit(schema, document, variables, max_list)


def _limit_errors(
    document: DocumentNode, variables: dict | None, limits: Limits, introspection: bool,
    schema: GraphQLSchema | None,
) -> Iterator[GraphQLError]:
    shape = SelectionShape(document)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    for operation in operations:
        if (depth := shape.depth(operation.selection_set)) > limits.max_depth:
            yield coded(ErrorCode.DEPTH_LIMIT_EXCEEDED, f"The operation is {depth} levels deep; "
                        f"at most {limits.max_depth} are allowed.", operation)
    if (aliases := sum(shape.aliases(o.selection_set) for o in operations)) > limits.max_aliases:
        yield coded(ErrorCode.ALIAS_LIMIT_EXCEEDED, f"The document uses {aliases} aliases (fragments counted "
                    f"each time they are spread); at most {limits.max_aliases} are allowed.")
    scan = _DocumentScan(limits.max_input_list)
    visit(document, scan)
    too_long = _too_long(limits.max_input_list)
    if scan.long_list is not None:
        yield coded(ErrorCode.INPUT_LIST_TOO_LONG, too_long, scan.long_list)
    if _lists_too_long(document, variables, limits.max_input_list, schema):
        yield coded(ErrorCode.INPUT_LIST_TOO_LONG, too_long)
    if scan.introspection is not None and not introspection:
        yield coded(ErrorCode.INTROSPECTION_DISABLED, "Introspection is disabled.", scan.introspection)


class DocumentLimits(SchemaExtension):
    """Caps the parser and refuses documents over the limits before the schema validation runs."""

    def on_operation(self) -> Iterator[None]:
        limits = settings_of(self.execution_context.context).limits
        self.execution_context.parse_options.update(  # type: ignore[typeddict-unknown-key]
            max_lexical_tokens=limits.max_tokens, max_comments=limits.max_tokens
        )
        yield

    def on_parse(self) -> Iterator[None]:
        yield
        for error in self.execution_context.pre_execution_errors or ():
            error.extensions = {**(error.extensions or {}), "code": syntax_error_code(error).value}

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        settings = settings_of(context.context)
        if context.graphql_document is not None and context.pre_execution_errors is None:
            viewer = getattr(context.context, "viewer", None)
            introspection = not settings.production or getattr(viewer, "role", None) is Role.CENTRE_ADMIN
            errors = list(limit_errors(context.graphql_document, context.variables, settings.limits, introspection,
                                       context.schema._schema))
            if errors:
                context.pre_execution_errors = errors
        # Read by graphql-core when its (synchronous) validation starts, right after this hook.
        overlapping_fields.MAX_COMPLEXITY_BUDGET = settings.limits.validation_budget
        yield
        for error in context.pre_execution_errors or ():
            if error.message.endswith("Validation aborted."):
                error.message = (
                    "The document takes too much work to validate (the same fields selected over and over, "
                    "or too many errors); select each field once."
                )
                error.extensions = {**(error.extensions or {}), "code": ErrorCode.VALIDATION_LIMIT_EXCEEDED.value}
