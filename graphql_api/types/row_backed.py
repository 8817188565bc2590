"""GraphQL objects that compute their fields from a database row when a field is first read.

Building a Strawberry object runs its dataclass ``__init__`` with every field, and reading every column of
the row for it converts every column (times, JSON, enums: :mod:`resolvers.rows`). A list answer selects a
few fields of each object: a page of 200 members asks each professional's name and profession, never
their availability or bio. A :class:`RowBacked` type is built with :meth:`RowBacked.of_row` from the row
and the few values it needs at once (the id, the keys its resolvers use); each other field is computed
by its function in the type's ``ROW_FIELDS`` on first read and kept. The values are the same as an
eagerly built object's, so the answer is too (``tests/bench/test_hot_paths.py`` compares both).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import Any, ClassVar, TypeVar

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode, is_object_type

T = TypeVar("T", bound="RowBacked")
F = TypeVar("F", bound=Callable[..., Any])
MAX_REMEMBERED = 4096
_SELECTS: dict[tuple[int, tuple[str, ...]], tuple[FieldNode, bool]] = {}
_COLUMNS: dict[tuple[int, tuple[str, ...], type], tuple[FieldNode, tuple[str, ...] | None]] = {}


class RowBacked:
    """Mixin of a Strawberry type whose fields are computed from ``_row`` on first read."""

    ROW_FIELDS: ClassVar[dict[str, Callable[[Any], Any]]] = {}
    #: GraphQL field name: the model fields it reads, for :func:`columns_for` (a field not listed: all of them).
    FIELD_COLUMNS: ClassVar[dict[str, tuple[str, ...]]] = {}
    #: The model fields ``from_model`` reads at once.
    EAGER_COLUMNS: ClassVar[tuple[str, ...]] = ("id",)
    __as_strawberry_type__ = None  # not a ``strawberry.cast`` (asked of every object: answered without __getattr__)

    @classmethod
    def of_row(cls: type[T], row: Any, **eager: Any) -> T:
        """An instance over ``row`` (a :class:`~resolvers.rows.Row` or a model instance), ``eager`` set now."""
        instance = cls.__new__(cls)
        instance.__dict__.update(eager)
        instance.__dict__["_row"] = row
        return instance

    def __getattr__(self, name: str) -> Any:  # only called for a field not computed yet
        if name[0] == "_":  # e.g. ``__await__``, probed on every resolved value
            raise AttributeError(name)
        compute = type(self).ROW_FIELDS.get(name)
        row = self.__dict__.get("_row")
        if compute is None or row is None:
            raise AttributeError(name)
        value = self.__dict__[name] = compute(row)
        return value


def row_fields(*same: str, **computed: Callable[[Any], Any]) -> dict[str, Callable[[Any], Any]]:
    """``ROW_FIELDS``: fields read from the row's attribute of the same name, and computed ones."""
    return {name: attrgetter(name) for name in same} | computed


def unfilled_fields(cls: type[RowBacked], eager: set[str]) -> list[str]:
    """Dataclass fields of ``cls`` that an instance from :meth:`RowBacked.of_row` could not answer."""
    missing = []
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        if getattr(field, "base_resolver", None) is not None or field.name in eager:
            continue
        if field.name not in cls.ROW_FIELDS or field.name in cls.__dict__:
            missing.append(field.name)
    return missing


def prefetchable(relation: str) -> Callable[[F], F]:
    """Mark a to-one resolver whose value :func:`keep` may have stored: when it has, the executor
    (:mod:`graphql_api.execution`) takes the stored object without calling the resolver, which would
    return that same object."""
    def mark(resolver: F) -> F:
        resolver._prefetched_as = relation  # type: ignore[attr-defined]
        return resolver

    return mark


def keep(instance: Any, relation: str, value: Any) -> None:
    """Remember the object of a to-one relation loaded together with its siblings'."""
    instance.__dict__[f"_prefetched_{relation}"] = value


def prefetched(instance: Any, relation: str) -> Any:
    """The object :func:`keep` remembered for ``relation``, or None."""
    return instance.__dict__.get(f"_prefetched_{relation}")


def selects(info: Any, *path: str) -> bool:
    """Whether the current field's selection reaches ``path`` (field names, fragments looked through).

    Computed once per field of a (cached, so long-lived) document; ``@skip``/``@include`` are not
    evaluated, so a skipped field counts as selected (a relation loaded for nothing, never one missing).
    """
    raw = info._raw_info
    node = raw.field_nodes[0]
    key = (id(node), path)
    found = _SELECTS.get(key)
    if found is not None and found[0] is node:
        return found[1]
    answer = any(_reaches(n.selection_set, path, raw.fragments) for n in raw.field_nodes)
    if len(_SELECTS) >= MAX_REMEMBERED:
        _SELECTS.clear()
    _SELECTS[key] = (node, answer)
    return answer


def _reaches(selection_set: SelectionSetNode | None, path: tuple[str, ...], fragments: dict) -> bool:
    if not path:
        return True
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            if selection.name.value == path[0] and _reaches(selection.selection_set, path[1:], fragments):
                return True
        elif isinstance(selection, InlineFragmentNode):
            if _reaches(selection.selection_set, path, fragments):
                return True
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None and _reaches(fragment.selection_set, path, fragments):
                return True
    return False


def columns_for(cls: type[RowBacked], info: Any, *path: str) -> tuple[str, ...] | None:
    """The model fields (sorted) that the selection at ``path`` below the current field reads of a ``cls``
    object, or None for all of them (a selected field missing from ``cls.FIELD_COLUMNS``).

    For loading only those columns (:meth:`graphql_api.loaders.Loaders.by_ids`): decoding the columns an
    answer never shows is most of the cost of fetching a page of rows. Fragments on other object types are
    left out; ``@skip``/``@include`` are not evaluated (a superset: a column too many, never one missing).
    Computed once per field of a (cached, so long-lived) document.
    """
    if not cls.FIELD_COLUMNS:
        return None
    raw = info._raw_info
    node = raw.field_nodes[0]
    key = (id(node), path, cls)
    found = _COLUMNS.get(key)
    if found is not None and found[0] is node:
        return found[1]
    names: set[str] = set()
    type_name = cls.__strawberry_definition__.name  # type: ignore[attr-defined]
    for field_node in raw.field_nodes:
        _selected(field_node.selection_set, path, raw, type_name, names)
    fields: set[str] | None = set(cls.EAGER_COLUMNS)
    for name in names:
        if name not in cls.FIELD_COLUMNS:
            fields = None
            break
        fields.update(cls.FIELD_COLUMNS[name])  # type: ignore[union-attr]
    answer = tuple(sorted(fields)) if fields is not None else None
    if len(_COLUMNS) >= MAX_REMEMBERED:
        _COLUMNS.clear()
    _COLUMNS[key] = (node, answer)
    return answer


def _applies(condition: Any, raw: Any, type_name: str) -> bool:
    """Whether a fragment's type condition may select fields of ``type_name`` (an interface or union may)."""
    if condition is None or condition.name.value == type_name:
        return True
    named = raw.schema.get_type(condition.name.value)
    return not is_object_type(named)


def _selected(selection_set: SelectionSetNode | None, path: tuple[str, ...], raw: Any, type_name: str,
              names: set[str]) -> None:
    """Add to ``names`` the fields selected at the end of ``path`` (fragments looked through)."""
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            if not path:
                names.add(selection.name.value)
            elif selection.name.value == path[0]:
                _selected(selection.selection_set, path[1:], raw, type_name, names)
        elif isinstance(selection, InlineFragmentNode):
            if path or _applies(selection.type_condition, raw, type_name):
                _selected(selection.selection_set, path, raw, type_name, names)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = raw.fragments.get(selection.name.value)
            if fragment is not None and (path or _applies(fragment.type_condition, raw, type_name)):
                _selected(fragment.selection_set, path, raw, type_name, names)
