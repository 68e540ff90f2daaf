"""A word cloud of a card's answers for the room screen, drawn on the server as SVG.

Words are counted lower case, without punctuation or stop words (cxworkshop/stopwords.py): each
answer without those of its writer's language, the language of their phone. Not the union of
the languages in the room: one French participant would take "son" and "sin" from everyone's
English, one German "hat" and "will", one Dutch "die" and "men"; and not the deck's language,
whose stop words would leave a Spanish phone's "que" and "los" at the top of a Dutch deck's cloud.
The most frequent (`TOP`) are set in type sized by their count and
laid out on a spiral from the middle, largest first, each where it overlaps none placed before.
Nothing is random: the same answers always give the same picture, on every screen.

A browser's text width is not known here, so each word's width is estimated from its letters
and the SVG sets it (`textLength`): the drawn word is exactly as wide as the box the layout
kept free for it, so estimated boxes that do not overlap are words that do not overlap.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from cxworkshop.stopwords import stop_words

TOP = 40
SMALLEST, LARGEST = 20, 84  # type sizes, in the SVG's own units
GAP = 4  # kept free around each word
# Light colours that read on the room's dark background (contrast above 7:1 on #14110e).
COLOURS = ["#ffd9a0", "#fbf6ee", "#9fe3d2", "#ffb59c", "#d4c6ff", "#ffe27a"]

WORD = re.compile(r"\w+(?:'\w+)*")
# Widths of letters in a bold sans-serif, as a share of the type size.
NARROW = dict.fromkeys("ijl'", 0.32) | dict.fromkeys("ftr", 0.42)
WIDE = dict.fromkeys("mw", 0.95) | dict.fromkeys("æœ", 1.0)
AVERAGE = 0.64


def words_of(text, skip):
    """The words of one answer, lower case, without stop words (`skip`), digits or single
    letters. "l'accueil" and "customer's" count as "accueil" and "customer"."""
    for word in WORD.findall(text.lower().replace("’", "'")):
        if word in skip:
            continue
        for part in word.split("'"):
            part = part.strip("_")
            if len(part) > 1 and not part.isdigit() and part not in skip:
                yield part


def word_counts(texts, language):
    """The `TOP` most used words of `texts` as (word, count), most used first (ties: a-z).
    `language`: the texts' language, or a list of one language per text."""
    languages = [language] * len(texts) if isinstance(language, str) else language
    counts = Counter(
        word
        for text, each in zip(texts, languages, strict=True)
        for word in words_of(text, stop_words(each))
    )
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP]


@dataclass
class Placed:
    word: str
    count: int
    size: float
    x: float  # centre
    y: float
    width: float
    height: float

    def overlaps(self, other):
        return (
            abs(self.x - other.x) * 2 < self.width + other.width + 2 * GAP
            and abs(self.y - other.y) * 2 < self.height + other.height + 2 * GAP
        )

    @property
    def left(self):
        return self.x - self.width / 2

    @property
    def top(self):
        return self.y - self.height / 2


def text_width(word, size):
    letters = sum(NARROW.get(ch, WIDE.get(ch, 1.0 if ord(ch) > 0x2E80 else AVERAGE)) for ch in word)
    return letters * size


def type_size(count, fewest, most):
    if most == fewest:
        return (SMALLEST + LARGEST) / 2
    share = math.sqrt((count - fewest) / (most - fewest))
    return SMALLEST + share * (LARGEST - SMALLEST)


def layout(counts):
    """Each word of `counts` (most used first) placed on a spiral, wider than tall like a
    projector, where it overlaps no word placed before it. A word with no free place within
    the spiral's reach is left out."""
    if not counts:
        return []
    most, fewest = counts[0][1], counts[-1][1]
    placed = []
    for word, count in counts:
        size = type_size(count, fewest, most)
        box = Placed(word, count, size, 0, 0, text_width(word, size), size * 1.2)
        for step in range(6000):
            angle = step * 0.12
            radius = 2.2 * angle
            box.x, box.y = radius * math.cos(angle) * 1.8, radius * math.sin(angle)
            if not any(box.overlaps(other) for other in placed):
                placed.append(box)
                break
    return placed


def render(texts, language):
    """The SVG of the word cloud of `texts` (in `language`, or a list of one language per
    text), safe to put in a page; "" when no word is left."""
    placed = layout(word_counts(texts, language))
    if not placed:
        return ""
    left = min(box.left for box in placed) - GAP
    top = min(box.top for box in placed) - GAP
    width = max(box.left + box.width for box in placed) + GAP - left
    height = max(box.top + box.height for box in placed) + GAP - top
    listed = ", ".join(f"{box.word} ({box.count})" for box in placed)
    label = _("Word cloud of the answers: %(words)s") % {"words": listed}
    words = "".join(
        f'<text x="{box.x:.1f}" y="{box.y:.1f}" font-size="{box.size:.1f}" '
        f'textLength="{box.width:.1f}" lengthAdjust="spacingAndGlyphs" '
        f'fill="{COLOURS[index % len(COLOURS)]}">{escape(box.word)}</text>'
        for index, box in enumerate(placed)
    )
    return mark_safe(  # noqa: S308 - every word and the label are escaped above
        f'<svg class="word-cloud" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="{escape(label)}" viewBox="{left:.1f} {top:.1f} {width:.1f} {height:.1f}" '
        f'text-anchor="middle" dominant-baseline="central" font-weight="700">{words}</svg>'
    )
