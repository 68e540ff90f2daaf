"""Pairs mode in real Chromium: a facilitator pairs up a room of four phones for two rounds
(no earlier partner again), each phone showing its partner and its pair's card; a late joiner
waits for the next round; and the room screen with a crowd paired, at projector sizes."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sessions.models import LiveSession, Participant
from tests.e2e.conftest import ARTIFACTS, PHONE, join, screenshot
from tests.e2e.test_deck_builder import log_in
from tests.e2e.test_room_full_size import (
    PROJECTORS,
    assert_no_scrolling,
    assert_whole_on_screen,
    open_room,
)
from tests.factories import CardFactory, DeckFactory, UserFactory

pytestmark = pytest.mark.e2e

PEOPLE = ["Ana", "Ben", "Cy", "Dee"]
PHONE_390 = {**PHONE, "width": 390, "height": 844}


@pytest.fixture
def owner(live_app):
    user = UserFactory(email="host@example.com")
    deck = DeckFactory(owner=user, title="Customer shoes")
    for number in range(8):
        kind = "memory" if number % 3 == 1 else "question"
        CardFactory(deck=deck, prompt=f"Customer question number {number + 1}?", kind=kind)
    user.deck = deck
    return user


def partners_shown(phone, round_number):
    """The names a phone says its owner is with this round."""
    heading = phone.locator(".phone__partners")
    expect(heading).to_contain_text(f"Round {round_number} — you're with")
    text = heading.inner_text().split("you're with", 1)[1]
    return set(re.split(r",\s*|\s+and\s+", text.strip()))


def check_round(session, phones, round_number):
    """Each phone shows its own partners and its pair's card; who met whom."""
    session.refresh_from_db()
    met = set()
    for name, phone in phones.items():
        me = Participant.objects.get(session=session, display_name=name)
        pair = session.pair_of(me)
        partners = {person.display_name for person in pair.members.all()} - {name}
        assert partners_shown(phone, round_number) == partners
        expect(phone.locator("#phone-answer .block-card__prompt")).to_have_text(pair.card.prompt)
        expect(phone.get_by_label(re.compile("^Your (answer|memory)"))).to_be_visible()
        met |= {frozenset((name, other)) for other in partners}
    return met


def test_four_phones_pair_up_for_two_rounds_without_meeting_a_partner_again(owner, new_page):
    console = new_page(viewport={"width": 1366, "height": 900})
    log_in(console, owner)
    console.goto(owner.deck.get_absolute_url())
    console.get_by_role("link", name="Start a session").click()
    console.get_by_label("Pairs: each pair talks over one card").check()
    console.get_by_role("button", name="Start the session").click()
    expect(console.get_by_text("No pairs yet")).to_be_visible()
    session = LiveSession.objects.get()
    assert session.is_pairs

    room = console.context.new_page()
    room.set_viewport_size(PROJECTORS["720p"])
    room.goto(reverse("live_sessions:room", args=[session.pk]))
    phones = {name: join(new_page, session.join_code, name) for name in PEOPLE}
    for phone in phones.values():
        phone.set_viewport_size(PHONE_390)
    expect(
        phones["Ana"].get_by_text("Waiting for the facilitator to pair the room up")
    ).to_be_visible()
    expect(console.locator("#host-people")).to_contain_text("4 participants")

    console.locator("body").press("ArrowRight")  # the console's shortcut for the next round
    expect(console.locator("#host-pairs")).to_contain_text("Round 1: 2 pairs")
    first = check_round(session, phones, 1)
    expect(room.locator("#room-pairs")).to_contain_text("Round 1: find your pair")
    for name in PEOPLE:
        expect(room.locator(".pair-wall")).to_contain_text(name)

    ana = phones["Ana"]
    ana.get_by_label(re.compile("^Your (answer|memory)")).fill("A driver who waited for me")
    ana.get_by_role("button", name="Send my answer").click()
    expect(ana.get_by_text("Saved.")).to_be_visible()
    expect(console.locator("#host-answers")).to_contain_text("A driver who waited for me")
    console.get_by_role("button", name="1 min", exact=True).click()
    expect(room.locator(".timer__clock")).to_have_text("01:00")
    screenshot(ana, "pairs-phone-round-1")
    screenshot(console, "pairs-console-round-1")
    screenshot(room, "pairs-room-round-1-720p")

    console.get_by_role("button", name="Next round: new pairs").click()
    expect(console.locator("#host-pairs")).to_contain_text("Round 2: 2 pairs")
    second = check_round(session, phones, 2)
    assert not first & second  # nobody with an earlier partner
    # A new card, a new form.
    expect(ana.locator("#phone-answer textarea[name=text]")).to_have_value("")
    expect(ana.locator("[data-audience]")).to_contain_text("The facilitator sees your")
    expect(room.locator("#room-pairs")).to_contain_text("Round 2: find your pair")
    expect(room.locator(".timer__clock")).to_have_text("01:00")  # the whole time again
    screenshot(phones["Ben"], "pairs-phone-round-2")

    late = join(new_page, session.join_code, "Eve")
    late.set_viewport_size(PHONE_390)
    expect(
        late.get_by_text("You joined during round 2: you are paired at the next round.")
    ).to_be_visible()
    expect(room.locator("#room-unpaired")).to_contain_text("1 person who just joined")
    expect(console.locator("#host-pairs")).to_contain_text("1 person joined during this round")
    screenshot(late, "pairs-phone-late-joiner")

    console.get_by_role("button", name="Next round: new pairs").click()
    expect(console.locator("#host-pairs")).to_contain_text("Round 3: 2 pairs")
    expect(late.locator(".phone__partners")).to_contain_text("Round 3 — you're with")
    assert partners_shown(late, 3)


def crowd(owner, count):
    session = LiveSession.start(
        owner.deck, owner, is_shuffled=False, mode="pairs", join_base_url="https://cx.example.org"
    )
    Participant.objects.bulk_create(
        Participant(session=session, display_name=name, turn_position=number)
        for number, name in enumerate(crowd_names(count), start=1)
    )
    session.pair_up()
    return session


def crowd_names(count):
    first = ["Ana", "Bartholomew", "Cy", "Dee", "Eli", "Fay", "Guadalupe", "Hal", "Ines", "Jo"]
    last = ["M.", "Okonkwo-Smith", "P.", "R.", "S."]
    return [f"{first[n % 10]} {last[n // 10 % 5]} {n}" for n in range(count)]


@pytest.mark.parametrize("count", [41, 1000])
def test_the_room_shows_a_crowd_paired_whole_or_in_counted_pages(owner, new_page, count):
    session = crowd(owner, count)
    pairs = len(session.current_pairs())
    for size, viewport in PROJECTORS.items():
        room = open_room(new_page, session, viewport)
        expect(room.locator("#room-pairs-title")).to_have_text("Round 1: find your pair")
        notes = assert_whole_on_screen(room, ".pair-note")
        assert_no_scrolling(room)
        pager = room.locator("[data-pager]")
        if len(notes) < pairs:
            expect(pager).to_be_visible()
            rest = pairs - len(notes)
            expect(pager).to_contain_text(f"+{rest} more pair")
        else:
            expect(pager).to_be_hidden()
        room.screenshot(path=screenshot_path(f"pairs-room-{count}-{size}"))
    if count < 100:
        console = new_page(viewport={"width": 1366, "height": 900})
        log_in(console, owner)
        console.goto(session.get_absolute_url())
        expect(console.locator("#host-pairs")).to_contain_text(f"Round 1: {pairs} pairs")
        screenshot(console, f"pairs-console-{count}")


def screenshot_path(name):
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"
