"""What a screen reader says on the phone and the room screen as a session goes on.

Each event comes over the WebSocket; the test reads the accessible tree (what a screen reader
reads out) and the live regions that announce the change: regions that stay on the page, so
that a change inside them is said once (a region swapped in whole is announced unreliably).
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import join, log_in, screenshot
from tests.factories import UserFactory
from tests.live_sessions.conftest import PROMPTS, start_session

pytestmark = pytest.mark.e2e

BACK_WITHIN = 20_000  # ms for the phone's socket to be back once the network is


def open_console(new_page, session):
    page = new_page()
    log_in(page, session.facilitator)
    page.goto(session.get_absolute_url())
    page.wait_for_function("document.getElementById('live-paused').hidden")
    return page


def test_the_phone_and_the_room_announce_the_card_the_answer_the_turn_and_the_end(new_page):
    session = start_session(UserFactory())
    console = open_console(new_page, session)
    room = new_page(viewport={"width": 1280, "height": 720})
    room.goto(f"/live/{session.pk}/room/?key={session.room_key}")
    phone = join(new_page, session.join_code, "Ana")
    announcer = room.locator("#room-announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")
    expect(announcer).to_have_text("1 person here.")

    console.keyboard.press("ArrowRight")
    card = phone.locator("#phone-card")
    expect(card).to_have_attribute("aria-live", "polite")
    expect(card).to_match_aria_snapshot(f"""
      - paragraph: Card 1 of 3
      - article:
        - paragraph: Question
        - heading "{PROMPTS[0]}" [level=2]
    """)
    expect(announcer).to_have_text(f"Question. {PROMPTS[0]} 0 of 1 answered.")
    expect(room.locator("#room-card")).to_match_aria_snapshot(f'- heading "{PROMPTS[0]}" [level=1]')

    phone.context.set_offline(True)
    phone.get_by_label("Your answer").fill("A kind word")
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.locator("#phone-answer")).to_match_aria_snapshot("""
      - textbox "Your answer": A kind word
      - alert: "Not sent yet: no connection. Keep this page open; it is sent as soon as the connection is back."
      - button "Send my answer"
    """)  # noqa: E501
    phone.context.set_offline(False)
    said = phone.locator("#phone-said")
    expect(said).to_have_text(
        "Saved. You can still change it until the next card.", timeout=BACK_WITHIN
    )
    expect(phone.locator("main")).to_match_aria_snapshot("""
      - status: Saved. You can still change it until the next card.
      - button "Update my answer"
    """)
    expect(announcer).to_have_text("1 of 1 answered.")  # the card, unchanged, is not said again

    console.keyboard.press("t")
    turn = phone.locator("#phone-turn")
    expect(turn).to_have_attribute("aria-live", "polite")
    expect(turn).to_contain_text("Your turn!")
    expect(turn).to_match_aria_snapshot("- paragraph: Your turn!")
    expect(announcer).to_have_text("Your turn, Ana.")

    console.once("dialog", lambda dialog: dialog.accept())
    console.get_by_role("button", name="End session").click()
    end = phone.locator("#phone-announcer")
    expect(end).to_have_attribute("role", "status")
    expect(end).to_have_text(f"Thank you for taking part! “{session.title}” has ended.")
    expect(phone.locator("main")).to_match_aria_snapshot(f"""
      - heading "Thank you for taking part!" [level=1]
      - status: Thank you for taking part! “{session.title}” has ended.
    """)
    expect(announcer).to_have_text(f"Thank you, everyone! “{session.title}” has ended.")
    screenshot(phone, "screen-reader-phone-ended")
