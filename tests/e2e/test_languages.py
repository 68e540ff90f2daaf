"""Languages in real Chromium: a phone joins in its browser's language and switches to another
with the switch on its page; the room screen speaks the session's language and the console its
facilitator's, while the card flips on all three. Screenshots in four languages."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from sessions.models import LiveSession, Participant
from tests.e2e.conftest import log_in, screenshot
from tests.factories import CardFactory, DeckFactory, UserFactory

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
PROJECTORS = [{"width": 1920, "height": 1080}, {"width": 1280, "height": 720}]


def said(language, english):
    with translation.override(language):
        return gettext(english)


def test_phone_room_and_console_each_in_their_own_language(new_page):
    facilitator = UserFactory(language="fr")
    deck = DeckFactory(owner=facilitator, title="Vrijdagochtend", language="nl")
    CardFactory(deck=deck, prompt="Welk klantmoment zou je delen?", kind="memory")
    CardFactory(deck=deck, prompt="Wat maakte je blij?")
    session = LiveSession.start(
        deck, facilitator, join_base_url="http://testserver", language="nl", is_shuffled=False
    )

    phone = new_page(viewport=PHONE, locale="de-DE")
    phone.goto(f"/join/{session.join_code}/")
    phone.get_by_role("textbox").first.fill("Ana")
    phone.get_by_role("button", name=said("de", "Join the session")).click()
    expect(phone.get_by_role("button", name=said("de", "Change"))).to_be_visible()
    assert phone.locator("html").get_attribute("lang") == "de"
    screenshot(phone, "language-phone-de-waiting")

    console = new_page(viewport=LAPTOP, locale="en-GB")
    log_in(console, facilitator)
    console.goto(f"/live/{session.pk}/")
    expect(console.get_by_text(said("fr", "Facilitator console"))).to_be_visible()
    rooms = []
    for size in PROJECTORS:
        room = new_page(viewport=size, locale="en-GB")
        room.context.add_cookies(console.context.cookies())
        room.goto(f"/live/{session.pk}/room/")
        expect(room.get_by_text(said("nl", "Join on your phone"))).to_be_visible()
        rooms.append(room)

    console.get_by_role("button", name=said("fr", "Reveal the first card")).click()
    expect(phone.get_by_role("button", name=said("de", "Send my answer"))).to_be_visible()
    answer = phone.locator("#phone-answer textarea").first
    answer.fill("Die Verkäuferin, die")  # half an answer, not sent

    # The switch: the language named in itself; what was typed stays.
    phone.get_by_label(said("de", "Language")).select_option(label="Español")
    phone.get_by_role("button", name=said("de", "Change")).click()
    expect(phone.get_by_role("button", name=said("es", "Change"))).to_be_visible()
    assert phone.locator("html").get_attribute("lang") == "es"
    assert Participant.objects.get(display_name="Ana").language == "es"
    expect(phone.locator("#phone-answer textarea").first).to_have_value("Die Verkäuferin, die")
    screenshot(phone, "language-phone-es-card")
    for room, size in zip(rooms, PROJECTORS, strict=True):
        expect(room.get_by_role("heading", name="Welk klantmoment zou je delen?")).to_be_visible()
        assert room.locator("html").get_attribute("lang") == "nl"
        screenshot(room, f"language-room-nl-{size['width']}")

    console.get_by_role("button", name=f"{said('fr', 'Next card')} →").click()
    expect(phone.get_by_text("Wat maakte je blij?")).to_be_visible()
    expect(phone.get_by_role("button", name=said("es", "Send my answer"))).to_be_visible()  # pushed
    screenshot(console, "language-console-fr")
