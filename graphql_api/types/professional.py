"""PLACEHOLDER: replaced by the professionals work."""

from __future__ import annotations

import strawberry
from strawberry import relay


@strawberry.type(description="A professional's membership of an organization.")
class Membership(relay.Node):
    id: relay.NodeID[int]

    @classmethod
    def from_model(cls, row):
        return cls(id=row.id)
