"""Decks in and out of the app: JSON (full fidelity), CSV (a card a row) and pasted lists.

Parsing never touches the database: it returns the cards it read and the problems it found,
each with its line, row or card number. Saving happens only when there are no problems,
in one transaction, so a bad file saves nothing.
"""

import csv
import io
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from taggit.utils import edit_string_for_tags, parse_tags

from cxworkshop.downloads import csv_text, from_spreadsheet
from cxworkshop.tags import TAG_MAX_LENGTH
from decks.models import (
    DESCRIPTION_MAX_LENGTH,
    LANGUAGE_CHOICES,
    PROMPT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Card,
    Deck,
)

FORMAT_NAME = "cx-workshop-deck"
FORMAT_VERSION = 1
CSV_COLUMNS = ["prompt", "kind", "follow_up", "tags"]
KINDS = {value for value, _label in Card.Kind.choices}
LANGUAGES = {code for code, _name in LANGUAGE_CHOICES}


@dataclass
class CardData:
    prompt: str
    kind: str = Card.Kind.QUESTION
    follow_up: str = ""
    tags: list = field(default_factory=list)


@dataclass
class DeckData:
    title: str = ""
    description: str = ""
    language: str = "en"
    tags: list = field(default_factory=list)
    cards: list = field(default_factory=list)


class ImportProblems(Exception):
    """Raised with every problem found, so the page can list them all at once."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


# Export


def deck_document(deck):
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "title": deck.title,
        "description": deck.description,
        "language": deck.language,
        "tags": sorted(deck.tags.names()),
        "cards": [
            {
                "prompt": card.prompt,
                "kind": card.kind,
                "follow_up": card.follow_up,
                "tags": sorted(tag.name for tag in card.tags.all()),
            }
            for card in deck.cards.prefetch_related("tags")
        ],
    }


def export_json(deck):
    return json.dumps(deck_document(deck), indent=2, ensure_ascii=False) + "\n"


def export_csv(deck):
    """Every cell safe to open in a spreadsheet (see `parse_csv` for the way back)."""
    rows = [
        [card.prompt, card.kind, card.follow_up, edit_string_for_tags(card.tags.all())]
        for card in deck.cards.prefetch_related("tags")
    ]
    return csv_text(CSV_COLUMNS, rows)


# Import: reading


def read_card(where, prompt, kind="", follow_up="", tags=None, problems=None):
    """Check one card's fields; add a problem per mistake, return the card or None."""
    found = []
    prompt = (prompt or "").strip()
    follow_up = (follow_up or "").strip()
    kind = (kind or Card.Kind.QUESTION).strip().lower()
    tag_names = tags if isinstance(tags, list) else parse_tags(tags or "")
    tag_names = [str(name).strip() for name in tag_names if str(name).strip()]
    if not prompt:
        found.append(_("%(where)s: the question is empty.") % {"where": where})
    elif len(prompt) > PROMPT_MAX_LENGTH:
        found.append(
            _("%(where)s: the question is %(length)s characters long; the limit is %(limit)s.")
            % {"where": where, "length": len(prompt), "limit": PROMPT_MAX_LENGTH}
        )
    if kind not in KINDS:
        found.append(
            _("%(where)s: the kind “%(kind)s” is unknown; use “question” or “memory”.")
            % {"where": where, "kind": kind[:40]}
        )
    if len(follow_up) > PROMPT_MAX_LENGTH:
        found.append(
            _("%(where)s: the follow-up is %(length)s characters long; the limit is %(limit)s.")
            % {"where": where, "length": len(follow_up), "limit": PROMPT_MAX_LENGTH}
        )
    if any(len(name) > TAG_MAX_LENGTH for name in tag_names):
        found.append(
            _("%(where)s: a tag is longer than %(limit)s characters.")
            % {"where": where, "limit": TAG_MAX_LENGTH}
        )
    if problems is not None:
        problems.extend(found)
    if found:
        return None
    return CardData(prompt=prompt, kind=kind, follow_up=follow_up, tags=tag_names)


def check_card_count(count, room, problems):
    if count == 0 and not problems:
        problems.append(_("There are no cards in it."))
    elif count > room:
        problems.append(
            _("It has %(count)s cards; this deck has room for %(room)s more (at most %(limit)s).")
            % {"count": count, "room": room, "limit": settings.DECK_MAX_CARDS}
        )


def parse_lines(text, room=None):
    """One question a line; empty lines are skipped."""
    room = settings.DECK_MAX_CARDS if room is None else room
    problems, cards = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        card = read_card(_("Line %(number)s") % {"number": number}, line, problems=problems)
        if card:
            cards.append(card)
    check_card_count(len(cards), room, problems)
    if problems:
        raise ImportProblems(problems)
    return cards


def parse_csv(text, room=None):
    """A header row naming the columns (prompt is required), then a card a row."""
    room = settings.DECK_MAX_CARDS if room is None else room
    problems, cards = [], []
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise ImportProblems(
            [_("The CSV file cannot be read: %(error)s.") % {"error": error}]
        ) from None
    if not rows:
        raise ImportProblems([_("The CSV file is empty.")])
    header = [name.strip().lower() for name in rows[0]]
    if "prompt" not in header:
        raise ImportProblems(
            [
                _("Row 1 must name the columns, with at least “prompt” (also: %(columns)s).")
                % {"columns": ", ".join(CSV_COLUMNS[1:])}
            ]
        )
    unknown = [name for name in header if name and name not in CSV_COLUMNS]
    if unknown:
        problems.append(
            _("Row 1: unknown column “%(column)s”; the columns are %(columns)s.")
            % {"column": unknown[0][:40], "columns": ", ".join(CSV_COLUMNS)}
        )
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = _("Row %(number)s") % {"number": number}
        if len(row) > len(header):
            problems.append(
                _("%(where)s has %(count)s values but the header names %(columns)s columns.")
                % {"where": where, "count": len(row), "columns": len(header)}
            )
            continue
        # Our own export defused formulas with a leading apostrophe: read the text back.
        values = dict(zip(header, map(from_spreadsheet, row), strict=False))
        card = read_card(
            where,
            values.get("prompt"),
            values.get("kind"),
            values.get("follow_up"),
            values.get("tags"),
            problems=problems,
        )
        if card:
            cards.append(card)
    check_card_count(len(cards), room, problems)
    if problems:
        raise ImportProblems(problems)
    return cards


def parse_json(text):
    """A deck document as `export_json` writes it."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportProblems(
            [
                _("The file is not valid JSON: %(message)s at line %(line)s, column %(column)s.")
                % {"message": error.msg, "line": error.lineno, "column": error.colno}
            ]
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ImportProblems(
            [
                _("This JSON file is not a CX Workshop deck (it has no “format”: “%s”).")
                % FORMAT_NAME
            ]
        )
    problems = []
    if document.get("version") != FORMAT_VERSION:
        problems.append(
            _("Version %(version)s of the deck format is not supported; use version %(ours)s.")
            % {"version": str(document.get("version"))[:10], "ours": FORMAT_VERSION}
        )
    deck = DeckData(
        title=str(document.get("title") or "").strip(),
        description=str(document.get("description") or "").strip(),
        language=str(document.get("language") or "en").strip(),
        tags=[str(name).strip() for name in document.get("tags") or [] if str(name).strip()],
    )
    if not deck.title:
        problems.append(_("The deck has no title."))
    elif len(deck.title) > TITLE_MAX_LENGTH:
        problems.append(
            _("The title is longer than %(limit)s characters.") % {"limit": TITLE_MAX_LENGTH}
        )
    if len(deck.description) > DESCRIPTION_MAX_LENGTH:
        problems.append(
            _("The description is longer than %(limit)s characters.")
            % {"limit": DESCRIPTION_MAX_LENGTH}
        )
    if deck.language not in LANGUAGES:
        problems.append(_("The language “%s” is not one we offer.") % deck.language[:10])
    if any(len(name) > TAG_MAX_LENGTH for name in deck.tags):
        problems.append(
            _("A tag of the deck is longer than %(limit)s characters.") % {"limit": TAG_MAX_LENGTH}
        )
    cards = document.get("cards")
    if not isinstance(cards, list):
        problems.append(_("The deck has no list of “cards”."))
        cards = []
    for number, item in enumerate(cards, start=1):
        where = _("Card %(number)s") % {"number": number}
        if not isinstance(item, dict):
            problems.append(_("%(where)s is not a card object.") % {"where": where})
            continue
        tags = item.get("tags") or []
        card = read_card(
            where,
            str(item.get("prompt") or ""),
            str(item.get("kind") or ""),
            str(item.get("follow_up") or ""),
            [str(name) for name in tags] if isinstance(tags, list) else str(tags),
            problems=problems,
        )
        if card:
            deck.cards.append(card)
    check_card_count(len(cards), settings.DECK_MAX_CARDS, problems)
    if problems:
        raise ImportProblems(problems)
    return deck


# Import: saving


@transaction.atomic
def append_cards(deck, cards):
    position = deck.next_position()
    for offset, data in enumerate(cards):
        card = Card.objects.create(
            deck=deck,
            prompt=data.prompt,
            kind=data.kind,
            follow_up=data.follow_up,
            position=position + offset,
        )
        if data.tags:
            card.tags.set(data.tags)
    return deck


@transaction.atomic
def create_deck(owner, data, **extra):
    deck = Deck.objects.create(
        owner=owner,
        title=data.title,
        description=data.description,
        language=data.language,
        **extra,
    )
    if data.tags:
        deck.tags.set(data.tags)
    return append_cards(deck, data.cards)
