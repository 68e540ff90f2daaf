"""How fast the story archive answers searches, on an archive of N seeded stories.

    python -m bench.archive_search [stories] [searches] [pages]

Seeds the archive with `manage.py seed_stories` when it holds fewer stories than asked,
then times typical searches (words, phrases, with and without filters) two ways:
the search query alone (ranked first page) and, for the first `pages` of them (default 40),
the whole archive page through Django (search, filter counts, page of results), with the
production settings (DEBUG off). Uses a throwaway SQLite file unless DATABASE_URL is set.
"""

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
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from bench import harness  # noqa: E402
from stories import search  # noqa: E402
from stories.models import Story  # noqa: E402

WORDS = ["waiting", "nurse", "barista remembered", '"on hold"', "refund", "pharmacy", "loyal"]
FILTERS = [
    {},
    {"valence": "frustrated"},
    {"level": "moment"},
    {"tag": "loyalty"},
    {"featured": "1"},
]


def main(count=100_000, searches=200, pages=40):
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    present = Story.objects.count()
    if present < count:
        call_command("seed_stories", count=count - present, seed=1)
    user, _ = User.objects.get_or_create(email="bench@example.com", defaults={"name": "Bench"})
    client = Client()
    client.force_login(user)
    rng = random.Random(3)
    cases = [(rng.choice(WORDS), rng.choice(FILTERS)) for _index in range(searches)]
    query_times, page_times = [], []
    for words, filters in cases:
        started = time.perf_counter()
        stories = Story.objects.published()
        for name, value in filters.items():
            field = {"level": "cx_level", "featured": "is_featured", "tag": "tags__slug"}.get(
                name, name
            )
            stories = stories.filter(**{field: True if name == "featured" else value})
        list(search.ranked(search.matching(stories, words), words)[:20])
        query_times.append(time.perf_counter() - started)
        if len(page_times) == pages:
            continue
        started = time.perf_counter()
        response = client.get(reverse("stories:archive"), {"q": words, **filters})
        assert response.status_code == 200
        page_times.append(time.perf_counter() - started)
    common = {"stories": Story.objects.count(), "database": connection.vendor}
    harness.report(
        f"archive-search-{harness.database_kind()}",
        [
            {"measure": "archive_search_query", **common, "searches": searches}
            | harness.summary(query_times),
            {"measure": "archive_search_page", **common, "searches": len(page_times)}
            | harness.summary(page_times),
        ],
    )


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:4]))
