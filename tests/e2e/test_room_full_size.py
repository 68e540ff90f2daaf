"""The room screen at full size in real Chromium, on a 1920×1080 and a 1280×720 projector: a
room of 40 (three Chromium phones, the rest phones over HTTP), a lobby of 200 names and a
table spread of 10 and of 40 blocks. Everything the room holds is on screen whole or counted
("+12 more answers on the other pages"), never cut off unannounced, and the page never scrolls.
Screenshots go to /work/shots/room/ (or CXW_SHOTS) for people to look at."""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sessions.models import LiveSession
from tests.e2e.conftest import join
from tests.e2e.test_deck_builder import log_in
from tests.e2e.test_live_session import answer
from tests.factories import CardFactory, DeckFactory, UserFactory
from tests.live_sessions.conftest import start_session
from tests.servers import Phone

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ.get("CXW_SHOTS", "/work/shots/room"))
PROJECTORS = {"1080p": {"width": 1920, "height": 1080}, "720p": {"width": 1280, "height": 720}}

# Each shown element (not under `hidden`): whether it is inside the viewport, and whole.
BOXES = """(selector) => [...document.querySelectorAll(selector)]
  .filter((element) => !element.closest('[hidden]'))
  .map((element) => {
    const box = element.getBoundingClientRect();
    return {
      text: (element.innerText ?? element.textContent).trim(),
      inside: box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth,
      // Nothing cut off or scrolled away inside it (where its content could be).
      whole: getComputedStyle(element).overflowY === "visible"
        || element.scrollHeight <= element.clientHeight + 1,
      box: [box.left, box.top, box.right, box.bottom],
    };
  })"""


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png")


def open_room(new_page, session, viewport):
    room = new_page(viewport=viewport)
    room.emulate_media(reduced_motion="reduce")  # boxes measured where they stay
    room.goto(f"/live/{session.pk}/room/?key={session.room_key}")
    settled(room)
    return room


def settled(room):
    """Wait until the room's socket has sent its state (it replaces the page's) and the room has
    laid that out: measuring before then measures what is about to be swapped away."""
    room.wait_for_function(
        "() => { const room = document.querySelector('[data-room]');"
        " return room && room.dataset.messages"
        " && room.dataset.laidOutAfter === room.dataset.messages; }"
    )


def reload(room):
    room.reload()
    settled(room)


def boxes(page, selector):
    return page.evaluate(BOXES, selector)


def assert_whole_on_screen(page, selector):
    found = boxes(page, selector)
    assert found, selector
    outside = [box for box in found if not (box["inside"] and box["whole"])]
    assert outside == [], f"{selector} not whole on screen: {outside}"
    return found


def assert_no_scrolling(page):
    sizes = page.evaluate(
        "[document.documentElement.scrollHeight, innerHeight,"
        " document.documentElement.scrollWidth, innerWidth]"
    )
    assert sizes[0] <= sizes[1] and sizes[2] <= sizes[3], sizes


def font_share_of_height(page, selector):
    return page.evaluate(
        "(selector) => parseFloat(getComputedStyle(document.querySelector(selector)).fontSize)"
        " / innerHeight",
        selector,
    )


def answer_text(number):
    """Answers of every length the form takes: most short, some long, one of 900 characters."""
    words = "the front desk remembered my name and the coffee I like every single morning"
    length = {7: 160, 19: 420, 31: 900}.get(number, 40 + number % 5 * 12)
    body = (words + " ") * (length // len(words) + 1)
    return f"Answer {number:02d}: {body[:length].strip()}"


class HttpPhone(Phone):
    """A phone over HTTP that joins `session` as `name`, and answers when asked."""

    def __init__(self, server, session, name):
        super().__init__(server.url)
        self.join_path = reverse("live_sessions:join", args=[session.join_code])
        self.answer_path = reverse("live_sessions:answer", args=[session.join_code])
        status, _page = self.post(
            self.join_path, {"csrfmiddlewaretoken": self.csrf(self.join_path), "display_name": name}
        )
        assert status == 200, status

    def answer(self, text):
        status, _page = self.post(
            self.answer_path, {"csrfmiddlewaretoken": self.csrf(self.join_path), "text": text}
        )
        assert status == 200, status


def walk_the_wall(room, name):
    """Every page of the answer wall, turned by the clicker's Page Down: the notes on each page
    (whole and inside the viewport) and what the page says of the others."""
    wall = room.locator("[data-pages]")
    pages = int(wall.get_attribute("data-page-count"))
    seen = {}
    for number in range(1, pages + 1):
        expect(wall).to_have_attribute("data-page", str(number))
        notes = assert_whole_on_screen(room, "#room-answers .answer-note")
        for note in notes:
            seen[note["text"].split(":")[0]] = note["text"].split("\n\n")[0]
        if pages > 1:
            pager = room.locator("[data-pager]")
            expect(pager).to_contain_text(f"Page {number} of {pages}")
            expect(pager).to_contain_text(f"+{40 - len(notes) - 1} more answers on the other pages")
        assert_no_scrolling(room)
        shoot(room, f"answers-40-{name}-page-{number}")
        room.keyboard.press("PageDown")
    expect(wall).to_have_attribute("data-page", "1")  # round again
    return pages, seen


def test_a_room_of_forty_sees_every_answer_whole_page_by_page(new_page, live_app):
    session = start_session(UserFactory(), title="Forty people, one wall")
    room = open_room(new_page, session, PROJECTORS["1080p"])
    texts = {number: answer_text(number) for number in range(1, 41)}
    phones = [join(new_page, session.join_code, name) for name in ["Ana", "Bo", "Cy"]]
    session.reveal_next()  # here, not by the server: the screens see it once they reload
    for page in [room, *phones]:
        page.reload()
    settled(room)
    for phone, number in zip(phones, [1, 2, 3], strict=True):
        answer(phone, texts[number])
    with ThreadPoolExecutor(8) as pool:
        list(
            pool.map(
                lambda number: HttpPhone(live_app, session, f"P{number}").answer(texts[number]),
                range(4, 40),
            )
        )
    last = HttpPhone(live_app, session, "P40")  # here, and not answered yet
    expect(room.locator(".room__answered")).to_have_text("39 of 40 answered")

    room.keyboard.press("PageDown")
    expect(room.locator("[data-pages]")).to_have_attribute("data-page", "2")
    last.answer(texts[40])  # while the room shows page 2: it stays there
    expect(room.locator(".room__answered")).to_have_text("40 of 40 answered")
    expect(room.locator("[data-pages]")).to_have_attribute("data-page", "2")
    expect(room.locator("#room-answers")).to_contain_text("Answer 40")
    spotlit = session.current_card.answers.get(text=texts[1])
    spotlit.is_spotlighted = True
    spotlit.save(update_fields=["is_spotlighted"])

    for name, viewport in PROJECTORS.items():
        room.set_viewport_size(viewport)
        reload(room)
        expect(room.locator(".room__answered")).to_have_text("40 of 40 answered")
        assert font_share_of_height(room, "#room-progress") >= 0.024
        assert_whole_on_screen(room, "#room-progress")
        spotlight = assert_whole_on_screen(room, ".spotlight")
        assert texts[1] in spotlight[0]["text"]
        pages, seen = walk_the_wall(room, name)
        assert pages > 1
        assert sorted(seen.values()) == sorted(texts[number] for number in range(2, 41))


def test_a_lobby_of_two_hundred_keeps_the_code_and_qr_whole(new_page, live_app):
    session = start_session(UserFactory(), title="Two hundred people")
    for number in range(1, 200):
        session.join(f"Person {number:03d}")
    room = open_room(new_page, session, PROJECTORS["1080p"])
    HttpPhone(live_app, session, "Newest arrival")
    people = room.locator("#room-people")
    expect(people.get_by_role("heading")).to_have_text("200 people here")
    for name, viewport in PROJECTORS.items():
        room.set_viewport_size(viewport)
        reload(room)
        expect(room.get_by_label("Join code")).to_have_text(session.join_code)
        for part in [".lobby__code", ".lobby__qr", ".lobby__link", ".lobby__hint", ".lobby__title"]:
            assert_whole_on_screen(room, part)
        assert font_share_of_height(room, ".lobby__hint") >= 0.022
        names = assert_whole_on_screen(room, ".room-people__names li")
        assert names[0]["text"] == "Newest arrival"  # newest first
        expect(people.locator("[data-more-names]")).to_have_text(f"+{200 - len(names)} more")
        assert_whole_on_screen(room, "[data-more-names]")
        assert_no_scrolling(room)
        shoot(room, f"lobby-200-{name}")


@pytest.mark.parametrize("cards", [10, 40])
def test_every_face_down_block_of_a_table_spread_is_on_screen(new_page, live_app, cards):
    owner = UserFactory()
    deck = DeckFactory(owner=owner, title="Table spread")
    for number in range(cards):
        CardFactory(deck=deck, prompt=f"Question {number + 1}: what surprised a customer?")
    session = LiveSession.start(
        deck, owner, join_base_url=live_app.url, mode=LiveSession.Mode.SPREAD
    )
    for name in ["Ana", "Bo"]:
        session.join(name)
    session.pass_turn()  # the first turn: still the lobby, the blocks are on the table
    room = open_room(new_page, session, PROJECTORS["1080p"])
    for name, viewport in PROJECTORS.items():
        room.set_viewport_size(viewport)
        reload(room)
        expect(room.locator("#room-turn")).to_contain_text("Ana")
        expect(room.locator(".lobby__qr")).to_have_count(0)  # a join line instead
        assert_whole_on_screen(room, ".room__join--line")
        assert len(assert_whole_on_screen(room, ".room__table .wood-block")) == cards
        assert_no_scrolling(room)
        shoot(room, f"spread-{cards}-lobby-{name}")

    session.pick(session.current_turn, session.face_down_cards().first())
    session.pass_turn()  # a card is up, and Bo picks the next block
    for name, viewport in PROJECTORS.items():
        room.set_viewport_size(viewport)
        reload(room)
        expect(room.locator("#room-card")).to_contain_text("what surprised a customer?")
        expect(room.locator("#room-turn")).to_contain_text("Bo")
        assert len(assert_whole_on_screen(room, ".room__table .wood-block")) == cards - 1
        assert_whole_on_screen(room, "#room-card")
        assert_no_scrolling(room)
        shoot(room, f"spread-{cards}-live-{name}")


def test_present_goes_full_screen_and_has_a_visible_way_back(new_page, live_app):
    session = start_session(UserFactory())
    room = open_room(new_page, session, PROJECTORS["720p"])
    present = room.get_by_role("button", name="Present (full screen)")
    present.focus()
    room.keyboard.press("Enter")
    leave = room.get_by_role("button", name="Leave full screen")
    expect(leave).to_be_visible()
    expect(leave).to_be_focused()
    assert room.evaluate("Boolean(document.fullscreenElement)")
    room.keyboard.press("Enter")
    expect(present).to_be_visible()
    assert not room.evaluate("Boolean(document.fullscreenElement)")


CLOUD_ANSWERS = [
    "Friendly staff and hot coffee",
    "The staff remembered my name",
    "Coffee was waiting for me",
    "A friendly call after the delivery",
    "Staff who listened",
    "Fast delivery and a handwritten note",
    "<script>alert('cloud')</script> friendly",
]


def test_the_w_key_turns_the_wall_into_a_word_cloud_that_fits_the_room(new_page, live_app):
    owner = UserFactory()
    session = start_session(owner, title="Word cloud")
    session.reveal_next()
    for number, text in enumerate(CLOUD_ANSWERS):
        HttpPhone(live_app, session, f"P{number}").answer(text)
    console = new_page()
    log_in(console, owner)
    console.goto(session.get_absolute_url())
    room = open_room(new_page, session, PROJECTORS["1080p"])
    expect(room.locator(".answer-note")).to_have_count(len(CLOUD_ANSWERS))

    console.keyboard.press("w")
    cloud = room.get_by_role("img", name="Word cloud of the answers: friendly (3), staff (3)")
    expect(cloud).to_be_visible()
    expect(console.get_by_role("button", name="Show the answers in the room")).to_be_visible()
    expect(room.locator(".word-cloud text", has_text="alert")).to_have_count(1)  # a word, as text
    shoot(console, "console-cloud-1366")
    for name, viewport in PROJECTORS.items():
        room.set_viewport_size(viewport)
        words = assert_whole_on_screen(room, ".word-cloud text")
        assert {"friendly", "staff", "coffee", "delivery"} <= {word["text"] for word in words}
        assert_no_scrolling(room)
        shoot(room, f"cloud-{name}")

    console.keyboard.press("w")
    expect(room.locator(".answer-note")).to_have_count(len(CLOUD_ANSWERS))
    expect(room.locator(".word-cloud")).to_have_count(0)


def test_without_javascript_the_room_still_shows_every_answer_on_a_page_that_scrolls(
    browser, live_app
):
    session = start_session(UserFactory())
    session.reveal_next()
    texts = [answer_text(number) for number in range(1, 41)]
    for number, text in enumerate(texts, start=1):
        HttpPhone(live_app, session, f"P{number}").answer(text)
    context = browser.new_context(
        java_script_enabled=False, viewport=PROJECTORS["720p"], base_url=live_app.url
    )
    room = context.new_page()
    room.goto(f"/live/{session.pk}/room/?key={session.room_key}")
    expect(room.locator(".room__answered")).to_have_text("40 of 40 answered")
    notes = room.locator(".answer-note")
    expect(notes).to_have_count(40)
    for number, text in enumerate(texts):
        note = notes.nth(number)
        note.scroll_into_view_if_needed()
        expect(note).to_be_in_viewport()
        expect(note).to_contain_text(text)
    expect(room.get_by_role("button", name="Present (full screen)")).to_be_hidden()
    shoot(room, "answers-40-720p-without-javascript")
    context.close()
