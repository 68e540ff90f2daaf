"""Co-facilitators and a team's series in real Chromium: the facilitator adds a colleague, who
runs the session from a console of their own until removed, when it closes for good; the start
form's team field and what each team has seen of the deck."""

import pytest
from playwright.sync_api import expect

from sessions.models import LiveSession, Team
from tests.e2e.conftest import join, screenshot
from tests.e2e.test_console import LAPTOP, log_in, open_console
from tests.factories import CardFactory, DeckFactory, UserFactory
from tests.live_sessions.conftest import PROMPTS, start_session

pytestmark = pytest.mark.e2e


def test_a_co_facilitator_added_mid_session_runs_it_until_removed(new_page):
    owner = UserFactory(name="Maya Owner")
    colleague = UserFactory(name="Chris Colleague", email="chris@example.com")
    session = start_session(owner)
    console = open_console(new_page, session)
    ana = join(new_page, session.join_code, "Ana")
    panel = console.locator("#host-co-facilitators")

    panel.get_by_label("Their account's e-mail address").fill("nobody@example.com")
    panel.get_by_role("button", name="Add co-facilitator").click()
    expect(panel).to_contain_text("No account has the address nobody@example.com.")
    panel.get_by_label("Their account's e-mail address").fill("Chris@Example.com")
    panel.get_by_role("button", name="Add co-facilitator").click()
    expect(panel.get_by_role("status")).to_have_text(
        "Chris Colleague can now run this session with you."
    )
    expect(panel.get_by_role("button", name="Remove Chris Colleague")).to_be_visible()
    screenshot(console, "co-facilitator-console-panel-1366")

    chris = new_page(viewport=LAPTOP)
    log_in(chris, colleague)
    chris.goto("/live/")
    expect(chris.get_by_text("Co-facilitating with Maya Owner")).to_be_visible()
    screenshot(chris, "co-facilitator-session-list-1366")
    chris.get_by_role("link", name=session.title).click()
    chris.wait_for_function("document.getElementById('live-paused').hidden")
    expect(chris.get_by_text("Co-facilitating with Maya Owner")).to_be_visible()
    expect(chris.get_by_role("button", name="Add co-facilitator")).to_have_count(0)
    chris.get_by_role("button", name="Reveal the first card").click()
    expect(console.locator(".console__prompt")).to_have_text(PROMPTS[0])  # live on the owner's
    expect(ana.locator("#phone-card")).to_contain_text(PROMPTS[0])
    screenshot(chris, "co-facilitator-console-1366")

    console.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name="Remove Chris Colleague").click()
    expect(panel.get_by_role("status")).to_have_text("Chris Colleague no longer runs this session.")

    expect(chris.get_by_role("alert")).to_contain_text(
        "Maya Owner removed you as co-facilitator of this session."
    )
    expect(chris.get_by_role("button", name="Next card →")).to_have_count(0)
    expect(chris.get_by_role("button", name="End session")).to_be_hidden()
    expect(chris.locator("#live-paused")).to_be_hidden()  # closed for good, not "reconnecting"
    screenshot(chris, "co-facilitator-removed-1366")
    chris.reload()
    expect(chris.get_by_role("heading", name="This page is not here")).to_be_visible()
    console.get_by_role("button", name="Next card →").click()  # the owner carries on
    expect(ana.locator("#phone-card")).to_contain_text(PROMPTS[1])


def test_the_start_form_offers_the_facilitators_teams_and_what_each_has_seen(new_page):
    owner = UserFactory()
    deck = DeckFactory(owner=owner, title="Friday icebreakers")
    for prompt in PROMPTS:
        CardFactory(deck=deck, prompt=prompt)
    crew = Team.objects.create(owner=owner, name="Support crew")
    earlier = LiveSession.start(deck, owner, team=crew, is_shuffled=False)
    earlier.reveal_next()
    earlier.reveal_next()
    earlier.end()
    Team.objects.create(owner=owner, name="Sales")
    page = new_page(viewport={"width": 1366, "height": 1100})
    log_in(page, owner)
    page.goto(f"/decks/{deck.slug}/start/")
    expect(page.get_by_text("2 of 3 cards seen")).to_be_visible()
    screenshot(page, "session-start-team-1366")

    page.get_by_label("Team (optional)").fill("support crew")
    page.get_by_label("Leave them out").check()
    page.get_by_role("button", name="Start the session").click()
    expect(page.get_by_text("Series for Support crew")).to_be_visible()
    session = LiveSession.objects.latest("created_at")
    assert list(session.face_down_cards().values_list("prompt", flat=True)) == [PROMPTS[2]]
