"""The cache is aiocache in memory by default and Redis when REDIS_URL is set (tested on real Redis)."""

import os
import uuid

import pytest
from aiocache import RedisCache, SimpleMemoryCache

from graphql_api.cache import build_cache
from graphql_api.settings import Settings

REDIS_URL = os.environ.get("LINLI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


async def test_memory_cache_by_default():
    cache = build_cache(Settings(env="test"))
    assert isinstance(cache, SimpleMemoryCache)
    await cache.set("k", {"v": 1})
    assert await cache.get("k") == {"v": 1}
    await cache.close()


async def test_redis_cache_when_configured_shares_values_between_instances():
    namespace = f"linli-test-{uuid.uuid4().hex}"
    settings = Settings(env="test", redis_url=REDIS_URL, cache_namespace=namespace)
    first, second = build_cache(settings), build_cache(settings)
    assert isinstance(first, RedisCache)
    try:
        await first.set("directory", {"organizations": 17}, ttl=30)
        assert await second.get("directory") == {"organizations": 17}
        assert await build_cache(Settings(env="test", redis_url=REDIS_URL)).get("directory") is None
    finally:
        await first.delete("directory")
        await first.close()
        await second.close()


def test_redis_url_scheme_is_checked():
    with pytest.raises(ValueError, match="redis://"):
        build_cache(Settings(env="test", redis_url="http://127.0.0.1:6379"))
