"""The notification sender of one worker, built from the settings (the work is :mod:`resolvers.notification_sender`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from graphql_api.settings import Settings
from resolvers.notification_sender import SenderConfig, notification_jobs
from resolvers.wechat import Cache, WeChatClient, WeChatConfig, http_client

#: The longest a send may take; a claim's lease must outlast it (see ``resolvers.notification_sender``).
MAX_SEND_SECONDS = 10.0


def send_timeout(settings: Settings) -> float:
    """How long one send may take: at most 10 s, and half the lease of a claim."""
    return min(MAX_SEND_SECONDS, settings.notifications.lease_seconds / 2)


def sender_config(settings: Settings) -> SenderConfig:
    """The sender's templates and pace from ``settings.notifications``."""
    n = settings.notifications
    return SenderConfig(
        templates=dict(n.templates), miniprogram_state=n.miniprogram_state, interval_seconds=n.interval_seconds,
        backoff_seconds=n.backoff_seconds, backoff_max_seconds=n.backoff_max_seconds, max_attempts=n.max_attempts,
        lease_seconds=n.lease_seconds, send_timeout_seconds=send_timeout(settings),
        reminder_interval_seconds=n.reminder_interval_seconds, reminder_from_hour=n.reminder_from_hour,
    )


def wechat_sender(settings: Settings, cache: Cache | None) -> WeChatClient | None:
    """The WeChat client the sender uses, or None when WeChat is not configured or the sender is switched off."""
    if not (settings.wechat_enabled and settings.notifications.sender):
        return None
    config = WeChatConfig(appid=settings.wechat_appid, secret=settings.wechat_secret,
                          api_base=settings.wechat_api_base, timeout_seconds=send_timeout(settings))
    return WeChatClient(config, cache=cache)


@asynccontextmanager
async def notification_sender(settings: Settings, cache: Cache | None) -> AsyncIterator[None]:
    """This worker's notification sender, with one HTTP client for all its sends, while the block runs."""
    client = wechat_sender(settings, cache)
    if client is None:
        yield
        return
    async with http_client(client.config) as http:
        client.http = http
        async with notification_jobs(client, sender_config(settings)):
            yield
