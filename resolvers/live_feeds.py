"""Where live need changes travel: inside one process, or between all workers through Redis pub/sub.

A feed delivers each :class:`~resolvers.live_events.NeedChange` to the followers of its channels
(``need:<id>``, ``area:<community id>``, ``area:all``). :class:`InProcessFeed` (no ``REDIS_URL``) reaches the
followers of this process only; :class:`RedisFeed` publishes to Redis, so a change made on one worker
reaches followers on every worker. Each process keeps one Redis pub/sub connection: a channel is
subscribed when its first local follower arrives and unsubscribed when its last one leaves, and a follower
is ready only once Redis confirmed the subscription. Channel names carry the deployment's namespace
(Redis pub/sub ignores the database number, so deployments sharing a Redis are kept apart by it).

Delivery is at most once: a change published while Redis is unreachable, or while a follower's queue is
full (a client that stopped reading), is dropped, and the publisher is never failed by the feed. Clients
treat changes as hints to refetch.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from typing import Protocol

from redis.asyncio import Redis

from resolvers.live_events import NeedChange

log = logging.getLogger("linli.live")
QUEUE_SIZE = 100
READ_TIMEOUT_SECONDS = 5.0
CONFIRM_TIMEOUT_SECONDS = 5.0
HEALTH_CHECK_SECONDS = 30


class NeedFeed(Protocol):
    """Publish need changes; follow channels."""

    async def publish(self, changes: Sequence[NeedChange]) -> None: ...

    def follow(self, channels: Iterable[str]) -> AbstractAsyncContextManager[Inbox]: ...

    async def close(self) -> None: ...


class Inbox:
    """The changes delivered to one follower: iterate to wait for them (at most :data:`QUEUE_SIZE` unread)."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[NeedChange] = asyncio.Queue(maxsize=QUEUE_SIZE)

    def __aiter__(self) -> AsyncIterator[NeedChange]:
        return self

    async def __anext__(self) -> NeedChange:
        return await self.queue.get()

    def unread(self) -> list[NeedChange]:
        """The changes delivered and not read yet, without waiting (they count as read)."""
        return [self.queue.get_nowait() for _ in range(self.queue.qsize())]


class Followers:
    """This process's followers: channel -> the inboxes of the subscriptions following it."""

    def __init__(self) -> None:
        self.inboxes: dict[str, set[Inbox]] = {}

    def add(self, channel: str, inbox: Inbox) -> bool:
        """Register ``inbox`` on ``channel``; True when it is the channel's first follower here."""
        followers = self.inboxes.setdefault(channel, set())
        followers.add(inbox)
        return len(followers) == 1

    def remove(self, channel: str, inbox: Inbox) -> bool:
        """Drop ``inbox`` from ``channel``; True when the channel has no follower left here."""
        followers = self.inboxes.get(channel, set())
        followers.discard(inbox)
        if followers:
            return False
        self.inboxes.pop(channel, None)
        return True

    def deliver(self, channels: Iterable[str], change: NeedChange) -> None:
        """Put ``change`` once into every inbox following one of ``channels`` (dropped where one is full)."""
        for inbox in set().union(*(self.inboxes.get(channel, ()) for channel in channels)):
            try:
                inbox.queue.put_nowait(change)
            except asyncio.QueueFull:
                log.warning("A live subscription is not reading; dropped a change of need %s", change.need_id)


class InProcessFeed:
    """The feed of a single process (no Redis): publishing hands changes straight to local followers."""

    def __init__(self) -> None:
        self.followers = Followers()

    async def publish(self, changes: Sequence[NeedChange]) -> None:
        for change in changes:
            self.followers.deliver(change.channels, change)

    @asynccontextmanager
    async def follow(self, channels: Iterable[str]) -> AsyncIterator[Inbox]:
        """The changes on ``channels``, from now until the block ends."""
        names, inbox = sorted(set(channels)), Inbox()
        for name in names:
            self.followers.add(name, inbox)
        try:
            yield inbox
        finally:
            for name in names:
                self.followers.remove(name, inbox)

    async def close(self) -> None:
        return None


class RedisFeed:
    """The feed of all workers: Redis pub/sub, one connection per process (see the module's rules)."""

    def __init__(self, url: str, namespace: str) -> None:
        self.redis = Redis.from_url(url, health_check_interval=HEALTH_CHECK_SECONDS, socket_connect_timeout=2,
                                    socket_timeout=5)  # an unreachable Redis must not hold a request long
        self.prefix = f"{namespace}:needs:"
        self.followers = Followers()
        self._pubsub = self.redis.pubsub()
        self._reader: asyncio.Task | None = None
        self._confirmed: dict[str, asyncio.Future] = {}
        self._lock = asyncio.Lock()

    async def publish(self, changes: Sequence[NeedChange]) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            for change in changes:
                for channel in change.channels:
                    pipe.publish(self.prefix + channel, change.to_json())
            await pipe.execute()

    @asynccontextmanager
    async def follow(self, channels: Iterable[str]) -> AsyncIterator[Inbox]:
        """The changes on ``channels``, once Redis confirmed the subscription, until the block ends (a change
        on several of them arrives once per channel)."""
        names, inbox = sorted(set(channels)), Inbox()
        try:
            await self._join(names, inbox)
            yield inbox
        finally:
            await self._leave(names, inbox)

    async def _join(self, names: list[str], inbox: Inbox) -> None:
        async with self._lock:
            new = [name for name in names if self.followers.add(name, inbox)]
            if new:
                await self._start_reader()
                loop = asyncio.get_running_loop()
                self._confirmed.update({name: loop.create_future() for name in new})
                await self._pubsub.subscribe(*(self.prefix + name for name in new))
            waiting = [self._confirmed[name] for name in names if name in self._confirmed]
        if waiting:
            try:
                await asyncio.wait_for(asyncio.gather(*map(asyncio.shield, waiting)), CONFIRM_TIMEOUT_SECONDS)
            except TimeoutError:
                log.warning("Redis did not confirm a live subscription in %s s", CONFIRM_TIMEOUT_SECONDS)

    async def _leave(self, names: list[str], inbox: Inbox) -> None:
        async with self._lock:
            gone = [name for name in names if self.followers.remove(name, inbox)]
            for name in gone:
                future = self._confirmed.pop(name, None)
                if future is not None and not future.done():
                    future.set_result(None)
            if gone and self._pubsub.connection is not None:
                try:
                    await self._pubsub.unsubscribe(*(self.prefix + name for name in gone))
                except Exception:  # Redis unreachable: the subscription ends with the connection
                    log.warning("Could not unsubscribe %d live channels from Redis", len(gone), exc_info=True)

    async def _start_reader(self) -> None:
        if self._reader is None or self._reader.done():
            await self._pubsub.connect()
            self._reader = asyncio.create_task(self._read(), name="linli-live-feed")

    async def _read(self) -> None:
        """Hand every message to the local followers; survive Redis restarts (redis-py resubscribes)."""
        while True:
            try:
                message = await self._pubsub.get_message(timeout=READ_TIMEOUT_SECONDS)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("Live feed lost Redis; retrying in 1 s", exc_info=True)
                await asyncio.sleep(1)
                continue
            if message is not None:
                self._dispatch(message)

    def _dispatch(self, message: dict) -> None:
        channel = message["channel"]
        name = (channel.decode() if isinstance(channel, bytes) else str(channel)).removeprefix(self.prefix)
        if message["type"] == "subscribe":
            future = self._confirmed.get(name)
            if future is not None and not future.done():
                future.set_result(None)
        elif message["type"] == "message":
            try:
                change = NeedChange.from_json(message["data"])
            except (ValueError, KeyError, TypeError):
                log.warning("Ignored a malformed live message on %s", name)
                return
            self.followers.deliver((name,), change)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with suppress(asyncio.CancelledError):
                await self._reader
        await self._pubsub.aclose()
        await self.redis.aclose()


def build_feed(redis_url: str | None, namespace: str) -> NeedFeed:
    """Redis pub/sub when ``redis_url`` is set, else this process only."""
    return RedisFeed(redis_url, namespace) if redis_url else InProcessFeed()
