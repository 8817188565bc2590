"""PLACEHOLDER: replaced by the projects work."""

from __future__ import annotations

import strawberry
from strawberry import relay


@strawberry.type(description="A project.")
class Project(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="Name.")

    @classmethod
    def from_model(cls, row):
        return cls(id=row.id, name=row.name)


@strawberry.type(description="A claim.")
class ProjectClaim(relay.Node):
    id: relay.NodeID[int]

    @classmethod
    def from_model(cls, row):
        return cls(id=row.id)
