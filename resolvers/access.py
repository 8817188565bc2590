"""Who is calling: the roles of Linli and the viewer every service call is made on behalf of.

A :class:`Viewer` is built once per request by ``graphql_api.auth`` (from a bearer token, a partner
API key, or nothing) and passed to the services, which decide what it may read and change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.enums import AccountRole

Role = AccountRole
"""What kind of caller a viewer is (the stored ``AccountRole``); each role's rights are in the README."""


STAFF_ROLES = frozenset({Role.STAFF, Role.CENTRE_ADMIN})


@dataclass(frozen=True, slots=True)
class Viewer:
    """The caller of one request.

    ``account_id`` is set for signed-in people, ``api_key_id`` for partner servers. The linked
    ``resident_id`` / ``professional_id`` / ``organization_id`` say whose data is "their own";
    ``area_ids`` limit staff to the communities they serve (empty for a centre admin: all areas).
    ``auth_error`` says why presented credentials were refused (bad, expired or revoked token or key):
    such a viewer is anonymous and the whole request is answered with ``UNAUTHENTICATED``.
    """

    role: Role = Role.ANONYMOUS
    account_id: int | None = None
    resident_id: int | None = None
    professional_id: int | None = None
    organization_id: int | None = None
    api_key_id: int | None = None
    area_ids: frozenset[int] = field(default_factory=frozenset)
    scopes: frozenset[str] = field(default_factory=frozenset)
    client_ip: str = "unknown"
    auth_error: str | None = None
    #: Children whose data a centre admin approved this staff member to see, when read with the account
    #: (one statement for both on PostgreSQL); None: :func:`resolvers.scope.load_scope` reads them.
    approved_child_ids: frozenset[int] | None = field(default=None, compare=False)

    @property
    def is_staff(self) -> bool:
        """Centre staff or a centre admin."""
        return self.role in STAFF_ROLES

    @property
    def authenticated(self) -> bool:
        """True for anyone but an anonymous caller."""
        return self.role is not Role.ANONYMOUS

    @property
    def rate_key(self) -> str:
        """The key a per-client budget is kept under: the account, the API key, or the IP address."""
        if self.account_id is not None:
            return f"account:{self.account_id}"
        if self.api_key_id is not None:
            return f"apikey:{self.api_key_id}"
        return f"ip:{self.client_ip}"


ANONYMOUS = Viewer()
