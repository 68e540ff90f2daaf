"""The timer and locked answers in real Chromium: the room, the console and a phone whose clock
is five minutes fast all show the same time left, a phone's form locks by itself when a locking
timer runs out, and what someone typed survives a lock."""

import re

import pytest
from playwright.sync_api import expect

from sessions.models import Answer
from tests.e2e.conftest import join, screenshot
from tests.e2e.conftest import log_in as logged_in
from tests.factories import UserFactory
from tests.live_sessions.conftest import start_session

pytestmark = pytest.mark.e2e

PHONE_390 = {"width": 390, "height": 844}
FIVE_MINUTES_FAST = """
(() => {
  const real = Date.now.bind(Date);
  Date.now = () => real() + 5 * 60 * 1000;
})();
"""


def log_in(new_page, user):
    page = new_page()
    logged_in(page, user)
    return page


def seconds_left(page):
    minutes, seconds = page.locator("[data-timer-clock]").first.text_content().split(":")
    return int(minutes) * 60 + int(seconds)


def assert_same_time(*pages):
    for _reading in range(3):
        readings = [seconds_left(page) for page in pages]
        assert max(readings) - min(readings) <= 1, readings
        pages[0].wait_for_timeout(700)
    return readings


@pytest.fixture
def workshop(new_page):
    """A session with its first card up: the console, the room (1920×1080) and Ana's phone,
    whose clock is five minutes fast."""
    owner = UserFactory()
    session = start_session(owner)
    phone = join(new_page, session.join_code, "Ana")
    session.reveal_next()  # in the database: the pages below load with the card up
    console = log_in(new_page, owner)
    console.goto(session.get_absolute_url())
    room = console.context.new_page()
    room.set_viewport_size({"width": 1920, "height": 1080})
    room.goto(f"/live/{session.pk}/room/")
    phone.set_viewport_size(PHONE_390)
    phone.context.add_init_script(FIVE_MINUTES_FAST)
    phone.reload()
    fast_by = phone.evaluate("Date.now() - (performance.timeOrigin + performance.now())")
    assert fast_by > 4 * 60 * 1000
    return session, console, room, phone


def test_the_room_the_console_and_a_phone_with_a_wrong_clock_show_the_same_time(workshop):
    session, console, room, phone = workshop
    clocks = [page.locator("[data-timer-clock]") for page in (room, console, phone)]

    console.get_by_role("button", name="2 min").click()
    for clock in clocks:
        expect(clock).to_have_text("02:00")
    console.get_by_role("button", name="Start").click()
    for page in (room, console, phone):
        expect(page.locator("[data-timer]")).to_have_attribute("data-state", "running")
    room.wait_for_timeout(2_500)
    readings = assert_same_time(room, console, phone)
    assert all(100 < reading < 120 for reading in readings), readings
    screenshot(room, "timer-room-1920x1080")
    room.set_viewport_size({"width": 1280, "height": 720})
    screenshot(room, "timer-room-1280x720")
    screenshot(phone, "timer-phone-390")

    console.get_by_role("button", name="Pause").click()
    expect(console.get_by_role("button", name="Resume")).to_be_focused()  # keyboard stays put
    expect(room.locator("[data-timer]")).to_have_attribute("data-state", "paused")
    expect(phone.locator("[data-timer]")).to_have_attribute("data-state", "paused")
    paused = console.locator("[data-timer-clock]").text_content()
    for clock in clocks:
        expect(clock).to_have_text(paused)
    console.get_by_role("button", name="+1 min").click()
    minutes, seconds = paused.split(":")
    longer = f"{int(minutes) + 1:02d}:{seconds}"
    for clock in clocks:
        expect(clock).to_have_text(longer)
    console.get_by_role("button", name="Resume").click()
    expect(phone.locator("[data-timer]")).to_have_attribute("data-state", "running")
    assert_same_time(room, console, phone)
    screenshot(console, "timer-console-1366")


def test_locking_answers_keeps_what_a_phone_typed_and_unlocking_gives_it_back(workshop):
    session, console, room, phone = workshop
    field = phone.get_by_label("Your answer")
    field.fill("Half a thought")

    console.locator("body").press("l")

    expect(phone.get_by_text("Answers are locked for this card.")).to_be_visible()
    expect(phone.get_by_role("button", name="Send my answer")).to_have_count(0)
    expect(phone.locator("[data-kept-answer] textarea")).to_have_value("Half a thought")
    expect(room.get_by_text("Answers are locked", exact=True)).to_be_visible()
    expect(console.locator("#host-timer")).to_contain_text("Answers are locked: 0 answers in.")
    screenshot(phone, "timer-phone-390-locked")

    console.locator("body").press("l")

    expect(phone.get_by_label("Your answer")).to_have_value("Half a thought")
    expect(phone.locator("[data-answers-lock]")).to_be_hidden()
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_text("Saved.")).to_be_visible()
    assert Answer.objects.get().text == "Half a thought"


def test_a_phones_form_locks_by_itself_when_a_locking_timer_runs_out(workshop):
    session, console, room, phone = workshop
    with console.expect_response(re.compile("/timer/$")):  # saved as it is ticked
        console.get_by_label("Lock answers when the time is up").check()
    console.get_by_label("Other (minutes)").fill("0.2")  # 12 seconds
    console.get_by_role("button", name="Set", exact=True).click()
    expect(console.get_by_label("Lock answers when the time is up")).to_be_checked()
    expect(room.locator("[data-timer-clock]")).to_have_text("00:12")
    console.get_by_role("button", name="Start").click()
    expect(phone.locator("[data-timer]")).to_have_attribute("data-state", "running")
    phone.get_by_label("Your answer").fill("Typed before the bell")

    expect(phone.get_by_role("button", name="Send my answer")).to_have_count(0, timeout=20_000)
    expect(phone.get_by_text("Answers are locked for this card.")).to_be_visible()
    expect(phone.locator("[data-kept-answer] textarea")).to_have_value("Typed before the bell")
    expect(phone.locator("[data-timer-clock]")).to_have_text("00:00")
    expect(room.locator("#room-progress")).to_contain_text(re.compile("Time is up"))
    expect(room.get_by_text("Answers are locked", exact=True)).to_be_visible()
    # The console asks the server again at zero: its state, not just the clock, says so.
    expect(console.locator("#host-timer")).to_contain_text("Time is up: answers are locked.")
    expect(console.get_by_role("button", name="Start")).to_be_disabled()
    assert not Answer.objects.exists()
    screenshot(room, "timer-room-1920x1080-time-up")
    screenshot(phone, "timer-phone-390-time-up")
    screenshot(console, "timer-console-1366-time-up")
