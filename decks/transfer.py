"""Decks in and out of the app: JSON (full fidelity), CSV (a card a row) and pasted lists.

Parsing never touches the database: it returns the cards it read and the problems it found,
each with its line, row or card number. Every card and deck read passes the same form a person
fills in (`CardForm`, `DeckForm`), so a file can hold nothing the pages would refuse. Saving
happens only when there are no problems, in one transaction, so a bad file saves nothing.
"""

import csv
import io
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.forms import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.utils import edit_string_for_tags, parse_tags

from cxworkshop.downloads import csv_text, from_spreadsheet
from cxworkshop.tags import TAG_MAX_LENGTH

# The forms import this module to parse uploads; this module uses them to check what it read.
# A module reference (not `from decks.forms import ...`) lets either be imported first.
from decks import forms
from decks.models import Card, Deck

FORMAT_NAME = "cx-workshop-deck"
FORMAT_VERSION = 1
# A card in a file: the JSON keys of a card and the CSV columns, in the order both are written.
CSV_COLUMNS = [*Card.CONTENT_FIELDS, "tags"]
# Longer numbers cannot be a version; Python would refuse to read one of over 4,300 digits.
NUMBER_MAX_DIGITS = 20

# How an import words the forms' errors, with the card's line, row or number in front; any
# other error is shown as the form words it, after the field's name.
CARD_MESSAGES = {
    ("prompt", "required"): gettext_lazy("%(where)s: the question is empty."),
    ("prompt", "max_length"): gettext_lazy(
        "%(where)s: the question is %(show_value)s characters long; the limit is %(limit_value)s."
    ),
    ("follow_up", "max_length"): gettext_lazy(
        "%(where)s: the follow-up is %(show_value)s characters long; the limit is %(limit_value)s."
    ),
    ("level", "max_length"): gettext_lazy(
        "%(where)s: the level is %(show_value)s characters long; the limit is %(limit_value)s."
    ),
    ("notes", "max_length"): gettext_lazy(
        "%(where)s: the notes are %(show_value)s characters long; the limit is %(limit_value)s."
    ),
    ("kind", "invalid_choice"): gettext_lazy(
        "%(where)s: the kind “%(value)s” is unknown; use “question” or “memory”."
    ),
}
DECK_MESSAGES = {
    ("title", "required"): gettext_lazy("The deck has no title."),
    ("title", "max_length"): gettext_lazy("The title is longer than %(limit_value)s characters."),
    ("description", "max_length"): gettext_lazy(
        "The description is longer than %(limit_value)s characters."
    ),
    ("language", "invalid_choice"): gettext_lazy("The language “%(value)s” is not one we offer."),
}


@dataclass
class DeckData:
    title: str = ""
    description: str = ""
    language: str = "en"
    tags: list = field(default_factory=list)
    # Each card as `Card.data()` gives it: its CONTENT_FIELDS and "tags".
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
        "cards": [card.data() for card in deck.cards.prefetch_related("tags")],
    }


def export_json(deck):
    return json.dumps(deck_document(deck), indent=2, ensure_ascii=False) + "\n"


def export_csv(deck):
    """Every cell safe to open in a spreadsheet (see `parse_csv` for the way back)."""
    rows = [
        [*card.content().values(), edit_string_for_tags(card.tags.all())]
        for card in deck.cards.prefetch_related("tags")
    ]
    return csv_text(CSV_COLUMNS, rows)


# Import: reading


def form_problems(form, messages, where=""):
    """A form's errors as import problems: worded by `messages`, else as the form words them."""
    found = []
    for name, errors in form.errors.as_data().items():
        for error in errors:
            params = {**(error.params or {}), "where": where}
            if "value" in params:
                params["value"] = str(params["value"])[:40]
            message = messages.get((name, error.code))
            if message is not None:
                found.append(str(message) % params)
                continue
            said = {"field": form.fields[name].label, "message": " ".join(error.messages)}
            if where:
                found.append(_("%(where)s, %(field)s: %(message)s") % {**said, "where": where})
            else:
                found.append(_("%(field)s: %(message)s") % said)
    return found


def tag_names(tags):
    """Tag names from a list (JSON) or a comma-separated string (CSV), blanks left out."""
    names = tags if isinstance(tags, list) else parse_tags(tags or "")
    return [name.strip() for name in names if name.strip()]


def tag_problems(names, too_long):
    """The tag rules of the forms (`BoundedTagField`), checked name by name."""
    found = []
    if any(len(name) > TAG_MAX_LENGTH for name in names):
        found.append(too_long)
    try:
        for name in names:
            ProhibitNullCharactersValidator()(name)
    except ValidationError as error:
        found.append(error.messages[0])
    return found


def read_card(where, values, problems):
    """Check one card's values (CSV_COLUMNS, each text or missing) with the card form; add a
    problem per mistake to `problems`; return the card as `Card.data()` gives it, or None."""
    content = {name: values.get(name) or "" for name in Card.CONTENT_FIELDS}
    content["kind"] = content["kind"].strip().lower() or Card.Kind.QUESTION
    form = forms.CardForm(data={**content, "tags": ""})
    names = tag_names(values.get("tags"))
    found = form_problems(form, CARD_MESSAGES, where)
    found += [
        _("%(where)s: %(problem)s") % {"where": where, "problem": problem}
        for problem in tag_problems(
            names, _("a tag is longer than %(limit)s characters.") % {"limit": TAG_MAX_LENGTH}
        )
    ]
    problems.extend(found)
    if found:
        return None
    return {**{name: form.cleaned_data[name] for name in Card.CONTENT_FIELDS}, "tags": names}


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
        card = read_card(_("Line %(number)s") % {"number": number}, {"prompt": line}, problems)
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
        card = read_card(where, values, problems)
        if card:
            cards.append(card)
    check_card_count(len(cards), room, problems)
    if problems:
        raise ImportProblems(problems)
    return cards


def read_number(digits):
    if len(digits) > NUMBER_MAX_DIGITS:
        raise ImportProblems(
            [_("The file holds a number %(count)s digits long.") % {"count": len(digits)}]
        )
    return int(digits)


def json_type(value):
    """The name a person who writes JSON knows the value's type by."""
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("an object")
    return _("text")


def json_text(mapping, key, where, problems):
    """The text at `key` ("" when missing or null); None, with a problem, for anything else."""
    value = mapping.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(
            _("%(where)s: “%(key)s” must be text, not %(type)s.")
            % {"where": where, "key": key, "type": json_type(value)}
        )
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # JSON can spell half of a character pair (\ud800); no text field can store it.
        problems.append(
            _("%(where)s: “%(key)s” holds an escape (\\u…) that is not a character.")
            % {"where": where, "key": key}
        )
        return None
    return value


def json_tags(mapping, where, problems):
    """A list of tag names or one comma-separated text; None, with a problem, for anything else."""
    tags = mapping.get("tags")
    if not isinstance(tags, list):
        return json_text(mapping, "tags", where, problems)
    if not all(isinstance(name, str) for name in tags):
        problems.append(_("%(where)s: “tags” must be a list of text.") % {"where": where})
        return None
    names = [json_text({"tags": name}, "tags", where, problems) for name in tags]
    return None if None in names else names


def parse_json(text):
    """A deck document as `export_json` writes it."""
    try:
        document = json.loads(text, parse_int=read_number)
    except json.JSONDecodeError as error:
        raise ImportProblems(
            [
                _("The file is not valid JSON: %(message)s at line %(line)s, column %(column)s.")
                % {"message": error.msg, "line": error.lineno, "column": error.colno}
            ]
        ) from None
    except RecursionError:
        raise ImportProblems(
            [_("The file nests lists or objects too deeply to be a deck.")]
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ImportProblems(
            [
                _("This JSON file is not a CX Workshop deck (it has no “format”: “%s”).")
                % FORMAT_NAME
            ]
        )
    problems = []
    version = document.get("version")
    if type(version) is not int or version != FORMAT_VERSION:
        shown = str(version)[:10] if isinstance(version, str | int | float) else json_type(version)
        problems.append(
            _("Version %(version)s of the deck format is not supported; use version %(ours)s.")
            % {"version": shown, "ours": FORMAT_VERSION}
        )
    deck, where = None, _("The deck")
    values = {
        name: json_text(document, name, where, problems)
        for name in ["title", "description", "language"]
    }
    tags = json_tags(document, where, problems)
    if None not in values.values() and tags is not None:
        language = values["language"].strip() or "en"
        form = forms.DeckForm(data={**values, "language": language, "tags": ""})
        names = tag_names(tags)
        problems += form_problems(form, DECK_MESSAGES)
        problems += tag_problems(
            names,
            _("A tag of the deck is longer than %(limit)s characters.") % {"limit": TAG_MAX_LENGTH},
        )
        if form.is_valid():
            deck = DeckData(
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                language=form.cleaned_data["language"],
                tags=names,
            )
    cards = document.get("cards")
    if not isinstance(cards, list):
        problems.append(_("The deck has no list of “cards”."))
        cards = []
    read = []
    for number, item in enumerate(cards, start=1):
        where = _("Card %(number)s") % {"number": number}
        if not isinstance(item, dict):
            problems.append(_("%(where)s is not a card object.") % {"where": where})
            continue
        values = {name: json_text(item, name, where, problems) for name in Card.CONTENT_FIELDS}
        values["tags"] = json_tags(item, where, problems)
        if None in values.values():
            continue
        card = read_card(where, values, problems)
        if card:
            read.append(card)
    check_card_count(len(cards), settings.DECK_MAX_CARDS, problems)
    if problems:
        raise ImportProblems(problems)
    deck.cards = read
    return deck


# Import: saving


@transaction.atomic
def append_cards(deck, cards):
    deck.add_cards(cards)
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
