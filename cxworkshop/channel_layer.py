"""The in-memory channel layer for one server process (`make run`, tests), made to scale
with the number of sockets.

Channels' own `InMemoryChannelLayer` sweeps every channel and group for expired messages on
each `receive` and `group_send`. A broadcast to N phones wakes N receivers, so one card
reveal cost N sweeps of N channels: at 1,000 phones that sweep was a third of the server's
time (py-spy, bench/fanout.py --profile). Here the sweep runs at most once a second, which
keeps the expiry it exists for, and `group_send` queues the message on each channel
directly instead of creating a task per channel.

Channels also built a new asyncio.Queue on every send and receive (an eager `setdefault`
default) and dropped each channel's queue whenever it ran empty; a queue now lives as long as
its consumer is receiving and is dropped when that receive is cancelled (the socket closed).
"""

import asyncio
import contextlib
import time
from copy import deepcopy

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer


class InMemoryChannelLayer(ChannelsInMemoryChannelLayer):
    sweep_interval = 1.0  # seconds; messages expire after `expiry` (60 s) all the same

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._last_sweep = float("-inf")

    def _clean_expired(self):
        now = time.monotonic()
        if now - self._last_sweep >= self.sweep_interval:
            self._last_sweep = now
            super()._clean_expired()

    def _queue(self, channel):
        queue = self.channels.get(channel)
        if queue is None:
            queue = self.channels[channel] = asyncio.Queue(maxsize=self.get_capacity(channel))
        return queue

    async def send(self, channel, message):
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_channel_name(channel)
        assert "__asgi_channel__" not in message
        try:
            self._queue(channel).put_nowait((time.time() + self.expiry, deepcopy(message)))
        except asyncio.QueueFull:
            raise ChannelFull(channel) from None

    async def receive(self, channel):
        self.require_valid_channel_name(channel)
        self._clean_expired()
        queue = self._queue(channel)
        try:
            _expires, message = await queue.get()
        except asyncio.CancelledError:
            if queue.empty() and self.channels.get(channel) is queue:
                del self.channels[channel]
            raise
        return message

    async def group_send(self, group, message):
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        for channel in list(self.groups.get(group, ())):
            # As in Channels: a full channel (a stuck socket) misses the message.
            with contextlib.suppress(ChannelFull):
                await self.send(channel, message)
