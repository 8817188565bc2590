"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from graphql_api.loaders import Loaders
from graphql_api.settings import Settings
from resolvers.access import ANONYMOUS, Viewer


@dataclass
class Context:
    """What a resolver may use: the settings, the request, this request's loaders and its caller."""

    settings: Settings
    request: Any = None
    response: Any = None
    loaders: Loaders = field(default_factory=Loaders)
    viewer: Viewer = ANONYMOUS


Info = StrawberryInfo[Context, None]
