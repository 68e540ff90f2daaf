"""Fanout: N phones connected, the facilitator reveals a card; how long until each phone has it.

    python -m bench.fanout [N ...] [--server daphne|uvicorn] [--workers 2]

Each N is measured against our server and against the bare `websockets` baseline with the
same number of sockets and the same bytes, in the same run.
"""

import argparse
import asyncio
import subprocess
import sys
import time

import aiohttp

from bench import harness

REVEALS = 5
WAIT = 20


async def wait_for_all(phones, started, marker, timeout=WAIT):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if all(phone.first_after(started, marker) for phone in phones):
            break
        await asyncio.sleep(0.01)
    arrivals = [phone.first_after(started, marker) for phone in phones]
    return [at - started for at in arrivals if at], sum(at is None for at in arrivals)


async def measure_ours(server, count, profile=False):
    session = harness.new_session()
    idle_rss = server.rss_bytes()
    phones, failed = await harness.join_all(server, session, count)
    host = await harness.Console().open(server.urls[0], session)
    latencies, lost, payload = [], 0, ""
    # One reveal that is not measured: a fresh process compiles its templates on first use.
    await host.command(session, "next")
    profiler = harness.profile(server, f"fanout-{server.kind}-{count}") if profile else None
    for number in range(1, REVEALS + 1):
        marker = f"Bench question {number}?"
        started = time.perf_counter()
        await host.command(session, "next")
        got, missing = await wait_for_all(phones, started, marker)
        latencies += got
        lost += missing
        payload = next((text for _at, text in phones[0].received if marker in text), payload)
    if profiler:
        profiler.stop()
    rss = server.rss_bytes()
    await host.close()
    await harness.gather_limited([phone.close() for phone in phones], limit=500)
    return latencies, lost, payload, (idle_rss, rss, len(phones)), failed


class BaselinePhone(harness.Listener):
    """A socket on the baseline server, listening exactly as our phones do."""

    async def connect(self, client, url):
        self.socket = await client.ws_connect(url, heartbeat=None)
        self.start_listening()


async def measure_baseline(count, payload):
    port = harness.free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.baseline", str(port)], cwd=harness.ROOT
    )
    try:
        url = f"ws://127.0.0.1:{port}"
        await asyncio.sleep(1)
        client = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        phones = [BaselinePhone() for _ in range(count)]
        await harness.gather_limited([phone.connect(client, f"{url}/phone") for phone in phones])
        trigger = await client.ws_connect(f"{url}/trigger", heartbeat=None)
        await asyncio.sleep(0.5)
        latencies, lost = [], 0
        for number in range(REVEALS):
            marker = f"<!-- reveal {number} -->"
            started = time.perf_counter()
            await trigger.send_str(payload + marker)
            got, missing = await wait_for_all(phones, started, marker)
            latencies += got
            lost += missing
        await harness.gather_limited([phone.close() for phone in phones], limit=500)
        await client.close()
        return latencies, lost
    finally:
        process.terminate()
        process.wait()


async def run(counts, kind, workers, profile=False):
    db_url = harness.database_url()
    env = harness.server_env(db_url)
    harness.migrate(env)
    harness.django_setup(db_url)
    rows = []
    with harness.Server(kind, workers, env) as server:
        for count in counts:
            ours, lost, payload, rss, failed = await measure_ours(server, count, profile)
            base, base_lost = await measure_baseline(count, payload)
            row = {
                "measure": "fanout",
                "phones": count,
                "server": kind,
                "workers": workers,
                "layer": "redis" if "REDIS_URL" in env else "in-memory",
                "database": db_url.split(":")[0],
                "reveals": REVEALS,
                **harness.summary(ours),
                "lost": lost,
                "join_or_connect_errors": len(failed),
                "first_error": repr(failed[0])[:200] if failed else None,
                "payload_bytes": len(payload.encode()),
                "baseline": {**harness.summary(base), "lost": base_lost},
                "p95_vs_baseline": round(
                    harness.summary(ours)["p95_ms"] / harness.summary(base)["p95_ms"], 2
                )
                if ours and base
                else None,
                "server_rss_mb": round(rss[1] / 2**20, 1),
                "rss_per_phone_kb": round((rss[1] - rss[0]) / max(rss[2], 1) / 1024, 1),
            }
            rows.append(row)
            print(row, flush=True)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("counts", nargs="*", type=int, default=[100, 500, 1000, 2000])
    parser.add_argument("--server", default="daphne", choices=sorted(harness.Server.COMMANDS))
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--name", default=None)
    parser.add_argument(
        "--profile", action="store_true", help="py-spy the server while cards are revealed"
    )
    args = parser.parse_args(argv)
    rows = asyncio.run(run(args.counts, args.server, args.workers, args.profile))
    harness.report(args.name or f"fanout-{args.server}-{args.workers}w", rows)
    return rows


if __name__ == "__main__":
    main()
