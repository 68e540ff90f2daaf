"""`make bench`: every benchmark, each writing bench/results/<name>.json.

    python -m bench.run [--quick]

Each part runs in a process of its own (each sets up Django on its own database). SQLite parts
run on a fresh file; PostgreSQL parts run where DATABASE_URL points at PostgreSQL and say so
where it does not. --quick runs smaller sizes (a smoke run, not the figures the README quotes).
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    quick = args.quick
    counts = [50, 200] if quick else [100, 500, 1000, 2000]
    crowd = 100 if quick else 1000
    stories, searches = (20_000, 20) if quick else (1_000_000, 100)

    for server in ("uvicorn", "daphne"):
        part("fanout", *counts, "--server", server)
    part("join_storm", crowd)
    part("answer_burst", crowd)
    part("pages")
    part("archive_search", stories, searches)
    if on_postgresql():
        part("answer_burst", crowd, database="postgresql")
        part("archive_search", stories, searches, database="postgresql")
        if os.environ.get("REDIS_URL"):
            part("fanout", *counts, "--server", "uvicorn", "--workers", "2", database="postgresql")
        else:
            skipped("fanout-uvicorn-2w", "needs REDIS_URL as well as DATABASE_URL")
    else:
        why = "needs DATABASE_URL pointing at PostgreSQL"
        for name in ("answer-burst-postgresql", "archive-search-postgresql", "fanout-uvicorn-2w"):
            skipped(name, why)


if __name__ == "__main__":
    main()
