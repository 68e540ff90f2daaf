"""How fast the story archive answers, on an archive of N seeded stories.

    python -m bench.archive_search [stories] [searches] [--label before]

Seeds the archive with `manage.py seed_stories` when it holds fewer stories than asked (a
big archive is best seeded once, beforehand, into a database of its own), then asks the
archive typical searches (a word, two words, a phrase; alone or with one filter) through
Django with the production settings (DEBUG off), three ways:

- results: the archive page, which shows the stories found without the filter counts;
- counts: the counts route the page then loads (the filter panel with its counts);
- whole: both, one after the other, as a browser with JavaScript asks them.

The same three are measured apart for browsing without words ("browse-results" and so on):
newest first, every story counted. Before the counts had a route of their own the archive
page was the whole page: then only "whole" is measured. Writes
bench/results/archive-search-<database>-<size>[-<label>].json. Uses a throwaway SQLite file
unless DATABASE_URL is set.
"""

import argparse
import os
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(40))
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxworkshop.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from bench import harness  # noqa: E402
from stories.models import Story  # noqa: E402

WORDS = ["waiting", "nurse", "barista remembered", '"on hold"', "refund", "pharmacy", "loyal"]
MEASURES = ["results", "counts", "whole", "browse-results", "browse-counts", "browse-whole"]
FILTERS = [
    {},
    {"valence": "frustrated"},
    {"level": "moment"},
    {"tag": "loyalty"},
    {"featured": "1"},
]


def size_name(count):
    return f"{count // 1_000_000}m" if count % 1_000_000 == 0 else f"{count // 1000}k"


def timed(client, url, params):
    started = time.perf_counter()
    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.status_code)
    return time.perf_counter() - started


def main(count=100_000, searches=100, label=""):
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    present = Story.objects.count()
    if present < count:
        call_command("seed_stories", count=count - present, seed=1)
    user, _ = User.objects.get_or_create(email="bench@example.com", defaults={"name": "Bench"})
    client = Client()
    client.force_login(user)
    archive = reverse("stories:archive")
    try:
        counts = reverse("stories:archive-counts")
    except NoReverseMatch:
        counts = None
    rng = random.Random(3)
    cases = [{"q": rng.choice(WORDS), **rng.choice(FILTERS)} for _index in range(searches)]
    cases += [{"q": "", **filters} for filters in FILTERS for _index in range(2)]
    # One request first, so the database's caches are as warm as an archive in use.
    timed(client, archive, cases[0])
    samples = {name: [] for name in MEASURES}
    for params in cases:
        prefix = "" if params["q"] else "browse-"
        if counts is None:
            samples[f"{prefix}whole"].append(timed(client, archive, params))
            continue
        results = timed(client, archive, params)
        samples[f"{prefix}results"].append(results)
        samples[f"{prefix}counts"].append(timed(client, counts, params))
        samples[f"{prefix}whole"].append(results + samples[f"{prefix}counts"][-1])
    common = {"stories": Story.objects.count(), "database": connection.vendor}
    name = f"archive-search-{harness.database_kind()}-{size_name(count)}"
    harness.report(
        f"{name}-{label}" if label else name,
        [
            {"measure": measure, **common, "requests": len(times)} | harness.summary(times)
            for measure, times in samples.items()
            if times
        ],
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("stories", type=int, nargs="?", default=100_000)
    parser.add_argument("searches", type=int, nargs="?", default=100)
    parser.add_argument("--label", default="", help="Added to the results file's name.")
    args = parser.parse_args()
    main(args.stories, args.searches, args.label)
