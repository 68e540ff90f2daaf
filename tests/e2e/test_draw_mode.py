"""Everyone draws their own card, in real Chromium: three phones draw cards of their own (no
card twice while others are left), answer them, the facilitator calls on whoever shares next,
one person passes and the room says so. Then a room of 42 in draw mode at 1920×1080 and
1280×720, and its console. Screenshots go to test-artifacts/ for people to look at."""

import re

import pytest
from playwright.sync_api import expect

from sessions.models import LiveSession
from tests.e2e.conftest import screenshot
from tests.e2e.test_deck_builder import log_in
from tests.e2e.test_room_full_size import (
    PROJECTORS,
    assert_no_scrolling,
    assert_whole_on_screen,
    open_room,
)
from tests.factories import CardFactory, DeckFactory, UserFactory

pytestmark = pytest.mark.e2e

PHONE_390 = {"width": 390, "height": 844}
PROMPTS = [
    "What made you smile at work this week?",
    "Which customer memory would you share?",
    "What will you try tomorrow?",
    "Who helped you most this month?",
]
PEOPLE = ["Ana", "Bo", "Cy"]


def deck_of(owner, cards=PROMPTS):
    deck = DeckFactory(owner=owner, title="Draw your own")
    for number, prompt in enumerate(cards):
        CardFactory(deck=deck, prompt=prompt, kind="memory" if number == 1 else "question")
    return deck


def join(new_page, session, name):
    phone = new_page(viewport=PHONE_390)
    phone.goto(f"/join/{session.join_code}/")
    phone.get_by_label("Your name").fill(name)
    phone.get_by_role("button", name="Join the session").click()
    expect(phone.get_by_text("You're in!")).to_be_visible()
    return phone


def own_card(phone):
    return phone.locator("#phone-card .block-card__prompt").inner_text()


def test_three_phones_draw_their_own_cards_answer_and_share_in_turn(new_page):
    owner = UserFactory()
    deck = deck_of(owner)
    console = new_page()
    log_in(console, owner)
    console.goto(deck.get_absolute_url())
    console.get_by_role("link", name="Start a session").click()
    console.get_by_label("Everyone draws their own card").check()
    console.get_by_label("Passes for each person").fill("1")
    console.get_by_label("Redraws for each person").fill("1")
    console.get_by_role("button", name="Start the session").click()
    expect(console.get_by_text("Facilitator console")).to_be_visible()
    session = LiveSession.objects.get()
    assert session.is_draw and (session.passes_per_person, session.redraws) == (1, 1)
    room = console.context.new_page()
    room.set_viewport_size(PROJECTORS["720p"])
    room.goto(f"/live/{session.pk}/room/")

    phones = [join(new_page, session, name) for name in PEOPLE]
    screenshot(phones[0], "draw-phone-before-drawing")
    for phone in phones:
        phone.get_by_role("button", name="Draw your card").click()
        expect(phone.locator("#phone-card")).to_contain_text("Your card")
    cy = phones[2]
    first_of_cy = own_card(cy)
    cy.get_by_role("button", name="Put it back and draw another").click()
    expect(cy.locator("#phone-card")).not_to_contain_text(first_of_cy)
    expect(cy.get_by_role("button", name="Put it back and draw another")).to_be_hidden()
    drawn = [own_card(phone) for phone in phones]
    assert len(set(drawn)) == 3 and set(drawn) <= set(PROMPTS)  # nobody got a card twice
    expect(room.locator("#room-draws")).to_contain_text("3 of 3 drew a card")
    for name, prompt in zip(PEOPLE, drawn, strict=True):
        expect(console.locator("#host-people")).to_contain_text(prompt)
        expect(room.locator("#room-draws")).to_contain_text(name)
    screenshot(room, "draw-room-lobby-720p")

    for phone, name in zip(phones, PEOPLE, strict=True):
        phone.get_by_label(re.compile("^Your (answer|memory)")).fill(f"{name}'s own answer")
        phone.get_by_role("button", name="Send my answer").click()
        expect(phone.get_by_text("Saved.")).to_be_visible()
    expect(console.locator("#host-people")).to_contain_text("3 of 3 answered")
    ana, bo, cy = phones
    screenshot(ana, "draw-phone-own-card")

    console.get_by_role("button", name="Next person to share").click()
    expect(room.locator("#room-turn")).to_contain_text("Sharing now: Ana")
    expect(room.locator("#room-card")).to_contain_text(drawn[0])
    expect(room.locator("#room-answers")).to_contain_text("Ana's own answer")
    expect(ana.get_by_text("Your turn to share your card!")).to_be_visible()
    expect(ana.get_by_text("1 pass left")).to_be_visible()
    expect(bo.get_by_text("Ana is sharing now.")).to_be_visible()
    expect(bo.get_by_role("button", name="Pass")).to_be_hidden()
    expect(bo.locator("#phone-card")).to_contain_text(drawn[1])  # Bo keeps his own card
    screenshot(ana, "draw-phone-sharing")

    ana.get_by_role("button", name="Pass").click()
    expect(ana.get_by_text("You passed.")).to_be_visible()
    expect(room.locator("#room-turn")).to_contain_text("Ana passed.")
    expect(room.locator("#room-turn")).to_contain_text("Sharing now: Bo")
    expect(room.locator("#room-card")).to_contain_text(drawn[1])
    expect(console.locator("#host-controls")).to_contain_text("Ana passed.")
    expect(bo.get_by_text("Your turn to share your card!")).to_be_visible()
    expect(ana.locator("#phone-card")).to_contain_text(drawn[0])
    screenshot(room, "draw-room-passed-720p")

    console.get_by_role("button", name="Next person to share").click()
    expect(room.locator("#room-turn")).to_contain_text("Sharing now: Cy")
    expect(room.locator("#room-turn")).not_to_contain_text("passed")
    expect(cy.get_by_text("Your turn to share your card!")).to_be_visible()
    screenshot(console, "draw-console")

    cy.reload()  # a reconnecting phone gets its own card and answer back
    expect(cy.locator("#phone-card")).to_contain_text(drawn[2])
    expect(cy.get_by_label(re.compile("^Your (answer|memory)"))).to_have_value("Cy's own answer")


def test_a_room_of_forty_two_in_draw_mode_fits_the_projector(new_page):
    owner = UserFactory()
    deck = deck_of(
        owner, [f"Question number {n}: what would your customer say?" for n in range(50)]
    )
    session = LiveSession.start(
        deck, owner, join_base_url="http://testserver", mode="draw", passes_per_person=2
    )
    people = [session.join(f"Person {number}")[0] for number in range(42)]
    for person in people[:38]:
        session.draw(person)
    session.pass_turn()
    session.pass_on_turn(people[0])  # Person 0 passes; Person 1 shares
    card = people[1].drawn_card()
    card.answers.create(participant=people[1], text="A customer once wrote us a poem.")

    for name, viewport in PROJECTORS.items():
        room = open_room(new_page, session, viewport)
        expect(room.locator("#room-draws")).to_contain_text("38 of 42 drew a card")
        expect(room.locator("#room-turn")).to_contain_text("Person 0 passed.")
        expect(room.locator("#room-draws")).to_contain_text("+34 more")
        screenshot(room, f"draw-room-42-{name}")
        assert_no_scrolling(room)
        for selector in ["#room-card", "#room-turn", ".room-draws__item", ".answer-note"]:
            assert_whole_on_screen(room, selector)

    console = new_page()
    log_in(console, owner)
    console.goto(session.get_absolute_url())
    expect(console.locator("#host-people")).to_contain_text("Person 37")
    screenshot(console, "draw-console-42")


def test_a_new_round_brings_the_draw_button_back_without_a_reload(new_page):
    owner = UserFactory()
    session = LiveSession.start(
        deck_of(owner), owner, join_base_url="http://testserver", mode="draw"
    )
    console = new_page()
    log_in(console, owner)
    console.goto(session.get_absolute_url())
    ann, ben = join(new_page, session, "Ann"), join(new_page, session, "Ben")
    for phone in (ann, ben):
        phone.get_by_role("button", name="Draw your card").click()
        expect(phone.locator("#phone-card")).to_contain_text("Your card")
    ben.get_by_label(re.compile("^Your (answer|memory)")).fill("Half a thought")

    console.get_by_role("button", name="Next person to share").click()  # Ann
    expect(ann.locator("#phone-card")).to_contain_text("Your card is up on the room screen.")
    expect(ann.get_by_role("button", name="Put it back and draw another")).to_be_hidden()
    screenshot(ann, "draw-phone-called-card-up")
    console.get_by_role("button", name="Next person to share").click()  # Ben
    expect(ben.locator("#phone-card")).to_contain_text("Your card is up on the room screen.")
    expect(ann.locator("#phone-card")).not_to_contain_text("up on the room screen")
    console.get_by_role("button", name="Next person to share").click()  # round 2: Ann again

    expect(ann.get_by_text("Your turn to share! Draw your card below.")).to_be_visible()
    expect(ann.get_by_role("button", name="Draw your card for this round")).to_be_visible()
    expect(ben.get_by_role("button", name="Draw your card for this round")).to_be_visible()
    expect(ben.locator("#phone-card")).not_to_contain_text("up on the room screen")
    # What Ben was typing is still there: refreshing his own parts left his form alone.
    expect(ben.get_by_label(re.compile("^Your (answer|memory)"))).to_have_value("Half a thought")

    ann.get_by_role("button", name="Draw your card for this round").click()
    expect(ann.locator("#phone-card")).to_contain_text("Your card is up on the room screen.")
    expect(ann.get_by_role("button", name=re.compile("Draw|Put it back"))).to_have_count(0)
    screenshot(ann, "draw-phone-new-round-card-up")
