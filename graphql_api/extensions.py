"""Linli's schema extensions run as one: the same hooks in the same order, for a fraction of the overhead.

For every request and every hook (operation, parse, validate, execute), Strawberry inspects each extension
and wraps each hook it defines in a new ``contextlib`` context manager (a ``functools.wraps`` copy each
time), then enters them through an exit stack: with six extensions that was about a third of the Python
calls of a small query. :class:`Extensions` is the single extension Strawberry sees; it holds one instance
of each extension of :data:`PARTS` per request and drives their hook generators itself, entering them
in order and leaving them in reverse order, as Strawberry's exit stack does. An exception from inside a
hook closes the generators entered so far and propagates unchanged (none of Linli's hooks handles one).
The parts stay ordinary Strawberry extensions, tested and usable on their own.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Iterator
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

HOOKS = ("on_operation", "on_parse", "on_validate", "on_execute", "on_stream_result")


def _defined_hooks(part: type[SchemaExtension]) -> dict[str, bool]:
    """The hooks ``part`` overrides, each with whether it is an async generator."""
    found = {}
    for name in HOOKS:
        hook = getattr(part, name)
        if hook is not getattr(SchemaExtension, name):
            found[name] = inspect.isasyncgenfunction(hook)
    return found


def combine(*parts: type[SchemaExtension]) -> type[SchemaExtension]:
    """One extension class running ``parts`` (classes built without arguments), in this order."""
    if any(part.resolve is not SchemaExtension.resolve for part in parts):
        raise TypeError("an extension wrapping resolvers (resolve) must stay a separate extension")
    plan = [(part, _defined_hooks(part)) for part in parts]
    by_hook = {name: [(i, hooks[name]) for i, (_, hooks) in enumerate(plan) if name in hooks] for name in HOOKS}
    results = [i for i, (part, _) in enumerate(plan) if part.get_results is not SchemaExtension.get_results]

    class Extensions(SchemaExtension):
        __doc__ = f"Runs {', '.join(p.__name__ for p in parts)} as one extension (graphql_api.extensions)."

        def __init__(self, *, execution_context: ExecutionContext | None = None) -> None:
            self.parts = [part() for part in parts]
            if execution_context is not None:
                self.execution_context = execution_context

        @property
        def execution_context(self) -> ExecutionContext:  # type: ignore[override]
            return self.parts[0].execution_context

        @execution_context.setter
        def execution_context(self, context: ExecutionContext) -> None:
            for part in self.parts:
                part.execution_context = context

        def get_results(self) -> dict[str, Any]:
            merged: dict[str, Any] = {}
            for index in results:
                merged.update(self.parts[index].get_results())  # type: ignore[arg-type]
            return merged

    for name, steps in by_hook.items():
        if steps:  # a hook no part runs asynchronously is a plain generator: Strawberry enters it without awaiting
            driver = _driver(name, steps) if any(is_async for _, is_async in steps) else _sync_driver(name, steps)
            setattr(Extensions, name, driver)
    return Extensions


def _driver(name: str, steps: list[tuple[int, bool]]):
    """The hook ``name`` of the combined extension: the parts' hooks entered in order, left in reverse."""

    async def hook(self: Any, *args: Any) -> AsyncIterator[None]:
        running: list[tuple[Any, bool]] = []
        try:
            for index, is_async in steps:
                part_hook = getattr(self.parts[index], name)(*args)
                running.append((part_hook, is_async))
                await part_hook.__anext__() if is_async else next(part_hook)
            yield
        except BaseException:
            await _close(running)
            raise
        for part_hook, is_async in reversed(running):
            try:
                await part_hook.__anext__() if is_async else next(part_hook)
            except (StopIteration, StopAsyncIteration):
                pass

    hook.__name__ = hook.__qualname__ = name
    return hook


def _sync_driver(name: str, steps: list[tuple[int, bool]]):
    """:func:`_driver` for a hook whose parts are all plain generators."""

    def hook(self: Any, *args: Any) -> Iterator[None]:
        running: list[Any] = []
        try:
            for index, _ in steps:
                part_hook = getattr(self.parts[index], name)(*args)
                running.append(part_hook)
                next(part_hook)
            yield
        except BaseException:
            for part_hook in reversed(running):
                part_hook.close()
            raise
        for part_hook in reversed(running):
            try:
                next(part_hook)
            except StopIteration:
                pass

    hook.__name__ = hook.__qualname__ = name
    return hook


async def _close(running: list[tuple[Any, bool]]) -> None:
    for hook, is_async in reversed(running):
        await hook.aclose() if is_async else hook.close()
