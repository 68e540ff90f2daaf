"""Arrivals: a room's phones joining and answering as a workshop spreads them out in time.

    python -m bench.arrivals [--phones 1000] [--workers 1] [--scenario even|one-address|burst|all]
                             [--scale 1]

Scenarios (--scale multiplies every window: 0.1 keeps the rate of arrivals with a tenth of the
phones, for a smoke run):

  even         phone i starts joining at i*60/N s; once all have joined, the console reveals a
               card and phone i answers it at i*30/N s. Goal: join and answer p95 <= 150 ms,
               no errors.
  one-address  phone i starts joining at i*120/N s, all from one address (a venue's Wi-Fi)
               with the app's real rate limits. Goal: none refused, join p95 <= 150 ms.
  burst        every phone joins at a random moment within 10 s, then answers at a random
               moment within 2 s. Reported: p95 and throughput (completed per second over the
               phase's wall time); goal p95 <= 5 s each.

A join is what a participant waits through: the join page, their name posted, the phone page
it redirects to. The phone's socket (connect until its first state) follows and is timed on
its own. An answer is the htmx POST of the answer form.

--workers 2 needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL): phones are spread over the
workers round robin. bench/run.py compares the burst throughputs of 1 and 2 workers. Results:
bench/results/arrivals-<database>-<workers>w.json, one row per scenario.
"""

import argparse
import asyncio
import json
import os
import random
import time

from bench import harness

# Windows in seconds (joins, answers) before --scale.
WINDOWS = {"even": (60, 30), "one-address": (120, None), "burst": (10, 2)}
# Goals of the issue ("Performance, part two"), in milliseconds.
GOAL_P95_MS = {"even": 150, "one-address": 150, "burst": 5000}
REVEAL_WAIT = 30


class Refused(Exception):
    """The server answered with a status a browser shows as a refusal (4xx or 5xx)."""


def check(status, expected, step):
    if status >= 400:
        raise Refused(f"{step}: {status}")
    if status != expected:
        raise RuntimeError(f"{step}: {status}, not {expected}")


async def join(phone):
    """The join page, the name posted, the phone page, each status checked."""
    phone.browser = await harness.new_browser()
    url = f"{phone.base}/join/{phone.code}/"
    async with phone.browser.get(url) as response:
        await response.read()
        check(response.status, 200, "join page")
    token = harness.csrf_token(phone.browser.cookie_jar)
    data = {"display_name": phone.name, "csrfmiddlewaretoken": token}
    async with phone.browser.post(
        url, data=data, headers={"Referer": url}, allow_redirects=False
    ) as response:
        await response.read()
        check(response.status, 302, "name posted")
    check(await phone.open_page(), 200, "phone page")


async def at_moment(start, moment):
    """Sleep until `start + moment`; how late the load generator got there (its own lag)."""
    await asyncio.sleep(max(0.0, start + moment - time.perf_counter()))
    return time.perf_counter() - (start + moment)


async def arrive(phone, start, moment):
    lag = await at_moment(start, moment)
    began = time.perf_counter()
    await join(phone)
    joined = time.perf_counter()
    await phone.connect()
    done = time.perf_counter()
    return {"join": joined - began, "connect": done - joined, "done": done, "lag": lag}


async def answer(phone, start, moment):
    from django.urls import reverse

    lag = await at_moment(start, moment)
    url = phone.base + reverse("live_sessions:answer", args=[phone.code])
    began = time.perf_counter()
    status = await harness.post(phone.browser, url, {"text": f"Answer from {phone.name}"}, True)
    check(status, 200, "answer")
    done = time.perf_counter()
    return {"answer": done - began, "done": done, "lag": lag}


def moments(scenario, count, window):
    """When each phone starts: evenly spread, or (a burst) at random."""
    if scenario == "burst":
        rng = random.Random(count)
        return [rng.uniform(0, window) for _ in range(count)]
    return [number * window / count for number in range(count)]


def phase(results, start, key, window):
    """A phase's latencies, errors and throughput, from its results (dicts or exceptions)."""
    done = [r for r in results if not isinstance(r, BaseException)]
    errors = [r for r in results if isinstance(r, BaseException)]
    wall = max((r["done"] for r in done), default=start) - start
    return {
        key: harness.summary([r[key] for r in done]),
        "completed": len(done),
        "errors": len(errors),
        "refused": sum(isinstance(e, Refused) for e in errors),
        "first_error": repr(errors[0])[:200] if errors else None,
        "wall_s": round(wall, 2),
        # Completed per second over the phase; it cannot pass the offered rate, so a figure
        # near `offered_per_s` says the server kept up, not how much more it could take.
        "per_s": round(len(done) / wall, 1) if wall > 0 else None,
        "offered_per_s": round(len(results) / window, 1),
        "generator_lag_max_ms": round(max((r["lag"] for r in done), default=0) * 1000, 1),
    }


async def reveal(server, session, phones):
    """The console opens and reveals the first card; wait until every phone has it."""
    console = await harness.Console().open(server.urls[0], session)
    started = time.perf_counter()
    await console.command(session, "next")
    deadline = started + REVEAL_WAIT
    while time.perf_counter() < deadline:
        if all(phone.first_after(started, "Bench question 0?") for phone in phones):
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    return console


async def spread(step, phones, moments_s):
    """`step(phone, start, moment)` for every phone at its moment: the results and the start."""
    start = time.perf_counter()
    results = await asyncio.gather(
        *(step(phone, start, at) for phone, at in zip(phones, moments_s, strict=True)),
        return_exceptions=True,
    )
    return results, start


async def scenario(server, name, count, scale):
    join_window, answer_window = (round(w * scale, 3) if w else None for w in WINDOWS[name])
    session = harness.new_session()
    phones = [
        harness.Phone(server.urls[number % len(server.urls)], session.join_code, f"P{number}")
        for number in range(count)
    ]
    results, start = await spread(arrive, phones, moments(name, count, join_window))
    row = {"joins": phase(results, start, "join", join_window)}
    ok = [r for r in results if not isinstance(r, BaseException)]
    row["joins"]["connect"] = harness.summary([r["connect"] for r in ok])
    joined = [p for p, r in zip(phones, results, strict=True) if not isinstance(r, BaseException)]
    if answer_window and joined:
        console = await reveal(server, session, joined)
        results, start = await spread(answer, joined, moments(name, len(joined), answer_window))
        row["answers"] = phase(results, start, "answer", answer_window)
        await console.close()
    await harness.gather_limited([phone.close() for phone in phones], limit=500)
    return {
        "measure": "arrivals",
        "scenario": name,
        "phones": count,
        "join_window_s": join_window,
        "answer_window_s": answer_window,
        "participants_in_db": session.participants.count(),
        **row,
        **verdict(name, row),
    }


def verdict(name, row):
    """The issue's goals for this scenario, and whether this run met them."""
    goal = GOAL_P95_MS[name]
    goals = {"join_p95_ms": goal}
    met = {"join_p95_ms": (row["joins"]["join"]["p95_ms"] or float("inf")) <= goal}
    if "answers" in row:
        goals["answer_p95_ms"] = goal
        met["answer_p95_ms"] = (row["answers"]["answer"]["p95_ms"] or float("inf")) <= goal
    if name == "even":
        goals["errors"] = 0
        met["errors"] = row["joins"]["errors"] + row.get("answers", {}).get("errors", 0) == 0
    if name == "one-address":
        goals["refused"] = 0
        met["refused"] = row["joins"]["refused"] == 0
    return {"goals": goals, "met": met}


async def warm_up(server):
    """A fresh process compiles its templates on first use: a few phones, not measured."""
    session = harness.new_session()
    phones = [harness.Phone(url, session.join_code, f"W{n}") for n, url in enumerate(server.urls)]
    for phone in phones:
        await arrive(phone, time.perf_counter(), 0)
    console = await reveal(server, session, phones)
    for phone in phones:
        await answer(phone, time.perf_counter(), 0)
    await console.close()
    await harness.gather_limited([phone.close() for phone in phones])


async def run(names, count, workers, scale):
    db_url = harness.database_url()
    harness.migrate(harness.server_env(db_url))
    harness.django_setup(db_url)
    rows = []
    for name in names:
        # A fresh server each: the one-address scenario runs with the real limits.
        env = harness.server_env(db_url, real_limits=name == "one-address")
        with harness.Server("uvicorn", workers, env) as server:
            await warm_up(server)
            row = await scenario(server, name, count, scale)
        database = harness.database_kind()
        rows.append({**row, "workers": workers, "scale": scale, "database": database})
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--scenario", default="all", choices=[*WINDOWS, "all"])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every window")
    args = parser.parse_args(argv)
    name = f"arrivals-{harness.database_kind()}-{args.workers}w"
    if args.workers > 1 and not (
        harness.database_kind() == "postgresql" and os.environ.get("REDIS_URL")
    ):
        # Workers share nothing but the database and the channel layer: SQLite and the
        # in-memory layer would measure something no deployment runs.
        why = "more than one worker needs DATABASE_URL (PostgreSQL) and REDIS_URL"
        print(json.dumps({"benchmark": name, "skipped": why}), flush=True)
        return None
    names = list(WINDOWS) if args.scenario == "all" else [args.scenario]
    rows = asyncio.run(run(names, args.phones, args.workers, args.scale))
    harness.report(name, rows)
    return rows


if __name__ == "__main__":
    main()
