"""The bare broadcast baseline: a minimal `websockets` server, nothing else.

    python -m bench.baseline PORT

Phones connect to any path; whatever arrives on `/trigger` is sent, byte for byte, to every
phone at once. It is the floor our server is measured against: same machine, same clients.
"""

import asyncio
import sys

import websockets

PHONES = set()


async def handler(connection):
    if connection.request.path == "/trigger":
        async for message in connection:
            websockets.broadcast(PHONES, message)
        return
    PHONES.add(connection)
    try:
        await connection.wait_closed()
    finally:
        PHONES.discard(connection)


async def main(port):
    async with websockets.serve(handler, "127.0.0.1", port, ping_interval=None, max_queue=None):
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
