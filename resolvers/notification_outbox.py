"""The notification outbox as centre admins see it: what was sent, what waits, and what failed (and why)."""

from __future__ import annotations

from models import Notification
from models.enums import NotificationStatus
from resolvers.access import Role, Viewer
from resolvers.accounts import require_centre_admin
from resolvers.pagination import Page, PageArgs, paginate


async def list_notifications(viewer: Viewer, status: NotificationStatus | None, args: PageArgs) -> Page:
    """Notifications, newest first, optionally of one status (centre admin only)."""
    require_centre_admin(viewer)
    rows = Notification.all() if status is None else Notification.filter(status=status)
    return await paginate(rows.order_by("-id"), args)


async def visible_notifications(viewer: Viewer, ids: list[int]) -> dict[int, Notification]:
    """The notifications of ``ids`` a viewer may see (a centre admin: all), for ``node(id:)``."""
    if viewer.role is not Role.CENTRE_ADMIN or viewer.account_id is None:
        return {}
    return {row.id: row for row in await Notification.filter(id__in=ids)}
