"""The phone in real Chromium: a new card's form arrives with the card while someone types,
screen readers hear what changed, the form says what the room will see, a taken name is said
and changed, and the private stories link can be kept at the end."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import Answer, LiveSession
from tests.e2e.conftest import join, log_in, screenshot
from tests.factories import CardFactory, DeckFactory, UserFactory

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
PROMPTS = [f"Card {number}: what made you smile?" for number in range(1, 7)]
MEMORY = "Which customer memory would you share?"

# Every state the answer area goes through, recorded as the page changes (before it paints).
RECORD_STATES = """() => {
  window.states = [];
  const record = () => {
    const card = document.getElementById("phone-card");
    const area = document.getElementById("phone-answer");
    window.states.push({
      card: card ? card.dataset.card : null,
      area: area ? area.dataset.card : null,
      button: area?.querySelector("button[type=submit]")?.textContent.trim() || "",
      refused: document.body.textContent.includes("Write an answer before sending it."),
    });
  };
  new MutationObserver(record).observe(document.body, {
    subtree: true, childList: true, attributes: true, characterData: true,
  });
  record();
}"""


def shot(page, name):
    screenshot(page, f"phone-{name}")


def console_of(new_page, session):
    """The facilitator's console, logged in."""
    page = new_page()
    log_in(page, session.facilitator)
    page.goto(f"/live/{session.pk}/")
    expect(page.get_by_text("Facilitator console")).to_be_visible()
    return page


def start(prompts, memory=False, **options):
    owner = UserFactory()
    deck = DeckFactory(owner=owner, title="Friday kick-off")
    for prompt in prompts:
        CardFactory(deck=deck, prompt=prompt)
    if memory:
        CardFactory(deck=deck, prompt=MEMORY, kind="memory")
    options.setdefault("is_shuffled", False)
    return LiveSession.start(deck, owner, join_base_url="http://testserver", **options)


def phone_of(new_page, session, name):
    return join(lambda **_: new_page(viewport=PHONE), session.join_code, name)


def test_a_new_card_never_shows_the_previous_cards_form_and_typing_is_never_lost(new_page):
    session = start(PROMPTS)
    console = console_of(new_page, session)
    ana = phone_of(new_page, session, "Ana")
    shot(ana, "joined-waiting")
    console.keyboard.press("ArrowRight")
    expect(ana.locator("#phone-card")).to_contain_text(PROMPTS[0])
    ana.get_by_label("Your answer").fill("My first answer")
    ana.get_by_role("button", name="Send my answer").click()
    expect(ana.get_by_role("button", name="Update my answer")).to_be_visible()
    first_card = ana.locator("#phone-card").get_attribute("data-card")

    ana.evaluate(RECORD_STATES)
    ana.get_by_label("Your answer").click()
    ana.keyboard.press("ControlOrMeta+A")
    typed = ""
    for number in range(1, 5):
        # The facilitator moves on as Ana types, once their console has its last answer (htmx
        # drops a press on a form whose request is still under way, as a double tap is).
        expect(console.locator(".htmx-request")).to_have_count(0)
        console.keyboard.press("ArrowRight")
        word = f"word{number} "
        ana.keyboard.type(word, delay=25)
        typed += word
        expect(ana.locator("#phone-card")).to_contain_text(PROMPTS[number])
    box = ana.get_by_label("Your answer")
    expect(box).to_have_value(typed)  # every key landed, in the form of the card on screen
    expect(ana.get_by_text("You were writing this for the previous card")).to_be_visible()
    shot(ana, "draft-carried")
    before_sending = ana.evaluate("window.states.length")
    ana.get_by_role("button", name="Send my answer").click()
    expect(ana.get_by_text("Saved.")).to_be_visible()

    states = ana.evaluate("window.states")
    assert len({state["card"] for state in states}) == 5  # each card was seen
    assert [s for s in states if s["card"] != s["area"]] == []  # card and form change together
    moving_on = states[:before_sending]
    assert [
        s for s in moving_on if s["card"] != first_card and s["button"] != "Send my answer"
    ] == []
    assert not any(s["refused"] for s in states)
    answers = dict(Answer.objects.values_list("session_card__prompt", "text"))
    assert answers == {PROMPTS[0]: "My first answer", PROMPTS[4]: typed.strip()}


COUNT_LIVE_CHANGES = """() => {
  window.liveChanges = {};
  for (const region of document.querySelectorAll("[aria-live], [role=status]")) {
    const name = region.id || region.className;
    window.liveChanges[name] = 0;
    new MutationObserver(() => { window.liveChanges[name] += 1; }).observe(region, {
      subtree: true, childList: true, characterData: true,
    });
  }
}"""


def live_changes(page):
    """How often each live region's content changed since COUNT_LIVE_CHANGES (each change is
    one announcement; a region swapped as a whole would be a new region, announced unreliably)."""
    return page.evaluate("window.liveChanges")


def test_screen_readers_hear_their_turn_a_new_card_and_a_saved_answer_once(new_page):
    session = start(PROMPTS[:3], mode=LiveSession.Mode.SPREAD)
    console = console_of(new_page, session)
    ana = phone_of(new_page, session, "Ana")
    bo = phone_of(new_page, session, "Bo")
    for phone in (ana, bo):
        phone.evaluate(COUNT_LIVE_CHANGES)
        regions = {"phone-turn", "phone-card", "phone-said", "phone-name-said", "live-paused"}
        regions.add("phone-announcer")  # empty until the session ends
        regions.add("phone-level")  # empty: the deck has no levels
        assert set(live_changes(phone)) == regions
    console.get_by_role("button", name="Next turn").click()
    expect(ana.locator("#phone-turn")).to_contain_text("Your turn! Pick a block below.")
    expect(ana.get_by_text("Your turn! Pick a block below.")).to_be_visible()
    expect(bo.get_by_text("Ana is picking a block.")).to_be_visible()
    expect(bo.get_by_text("Your turn!")).to_be_hidden()
    shot(ana, "your-turn-spread")
    shot(bo, "someone-else-picks")
    for phone in (ana, bo):  # the turn is heard; the card, pushed unchanged, is not heard again
        assert live_changes(phone)["phone-turn"] == 1
        assert live_changes(phone)["phone-card"] == 0

    ana.get_by_role("button", name="Block 2").click()
    for phone in (ana, bo):
        expect(phone.locator("#phone-card")).to_contain_text(re.compile(r"Card \d: what made"))
        assert live_changes(phone)["phone-card"] == 1
    bo.get_by_label("Your answer").fill("A kind word")
    bo.get_by_role("button", name="Send my answer").click()
    expect(bo.locator("#phone-said")).to_have_text(
        "Saved. You can still change it until the next card."
    )
    assert bo.locator("#phone-said").get_attribute("role") == "status"
    assert live_changes(bo)["phone-said"] == 1
    shot(bo, "saved")
    console.get_by_role("button", name="Reveal a card for them").click()
    expect(bo.locator("#phone-card")).to_contain_text("Card 2 of 3")
    expect(bo.locator("#phone-said")).to_have_text("")  # "Saved" was about the last card


def test_the_form_says_what_the_room_and_the_archive_will_get_as_choices_change(new_page):
    session = start([], memory=True)
    ana = phone_of(new_page, session, "Ana")
    session.reveal_next()
    ana.reload()
    note = ana.locator("[data-audience]")
    expect(note).to_have_text(
        "The room sees your memory with your name; nothing goes to the archive."
    )
    ana.get_by_label("Yes, anonymously").check()
    expect(note).to_have_text(
        "The room sees your memory without your name; the archive keeps it without a name."
    )
    ana.get_by_label("Yes, with my name").check()
    expect(note).to_have_text(
        "The room sees your memory with your name; the archive keeps it with your name."
    )
    ana.get_by_label("No, keep it in this room").check()
    ana.get_by_label("Only for the facilitator").check()
    expect(note).to_have_text("Only the facilitator sees your memory; nothing goes to the archive.")
    ana.get_by_label("Your memory").fill("The baker who knew my name")
    ana.get_by_label("Only for the facilitator").uncheck()
    ana.get_by_label("Yes, anonymously").check()
    shot(ana, "card-with-form")


def test_a_taken_name_is_said_and_can_be_changed_on_the_phone(new_page):
    session = start(PROMPTS[:2])
    console = console_of(new_page, session)
    phone_of(new_page, session, "Ana")
    phone_of(new_page, session, "Bo")
    second = phone_of(new_page, session, "Ana")
    expect(
        second.get_by_text("Someone here is already called Ana, so you are Ana 2.")
    ).to_be_visible()
    expect(second.locator(".phone-header__me")).to_have_text("Ana 2")
    shot(second, "name-taken")
    second.get_by_label("New name").fill("Bo")
    second.get_by_role("button", name="Change my name").click()
    expect(
        second.get_by_text("Someone here is already called Bo, so you are Bo 2.")
    ).to_be_visible()
    expect(second.locator(".phone-header__me")).to_have_text("Bo 2")
    second.get_by_label("New name").fill("Anouk")
    second.get_by_role("button", name="Change my name").click()
    expect(second.get_by_text("You are now Anouk.")).to_be_visible()
    expect(second.locator(".phone-header__me")).to_have_text("Anouk")
    expect(console.locator("#host-people")).to_contain_text("Anouk")
    shot(second, "renamed")


def test_at_the_end_only_someone_who_shared_gets_the_link_and_can_copy_it(new_page):
    session = start(PROMPTS[:1], memory=True)
    console = console_of(new_page, session)
    ana = phone_of(new_page, session, "Ana")
    bo = phone_of(new_page, session, "Bo")
    console.keyboard.press("ArrowRight")
    expect(ana.locator("#phone-card")).to_contain_text(PROMPTS[0])
    console.get_by_role("button", name="Next card →").click()
    expect(ana.locator("#phone-card")).to_contain_text(MEMORY)
    ana.get_by_label("Your memory").fill("The hotel that mailed back my daughter's bear.")
    ana.get_by_label("Yes, with my name").check()
    ana.get_by_role("button", name="Send my answer").click()
    expect(ana.get_by_text("Saved.")).to_be_visible()
    session.refresh_from_db()
    session.cards.filter(pk=session.current_card_id).update(closed_at=timezone.now())
    bo.reload()  # answers are closed for this card (the facilitator locked them, say)
    expect(
        bo.get_by_text("Answers are closed for this card; the next card comes soon.")
    ).to_be_visible()
    shot(bo, "closed")

    console.once("dialog", lambda dialog: dialog.accept())
    console.get_by_role("button", name="End session").click()
    expect(ana.get_by_role("link", name="My shared stories")).to_be_visible()
    ana.context.grant_permissions(["clipboard-read", "clipboard-write"])
    link = ana.get_by_label("Your private link")
    expect(link).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/stories/mine/[\w-]+/$"))
    ana.get_by_role("button", name="Copy").click()
    expect(ana.get_by_text("Copied")).to_be_visible()
    assert ana.evaluate("navigator.clipboard.readText()") == link.input_value()
    shot(ana, "ended-with-link")
    expect(bo.get_by_role("heading", name="Thank you for taking part!")).to_be_visible()
    expect(bo.get_by_text("Nothing you wrote went into the story archive")).to_be_visible()
    expect(bo.get_by_role("link", name="My shared stories")).to_have_count(0)
    shot(bo, "ended-without-link")

    mine = new_page(viewport=PHONE)
    mine.goto(link.input_value())
    screenshot(mine, "mine-390")
    mine.get_by_role("button", name="Withdraw this story").click()  # not ticked
    expect(mine.get_by_role("alert")).to_contain_text("Nothing was withdrawn")
    expect(mine.get_by_text("The hotel that mailed back")).to_be_visible()
    expect(mine.get_by_label("I understand this cannot be undone")).to_be_focused()
    screenshot(mine, "mine-refused-390")
    mine.set_viewport_size({"width": 1366, "height": 900})
    screenshot(mine, "mine-refused-1366")
    mine.get_by_label("I understand this cannot be undone").check()
    mine.get_by_role("button", name="Withdraw this story").click()
    expect(mine.get_by_text("Your story is withdrawn")).to_be_visible()
    screenshot(mine, "mine-withdrawn-1366")
