"""CPU cost per request: a phone joining and a phone answering, in /healthz requests.

    python -m bench.costs [--phones 200] [--healthz 2000] [--rounds 3] [--keep-healthz] [--profile]

One Uvicorn worker (SQLite, or DATABASE_URL). The server process's CPU time (user + system,
read with psutil) is taken before and after each phase, with ~10 clients at a time:
K /healthz requests on kept-alive connections; M phones joining (the join page, the name
posted, the phone page, the phone's socket until its first state); then, once the console has
revealed a card, those M phones answering it. A cost is the phase's CPU time over its count.

/healthz (one `SELECT 1`) is the unit: its cost moves with the machine as the others do, so
the ratios can be compared across machines where milliseconds cannot. Its cost is written to
bench/results/healthz.json too (unless --keep-healthz), for every part's report to quote.
"""

import argparse
import asyncio
import statistics
import time

import aiohttp

from bench import answer_burst, harness

CONCURRENCY = 10
# Goals of the issue ("Performance, part two"), as multiples of one /healthz request.
GOALS = {"join": 3, "answer": 2}
# After a phase, work it set off (a broadcast after a commit) may still be running.
SETTLE = 0.5


async def cpu_of(server, phase, profile=None):
    """Server CPU seconds used by `await phase()` (and what it set off), and its result; with
    `profile` (a name), py-spy samples the phase into bench/results/profile-<name>.json."""
    await asyncio.sleep(SETTLE)
    profiler = harness.profile(server, profile) if profile else None
    before = server.cpu_seconds()
    result = await phase()
    await asyncio.sleep(SETTLE)
    spent = server.cpu_seconds() - before
    if profiler:
        profiler.stop()
    return spent, result


async def healthz(server, count):
    """`count` GETs of /healthz from CONCURRENCY clients, each on a kept-alive connection."""
    url = server.urls[0] + "/healthz"
    todo = iter(range(count))
    failures = []
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as client:

        async def client_loop():
            for _request in todo:
                async with client.get(url) as response:
                    await response.read()
                    if response.status != 200:
                        failures.append(response.status)

        await asyncio.gather(*(client_loop() for _ in range(CONCURRENCY)))
    return failures


async def arrive(phone):
    """Everything a phone's arrival asks of the server, as a browser does it."""
    await phone.join()
    status = await phone.open_page()
    if status != 200:
        raise RuntimeError(f"phone page: {status}")
    await phone.connect()


async def join(server, session, count):
    phones = [harness.Phone(server.urls[0], session.join_code, f"P{n}") for n in range(count)]
    results = await harness.gather_limited([arrive(phone) for phone in phones], CONCURRENCY)
    return phones, [r for r in results if isinstance(r, BaseException)]


async def answer(phones):
    results = await harness.gather_limited(
        [answer_burst.answer(phone) for phone in phones], CONCURRENCY
    )
    return [r for r in results if isinstance(r, BaseException)]


async def warm_up(server):
    """A fresh process compiles its templates and imports lazily on first use: not measured."""
    await healthz(server, 50)
    session = harness.new_session()
    phones, _failed = await join(server, session, 5)
    console = await harness.Console().open(server.urls[0], session)
    await console.command(session, "next")
    await answer(phones)
    await console.close()
    await harness.gather_limited([phone.close() for phone in phones])


def per_request_ms(seconds, count):
    return round(seconds * 1000 / count, 3)


async def one_round(server, phones, requests, profile):
    """CPU seconds of `requests` /healthz, of `phones` joining a new session, and of their
    answers to its first card; and the failures."""
    healthz_s, healthz_failed = await cpu_of(server, lambda: healthz(server, requests))
    session = harness.new_session()
    join_s, (joined, join_failed) = await cpu_of(
        server, lambda: join(server, session, phones), "costs-join" if profile else None
    )
    console = await harness.Console().open(server.urls[0], session)
    await console.command(session, "next")  # the first card: a question
    await asyncio.sleep(1)  # the reveal reaches every phone before the answers are timed
    answer_s, answer_failed = await cpu_of(
        server, lambda: answer(joined), "costs-answer" if profile else None
    )
    await console.close()
    await harness.gather_limited([phone.close() for phone in joined], limit=500)
    costs = {
        "healthz": per_request_ms(healthz_s, requests),
        "join": per_request_ms(join_s, phones),
        "answer": per_request_ms(answer_s, phones),
    }
    return costs, [*healthz_failed, *join_failed, *answer_failed]


async def measure(server, phones, requests, rounds, profile=False):
    """`rounds` rounds on one server process; each cost is the median of its rounds (a round's
    figures move by a fifth from one to the next on this shared machine)."""
    await warm_up(server)
    idle, _none = await cpu_of(server, lambda: asyncio.sleep(2))
    measured, failures = [], []
    for number in range(rounds):
        costs, failed = await one_round(server, phones, requests, profile and number == 0)
        measured.append(costs)
        failures += failed
    costs = {kind: statistics.median(c[kind] for c in measured) for kind in measured[0]}
    ratios = {kind: round(costs[kind] / costs["healthz"], 2) for kind in GOALS}
    return {
        "measure": "costs",
        "healthz_requests": requests,
        "phones": phones,
        "concurrency": CONCURRENCY,
        "rounds": measured,
        "cpu_ms": costs,
        "vs_healthz": ratios,
        "goals_vs_healthz": GOALS,
        "met": {kind: ratios[kind] <= goal for kind, goal in GOALS.items()},
        "idle_cpu_ms_per_s": round(idle * 1000 / (2 + 2 * SETTLE), 2),
        "errors": len(failures),
        "first_error": repr(failures[0])[:200] if failures else None,
    }


async def run(phones, requests, keep_healthz, rounds=3, profile=False):
    db_url = harness.database_url()
    env = harness.server_env(db_url)
    harness.migrate(env)
    harness.django_setup(db_url)
    with harness.Server("uvicorn", 1, env) as server:
        row = await measure(server, phones, requests, rounds, profile)
    row = {**row, "server": "uvicorn", "database": harness.database_kind()}
    if not keep_healthz:
        harness.record_healthz(row["cpu_ms"]["healthz"], row["database"])
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--healthz", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3, help="each cost: the median of these")
    parser.add_argument(
        "--keep-healthz",
        action="store_true",
        help="leave bench/results/healthz.json as it is (another database's run made it)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="py-spy the join and the answer phases"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    row = asyncio.run(run(args.phones, args.healthz, args.keep_healthz, args.rounds, args.profile))
    row["duration_s"] = round(time.perf_counter() - started, 1)
    harness.report(f"costs-{row['database']}", [row])
    return row


if __name__ == "__main__":
    main()
