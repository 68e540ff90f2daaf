"""A whole workshop by keyboard alone: a facilitator builds a deck, runs the session and opens
the summary, and a participant joins and answers, without a mouse.

At every step the focused element shows that it has the focus, and after every swap (a
button's own response or a fragment pushed over the socket) the focus is on something a
keyboard user can go on from, never thrown back to the top of the page.
"""

import re
import time

import pytest
from playwright.sync_api import expect

from sessions.models import LiveSession
from tests.e2e.conftest import PHONE, screenshot
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.e2e

FIRST = "What made you smile at work this week?"
SECOND = "What will you try tomorrow?"

# What the focused element is called, and whether it shows that it has the focus (app.css
# draws :focus-visible as an outline; a few controls use a box shadow).
FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadowed = style.boxShadow !== "none";
  const name = (element.getAttribute("aria-label") || element.labels?.[0]?.textContent ||
    element.textContent || element.value || "").replace(/\\s+/g, " ").trim();
  return {name, tag: element.tagName, visible: outlined || shadowed};
}"""


def focused(page):
    """The focused element, which must not be the page itself and must show its focus."""
    state = page.evaluate(FOCUSED)
    assert state is not None, "the keyboard focus is lost: it is on the page's <body>"
    assert state["visible"], f"no visible focus indicator on {state['tag']} {state['name']!r}"
    return state


def focus_lands_on(page, pattern, settle_seconds=3):
    """After a swap, the focus settles on an element named like `pattern`, showing it. A
    button's own response and the same part pushed over the socket may both redraw it, one
    after the other: the focus must be back on it once both are done, not at every instant."""
    expect(page.locator(":focus")).to_have_accessible_name(re.compile(pattern))
    deadline = time.monotonic() + settle_seconds
    while True:
        state = page.evaluate(FOCUSED)
        if (state and re.search(pattern, state["name"])) or time.monotonic() > deadline:
            return focused(page)
        page.wait_for_timeout(50)


def tab_to(page, pattern, backwards=False, limit=80):
    """Press Tab (or Shift+Tab) until the focus is on the element named like `pattern`."""
    key = "Shift+Tab" if backwards else "Tab"
    passed = []
    for _ in range(limit):
        page.keyboard.press(key)
        state = page.evaluate(FOCUSED)
        if state and re.search(pattern, state["name"]):
            return focused(page)
        passed.append(state and state["name"])
    raise AssertionError(f"{key} never reached {pattern!r}, only {passed}")


def type_into(page, label, text):
    tab_to(page, label)
    page.keyboard.type(text)


def test_a_whole_session_by_keyboard_alone(new_page):
    owner = UserFactory(email="host@example.com")
    console = new_page()
    console.goto("/accounts/login/")
    type_into(console, "^E-mail address", owner.email)
    type_into(console, "^Password", PASSWORD)
    console.keyboard.press("Enter")
    expect(console.get_by_role("heading", name="My decks")).to_be_visible()

    tab_to(console, "^New deck")
    console.keyboard.press("Enter")
    expect(console.get_by_role("heading", name="New deck")).to_be_visible()
    type_into(console, "^Title", "Keyboard kick-off")
    console.keyboard.press("Enter")
    expect(console.get_by_role("heading", name="Keyboard kick-off")).to_be_visible()
    for number, prompt in enumerate([FIRST, SECOND], start=1):
        type_into(console, "^Question:", prompt)
        tab_to(console, "^Add card$")
        console.keyboard.press("Enter")
        expect(console.locator(".card-item")).to_have_count(number)
        focus_lands_on(console, "^Question:")  # ready for the next card

    tab_to(console, "^Start a session$", backwards=True)
    console.keyboard.press("Enter")
    expect(console.get_by_role("heading", name="Start a session")).to_be_visible()
    tab_to(console, "^Shuffle the cards")
    console.keyboard.press("Space")
    tab_to(console, "^Start the session$")
    console.keyboard.press("Enter")
    expect(console.get_by_text("Facilitator console")).to_be_visible()
    session = LiveSession.objects.get()

    phone = new_page(viewport=PHONE)
    phone.goto("/join/")
    type_into(phone, "^Join code", session.join_code.lower())
    phone.keyboard.press("Enter")
    expect(phone.get_by_label("Your name")).to_be_visible()
    type_into(phone, "^Your name", "Ana")
    phone.keyboard.press("Enter")
    expect(phone.get_by_text("You're in!")).to_be_visible()
    expect(console.locator("#host-people")).to_contain_text("1 participant")

    # The console's shortcut reveals the first card; the focus follows the button it pressed.
    console.keyboard.press("ArrowRight")
    expect(phone.locator("#phone-card")).to_contain_text(FIRST)
    focus_lands_on(console, "^Next card")

    type_into(phone, "^Your answer", "A thank-you note from a customer")
    tab_to(phone, "^Send my answer$")
    phone.keyboard.press("Enter")
    expect(phone.get_by_text("Saved.")).to_be_visible()
    focus_lands_on(phone, "^Update my answer$")

    # The answer arrives over the socket while the facilitator is on "Next card": it stays.
    expect(console.locator("#host-answers")).to_contain_text("A thank-you note")
    focus_lands_on(console, "^Next card")
    tab_to(console, "^Hide Ana's answer$")
    console.keyboard.press("Enter")
    expect(console.locator("#host-answers")).to_contain_text("Hidden from the room")
    focus_lands_on(console, "^Show Ana's answer again$")
    console.keyboard.press("Enter")
    expect(console.locator("#host-answers")).not_to_contain_text("Hidden from the room")
    focus_lands_on(console, "^Hide Ana's answer$")

    console.keyboard.press("t")  # next turn: the focus stays on the answer's button
    expect(phone.get_by_text("Your turn!")).to_be_visible()
    focus_lands_on(console, "^Hide Ana's answer$")

    tab_to(console, "^1 min$", backwards=True)
    console.keyboard.press("Enter")
    expect(console.locator("#host-timer [data-timer-clock]")).to_have_text("01:00")
    focus_lands_on(console, "^1 min$")
    tab_to(console, "^Start$")
    console.keyboard.press("Space")
    focus_lands_on(console, "^Pause$")
    console.keyboard.press("Enter")
    focus_lands_on(console, "^Resume$")

    console.keyboard.press("ArrowRight")
    expect(phone.locator("#phone-card")).to_contain_text(SECOND)
    focus_lands_on(console, "^Resume$|^Start$")
    screenshot(console, "keyboard-console")

    console.once("dialog", lambda dialog: dialog.accept())
    tab_to(console, "^End session$")
    console.keyboard.press("Enter")
    expect(console).to_have_url(re.compile(rf"/live/{session.pk}/summary/$"))
    expect(console.get_by_role("heading", name="Keyboard kick-off")).to_be_visible()
    expect(phone.get_by_role("heading", name="Thank you for taking part!")).to_be_visible()
    tab_to(console, "^Skip to content$")
    console.keyboard.press("Enter")
    tab_to(console, "^Export as CSV$")
    expect(console.locator("main")).to_contain_text("A thank-you note from a customer")
