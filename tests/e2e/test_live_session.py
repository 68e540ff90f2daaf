"""A whole workshop in real Chromium: a facilitator, a room screen and three phones."""

import os
import re

import pytest
from playwright.sync_api import expect

from sessions.models import Answer, LiveSession
from stories.models import Story
from tests.e2e.conftest import PHONE, join, screenshot, start_server, stop_server
from tests.factories import PASSWORD, CardFactory, DeckFactory, UserFactory
from tests.services import service_missing

pytestmark = pytest.mark.e2e

WITHIN_TWO_SECONDS = 2_000
QUESTION = "What made you smile at work this week?"
MEMORY = "Which customer memory would you share?"
LAST = "What will you try tomorrow?"
PEOPLE = ["Ana", "Bo", "Cy"]


@pytest.fixture
def facilitator_page(new_page):
    owner = UserFactory(email="host@example.com")
    deck = DeckFactory(owner=owner, title="Monday kick-off")
    CardFactory(deck=deck, prompt=QUESTION)
    CardFactory(deck=deck, prompt=MEMORY, kind="memory", follow_up="Who would you tell?")
    CardFactory(deck=deck, prompt=LAST)
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(deck.get_absolute_url())
    return page


def answer(phone, text):
    phone.get_by_label(re.compile("^Your (answer|memory)")).fill(text)
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_text("Saved.")).to_be_visible()


def test_a_whole_session_from_join_code_to_summary(facilitator_page, new_page):
    console = facilitator_page
    console.get_by_role("link", name="Start a session").click()
    console.get_by_label("Shuffle the cards").uncheck()
    console.get_by_role("button", name="Start the session").click()
    expect(console.get_by_text("Facilitator console")).to_be_visible()
    session = LiveSession.objects.get()

    room = console.context.new_page()
    room.goto(f"/live/{session.pk}/room/")
    expect(room.get_by_label("Join code")).to_have_text(session.join_code)
    expect(room.locator(".lobby__qr svg")).to_be_visible()
    screenshot(room, "room-lobby")

    phones = [join(new_page, session.join_code, name) for name in PEOPLE]
    for name in PEOPLE:
        expect(room.locator("#room-people")).to_contain_text(name)
    expect(console.locator("#host-people")).to_contain_text("3 participants")

    console.keyboard.press("ArrowRight")
    for phone in phones:
        expect(phone.locator("#phone-card")).to_contain_text(QUESTION, timeout=WITHIN_TWO_SECONDS)
    expect(room.locator("#room-card")).to_contain_text(QUESTION)

    for phone, name in zip(phones, PEOPLE, strict=True):
        answer(phone, f"{name}: a thank-you note from a customer")
    for name in PEOPLE:
        expect(room.locator("#room-answers")).to_contain_text(f"{name}: a thank-you note")
    expect(console.locator("#host-people")).to_contain_text("answered")

    console.get_by_role("button", name="Hide Bo's answer").click()
    expect(room.locator("#room-answers")).not_to_contain_text("Bo: a thank-you note")
    expect(room.locator("#room-answers")).to_contain_text("Ana: a thank-you note")
    expect(console.locator("#host-answers")).to_contain_text("Hidden from the room")
    console.get_by_role("button", name="Spotlight Cy's answer").click()
    expect(room.locator(".spotlight")).to_contain_text("Cy: a thank-you note")
    screenshot(room, "room-answers")

    console.get_by_role("button", name="Next turn").click()
    expect(phones[0].get_by_text("Your turn!")).to_be_visible()
    expect(phones[1].get_by_text("Your turn!")).to_be_hidden()
    expect(room.locator("#room-turn")).to_contain_text("Ana")

    console.get_by_role("button", name="Next card →").click()
    for phone in phones:
        expect(phone.locator("#phone-card")).to_contain_text(MEMORY, timeout=WITHIN_TWO_SECONDS)
    ana = phones[0]
    ana.get_by_label("Your memory").fill("The hotel that mailed back my daughter's bear.")
    ana.get_by_label("Made me feel valued").check()
    ana.get_by_label("Who would you share it with").fill("Our front-desk team")
    ana.get_by_label("Yes, with my name").check()
    ana.get_by_role("button", name="Send my answer").click()
    expect(ana.get_by_text("Saved.")).to_be_visible()
    story = Story.objects.get()
    assert story.text == "The hotel that mailed back my daughter's bear."
    assert (story.author_name, story.valence) == ("Ana", "valued")
    screenshot(ana, "phone-memory-card")

    bo = phones[1]
    bo.reload()
    expect(bo.locator("#phone-card")).to_contain_text(MEMORY)
    expect(bo.locator(".phone-header__me")).to_have_text("Bo")
    answer(bo, "Bo after a reload")
    expect(room.locator("#room-answers")).to_contain_text("Bo after a reload")
    screenshot(console, "console")

    console.once("dialog", lambda dialog: dialog.accept())
    console.get_by_role("button", name="End session").click()
    expect(console.get_by_role("heading", name="Monday kick-off")).to_be_visible()
    expect(console).to_have_url(re.compile(rf"/live/{session.pk}/summary/$"))
    for phone in phones:
        expect(phone.get_by_role("heading", name="Thank you for taking part!")).to_be_visible()
    expect(ana.get_by_role("link", name="My shared stories")).to_be_visible()
    expect(room.get_by_role("heading", name="Thank you, everyone!")).to_be_visible()

    summary = console.locator("main")
    for text in Answer.objects.values_list("text", flat=True):
        expect(summary).to_contain_text(text)
    expect(summary).to_contain_text("Hidden")
    assert Answer.objects.count() == 5
    screenshot(console, "summary")

    late = new_page(viewport=PHONE)
    late.goto(f"/join/{session.join_code}/")
    expect(late.get_by_text("That session has ended.")).to_be_visible()


def test_an_event_caused_on_one_worker_reaches_a_screen_served_by_another(
    facilitator_page, live_app, django_db_blocker
):
    """Two Daphne processes share the Redis channel layer, as workers behind a balancer do."""
    if not os.environ.get("REDIS_URL"):
        service_missing(
            "Redis", "REDIS_URL is not set", "run with REDIS_URL=redis://127.0.0.1:6379/0"
        )
    console = facilitator_page
    console.get_by_role("link", name="Start a session").click()
    console.get_by_label("Shuffle the cards").uncheck()
    console.get_by_role("button", name="Start the session").click()
    session = LiveSession.objects.get()

    with django_db_blocker.unblock():
        second_worker = start_server()
    try:
        room = console.context.new_page()
        room.goto(f"{second_worker.url}/live/{session.pk}/room/")
        expect(room.get_by_label("Join code")).to_have_text(session.join_code)
        room.wait_for_timeout(300)  # let the room's socket connect to the second worker

        console.keyboard.press("ArrowRight")
        expect(room.locator("#room-card")).to_contain_text(QUESTION, timeout=WITHIN_TWO_SECONDS)
    finally:
        stop_server(second_worker)
