"""What sets stories apart: the words and two-word phrases one group of stories uses more than
another ("made me feel valued" against "left me frustrated"; each CX level against the other
two), for the insights page.

The statistic is the weighted log-odds ratio with an informative Dirichlet prior (Monroe,
Colaresi & Quinn 2008, "Fightin' Words"). The prior is the whole filtered sample's
counts, so a term every kind of story uses is pulled towards zero and a rare one cannot top the
list on two mentions; each term gets a z-score, positive where the first group uses it more,
and swapping the groups only flips its sign. A story counts a term once, however often it
repeats it, so one long story cannot make a word distinctive.

Each story is read in its own language (`Story.language`): that language's stop words
(`cxworkshop.stopwords`) are left out of it, so "de" and "het" go from a Dutch story and "the"
from an English one, while a Dutch story's "die" ("that") goes and an English story's "die"
stays. The statistic is the same whatever the mix; a phrase is two neighbouring words, neither
of them a stop word.

The texts read are the newest `SAMPLE_SIZE` published stories of the filters (one query), so the
page costs the same at 5,000 stories as at 1,000,000. At 100,000 seeded stories this section took
105-170 ms on SQLite with the machine lightly loaded, and a median of 230-460 ms on SQLite and
PostgreSQL alike with it shared by other test runs (load 7 on 2 CPUs), when the page's older
charts took 560-1,770 ms there.
"""

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from cxworkshop.stopwords import stop_words
from stories.models import Story, Valence

SAMPLE_SIZE = 5000
# A group with fewer stories is not compared, and a term fewer of its stories use is not shown:
# below that the ranking is noise.
MIN_GROUP_STORIES = 5
MIN_TERM_STORIES = 3
# |z| above 1.96: a difference that chance alone would give less than one time in twenty.
MIN_Z = 1.96
TOP_TERMS = 8

# A word (with any apostrophes inside it), or a run of punctuation that ends a phrase.
TOKEN = re.compile(r"(\w+(?:'\w+)*)|[^\w\s]+")


def words(text, language=settings.LANGUAGE_CODE):
    """The words of a text in `language`, lower case, with that language's stop words, numbers,
    single letters and punctuation as None (they keep their place, so that no phrase is made
    across them)."""
    stop = stop_words(language)
    found = []
    for word in TOKEN.findall(text.lower().replace("’", "'")):
        if not word or word in stop or len(word) < 2 or word.isdigit():
            found.append(None)
        elif word.endswith("'s"):
            # "the customer's name": the customer is what the story is about.
            found.append(word[:-2])
        else:
            found.append(word)
    return found


def terms(text, language=settings.LANGUAGE_CODE):
    """The set of words and two-word phrases a text in `language` uses."""
    kept = words(text, language)
    found = {word for word in kept if word}
    pairs = itertools.pairwise(kept)
    found.update(
        f"{first} {second}" for first, second in pairs if first and second and first != second
    )
    return found


def log_odds(first, second, prior):
    """Each term's z-score: how much more `first` uses it than `second` (negative: less).

    `first`, `second` and `prior` are Counters of term -> count; every term of the groups must be
    in the prior (it is, when the prior counts a sample that holds both groups).
    """
    first_total, second_total = sum(first.values()), sum(second.values())
    prior_total = sum(prior.values())
    scores = {}
    for term, alpha in prior.items():
        in_first, in_second = first[term] + alpha, second[term] + alpha
        rest_first = first_total + prior_total - in_first
        rest_second = second_total + prior_total - in_second
        if rest_first <= 0 or rest_second <= 0:
            continue  # The only term there is: nothing to compare it with.
        delta = math.log(in_first / rest_first) - math.log(in_second / rest_second)
        variance = 1 / in_first + 1 / in_second
        scores[term] = delta / math.sqrt(variance)
    return scores


@dataclass
class Term:
    text: str
    z: float
    stories: int  # stories of the group that use it
    others: int  # stories of the other group that use it
    filters: dict = field(default_factory=dict)
    width: float = 0  # of its bar, in SVG units
    query_string: str = ""

    @property
    def query(self):
        return f'"{self.text}"'


@dataclass
class Side:
    """One group of a comparison and the terms that set it apart."""

    label: str
    filters: dict  # the archive filter that selects the group, e.g. {"valence": "valued"}
    stories: int
    other_label: str
    other_stories: int
    terms: list = field(default_factory=list)

    @property
    def tone(self):
        return self.filters.get("valence", "plain")


@dataclass
class Comparison:
    slug: str
    title: str
    sides: list
    enough: bool

    @property
    def has_terms(self):
        return any(side.terms for side in self.sides)


BAR_WIDTH = 120


@dataclass
class Group:
    """Some stories of the sample: the terms they use (each counted once a story) and how many."""

    label: str
    filters: dict | None  # the archive filter that selects them; None: no single filter does
    counts: Counter = field(default_factory=Counter)
    stories: int = 0

    def add(self, found):
        self.counts.update(found)
        self.stories += 1


def side(group, other, scores, sign):
    """The terms that set `group` apart from `other`, most distinctive first."""
    chosen = sorted(
        (
            (sign * z, term)
            for term, z in scores.items()
            if sign * z >= MIN_Z and group.counts[term] >= MIN_TERM_STORIES
        ),
        key=lambda item: (-item[0], item[1]),
    )[:TOP_TERMS]
    top = chosen[0][0] if chosen else 1
    found = [
        Term(term, z, group.counts[term], other.counts[term], group.filters, BAR_WIDTH * z / top)
        for z, term in chosen
    ]
    return Side(group.label, group.filters, group.stories, other.label, other.stories, found)


def compare(slug, title, first, second, prior):
    """The terms that set each group apart from the other (a group without filters is only
    the background of the comparison)."""
    enough = min(first.stories, second.stories) >= MIN_GROUP_STORIES
    sides = []
    if enough:
        scores = log_odds(first.counts, second.counts, prior)
        sides = [side(first, second, scores, 1)]
        if second.filters is not None:
            sides.append(side(second, first, scores, -1))
    return Comparison(slug, title, sides, enough)


def sample(stories):
    """The newest published stories of `stories`, at most SAMPLE_SIZE: (text, language, valence,
    level)."""
    newest = stories.published().order_by("-created_at", "-id")
    return list(newest.values_list("text", "language", "valence", "cx_level")[:SAMPLE_SIZE])


def comparisons(stories, params):
    """What sets the stories' feelings and CX levels apart, and how many stories were read.

    `params`: the archive's current filters (a QueryDict), which each term's link keeps.
    """
    rows = sample(stories)
    prior = Counter()
    valued = Group(Valence.VALUED.label, {"valence": Valence.VALUED.value})
    frustrated = Group(Valence.FRUSTRATED.label, {"valence": Valence.FRUSTRATED.value})
    levels = {level.value: Group(level.label, {"level": level.value}) for level in Story.CxLevel}
    for text, language, valence, level in rows:
        found = terms(text, language)
        prior.update(found)
        if valence == Valence.VALUED:
            valued.add(found)
        elif valence == Valence.FRUSTRATED:
            frustrated.add(found)
        if level in levels:
            levels[level].add(found)
    found = [compare("valence", _("Valued or frustrated"), valued, frustrated, prior)]
    for key, group in levels.items():
        rest = Group(_("the other two levels"), None)
        for other_key, other in levels.items():
            if other_key != key:
                rest.counts.update(other.counts)
                rest.stories += other.stories
        found.append(compare(f"level-{key}", group.label, group, rest, prior))
    for comparison in found:
        for each in comparison.sides:
            for term in each.terms:
                term.query_string = archive_query(params, term)
    return found, len(rows)


def archive_query(params, term):
    """The archive's address for the stories of the term's group that use it, in the current
    filters: the term, quoted, is added to whatever was searched for."""
    params = params.copy()
    params.pop("page", None)
    params["q"] = f"{params.get('q', '').strip()} {term.query}".strip()
    for name, value in term.filters.items():
        params[name] = value
    return params.urlencode()
