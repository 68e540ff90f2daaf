"""The phone and the room screen mirrored for a right-to-left language.

No right-to-left language ships yet, so the test sets dir="rtl" on <html> itself, as the base
template does for one (LANGUAGE_BIDI); what starts on the left then starts on the right.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import join, screenshot
from tests.factories import UserFactory
from tests.live_sessions.conftest import PROMPTS, start_session

pytestmark = pytest.mark.e2e

ROOMS = [{"width": 1920, "height": 1080}, {"width": 1280, "height": 720}]
PHONE_390 = {"width": 390, "height": 844}

# Both centres are read in one script, in one turn of the page's event loop: a pushed update
# swapping the bar between two reads cannot hand back a detached element's empty box.
CENTRES = """([first, second, dir]) => {
    document.documentElement.dir = dir;
    const centre = (selector) => {
        const box = document.querySelector(selector).getBoundingClientRect();
        return box.x + box.width / 2;
    };
    return [centre(first), centre(second)];
}"""


def mirrored(page, first, second):
    """`first` sits left of `second` from left to right, and right of it from right to left."""
    left, right = page.evaluate(CENTRES, [first, second, "ltr"])
    assert left < right
    right, left = page.evaluate(CENTRES, [first, second, "rtl"])
    assert right > left


def test_the_phone_and_the_room_screen_are_mirrored_right_to_left(new_page):
    session = start_session(UserFactory())
    room = new_page(viewport=ROOMS[0])
    room.goto(f"/live/{session.pk}/room/?key={session.room_key}")
    for viewport in ROOMS:
        room.set_viewport_size(viewport)
        mirrored(room, ".lobby__join", ".lobby__qr")  # the join code, then the QR code
        screenshot(room, f"rtl-room-lobby-{viewport['width']}")

    phone = join(new_page, session.join_code, "Ana")
    phone.set_viewport_size(PHONE_390)
    session.reveal_next()
    phone.reload()
    expect(phone.locator("#phone-card")).to_contain_text(PROMPTS[0])
    mirrored(phone, ".phone-header__title", ".phone-header__me")  # the session, then my name
    checkbox = ".answer-form input[type=checkbox]"
    mirrored(phone, checkbox, f"label[for='{phone.locator(checkbox).get_attribute('id')}']")
    screenshot(phone, "rtl-phone-card-390")

    room.reload()
    expect(room.locator("#room-card")).to_contain_text(PROMPTS[0])
    for viewport in ROOMS:
        room.set_viewport_size(viewport)
        mirrored(room, "#room-progress > span:first-child", "#room-progress .room__join")
        screenshot(room, f"rtl-room-card-{viewport['width']}")
