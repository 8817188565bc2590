"""Shared GraphQL building blocks: connections with totalCount, page arguments, user errors."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from strawberry import relay

from graphql_api.types.enums import ErrorCode
from resolvers.errors import DomainError, FieldError
from resolvers.pagination import Page, PageArgs

NodeType = TypeVar("NodeType")

First = Annotated[int | None, strawberry.argument(description="Return the first n items (at most 100; default 20).")]
After = Annotated[str | None, strawberry.argument(description="Return items after this cursor.")]
Last = Annotated[int | None, strawberry.argument(description="Return the last n items (at most 100).")]
Before = Annotated[str | None, strawberry.argument(description="Return items before this cursor.")]


@strawberry.type(description="A page of a list, with Relay edges, page info and the total count.")
class Connection(relay.Connection[NodeType], Generic[NodeType]):
    total_count: int = strawberry.field(description="Number of items in the whole list (all pages).")

    @classmethod
    def from_page(cls, page: Page, convert: Callable[[Any], NodeType]) -> Connection[NodeType]:
        """Build the connection of one page, converting each row with ``convert``."""
        edges = [
            relay.Edge(node=convert(item), cursor=page.cursor(i))
            for i, item in enumerate(page.items)
        ]
        return cls(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=page.has_next,
                has_previous_page=page.has_previous,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=page.total,
        )


def page_args(first: int | None, after: str | None, last: int | None, before: str | None) -> PageArgs:
    """Validate connection arguments (raises a coded error for a bad cursor or page size)."""
    return PageArgs.parse(first, after, last, before)


@strawberry.type(description="A problem with the input of a mutation; nothing was changed.")
class UserError:
    field: str | None = strawberry.field(description="Input field at fault (camelCase), or null.")
    message: str = strawberry.field(description="What is wrong and how to fix it.")
    code: ErrorCode = strawberry.field(description="Machine-readable code.")

    @classmethod
    def from_domain(cls, errors: Iterable[FieldError]) -> list[UserError]:
        """Convert the services' field errors."""
        return [cls(field=e.field, message=e.message, code=e.code) for e in errors]


def user_errors(error: DomainError) -> list[UserError]:
    """The payload errors of a failed mutation."""
    return UserError.from_domain(error.errors)


@strawberry.type(description="A point on the map (WGS-84 degrees).")
class GeoPoint:
    latitude: float = strawberry.field(description="Latitude in degrees.")
    longitude: float = strawberry.field(description="Longitude in degrees.")

    @classmethod
    def of(cls, row: Any) -> GeoPoint | None:
        """The point of a row with ``latitude``/``longitude`` columns, if both are set."""
        if row.latitude is None or row.longitude is None:
            return None
        return cls(latitude=row.latitude, longitude=row.longitude)


@strawberry.input(description="A point on the map (WGS-84 degrees).")
class GeoPointInput:
    latitude: float = strawberry.field(description="Latitude in degrees, -90 to 90.")
    longitude: float = strawberry.field(description="Longitude in degrees, -180 to 180.")


def decode_id(value: relay.GlobalID | None, type_name: str | tuple[str, ...], field: str) -> int | None:
    """The integer key inside a global ID of the expected type (None passes through)."""
    if value is None:
        return None
    expected = (type_name,) if isinstance(type_name, str) else type_name
    if value.type_name not in expected:
        raise DomainError(ErrorCode.INVALID_ID, f"`{field}` must be the ID of a {' or '.join(expected)}.", field)
    try:
        return int(value.node_id)
    except ValueError:
        raise DomainError(ErrorCode.INVALID_ID, f"`{field}` is not a valid ID.", field) from None


def provided(data: Any) -> dict[str, Any]:
    """The fields of an input object the client actually sent (for partial updates)."""
    return {k: v for k, v in vars(data).items() if v is not strawberry.UNSET}


def node_keys(node_ids: Iterable[str]) -> list[int]:
    """Integer keys of ``node(id:)`` look-ups; a non-numeric key is a coded client error."""
    try:
        return [int(i) for i in node_ids]
    except ValueError:
        raise DomainError(ErrorCode.INVALID_ID, "This ID does not name an object of this API.", "id") from None
