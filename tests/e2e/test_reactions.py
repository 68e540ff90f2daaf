"""Reactions and the closing screen in real Chromium: two phones react to each other's answers
(a double tap counts once, a tap on a pressed reaction takes it back), the room's notes and the
console's answers follow live, the console opens the summary so far, and ending the session
shows the room's closing screen for a room of 42 (the crowd made with the factories' help)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sessions.models import Answer, LiveSession, Participant, Reaction
from tests.e2e.conftest import ARTIFACTS, screenshot
from tests.e2e.test_deck_builder import log_in
from tests.e2e.test_live_session import answer
from tests.e2e.test_room_full_size import (
    PROJECTORS,
    assert_no_scrolling,
    assert_whole_on_screen,
    open_room,
    settled,
)
from tests.factories import CardFactory, DeckFactory, UserFactory

pytestmark = pytest.mark.e2e

PHONE_390 = {"width": 390, "height": 844}
CONSOLE = {"width": 1366, "height": 900}
CROWD = 40
ANONYMOUS = "Zq Anonymous Writer"


def join(new_page, session, name):
    phone = new_page(viewport=PHONE_390)
    phone.goto(session.join_path)
    phone.get_by_label("Your name").fill(name)
    phone.get_by_role("button", name="Join the session").click()
    expect(phone.locator("#phone-me")).to_have_text(name)
    return phone


def crowd_answers(session):
    """Forty more people, each with an answer to the current card, some with reactions; the
    most-reacted one a memory shared anonymously (its writer's name must show nowhere)."""
    session.refresh_from_db()
    card = session.current_card
    people = Participant.objects.bulk_create(
        Participant(
            session=session,
            display_name=ANONYMOUS if number == 0 else f"Guest {number:02d}",
            turn_position=100 + number,
        )
        for number in range(CROWD)
    )
    texts = [
        "A stranger paid for my coffee when my card failed, and would not take the money back.",
        "The hotel kept my forgotten charger and posted it home with a hand-written note.",
        "The bus driver waited for me in the rain.",
    ]
    answers = Answer.objects.bulk_create(
        Answer(
            session_card=card,
            participant=person,
            text=texts[number] if number < 3 else f"A small kindness, number {number}.",
            archive_consent=Answer.Consent.ANONYMOUS if number == 0 else Answer.Consent.NONE,
        )
        for number, person in enumerate(people)
    )
    given = {0: 30, 1: 22, 2: 12, 5: 3}  # reactions per answer, counted over the four kinds
    kinds = Reaction.Kind.values
    Reaction.objects.bulk_create(
        Reaction(answer=answers[index], participant=people[giver // 4], kind=kinds[giver % 4])
        for index, count in given.items()
        for giver in range(count)
    )
    return answers


def on_screen(page, name):
    """What the viewport shows (screenshot() takes the whole page): the top of a long page."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png")


def button(phone, answer_pk, kind):
    return phone.locator(f'[data-reaction="{answer_pk}:{kind}"]')


def counts_of(page, selector):
    return page.locator(f"{selector} .reaction-counts")


def test_two_phones_react_the_room_and_console_count_and_the_room_closes(new_page, live_app):
    owner = UserFactory()
    deck = DeckFactory(owner=owner, title="Feel Good Friday")
    CardFactory(deck=deck, prompt="Who made your week better?")
    CardFactory(deck=deck, prompt="Which customer memory would you share?", kind="memory")
    session = LiveSession.start(deck, owner, join_base_url=live_app.url, is_shuffled=False)

    console = new_page(viewport=CONSOLE)
    log_in(console, owner)
    console.goto(session.get_absolute_url())
    console.get_by_role("button", name="Reveal the first card").click()
    expect(console.get_by_text("Card 1 of 2")).to_be_visible()
    room = open_room(new_page, session, PROJECTORS["1080p"])

    ana = join(new_page, session, "Ana")
    bo = join(new_page, session, "Bo")
    answer(ana, "My colleague covered my shift so I could see my daughter's play.")
    answer(bo, "A customer wrote to thank the whole team.")
    ana_answer = Answer.objects.get(participant__display_name="Ana")
    bo_answer = Answer.objects.get(participant__display_name="Bo")
    expect(button(ana, bo_answer.pk, "heart")).to_be_visible()

    # Ana double-taps the heart on Bo's answer: one heart.
    button(ana, bo_answer.pk, "heart").dblclick()
    expect(button(ana, bo_answer.pk, "heart")).to_have_attribute("aria-pressed", "true")
    expect(button(ana, bo_answer.pk, "heart")).to_contain_text("1")
    expect(counts_of(room, f"#room-answer-{bo_answer.pk}")).to_contain_text("Heart: 1")
    expect(counts_of(console, f"#host-answer-{bo_answer.pk}")).to_contain_text("Heart: 1")
    # Bo's phone gets the count pushed, not pressed: the heart is Ana's.
    expect(button(bo, bo_answer.pk, "heart")).to_contain_text("1")
    expect(button(bo, bo_answer.pk, "heart")).to_have_attribute("aria-pressed", "false")

    # Bo double-taps applause and a heart on Ana's answer; the walls pushed meanwhile keep
    # Ana's own heart pressed on her phone.
    button(bo, ana_answer.pk, "applause").dblclick()
    expect(button(bo, ana_answer.pk, "applause")).to_have_attribute("aria-pressed", "true")
    button(bo, ana_answer.pk, "heart").click()
    expect(counts_of(room, f"#room-answer-{ana_answer.pk}")).to_contain_text("Applause: 1")
    expect(counts_of(room, f"#room-answer-{ana_answer.pk}")).to_contain_text("Heart: 1")
    expect(button(ana, ana_answer.pk, "applause")).to_contain_text("1")
    expect(button(ana, bo_answer.pk, "heart")).to_have_attribute("aria-pressed", "true")
    assert Reaction.objects.filter(answer=bo_answer).count() == 1
    assert Reaction.objects.filter(answer=ana_answer).count() == 2
    bo.locator("#phone-wall").scroll_into_view_if_needed()
    on_screen(bo, "reactions-phone-390-pressed")

    # A tap on a pressed reaction takes it back, and the room follows.
    button(bo, ana_answer.pk, "heart").click()
    expect(button(bo, ana_answer.pk, "heart")).to_have_attribute("aria-pressed", "false")
    expect(counts_of(room, f"#room-answer-{ana_answer.pk}")).not_to_contain_text("Heart")
    assert Reaction.objects.filter(answer=ana_answer).count() == 1

    # The crowd arrives; the next reaction brings the room, the console and the phones up to date.
    crowd = crowd_answers(session)
    button(ana, ana_answer.pk, "wow").click()
    expect(counts_of(room, f"#room-answer-{crowd[0].pk}")).to_be_visible()
    # Phones show the newest answers and count the rest: Ana's is among those now.
    expect(bo.get_by_text("+30 more answers on the room screen")).to_be_visible()
    expect(button(bo, crowd[-1].pk, "heart")).to_be_visible()
    expect(button(bo, ana_answer.pk, "wow")).to_have_count(0)
    assert ANONYMOUS not in room.content() and ANONYMOUS not in bo.content()
    settled(room)
    assert_whole_on_screen(room, ".answer-note")
    screenshot(room, "reactions-room-wall-1080")
    room720 = open_room(new_page, session, PROJECTORS["720p"])
    assert_whole_on_screen(room720, ".answer-note")
    screenshot(room720, "reactions-room-wall-720")
    screenshot(bo, "reactions-phone-390")
    bo.locator("#phone-wall").scroll_into_view_if_needed()
    on_screen(bo, "reactions-phone-390-wall")
    screenshot(console, "reactions-console-1366")
    on_screen(console, "reactions-console-1366-top")
    console.locator("#host-reactions").scroll_into_view_if_needed()
    on_screen(console, "reactions-console-1366-answers")

    # The summary so far, while the session is live.
    console.get_by_role("link", name="Summary so far").click()
    expect(console.get_by_text("This session is still live")).to_be_visible()
    on_screen(console, "reactions-summary-live-1366")
    console.go_back()

    # Switched off: the phones' wall goes, then it comes back.
    console.get_by_role("button", name="Switch reactions off").click()
    expect(ana.locator("#phone-wall")).to_be_empty()
    console.get_by_role("button", name="Switch reactions on").click()
    expect(button(ana, crowd[-1].pk, "heart")).to_have_attribute("aria-pressed", "false")

    console.once("dialog", lambda dialog: dialog.accept())
    console.get_by_role("button", name="End session").click()
    expect(console).to_have_url(reverse("live_sessions:summary", args=[session.pk]))
    for page, size in ((room, "1080"), (room720, "720")):
        expect(page.get_by_role("heading", name="Thank you, everyone!")).to_be_visible()
        closing = page.locator(".closing")
        expect(closing).to_contain_text("42 people joined")
        expect(closing).to_contain_text("42 people answered")
        expect(closing).to_contain_text("0 stories shared")
        highlights = page.locator(".closing__answer")
        expect(highlights).to_have_count(3)
        expect(highlights.first).to_contain_text("A stranger paid for my coffee")
        assert ANONYMOUS not in page.content()
        settled(page)
        assert_no_scrolling(page)
        bottom = page.evaluate(
            "Math.max(...[...document.querySelectorAll('.closing > *')]"
            ".map((element) => element.getBoundingClientRect().bottom))"
        )
        assert bottom <= page.viewport_size["height"], (size, bottom)
        screenshot(page, f"reactions-room-closing-{size}")
