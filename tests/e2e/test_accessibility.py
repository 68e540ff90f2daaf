"""What axe-core does not judge on its own, in real Chromium: every control is big enough to hit
(WCAG 2.2, 2.5.8: 24×24 CSS px; buttons on the phone 44×44, for thumbs), and the card flip and
the answer wall's notes stop moving for people who asked their system for less motion.

The phone goes through every state here once (joining, waiting, its turn, a card up, answered,
ended): each state is measured, and axe-core scans it (conftest.py's `screenshot`)."""

import re

import pytest
from playwright.sync_api import expect

from sessions.models import Answer, LiveSession, Participant
from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.test_console import open_console
from tests.factories import UserFactory
from tests.live_sessions.conftest import PROMPTS, start_session

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1280, "height": 720}

# Every control a person can see: its size, and whether it counts as a button. Links inside
# running text are left out, as 2.5.8 allows ("the target is in a sentence"): a link that is
# inline and shares its block with words of its own. Off-page (the skip link until it has focus)
# and visually hidden elements are no target for a finger or a pointer.
TARGETS = """() => {
  const block = (element) => {
    let parent = element.parentElement;
    while (parent && getComputedStyle(parent).display.startsWith("inline")) {
      parent = parent.parentElement;
    }
    return parent;
  };
  const inRunningText = (element) => {
    if (element.tagName !== "A" || getComputedStyle(element).display !== "inline") return false;
    const copy = block(element).cloneNode(true);
    copy.querySelectorAll("a, button").forEach((control) => control.remove());
    return /\\p{L}/u.test(copy.textContent);
  };
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    + "[role=button]";
  return [...document.querySelectorAll(selector)]
    .filter((element) => element.checkVisibility({ visibilityProperty: true }))
    .map((element) => ({ element, box: element.getBoundingClientRect() }))
    .filter(({ box }) => box.width > 1 && box.height > 1)
    .filter(({ box }) => box.bottom + scrollY > 0 && box.right + scrollX > 0)
    .filter(({ element }) => !inRunningText(element))
    .map(({ element, box }) => ({
      what: `${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}`
        + `${element.type ? "[type=" + element.type + "]" : ""} "`
        + `${(element.innerText || element.value || element.getAttribute("aria-label") || "")
          .trim().slice(0, 40)}"`,
      width: Math.round(box.width * 10) / 10,
      height: Math.round(box.height * 10) / 10,
      button: element.matches("button, [role=button], input[type=submit], a.button"),
    }));
}"""


def too_small(page, buttons=24):
    """The controls on `page` smaller than 24×24 CSS px, and buttons smaller than `buttons`."""
    targets = page.evaluate(TARGETS)
    return [
        f"{target['what']}: {target['width']}×{target['height']}"
        for target in targets
        if min(target["width"], target["height"]) < (buttons if target["button"] else 24)
    ]


def assert_big_enough(page, buttons=24):
    small = too_small(page, buttons)
    assert not small, f"Too small to hit on {page.url}:\n" + "\n".join(small)


def on_phone(phone, name):
    """A phone state: every control big enough for a thumb, and scanned by axe-core."""
    assert_big_enough(phone, buttons=44)
    screenshot(phone, f"a11y-phone-{name}-390")


def test_every_control_on_the_phone_and_the_facilitator_pages_is_big_enough_to_hit(new_page):
    session = start_session(UserFactory(), mode="spread", passes_per_person=1)
    console = open_console(new_page, session)  # 1366 wide
    phone = new_page(viewport=PHONE)

    phone.goto("/join/")
    assert_accessible(phone)
    assert_big_enough(phone, buttons=44)
    phone.get_by_label("Join code").fill(session.join_code)
    phone.get_by_role("button", name="Join").click()
    expect(phone.get_by_label("Your name")).to_be_visible()
    on_phone(phone, "joining")
    phone.get_by_label("Your name").fill("Ana")
    phone.get_by_role("button", name="Join the session").click()
    expect(phone.get_by_text("You're in!")).to_be_visible()
    phone.locator("#phone-name summary").click()  # the name form open too
    on_phone(phone, "waiting")

    console.get_by_role("button", name="Next turn").click()
    expect(phone.get_by_text("Your turn! Pick a block below.")).to_be_visible()
    on_phone(phone, "its-turn")
    phone.get_by_role("button", name="Block 1").click()
    expect(phone.locator("#phone-card")).to_contain_text(PROMPTS[0])
    on_phone(phone, "card-up")
    phone.get_by_label("Your answer").fill("The bus driver waited for me.")
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_text("Saved.")).to_be_visible()
    on_phone(phone, "answered")

    expect(console.locator("#host-people")).to_contain_text("1 of 1 answered")
    assert_big_enough(console)
    console.goto(session.deck.get_absolute_url())
    assert_big_enough(console)
    screenshot(console, "a11y-deck-1366")
    console.goto(session.get_absolute_url())
    console.once("dialog", lambda dialog: dialog.accept())
    console.get_by_role("button", name="End session").click()
    expect(phone.get_by_role("heading", name="Thank you for taking part!")).to_be_visible()
    on_phone(phone, "ended")
    expect(console).to_have_url(re.compile(r"/summary/$"))  # loaded, not on its way
    expect(console.get_by_role("heading", level=1)).to_be_visible()
    assert_big_enough(console)  # the summary


# What moves on the page: the running animations and transitions, and for each element of
# `selector` its computed animation (name and duration) and transition duration.
MOTION = """(selector) => ({
  running: document.getAnimations().filter((animation) => animation.playState === "running")
    .map((animation) => animation.animationName || animation.transitionProperty),
  elements: [...document.querySelectorAll(selector)].filter((element) => !element.hidden)
    .map((element) => {
      const style = getComputedStyle(element);
      return {
        animation: style.animationName === "none" ? "none"
          : `${style.animationName} ${style.animationDuration}`,
        transition: style.transitionDuration,
      };
    }),
})"""


def motion(page, selector):
    return page.evaluate(MOTION, selector)


def still(page, selector):
    """Nothing on `selector` animates or transitions, and nothing runs on the page."""
    found = motion(page, selector)
    assert found["elements"], selector
    return found["running"] == [] and all(
        element["animation"] == "none" and element["transition"] in ("0s", "")
        for element in found["elements"]
    )


def test_the_card_flip_and_the_wall_move_only_for_people_who_did_not_ask_for_less(new_page):
    session = start_session(UserFactory(), title="Motion")
    room = new_page(viewport=PROJECTOR)
    room.goto(f"/live/{session.pk}/room/?key={session.room_key}")
    phone = new_page(viewport=PHONE)
    phone.goto(f"/join/{session.join_code}/")
    phone.get_by_label("Your name").fill("Ana")
    phone.get_by_role("button", name="Join the session").click()
    expect(phone.get_by_text("You're in!")).to_be_visible()
    people = Participant.objects.bulk_create(
        Participant(session=session, display_name=f"P{number}") for number in range(30)
    )

    def reveal_with_answers():
        session.reveal_next()
        card = LiveSession.objects.get(pk=session.pk).current_card
        Answer.objects.bulk_create(
            Answer(
                session_card=card,
                participant=person,
                text=f"{person.display_name}: " + "word " * 60,
            )
            for person in people
        )
        for page in (room, phone):
            page.reload()
        expect(room.locator("[data-pages]")).not_to_have_attribute("data-page-count", "1")

    # Without a preference: the card turns over on both screens, the notes of a page slide in.
    reveal_with_answers()
    for page in (room, phone):
        flip = motion(page, ".block-card")
        assert flip["elements"] == [{"animation": "flip-in 0.6s", "transition": "0s"}]
    room.evaluate("document.dispatchEvent(new Event('room:next-page'))")
    expect(room.locator("[data-pages]")).to_have_attribute("data-page", "2")
    notes = motion(room, "#room-answers .answer-note")["elements"]
    assert {note["animation"] for note in notes} == {"note-in 0.4s"}

    # Asked for less: the next card is simply there, and so is each page of the wall.
    for page in (room, phone):
        page.emulate_media(reduced_motion="reduce")
    reveal_with_answers()
    for page in (room, phone):
        assert still(page, ".block-card"), motion(page, ".block-card")
    room.evaluate("document.dispatchEvent(new Event('room:next-page'))")
    expect(room.locator("[data-pages]")).to_have_attribute("data-page", "2")
    assert still(room, "#room-answers .answer-note"), motion(room, "#room-answers .answer-note")
    screenshot(room, "a11y-room-reduced-motion-720p")
    screenshot(phone, "a11y-phone-reduced-motion-390")
