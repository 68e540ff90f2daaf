"""A deck printed as cut-out cards in real Chromium: the PDF it saves for A4 and US Letter.

Each sheet of eight fronts is followed by its backs, mirrored for a long-edge flip; the pages
are turned into pictures in test-artifacts/ for people to look at (crop marks, text inside
the cards, memory cards apart, backs behind their fronts). Needs poppler-utils (pdfinfo,
pdftotext, pdftoppm), as the browser tests need Chromium.
"""

import os
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, log_in, screenshot
from tests.factories import DeckFactory, UserFactory

pytestmark = pytest.mark.e2e

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
LONGEST = ("How did a customer feel when " * 11)[:300]
CARDS = [
    {
        "prompt": "Which customer memory stays with you?",
        "kind": "memory",
        "follow_up": "What did it teach you?",
    },
    {"prompt": "What did you have for breakfast?"},
    {"prompt": "Where do customers wait for us?", "follow_up": "How long, and how does it feel?"},
    {"prompt": LONGEST, "follow_up": LONGEST, "kind": "memory"},
    {"prompt": "Tell us about a time a shop made you smile.", "kind": "memory"},
    {"prompt": HOSTILE, "follow_up": HOSTILE},
    {"prompt": "What would make a customer feel valued today?"},
    {"prompt": LONGEST, "kind": "memory"},
    {"prompt": "Ninth card, alone on its sheet"},
]
# Page sizes in PostScript points, as pdfinfo gives them.
TITLE = ("Kick-off questions <b>for the team</b> " + "and everyone who meets customers " * 3)[:120]
PAPERS = {"a4": (595, 842), "letter": (612, 792)}


def poppler(tool):
    path = shutil.which(tool)
    if not path:
        message = f"{tool} is not installed (apt-get install poppler-utils)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI requires the print tests.")
        pytest.skip(f"{message}; the print tests are skipped.")
    return path


def run(tool, *arguments):
    return subprocess.run(
        [poppler(tool), *map(str, arguments)], capture_output=True, text=True, check=True
    ).stdout


def pdf_pages(pdf):
    """The number of pages and the size of the first, in points, rounded."""
    info = run("pdfinfo", pdf)
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    width, height = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M).groups()
    return pages, (round(float(width)), round(float(height)))


def words_on(pdf, page_number):
    """Each word printed on one page, with the left edge of where it is: [(word, x), ...]."""
    layout = run("pdftotext", "-bbox", "-f", page_number, "-l", page_number, pdf, "-")
    return [
        (word, float(x))
        for x, word in re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', layout)
    ]


def cards_that_overflow(page):
    """Card faces whose text does not fit inside them, as the printer lays them out."""
    page.emulate_media(media="print")
    overflowing = page.evaluate(
        r"""[...document.querySelectorAll('.printed-card__face')]
             .filter((face) => face.scrollHeight > face.clientHeight + 1
                            || face.scrollWidth > face.clientWidth + 1)
             .map((face) => face.textContent.replace(/\s+/g, " ").trim().slice(0, 60))"""
    )
    page.emulate_media(media="null")
    return overflowing


def test_a_deck_prints_as_cut_out_cards_on_a4_and_letter_with_backs_behind_their_fronts(page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    facilitator = UserFactory()
    deck = DeckFactory(owner=facilitator, title=TITLE)
    deck.add_cards(CARDS)
    log_in(page, facilitator)
    page.goto(deck.get_absolute_url())
    page.get_by_role("link", name="Print the cards").click()
    expect(page.get_by_role("heading", name="Print the cards")).to_be_visible()
    expect(page.locator(".print-toolbar .lead")).to_have_text(
        "9 cards · 2 sheets, each printed on both sides"
    )
    expect(page.get_by_text("Print double-sided, flip on the long edge.")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    expect(page.get_by_role("link", name="A4")).to_have_attribute("aria-current", "true")
    assert cards_that_overflow(page) == []
    screenshot(page, "print-cards-screen-1366")
    page.screenshot(path=ARTIFACTS / "print-cards-screen-1366-top.png")

    for paper, size in PAPERS.items():
        page.goto(f"{reverse('decks:deck-print', args=[deck.slug])}?paper={paper}")
        pdf = ARTIFACTS / f"print-cards-{paper}.pdf"
        page.pdf(path=pdf, prefer_css_page_size=True)
        # Two sheets, each a page of fronts and a page of backs, on the paper chosen.
        assert pdf_pages(pdf) == (4, size), paper
        run("pdftoppm", "-r", "60", "-png", pdf, ARTIFACTS / f"print-cards-{paper}")

        fronts, backs = words_on(pdf, 1), words_on(pdf, 2)
        # Card two is in the right column of the fronts.
        assert [x > size[0] / 2 for word, x in fronts if word == "breakfast?"] == [True]
        assert [word for word, _ in fronts].count("MEMORY") == 4
        assert [word for word, _ in backs].count("Play") == 8
        # The ninth card sits alone in the left column; its back is printed on the right,
        # so it lands behind the card when the sheet is flipped on its long edge.
        ninth = [x for word, x in words_on(pdf, 3) if word == "Ninth"]
        play = [x for word, x in words_on(pdf, 4) if word == "Play"]
        assert len(ninth) == 1 and ninth[0] < size[0] / 2, paper
        assert len(play) == 1 and play[0] > size[0] / 2, paper
    assert dialogs == []
    assert page.locator("script:not([src]), img[src='x'], [onerror]").count() == 0

    empty = DeckFactory(owner=facilitator, title="Nothing yet")
    page.goto(reverse("decks:deck-print", args=[empty.slug]))
    expect(page.get_by_text("This deck has no cards yet.")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_have_count(0)
    screenshot(page, "print-cards-empty-1366")


def test_a_deck_of_two_hundred_cards_prints_on_fifty_pages(page):
    facilitator = UserFactory()
    deck = DeckFactory(owner=facilitator, title="The big box")
    deck.add_cards([{"prompt": f"Question {number}?"} for number in range(1, 201)])
    log_in(page, facilitator)
    page.goto(f"{reverse('decks:deck-print', args=[deck.slug])}?paper=letter")
    expect(page.locator(".print-toolbar .lead")).to_contain_text("25 sheets")
    pdf = ARTIFACTS / "print-cards-200-letter.pdf"
    page.pdf(path=pdf, prefer_css_page_size=True)
    assert pdf_pages(pdf) == (50, PAPERS["letter"])
    last_fronts = [word for word, _ in words_on(pdf, 49)]
    assert {"193?", "200?"} <= set(last_fronts) and "192?" not in last_fronts
    assert [word for word, _ in words_on(pdf, 50)].count("Play") == 8
