"""A deck printed as cut-out cards, like the wooden blocks: the cards laid out on sheets.

Each sheet holds COLUMNS x ROWS cards of 85 x 55 mm with 10 mm between them for the crop
marks (static/css/print.css draws them); that grid fits A4 and US Letter alike, centred, with
at least 14 mm to spare on every side (10 mm past the crop marks) for printers that cannot
print to the edge.

The sheets print double-sided, flipped on the long edge: each front is followed by its back,
whose rows are mirrored, so the back of the card in the first column lands behind it in the
last. A back carries the deck's name and a QR code to play the deck live.
"""

from dataclasses import dataclass

import segno
from django.utils.translation import gettext_lazy as _

COLUMNS = 2
ROWS = 4
PAPERS = {"a4": _("A4"), "letter": _("US Letter")}
DEFAULT_PAPER = "a4"

# How much text fits at each type size (in characters), measured on the printed PDF with the
# longest texts the forms allow; anything longer gets the smallest size. A card's face holds its
# prompt and follow-up, a back the deck's name beside the QR code.
CARD_TEXT_SIZES = [(60, "large"), (140, "medium"), (220, "small")]
DECK_NAME_SIZES = [(48, "large")]
SMALLEST_TEXT = "smallest"
# White modules around the QR code: scanners need a margin, and a card's edge may be cut close.
QUIET_ZONE = 2


@dataclass(frozen=True)
class Sheet:
    """One sheet of paper: its fronts and its backs, each a list of places in reading order
    (left to right, top to bottom), None where the sheet has no card."""

    number: int
    fronts: list
    backs: list


def sheets(cards, columns=COLUMNS, rows=ROWS):
    """The cards, in order, on as many sheets as they need; the backs mirrored row by row."""
    cards = list(cards)
    per_sheet = columns * rows
    laid_out = []
    for number, start in enumerate(range(0, len(cards), per_sheet), start=1):
        places = cards[start : start + per_sheet]
        places += [None] * (per_sheet - len(places))
        backs = []
        for row in range(rows):
            backs.extend(reversed(places[row * columns : (row + 1) * columns]))
        laid_out.append(Sheet(number=number, fronts=places, backs=backs))
    return laid_out


def size_for(length, sizes):
    return next((size for limit, size in sizes if length <= limit), SMALLEST_TEXT)


def text_size(card):
    """The type size a card's face needs so that its whole text fits on the card."""
    return size_for(len(card.prompt) + len(card.follow_up), CARD_TEXT_SIZES)


def deck_name_size(deck):
    """The type size of the deck's name on the backs, so that it fits beside the QR code."""
    return size_for(len(deck.title), DECK_NAME_SIZES)


@dataclass(frozen=True)
class PrintedCard:
    card: object
    text_size: str


def deck_sheets(cards):
    return sheets(PrintedCard(card, text_size(card)) for card in cards)


@dataclass(frozen=True)
class QRCode:
    svg: str  # drawn once on the page, with this id; every back shows it by reference
    id: str
    size: int  # its width in modules, for the viewBox of the backs


def qr_code(url, svg_id="deck-qr"):
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(border=QUIET_ZONE, dark="#000000", omitsize=True, svgid=svg_id)
    return QRCode(svg=svg, id=svg_id, size=qr.symbol_size(scale=1, border=QUIET_ZONE)[0])
