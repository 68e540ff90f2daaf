"""A deck printed as cut-out cards, like the wooden blocks: the cards laid out on sheets.

Each sheet holds COLUMNS x ROWS cards of 85 x 55 mm with 10 mm between them for the crop
marks (static/css/print.css draws them); that grid fits A4 and US Letter alike, centred, with
at least 14 mm to spare on every side for printers that cannot print to the edge.

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

# How much text a card face holds at each type size (prompt and follow-up together, in
# characters), measured on the printed PDF; anything longer gets the smallest size.
TEXT_SIZES = [(60, "large"), (140, "medium"), (300, "small")]
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


def text_size(card):
    """The type size a card's face needs so that its whole text fits on the card."""
    length = len(card.prompt) + len(card.follow_up)
    return next((size for limit, size in TEXT_SIZES if length <= limit), SMALLEST_TEXT)


@dataclass(frozen=True)
class PrintedCard:
    card: object
    text_size: str


def deck_sheets(cards):
    return sheets(PrintedCard(card, text_size(card)) for card in cards)


@dataclass(frozen=True)
class QRCode:
    svg: str  # drawn once on the page, with `svg_id`; every back shows it by reference
    size: int  # its width in modules, for the viewBox of the backs


def qr_code(url, svg_id):
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(border=QUIET_ZONE, dark="#000000", omitsize=True, svgid=svg_id)
    return QRCode(svg=svg, size=qr.symbol_size(scale=1, border=QUIET_ZONE)[0])
