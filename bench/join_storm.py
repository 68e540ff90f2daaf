"""Join storm: N phones join within a few seconds, each at its own random moment.

    python -m bench.join_storm [N ...] [--window 10] [--server uvicorn]

Join latency is what a participant waits through: the join page, then their name posted (up to
the redirect to their phone page). The WebSocket that follows is timed on its own (connect until
the first state arrives).
"""

import argparse
import asyncio
import random
import time

from bench import harness


async def one_phone(phone, delay):
    await asyncio.sleep(delay)
    started = time.perf_counter()
    await phone.join()
    joined = time.perf_counter()
    await phone.connect()
    return joined - started, time.perf_counter() - joined


async def measure(server, count, window, profile=False):
    session = harness.new_session()
    phones = [harness.Phone(server.urls[0], session.join_code, f"P{n}") for n in range(count)]
    rng = random.Random(count)
    profiler = harness.profile(server, f"join-storm-{count}") if profile else None
    results = await asyncio.gather(
        *(one_phone(phone, rng.uniform(0, window)) for phone in phones), return_exceptions=True
    )
    if profiler:
        profiler.stop()
    errors = [r for r in results if isinstance(r, BaseException)]
    timings = [r for r in results if not isinstance(r, BaseException)]
    joined_in_db = session.participants.count()
    await harness.gather_limited([phone.close() for phone in phones], limit=500)
    return {
        "measure": "join_storm",
        "phones": count,
        "window_s": window,
        "join": harness.summary([join for join, _connect in timings]),
        "connect": harness.summary([connect for _join, connect in timings]),
        "errors": len(errors),
        "first_error": repr(errors[0])[:200] if errors else None,
        "participants_in_db": joined_in_db,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("counts", nargs="*", type=int, default=[1000])
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument("--server", default="uvicorn", choices=sorted(harness.Server.COMMANDS))
    parser.add_argument("--profile", action="store_true", help="py-spy the server's storm")
    args = parser.parse_args(argv)
    rows = asyncio.run(
        harness.measure_each(
            args.counts,
            args.server,
            lambda server, count: measure(server, count, args.window, args.profile),
        )
    )
    harness.report(f"join-storm-{harness.database_kind()}", rows)
    return rows


if __name__ == "__main__":
    main()
