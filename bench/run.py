"""`make bench`: every benchmark, each writing bench/results/<name>.json.

    python -m bench.run [--quick]

PostgreSQL parts run where DATABASE_URL points at PostgreSQL and say so where it does not.
--quick runs smaller sizes (a smoke run, not the figures the README quotes).
"""

import argparse
import os
import subprocess
import sys

from bench import fanout, harness


def archive_search(stories, searches):
    env = {**os.environ}
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "bench/archive_search.py", str(stories), str(searches)],
        cwd=harness.ROOT,
        env=env,
        check=True,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    counts = [50, 200] if args.quick else [100, 500, 1000, 2000]
    for server in ("uvicorn", "daphne"):
        fanout.main([*map(str, counts), "--server", server])
    if os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL"):
        fanout.main([*map(str, counts), "--server", "uvicorn", "--workers", "2"])
    else:
        skipped = "needs DATABASE_URL (PostgreSQL) and REDIS_URL"
        print(f'{{"benchmark": "fanout-uvicorn-2w", "skipped": "{skipped}"}}')
    archive_search(20_000 if args.quick else 1_000_000, 50 if args.quick else 200)


if __name__ == "__main__":
    main()
