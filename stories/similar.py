"""Stories like this one, at the foot of a story's page.

A published story is like this one when it shares this story's rarer words. Each word of this
story (its language's stop words left out, as in `stories.distinctive`) weighs its inverse
document frequency, log(published stories / stories that use it), and a story scores the sum
of the words it shares (found through the archive's full-text search, so "waited" also finds
"waiting"); the best scores come first, then the newest. Only published stories are shown,
never this one, and anonymous tellers stay unnamed (`author_label`).

Bounded cost: at most `WORDS` words are looked up (the longest: long words are the rarer ones),
each in one query that reads at most `COMMON` + 1 stories. A word more than `COMMON` stories use
is this archive's equivalent of a stop word (like a maximum document frequency in tf-idf): it
would weigh little and cost the most, so it is left out. In an archive whose words are all that
common (the seeded one, made from a few dozen sentences) no story is similar enough to show.
The choice is kept in the cache for `CACHE_SECONDS`, by id, and the stories read again on
every view, so a story hidden or withdrawn since never shows. At 100,000 seeded stories, on a
machine shared with other test runs (load 7 on 2 CPUs), a first look-up took a median of 74 ms
(SQLite) and 130 ms (PostgreSQL) for stories with rare words, 129 / 171 ms for seeded ones;
a kept choice costs one query.
"""

import math

from django.core.cache import cache

from stories import search
from stories.distinctive import words as story_words
from stories.models import Story

SHOWN = 4
WORDS = 6
COMMON = 1000
# The choice is kept this long (ids only): a story shared since shows up a little later, while
# one hidden or withdrawn since drops out at once, as every shown story is read again.
CACHE_SECONDS = 600
# A story must share this many looked-up words (or all of them, for a story with fewer).
MIN_SHARED = 2


def looked_up_words(story):
    """The words of the story worth looking up: the longest first, at most WORDS."""
    found = {word for word in story_words(story.text, story.language) if word}
    return sorted(found, key=lambda word: (-len(word), word))[:WORDS]


def archive_size():
    """How many stories the archive holds, near enough for a word's weight: the highest id
    (an upper bound, read from the primary key's index). Counting the published stories
    instead took 110 ms at 100,000 stories on PostgreSQL."""
    newest = Story.objects.order_by("-pk").values_list("pk", flat=True).first()
    return newest or 0


def similar_to(story):
    """Up to SHOWN published stories most like `story`, best first."""
    key = f"stories:similar:{story.pk}"
    best = cache.get(key)
    if best is None:
        best = most_similar(story)
        cache.set(key, best, CACHE_SECONDS)
    if not best:
        return []
    found = Story.objects.published().filter(pk__in=best).prefetch_related("tags")
    by_pk = {each.pk: each for each in found}
    return [by_pk[pk] for pk in best if pk in by_pk]


def most_similar(story):
    """The ids of up to SHOWN published stories most like `story`, best first."""
    chosen_words = looked_up_words(story)
    if not chosen_words:
        return []
    others = Story.objects.published().exclude(pk=story.pk)
    users_by_word = {}
    for word in chosen_words:
        # Unordered: sorting every match would cost what the bound saves.
        matches = search.matching(others, word).order_by()
        users = list(matches.values_list("pk", "created_at")[: COMMON + 1])
        if 0 < len(users) <= COMMON:
            users_by_word[word] = users
    if not users_by_word:
        return []
    total = archive_size()
    scores, shared, newest = {}, {}, {}
    for users in users_by_word.values():
        weight = math.log((total + 1) / (len(users) + 1))
        for pk, created_at in users:
            scores[pk] = scores.get(pk, 0) + weight
            shared[pk] = shared.get(pk, 0) + 1
            newest[pk] = (created_at, pk)
    needed = min(MIN_SHARED, len(chosen_words))
    candidates = sorted((pk for pk in scores if shared[pk] >= needed), key=newest.get, reverse=True)
    return sorted(candidates, key=lambda pk: -scores[pk])[:SHOWN]
