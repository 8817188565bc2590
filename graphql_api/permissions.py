"""Permissions declared on fields: every mutation needs a signed-in caller unless it is public.

Finer rules (whose data, which community) are decided by :mod:`resolvers.authorization` and
:mod:`resolvers.scope`; this layer only refuses anonymous callers early and uniformly.
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission, PermissionExtension

#: Mutations an anonymous caller may use: the ways to sign in.
PUBLIC_MUTATIONS = frozenset({"wechat_login", "staff_login", "token_refresh", "logout"})


class SignedIn(BasePermission):
    """The caller presented a valid token or API key."""

    message = "Sign in first."
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return info.context.viewer.authenticated


def require_sign_in(mutation_type: type) -> None:
    """Declare :class:`SignedIn` on every mutation field of ``mutation_type`` but the public ones."""
    for field in mutation_type.__strawberry_definition__.fields:
        if field.python_name not in PUBLIC_MUTATIONS:
            field.extensions.append(PermissionExtension(permissions=[SignedIn()], use_directives=False))
