"""`make bench`: every benchmark, each writing bench/results/<name>.json.

    python -m bench.run [--quick]

Each part runs in a process of its own (each sets up Django on its own database). SQLite parts
run on a fresh file; PostgreSQL parts run where DATABASE_URL points at PostgreSQL and say so
where it does not. --quick runs smaller sizes (a smoke run, not the figures the README quotes).

The CPU costs run first: their /healthz cost (bench/results/healthz.json) is the unit every
later part's report quotes. Arrivals run last, on SQLite with one worker, and with PostgreSQL
and Redis on one and on two workers; the two burst throughputs give bench/results/
workers-ratio.json.
"""

import argparse
import json
import os
import subprocess
import sys

from bench import harness


def on_postgresql():
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


def part(module, *args, database="sqlite", **env):
    """Run `python -m bench.<module> args` on SQLite or on DATABASE_URL's PostgreSQL."""
    environment = {**os.environ, **env}
    if database == "sqlite":
        environment.pop("DATABASE_URL", None)
        environment.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, "-m", f"bench.{module}", *map(str, args)],
        cwd=harness.ROOT,
        env=environment,
        check=True,
    )


def skipped(name, why):
    print(json.dumps({"benchmark": name, "skipped": why}), flush=True)


# The goal for two workers (PostgreSQL + Redis) against one, in burst throughput.
WORKERS_GOAL = 1.7


def workers_ratio():
    """Join and answer throughput of two workers over one, from the arrivals' burst rows."""

    def burst(workers):
        path = harness.RESULTS / f"arrivals-postgresql-{workers}w.json"
        rows = json.loads(path.read_text())["rows"]
        return next(row for row in rows if row["scenario"] == "burst")

    one, two = burst(1), burst(2)
    row = {"measure": "workers_ratio", "phones": one["phones"], "goal": WORKERS_GOAL}
    for phase in ("joins", "answers"):
        # None where a run completed nothing (see its errors): no ratio, the goal not met.
        ratio = (
            round(two[phase]["per_s"] / one[phase]["per_s"], 2)
            if one[phase]["per_s"] and two[phase]["per_s"]
            else None
        )
        row[phase] = {"one_per_s": one[phase]["per_s"], "two_per_s": two[phase]["per_s"]}
        row[phase] |= {"ratio": ratio, "met": ratio is not None and ratio >= WORKERS_GOAL}
    harness.report("workers-ratio", [row])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    quick = args.quick
    counts = [50, 200] if quick else [100, 500, 1000, 2000]
    crowd = 100 if quick else 1000
    stories, searches = (20_000, 20) if quick else (1_000_000, 100)
    costs = ["--phones", 50, "--healthz", 500] if quick else []

    part("costs", *costs)
    for server in ("uvicorn", "daphne"):
        part("fanout", *counts, "--server", server)
    part("join_storm", crowd)
    part("answer_burst", crowd)
    part("pages")
    part("archive_search", stories, searches)
    if on_postgresql():
        # healthz.json keeps the SQLite run's figure: one unit for the whole run.
        part("costs", *costs, "--keep-healthz", database="postgresql")
        part("answer_burst", crowd, database="postgresql")
        part("archive_search", stories, searches, database="postgresql")
        if os.environ.get("REDIS_URL"):
            part("fanout", *counts, "--server", "uvicorn", "--workers", "2", database="postgresql")
        else:
            skipped("fanout-uvicorn-2w", "needs REDIS_URL as well as DATABASE_URL")
    else:
        why = "needs DATABASE_URL pointing at PostgreSQL"
        for name in (
            "costs-postgresql",
            "answer-burst-postgresql",
            "archive-search-postgresql",
            "fanout-uvicorn-2w",
        ):
            skipped(name, why)
    run_arrivals(crowd, quick)


def run_arrivals(crowd, quick):
    """Arrivals on SQLite, then on PostgreSQL and Redis with one worker and with two."""
    # A tenth of the phones in a tenth of the time: the rate of arrivals stays the same.
    arrivals = ["--phones", crowd, "--scale", 0.1 if quick else 1]
    part("arrivals", *arrivals)
    if on_postgresql() and os.environ.get("REDIS_URL"):
        # One worker and two on the same PostgreSQL and Redis, so only the workers differ.
        for workers in (1, 2):
            part("arrivals", *arrivals, "--workers", workers, database="postgresql")
        workers_ratio()
    else:
        why = "needs DATABASE_URL pointing at PostgreSQL, and REDIS_URL"
        for name in ("arrivals-postgresql-1w", "arrivals-postgresql-2w", "workers-ratio"):
            skipped(name, why)


if __name__ == "__main__":
    main()
