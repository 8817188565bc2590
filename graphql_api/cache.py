"""The shared cache: aiocache in memory by default, Redis when ``REDIS_URL`` is set."""

from __future__ import annotations

from urllib.parse import urlparse

from aiocache import Cache
from aiocache.serializers import BaseSerializer, JsonSerializer

from graphql_api.settings import Settings


def build_cache(settings: Settings, serializer: BaseSerializer | None = None) -> Cache:
    """An aiocache instance for this process, namespaced so several deployments can share a Redis.

    Values are JSON unless another ``serializer`` is given (the public read cache keeps rows by pickle).
    """
    serializer = serializer or JsonSerializer()
    if not settings.redis_url:
        # No timeout: a dict in this process cannot hang, and aiocache runs every call with a timeout in a
        # task of its own (asyncio.wait_for), several per request (rate budget, public cache generations).
        return Cache(Cache.MEMORY, serializer=serializer, namespace=settings.cache_namespace, timeout=None)
    url = urlparse(settings.redis_url)
    if url.scheme not in {"redis", "rediss"}:
        raise ValueError(f"REDIS_URL must start with redis:// or rediss://, not {settings.redis_url!r}")
    return Cache(
        Cache.REDIS,
        endpoint=url.hostname or "127.0.0.1",
        port=url.port or 6379,
        db=int((url.path or "/0").lstrip("/") or 0),
        password=url.password,
        ssl=url.scheme == "rediss",
        serializer=serializer,
        namespace=settings.cache_namespace,
    )
