"""The facilitator console in real Chromium: keys that follow the mode, copy buttons, managing
the people in the room (remove, rename, lock joining), and a header that lines up with it."""

import pytest
from playwright.sync_api import expect

from sessions.models import LiveSession
from tests.e2e.conftest import join, log_in, screenshot
from tests.factories import UserFactory
from tests.live_sessions.conftest import PROMPTS, start_session

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 900}
PROJECTOR = {"width": 1920, "height": 1080}
NARROW = {"width": 390, "height": 844}


def open_console(new_page, session, viewport=LAPTOP):
    page = new_page(viewport=viewport)
    log_in(page, session.facilitator)
    page.goto(session.get_absolute_url())
    # The console's socket is open once its first state has come (the live banner hidden).
    expect(page.locator("#host-state")).to_be_visible()
    page.wait_for_function("document.getElementById('live-paused').hidden")
    return page


def test_in_a_table_spread_the_arrow_gives_the_next_turn_and_r_reveals_for_them(new_page):
    session = start_session(UserFactory(), mode="spread")
    console = open_console(new_page, session)
    ana = join(new_page, session.join_code, "Ana")
    join(new_page, session.join_code, "Bo")
    expect(console.locator("#host-people")).to_contain_text("2 participants")
    primary = console.locator(".button--primary-action")
    expect(primary).to_have_text("Next turn →")
    expect(console.locator("#shortcuts")).to_contain_text("next turn")
    screenshot(console, "console-spread-lobby-1366")

    console.keyboard.press("ArrowRight")
    expect(ana.get_by_text("Your turn! Pick a block below.")).to_be_visible()
    expect(console.locator("#host-people .is-turn")).to_contain_text("Ana")

    console.keyboard.press("r")  # Ana is slow to pick: the facilitator reveals one for her
    expect(console.locator(".console__prompt")).to_have_text(PROMPTS[0])
    expect(ana.locator("#phone-card")).to_contain_text(PROMPTS[0])
    expect(console.locator("#host-people")).to_contain_text("0 of 2 answered")
    for viewport, name in [(LAPTOP, "1366"), (PROJECTOR, "1920")]:
        console.set_viewport_size(viewport)
        screenshot(console, f"console-spread-{name}")


def test_in_reveal_mode_the_arrow_turns_the_next_card_and_t_gives_a_turn(new_page):
    session = start_session(UserFactory())
    console = open_console(new_page, session)
    ana = join(new_page, session.join_code, "Ana")
    expect(console.locator(".button--primary-action")).to_have_text("Reveal the first card →")

    console.keyboard.press("ArrowRight")
    expect(ana.locator("#phone-card")).to_contain_text(PROMPTS[0])
    expect(console.locator(".button--primary-action")).to_have_text("Next card →")
    expect(console.locator("#shortcuts")).to_contain_text("next card")
    console.keyboard.press("t")
    expect(ana.get_by_text("Your turn!")).to_be_visible()

    ana.get_by_label("Your answer").fill("The bus driver waited for me.")
    ana.get_by_role("button", name="Send my answer").click()
    expect(console.locator("#host-people")).to_contain_text("1 of 1 answered")
    for viewport, name in [(LAPTOP, "1366"), (PROJECTOR, "1920")]:
        console.set_viewport_size(viewport)
        screenshot(console, f"console-reveal-{name}")


def test_the_copy_buttons_copy_the_join_and_room_links(new_page, live_app):
    session = start_session(UserFactory())
    console = open_console(new_page, session)
    console.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_app.url)

    console.get_by_role("button", name="Copy the join link").click()
    expect(console.locator("#join-link ~ .copy-status")).to_have_text("Copied")
    assert console.evaluate("navigator.clipboard.readText()") == session.join_url

    console.get_by_role("button", name="Copy the room screen link").click()
    expect(console.locator("#room-link ~ .copy-status")).to_have_text("Copied")
    room_link = console.evaluate("navigator.clipboard.readText()")
    assert room_link.endswith(f"/live/{session.pk}/room/?key={session.room_key}")

    projector = new_page(viewport=PROJECTOR)  # another computer, nobody logged in
    projector.goto(room_link.removeprefix(session.join_base_url))
    expect(projector.get_by_label("Join code")).to_have_text(session.join_code)


def test_removing_a_participant_tells_their_phone_and_takes_them_off_the_screens(new_page):
    session = start_session(UserFactory())
    console = open_console(new_page, session)
    room = console.context.new_page()
    room.goto(f"/live/{session.pk}/room/")
    ana = join(new_page, session.join_code, "Ana")
    join(new_page, session.join_code, "Bo")
    expect(room.locator("#room-people")).to_contain_text("Ana")

    console.get_by_role("link", name="Ana: rename or remove").click()
    panel = console.locator("#host-person")
    expect(panel.get_by_role("heading", name="Ana")).to_be_focused()
    console.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name="Remove Ana").click()

    expect(ana.get_by_text("The facilitator removed you from this session.")).to_be_visible()
    expect(ana.locator("#live-paused")).to_be_hidden()  # not "reconnecting": it is over
    done = console.locator("#host-person").get_by_text("Ana was removed from the session.")
    expect(done).to_be_focused()  # a keyboard user is not left at the top of the page
    expect(console.locator("#host-people")).to_contain_text("1 participant")
    expect(console.locator("#host-people")).not_to_contain_text("Ana")
    expect(room.locator("#room-people")).not_to_contain_text("Ana")
    ana.set_viewport_size(NARROW)
    screenshot(ana, "phone-removed-390")

    ana.reload()
    expect(ana.get_by_text("The facilitator removed you from this session.")).to_be_visible()
    expect(ana.get_by_label("Your name")).to_have_count(0)


def test_renaming_and_locking_joining_from_the_console(new_page):
    session = start_session(UserFactory())
    console = open_console(new_page, session)
    room = console.context.new_page()
    room.goto(f"/live/{session.pk}/room/")
    oops = join(new_page, session.join_code, "Oops")

    console.get_by_role("link", name="Oops: rename or remove").click()
    expect(console.get_by_role("heading", name="Oops")).to_be_focused()
    console.get_by_label("New name").fill("")
    console.get_by_role("button", name="Rename").click()
    expect(console.locator("#host-person")).to_contain_text("Tell the room your name")
    screenshot(console, "console-person-panel-1366")
    console.get_by_label("New name").fill("Dana")
    console.get_by_role("button", name="Rename").click()
    expect(console.locator("#host-person")).to_contain_text("Renamed to Dana.")
    expect(room.locator("#room-people")).to_contain_text("Dana")
    expect(room.locator("#room-people")).not_to_contain_text("Oops")
    expect(oops.locator(".phone-header__me")).to_have_text("Dana")  # their own phone, live

    console.get_by_role("button", name="Lock joining").click()
    expect(console.locator("#host-people")).to_contain_text("Joining is closed.")
    late = new_page(viewport=NARROW)
    late.goto(session.join_path)
    expect(late.get_by_text("Joining is closed for this session.")).to_be_visible()
    expect(late.get_by_label("Your name")).to_have_count(0)
    screenshot(late, "phone-joining-locked-390")
    oops.reload()  # who is in stays in
    expect(oops.get_by_text("Waiting for the facilitator to show the first card.")).to_be_visible()

    console.get_by_role("button", name="Open joining again").click()
    expect(console.locator("#host-people")).to_contain_text("Joining is open.")
    join(new_page, session.join_code, "Late but welcome")
    assert LiveSession.objects.get().people().count() == 2


@pytest.mark.parametrize("viewport", [NARROW, LAPTOP, PROJECTOR], ids=["390", "1366", "1920"])
def test_the_console_lines_up_with_the_site_header(new_page, viewport):
    session = start_session(UserFactory())
    console = open_console(new_page, session, viewport=viewport)
    brand = console.locator(".brand").bounding_box()
    heading = console.get_by_role("heading", name=session.title).bounding_box()
    assert abs(brand["x"] - heading["x"]) <= 1
    screenshot(console, f"console-header-{viewport['width']}")
    if viewport is not NARROW:
        # The links to share are in the page head, in view without scrolling.
        room_link = console.locator("#room-link").bounding_box()
        assert room_link["y"] + room_link["height"] <= viewport["height"]


def test_who_has_not_answered_stays_open_or_folded_as_the_facilitator_left_it(new_page):
    session = start_session(UserFactory())
    for number in range(13):
        session.join(f"Person {number}")
    session.reveal_next()
    console = open_console(new_page, session)
    waiting = console.locator("#not-answered")
    expect(waiting).not_to_have_attribute("open", "")  # a long list starts folded
    waiting.locator("summary").click()
    expect(waiting.get_by_text("Person 12")).to_be_visible()

    ana = new_page(viewport=NARROW)
    ana.goto(session.join_path)
    ana.get_by_label("Your name").fill("Ana")
    ana.get_by_role("button", name="Join the session").click()  # the list is drawn again, live

    expect(console.locator("#host-people")).to_contain_text("0 of 14 answered")
    expect(console.locator("#not-answered").get_by_text("Ana")).to_be_visible()
